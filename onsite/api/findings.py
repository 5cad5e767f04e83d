"""API of working papers, findings, the immediate notice, the focus-area taxonomy and the
on-site tallies. Every endpoint reads through a selector (404 out of sight) and writes
through the services of ``onsite.papers`` and ``onsite.focus``."""

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Router, Schema

from core import access
from core.api.common import PatchIn, page
from core.http import DOCX, attachment, document_download
from core.pdf import pdf_require
from onsite.focus import (
    focus_area_add,
    focus_area_for_change,
    focus_area_move,
    focus_area_remove,
    focus_area_rename,
    focus_draft,
    focus_taxonomies_for,
    focus_taxonomy_draft,
    focus_taxonomy_publish,
    focus_tree,
    is_current,
)
from onsite.models import Finding, FocusArea, FocusTaxonomy, WorkingPaper
from onsite.notices import immediate_notice
from onsite.papers import (
    findings_for,
    working_paper_approve,
    working_paper_create,
    working_paper_return,
    working_paper_submit,
    working_paper_update,
    working_papers_for,
)
from onsite.tallies import figures_for, tallies_for
from planning.inspections import inspections_for

router = Router(tags=["进驻了解"])


# The focus-area taxonomy ---------------------------------------------------------------


class TaxonomyOut(Schema):
    id: int
    authority_id: int
    version: int
    name: str
    published_at: datetime | None = None
    current: bool

    @staticmethod
    def resolve_current(obj):
        return is_current(obj)


class TaxonomyPage(Schema):
    items: list[TaxonomyOut]
    count: int


class FocusNodeOut(Schema):
    id: int
    code: str
    name: str
    group: str
    order: int
    leaf: bool
    children: list["FocusNodeOut"] = []


FocusNodeOut.model_rebuild()


class FocusTreeOut(Schema):
    taxonomy: TaxonomyOut | None = None
    items: list[FocusNodeOut]
    count: int


def _node(area: FocusArea) -> dict:
    children = getattr(area, "nodes", [])
    return {
        "id": area.pk,
        "code": area.code,
        "name": area.name,
        "group": area.group,
        "order": area.order,
        "leaf": not children,
        "children": [_node(c) for c in children],
    }


@router.get("/focus-areas", response=FocusTreeOut)
def focus_area_tree(request, version: int | None = None, authority_id: int | None = None):
    """The current published tree of the caller's authority (or of ``authority_id``), nested:
    top-level nodes with their ``children``. ``?version=`` names another version."""
    visible = focus_taxonomies_for(user=request.user)
    authority_id = authority_id or request.user.authority_id
    if version is not None:
        taxonomy = get_object_or_404(visible, authority_id=authority_id, version=version)
    else:
        taxonomy = visible.filter(authority_id=authority_id, published_at__isnull=False).order_by("-version").first()
    if taxonomy is None:
        return {"taxonomy": None, "items": [], "count": 0}
    tree = focus_tree(taxonomy)
    return {"taxonomy": taxonomy, "items": [_node(n) for n in tree], "count": len(tree)}


class FocusAreaIn(Schema):
    taxonomy_id: int | None = None
    parent_id: int | None = None
    name: str
    group: str = FocusArea.Group.FOCUS
    code: str = ""


@router.post("/focus-areas", response={201: FocusNodeOut})
def focus_area_post(request, payload: FocusAreaIn):
    """Add a node to a draft: under ``parent_id``, or at the top of ``taxonomy_id`` (default:
    the draft of the caller's authority) in ``group`` (focus or discipline)."""
    user = request.user
    parent, taxonomy = None, None
    if payload.parent_id is not None:
        parent = focus_area_for_change(user=user, pk=payload.parent_id)
        taxonomy = parent.taxonomy
    if payload.taxonomy_id is not None:
        taxonomy = get_object_or_404(focus_taxonomies_for(user=user), pk=payload.taxonomy_id)
    if taxonomy is None:
        if user.authority is None:
            raise PermissionDenied
        access.check_authority(user, "change", FocusTaxonomy, user.authority)
        taxonomy = focus_draft(user.authority_id)
        if taxonomy is None:
            raise ValidationError(
                {"taxonomy": [ValidationError("尚无草稿版本：请先新建版本，再添加事项。", code="missing_prerequisite")]}
            )
    area = focus_area_add(
        actor=user, taxonomy=taxonomy, parent=parent, name=payload.name, group=payload.group, code=payload.code
    )
    return 201, _node(area)


