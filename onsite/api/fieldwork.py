"""The fieldwork in the API: talks (/interviews), document requests (/document-requests)
and surveys (/surveys). Lists show only what the caller may see; every write goes
through the same service as the pages."""

from datetime import date, datetime

from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Body, File, Router, Schema
from ninja.files import UploadedFile

from core import access
from core.api.common import PatchIn, page
from core.http import XLSX, attachment
from onsite.api.attachments import AttachmentOut
from onsite.document_requests import (
    STATUSES,
    document_request_create,
    document_request_receive,
    document_request_review,
    document_request_update,
    document_requests_bulk_create,
    document_requests_for,
)
from onsite.fieldwork import attachments_by_ids
from onsite.interviews import (
    interview_create,
    interview_notes_read,
    interview_record,
    interviewers_by_ids,
    interviews_for,
    interviews_plan_from_leaders,
)
from onsite.models import Survey
from onsite.surveys import (
    survey_create,
    survey_results_import_upload,
    survey_table,
    survey_template_bytes,
    survey_update,
    surveys_for,
)
from planning.inspections import inspections_for

router = Router(tags=["进驻了解"])


def _inspection(request, inspection_id: int):
    return get_object_or_404(inspections_for(user=request.user), pk=inspection_id)


# Talks


class InterviewerOut(Schema):
    id: int  # the team membership (planning TeamMember)
    name: str
    role: str

    @staticmethod
    def resolve_name(obj):
        return obj.inspector.name


class InterviewOut(Schema):
    id: int
    inspection_id: int
    interviewee: str
    post: str
    category: str
    planned_on: date | None
    held: bool
    held_at: datetime | None
    place: str
    interviewers: list[InterviewerOut]

    @staticmethod
    def resolve_interviewers(obj):
        return list(obj.interviewers.all())


class InterviewDetail(InterviewOut):
    notes: str | None = None  # null for those who may not read talk notes (the leading group)
    attachments: list[AttachmentOut] = []

    @staticmethod
    def resolve_notes(obj):
        return getattr(obj, "notes_shown", None)

    @staticmethod
    def resolve_attachments(obj):
        return list(obj.attachments.all()) if getattr(obj, "notes_shown", None) is not None else []


class InterviewPage(Schema):
    items: list[InterviewOut]
    count: int


class InterviewIn(Schema):
    inspection_id: int
    interviewee: str
    category: str
    post: str = ""
    planned_on: date | None = None


class PlanIn(Schema):
    inspection_id: int
    planned_on: date | None = None


class PlanOut(Schema):
    created: list[InterviewOut]
    skipped: list[str]


class RecordIn(Schema):
    held_at: datetime
    place: str = ""
    interviewer_ids: list[int]
    notes: str = ""
    attachment_ids: list[int] = []


@router.get("/interviews", response=InterviewPage)
def interview_list(
    request,
    inspection_id: int | None = None,
    category: str | None = None,
    held: bool | None = None,
    search: str | None = None,
    limit: int = 50,
    offset: int = 0,
):
    """Talks, planned and held (``held``), optionally of one inspection or category; ``search``
    looks in the name and post."""
    qs = interviews_for(user=request.user)
    if inspection_id is not None:
        qs = qs.filter(inspection_id=inspection_id)
    if category:
        qs = qs.filter(category=category)
    if held is not None:
        qs = qs.filter(held_at__isnull=not held)
    return page(qs, search=search, fields=("interviewee", "post"), limit=limit, offset=offset)


@router.post("/interviews", response={201: InterviewOut})
def interview_post(request, payload: InterviewIn):
    """Put a person on the talk plan (category: leadership, subordinate_head, key_post, staff, other)."""
    inspection = _inspection(request, payload.inspection_id)
    data = payload.dict(exclude={"inspection_id"})
    return 201, interview_create(actor=request.user, inspection=inspection, **data)


@router.post("/interviews/from-leaders", response=PlanOut)
def interview_plan_from_leaders(request, payload: PlanIn):
    """Plan a talk with each current leader of the inspected organisation (from the registry),
    skipping those already on the plan."""
    inspection = _inspection(request, payload.inspection_id)
    result = interviews_plan_from_leaders(actor=request.user, inspection=inspection, planned_on=payload.planned_on)
    return {"created": result.created, "skipped": result.skipped}


@router.get("/interviews/{int:interview_id}", response=InterviewDetail)
def interview_get(request, interview_id: int):
    """One talk; its notes and attachments only for the team and the office (reading is audited)."""
    interview = get_object_or_404(interviews_for(user=request.user), pk=interview_id)
    interview.notes_shown = interview_notes_read(user=request.user, interview=interview)
    return interview


