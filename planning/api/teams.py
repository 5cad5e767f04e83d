from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from core import access
from core.api.common import PatchIn, page
from planning.inspections import inspectors_for, rounds_for, teams_for
from planning.models import Team, TeamMember
from planning.pool import inspector_create
from planning.teams import (
    CONTACT_FIELDS,
    ConflictsFound,
    team_create,
    team_member_add,
    team_member_remove,
    team_update,
)
from registry.organizations import organizations_for

inspectors = Router(tags=["巡察组"])
teams = Router(tags=["巡察组"])


class RecordIn(Schema):
    kind: str = "work"
    organization_id: int | None = None
    organization_name: str = ""
    post: str = ""
    start_on: date
    end_on: date | None = None


class RelativeIn(Schema):
    name: str
    relation: str
    organization_id: int | None = None
    organization_name: str = ""


class InspectorIn(Schema):
    name: str
    unit: str = ""
    unit_organization_id: int | None = None
    post: str = ""
    education: str = ""
    records: list[RecordIn] = []
    relatives: list[RelativeIn] = []


class InspectorOut(Schema):
    id: int
    name: str
    unit: str
    unit_organization_id: int | None
    post: str
    education: str


class InspectorPage(Schema):
    items: list[InspectorOut]
    count: int


@inspectors.get("", response=InspectorPage)
def inspector_list(request, search: str | None = None, limit: int = 50, offset: int = 0):
    return page(inspectors_for(user=request.user), search=search, fields=("name", "unit"), limit=limit, offset=offset)


@inspectors.post("", response={201: InspectorOut})
def inspector_post(request, payload: InspectorIn):
    """Add a person to the pool with their work and study history and declared relatives."""
    authority = request.user.authority
    if authority is None:
        raise PermissionDenied
    orgs = organizations_for(user=request.user).filter(authority=authority)

    def org(org_id, field):
        if org_id is None:
            return None
        found = orgs.filter(pk=org_id).first()
        if found is None:
            raise ValidationError({field: [ValidationError("所选单位不存在。", code="unknown_reference")]})
        return found

    records = [
        {**r.dict(exclude={"organization_id"}), "organization": org(r.organization_id, "records")}
        for r in payload.records
    ]
    relatives = [
        {**r.dict(exclude={"organization_id"}), "organization": org(r.organization_id, "relatives")}
        for r in payload.relatives
    ]
    fields = payload.dict(exclude={"records", "relatives", "unit_organization_id"})
    unit_organization = org(payload.unit_organization_id, "unit_organization")
    return 201, inspector_create(
        actor=request.user,
        authority=authority,
        records=records,
        relatives=relatives,
        unit_organization=unit_organization,
        **fields,
    )


class MemberOut(Schema):
    id: int
    inspector_id: int
    name: str
    role: str
    duty: str
    conflicts: list[dict]
    decision_reason: str

    @staticmethod
    def resolve_name(obj):
        return obj.inspector.name


class TeamOut(Schema):
    id: int
    round_id: int
    name: str
    duty_phone: str
    mailbox: str
    email: str
    inspection_ids: list[int]
    members: list[MemberOut]

    @staticmethod
    def resolve_inspection_ids(obj):
        return sorted(i.pk for i in obj.inspections.all())

    @staticmethod
    def resolve_members(obj):
        return list(obj.members.all())


class TeamPage(Schema):
    items: list[TeamOut]
    count: int


class TeamIn(Schema):
    round_id: int
    name: str
    duty_phone: str = ""
    mailbox: str = ""
    email: str = ""


class TeamPatch(PatchIn):
    duty_phone: str | None = None
    mailbox: str | None = None
    email: str | None = None


def _redact(teams, user):
    """Conflict details come from the pool's personal data: only the office reads them."""
    office = set(access.authorities_for(user, "change", Team))
    for team in teams:
        if team.authority_id not in office:
            for m in team.members.all():
                m.conflicts = [{"rule": "decided", "reason": "经研究同意"}] if m.conflicts else []
                m.decision_reason = ""
    return teams


def _teams(user):
    return teams_for(user=user).prefetch_related(
        "inspections", Prefetch("members", queryset=TeamMember.objects.select_related("inspector"))
    )


@teams.get("", response=TeamPage)
def team_list(request, limit: int = 50, offset: int = 0):
    result = page(_teams(request.user), search=None, fields=(), limit=limit, offset=offset)
    _redact(result["items"], request.user)
    return result


@teams.post("", response={201: TeamOut})
def team_post(request, payload: TeamIn):
    rnd = get_object_or_404(rounds_for(user=request.user), pk=payload.round_id)
    contacts = payload.dict(include=set(CONTACT_FIELDS))
    with transaction.atomic():
        team = team_create(actor=request.user, round=rnd, name=payload.name)
        if any(contacts.values()):
            team_update(actor=request.user, team=team, **contacts)
    return 201, _team(request.user, team.pk)


@teams.patch("/{int:team_id}", response=TeamOut)
def team_patch(request, team_id: int, payload: TeamPatch):
    """Change the team's contacts (duty phone, mailbox, email) printed on the notices."""
    team = get_object_or_404(teams_for(user=request.user), pk=team_id)
    team_update(actor=request.user, team=team, **payload.dict(exclude_none=True))
    return _team(request.user, team.pk)


def _team(user, pk):
    team = get_object_or_404(_teams(user), pk=pk)
    return _redact([team], user)[0]


class MemberIn(Schema):
    inspector_id: int
    role: str = "member"
    decision_reason: str = ""
    duty: str = ""


class ConflictOut(Schema):
    detail: str
    code: str
    conflicts: list[dict]


@teams.post("/{int:team_id}/members", response={201: MemberOut, 409: ConflictOut})
def team_member_post(request, team_id: int, payload: MemberIn):
    """Add a person; answers 409 with the conflicts found unless ``decision_reason`` records the office's decision."""
    team = get_object_or_404(teams_for(user=request.user), pk=team_id)
    if team.authority_id not in access.authorities_for(request.user, "change", Team):
        raise PermissionDenied
    inspector = inspectors_for(user=request.user).filter(pk=payload.inspector_id).first()
    if inspector is None:
        raise ValidationError({"inspector_id": [ValidationError("人才库中没有此人。", code="unknown_reference")]})
    try:
        member = team_member_add(
            actor=request.user,
            team=team,
            inspector=inspector,
            role=payload.role,
            decision_reason=payload.decision_reason,
            duty=payload.duty,
        )
    except ConflictsFound as e:
        return 409, {
            "detail": "发现需要回避的情形：须由巡察办研究决定并填写理由后方可加入。",
            "code": "conflict_of_interest",
            "conflicts": [c.as_dict() for c in e.conflicts],
        }
    return 201, member


class RemoveIn(Schema):
    reason: str


@teams.post("/{int:team_id}/members/{int:member_id}/remove", response={204: None})
def team_member_remove_post(request, team_id: int, member_id: int, payload: RemoveIn):
    """Take a member off the team (调出), with the reason; their roles on its inspections end."""
    team = get_object_or_404(teams_for(user=request.user), pk=team_id)
    member = get_object_or_404(team.members.select_related("inspector__user"), pk=member_id)
    team_member_remove(actor=request.user, member=member, reason=payload.reason)
    return 204, None