class FocusAreaPatch(PatchIn):
    name: str | None = None
    move: str | None = None  # "up" or "down"


@router.patch("/focus-areas/{int:area_id}", response=FocusNodeOut)
def focus_area_patch(request, area_id: int, payload: FocusAreaPatch):
    """Rename a node of a draft, or move it one place ``up`` or ``down`` among its siblings."""
    area = focus_area_for_change(user=request.user, pk=area_id)
    if payload.name is not None:
        area = focus_area_rename(actor=request.user, area=area, name=payload.name)
    if payload.move is not None:
        area = focus_area_move(actor=request.user, area=area, direction=payload.move)
    area.nodes = list(area.children.all())
    return _node(area)


@router.delete("/focus-areas/{int:area_id}", response={204: None})
def focus_area_delete(request, area_id: int):
    """Remove a node without children from a draft."""
    focus_area_remove(actor=request.user, area=focus_area_for_change(user=request.user, pk=area_id))
    return 204, None


@router.get("/focus-areas/versions", response=TaxonomyPage)
def focus_version_list(request, limit: int = 50, offset: int = 0):
    return page(focus_taxonomies_for(user=request.user), search=None, fields=(), limit=limit, offset=offset)


@router.post("/focus-areas/versions", response={201: TaxonomyOut})
def focus_version_post(request):
    """新建版本: a draft copied from the current version of the caller's authority."""
    if request.user.authority is None:
        raise PermissionDenied
    return 201, focus_taxonomy_draft(actor=request.user, authority=request.user.authority)


@router.post("/focus-areas/versions/{int:taxonomy_id}/publish", response=TaxonomyOut)
def focus_version_publish(request, taxonomy_id: int):
    taxonomy = get_object_or_404(focus_taxonomies_for(user=request.user), pk=taxonomy_id)
    return focus_taxonomy_publish(actor=request.user, taxonomy=taxonomy)


# Working papers ------------------------------------------------------------------------


class WorkingPaperOut(Schema):
    id: int
    inspection_id: int
    title: str
    facts: str
    rule: str
    status: str
    author_id: int
    author_name: str
    review_comment: str
    reviewed_by_id: int | None = None
    reviewed_at: datetime | None = None
    created_at: datetime
    updated_at: datetime
    interview_ids: list[int]
    petition_ids: list[int]
    document_request_ids: list[int]
    attachment_ids: list[int]
    finding_id: int | None = None

    @staticmethod
    def resolve_author_name(obj):
        return obj.author.display_name

    @staticmethod
    def resolve_interview_ids(obj):
        return [x.pk for x in obj.interviews.all()]

    @staticmethod
    def resolve_petition_ids(obj):
        return [x.pk for x in obj.petitions.all()]

    @staticmethod
    def resolve_document_request_ids(obj):
        return [x.pk for x in obj.document_requests.all()]

    @staticmethod
    def resolve_attachment_ids(obj):
        return [x.pk for x in obj.attachments.all()]

    @staticmethod
    def resolve_finding_id(obj):
        try:
            return obj.finding.pk
        except ObjectDoesNotExist:
            return None


class WorkingPaperPage(Schema):
    items: list[WorkingPaperOut]
    count: int


def _papers(user):
    return working_papers_for(user=user).prefetch_related("interviews", "petitions", "document_requests", "attachments")


@router.get("/working-papers", response=WorkingPaperPage)
def working_paper_list(
    request,
    inspection_id: int | None = None,
    status: str | None = None,
    search: str | None = None,
    limit: int = 50,
    offset: int = 0,
):
    qs = _papers(request.user)
    if inspection_id is not None:
        qs = qs.filter(inspection_id=inspection_id)
    if status:
        qs = qs.filter(status=status)
    return page(qs, search=search, fields=("title", "facts"), limit=limit, offset=offset)


