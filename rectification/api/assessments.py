"""API of the assessment: record and list assessments, keep the criteria, and download the
rectification report and its public version. Thin: the rules are in
``rectification.assessments`` and ``rectification.report_documents``."""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from core import access
from core.api.common import PatchIn, page
from core.http import DOCX, attachment, document_download
from core.pdf import pdf_require
from rectification.assessments import (
    assessment_record,
    assessments_for,
    criteria_for,
    criteria_of,
    criterion_create,
    criterion_update,
)
from rectification.models import AssessmentCriterion
from rectification.plans import plans_for
from rectification.report_documents import report_document

router = Router(tags=["整改"])


class ScoreOut(Schema):
    criterion: int
    name: str
    max: int
    score: float


class AssessmentOut(Schema):
    id: int
    plan_id: int
    organization_name: str
    grade: str
    grade_display: str
    total: float
    scores: list[ScoreOut]
    comments: str
    rectification_round: int
    assessed_on: date

    @staticmethod
    def resolve_organization_name(obj):
        return obj.plan.inspection.organization.name

    @staticmethod
    def resolve_grade_display(obj):
        return obj.get_grade_display()


class AssessmentPage(Schema):
    items: list[AssessmentOut]
    count: int


class AssessmentIn(Schema):
    plan: int
    grade: str
    scores: dict[int, float | str | None] = {}
    comments: str = ""
    assessed_on: date | None = None


@router.get("/rectification-assessments", response=AssessmentPage)
def assessment_list(request, plan: int | None = None, grade: str | None = None, limit: int = 50, offset: int = 0):
    """Assessments the caller may see (the office's and leading group's, the team's, the
    unit's own), newest first; ``plan`` narrows to one plan, ``grade`` to one grade."""
    qs = assessments_for(user=request.user).order_by("-assessed_on", "-id")
    if plan is not None:
        qs = qs.filter(plan_id=plan)
    if grade:
        qs = qs.filter(grade=grade)
    return page(qs, search=None, fields=(), limit=limit, offset=offset)


@router.post("/rectification-assessments", response={201: AssessmentOut})
def assessment_post(request, payload: AssessmentIn):
    """The office grades an approved plan (``grade``: good, fair_good, average, poor, or
    好/较好/一般/差) with ``scores`` {criterion id: score} for every active criterion. A 一般 or
    差 reopens the tasks not verified as a second rectification with a new deadline."""
    plan = get_object_or_404(plans_for(user=request.user), pk=payload.plan)
    done = assessment_record(
        actor=request.user,
        plan=plan,
        grade=payload.grade,
        scores=payload.scores,
        comments=payload.comments,
        on=payload.assessed_on,
    )
    return 201, get_object_or_404(assessments_for(user=request.user), pk=done.pk)


@router.get("/rectification-plans/{int:plan_id}/documents/{kind}.docx", response={200: None})
def report_document_get(request, plan_id: int, kind: str):
    """``report`` (整改情况报告) or ``public`` (整改情况公开, without excluded matters, names
    or amounts) as .docx in the official format; for the office, the team and the unit,
    once the plan is approved."""
    plan = get_object_or_404(plans_for(user=request.user), pk=plan_id)
    name, data = report_document(actor=request.user, plan=plan, kind=kind)
    return attachment(data, name, DOCX)


@router.get("/rectification-plans/{int:plan_id}/documents/{kind}.pdf", response={200: None})
def report_document_pdf(request, plan_id: int, kind: str):
    """The same document as PDF, converted by LibreOffice on the server; 404 ``pdf_unavailable``
    where it is not installed, 503 ``pdf_failed`` when the conversion fails."""
    pdf_require()
    plan = get_object_or_404(plans_for(user=request.user), pk=plan_id)
    name, data = report_document(actor=request.user, plan=plan, kind=kind)
    return document_download(name, data, pdf=True)


class CriterionOut(Schema):
    id: int
    name: str
    max_score: int
    order: int
    active: bool


class CriterionPage(Schema):
    items: list[CriterionOut]
    count: int


class CriterionIn(Schema):
    name: str
    max_score: int
    order: int | None = None
    active: bool = True


class CriterionPatch(PatchIn):
    name: str | None = None
    max_score: int | None = None
    order: int | None = None
    active: bool | None = None


@router.get("/assessment-criteria", response=CriterionPage)
def criteria_list(request, active: bool | None = None, limit: int = 100, offset: int = 0):
    """The criteria of the caller's authority in order (the default set on first use)."""
    authority = request.user.authority
    if authority is not None and authority.pk in access.authorities_for(request.user, "view", AssessmentCriterion):
        criteria_of(authority)
    qs = criteria_for(user=request.user)
    if authority is not None:
        qs = qs.filter(authority=authority)
    if active is not None:
        qs = qs.filter(active=active)
    return page(qs.order_by("order", "id"), search=None, fields=(), limit=limit, offset=offset)


@router.post("/assessment-criteria", response={201: CriterionOut})
def criterion_post(request, payload: CriterionIn):
    """The office adds a criterion to its authority's list."""
    if request.user.authority is None:
        raise PermissionDenied
    return 201, criterion_create(actor=request.user, authority=request.user.authority, **payload.dict())


@router.patch("/assessment-criteria/{int:criterion_id}", response=CriterionOut)
def criterion_patch(request, criterion_id: int, payload: CriterionPatch):
    """The office renames a criterion, changes its full score or order, or switches it off."""
    criterion = get_object_or_404(criteria_for(user=request.user), pk=criterion_id)
    values = {k: v for k, v in payload.dict().items() if v is not None}
    return criterion_update(actor=request.user, criterion=criterion, **values)
