"""Rectification tasks (整改任务): the three lists, progress with evidence, and the office's
verification item by item (对账销号).

- The unit's liaison writes tasks while the plan is a draft or returned (``task_create``,
  ``task_update``, ``task_delete``): for a finding of the inspection, a measure, a deadline
  (by default when the rectification report is due), a responsible leader and office, and
  the phase.
- Once the plan is approved the liaison reports progress with evidence
  (``task_progress``); ``completed`` asks the office to close the task.
- Only the office closes a task (``task_verify``), and only one the unit reported
  completed; or it sends it back with a reason (``task_reject``). Nothing is closed by the
  unit alone. A finding is rectified only when all its tasks are verified.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from core import access
from core.audit import audit_record
from core.files import file_erase
from onsite.models import Finding
from planning.models import Inspection
from rectification.evidence import evidence_check, evidence_store
from rectification.models import ProgressReport, RectificationPlan, RectificationTask, TaskCheck
from rectification.plans import (
    default_deadline,
    findings_without_tasks,
    plan_due_on,
)

TaskStatus = RectificationTask.Status
MEASURE_MAX = 2000
PROGRESS_MAX = 5000
LEADER_MAX, OFFICE_MAX = 50, 100
FIELDS = ("measure", "deadline", "responsible_leader", "responsible_office", "phase")


# Reads -----------------------------------------------------------------------------------


def tasks_for(*, user, plan: RectificationPlan | None = None):
    qs = RectificationTask.objects.select_related(
        "plan__inspection__organization", "plan__inspection__round__term", "finding", "verified_by"
    )
    if plan is not None:
        qs = qs.filter(plan=plan)
    return access.restrict(qs, user, "view")


def progress_of(task: RectificationTask):
    return task.progress_reports.select_related("reported_by").prefetch_related("evidence")


def rectified(statuses) -> bool:
    """The rule: a finding is rectified only when it has tasks and every one of them is
    verified (``statuses``: the statuses of its tasks)."""
    return set(statuses) == {TaskStatus.VERIFIED}


def finding_state(statuses) -> str:
    """已整改, 整改中 or 无任务, for a finding whose tasks have ``statuses``."""
    statuses = set(statuses)
    return "无任务" if not statuses else "已整改" if rectified(statuses) else "整改中"


def finding_rectified(finding: Finding) -> bool:
    return rectified(finding.rectification_tasks.values_list("status", flat=True))


def finding_states(plan: RectificationPlan) -> dict[int, str]:
    """For each finding of the plan's inspection: 已整改 (all tasks verified), 整改中, or 无任务."""
    by_finding: dict[int, set[str]] = {}
    for finding_id, status in plan.tasks.values_list("finding_id", "status"):
        by_finding.setdefault(finding_id, set()).add(status)
    findings = Finding.objects.filter(inspection_id=plan.inspection_id).values_list("id", flat=True)
    return {finding_id: finding_state(by_finding.get(finding_id, ())) for finding_id in findings}


def overdue_q(today: datetime.date | None = None, prefix: str = "") -> Q:
    """Tasks overdue: not verified and past their deadline (``prefix``: the path to the task)."""
    today = today or timezone.localdate()
    return Q(**{f"{prefix}deadline__lt": today}) & ~Q(**{f"{prefix}status": TaskStatus.VERIFIED})


def state_label(task: RectificationTask) -> str:
    """What a user reads as the task's state: 待方案批准 until its plan is approved (the task
    is not started yet), then its status."""
    if task.plan.status != RectificationPlan.Status.APPROVED:
        return "待方案批准"
    return task.get_status_display()


def is_overdue(task: RectificationTask, today: datetime.date | None = None) -> bool:
    return task.status != TaskStatus.VERIFIED and task.deadline < (today or timezone.localdate())


# Writes: the three lists -------------------------------------------------------------------


