"""Petitions in the API: staff endpoints (filtered to what the caller may see; the reporter's
identity only for the inspection's intake members, audited) and the public channel
(no login: submit a report, read the replies with the receipt code)."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.decorators.debug import sensitive_variables
from ninja import Router, Schema

from core.api.common import page
from core.ratelimit import RateLimited, client_tag
from onsite.duplicates import similar_petitions
from onsite.models import Attachment, FocusArea, Petition
from onsite.petitions import (
    IDENTITY_FIELDS,
    identity_inspections,
    petition_create,
    petition_identity,
    petition_message_add,
    petition_submit_public,
    petition_triage,
    petitions_for,
    receipt_lookup,
    reporter_replies,
)
from onsite.public_limits import public_channel_lift, public_channel_state
from planning.inspections import inspections_for
from planning.models import Inspection

router = Router(tags=["进驻了解"])


class MessageOut(Schema):
    id: int
    body: str
    internal: bool
    author: str | None
    created_at: datetime
    attachment_ids: list[int]


class SimilarOut(Schema):
    id: int
    subject: str
    score: float


class PetitionOut(Schema):
    id: int
    inspection_id: int
    channel: str
    received_on: date
    subject: str
    content: str
    accused: str
    anonymous: bool
    name: str | None
    phone: str | None
    id_number: str | None
    address: str | None
    status: str
    discipline_ids: list[int]
    focus_area_id: int | None
    forwarded_to: str
    forwarded_on: date | None
    duplicate_of_id: int | None
    triaged_by: str | None
    triaged_at: datetime | None
    attachment_ids: list[int]
    created_at: datetime


class PetitionDetail(PetitionOut):
    messages: list[MessageOut]
    similar: list[SimilarOut]


class PetitionPage(Schema):
    items: list[PetitionOut]
    count: int


def _out(petition: Petition, user, *, readable: bool) -> dict:
    """The answer for one petition; identity filled (and its reading audited) for intake only."""
    identity = petition_identity(actor=user, petition=petition, via="api", readable=readable)
    return {
        **{f: getattr(petition, f) for f in PetitionOut.model_fields if hasattr(petition, f)},
        **{f: (identity or {}).get(f, "") if identity is not None else None for f in IDENTITY_FIELDS},
        "discipline_ids": [d.pk for d in petition.disciplines.all()],
        "triaged_by": petition.triaged_by.username if petition.triaged_by else None,
        "attachment_ids": [a.pk for a in petition.attachments.all()],
    }


def _with_related(qs):
    return qs.prefetch_related("disciplines", "attachments")


@router.get("/petitions", response=PetitionPage)
def petition_list(
    request, inspection_id: int | None = None, search: str | None = None, limit: int = 50, offset: int = 0
):
    qs = _with_related(petitions_for(user=request.user))
    if inspection_id is not None:
        qs = qs.filter(inspection_id=inspection_id)
    found = page(qs, search=search, fields=("subject", "content", "accused"), limit=limit, offset=offset)
    intake = identity_inspections(request.user)
    found["items"] = [_out(p, request.user, readable=p.inspection_id in intake) for p in found["items"]]
    return found


class PetitionIn(Schema):
    inspection_id: int
    channel: str
    received_on: date
    subject: str
    content: str
    accused: str = ""
    anonymous: bool = True
    name: str = ""
    phone: str = ""
    id_number: str = ""
    address: str = ""
    attachment_ids: list[int] = []


@router.post("/petitions", response={201: PetitionOut})
@sensitive_variables("payload")
def petition_post(request, payload: PetitionIn):
    """Enter a petition received by letter, visit, phone, mailbox or email. Attachments are
    uploaded first (``POST /api/v1/attachments``) and named by ``attachment_ids``."""
    inspection = get_object_or_404(inspections_for(user=request.user), pk=payload.inspection_id)
    attachments = list(Attachment.objects.filter(pk__in=payload.attachment_ids, inspection=inspection))
    if len(attachments) != len(set(payload.attachment_ids)):
        raise ValidationError({"attachments": [ValidationError("附件须属于本次巡察。", code="unknown_reference")]})
    fields = payload.dict(exclude={"inspection_id", "attachment_ids"})
    petition = petition_create(actor=request.user, inspection=inspection, attachments=attachments, **fields)
    petition = _with_related(Petition.objects.all()).get(pk=petition.pk)
    return 201, _out(petition, request.user, readable=False)


def _detail(request, petition_id: int) -> dict:
    petition = get_object_or_404(_with_related(petitions_for(user=request.user)), pk=petition_id)
    found = _out(petition, request.user, readable=None)
    messages = petition.messages.select_related("author").prefetch_related("attachments")
    found["messages"] = [
        {
            "id": m.pk,
            "body": m.body,
            "internal": m.internal,
            "author": m.author.display_name if m.author else None,
            "created_at": m.created_at,
            "attachment_ids": [a.pk for a in m.attachments.all()],
        }
        for m in messages
    ]
    found["similar"] = [
        {"id": s.petition.pk, "subject": s.petition.subject, "score": round(s.score, 3)}
        for s in similar_petitions(petition)
    ]
    return found


@router.get("/petitions/{int:petition_id}", response=PetitionDetail)
def petition_get(request, petition_id: int):
    """One petition with its messages (internal notes too) and likely duplicates."""
    return _detail(request, petition_id)


class TriageIn(Schema):
    status: str
    discipline_ids: list[int] = []
    focus_area_id: int | None = None
    forwarded_to: str = ""
    forwarded_on: date | None = None
    duplicate_of_id: int | None = None


@router.post("/petitions/{int:petition_id}/triage", response=PetitionDetail)
def petition_triage_post(request, petition_id: int, payload: TriageIn):
    """Triage: ``in_scope`` (discipline_ids and focus_area_id), ``out_of_scope`` (forwarded_to
    and forwarded_on) or ``duplicate`` (duplicate_of_id, of the same inspection)."""
    petition = get_object_or_404(petitions_for(user=request.user), pk=petition_id)
    disciplines = list(FocusArea.objects.filter(pk__in=payload.discipline_ids))
    if len(disciplines) != len(set(payload.discipline_ids)):
        raise ValidationError(
            {"disciplines": [ValidationError("所选纪律不属于本机构现行的六项纪律分类。", code="unknown_reference")]}
        )
    focus_area = None
    if payload.focus_area_id is not None:
        focus_area = FocusArea.objects.filter(pk=payload.focus_area_id).first()
        if focus_area is None:
            raise ValidationError(
                {
                    "focus_area": [
                        ValidationError(
                            "所选监督重点不属于本机构现行的监督重点，或不是末级条目。", code="unknown_reference"
                        )
                    ]
                }
            )
    duplicate_of = None
    if payload.duplicate_of_id is not None:
        duplicate_of = petitions_for(user=request.user).filter(pk=payload.duplicate_of_id).first()
        if duplicate_of is None:  # missing or out of sight: the same answer as another inspection's
            raise ValidationError(
                {
                    "duplicate_of": [
                        ValidationError("只能标记为本次巡察中其他信访件的重复件。", code="unknown_reference")
                    ]
                }
            )
    petition_triage(
        actor=request.user,
        petition=petition,
        status=payload.status,
        disciplines=disciplines,
        focus_area=focus_area,
        forwarded_to=payload.forwarded_to,
        forwarded_on=payload.forwarded_on,
        duplicate_of=duplicate_of,
    )
    return _detail(request, petition_id)


class MessageIn(Schema):
    body: str
    internal: bool = False


@router.post("/petitions/{int:petition_id}/messages", response={201: MessageOut})
def petition_message_post(request, petition_id: int, payload: MessageIn):
    """A reply to the reporter (``internal`` false: readable with the receipt code) or an internal note."""
    petition = get_object_or_404(petitions_for(user=request.user), pk=petition_id)
    m = petition_message_add(actor=request.user, petition=petition, body=payload.body, internal=payload.internal)
    return 201, {
        "id": m.pk,
        "body": m.body,
        "internal": m.internal,
        "author": request.user.display_name,
        "created_at": m.created_at,
        "attachment_ids": [],
    }


class ChannelOut(Schema):
    received: int
    limit: int
    paused: bool
    until: datetime


@router.get("/inspections/{int:inspection_id}/public-channel", response=ChannelOut)
def public_channel_get(request, inspection_id: int):
    """This hour's online reports to the inspection, against the hourly limit: ``paused``
    when reached, until ``until`` (for whoever designates intake)."""
    inspection = get_object_or_404(inspections_for(user=request.user), pk=inspection_id)
    return public_channel_state(actor=request.user, inspection=inspection)


@router.post("/inspections/{int:inspection_id}/public-channel/lift", response=ChannelOut)
def public_channel_lift_post(request, inspection_id: int):
    """Reopen a channel that a flood of reports paused: another hourly limit's worth this hour."""
    inspection = get_object_or_404(inspections_for(user=request.user), pk=inspection_id)
    public_channel_lift(actor=request.user, inspection=inspection)
    return public_channel_state(actor=request.user, inspection=inspection)


