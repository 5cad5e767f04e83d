from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from core import access
from core.api.common import page
from planning.coverage import term_coverage
from planning.inspections import term_create, terms_for
from planning.models import Term
from registry.models import OrganizationKind

router = Router(tags=["巡察规划"])


class TermOut(Schema):
    id: int
    authority_id: int
    name: str
    start_on: date
    end_on: date
    village_target: int
    scope_kind_ids: list[int]

    @staticmethod
    def resolve_scope_kind_ids(obj):
        return sorted(k.pk for k in obj.scope_kinds.all())


class TermPage(Schema):
    items: list[TermOut]
    count: int


class TermIn(Schema):
    name: str
    start_on: date
    end_on: date
    scope_kind_ids: list[int] = []
    village_target: int = 100


@router.get("", response=TermPage)
def term_list(request, search: str | None = None, limit: int = 50, offset: int = 0):
    return page(terms_for(user=request.user), search=search, fields=("name",), limit=limit, offset=offset)


@router.post("", response={201: TermOut})
def term_post(request, payload: TermIn):
    authority = request.user.authority
    if authority is None or authority.pk not in access.authorities_for(request.user, "change", Term):
        raise PermissionDenied
    kinds = list(OrganizationKind.objects.filter(authority=authority, pk__in=payload.scope_kind_ids))
    if len(kinds) != len(set(payload.scope_kind_ids)):
        raise ValidationError({"scope_kinds": [ValidationError("所选单位类别不存在。", code="unknown_reference")]})
    term = term_create(
        actor=request.user,
        authority=authority,
        name=payload.name,
        start_on=payload.start_on,
        end_on=payload.end_on,
        scope_kinds=kinds,
        village_target=payload.village_target,
    )
    return 201, term


class OrgRef(Schema):
    id: int
    code: str
    name: str
    kind: str
    planned_round: int | None = None


class DroppedOut(Schema):
    id: int
    code: str
    name: str
    note: str


class KindShareOut(Schema):
    kind_id: int
    kind: str
    in_scope: int
    covered: int
    share: float


class CoverageOut(Schema):
    term_id: int
    in_scope: int
    covered: int
    share: float
    uncovered: list[OrgRef]
    dropped: list[DroppedOut]
    by_kind: list[KindShareOut]
    remaining_rounds: list[int]
    per_remaining_round: int | None
    village_share: float | None
    village_target: int


def coverage_dict(c) -> dict:
    village = c.village
    return {
        "term_id": c.term.pk,
        "in_scope": c.in_scope,
        "covered": c.covered,
        "share": c.share,
        "uncovered": [
            {
                "id": o.organization.pk,
                "code": o.organization.code,
                "name": o.organization.name,
                "kind": o.organization.kind.name,
                "planned_round": o.planned_round,
            }
            for o in c.uncovered
        ],
        "dropped": [
            {"id": d.organization.pk, "code": d.organization.code, "name": d.organization.name, "note": d.note}
            for d in c.dropped
        ],
        "by_kind": [
            {"kind_id": k.kind_id, "kind": k.name, "in_scope": k.in_scope, "covered": k.covered, "share": k.share}
            for k in c.by_kind
        ],
        "remaining_rounds": c.remaining_rounds,
        "per_remaining_round": c.per_remaining_round,
        "village_share": village.share if village else None,
        "village_target": c.term.village_target,
    }


@router.get("/{int:term_id}/coverage", response=CoverageOut)
def term_coverage_get(request, term_id: int):
    """In scope and covered (counts), the uncovered organisations, the share by kind."""
    term = get_object_or_404(terms_for(user=request.user), pk=term_id)
    return coverage_dict(term_coverage(term))
