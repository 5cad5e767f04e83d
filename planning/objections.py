"""The inspected unit's objections to team members (申请回避), and the office's answer.

The unit's liaison sees who will inspect the unit (as the entry notice tells it)
and may object to a member, with reasons, until the on-site work is over. The
office answers: it upholds the objection, which takes the member off the team,
or dismisses it with its reasons. Both are on the record.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone

from core import access
from core.audit import audit_record
from planning.models import Inspection, MemberObjection, TeamMember
from planning.teams import role_order, team_member_remove

OPEN_STAGES = (Inspection.Stage.PREPARATION, Inspection.Stage.ONSITE)


def rosters_for_unit(*, user):
    """Inspections of the organisations the user is liaison of, with their teams, while objections are open."""
    ids = access.scope_ids(user, access.UNIT_LIAISON)
    members = TeamMember.objects.select_related("inspector").order_by(role_order(), "id")
    return (
        Inspection.objects.filter(organization_id__in=ids, stage__in=OPEN_STAGES, team__isnull=False)
        .select_related("round__term", "organization", "team")
        .prefetch_related(Prefetch("team__members", queryset=members))
        .order_by("-round__term__start_on", "-round__number")
    )


def objections_for(*, user):
    return access.restrict(
        MemberObjection.objects.select_related("inspection__round__term", "inspection__organization", "member"),
        user,
        "view",
    )


def member_objection_raise(*, actor, inspection: Inspection, member: TeamMember, reason: str) -> MemberObjection:
    """The unit's liaison objects to ``member`` of the team inspecting the unit."""
    if not access.may(actor, "objection.raise", inspection):
        raise Http404
    reason = reason.strip()
    errors: dict[str, list] = {}  # messages or ValidationErrors, by field
    if inspection.stage not in OPEN_STAGES:
        errors["inspection"] = [ValidationError("进驻工作结束后不能再提出回避意见。", code="not_editable")]
    if member.team_id is None or member.team_id != inspection.team_id:
        errors["member"] = [ValidationError("所选人员不是本单位巡察组的成员。", code="unknown_reference")]
    if not reason:
        errors["reason"] = ["请写明申请回避的理由。"]
    elif len(reason) > 500:
        errors["reason"] = ["理由不超过 500 字。"]
    if (
        not errors
        and MemberObjection.objects.filter(
            inspection=inspection, member=member, status=MemberObjection.Status.OPEN
        ).exists()
    ):
        errors["member"] = [
            ValidationError(f"已对{member.inspector.name}提出回避意见，正在等待巡察办处理。", code="duplicate")
        ]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        objection = MemberObjection.objects.create(
            inspection=inspection, member=member, member_name=member.inspector.name, reason=reason, raised_by=actor
        )
        audit_record(
            actor=actor,
            action="objection.raise",
            obj=objection,
            authority=inspection.authority,
            detail={"member": member.inspector.name, "reason": reason},
        )
    return objection


def objections_mark_decidable(*, user, objections) -> None:
    """Set ``may_decide`` on each of ``objections``: whether ``user`` may answer it now (the
    office of its authority, while it is open). For the list's buttons, without a query per
    row; ``member_objection_decide`` checks again."""
    deciding = access.step_authorities(user, "objection.decide")
    for o in objections:
        o.may_decide = o.status == MemberObjection.Status.OPEN and o.inspection.authority_id in deciding


def member_objection_decide(*, actor, objection: MemberObjection, uphold: bool, answer: str) -> MemberObjection:
    """The office answers an objection; upholding it takes the member off the team."""
    access.require(actor, "objection.decide", objection)
    answer = answer.strip()
    if objection.status != MemberObjection.Status.OPEN:
        raise ValidationError({"status": [ValidationError("该回避意见已处理。", code="not_editable")]})
    if not answer:
        raise ValidationError({"answer": ["请填写处理意见。"]})
    with transaction.atomic():
        locked = MemberObjection.objects.select_for_update().get(pk=objection.pk)
        if locked.status != MemberObjection.Status.OPEN:
            raise ValidationError({"status": [ValidationError("该回避意见已处理。", code="not_editable")]})
        if uphold and objection.member is not None:
            team_member_remove(actor=actor, member=objection.member, reason=f"被巡察单位申请回避：{objection.reason}")
            objection.member = None  # the membership is gone; the name stays on the objection
        objection.status = MemberObjection.Status.UPHELD if uphold else MemberObjection.Status.DISMISSED
        objection.answer = answer
        objection.decided_by = actor
        objection.decided_at = timezone.now()
        objection.save(update_fields=["member", "status", "answer", "decided_by", "decided_at"])
        audit_record(
            actor=actor,
            action="objection.decide",
            obj=objection,
            authority=objection.inspection.authority,
            detail={"status": objection.status, "answer": answer, "member": objection.member_name},
        )
    return objection


def todos_for(user) -> list:
    """Open objections, for the office that must answer them."""
    from django.urls import reverse

    from core.workbench import Todo

    if not access.may_somewhere(user, "objection.decide"):
        return []
    qs = access.restrict(MemberObjection.objects.filter(status=MemberObjection.Status.OPEN), user, "change")
    qs = qs.select_related("inspection__organization")
    url = reverse("planning:objections")
    return [
        Todo(f"{o.inspection.organization.name}对{o.member_name}提出回避意见，待处理", url, None, "回避") for o in qs
    ]
