"""Evidence of progress (佐证材料): stored as onsite attachments are, read through a view.

The type is sniffed from the content (``core.files.sniff``), never the name; files
live under ``settings.FILE_DIR/<authority>/<inspection>/rectification/<random>`` with no
extension, and every download writes an audit event.
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.http import Http404

from core import access
from core.audit import audit_record
from core.files import file_check, file_path, file_relative, file_write, sanitise_name, sniff
from rectification.models import Evidence, ProgressReport

MAX_FILES = 10


def _path(evidence: Evidence) -> Path:
    return file_path(evidence.path)


def evidence_check(uploads) -> None:
    """Raise ``ValidationError`` naming the first file that is too big, empty or of a type
    outside the allow-list, before anything is written."""
    if len(uploads) > MAX_FILES:
        raise ValidationError(
            {"files": [ValidationError(f"一次最多上传 {MAX_FILES} 个佐证材料。", code="file_rejected")]}
        )
    for upload in uploads:
        file_check(upload, field="files")


def evidence_store(*, actor, progress: ProgressReport, uploads, written: list[Path]) -> list[Evidence]:
    """Write checked ``uploads`` as evidence of ``progress``, inside the caller's transaction
    and after ``evidence_check``. Each file's path is appended to ``written`` as soon as it
    exists, so that the caller removes them all if the transaction rolls back."""
    inspection = progress.task.plan.inspection
    stored = []
    for upload in uploads:
        kind = sniff(upload)
        assert kind is not None  # evidence_check, which the caller runs first, refused any other
        relative = file_relative(inspection.authority_id, inspection.pk, "rectification")
        sha256 = file_write(upload, relative, written=written)
        stored.append(
            Evidence.objects.create(
                authority_id=inspection.authority_id,
                progress=progress,
                name=sanitise_name(upload.name or "佐证材料", kind),
                kind=kind,
                size=file_path(relative).stat().st_size,
                sha256=sha256,
                path=relative,
                uploaded_by=actor,
            )
        )
    return stored


def evidence_open(*, actor, evidence: Evidence):
    """The file to send, after the scope check; audited as a download. The look-back team
    of a later inspection reads the evidence of the inspection it revisits."""
    try:
        access.check(actor, "view", evidence)
    except Http404:
        if not access.may(actor, "lookback.read_revisited", evidence.progress.task.plan.inspection):
            raise
    audit_record(actor=actor, action="rectification_evidence.download", obj=evidence, detail={"name": evidence.name})
    return open(_path(evidence), "rb")  # noqa: SIM115 (the response closes it)