def _clean(plan: RectificationPlan, values: dict, errors: dict) -> dict:
    out = {}
    measure = (values.get("measure") or "").strip()
    if not measure:
        errors["measure"] = ["请填写整改措施。"]
    elif len(measure) > MEASURE_MAX:
        errors["measure"] = [f"整改措施不能超过 {MEASURE_MAX} 字（现有 {len(measure)} 字）。"]
    out["measure"] = measure
    deadline = values.get("deadline")
    if deadline is None:
        deadline = default_deadline(plan.inspection)
    if isinstance(deadline, str):
        try:
            deadline = datetime.date.fromisoformat(deadline)
        except ValueError:
            errors["deadline"] = ["完成时限须为日期，格式如 2027-03-31。"]
            deadline = None
    if deadline is not None and not isinstance(deadline, datetime.date):
        errors["deadline"] = ["完成时限须为日期，格式如 2027-03-31。"]
    elif deadline is not None:
        feedback = getattr(plan.inspection, "feedback", None)
        if feedback is not None and deadline < feedback.issued_on:
            errors["deadline"] = [
                ValidationError(
                    f"完成时限不能早于反馈日期（{feedback.issued_on:%Y-%m-%d}）。", code="out_of_scope_date"
                )
            ]
    elif "deadline" not in errors:
        errors["deadline"] = ["请填写完成时限。"]
    out["deadline"] = deadline
    for field, label, limit in (
        ("responsible_leader", "责任领导", LEADER_MAX),
        ("responsible_office", "责任部门", OFFICE_MAX),
    ):
        text = (values.get(field) or "").strip()
        if not text:
            errors[field] = [f"请填写{label}。"]
        elif len(text) > limit:
            errors[field] = [f"{label}不能超过 {limit} 字。"]
        out[field] = text
    phase = values.get("phase") or RectificationTask.Phase.CONCENTRATED
    if phase not in RectificationTask.Phase.values:
        errors["phase"] = [ValidationError("整改阶段只能是集中整改或持续整改。", code="unknown_choice")]
    out["phase"] = phase
    return out


def _check_drafting(actor, plan: RectificationPlan, *, late_finding: Finding | None = None) -> RectificationPlan:
    """The locked plan if the unit may write its tasks now: while it is a draft or returned,
    or, for a finding that has no task yet (one found after the plan was approved), a
    supplementary task on the approved plan."""
    access.require(actor, "plan.draft", plan)
    locked = RectificationPlan.objects.select_for_update().select_related("inspection").get(pk=plan.pk)
    if locked.editable or (late_finding is not None and may_supplement(locked, late_finding)):
        return locked
    raise ValidationError(
        {"plan": [ValidationError(f"整改方案{locked.get_status_display()}，不能修改整改任务。", code="not_editable")]}
    )


def may_report(user, task: RectificationTask, *, held: set[str] | None = None) -> bool:
    """Whether ``user`` may report progress on ``task`` now (the unit, on an approved plan,
    until the task is verified): for the page's form; ``task_progress`` checks again."""
    return (
        access.may(user, "task.report", task, held=held)
        and task.plan.status == RectificationPlan.Status.APPROVED
        and task.status != RectificationTask.Status.VERIFIED
    )


def may_verify(user, task: RectificationTask, *, held: set[str] | None = None) -> bool:
    """Whether ``user`` may verify or reject ``task`` now (the office, once it is reported done)."""
    return task.status == RectificationTask.Status.REPORTED and access.may(user, "task.verify", task, held=held)


def may_supplement(plan: RectificationPlan, finding: Finding) -> bool:
    """Whether ``finding`` gets a supplementary task on the approved ``plan``: it has none."""
    return plan.status == RectificationPlan.Status.APPROVED and not plan.tasks.filter(finding=finding).exists()


def task_create(*, actor, plan: RectificationPlan, finding: Finding, **values) -> RectificationTask:
    """The unit adds a task for ``finding`` to its draft plan (or, for a finding with no task
    yet, to its approved plan: 补充整改任务)."""
    access.check(actor, "view", plan)
    errors: dict = {}
    if finding is None or finding.inspection_id != plan.inspection_id:
        errors["finding"] = ["请选择本次巡察反馈的问题。"]
    cleaned = _clean(plan, values, errors)
    with transaction.atomic():
        locked = _check_drafting(actor, plan, late_finding=finding if "finding" not in errors else None)
        if errors:
            raise ValidationError(errors)
        number = (locked.tasks.aggregate(n=Max("number"))["n"] or 0) + 1
        task = RectificationTask.objects.create(
            authority_id=locked.authority_id, plan=locked, finding=finding, number=number, **cleaned
        )
        audit_record(
            actor=actor,
            action="rectification_task.create",
            obj=task,
            authority=locked.authority,
            detail={"plan": locked.pk, "finding": finding.pk, "deadline": cleaned["deadline"]},
        )
    return task


