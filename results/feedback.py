"""Feedback to the inspected unit (反馈, 双反馈), the matters left out of its public version,
and the unit's acknowledgement, after which the unit's liaison reads the findings.

- The office issues the feedback of an inspection once its report is approved
  (``feedback_issue``): one ``Feedback`` per inspection, with its date.
- The office marks findings to leave out of public versions (``finding_exclusion_set``:
  涉密, 正在查办, 敏感事项); the flag also serves the rectification's public report.
- The unit's liaison acknowledges receipt once, with the date and the name of the unit's
  head who signed (``feedback_acknowledge``). From then on the access rule on ``Finding``
  lets the liaison read that inspection's findings, and nothing else of it
  (``unit_findings_for``).

Every write checks access first (``Http404`` out of sight, ``PermissionDenied`` seen but
not allowed), raises ``ValidationError`` with Chinese messages by field, and writes its
audit event in the same transaction. The documents are in ``results.feedback_documents``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core import access
from core.audit import audit_record
from onsite.models import Exclusion, Finding
from planning.models import Inspection
from planning.stages import add_months, deadline_settings_for
from results.models import Feedback, InspectionReport, ReportDecision, Step

NAME_MAX = 50  # Feedback.acknowledged_name


# Reads ---------------------------------------------------------------------------------


def feedback_for(*, user):
    """Feedback the user may see: the office's and the team's, and the unit's own."""
    qs = Feedback.objects.select_related(
        "inspection__round__term", "inspection__organization", "inspection__team", "issued_by", "acknowledged_by"
    )
    return access.restrict(qs, user, "view")


def feedback_of(*, user, inspection: Inspection) -> Feedback | None:
    return feedback_for(user=user).filter(inspection=inspection).first()


def findings_for_feedback(*, user, inspection: Inspection):
    """The inspection's findings the user may see, with their focus area (and its parents) joined."""
    qs = Finding.objects.filter(inspection=inspection).select_related(
        "focus_area__parent__parent", "focus_area__taxonomy"
    )
    return access.restrict(qs, user, "view").order_by("id")


def unit_feedback_for(*, user):
    """Feedback addressed to the organisations the user is liaison of (the unit's own page)."""
    ids = access.scope_ids(user, access.UNIT_LIAISON)
    return feedback_for(user=user).filter(inspection__organization_id__in=ids).order_by("-issued_on", "-id")


def unit_findings_for(*, user):
    """Findings the unit's liaison reads: those of their own organisations' inspections whose
    feedback they acknowledged. Pages and answers show the unit only the title, the
    description, the focus area and the severity: never the people, amounts or evidence."""
    ids = access.scope_ids(user, access.UNIT_LIAISON)
    qs = Finding.objects.filter(
        inspection__organization_id__in=ids, inspection__feedback__acknowledged_at__isnull=False
    ).select_related("focus_area__parent__parent")
    return access.restrict(qs, user, "view").order_by("inspection_id", "id")


def report_of(inspection: Inspection) -> InspectionReport | None:
    return InspectionReport.objects.filter(inspection=inspection).first()


def issue_blocker(inspection: Inspection) -> str | None:
    """Why the feedback of ``inspection`` cannot be issued yet, in Chinese; None when it can."""
    report = report_of(inspection)
    if report is None:
        return "该巡察尚未形成巡察报告，巡察报告经审定后才能反馈。"
    if report.status != InspectionReport.Status.APPROVED:
        return f"巡察报告尚未审定（当前：{report.get_status_display()}），审定后才能反馈。"
    return None


def approved_on(inspection: Inspection) -> datetime.date | None:
    """The date of the meeting that last approved the report (the secretary's, normally)."""
    decision = (
        ReportDecision.objects.filter(report__inspection=inspection, decision=ReportDecision.Decision.APPROVED)
        .order_by("-decided_on", "-id")
        .first()
    )
    return decision.decided_on if decision else None


