"""The pool's history and declarations, and the units' objections, in the API."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from core.api.common import page
from planning.api.teams import inspectors as inspector_detail  # the same /inspectors routes
from planning.inspections import inspectors_for
from planning.models import Inspector
from planning.objections import member_objection_decide, member_objection_raise, objections_for, rosters_for_unit
from planning.pool import inspector_declaration_add, inspector_record_add, inspector_relative_add
from registry.models import Organization

objections = Router(tags=["巡察组"])


class RecordOut(Schema):
    id: int
    kind: str
    organization_id: int | None
    organization_name: str
    post: str
    start_on: date
    end_on: date | None


class RelativeOut(Schema):
    id: int
    name: str
    relation: str
    organization_id: int | None
    organization_name: str


class DeclarationOut(Schema):
    id: int
    organization_id: int
    reason: str
    declared_at: datetime


class InspectorDetail(Schema):
    id: int
    name: str
    unit: str
    post: str
    education: str
    records: list[RecordOut]
    relatives: list[RelativeOut]
    declarations: list[DeclarationOut]

    @staticmethod
    def resolve_records(obj):
        return list(obj.records.all())

    @staticmethod
    def resolve_relatives(obj):
        return list(obj.relatives.all())

    @staticmethod
    def resolve_declarations(obj):
        return list(obj.declarations.all())


def _inspector(user, pk, *, own_ok=False):
    """The office's pool entry, or (for declarations) the caller's own entry."""
    if own_ok:
        own = Inspector.objects.filter(pk=pk, user=user).first()
        if own:
            return own
    return get_object_or_404(inspectors_for(user=user), pk=pk)


def _org(inspector, org_id, field):
    if org_id is None:
        return None
    found = Organization.objects.filter(pk=org_id, authority_id=inspector.authority_id).first()
    if found is None:
        raise ValidationError({field: [ValidationError("所选单位不存在。", code="unknown_reference")]})
    return found


@inspector_detail.get("/{int:inspector_id}", response=InspectorDetail)
def inspector_get(request, inspector_id: int):
    return _inspector(request.user, inspector_id, own_ok=True)


class RecordIn(Schema):
    kind: str = "work"
    organization_id: int | None = None
    organization_name: str = ""
    post: str = ""
    start_on: date
    end_on: date | None = None


@inspector_detail.post("/{int:inspector_id}/records", response={201: RecordOut})
def record_post(request, inspector_id: int, payload: RecordIn):
    inspector = _inspector(request.user, inspector_id)
    data = payload.dict(exclude={"organization_id"})
    org = _org(inspector, payload.organization_id, "organization_id")
    return 201, inspector_record_add(actor=request.user, inspector=inspector, organization=org, **data)


class RelativeIn(Schema):
    name: str
    relation: str
    organization_id: int | None = None
    organization_name: str = ""


@inspector_detail.post("/{int:inspector_id}/relatives", response={201: RelativeOut})
def relative_post(request, inspector_id: int, payload: RelativeIn):
    inspector = _inspector(request.user, inspector_id)
    data = payload.dict(exclude={"organization_id"})
    org = _org(inspector, payload.organization_id, "organization_id")
    return 201, inspector_relative_add(actor=request.user, inspector=inspector, organization=org, **data)


class DeclarationIn(Schema):
    organization_id: int
    reason: str


@inspector_detail.post("/{int:inspector_id}/declarations", response={201: DeclarationOut})
def declaration_post(request, inspector_id: int, payload: DeclarationIn):
    """A conflict declared by the office or by the inspector themself (本人申报回避)."""
    inspector = _inspector(request.user, inspector_id, own_ok=True)
    org = _org(inspector, payload.organization_id, "organization_id")
    return 201, inspector_declaration_add(
        actor=request.user, inspector=inspector, organization=org, reason=payload.reason
    )


class ObjectionOut(Schema):
    id: int
    inspection_id: int
    member_id: int | None
    member_name: str
    reason: str
    raised_at: datetime
    status: str
    answer: str
    decided_at: datetime | None


class ObjectionPage(Schema):
    items: list[ObjectionOut]
    count: int


@objections.get("", response=ObjectionPage)
def objection_list(request, limit: int = 50, offset: int = 0):
    return page(objections_for(user=request.user), search=None, fields=(), limit=limit, offset=offset)


class ObjectionIn(Schema):
    inspection_id: int
    member_id: int
    reason: str


@objections.post("", response={201: ObjectionOut})
def objection_post(request, payload: ObjectionIn):
    """The inspected unit's liaison objects to a member of the team inspecting the unit."""
    inspection = get_object_or_404(rosters_for_unit(user=request.user), pk=payload.inspection_id)
    member = next((m for m in inspection.team.members.all() if m.pk == payload.member_id), None)
    if member is None:
        raise ValidationError(
            {"member_id": [ValidationError("所选人员不是本单位巡察组的成员。", code="unknown_reference")]}
        )
    return 201, member_objection_raise(actor=request.user, inspection=inspection, member=member, reason=payload.reason)


class DecisionIn(Schema):
    uphold: bool
    answer: str


@objections.post("/{int:objection_id}/decision", response=ObjectionOut)
def objection_decision(request, objection_id: int, payload: DecisionIn):
    """The office answers: uphold (the member leaves the team) or dismiss, with its reasons."""
    objection = get_object_or_404(objections_for(user=request.user), pk=objection_id)
    return member_objection_decide(
        actor=request.user, objection=objection, uphold=payload.uphold, answer=payload.answer
    )
