"""The audit trail: every write, login, export and confidential read leaves an event.

``audit_record`` appends one event inside the caller's transaction, so the
event and the change it describes commit or roll back together. Events are
chained: each carries the previous event's hash, an HMAC-SHA256 keyed with the
installation's audit key (``settings.AUDIT_KEY``, a file beside ``field.key``, never in
the database), so that someone who can write to the database cannot recompute the hashes
of events they edit. The chain's head is anchored outside the database too: ``audit_anchor``
appends the committed head (sequence number and hash) to ``DATA_DIR/audit/anchors.log``,
an append-only file, every ``ANCHOR_EVERY`` events, when ``audit_verify`` has verified the
chain, and when ``manage.py audit_anchor`` runs (daily, from cron or the scheduler).

``audit_verify_chain`` recomputes the chain and names the first break by its kind: an
edited event, a deleted event, reordered events, a cut tail (the newest events deleted and
the head moved back, which the anchors show) and a rewritten chain (hashes that disagree
with an anchor, as when the key was stolen too). Events past the retention are purged from
the chain's start by ``core.audit_retention``, which records the new start in the anchor file
and the head. Decision 0002.
"""

from __future__ import annotations

import contextvars
import hashlib
import hmac
import json
import logging
import os
import uuid
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)
GENESIS = "0" * 64
ANCHOR_EVERY = 100  # events between two anchors written as they commit


@dataclass
class RequestContext:
    ip: str | None = None
    trace_id: str = field(default_factory=lambda: uuid.uuid4().hex)


_context: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar("xuncha_request", default=None)


def context_set(ctx: RequestContext | None):
    return _context.set(ctx)


def context_reset(token) -> None:
    _context.reset(token)


def current_context() -> RequestContext:
    return _context.get() or RequestContext()


def export_trace(actor) -> str:
    """What marks an exported file (a document's watermark, a workbook's printed footer): who,
    when, and this request's trace id, which the export's audit event carries too, so that a
    leaked copy leads to its event (the audit list finds it by 追踪号)."""
    who = f"{actor.display_name}（{actor.username}）" if actor.display_name != actor.username else actor.username
    return f"{who} 导出于 {timezone.localtime():%Y-%m-%d %H:%M} 追踪号 {current_context().trace_id}"


def event_digest(event, key: str | None = None) -> str:
    """HMAC-SHA256, keyed with the audit key, over the fields an auditor relies on and the
    previous hash."""
    payload = [
        event.seq,
        event.at.astimezone(UTC).isoformat(),
        event.authority_id,
        event.actor_id,
        event.actor_username,
        event.roles,
        event.ip,
        event.action,
        event.object_type,
        event.object_id,
        event.object_repr,
        event.outcome,
        event.detail,
        event.trace_id,
        event.prev_hash,
    ]
    data = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    secret = (key if key is not None else settings.AUDIT_KEY).encode("utf-8")
    return hmac.new(secret, data.encode("utf-8"), hashlib.sha256).hexdigest()


def audit_record(
    *,
    actor,
    action: str,
    obj=None,
    outcome: str = "success",
    detail: dict | None = None,
    authority=None,
    username: str = "",
):
    """Append an event. Call inside the service's transaction.

    ``authority`` defaults to the object's authority, then the actor's.
    Serialised by a row lock on ``AuditChainHead``.
    """
    from core.access import roles
    from core.models import AuditChainHead, AuditEvent

    ctx = current_context()
    actor = actor if (actor is not None and getattr(actor, "is_authenticated", False)) else None
    if authority is None and obj is not None:
        authority = getattr(obj, "authority", None)
    if authority is None and actor is not None:
        authority = actor.authority
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        event = AuditEvent(
            seq=head.last_seq + 1,
            at=timezone.now(),
            authority_id=getattr(authority, "pk", authority),
            actor=actor,
            actor_username=(actor.username if actor else username)[:150],
            roles=",".join(sorted(roles(actor))) if actor else "",
            ip=ctx.ip,
            action=action,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            object_repr=str(obj)[:255] if obj is not None else "",
            outcome=outcome,
            detail=json.loads(json.dumps(detail or {}, ensure_ascii=False, default=str)),
            trace_id=ctx.trace_id,
            prev_hash=head.last_hash,
        )
        event.hash = event_digest(event)
        event.save()
        head.last_seq, head.last_hash = event.seq, event.hash
        head.save(update_fields=["last_seq", "last_hash"])
        if event.seq % ANCHOR_EVERY == 0:
            transaction.on_commit(audit_anchor)
    return event


# ---------------------------------------------------------------- anchors outside the database


def anchor_path() -> Path:
    return Path(settings.DATA_DIR) / "audit" / "anchors.log"


def anchor_copy_path() -> Path | None:
    """A second anchor file elsewhere (``XUNCHA_AUDIT_ANCHOR_COPY``: a share of another machine,
    a write-once volume), appended with every anchor: a writer of this machine's database and
    data directory then still cannot rewrite the trail unseen."""
    copy = settings.XUNCHA_AUDIT_ANCHOR_COPY
    return Path(copy) if copy else None


class AnchorCopyMissing(Exception):
    """``XUNCHA_AUDIT_ANCHOR_COPY`` is set but cannot be read or written (its share is away)."""


def _anchor_lines(*, copy_only: bool = False) -> list[str]:
    """The anchor file's lines, then the copy's: where the two disagree, the copy counts.
    ``copy_only`` (where a copy is set): the copy's lines alone, for what only the copy may
    attest (a purge: a line added to the local file could otherwise excuse any deletion)."""
    copy = anchor_copy_path()
    paths = [copy] if copy is not None and copy_only else [anchor_path(), copy]
    lines: list[str] = []
    for path in paths:
        if path is None:
            continue
        try:
            lines += path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            # No copy yet in a directory that is there: none written so far. No directory: the
            # share is not mounted.
            if path == copy and not copy.parent.is_dir():
                raise AnchorCopyMissing(f"锚点副本的目录 {copy.parent} 不存在：请检查共享目录是否已挂载。") from None
        except OSError as e:
            raise AnchorCopyMissing(f"锚点文件 {path} 无法读取：{e.strerror}。") from e
    return lines