@router.post("/interviews/{int:interview_id}/record", response=InterviewDetail)
def interview_record_post(request, interview_id: int, payload: RecordIn):
    """Record the talk: when, where, at least two interviewers of the team (their membership
    ids), notes, and attachments uploaded before through ``POST /attachments``."""
    interview = get_object_or_404(interviews_for(user=request.user), pk=interview_id)
    access.check(request.user, "change", interview)
    inspection = interview.inspection
    interview_record(
        actor=request.user,
        interview=interview,
        held_at=payload.held_at,
        place=payload.place,
        interviewers=interviewers_by_ids(inspection, payload.interviewer_ids),
        notes=payload.notes,
        attachments=attachments_by_ids(user=request.user, inspection=inspection, ids=payload.attachment_ids),
    )
    interview.notes_shown = interview.notes  # the writer is of the team or the office
    return interview


# Document requests


class DocumentRequestOut(Schema):
    id: int
    inspection_id: int
    title: str
    requested_on: date
    due_on: date | None
    received_on: date | None
    reviewed_by_id: int | None
    reviewed_by_name: str | None
    reviewed_on: date | None
    note: str
    overdue: bool
    attachments: list[AttachmentOut]

    @staticmethod
    def resolve_reviewed_by_name(obj):
        return obj.reviewed_by.display_name if obj.reviewed_by_id else None

    @staticmethod
    def resolve_attachments(obj):
        return list(obj.attachments.all())


class DocumentRequestPage(Schema):
    items: list[DocumentRequestOut]
    count: int


class DocumentRequestIn(Schema):
    inspection_id: int
    title: str
    requested_on: date
    due_on: date | None = None
    note: str = ""


class DocumentRequestBulkIn(Schema):
    inspection_id: int
    titles: list[str]
    requested_on: date
    due_on: date | None = None


class DocumentRequestPatch(PatchIn):
    title: str | None = None
    requested_on: date | None = None
    due_on: date | None = None
    note: str | None = None
    attachment_ids: list[int] = []


class OnIn(Schema):
    on: date | None = None  # today if not given


def _document_request(request, request_id: int):
    return get_object_or_404(document_requests_for(user=request.user), pk=request_id)


@router.get("/document-requests", response=DocumentRequestPage)
def document_request_list(
    request,
    inspection_id: int | None = None,
    status: str | None = None,
    search: str | None = None,
    limit: int = 50,
    offset: int = 0,
):
    """Materials asked from the units; ``status`` one of pending, overdue, received, reviewed."""
    qs = document_requests_for(user=request.user)
    if inspection_id is not None:
        qs = qs.filter(inspection_id=inspection_id)
    if status in STATUSES:
        qs = qs.filter(STATUSES[status][1])
    return page(qs, search=search, fields=("title",), limit=limit, offset=offset)


@router.post("/document-requests", response={201: DocumentRequestOut})
def document_request_post(request, payload: DocumentRequestIn):
    inspection = _inspection(request, payload.inspection_id)
    data = payload.dict(exclude={"inspection_id"})
    created = document_request_create(actor=request.user, inspection=inspection, **data)
    return 201, _document_request(request, created.pk)


@router.post("/document-requests/bulk", response={201: DocumentRequestPage})
def document_request_bulk(request, payload: DocumentRequestBulkIn):
    """Several requests at once, all or nothing; errors name the position (第 N 行) of each bad title."""
    inspection = _inspection(request, payload.inspection_id)
    made = document_requests_bulk_create(
        actor=request.user,
        inspection=inspection,
        titles="\n".join(t.replace("\n", " ") for t in payload.titles),
        requested_on=payload.requested_on,
        due_on=payload.due_on,
    )
    items = list(document_requests_for(user=request.user).filter(pk__in=[m.pk for m in made]))
    return 201, {"items": items, "count": len(items)}


@router.get("/document-requests/{int:request_id}", response=DocumentRequestOut)
def document_request_get(request, request_id: int):
    return _document_request(request, request_id)


@router.patch("/document-requests/{int:request_id}", response=DocumentRequestOut)
def document_request_patch(request, request_id: int, payload: DocumentRequestPatch):
    """Correct the title, dates or note; ``attachment_ids`` adds attachments of the same inspection."""
    found = _document_request(request, request_id)
    access.check(request.user, "change", found)
    values = payload.dict(exclude={"attachment_ids"}, exclude_unset=True)
    attachments = attachments_by_ids(user=request.user, inspection=found.inspection, ids=payload.attachment_ids)
    document_request_update(actor=request.user, document_request=found, attachments=attachments, **values)
    return _document_request(request, request_id)