def secretary_meeting_on(inspection: Inspection) -> datetime.date | None:
    decision = (
        ReportDecision.objects.filter(
            report__inspection=inspection, step=Step.SECRETARY, decision=ReportDecision.Decision.APPROVED
        )
        .order_by("-decided_on", "-id")
        .first()
    )
    return decision.decided_on if decision else None


@dataclass(frozen=True)
class RectificationDue:
    plan_months: int
    plan_on: datetime.date
    report_months: int
    report_on: datetime.date


def rectification_due(feedback: Feedback) -> RectificationDue:
    """When the unit owes its rectification plan and report, counted from the feedback
    (the office's deadline settings, planning.stages)."""
    settings = deadline_settings_for(feedback.inspection.authority_id)
    plan, report = settings.plan_months_after_feedback, settings.rectification_report_months_after_feedback
    return RectificationDue(plan, add_months(feedback.issued_on, plan), report, add_months(feedback.issued_on, report))


# Writes --------------------------------------------------------------------------------


def feedback_issue(*, actor, inspection: Inspection, issued_on: datetime.date | None) -> Feedback:
    """The office issues the feedback of ``inspection`` on ``issued_on``; once per inspection.

    Raises ``Http404`` if the actor cannot see the inspection, ``PermissionDenied`` unless
    they are its authority's office, ``ValidationError`` when the report is not approved,
    the feedback was already issued, or the date is missing, in the future or before the
    report's approval.
    """
    access.check(actor, "view", inspection)
    access.check_authority(actor, "change", Feedback, inspection.authority)
    errors: dict[str, list] = {}  # messages or ValidationErrors, by field
    if blocker := issue_blocker(inspection):
        errors["inspection"] = [ValidationError(blocker, code="stage_order")]
    today = timezone.localdate()
    if issued_on is None:
        errors["issued_on"] = ["请填写反馈日期。"]
    elif issued_on > today:
        errors["issued_on"] = [ValidationError("反馈日期不能晚于今天。", code="out_of_scope_date")]
    elif (approved := approved_on(inspection)) and issued_on < approved:
        errors["issued_on"] = [
            ValidationError(f"反馈日期不能早于巡察报告审定日期（{approved:%Y-%m-%d}）。", code="out_of_scope_date")
        ]
    if errors:
        raise ValidationError(errors)
    assert issued_on is not None  # a missing date is one of the errors raised above
    with transaction.atomic():
        Inspection.objects.select_for_update().get(pk=inspection.pk)  # one issuer at a time
        done = Feedback.objects.filter(inspection=inspection).first()
        if done is not None:
            raise ValidationError(
                {
                    "inspection": [
                        ValidationError(f"该巡察已于{done.issued_on:%Y-%m-%d}反馈，不能重复反馈。", code="duplicate")
                    ]
                }
            )
        try:
            with transaction.atomic():
                feedback = Feedback.objects.create(
                    authority_id=inspection.authority_id, inspection=inspection, issued_on=issued_on, issued_by=actor
                )
        except IntegrityError as e:  # another issuer won the race past the lock (databases without row locks)
            raise ValidationError(
                {"inspection": [ValidationError("该巡察已反馈，不能重复反馈。", code="duplicate")]}
            ) from e
        # The feedback documents take their numbers now, dated the feedback's day (refused,
        # with nothing saved, if the team's register has a later-dated number already).
        from results.feedback_documents import feedback_numbers_issue  # it reads this module

        feedback_numbers_issue(actor=actor, feedback=feedback)
        audit_record(
            actor=actor,
            action="feedback.issue",
            obj=feedback,
            authority=inspection.authority,
            detail={"inspection": inspection.pk, "organization": inspection.organization.name, "issued_on": issued_on},
        )
    return feedback


