"""API of the feedback: issue it, acknowledge it, download its documents, read what the unit
may read, and flag findings out of the public version. Thin: the rules are in
``results.feedback`` and ``results.feedback_documents``."""

from datetime import date

from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from core import access
from core.api.common import page
from core.http import DOCX, attachment, document_download
from core.pdf import pdf_require
from onsite.models import Finding
from planning.inspections import inspections_for
from results.feedback import (
    feedback_acknowledge,
    feedback_for,
    feedback_issue,
    finding_exclusion_set,
    findings_for_feedback,
)
from results.feedback_documents import feedback_document

router = Router(tags=["报告、反馈和移交"])


class FeedbackOut(Schema):
    id: int
    inspection_id: int
    organization_id: int
    organization_name: str
    issued_on: date
    acknowledged: bool
    acknowledged_on: date | None
    acknowledged_name: str

    @staticmethod
    def resolve_organization_id(obj):
        return obj.inspection.organization_id

    @staticmethod
    def resolve_organization_name(obj):
        return obj.inspection.organization.name

    @staticmethod
    def resolve_acknowledged(obj):
        return obj.acknowledged_at is not None


class FeedbackPage(Schema):
    items: list[FeedbackOut]
    count: int


class FeedbackIn(Schema):
    inspection_id: int
    issued_on: date | None = None


class AcknowledgeIn(Schema):
    acknowledged_on: date | None = None
    acknowledged_name: str = ""


@router.get("/feedback", response=FeedbackPage)
def feedback_list(
    request,
    inspection_id: int | None = None,
    acknowledged: bool | None = None,
    search: str | None = None,
    limit: int = 50,
    offset: int = 0,
):
    """Feedback the caller may see (the office's, the team's, the unit's own), newest first;
    ``search`` over the organisation's name."""
    qs = feedback_for(user=request.user).order_by("-issued_on", "-id")
    if inspection_id is not None:
        qs = qs.filter(inspection_id=inspection_id)
    if acknowledged is not None:
        qs = qs.filter(acknowledged_at__isnull=not acknowledged)
    return page(qs, search=search, fields=("inspection__organization__name",), limit=limit, offset=offset)


@router.post("/feedback", response={201: FeedbackOut})
def feedback_post(request, payload: FeedbackIn):
    """The office issues the feedback of an inspection whose report is approved (once)."""
    inspection = get_object_or_404(inspections_for(user=request.user), pk=payload.inspection_id)
    feedback = feedback_issue(actor=request.user, inspection=inspection, issued_on=payload.issued_on)
    return 201, get_object_or_404(feedback_for(user=request.user), pk=feedback.pk)


@router.get("/feedback/{int:feedback_id}", response=FeedbackOut)
def feedback_get(request, feedback_id: int):
    return get_object_or_404(feedback_for(user=request.user), pk=feedback_id)


@router.post("/feedback/{int:feedback_id}/acknowledge", response=FeedbackOut)
def feedback_acknowledge_post(request, feedback_id: int, payload: AcknowledgeIn):
    """The unit's liaison records the head's signature (date, name); once only. From then on
    ``GET /feedback/{id}/findings`` answers the findings to the unit."""
    feedback = get_object_or_404(feedback_for(user=request.user), pk=feedback_id)
    feedback_acknowledge(
        actor=request.user,
        feedback=feedback,
        acknowledged_on=payload.acknowledged_on,
        acknowledged_name=payload.acknowledged_name,
    )
    return get_object_or_404(feedback_for(user=request.user), pk=feedback_id)


@router.get("/feedback/{int:feedback_id}/documents/{kind}.docx", response={200: None})
def feedback_document_get(request, feedback_id: int, kind: str):
    """A feedback document as .docx in the official format: ``leadership`` (to the unit's
    leadership) and ``head`` (to its head), for the office and the team; ``public`` (the
    public version without excluded findings, people, amounts or names from leads), for the office."""
    feedback = get_object_or_404(feedback_for(user=request.user), pk=feedback_id)
    name, data = feedback_document(actor=request.user, feedback=feedback, kind=kind)
    return attachment(data, name, DOCX)


@router.get("/feedback/{int:feedback_id}/documents/{kind}.pdf", response={200: None})
def feedback_document_pdf(request, feedback_id: int, kind: str):
    """The same feedback document as PDF, converted by LibreOffice on the server; 404
    ``pdf_unavailable`` where it is not installed, 503 ``pdf_failed`` when the conversion fails."""
    pdf_require()
    feedback = get_object_or_404(feedback_for(user=request.user), pk=feedback_id)
    name, data = feedback_document(actor=request.user, feedback=feedback, kind=kind)
    return document_download(name, data, pdf=True)


class FeedbackFindingOut(Schema):
    """What the unit is shown of a finding: no people, amounts, evidence or exclusion."""

    id: int
    title: str
    description: str
    focus_area: str
    severity: str
    severity_display: str

    @staticmethod
    def resolve_focus_area(obj):
        return obj.focus_area.name

    @staticmethod
    def resolve_severity_display(obj):
        return obj.get_severity_display()


class FeedbackFindingPage(Schema):
    items: list[FeedbackFindingOut]
    count: int


@router.get("/feedback/{int:feedback_id}/findings", response=FeedbackFindingPage)
def feedback_findings(request, feedback_id: int, search: str | None = None, limit: int = 50, offset: int = 0):
    """The findings of the feedback's inspection that the caller may see: for the unit's
    liaison, all of them once the feedback is acknowledged and none before."""
    feedback = get_object_or_404(feedback_for(user=request.user), pk=feedback_id)
    qs = findings_for_feedback(user=request.user, inspection=feedback.inspection)
    return page(qs, search=search, fields=("title", "description"), limit=limit, offset=offset)


class ExclusionIn(Schema):
    excluded: str = ""


class ExclusionOut(Schema):
    id: int
    excluded: str


@router.post("/findings/{int:finding_id}/exclusion", response=ExclusionOut)
def finding_exclusion_post(request, finding_id: int, payload: ExclusionIn):
    """The office leaves a finding out of public versions (``secret`` 涉密, ``open_case``
    正在查办, ``sensitive`` 敏感事项) or puts it back in (``""``)."""
    finding = get_object_or_404(access.restrict(Finding.objects.all(), request.user, "view"), pk=finding_id)
    return finding_exclusion_set(actor=request.user, finding=finding, excluded=payload.excluded)
