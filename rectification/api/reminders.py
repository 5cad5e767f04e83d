"""API of the reminders (整改督促): the list, with filters, and the notice of a later step.
Thin: the rules are in ``rectification.reminders`` and ``rectification.reminder_documents``."""

from datetime import date

from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from core.api.common import page
from core.http import DOCX, attachment, document_download
from core.pdf import pdf_require
from rectification.reminder_documents import reminder_document
from rectification.reminders import NOTICE_KINDS, reminders_for

router = Router(tags=["整改"])


class ReminderOut(Schema):
    id: int
    kind: str
    kind_label: str
    task_id: int
    task_number: int
    task_status: str
    plan_id: int
    inspection_id: int
    organization_name: str
    finding_title: str
    responsible_leader: str
    raised_on: date
    due_on: date
    days_overdue: int
    document_number: str
    has_notice: bool

    @staticmethod
    def resolve_kind_label(obj):
        return obj.get_kind_display()

    @staticmethod
    def resolve_task_number(obj):
        return obj.task.number

    @staticmethod
    def resolve_task_status(obj):
        return obj.task.status

    @staticmethod
    def resolve_plan_id(obj):
        return obj.task.plan_id

    @staticmethod
    def resolve_inspection_id(obj):
        return obj.task.plan.inspection_id

    @staticmethod
    def resolve_organization_name(obj):
        return obj.task.plan.inspection.organization.name

    @staticmethod
    def resolve_finding_title(obj):
        return obj.task.finding.title

    @staticmethod
    def resolve_responsible_leader(obj):
        return obj.task.responsible_leader

    @staticmethod
    def resolve_has_notice(obj):
        return obj.kind in NOTICE_KINDS


class ReminderPage(Schema):
    items: list[ReminderOut]
    count: int


@router.get("/reminders", response=ReminderPage)
def reminder_list(
    request,
    kind: str | None = None,
    plan: int | None = None,
    task: int | None = None,
    limit: int = 50,
    offset: int = 0,
):
    """Reminders the caller may see (the office's of its authority, the team's of its
    inspection, the unit's own), newest first; ``kind`` is remind (提醒), supervise (督办),
    warn (告诫) or account (问责); ``plan`` and ``task`` are ids."""
    qs = reminders_for(user=request.user, kind=kind or None, plan_id=plan, task_id=task)
    return page(qs, search=None, fields=(), limit=limit, offset=offset)


@router.get("/reminders/{int:reminder_id}/notice.docx", response={200: None})
def reminder_document_get(request, reminder_id: int):
    """The notice of a 督办, 告诫 or 问责 as .docx in the official format (numbered when the
    office first generates it); 422 for a 提醒, which has none."""
    reminder = get_object_or_404(reminders_for(user=request.user), pk=reminder_id)
    name, data = reminder_document(actor=request.user, reminder=reminder)
    return attachment(data, name, DOCX)


@router.get("/reminders/{int:reminder_id}/notice.pdf", response={200: None})
def reminder_document_pdf(request, reminder_id: int):
    """The same notice as PDF, converted by LibreOffice on the server; 404 ``pdf_unavailable``
    where it is not installed, 503 ``pdf_failed`` when the conversion fails."""
    pdf_require()
    reminder = get_object_or_404(reminders_for(user=request.user), pk=reminder_id)
    name, data = reminder_document(actor=request.user, reminder=reminder)
    return document_download(name, data, pdf=True)