class WorkingPaperIn(Schema):
    inspection_id: int
    title: str
    facts: str
    rule: str = ""
    interview_ids: list[int] = []
    petition_ids: list[int] = []
    document_request_ids: list[int] = []
    attachment_ids: list[int] = []


@router.post("/working-papers", response={201: WorkingPaperOut})
def working_paper_post(request, payload: WorkingPaperIn):
    """Write a draft paper for an inspection of one's team; evidence by the ids of the
    inspection's talks, petitions, document requests and attachments."""
    inspection = get_object_or_404(inspections_for(user=request.user), pk=payload.inspection_id)
    paper = working_paper_create(
        actor=request.user,
        inspection=inspection,
        title=payload.title,
        facts=payload.facts,
        rule=payload.rule,
        interviews=payload.interview_ids,
        petitions=payload.petition_ids,
        document_requests=payload.document_request_ids,
        attachments=payload.attachment_ids,
    )
    return 201, get_object_or_404(_papers(request.user), pk=paper.pk)


def _paper(request, paper_id: int) -> WorkingPaper:
    return get_object_or_404(_papers(request.user), pk=paper_id)


@router.get("/working-papers/{int:paper_id}", response=WorkingPaperOut)
def working_paper_get(request, paper_id: int):
    return _paper(request, paper_id)


class WorkingPaperPatch(PatchIn):
    title: str | None = None
    facts: str | None = None
    rule: str | None = None
    interview_ids: list[int] | None = None
    petition_ids: list[int] | None = None
    document_request_ids: list[int] | None = None
    attachment_ids: list[int] | None = None


@router.patch("/working-papers/{int:paper_id}", response=WorkingPaperOut)
def working_paper_patch(request, paper_id: int, payload: WorkingPaperPatch):
    """Edit a draft or returned paper (its author only); evidence lists given replace the old."""
    paper = _paper(request, paper_id)
    working_paper_update(
        actor=request.user,
        paper=paper,
        title=payload.title,
        facts=payload.facts,
        rule=payload.rule,
        interviews=payload.interview_ids,
        petitions=payload.petition_ids,
        document_requests=payload.document_request_ids,
        attachments=payload.attachment_ids,
    )
    return _paper(request, paper_id)


@router.post("/working-papers/{int:paper_id}/submit", response=WorkingPaperOut)
def working_paper_submit_api(request, paper_id: int):
    """The author submits the paper for review (it needs at least one piece of evidence)."""
    working_paper_submit(actor=request.user, paper=_paper(request, paper_id))
    return _paper(request, paper_id)


class ReturnIn(Schema):
    comment: str


@router.post("/working-papers/{int:paper_id}/return", response=WorkingPaperOut)
def working_paper_return_api(request, paper_id: int, payload: ReturnIn):
    """The team leader or a deputy sends the paper back with comments."""
    working_paper_return(actor=request.user, paper=_paper(request, paper_id), comment=payload.comment)
    return _paper(request, paper_id)


# Findings ------------------------------------------------------------------------------


class FindingOut(Schema):
    id: int
    inspection_id: int
    working_paper_id: int
    title: str
    description: str
    focus_area_id: int
    focus_area_code: str
    focus_area_name: str
    focus_version: int
    severity: str
    people: str
    amount: Decimal | None = None
    immediate: bool
    immediate_deadline: date | None = None
    created_by_id: int
    created_at: datetime
    notice_url: str | None = None

    @staticmethod
    def resolve_focus_area_code(obj):
        return obj.focus_area.code

    @staticmethod
    def resolve_focus_area_name(obj):
        return obj.focus_area.name

    @staticmethod
    def resolve_focus_version(obj):
        return obj.focus_area.taxonomy.version

    @staticmethod
    def resolve_notice_url(obj):
        return reverse("api:finding_immediate_notice", args=[obj.pk]) if obj.immediate else None


class FindingPage(Schema):
    items: list[FindingOut]
    count: int