def task_update(*, actor, task: RectificationTask, **values) -> RectificationTask:
    """The unit changes a task of its draft (or returned) plan."""
    access.check(actor, "view", task)
    errors: dict = {}
    current = {f: getattr(task, f) for f in FIELDS}
    cleaned = _clean(task.plan, {**current, **{k: v for k, v in values.items() if k in FIELDS}}, errors)
    finding = values.get("finding", task.finding)
    if finding is None or finding.inspection_id != task.plan.inspection_id:
        errors["finding"] = ["请选择本次巡察反馈的问题。"]
    with transaction.atomic():
        _check_drafting(actor, task.plan)
        if errors:
            raise ValidationError(errors)
        locked = RectificationTask.objects.select_for_update().get(pk=task.pk)
        changes = {f: [str(getattr(locked, f)), str(cleaned[f])] for f in FIELDS if getattr(locked, f) != cleaned[f]}
        for f in FIELDS:
            setattr(locked, f, cleaned[f])
        locked.finding = finding
        locked.save()
        audit_record(
            actor=actor, action="rectification_task.update", obj=locked, authority=locked.authority, detail=changes
        )
    return locked


def task_delete(*, actor, task: RectificationTask) -> None:
    """The unit removes a task from its draft (or returned) plan."""
    access.check(actor, "view", task)
    with transaction.atomic():
        _check_drafting(actor, task.plan)
        audit_record(
            actor=actor,
            action="rectification_task.delete",
            obj=task,
            authority=task.authority,
            detail={"number": task.number, "measure": task.measure[:100]},
        )
        task.delete()


# Writes: progress and verification ------------------------------------------------------------


def _lock_task(task: RectificationTask) -> RectificationTask:
    return RectificationTask.objects.select_for_update().select_related("plan__inspection").get(pk=task.pk)


def task_progress(
    *,
    actor,
    task: RectificationTask,
    text: str,
    completed: bool = False,
    uploads=(),
    on: datetime.date | None = None,
) -> ProgressReport:
    """The unit reports progress on a task of its approved plan, with evidence; ``completed``
    asks the office to verify and close it (the task waits as 待核验)."""
    access.require(actor, "task.report", task)
    on = on or timezone.localdate()
    text = (text or "").strip()
    errors: dict = {}
    if not text:
        errors["text"] = ["请填写整改进展。"]
    elif len(text) > PROGRESS_MAX:
        errors["text"] = [f"整改进展不能超过 {PROGRESS_MAX} 字（现有 {len(text)} 字）。"]
    if on > timezone.localdate():
        errors["reported_on"] = [ValidationError("报告日期不能晚于今天。", code="out_of_scope_date")]
    uploads = list(uploads or [])
    if completed and not uploads and not _evidence_since_rejection(task):
        errors["files"] = [
            ValidationError(
                "申请销号须附佐证材料。" if not task.checks.exists() else "任务曾被退回，申请销号须附新的佐证材料。",
                code="file_rejected",
            )
        ]
    approved_on = task.plan.approved_on
    last_check = task.checks.order_by("-checked_on").values_list("checked_on", flat=True).first()
    if approved_on and on < approved_on and "reported_on" not in errors:
        errors["reported_on"] = [
            ValidationError(f"报告日期不能早于整改方案批准日期（{approved_on:%Y-%m-%d}）。", code="out_of_scope_date")
        ]
    elif last_check and on < last_check and "reported_on" not in errors:
        errors["reported_on"] = [
            ValidationError(
                f"报告日期不能早于巡察办上次核验的日期（{last_check:%Y-%m-%d}）。", code="out_of_scope_date"
            )
        ]
    if errors:
        raise ValidationError(errors)
    evidence_check(uploads)
    written: list = []
    try:
        with transaction.atomic():
            locked = _lock_task(task)
            if locked.plan.status != RectificationPlan.Status.APPROVED:
                raise ValidationError(
                    {"task": [ValidationError("整改方案批准后才能报告整改进展。", code="stage_order")]}
                )
            if locked.status == TaskStatus.VERIFIED:
                raise ValidationError(
                    {"task": [ValidationError("该整改任务已销号，不能再报告进展。", code="not_editable")]}
                )
            progress = ProgressReport.objects.create(
                task=locked, text=text, completed=bool(completed), reported_on=on, reported_by=actor
            )
            stored = evidence_store(actor=actor, progress=progress, uploads=uploads, written=written)
            locked.progress, locked.progress_on = text, on
            locked.status = TaskStatus.REPORTED if completed else TaskStatus.IN_PROGRESS
            locked.save(update_fields=["progress", "progress_on", "status", "updated_at"])
            audit_record(
                actor=actor,
                action="rectification_task.progress",
                obj=locked,
                authority=locked.authority,
                detail={"completed": bool(completed), "evidence": [e.name for e in stored]},
            )
    except BaseException:
        for path in written:
            file_erase(path)
        raise
    return progress


