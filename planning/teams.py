"""Teams (巡察组): who serves, in which role, and the conflict-of-interest gate.

Adding a person runs ``conflict_check`` against every organisation the team
inspects. A conflict blocks the assignment (``ConflictsFound``) unless the
office records a decision with reasons; the conflicts and the decision stay on
the membership. Nobody serves on two teams whose on-site periods overlap: that
is not overridable. Members with an account get the matching team role on each
of the team's inspections (the scopes of core.access).
"""

from __future__ import annotations

import dataclasses
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, IntegerField, Prefetch, Value, When
from django.utils import timezone

from core import access
from core.audit import audit_record
from core.models import RoleAssignment
from core.services import role_assign, role_revoke
from planning.conflicts import Conflict, conflict_check
from planning.models import Inspection, Inspector, Round, Team, TeamMember

ROLE_GRANTS: dict[str, str] = {
    TeamMember.Role.LEADER: access.TEAM_LEADER,
    TeamMember.Role.DEPUTY: access.TEAM_DEPUTY,
    TeamMember.Role.LIAISON: access.TEAM_LIAISON,
    TeamMember.Role.MEMBER: access.TEAM_MEMBER,
}
ROLE_LIMITS: dict[str, int] = {TeamMember.Role.LEADER: 1, TeamMember.Role.DEPUTY: 2, TeamMember.Role.LIAISON: 1}


def role_order() -> Case:
    """Members in the order a team is listed: 组长, 副组长, 联络员, then 成员 (``order_by(role_order(), "id")``)."""
    return Case(
        *[When(role=role, then=Value(i)) for i, role in enumerate(TeamMember.Role.values)],
        default=Value(len(TeamMember.Role.values)),
        output_field=IntegerField(),
    )


class ConflictsFound(Exception):
    """The person has conflicts with the team's organisations; the office must decide."""

    def __init__(self, conflicts: list[Conflict]):
        super().__init__("; ".join(c.reason for c in conflicts))
        self.conflicts = conflicts


def team_create(*, actor, round: Round, name: str) -> Team:
    access.check_authority(actor, "change", Team, round.authority)
    name = name.strip()
    if not name:
        raise ValidationError({"name": ["请填写巡察组名称。"]})
    if Team.objects.filter(round=round, name=name).exists():
        raise ValidationError({"name": [ValidationError(f"本轮已有“{name}”。", code="duplicate")]})
    team = Team(authority=round.authority, round=round, name=name)
    team.full_clean(validate_constraints=False)
    with transaction.atomic():
        team.save()
        audit_record(actor=actor, action="team.create", obj=team)
    return team


CONTACT_FIELDS = ("duty_phone", "mailbox", "email")


def team_update(*, actor, team: Team, **values) -> Team:
    """The team's contacts for the public notice and the entry notice (值班电话、邮政信箱、电子邮箱)."""
    access.check_authority(actor, "change", Team, team.authority)
    before = {f: getattr(team, f) for f in CONTACT_FIELDS}
    for field, value in values.items():
        if field in CONTACT_FIELDS:
            setattr(team, field, (value or "").strip())
    team.full_clean(validate_constraints=False)
    changes = {f: [before[f], getattr(team, f)] for f in CONTACT_FIELDS if before[f] != getattr(team, f)}
    with transaction.atomic():
        team.save(update_fields=list(CONTACT_FIELDS))
        audit_record(actor=actor, action="team.update", obj=team, detail={"changes": changes})
    return team


def _periods_overlap(a: Round, b: Round) -> bool:
    if not (a.entry_on and a.onsite_end_on and b.entry_on and b.onsite_end_on):
        return a.pk == b.pk
    return a.entry_on <= b.onsite_end_on and b.entry_on <= a.onsite_end_on


@dataclasses.dataclass
class Candidates:
    """The pool as the 加入人员 choice offers it: who may join, who may join only with the
    office's recorded decision (their conflicts), and who is refused outright (with why)."""

    eligible: list[Inspector] = dataclasses.field(default_factory=list)
    conflicted: list[tuple[Inspector, list[Conflict]]] = dataclasses.field(default_factory=list)
    refused: list[tuple[Inspector, str]] = dataclasses.field(default_factory=list)


def team_candidates(*, team: Team, inspectors, on: datetime.date | None = None) -> Candidates:
    """Sort ``inspectors`` (the pool the user may see) by the rules ``team_member_add`` applies:
    already on the team or on another team whose on-site period overlaps (refused), a conflict
    with one of the team's organisations (the office must decide), or free to join."""
    on = on or timezone.localdate()
    people = inspectors.filter(authority_id=team.authority_id).prefetch_related(
        "records",
        "relatives",
        "declarations",
        Prefetch("memberships", queryset=TeamMember.objects.select_related("team__round__term")),
    )
    organizations = [i.organization for i in team.inspections.select_related("organization")]
    cache: dict = {}
    out = Candidates()
    for person in people:
        others = [m.team for m in person.memberships.all() if m.team_id != team.pk]
        if any(m.team_id == team.pk for m in person.memberships.all()):
            out.refused.append((person, "已在本组"))
        elif busy := next((t for t in others if _periods_overlap(t.round, team.round)), None):
            out.refused.append((person, f"已在{busy}，进驻时间与本组重叠"))
        elif conflicts := [c for org in organizations for c in conflict_check(person, org, on, cache=cache)]:
            out.conflicted.append((person, conflicts))
        else:
            out.eligible.append(person)
    return out