def finding_exclusion_set(*, actor, finding: Finding, excluded: str) -> Finding:
    """The office leaves ``finding`` out of public versions (``excluded`` one of
    ``Exclusion``: 涉密, 正在查办, 敏感事项) or, with ``""``, puts it back in.

    ``Http404`` if the actor cannot see the finding, ``PermissionDenied`` unless they are
    the office of its authority, ``ValidationError`` for any other value.
    """
    access.require(actor, "feedback.issue", finding)
    excluded = (excluded or "").strip()
    if excluded and excluded not in Exclusion.values:
        raise ValidationError(
            {"excluded": [ValidationError("不予公开的理由只能是涉密、正在查办或敏感事项。", code="unknown_choice")]}
        )
    with transaction.atomic():
        locked = Finding.objects.select_for_update().get(pk=finding.pk)
        before = locked.excluded
        if before == excluded:
            finding.excluded = excluded
            return finding
        locked.excluded = excluded
        locked.save(update_fields=["excluded"])
        audit_record(
            actor=actor,
            action="finding.exclusion_set",
            obj=locked,
            detail={"title": locked.title, "from": before, "to": excluded},
        )
    finding.excluded = excluded
    return finding


def feedback_acknowledge(
    *, actor, feedback: Feedback, acknowledged_on: datetime.date | None, acknowledged_name: str
) -> Feedback:
    """The unit's liaison records that the unit's head signed for the feedback; once only.

    From then on the liaison reads the inspection's findings. ``Http404`` if the actor cannot
    see the feedback, ``PermissionDenied`` unless they are the liaison of the inspected
    organisation, ``ValidationError`` for a second acknowledgement, a missing name, or a date
    missing, before the feedback or in the future.
    """
    access.require(actor, "feedback.acknowledge", feedback)
    name = " ".join((acknowledged_name or "").split())
    errors: dict[str, list] = {}  # messages or ValidationErrors, by field
    if acknowledged_on is None:
        errors["acknowledged_on"] = ["请填写签收日期。"]
    elif acknowledged_on < feedback.issued_on:
        errors["acknowledged_on"] = [
            ValidationError(f"签收日期不能早于反馈日期（{feedback.issued_on:%Y-%m-%d}）。", code="out_of_scope_date")
        ]
    elif acknowledged_on > timezone.localdate():
        errors["acknowledged_on"] = [ValidationError("签收日期不能晚于今天。", code="out_of_scope_date")]
    if not name:
        errors["acknowledged_name"] = ["请填写签收人（单位主要负责人）姓名。"]
    elif len(name) > NAME_MAX:
        errors["acknowledged_name"] = [f"签收人姓名不超过 {NAME_MAX} 字。"]
    with transaction.atomic():
        locked = Feedback.objects.select_for_update().get(pk=feedback.pk)
        if locked.acknowledged_at is not None:
            raise ValidationError(
                {
                    "acknowledged_on": [
                        ValidationError(
                            f"该反馈意见已于{locked.acknowledged_on:%Y-%m-%d}签收，不能重复签收。", code="duplicate"
                        )
                    ]
                }
            )
        if errors:
            raise ValidationError(errors)
        locked.acknowledged_at = timezone.now()
        locked.acknowledged_on = acknowledged_on
        locked.acknowledged_name = name
        locked.acknowledged_by = actor
        locked.save(update_fields=["acknowledged_at", "acknowledged_on", "acknowledged_name", "acknowledged_by"])
        audit_record(
            actor=actor,
            action="feedback.acknowledge",
            obj=locked,
            authority=locked.authority_id,
            detail={"inspection": locked.inspection_id, "acknowledged_on": acknowledged_on, "name": name},
        )
    for field in ("acknowledged_at", "acknowledged_on", "acknowledged_name", "acknowledged_by"):
        setattr(feedback, field, getattr(locked, field))
    return feedback


# The workbench -------------------------------------------------------------------------


def todos_for(user) -> list:
    """Feedback the unit's liaison has still to acknowledge."""
    from django.urls import reverse

    from core.workbench import Todo

    if not access.may_somewhere(user, "feedback.acknowledge"):
        return []
    qs = unit_feedback_for(user=user).filter(acknowledged_at__isnull=True)
    url = reverse("results:unit")
    return [
        Todo(f"{f.inspection.organization.name}：{f.inspection.round}巡察反馈意见待签收", url, None, "反馈") for f in qs
    ]
