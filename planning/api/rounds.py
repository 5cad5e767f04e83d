from datetime import date

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from core import access
from core.api.common import page
from planning.inspections import round_create, rounds_for, terms_for
from planning.models import Round

router = Router(tags=["巡察规划"])


class RoundOut(Schema):
    id: int
    term_id: int
    number: int
    kind: str
    entry_on: date | None
    onsite_end_on: date | None


class RoundPage(Schema):
    items: list[RoundOut]
    count: int


class RoundIn(Schema):
    term_id: int
    number: int | None = None
    kind: str = "regular"
    entry_on: date | None = None
    onsite_end_on: date | None = None


@router.get("", response=RoundPage)
def round_list(request, term_id: int | None = None, limit: int = 50, offset: int = 0):
    qs = rounds_for(user=request.user)
    if term_id:
        qs = qs.filter(term_id=term_id)
    return page(qs, search=None, fields=(), limit=limit, offset=offset)


@router.post("", response={201: RoundOut})
def round_post(request, payload: RoundIn):
    term = get_object_or_404(terms_for(user=request.user), pk=payload.term_id)
    if term.authority_id not in access.authorities_for(request.user, "change", Round):
        raise PermissionDenied
    data = payload.dict(exclude={"term_id"})
    return 201, round_create(actor=request.user, term=term, **data)
