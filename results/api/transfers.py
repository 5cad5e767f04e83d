"""API of leads and transfers: ``/leads``, ``/transfers`` with the receipt, the outcome and the letter.

A lead's name, post and details are answered only to those who may see the lead, and
each answer is an audited read; everyone else gets 404 for it and never sees it in lists.
"""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from core.api.common import page
from core.http import DOCX, attachment, document_download
from core.pdf import pdf_require
from onsite.models import Finding
from planning.inspections import inspections_for
from results.leads import lead_create, lead_subjects, leads_for
from results.models import Lead, Transfer
from results.transfer_documents import transfer_letter
from results.transfers import (
    transfer_create_from_ids,
    transfer_outcome_record,
    transfer_receive,
    transfer_status,
    transfers_for,
)

router = Router(tags=["报告、反馈和移交"])


# Leads ---------------------------------------------------------------------------------


class LeadOut(Schema):
    id: int
    inspection_id: int
    finding_id: int | None = None
    category: str
    senior: bool
    sealed: bool
    name: str | None = None
    post: str | None = None
    details: str | None = None
    transferred: bool
    created_at: datetime

    @staticmethod
    def resolve_name(obj):
        return _subject(obj, "name")

    @staticmethod
    def resolve_post(obj):
        return _subject(obj, "post")

    @staticmethod
    def resolve_details(obj):
        return _subject(obj, "details")

    @staticmethod
    def resolve_transferred(obj):
        return bool(obj.transfers.all())


def _subject(obj, field):
    subject = getattr(obj, "unsealed", None)
    return subject[field] if subject is not None else None


class LeadPage(Schema):
    items: list[LeadOut]
    count: int


class LeadIn(Schema):
    inspection_id: int
    category: str
    name: str = ""
    post: str = ""
    details: str = ""
    senior: bool = False
    sealed: bool = False
    finding_id: int | None = None


def _leads(user, **filters):
    return leads_for(user=user, **filters).prefetch_related(Prefetch("transfers", queryset=Transfer.objects.only("id")))


def _unsealed(user, leads):
    subjects = lead_subjects(actor=user, leads=leads)
    for lead in leads:
        lead.unsealed = subjects[lead.pk]
    return leads


@router.get("/leads", response=LeadPage)
def lead_list(request, inspection_id: int | None = None, category: str | None = None, limit: int = 50, offset: int = 0):
    """The leads the caller may see, with their subjects (each answer is an audited read)."""
    qs = _leads(request.user, category=category or "")
    if inspection_id is not None:
        qs = qs.filter(inspection_id=inspection_id)
    result = page(qs, search=None, fields=(), limit=limit, offset=offset)
    _unsealed(request.user, result["items"])
    return result


@router.get("/leads/{int:lead_id}", response=LeadOut)
def lead_get(request, lead_id: int):
    lead = get_object_or_404(_leads(request.user), pk=lead_id)
    return _unsealed(request.user, [lead])[0]


@router.post("/leads", response={201: LeadOut})
def lead_post(request, payload: LeadIn):
    """Record a lead (the team leader of the inspection, the office head). A sealed lead is
    answered without its subject to a team leader, who no longer sees it."""
    inspection = get_object_or_404(inspections_for(user=request.user), pk=payload.inspection_id)
    finding = None
    if payload.finding_id is not None:
        finding = Finding.objects.filter(pk=payload.finding_id, inspection=inspection).first()
        if finding is None:
            raise ValidationError(
                {"finding": [ValidationError("所选问题不存在或不属于本次巡察。", code="unknown_reference")]}
            )
    fields = payload.dict(exclude={"inspection_id", "finding_id"})
    lead = lead_create(actor=request.user, inspection=inspection, finding=finding, **fields)
    visible = list(_leads(request.user).filter(pk=lead.pk))
    return 201, _unsealed(request.user, visible)[0] if visible else lead


# Transfers -----------------------------------------------------------------------------


class TransferOut(Schema):
    id: int
    inspection_id: int
    organization: str
    receiver_id: int
    receiver_name: str
    kind: str
    lead_ids: list[int]
    lead_count: int
    finding_ids: list[int]
    letter_number: str
    sent_on: date
    due_on: date
    received_on: date | None = None
    received_name: str
    outcome: str
    outcome_detail: str
    outcome_on: date | None = None
    status: str

    @staticmethod
    def resolve_organization(obj):
        return obj.inspection.organization.name

    @staticmethod
    def resolve_receiver_name(obj):
        return obj.receiver.name

    @staticmethod
    def resolve_lead_ids(obj):
        return [x.pk for x in obj.leads.all() if x.pk in obj.visible_leads]

    @staticmethod
    def resolve_lead_count(obj):
        return len(obj.visible_leads)  # a count of hidden leads would itself reveal them

    @staticmethod
    def resolve_finding_ids(obj):
        return [f.pk for f in obj.findings.all()]

    @staticmethod
    def resolve_status(obj):
        return transfer_status(obj)


