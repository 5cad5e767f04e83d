"""The audit trail: every write, login, export and confidential read leaves an event.

``audit_record`` appends one event inside the caller's transaction, so the
event and the change it describes commit or roll back together. Events are
chained: each carries the previous event's hash, and ``audit_verify_chain``
recomputes the chain to find the first event that was edited or deleted.
"""

from __future__ import annotations

import contextvars
import hashlib
import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC

from django.db import transaction
from django.utils import timezone

GENESIS = "0" * 64


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


def event_digest(event) -> str:
    """SHA-256 over the fields an auditor relies on, and the previous hash."""
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
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


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
    return event


@dataclass
class ChainBreak:
    seq: int
    reason: str


def audit_verify_chain() -> tuple[int, ChainBreak | None]:
    """Recompute the chain. Returns (events checked, first break or None)."""
    from core.models import AuditChainHead, AuditEvent

    expected_seq, prev = 1, GENESIS
    checked = 0
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=2000):
        if event.seq != expected_seq:
            return checked, ChainBreak(expected_seq, f"第 {expected_seq} 号事件缺失（已被删除）")
        if event.prev_hash != prev:
            return checked, ChainBreak(event.seq, f"第 {event.seq} 号事件的前序哈希与上一事件不符")
        if event_digest(event) != event.hash:
            return checked, ChainBreak(event.seq, f"第 {event.seq} 号事件的内容已被改动")
        prev, expected_seq, checked = event.hash, expected_seq + 1, checked + 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.last_seq != expected_seq - 1 or head.last_hash != prev):
        return checked, ChainBreak(
            expected_seq, f"链尾应为第 {head.last_seq} 号事件，实际只到第 {expected_seq - 1} 号（末尾事件已被删除）"
        )
    return checked, None
