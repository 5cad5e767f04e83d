"""What the fieldwork parts share: talks (onsite.interviews), document requests
(onsite.document_requests) and surveys (onsite.surveys).

Each record hangs off an inspection and is case data: the office of the authority and the
team of the inspection change it, the leading group reads it. The notes of a talk are
narrower: only the office of the authority and the team read them (the step
``interview.read_notes`` of ``core.access``).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from core import access
from core.files import file_erase, file_path
from onsite.attachments import attachment_create, attachments_for
from onsite.models import Attachment
from planning.models import Inspection


def inspection_check_open(*, actor, inspection: Inspection) -> None:
    """Raise unless ``actor`` may change the records of ``inspection`` and it is not archived.

    ``Http404`` out of sight, ``PermissionDenied`` read-only (the leading group),
    ``ValidationError`` once the inspection is archived.
    """
    access.check(actor, "change", inspection)
    if inspection.stage == Inspection.Stage.ARCHIVED:
        raise ValidationError({"inspection": [ValidationError("本巡察已归档，不能再修改。", code="not_editable")]})


def may_change(user, inspection: Inspection) -> bool:
    """For buttons and forms; the services check again."""
    return (
        inspection.stage != Inspection.Stage.ARCHIVED
        and access.restrict(Inspection.objects.filter(pk=inspection.pk), user, "change").exists()
    )


def attachments_store(*, actor, inspection: Inspection, uploads) -> list[Attachment]:
    """Store ``uploads`` as attachments of ``inspection``, all or none.

    Call inside the caller's ``transaction.atomic()``: a file refused (type, size) raises its
    ``ValidationError``, the files stored before it are removed and the rows roll back.
    """
    stored: list[Attachment] = []
    try:
        for upload in uploads:
            stored.append(attachment_create(actor=actor, inspection=inspection, upload=upload))
    except Exception:
        for attachment in stored:
            file_erase(file_path(attachment.path))
        raise
    return stored


def attachments_by_ids(*, user, inspection: Inspection, ids, field: str = "attachment_ids") -> list[Attachment]:
    """The attachments ``ids`` names, each visible to ``user`` and of ``inspection`` (for the API)."""
    wanted = list(dict.fromkeys(ids or ()))
    found = list(attachments_for(user=user).filter(pk__in=wanted, inspection=inspection))
    if len(found) != len(wanted):
        missing = sorted(set(wanted) - {a.pk for a in found})
        raise ValidationError(
            {
                field: [
                    ValidationError(
                        f"附件 {'、'.join(map(str, missing))} 不存在或不属于本巡察。", code="unknown_reference"
                    )
                ]
            }
        )
    return found


def attachments_check(inspection: Inspection, attachments, field: str = "attachments") -> None:
    if any(a.inspection_id != inspection.pk for a in attachments):
        raise ValidationError({field: [ValidationError("所选附件不属于本巡察。", code="unknown_reference")]})