def _evidence_since_rejection(task: RectificationTask) -> bool:
    """Whether evidence was given since the office last sent the task back (or ever, if never)."""
    evidence = task.progress_reports.filter(evidence__isnull=False)
    rejected = task.checks.filter(decision=TaskCheck.Decision.REJECTED).order_by("-recorded_at", "-id").first()
    if rejected is not None:
        evidence = evidence.filter(created_at__gt=rejected.recorded_at)
    return evidence.exists()


def _check_date(task: RectificationTask, on: datetime.date) -> None:
    """A check is dated today or earlier, and not before the unit's last report."""
    if on > timezone.localdate():
        raise ValidationError({"checked_on": [ValidationError("核验日期不能晚于今天。", code="out_of_scope_date")]})
    last = task.progress_reports.order_by("-reported_on").values_list("reported_on", flat=True).first()
    if last and on < last:
        raise ValidationError(
            {
                "checked_on": [
                    ValidationError(
                        f"核验日期不能早于单位报告进展的日期（{last:%Y-%m-%d}）。", code="out_of_scope_date"
                    )
                ]
            }
        )
    checked = task.checks.order_by("-checked_on").values_list("checked_on", flat=True).first()
    if checked and on < checked:
        raise ValidationError(
            {
                "checked_on": [
                    ValidationError(f"核验日期不能早于上次核验的日期（{checked:%Y-%m-%d}）。", code="out_of_scope_date")
                ]
            }
        )


def task_verify(
    *, actor, task: RectificationTask, reason: str = "", on: datetime.date | None = None
) -> RectificationTask:
    """The office closes a task (销号) after checking the evidence the unit reported with it."""
    access.require(actor, "task.verify", task)
    on = on or timezone.localdate()
    reason = (reason or "").strip()
    if len(reason) > PROGRESS_MAX:
        raise ValidationError({"reason": [f"核验意见不能超过 {PROGRESS_MAX} 字。"]})
    _check_date(task, on)
    with transaction.atomic():
        locked = _lock_task(task)
        if locked.status == TaskStatus.VERIFIED:
            raise ValidationError(
                {"task": [ValidationError(f"该整改任务已于{locked.verified_on:%Y-%m-%d}销号。", code="duplicate")]}
            )
        if locked.status != TaskStatus.REPORTED:
            raise ValidationError(
                {"task": [ValidationError("单位尚未报告完成并提交佐证材料，不能销号。", code="stage_order")]}
            )
        TaskCheck.objects.create(task=locked, decision="verified", reason=reason, checked_on=on, checked_by=actor)
        locked.status, locked.verified_on, locked.verified_by, locked.reject_reason = TaskStatus.VERIFIED, on, actor, ""
        locked.save(update_fields=["status", "verified_on", "verified_by", "reject_reason", "updated_at"])
        audit_record(
            actor=actor,
            action="rectification_task.verify",
            obj=locked,
            authority=locked.authority,
            detail={"finding": locked.finding_id, "on": on},
        )
    return locked


