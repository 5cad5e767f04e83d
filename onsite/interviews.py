"""Individual talks (个别谈话): the plan of whom to talk to, and the record of each talk.

A talk is planned (category, name, post, planned date), then held and recorded: when,
where, by at least two members of the inspection's team, with notes and attachments.
The plan can be filled from the registry's current leaders of the inspected organisation.
Notes are read only by the team and the office (the step ``interview.read_notes`` of ``core.access``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, Prefetch, Q, Value, When
from django.utils import timezone

from core import access
from core.audit import audit_record
from onsite.fieldwork import attachments_check, attachments_store, inspection_check_open
from onsite.models import Interview
from planning.models import Inspection, TeamMember
from registry.models import OrganizationLeader

MIN_INTERVIEWERS = 2


def interviews_for(*, user, inspection: Inspection | None = None):
    """Talks the user may see, with their interviewers and attachments at hand."""
    qs = Interview.objects.select_related("inspection__organization").prefetch_related(
        Prefetch("interviewers", queryset=TeamMember.objects.select_related("inspector").order_by("id")),
        "attachments",
    )
    if inspection is not None:
        qs = qs.filter(inspection=inspection)
    return access.restrict(qs, user, "view")


def team_members_of(inspection: Inspection):
    """Who may be named as interviewer: the members of the inspection's team."""
    if inspection.team_id is None:
        return TeamMember.objects.none()
    rank = Case(
        *(When(role=role, then=Value(i)) for i, role in enumerate(TeamMember.Role.values)),
        default=Value(len(TeamMember.Role.values)),
    )
    qs = TeamMember.objects.filter(team_id=inspection.team_id).select_related("inspector")
    return qs.annotate(rank=rank).order_by("rank", "id")


def interviewers_by_ids(inspection: Inspection, ids) -> list[TeamMember]:
    """The members of the inspection's team that ``ids`` names (for the API); an id of anyone
    else raises ``ValidationError`` on ``interviewer_ids``."""
    wanted = list(dict.fromkeys(ids or ()))
    found = list(team_members_of(inspection).filter(pk__in=wanted))
    if len(found) != len(wanted):
        raise ValidationError(
            {"interviewer_ids": [ValidationError("谈话人须为本巡察组成员。", code="unknown_reference")]}
        )
    return found


def _plan_errors(interviewee: str, post: str, category: str) -> dict:
    errors: dict[str, list] = {}  # messages or ValidationErrors, by field
    if not interviewee:
        errors["interviewee"] = ["请填写谈话对象姓名。"]
    elif len(interviewee) > 50:
        errors["interviewee"] = ["姓名不超过 50 个字。"]
    if len(post) > 100:
        errors["post"] = ["职务不超过 100 个字。"]
    if category not in Interview.Category.values:
        errors["category"] = ["请选择谈话对象类别。"]
    return errors


def interview_create(
    *,
    actor,
    inspection: Inspection,
    interviewee: str,
    category: str,
    post: str = "",
    planned_on: datetime.date | None = None,
) -> Interview:
    """Put a person on the talk plan of ``inspection``. The team or the office only."""
    inspection_check_open(actor=actor, inspection=inspection)
    interviewee, post = (interviewee or "").strip(), (post or "").strip()
    if errors := _plan_errors(interviewee, post, category):
        raise ValidationError(errors)
    with transaction.atomic():
        interview = Interview.objects.create(
            authority_id=inspection.authority_id,
            inspection=inspection,
            interviewee=interviewee,
            post=post,
            category=category,
            planned_on=planned_on,
            created_by=actor,
        )
        audit_record(
            actor=actor,
            action="interview.create",
            obj=interview,
            authority=inspection.authority,
            detail={"interviewee": interviewee, "post": post, "category": category, "planned_on": planned_on},
        )
    return interview


def current_leaders(inspection: Inspection, on: datetime.date | None = None):
    """The inspected organisation's leaders in post on ``on`` (today): no end date, or one not yet passed."""
    on = on or timezone.localdate()
    return (
        OrganizationLeader.objects.filter(organization_id=inspection.organization_id, start_on__lte=on)
        .filter(Q(end_on__isnull=True) | Q(end_on__gte=on))
        .order_by("start_on", "pk")
    )


@dataclass
class PlanResult:
    created: list[Interview]
    skipped: list[str]  # names already on the plan