@router.get("/findings", response=FindingPage)
def finding_list(
    request,
    inspection_id: int | None = None,
    focus_area_id: int | None = None,
    severity: str | None = None,
    immediate: bool | None = None,
    search: str | None = None,
    limit: int = 50,
    offset: int = 0,
):
    qs = findings_for(user=request.user)
    if inspection_id is not None:
        qs = qs.filter(inspection_id=inspection_id)
    if focus_area_id is not None:
        qs = qs.filter(focus_area_id=focus_area_id)
    if severity:
        qs = qs.filter(severity=severity)
    if immediate is not None:
        qs = qs.filter(immediate=immediate)
    return page(qs, search=search, fields=("title", "description"), limit=limit, offset=offset)


class FindingIn(Schema):
    working_paper_id: int
    focus_area_id: int | None = None
    title: str = ""
    description: str = ""
    severity: str = Finding.Severity.GENERAL
    people: str = ""
    amount: Decimal | None = None
    immediate: bool = False
    immediate_deadline: date | None = None
    comment: str = ""


@router.post("/findings", response={201: FindingOut})
def finding_post(request, payload: FindingIn):
    """Approve a submitted working paper, which makes its finding (the reviewer's fields):
    the team leader or a deputy of the inspection, not the paper's author."""
    paper = get_object_or_404(working_papers_for(user=request.user), pk=payload.working_paper_id)
    finding = working_paper_approve(
        actor=request.user,
        paper=paper,
        focus_area=payload.focus_area_id,
        title=payload.title,
        description=payload.description,
        severity=payload.severity,
        people=payload.people,
        amount=payload.amount,
        immediate=payload.immediate,
        immediate_deadline=payload.immediate_deadline,
        comment=payload.comment,
    )
    return 201, get_object_or_404(findings_for(user=request.user), pk=finding.pk)


@router.get("/findings/{int:finding_id}", response=FindingOut)
def finding_get(request, finding_id: int):
    return get_object_or_404(findings_for(user=request.user), pk=finding_id)


@router.get(
    "/findings/{int:finding_id}/immediate-notice.docx", url_name="finding_immediate_notice", response={200: None}
)
def finding_immediate_notice(request, finding_id: int):
    """立行立改通知书 of an immediate finding, as a Word file in the official format."""
    finding = get_object_or_404(findings_for(user=request.user).select_related("inspection__team"), pk=finding_id)
    name, data = immediate_notice(actor=request.user, finding=finding)
    return attachment(data, name, DOCX)


@router.get("/findings/{int:finding_id}/immediate-notice.pdf", response={200: None})
def finding_immediate_notice_pdf(request, finding_id: int):
    """The same 立行立改通知书 as PDF, converted by LibreOffice on the server; 404
    ``pdf_unavailable`` where it is not installed, 503 ``pdf_failed`` when the conversion fails."""
    pdf_require()
    finding = get_object_or_404(findings_for(user=request.user).select_related("inspection__team"), pk=finding_id)
    name, data = immediate_notice(actor=request.user, finding=finding)
    return document_download(name, data, pdf=True)


# Tallies -------------------------------------------------------------------------------


class TallyOut(Schema):
    key: str
    label: str
    value: int
    unit: str


class TalliesOut(Schema):
    inspection_id: int
    talks_planned: int
    talks_held: int
    petitions_received: int
    petitions_in_scope: int
    documents_requested: int
    documents_received: int
    documents_reviewed: int
    surveys_handed_out: int
    surveys_returned: int
    working_papers: int
    working_papers_submitted: int
    findings: int
    immediate: int
    items: list[TallyOut]


@router.get("/inspections/{int:inspection_id}/tallies", response=TalliesOut)
def inspection_tallies(request, inspection_id: int):
    """The on-site figures of an inspection: talks held, petitions received and in scope,
    documents received, questionnaires returned, working papers, findings, immediate fixes."""
    inspection = get_object_or_404(inspections_for(user=request.user), pk=inspection_id)
    figures = figures_for(inspection)
    shown = tallies_for(inspection, figures=figures)
    items = [{"key": t.key, "label": t.label, "value": t.value, "unit": t.unit} for t in shown]
    return {"inspection_id": inspection.pk, **figures, "items": items}