def team_member_add(
    *,
    actor,
    team: Team,
    inspector: Inspector,
    role: str,
    decision_reason: str = "",
    duty: str = "",
    on: datetime.date | None = None,
) -> TeamMember:
    """Put ``inspector`` on ``team`` as ``role``.

    Raises ``ValidationError`` (role limits, already on the team, another team in an
    overlapping on-site period) and ``ConflictsFound`` when a conflict exists and no
    ``decision_reason`` is given.
    """
    access.check_authority(actor, "change", Team, team.authority)
    if inspector.authority_id != team.authority_id:
        raise ValidationError(
            {"inspector": [ValidationError("该人员不在本机构的人才库中。", code="unknown_reference")]}
        )
    if role not in TeamMember.Role.values:
        raise ValidationError({"role": [ValidationError("未知的组内职务。", code="unknown_choice")]})
    if team.members.filter(inspector=inspector).exists():
        raise ValidationError({"inspector": [ValidationError(f"{inspector.name}已在本组。", code="duplicate")]})
    limit = ROLE_LIMITS.get(role)
    if limit and team.members.filter(role=role).count() >= limit:
        raise ValidationError(
            {"role": [ValidationError(f"每组只能有 {limit} 名{TeamMember.Role(role).label}。", code="limit_reached")]}
        )
    for other in inspector.memberships.exclude(team=team).select_related("team__round"):
        if _periods_overlap(other.team.round, team.round):
            raise ValidationError(
                {
                    "inspector": [
                        ValidationError(
                            f"{inspector.name}已在{other.team}，进驻时间与本组重叠，不能同时参加两个巡察组。",
                            code="schedule_conflict",
                        )
                    ]
                }
            )
    on = on or timezone.localdate()
    conflicts: list[Conflict] = []
    for inspection in team.inspections.select_related("organization"):
        conflicts += conflict_check(inspector, inspection.organization, on)
    decision_reason = decision_reason.strip()
    if conflicts and not decision_reason:
        raise ConflictsFound(conflicts)
    with transaction.atomic():
        member = TeamMember.objects.create(
            team=team,
            inspector=inspector,
            role=role,
            duty=duty.strip()[:200],
            conflicts=[c.as_dict() for c in conflicts],
            decision_reason=decision_reason if conflicts else "",
            decided_by=actor if conflicts else None,
        )
        _grant(member, list(team.inspections.all()))
        audit_record(
            actor=actor,
            action="team.member_add",
            obj=team,
            detail={
                "inspector": inspector.name,
                "role": role,
                "conflicts": [c.reason for c in conflicts],
                "decision_reason": member.decision_reason,
            },
        )
    return member


def team_member_remove(*, actor, member: TeamMember, reason: str) -> None:
    """Take ``member`` off the team (调出), with the reason; their roles on its inspections end."""
    team = member.team
    access.check_authority(actor, "change", Team, team.authority)
    if not reason.strip():
        raise ValidationError({"reason": ["请填写调出理由。"]})
    with transaction.atomic():
        user = member.inspector.user
        if user is not None:
            for assignment in RoleAssignment.objects.filter(
                user=user,
                role__in=[ROLE_GRANTS[member.role], access.TEAM_INTAKE],  # intake ends with the membership
                authority_id=team.authority_id,
                scope_id__in=list(team.inspections.values_list("pk", flat=True)),
            ).select_related("authority", "user"):
                role_revoke(actor=None, assignment=assignment)  # follows the membership, like the grant
        audit_record(
            actor=actor,
            action="team.member_remove",
            obj=team,
            detail={"inspector": member.inspector.name, "role": member.role, "reason": reason.strip()},
        )
        member.delete()


def inspection_assign_team(
    *, actor, inspection: Inspection, team: Team, decision_reason: str = "", on: datetime.date | None = None
) -> Inspection:
    """Give ``inspection`` to ``team`` (of the same round); its members get their roles on it.

    The members are checked against the new organisation as when they joined: a conflict
    raises ``ConflictsFound`` unless ``decision_reason`` is given, and is then recorded on
    the membership. An inspection already given to another team is not moved.
    """
    access.check_authority(actor, "change", Team, team.authority)
    if team.round_id != inspection.round_id:
        raise ValidationError({"team": [ValidationError("巡察组须属于同一轮次。", code="unknown_reference")]})
    if inspection.team_id and inspection.team_id != team.pk:
        assert inspection.team is not None  # team_id is set
        raise ValidationError(
            {
                "team": [
                    ValidationError(
                        f"{inspection.organization.name}已由{inspection.team.name}巡察，不能再分给其他组。",
                        code="duplicate",
                    )
                ]
            }
        )
    on = on or timezone.localdate()
    members = list(team.members.select_related("inspector__user"))
    found = {m.pk: conflict_check(m.inspector, inspection.organization, on) for m in members}
    if any(found.values()) and not decision_reason.strip():
        raise ConflictsFound([c for cs in found.values() for c in cs])
    with transaction.atomic():
        inspection.team = team
        inspection.save(update_fields=["team"])
        for member in members:
            if found[member.pk]:
                member.conflicts = member.conflicts + [c.as_dict() for c in found[member.pk]]
                member.decision_reason = "；".join(filter(None, [member.decision_reason, decision_reason.strip()]))
                member.decided_by = actor
                member.save(update_fields=["conflicts", "decision_reason", "decided_by"])
            _grant(member, [inspection])
        audit_record(actor=actor, action="inspection.assign_team", obj=inspection, detail={"team": team.name})
    return inspection


def _grant(member: TeamMember, inspections: list[Inspection]) -> None:
    user = member.inspector.user
    if user is None:
        return
    role = ROLE_GRANTS[member.role]
    for inspection in inspections:
        exists = RoleAssignment.objects.filter(
            user=user, role=role, authority_id=inspection.authority_id, scope_id=inspection.pk
        ).exists()
        if not exists:
            role_assign(actor=None, user=user, role=role, authority=inspection.authority, scope_id=inspection.pk)
