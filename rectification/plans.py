"""The rectification plan (整改方案): drafted by the unit, reviewed jointly, approved by the office.

- The unit's liaison starts the plan of its inspection once it has acknowledged the
  feedback (``plan_create``), writes tasks for every finding (``rectification.tasks``) and
  submits it (``plan_submit``); a plan is complete only when every finding has a task.
- The office reviews it with the opinions of the other reviewers (纪委监委, 组织部, 宣传部,
  巡察组) and approves it or returns it with comments (``plan_review``). Approval moves the
  inspection to the rectification stage.
- The unit head's own account of how they led the work (``plan_head_report_set``) feeds
  the rectification report.

Every write checks access first (``Http404`` out of sight, ``PermissionDenied`` seen but not
allowed), raises ``ValidationError`` with Chinese messages by field and writes its audit
event in the same transaction.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core import access
from core.audit import audit_record
from onsite.models import Finding
from planning.models import Inspection
from planning.stages import ORDER, add_months, deadline_settings_for, inspection_advance
from rectification.models import PlanReview, RectificationPlan, RectificationTask
from results.models import Feedback

Status = RectificationPlan.Status
SUMMARY_MAX = 5000
NAME_MAX = 50


# Who may do what -------------------------------------------------------------------------


# Who takes each step is core.access's table (plan.draft, plan.review, plan.assess, task.report,
# task.verify); these add the plan's state, for the buttons.


def may_draft(user, plan: RectificationPlan) -> bool:
    return plan.editable and access.may(user, "plan.draft", plan)


def may_review(user, plan: RectificationPlan) -> bool:
    return plan.status == Status.SUBMITTED and access.may(user, "plan.review", plan)


# Reads -----------------------------------------------------------------------------------


def plans_for(*, user):
    """Plans the user may see: the office's and leading group's of their authorities, the
    team's of its inspection, the unit's own."""
    qs = RectificationPlan.objects.select_related(
        "inspection__round__term", "inspection__organization", "inspection__team", "inspection__feedback"
    )
    return access.restrict(qs, user, "view")


def plan_of(*, user, inspection: Inspection) -> RectificationPlan | None:
    return plans_for(user=user).filter(inspection=inspection).first()


def findings_of(plan: RectificationPlan):
    """The findings the plan must answer: every finding of its inspection."""
    return Finding.objects.filter(inspection_id=plan.inspection_id).select_related("focus_area").order_by("id")


def findings_without_tasks(plan: RectificationPlan) -> list[Finding]:
    return list(findings_of(plan).exclude(rectification_tasks__plan=plan))


def feedback_of(inspection: Inspection) -> Feedback | None:
    return Feedback.objects.filter(inspection=inspection).first()


def plan_due_on(inspection: Inspection) -> datetime.date | None:
    """When the plan is due: the feedback date plus the office's time limit (planning settings)."""
    feedback = feedback_of(inspection)
    if feedback is None:
        return None
    months = deadline_settings_for(inspection.authority_id).plan_months_after_feedback
    return add_months(feedback.issued_on, months)


def default_deadline(inspection: Inspection) -> datetime.date | None:
    """The default deadline of a task: when the rectification report is due (the feedback
    date plus the office's time limit for it)."""
    feedback = feedback_of(inspection)
    if feedback is None:
        return None
    months = deadline_settings_for(inspection.authority_id).rectification_report_months_after_feedback
    return add_months(feedback.issued_on, months)


PLAN_EXISTS = "该巡察的整改方案已经建立。"


def create_blocker(inspection: Inspection) -> str | None:
    """Why the plan of ``inspection`` cannot be started yet, in Chinese; None when it can."""
    feedback = feedback_of(inspection)
    if feedback is None:
        return "该巡察尚未反馈，反馈后才能制定整改方案。"
    if feedback.acknowledged_at is None:
        return "反馈意见尚未签收，签收后才能制定整改方案。"
    if RectificationPlan.objects.filter(inspection=inspection).exists():
        return PLAN_EXISTS
    return None


# Writes ----------------------------------------------------------------------------------


def _clean_text(value, field: str, label: str, limit: int, errors: dict) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        errors[field] = [f"{label}不能超过 {limit} 字（现有 {len(value)} 字）。"]
    return value