def interviews_plan_from_leaders(
    *, actor, inspection: Inspection, on: datetime.date | None = None, planned_on: datetime.date | None = None
) -> PlanResult:
    """Add a planned talk (category leadership) for each current leader of the inspected
    organisation who is not on the plan yet (matched by name).

    Raises ``ValidationError`` when the registry names no current leader.
    """
    inspection_check_open(actor=actor, inspection=inspection)
    leaders = list(current_leaders(inspection, on))
    if not leaders:
        raise ValidationError(
            {
                "leaders": [
                    ValidationError(
                        "党组织名册中没有该单位现任领导班子成员的记录，请先在名册中维护，或逐个添加谈话对象。",
                        code="missing_prerequisite",
                    )
                ]
            }
        )
    planned = set(Interview.objects.filter(inspection=inspection).values_list("interviewee", flat=True))
    result = PlanResult(created=[], skipped=[])
    with transaction.atomic():
        for leader in leaders:
            name = leader.name.strip()
            if name in planned:
                result.skipped.append(name)
                continue
            planned.add(name)
            interview = Interview.objects.create(
                authority_id=inspection.authority_id,
                inspection=inspection,
                interviewee=name,
                post=leader.post,
                category=Interview.Category.LEADERSHIP,
                planned_on=planned_on,
                created_by=actor,
            )
            audit_record(
                actor=actor,
                action="interview.create",
                obj=interview,
                authority=inspection.authority,
                detail={"interviewee": name, "post": leader.post, "category": interview.category, "via": "leaders"},
            )
            result.created.append(interview)
    return result


def interview_record(
    *,
    actor,
    interview: Interview,
    held_at: datetime.datetime | None,
    interviewers,
    place: str = "",
    notes: str = "",
    attachments=(),
    uploads=(),
) -> Interview:
    """Record that the talk was held (or correct the record): when, where, by whom, the notes.

    ``interviewers`` are ``TeamMember`` of the inspection's team, at least two.
    ``attachments`` are stored ``Attachment`` of the same inspection; ``uploads`` are files
    stored here (``onsite.attachments``), all or none. A record needs notes or an attachment.
    """
    inspection = interview.inspection
    inspection_check_open(actor=actor, inspection=inspection)
    place, notes = (place or "").strip(), (notes or "").strip()
    members = list(dict.fromkeys(interviewers or ()))
    attachments, uploads = list(attachments), list(uploads)
    if held_at is not None and timezone.is_naive(held_at):
        held_at = timezone.make_aware(held_at)
    errors: dict[str, list] = {}  # messages or ValidationErrors, by field
    if held_at is None:
        errors["held_at"] = ["请填写谈话时间。"]
    elif held_at > timezone.now() + datetime.timedelta(minutes=5):
        errors["held_at"] = [ValidationError("谈话时间不能晚于现在。", code="out_of_scope_date")]
    if len(place) > 100:
        errors["place"] = ["地点不超过 100 个字。"]
    if inspection.team_id is None:
        errors["interviewers"] = [ValidationError("本巡察尚未分配巡察组，不能记录谈话。", code="missing_prerequisite")]
    elif any(m.team_id != inspection.team_id for m in members):
        errors["interviewers"] = [ValidationError("谈话人须为本巡察组成员。", code="unknown_reference")]
    elif len(members) < MIN_INTERVIEWERS:
        errors["interviewers"] = [f"个别谈话须由至少 {MIN_INTERVIEWERS} 名巡察组成员进行，请选择谈话人。"]
    if not notes and not attachments and not uploads and not interview.notes and not interview.attachments.exists():
        errors["notes"] = ["请填写谈话记录，或上传谈话记录附件。"]
    if errors:
        raise ValidationError(errors)
    attachments_check(inspection, attachments)
    first = interview.held_at is None
    with transaction.atomic():
        stored = attachments_store(actor=actor, inspection=inspection, uploads=uploads)
        interview.held_at, interview.place = held_at, place
        if notes:
            interview.notes = notes
        interview.save(update_fields=["held_at", "place", "notes"])
        interview.interviewers.set(members)
        if attachments or stored:
            interview.attachments.add(*attachments, *stored)
        audit_record(
            actor=actor,
            action="interview.record" if first else "interview.record_update",
            obj=interview,
            authority=inspection.authority,
            detail={
                "interviewee": interview.interviewee,
                "held_at": held_at,
                "place": place,
                "interviewers": [m.inspector.name for m in members],
                "attachments": [a.name for a in [*attachments, *stored]],
            },
        )
    return interview


def interview_notes_read(*, user, interview: Interview) -> str | None:
    """The talk's notes for ``user``, or None for those who may not read them (the leading
    group, the city). Reading recorded notes is audited."""
    if not access.may(user, "interview.read_notes", interview.inspection):
        return None
    if interview.notes:
        audit_record(actor=user, action="interview.read", obj=interview, authority=interview.inspection.authority)
    return interview.notes


@dataclass
class CategoryCount:
    category: str
    label: str
    planned: int
    held: int

    @property
    def pending(self) -> int:
        return self.planned - self.held


def interview_summary(inspection_interviews) -> tuple[list[CategoryCount], list[Interview]]:
    """Counts per category (planned, held, still to talk) and who is still to be talked to.

    ``inspection_interviews`` is the (already visible) talks of one inspection."""
    counts = {c: CategoryCount(c, label, 0, 0) for c, label in Interview.Category.choices}
    pending: list[Interview] = []
    for interview in inspection_interviews:
        row = counts[interview.category]
        row.planned += 1
        if interview.held:
            row.held += 1
        else:
            pending.append(interview)
    order = list(Interview.Category.values)
    pending.sort(key=lambda i: (order.index(i.category), i.planned_on or datetime.date.max, i.pk))
    return list(counts.values()), pending