def audit_anchors() -> dict[int, tuple[str, str]]:
    """The anchors written so far: sequence number → (hash, when), from the anchor files."""
    found = {}
    for line in _anchor_lines():
        parts = line.split()
        if len(parts) == 3 and parts[0].isdigit():
            found[int(parts[0])] = (parts[1], parts[2])
    return found


def _last_anchored() -> int:
    """The highest sequence number among the anchor file's last lines (0 for none), read from
    its end: the file grows by a line every hundred events for as long as the platform runs."""
    path = anchor_path()
    if not path.exists():
        return 0
    with open(path, "rb") as f:
        f.seek(max(0, path.stat().st_size - 4096))
        lines = f.read().decode("utf-8", errors="replace").splitlines()
    return max((int(p[0]) for p in (line.split() for line in lines) if len(p) == 3 and p[0].isdigit()), default=0)


def audit_anchor() -> int | None:
    """Append the committed head of the chain (its sequence number, hash and the time) to the
    anchor file, unless the file already reaches it; answer the anchored sequence number."""
    from core.models import AuditChainHead

    head = AuditChainHead.objects.filter(pk=1).first()
    if head is None or head.last_seq == 0:
        return None
    if _last_anchored() >= head.last_seq:
        return head.last_seq
    anchor_append(f"{head.last_seq} {head.last_hash} {timezone.now().astimezone(UTC).isoformat()}")
    return head.last_seq


def anchor_append(line: str) -> None:
    """One line at the end of the anchor file (opened append-only, mode 0600; one write), of its
    copy where one is set, and in the server's log (journald under systemd)."""
    logger.info("audit anchor: %s", line)
    path = anchor_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    _append(path, line)
    copy = anchor_copy_path()
    if copy is not None:
        try:
            _append(copy, line)
        except OSError as e:  # the share is away: the local file and the log have it; audit_verify says so
            logger.exception("audit anchor not copied to %s", copy)
            if line.startswith("purged "):  # a purge is attested by the copy alone: none without it
                raise AnchorCopyMissing(f"锚点副本 {copy} 无法写入（{e.strerror}），未清理任何事件。") from e


def _append(path: Path, line: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        os.write(fd, (line + "\n").encode("utf-8"))
    finally:
        os.close(fd)


def audit_purges() -> dict[int, str]:
    """The purges recorded in the anchor files (``purged SEQ HASH TIME`` lines): the last
    sequence number each removed → its hash."""
    found = {}
    for line in _anchor_lines(copy_only=True):
        parts = line.split()
        if len(parts) == 4 and parts[0] == "purged" and parts[1].isdigit():
            found[int(parts[1])] = parts[2]
    return found


@dataclass
class ChainBreak:
    seq: int
    reason: str
    kind: str = "edited"  # edited, deleted, reordered, cut, rewritten


def audit_verify_chain() -> tuple[int, ChainBreak | None]:
    """Recompute the chain and check it against the anchors. Returns (events checked, first
    break or None)."""
    from core.models import AuditChainHead, AuditEvent

    anchors = audit_anchors()
    head = AuditChainHead.objects.filter(pk=1).first()
    base_seq, base_hash = (head.base_seq, head.base_hash) if head else (0, GENESIS)
    if base_seq and audit_purges().get(base_seq) != base_hash:
        why = f"第 1 至 {base_seq} 号事件已不在，锚点文件中却没有清理到此的记录：事件已被删除"
        return 0, ChainBreak(base_seq, why, "deleted")
    expected_seq, prev = base_seq + 1, base_hash
    checked = 0
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=2000):
        seq = event.seq
        if seq != expected_seq:
            return checked, ChainBreak(expected_seq, f"第 {expected_seq} 号事件缺失（已被删除）", "deleted")
        if event.prev_hash != prev:
            moved = (
                AuditEvent.objects.filter(hash=event.prev_hash).exclude(seq=seq - 1).values_list("seq", flat=True)
            ).first()
            if moved is not None:
                why = f"第 {seq} 号事件的前序哈希指向第 {moved} 号事件：事件的顺序已被调换"
                return checked, ChainBreak(seq, why, "reordered")
            return checked, ChainBreak(seq, f"第 {seq} 号事件的前序哈希与上一事件不符", "edited")
        if event_digest(event) != event.hash:
            return checked, ChainBreak(seq, f"第 {seq} 号事件的内容已被改动（哈希与审计密钥算出的不符）", "edited")
        if seq in anchors and anchors[seq][0] != event.hash:
            why = f"第 {seq} 号事件与 {anchors[seq][1]} 记在锚点文件中的哈希不符：哈希链已被重写"
            return checked, ChainBreak(seq, why, "rewritten")
        prev, expected_seq, checked = event.hash, expected_seq + 1, checked + 1
    last = expected_seq - 1
    anchored = max(anchors, default=0)
    if anchored > last:
        why = f"锚点文件记录的链尾已到第 {anchored} 号事件，现存只到第 {last} 号：末尾事件已被删除"
        return checked, ChainBreak(last + 1, why, "cut")
    if head is not None and (head.last_seq != last or head.last_hash != prev):
        why = f"链尾应为第 {head.last_seq} 号事件，实际只到第 {last} 号（末尾事件已被删除）"
        return checked, ChainBreak(expected_seq, why, "cut")
    return checked, None