def plan_create(*, actor, inspection: Inspection, summary: str = "", head_name: str = "") -> RectificationPlan:
    """The unit's liaison starts the plan of ``inspection`` (once its feedback is acknowledged)."""
    if actor is not None and not access.may(actor, "plan.draft", inspection):
        access.check(actor, "view", inspection)  # Http404 for those who cannot see it
        raise PermissionDenied
    errors: dict = {}
    summary = _clean_text(summary, "summary", "整改工作安排", SUMMARY_MAX, errors)
    head_name = _clean_text(head_name, "head_name", "单位主要负责人", NAME_MAX, errors)
    if blocker := create_blocker(inspection):
        errors["inspection"] = [ValidationError(blocker, code="duplicate" if blocker == PLAN_EXISTS else "stage_order")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        Inspection.objects.select_for_update().get(pk=inspection.pk)
        try:
            with transaction.atomic():
                plan = RectificationPlan.objects.create(
                    authority_id=inspection.authority_id,
                    inspection=inspection,
                    summary=summary,
                    head_name=head_name,
                    created_by=actor,
                )
        except IntegrityError as e:
            raise ValidationError({"inspection": [ValidationError(PLAN_EXISTS, code="duplicate")]}) from e
        audit_record(
            actor=actor,
            action="rectification_plan.create",
            obj=plan,
            authority=inspection.authority,
            detail={"inspection": inspection.pk, "organization": inspection.organization.name},
        )
    return plan


def _lock(plan: RectificationPlan) -> RectificationPlan:
    return RectificationPlan.objects.select_for_update().select_related("inspection__organization").get(pk=plan.pk)


def plan_update(*, actor, plan: RectificationPlan, summary: str, head_name: str) -> RectificationPlan:
    """The unit changes the plan's general arrangements while it is a draft or returned."""
    access.require(actor, "plan.draft", plan)
    errors: dict = {}
    summary = _clean_text(summary, "summary", "整改工作安排", SUMMARY_MAX, errors)
    head_name = _clean_text(head_name, "head_name", "单位主要负责人", NAME_MAX, errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _lock(plan)
        if not locked.editable:
            raise ValidationError(
                {"plan": [ValidationError(f"整改方案{locked.get_status_display()}，不能修改。", code="not_editable")]}
            )
        locked.summary, locked.head_name = summary, head_name
        locked.save(update_fields=["summary", "head_name", "updated_at"])
        audit_record(actor=actor, action="rectification_plan.update", obj=locked, authority=locked.authority)
    return locked


def plan_head_report_set(*, actor, plan: RectificationPlan, head_name: str, head_report: str) -> RectificationPlan:
    """The unit records its head's own report on how they led the rectification (for the
    rectification report); any time after the plan is approved."""
    access.require(actor, "plan.draft", plan)
    errors: dict = {}
    head_name = _clean_text(head_name, "head_name", "单位主要负责人", NAME_MAX, errors)
    head_report = _clean_text(head_report, "head_report", "主要负责人组织落实整改情况", SUMMARY_MAX, errors)
    if not head_name:
        errors["head_name"] = ["请填写单位主要负责人姓名。"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _lock(plan)
        if locked.status != Status.APPROVED:
            raise ValidationError(
                {"plan": [ValidationError("整改方案批准后才能填写主要负责人组织落实整改情况。", code="stage_order")]}
            )
        locked.head_name, locked.head_report = head_name, head_report
        locked.save(update_fields=["head_name", "head_report", "updated_at"])
        audit_record(actor=actor, action="rectification_plan.head_report", obj=locked, authority=locked.authority)
    return locked


def plan_submit(*, actor, plan: RectificationPlan, on: datetime.date | None = None) -> RectificationPlan:
    """The unit submits its plan for review: every finding must have at least one task.
    ``on`` dates a submission recorded afterwards (not in the future, not before the
    feedback was acknowledged)."""
    access.require(actor, "plan.draft", plan)
    submitted_at = timezone.now()
    if on is not None:
        feedback = feedback_of(plan.inspection)
        if on > timezone.localdate():
            raise ValidationError(
                {"submitted_on": [ValidationError("报送日期不能晚于今天。", code="out_of_scope_date")]}
            )
        if feedback and feedback.acknowledged_on and on < feedback.acknowledged_on:
            raise ValidationError(
                {
                    "submitted_on": [
                        ValidationError(
                            f"报送日期不能早于反馈签收日期（{feedback.acknowledged_on:%Y-%m-%d}）。",
                            code="out_of_scope_date",
                        )
                    ]
                }
            )
        if on < timezone.localdate():
            submitted_at = timezone.make_aware(datetime.datetime.combine(on, datetime.time(9)))
    with transaction.atomic():
        locked = _lock(plan)
        if not locked.editable:
            raise ValidationError(
                {"plan": [ValidationError(f"整改方案{locked.get_status_display()}，不能报送。", code="not_editable")]}
            )
        missing = findings_without_tasks(locked)
        if missing:
            titles = "；".join(f"“{f.title}”" for f in missing[:5])
            more = f"等 {len(missing)} 个问题" if len(missing) > 5 else ""
            raise ValidationError(
                {
                    "tasks": [
                        ValidationError(
                            f"以下问题还没有整改任务：{titles}{more}。每个问题至少要有一项整改措施。",
                            code="missing_prerequisite",
                        )
                    ]
                }
            )
        locked.status = Status.SUBMITTED
        locked.submitted_at = submitted_at
        locked.save(update_fields=["status", "submitted_at", "updated_at"])
        audit_record(
            actor=actor,
            action="rectification_plan.submit",
            obj=locked,
            authority=locked.authority,
            detail={"tasks": locked.tasks.count()},
        )
    return locked


def plan_review(
    *,
    actor,
    plan: RectificationPlan,
    decision: str,
    comments: str = "",
    opinions: dict | None = None,
    on: datetime.date | None = None,
) -> PlanReview:
    """The office decides on a submitted plan with the other reviewers' opinions: approved
    (the inspection moves to the rectification stage) or returned with comments."""
    access.require(actor, "plan.review", plan)
    on = on or timezone.localdate()
    errors: dict = {}
    if decision not in PlanReview.Decision.values:
        errors["decision"] = ["请选择审核结论：同意或退回修改。"]
    comments = _clean_text(comments, "comments", "审核意见", SUMMARY_MAX, errors)
    if decision == PlanReview.Decision.RETURNED and not comments:
        errors["comments"] = ["退回修改须写明意见。"]
    cleaned = {}
    for key, text in (opinions or {}).items():
        if key not in PlanReview.Reviewer.values:
            errors["opinions"] = [ValidationError(f"未知的联审单位“{key}”。", code="unknown_choice")]
            continue
        text = (str(text) if text is not None else "").strip()
        if len(text) > 1000:
            errors["opinions"] = [f"{PlanReview.Reviewer(key).label}的意见不能超过 1000 字。"]
        if text:
            cleaned[key] = text
    if on > timezone.localdate():
        errors["decided_on"] = [ValidationError("审核日期不能晚于今天。", code="out_of_scope_date")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _lock(plan)
        if locked.status != Status.SUBMITTED:
            raise ValidationError(
                {
                    "plan": [
                        ValidationError(f"整改方案{locked.get_status_display()}，不在待审核状态。", code="stage_order")
                    ]
                }
            )
        submitted_on = timezone.localdate(locked.submitted_at)
        if on < submitted_on:
            raise ValidationError(
                {
                    "decided_on": [
                        ValidationError(
                            f"审核日期不能早于报送日期（{submitted_on:%Y-%m-%d}）。", code="out_of_scope_date"
                        )
                    ]
                }
            )
        if decision == PlanReview.Decision.APPROVED and (missing := findings_without_tasks(locked)):
            titles = "；".join(f"“{f.title}”" for f in missing[:5])
            raise ValidationError(
                {
                    "tasks": [
                        ValidationError(
                            f"以下问题还没有整改任务：{titles}。请退回单位补充后再批准。", code="missing_prerequisite"
                        )
                    ]
                }
            )
        review = PlanReview.objects.create(
            plan=locked, decision=decision, comments=comments, opinions=cleaned, decided_on=on, decided_by=actor
        )
        if decision == PlanReview.Decision.APPROVED:
            locked.status, locked.approved_on = Status.APPROVED, on
        else:
            locked.status = Status.RETURNED
        locked.save(update_fields=["status", "approved_on", "updated_at"])
        audit_record(
            actor=actor,
            action=f"rectification_plan.{'approve' if decision == 'approved' else 'return'}",
            obj=locked,
            authority=locked.authority,
            detail={"comments": comments, "opinions": sorted(cleaned)},
        )
        if decision == PlanReview.Decision.APPROVED:
            _reach_rectification(actor, locked.inspection, on)
    return review


def _reach_rectification(actor, inspection: Inspection, on: datetime.date) -> None:
    """An approved plan puts the inspection in the rectification stage (through feedback, if
    the office had not moved it there when it fed back)."""
    inspection = Inspection.objects.get(pk=inspection.pk)
    target = ORDER.index(Inspection.Stage.RECTIFICATION)
    while ORDER.index(inspection.stage) < target and inspection.stage != Inspection.Stage.PREPARATION:
        nxt = ORDER[ORDER.index(inspection.stage) + 1]
        last = inspection.stage_changes.order_by("-on", "-id").first()
        inspection_advance(actor=actor, inspection=inspection, to_stage=nxt, on=max(on, last.on) if last else on)
        inspection.refresh_from_db()


def archive_blocker(inspection: Inspection, to_stage: str) -> str | None:
    """Why ``inspection`` cannot be archived yet (planning.stages asks before every move): an
    inspection fed back is archived only once its plan is approved, every task verified and
    the current round assessed."""
    if to_stage != Inspection.Stage.ARCHIVED:
        return None
    plan = RectificationPlan.objects.filter(inspection=inspection).first()
    if plan is None:
        return "被巡察单位尚未制定整改方案，不能归档。" if feedback_of(inspection) else None
    if plan.status != Status.APPROVED:
        return f"整改方案{plan.get_status_display()}，批准并全部销号后才能归档。"
    missing = findings_without_tasks(plan)
    if missing:
        return f"还有 {len(missing)} 个问题没有整改任务（如“{missing[0].title}”），补充整改任务并销号后才能归档。"
    open_tasks = plan.tasks.exclude(status=RectificationTask.Status.VERIFIED).count()
    if open_tasks:
        return f"还有 {open_tasks} 项整改任务未销号，全部核验销号后才能归档。"
    if not plan.assessments.filter(rectification_round=plan.rectification_round).exists():
        return "整改尚未评估，评估后才能归档。"
    return None


def tasks_count(plan: RectificationPlan) -> dict[str, int]:
    """How many tasks of the plan are in each status (for lists and the workbench)."""
    counts = {s: 0 for s in RectificationTask.Status.values}
    for status in plan.tasks.values_list("status", flat=True):
        counts[status] += 1
    return counts