@router.post("/document-requests/{int:request_id}/receive", response=DocumentRequestOut)
def document_request_receive_post(request, request_id: int, payload: Body[OnIn] = None):
    """Mark received (``on``: the date, today if not given)."""
    found = _document_request(request, request_id)
    document_request_receive(actor=request.user, document_request=found, received_on=payload and payload.on)
    return _document_request(request, request_id)


@router.post("/document-requests/{int:request_id}/review", response=DocumentRequestOut)
def document_request_review_post(request, request_id: int, payload: Body[OnIn] = None):
    """Mark reviewed by the caller (of the team or the office), ``on`` the date (today if not given)."""
    found = _document_request(request, request_id)
    document_request_review(actor=request.user, document_request=found, reviewed_on=payload and payload.on)
    return _document_request(request, request_id)


# Surveys


class SurveyOut(Schema):
    id: int
    inspection_id: int
    kind: str
    title: str
    held_on: date
    handed_out: int
    returned: int
    results: dict  # {"options": [...], "rows": [[item, count, ...], ...]}


class ResultRowOut(Schema):
    item: str
    counts: list[int]
    shares: list[str]
    total: int
    rate: str | None


class ResultTableOut(Schema):
    options: list[str]
    rate_label: str | None
    rows: list[ResultRowOut]


class SurveyDetail(SurveyOut):
    table: ResultTableOut | None = None

    @staticmethod
    def resolve_table(obj):
        table = survey_table(obj)
        if table is None:
            return None
        rows = [
            {
                "item": r.item,
                "counts": [count for count, _ in r.cells],
                "shares": [share for _, share in r.cells],
                "total": r.total,
                "rate": r.rate,
            }
            for r in table.rows
        ]
        return {"options": table.options, "rate_label": table.rate_label, "rows": rows}


class SurveyPage(Schema):
    items: list[SurveyOut]
    count: int


class SurveyIn(Schema):
    inspection_id: int
    kind: str
    title: str
    held_on: date
    handed_out: int
    returned: int = 0


class SurveyPatch(PatchIn):
    kind: str | None = None
    title: str | None = None
    held_on: date | None = None
    handed_out: int | None = None
    returned: int | None = None


def _survey(request, survey_id: int):
    return get_object_or_404(surveys_for(user=request.user), pk=survey_id)


@router.get("/surveys", response=SurveyPage)
def survey_list(
    request,
    inspection_id: int | None = None,
    kind: str | None = None,
    search: str | None = None,
    limit: int = 50,
    offset: int = 0,
):
    """Questionnaires (``kind`` questionnaire) and democratic evaluations (evaluation)."""
    qs = surveys_for(user=request.user)
    if inspection_id is not None:
        qs = qs.filter(inspection_id=inspection_id)
    if kind:
        qs = qs.filter(kind=kind)
    return page(qs, search=search, fields=("title",), limit=limit, offset=offset)


@router.post("/surveys", response={201: SurveyOut})
def survey_post(request, payload: SurveyIn):
    inspection = _inspection(request, payload.inspection_id)
    data = payload.dict(exclude={"inspection_id"})
    return 201, survey_create(actor=request.user, inspection=inspection, **data)


@router.get("/surveys/template.xlsx", response={200: None})
def survey_template(request, kind: str = Survey.Kind.EVALUATION):
    """The import template (.xlsx): the item column and the default options 好、较好、一般、差."""
    if not access.can(request.user, "change", Survey):
        raise Http404
    name = "问卷调查" if kind == Survey.Kind.QUESTIONNAIRE else "民主测评"
    return attachment(survey_template_bytes(kind), f"{name}结果导入模板.xlsx", XLSX)


@router.get("/surveys/{int:survey_id}", response=SurveyDetail)
def survey_get(request, survey_id: int):
    """One survey with its tallies, each option's share and the 好评率 / 满意率 of each item."""
    return _survey(request, survey_id)


@router.patch("/surveys/{int:survey_id}", response=SurveyDetail)
def survey_patch(request, survey_id: int, payload: SurveyPatch):
    survey = _survey(request, survey_id)
    return survey_update(actor=request.user, survey=survey, **payload.dict(exclude_unset=True))


@router.post("/surveys/{int:survey_id}/results", response=SurveyDetail)
def survey_results_post(request, survey_id: int, file: File[UploadedFile] = None):
    """Import the tallies from an .xlsx (multipart ``file``), replacing the previous results.

    All or nothing: 422 with one message per problem, each naming its row and column."""
    survey = _survey(request, survey_id)
    access.check(request.user, "change", survey)
    return survey_results_import_upload(actor=request.user, survey=survey, upload=file)