class TransferPage(Schema):
    items: list[TransferOut]
    count: int


class TransferIn(Schema):
    inspection_id: int
    receiver_id: int | None = None
    kind: str
    lead_ids: list[int] = []
    finding_ids: list[int] = []
    sent_on: date | None = None


class ReceiptIn(Schema):
    received_on: date | None = None
    received_name: str = ""


class OutcomeIn(Schema):
    outcome: str = ""
    detail: str = ""
    outcome_on: date | None = None


ITEMS = (
    Prefetch("leads", queryset=Lead.objects.only("id").order_by("id")),
    Prefetch("findings", queryset=Finding.objects.only("id").order_by("id")),
)


def _with_visible_leads(user, transfers):
    """Which of the transfers' leads the caller may see (a lead id is answered only to them)."""
    ids = {x.pk for t in transfers for x in t.leads.all()}
    visible = set(leads_for(user=user).filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()
    for t in transfers:
        t.visible_leads = visible
    return transfers


def _transfer(user, transfer_id):
    found = get_object_or_404(transfers_for(user=user).prefetch_related(*ITEMS), pk=transfer_id)
    return _with_visible_leads(user, [found])[0]


@router.get("/transfers", response=TransferPage)
def transfer_list(
    request,
    inspection_id: int | None = None,
    receiver_id: int | None = None,
    status: str | None = None,
    limit: int = 50,
    offset: int = 0,
):
    """Transfers the caller may see; ``status`` one of unreceived, handling, done, overdue."""
    qs = transfers_for(user=request.user, receiver_id=receiver_id, status=status or "").prefetch_related(*ITEMS)
    if inspection_id is not None:
        qs = qs.filter(inspection_id=inspection_id)
    result = page(qs, search=None, fields=(), limit=limit, offset=offset)
    _with_visible_leads(request.user, result["items"])
    return result


@router.get("/transfers/{int:transfer_id}", response=TransferOut)
def transfer_get(request, transfer_id: int):
    return _transfer(request.user, transfer_id)


@router.post("/transfers", response={201: TransferOut})
def transfer_post(request, payload: TransferIn):
    """Transfer leads or findings of an inspection; the outcome is due after the months of
    the deadline settings, and the letter's number is issued at once."""
    inspection = get_object_or_404(inspections_for(user=request.user), pk=payload.inspection_id)
    transfer = transfer_create_from_ids(
        actor=request.user,
        inspection=inspection,
        receiver_id=payload.receiver_id,
        kind=payload.kind,
        lead_ids=payload.lead_ids,
        finding_ids=payload.finding_ids,
        sent_on=payload.sent_on,
    )
    return 201, _transfer(request.user, transfer.pk)


@router.post("/transfers/{int:transfer_id}/receipt", response=TransferOut)
def transfer_receipt(request, transfer_id: int, payload: ReceiptIn):
    """The receiver confirms receipt (date, who signed)."""
    transfer = _transfer(request.user, transfer_id)
    transfer_receive(
        actor=request.user, transfer=transfer, received_on=payload.received_on, received_name=payload.received_name
    )
    return transfer


@router.post("/transfers/{int:transfer_id}/outcome", response=TransferOut)
def transfer_outcome(request, transfer_id: int, payload: OutcomeIn):
    """The receiver records the outcome (filed, verifying, sanctioned, organizational, dismissed,
    rectified, other), with its details and date; not before the receipt."""
    transfer = _transfer(request.user, transfer_id)
    transfer_outcome_record(
        actor=request.user,
        transfer=transfer,
        outcome=payload.outcome,
        detail=payload.detail,
        outcome_on=payload.outcome_on,
    )
    return transfer


@router.get("/transfers/{int:transfer_id}/letter.docx")
def transfer_letter_get(request, transfer_id: int):
    """The transfer letter (移交函, .docx); only for those who see every lead it carries."""
    transfer = get_object_or_404(transfers_for(user=request.user), pk=transfer_id)
    name, data = transfer_letter(actor=request.user, transfer=transfer)
    return attachment(data, name, DOCX)


@router.get("/transfers/{int:transfer_id}/letter.pdf")
def transfer_letter_pdf(request, transfer_id: int):
    """The same transfer letter as PDF, converted by LibreOffice on the server; 404
    ``pdf_unavailable`` where it is not installed, 503 ``pdf_failed`` when the conversion fails."""
    pdf_require()
    transfer = get_object_or_404(transfers_for(user=request.user), pk=transfer_id)
    name, data = transfer_letter(actor=request.user, transfer=transfer)
    return document_download(name, data, pdf=True)
