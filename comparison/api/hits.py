"""Hits in the API: a run's hits (paged), one hit, confirming it to an inspection and dismissing
it. Thin: the rules are in ``comparison.hits``. A hit decided already answers 409
(``not_editable``); the team of the inspection a hit was confirmed to reads that hit."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from comparison import hits as hit_services
from comparison.models import Hit
from comparison.runs import runs_for
from core import access
from core.api.common import page
from planning.models import Inspection

router = Router(tags=["数据比对"])


class HitOut(Schema):
    id: int
    run_id: int
    rule: str
    rule_name: str
    person: str
    id_number: str
    name: str
    match: str
    match_label: str
    probability: float | None
    agreed: str
    agreed_label: str
    name_birth_only: bool
    group_key: str
    summary: dict
    evidence: dict
    state: str
    state_label: str
    inspection_id: int | None
    attachment_id: int | None
    reason: str
    reviewed_at: datetime | None

    @staticmethod
    def resolve_rule(obj):
        return obj.run.rule_key

    @staticmethod
    def resolve_rule_name(obj):
        return obj.run.rule_name

    @staticmethod
    def resolve_match_label(obj):
        return obj.get_match_display()

    @staticmethod
    def resolve_agreed_label(obj):
        return hit_services.hit_agreed(obj)

    @staticmethod
    def resolve_state_label(obj):
        return obj.get_state_display()


class HitPage(Schema):
    items: list[HitOut]
    count: int


class ConfirmIn(Schema):
    inspection: int
    note: str = ""


class DismissIn(Schema):
    reason: str = ""


class ConflictOut(Schema):
    detail: str
    code: str


def _hit(request, hit_id: int) -> Hit:
    return get_object_or_404(hit_services.hits_for(user=request.user), pk=hit_id)


def _conflict(e: hit_services.HitDecided) -> tuple[int, dict]:
    return 409, {"detail": "；".join(e.messages), "code": "not_editable"}


@router.get("/comparison-runs/{int:run_id}/hits", response=HitPage)
def run_hit_list(request, run_id: int, state: str = "", match: str = "", limit: int = 50, offset: int = 0):
    """A run's hits, filtered by ``state`` (new, confirmed, dismissed) and ``match`` (exact, fuzzy)."""
    run = get_object_or_404(runs_for(user=request.user), pk=run_id)
    qs = hit_services.run_hits(user=request.user, run=run, state=state, match=match)
    answer = page(qs, search=None, fields=(), limit=limit, offset=offset)
    hit_services.hits_read(actor=request.user, run=run, shown=len(answer["items"]))
    return answer


@router.get("/comparison-hits/{int:hit_id}", response=HitOut)
def hit_get(request, hit_id: int):
    """One hit with its summary and evidence rows."""
    hit = _hit(request, hit_id)
    hit_services.hit_read(actor=request.user, hit=hit)
    return hit


@router.post("/comparison-hits/{int:hit_id}/confirm", response={200: HitOut, 409: ConflictOut})
def hit_confirm_post(request, hit_id: int, payload: ConfirmIn):
    """Hand the hit to an inspection of its authority (not archived): ``{"inspection": id, "note": ""}``;
    its evidence workbook becomes an attachment of the inspection."""
    hit = _hit(request, hit_id)
    if not access.may(request.user, "hit.confirm", hit):
        raise PermissionDenied
    inspection = Inspection.objects.filter(pk=payload.inspection, authority_id=hit.authority_id).first()
    if inspection is None and hit.state == Hit.State.NEW:
        message = "所选巡察不存在或不属于本机构。"
        raise ValidationError({"inspection": [ValidationError(message, code="unknown_reference")]})
    try:
        return 200, hit_services.hit_confirm(actor=request.user, hit=hit, inspection=inspection, note=payload.note)
    except hit_services.HitDecided as e:
        return _conflict(e)


@router.post("/comparison-hits/{int:hit_id}/dismiss", response={200: HitOut, 409: ConflictOut})
def hit_dismiss_post(request, hit_id: int, payload: DismissIn):
    """Dismiss the hit with a reason: ``{"reason": "…"}``."""
    hit = _hit(request, hit_id)
    try:
        return 200, hit_services.hit_dismiss(actor=request.user, hit=hit, reason=payload.reason)
    except hit_services.HitDecided as e:
        return _conflict(e)