def task_reject(*, actor, task: RectificationTask, reason: str, on: datetime.date | None = None) -> RectificationTask:
    """The office sends a reported task back with the reason (the evidence does not hold)."""
    access.require(actor, "task.verify", task)
    on = on or timezone.localdate()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["退回须写明理由。"]})
    if len(reason) > PROGRESS_MAX:
        raise ValidationError({"reason": [f"退回理由不能超过 {PROGRESS_MAX} 字。"]})
    _check_date(task, on)
    with transaction.atomic():
        locked = _lock_task(task)
        if locked.status != TaskStatus.REPORTED:
            raise ValidationError(
                {
                    "task": [
                        ValidationError(
                            f"该整改任务{locked.get_status_display()}，只有待核验的任务才能退回。", code="stage_order"
                        )
                    ]
                }
            )
        TaskCheck.objects.create(task=locked, decision="rejected", reason=reason, checked_on=on, checked_by=actor)
        locked.status, locked.reject_reason = TaskStatus.REJECTED, reason
        locked.save(update_fields=["status", "reject_reason", "updated_at"])
        audit_record(
            actor=actor,
            action="rectification_task.reject",
            obj=locked,
            authority=locked.authority,
            detail={"reason": reason},
        )
    return locked


def todos_for(user) -> list:
    """For the workbench: the unit's plans to write or revise, tasks sent back, and tasks due
    within 30 days (overdue ones come with their reminders, ``reminders.todos_for``); the
    office's plans to review and tasks to verify."""
    from django.urls import reverse

    from core.workbench import Todo

    reviews, verifies = access.step_authorities(user, "plan.review"), access.step_authorities(user, "task.verify")
    drafts, reports = access.step_scopes(user, "plan.draft"), access.step_scopes(user, "task.report")
    if not (reviews or verifies or drafts or reports):
        return []

    def is_unit(obj, inspection, units=drafts) -> bool:
        return (obj.authority_id, inspection.organization_id) in units

    items = []
    today = timezone.localdate()
    plans = access.restrict(RectificationPlan.objects.select_related("inspection__organization"), user, "change")
    for plan in plans.exclude(status=RectificationPlan.Status.APPROVED):
        url = reverse("rectification:plan", args=[plan.pk])
        name = plan.inspection.organization.name
        if plan.editable and is_unit(plan, plan.inspection):
            returned = plan.status == RectificationPlan.Status.RETURNED
            label = "修改整改方案（已退回）" if returned else "制定并报送整改方案"
            items.append(Todo(f"{name}：{label}", url, plan_due_on(plan.inspection), "整改"))
        elif plan.status == RectificationPlan.Status.SUBMITTED and plan.authority_id in reviews:
            items.append(Todo(f"{name}：审核整改方案", url, None, "整改"))
    # A finding made after the plan was approved needs a supplementary task.
    approved = plans.filter(status=RectificationPlan.Status.APPROVED)
    for plan in approved:
        if is_unit(plan, plan.inspection) and (missing := findings_without_tasks(plan)):
            url = reverse("rectification:plan", args=[plan.pk])
            title = f"{plan.inspection.organization.name}：为新增的 {len(missing)} 个问题补充整改任务"
            items.append(Todo(title, url, None, "整改"))
    # The unit owes a plan for every acknowledged feedback that has none yet.
    owed = Inspection.objects.filter(
        organization_id__in={org for _, org in drafts},
        feedback__acknowledged_at__isnull=False,
        rectification_plan__isnull=True,
    ).select_related("organization")
    for inspection in owed:
        url = reverse("rectification:inspection_plan", args=[inspection.pk])
        items.append(Todo(f"{inspection.organization.name}：制定并报送整改方案", url, plan_due_on(inspection), "整改"))
    tasks = access.restrict(RectificationTask.objects.select_related("plan__inspection__organization"), user, "change")
    tasks = tasks.filter(plan__status=RectificationPlan.Status.APPROVED).exclude(status=TaskStatus.VERIFIED)
    for task in tasks:
        url = reverse("rectification:task", args=[task.pk])
        inspection = task.plan.inspection
        name = inspection.organization.name
        if task.status == TaskStatus.REPORTED and task.authority_id in verifies:
            items.append(Todo(f"{name}：核验整改任务 {task.number}", url, None, "整改"))
        elif not is_unit(task, inspection, reports) or task.status == TaskStatus.REPORTED:
            continue
        elif task.status == TaskStatus.REJECTED:
            items.append(
                Todo(f"{name}：整改任务 {task.number} 被退回，请补充整改和佐证材料", url, task.deadline, "整改")
            )
        elif 0 <= (task.deadline - today).days <= 30:
            items.append(Todo(f"{name}：整改任务 {task.number} 报告进展", url, task.deadline, "整改"))
    return items
