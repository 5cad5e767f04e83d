"""Audit retention: events older than ``XUNCHA["AUDIT_RETENTION_DAYS"]`` (never less than
six months, as 等保 三级 asks) leave the database from the start of the chain, and the chain
is re-anchored where it now starts (decision 0002).

A purge first verifies the whole chain and refuses if it is broken (purging must not remove
the evidence of tampering); writes the events it removes, with their hashes, to a compressed
archive under ``DATA_DIR/audit/archive/`` (mode 0600, for the record and for a later check
with the audit key); records ``purged SEQ HASH TIME`` in the anchor file before it deletes;
moves the chain head's start (``base_seq``, ``base_hash``); and appends an ``audit.purge``
event. ``audit_verify`` then checks the chain from that start, and reports as deleted any
start that the anchor file does not record, so a database writer still cannot remove events
from the beginning unseen.
"""

from __future__ import annotations

import gzip
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from core.audit import anchor_append, anchor_path, audit_record, audit_verify_chain

MIN_RETENTION_DAYS = 180  # 等保 三级: audit records kept for at least six months


class ChainBrokenError(Exception):
    """The chain is not intact: nothing is purged (the message says where it breaks)."""


@dataclass
class Purge:
    through_seq: int  # the last event removed
    count: int
    before: datetime  # events before this moment were past retention
    archive: Path


def retention_days() -> int:
    return max(int(settings.XUNCHA["AUDIT_RETENTION_DAYS"]), MIN_RETENTION_DAYS)


def audit_purge(*, now: datetime | None = None) -> Purge | None:
    """Remove the events past retention from the start of the chain; None when none are."""
    from core.models import AuditChainHead, AuditEvent

    before = (now or timezone.now()) - timedelta(days=retention_days())
    _checked, broken = audit_verify_chain()
    if broken is not None:
        raise ChainBrokenError(f"审计日志哈希链在第 {broken.seq} 号事件处断开（{broken.reason}），未清理任何事件。")
    with transaction.atomic():
        head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            return None
        first_kept = AuditEvent.objects.filter(at__gte=before).order_by("seq").values_list("seq", flat=True).first()
        through = first_kept - 1 if first_kept is not None else head.last_seq
        if through <= head.base_seq:
            return None
        old = AuditEvent.objects.filter(seq__gt=head.base_seq, seq__lte=through)
        last_hash = AuditEvent.objects.get(seq=through).hash
        archive = _archive_write(old, head.base_seq + 1, through)
        count = old.count()
        anchor_append(f"purged {through} {last_hash} {timezone.now().astimezone(UTC).isoformat()}")
        models.QuerySet.delete(old)  # the one deletion the trail allows (AuditQuerySet refuses others)
        head.base_seq, head.base_hash = through, last_hash
        head.save(update_fields=["base_seq", "base_hash"])
        audit_record(
            actor=None,
            action="audit.purge",
            detail={
                "through_seq": through,
                "count": count,
                "before": before.isoformat(),
                "retention_days": retention_days(),
                "archive": archive.name,
            },
        )
    return Purge(through_seq=through, count=count, before=before, archive=archive)


def archive_dir() -> Path:
    return anchor_path().parent / "archive"


def archive_read(path: Path) -> list[dict]:
    """The events of an archive file, as written."""
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _archive_write(events, first: int, last: int) -> Path:
    """The events, one JSON object a line with every field and hash, gzip-compressed, in a new
    file readable by its owner only."""
    directory = archive_dir()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"events-{first:010d}-{last:010d}.jsonl.gz"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as raw:
        with gzip.GzipFile(fileobj=raw, mode="wb") as out:
            for event in events.order_by("seq").values().iterator(chunk_size=2000):
                event["at"] = event["at"].isoformat()
                out.write((json.dumps(event, ensure_ascii=False, default=str) + "\n").encode("utf-8"))
        raw.flush()
        os.fsync(raw.fileno())  # on the disk before the events leave the database
    directory_fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(directory_fd)
    finally:
        os.close(directory_fd)
    return path
