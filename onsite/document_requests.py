"""Document requests (调阅资料): the materials asked from the unit, when they were asked
for and due, whether they came, and who on the team or in the office reviewed them.

A request is overdue when its due date has passed and nothing was received.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import BooleanField, Case, Q, Value, When
from django.utils import timezone

from core import access
from core.audit import audit_record
from onsite.fieldwork import attachments_check, attachments_store, inspection_check_open
from onsite.models import DocumentRequest
from planning.models import Inspection

TITLE_MAX = 200
BULK_MAX = 200
STATUSES = {  # filter of the list: (label, condition)
    "pending": ("未收到", Q(received_on__isnull=True)),
    "overdue": ("已逾期", Q(overdue=True)),
    "received": ("已收到待审阅", Q(received_on__isnull=False, reviewed_on__isnull=True)),
    "reviewed": ("已审阅", Q(reviewed_on__isnull=False)),
}


def document_requests_for(*, user, inspection: Inspection | None = None, today: datetime.date | None = None):
    """Requests the user may see, each annotated ``overdue`` (due date passed, not received)."""
    today = today or timezone.localdate()
    overdue = Case(
        When(due_on__lt=today, received_on__isnull=True, then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )
    qs = (
        DocumentRequest.objects.select_related("inspection__organization", "reviewed_by")
        .prefetch_related("attachments")
        .annotate(overdue=overdue)
    )
    if inspection is not None:
        qs = qs.filter(inspection=inspection)
    return access.restrict(qs, user, "view")


def _title_error(title: str, existing: set[str]) -> str | None:
    if not title:
        return "请填写资料名称。"
    if len(title) > TITLE_MAX:
        return f"资料名称不超过 {TITLE_MAX} 个字。"
    if title in existing:
        return f"“{title}”已在调阅清单中。"
    return None


def _date_errors(requested_on, due_on) -> dict:
    """A request is dated when it was made, never later than today: a material is received no
    earlier than it was asked for and no later than today, so a request dated in the future
    could not be marked received."""
    errors: dict[str, list] = {}  # messages or ValidationErrors, by field
    if requested_on is None:
        errors["requested_on"] = ["请填写调阅日期。"]
    elif requested_on > timezone.localdate():
        message = "调阅日期不能晚于今天：资料的收到日期不能早于调阅日期，填写将来的日期将无法标记收到。"
        errors["requested_on"] = [ValidationError(message, code="out_of_scope_date")]
    elif due_on is not None and due_on < requested_on:
        errors["due_on"] = [ValidationError("要求提供日期不能早于调阅日期。", code="out_of_scope_date")]
    return errors


def _titles(inspection: Inspection) -> set[str]:
    return set(DocumentRequest.objects.filter(inspection=inspection).values_list("title", flat=True))


def _create(actor, inspection, title, requested_on, due_on, note, via=""):
    request = DocumentRequest.objects.create(
        authority_id=inspection.authority_id,
        inspection=inspection,
        title=title,
        requested_on=requested_on,
        due_on=due_on,
        note=note,
        created_by=actor,
    )
    detail = {"title": title, "requested_on": requested_on, "due_on": due_on}
    audit_record(
        actor=actor,
        action="document_request.create",
        obj=request,
        authority=inspection.authority,
        detail={**detail, "via": via} if via else detail,
    )
    return request


def document_request_create(
    *,
    actor,
    inspection: Inspection,
    title: str,
    requested_on: datetime.date | None,
    due_on: datetime.date | None = None,
    note: str = "",
) -> DocumentRequest:
    """Put a material on the list asked from the unit. The team or the office only."""
    inspection_check_open(actor=actor, inspection=inspection)
    title, note = (title or "").strip(), (note or "").strip()
    errors = _date_errors(requested_on, due_on)
    if message := _title_error(title, _titles(inspection)):
        errors["title"] = [message]
    if len(note) > 300:
        errors["note"] = ["备注不超过 300 个字。"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        return _create(actor, inspection, title, requested_on, due_on, note)


def document_requests_bulk_create(
    *,
    actor,
    inspection: Inspection,
    titles: str,
    requested_on: datetime.date | None,
    due_on: datetime.date | None = None,
) -> list[DocumentRequest]:
    """Several requests at once from pasted text, one title a line (blank lines ignored).

    All or nothing: any bad line raises ``ValidationError`` on ``titles`` naming each line
    (too long, repeated in the text, already on the list), and nothing is written.
    """
    inspection_check_open(actor=actor, inspection=inspection)
    errors = _date_errors(requested_on, due_on)
    existing = _titles(inspection)
    first_line: dict[str, int] = {}
    wanted: list[str] = []
    problems: list[str] = []
    for n, line in enumerate((titles or "").splitlines(), start=1):
        title = line.strip()
        if not title:
            continue
        if title in first_line:
            problems.append(f"第 {n} 行：“{title}”与第 {first_line[title]} 行重复。")
            continue
        first_line[title] = n
        if message := _title_error(title, existing):
            problems.append(f"第 {n} 行：{message}")
        wanted.append(title)
    if not wanted and not problems:
        problems.append("请填写资料名称，每行一项。")
    elif len(wanted) > BULK_MAX:
        problems.append(f"一次最多添加 {BULK_MAX} 项，本次有 {len(wanted)} 项，请分批添加。")
    if problems:
        errors["titles"] = problems
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        return [_create(actor, inspection, title, requested_on, due_on, "", via="bulk") for title in wanted]


def document_request_update(
    *, actor, document_request: DocumentRequest, attachments=(), uploads=(), **values
) -> DocumentRequest:
    """Correct the title, dates asked or due, or the note; add attachments (stored ``attachments``
    of the same inspection, or ``uploads`` stored here, all or none)."""
    inspection = document_request.inspection
    inspection_check_open(actor=actor, inspection=inspection)
    fields = ("title", "requested_on", "due_on", "note")
    before = {f: getattr(document_request, f) for f in fields}
    for key, value in values.items():
        if key in fields:
            setattr(document_request, key, value.strip() if isinstance(value, str) else value)
    dr = document_request
    errors = _date_errors(dr.requested_on, dr.due_on)
    if dr.title != before["title"] and (message := _title_error(dr.title, _titles(inspection))):
        errors["title"] = [message]
    if len(dr.note or "") > 300:
        errors["note"] = ["备注不超过 300 个字。"]
    if dr.received_on and dr.requested_on and dr.received_on < dr.requested_on:
        errors["requested_on"] = [ValidationError("调阅日期不能晚于收到日期。", code="out_of_scope_date")]
    if errors:
        for f, v in before.items():
            setattr(dr, f, v)
        raise ValidationError(errors)
    attachments = list(attachments)
    attachments_check(inspection, attachments)
    changes = {f: [before[f], getattr(dr, f)] for f in fields if before[f] != getattr(dr, f)}
    with transaction.atomic():
        stored = attachments_store(actor=actor, inspection=inspection, uploads=uploads)
        dr.save(update_fields=list(fields))
        if attachments or stored:
            dr.attachments.add(*attachments, *stored)
        audit_record(
            actor=actor,
            action="document_request.update",
            obj=dr,
            authority=inspection.authority,
            detail={"changes": changes, "attachments": [a.name for a in [*attachments, *stored]]},
        )
    return dr


def document_request_receive(
    *, actor, document_request: DocumentRequest, received_on: datetime.date | None = None
) -> DocumentRequest:
    """Mark the material received on ``received_on`` (today if not given)."""
    dr = document_request
    inspection_check_open(actor=actor, inspection=dr.inspection)
    received_on = received_on or timezone.localdate()
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": [ValidationError("收到日期不能晚于今天。", code="out_of_scope_date")]})
    if received_on < dr.requested_on:
        raise ValidationError(
            {"received_on": [ValidationError("收到日期不能早于调阅日期。", code="out_of_scope_date")]}
        )
    if dr.reviewed_on and received_on > dr.reviewed_on:
        raise ValidationError(
            {"received_on": [ValidationError("收到日期不能晚于审阅日期。", code="out_of_scope_date")]}
        )
    before = dr.received_on
    with transaction.atomic():
        dr.received_on = received_on
        dr.save(update_fields=["received_on"])
        audit_record(
            actor=actor,
            action="document_request.receive",
            obj=dr,
            authority=dr.inspection.authority,
            detail={"title": dr.title, "received_on": received_on, "before": before},
        )
    return dr


def document_request_review(
    *, actor, document_request: DocumentRequest, reviewed_on: datetime.date | None = None
) -> DocumentRequest:
    """Mark the material reviewed by ``actor`` (who must be on the team or in the office) on
    ``reviewed_on`` (today if not given). It must have been received first."""
    dr = document_request
    inspection_check_open(actor=actor, inspection=dr.inspection)
    reviewed_on = reviewed_on or timezone.localdate()
    if dr.received_on is None:
        raise ValidationError(
            {"reviewed_on": [ValidationError("该资料尚未收到，不能标记为已审阅。", code="stage_order")]}
        )
    if reviewed_on > timezone.localdate():
        raise ValidationError({"reviewed_on": [ValidationError("审阅日期不能晚于今天。", code="out_of_scope_date")]})
    if reviewed_on < dr.received_on:
        raise ValidationError(
            {"reviewed_on": [ValidationError("审阅日期不能早于收到日期。", code="out_of_scope_date")]}
        )
    with transaction.atomic():
        dr.reviewed_by, dr.reviewed_on = actor, reviewed_on
        dr.save(update_fields=["reviewed_by", "reviewed_on"])
        audit_record(
            actor=actor,
            action="document_request.review",
            obj=dr,
            authority=dr.inspection.authority,
            detail={"title": dr.title, "reviewed_on": reviewed_on},
        )
    return dr