# --- the public channel (no login; no address recorded) --------------------------------


class PublicPetitionIn(Schema):
    subject: str
    content: str
    anonymous: bool = True
    name: str = ""
    phone: str = ""
    id_number: str = ""
    address: str = ""


class ReceiptOut(Schema):
    receipt_code: str


class Detail(Schema):
    detail: str
    code: str


class ReplyOut(Schema):
    body: str
    created_at: datetime


class RepliesOut(Schema):
    replies: list[ReplyOut]


@router.post(
    "/public/inspections/{public_id}/petitions", auth=None, response={201: ReceiptOut, 429: Detail}, tags=["网上举报"]
)
@sensitive_variables("payload")
def public_petition_post(request, public_id: str, payload: PublicPetitionIn):
    """Report a problem about an inspected unit (no login). Answers the receipt code, shown
    this once: with it the reporter reads the team's replies. Closed inspections answer 422."""
    inspection = get_object_or_404(Inspection.objects.select_related("authority"), public_id=public_id)
    try:
        _, code = petition_submit_public(inspection=inspection, client=client_tag(request), **payload.dict())
    except RateLimited as e:
        return 429, {"detail": str(e), "code": "rate_limited"}
    return 201, {"receipt_code": code}


@router.get("/public/petitions/{receipt_code}", auth=None, response={200: RepliesOut, 429: Detail}, tags=["网上举报"])
def public_petition_replies(request, receipt_code: str):
    """The team's replies to the petition this receipt code opens, and nothing else. A wrong
    code answers 404 like any unknown address."""
    try:
        petition = receipt_lookup(receipt_code, client=client_tag(request))
    except RateLimited as e:
        return 429, {"detail": str(e), "code": "rate_limited"}
    if petition is None:
        raise Http404
    return {"replies": [{"body": m.body, "created_at": m.created_at} for m in reporter_replies(petition)]}
