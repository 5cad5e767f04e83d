"""Rectification (整改): the unit's plan with its three lists (problems, tasks,
responsibilities), progress with evidence, the office's verification item by item
(对账销号), escalating reminders, the assessment of the whole, and look-back checks.

Access (core/access.py, kind ``rectification``): the office and the leading group see
every plan of their authority, the team its own inspection's, the inspected unit's liaison
its own organisation's. Who may do what within that (the unit drafts and reports, only the
office reviews and verifies) is the steps table of core.access (plan.draft, plan.review,
task.report, task.verify, plan.assess).
"""

import datetime

from django.db import models

from core.access import AccessSpec, case_spec


def rectification_spec(inspection: str = "inspection") -> AccessSpec:
    return AccessSpec(
        kind="rectification",
        authority=f"{inspection}__authority",
        inspection=f"{inspection}_id",
        organization=f"{inspection}__organization",
    )


class Grade(models.TextChoices):
    GOOD = "good", "好"
    FAIR_GOOD = "fair_good", "较好"
    AVERAGE = "average", "一般"
    POOR = "poor", "差"


class RectificationPlan(models.Model):
    """The plan (整改方案) of one inspection, drafted by the unit, reviewed by the office."""

    class Status(models.TextChoices):
        DRAFT = "draft", "起草中"
        SUBMITTED = "submitted", "待审核"
        RETURNED = "returned", "已退回修改"
        APPROVED = "approved", "已批准"

    authority = models.ForeignKey("core.Authority", on_delete=models.PROTECT, related_name="+")
    inspection = models.OneToOneField(
        "planning.Inspection", on_delete=models.PROTECT, related_name="rectification_plan"
    )
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    summary = models.TextField("整改工作安排", blank=True)
    # The unit head's own account of how they led the work (主要负责人组织整改情况), for the report.
    head_name = models.CharField("单位主要负责人", max_length=50, blank=True)
    head_report = models.TextField("主要负责人组织落实整改情况", blank=True)
    # 1 for the first rectification; 2 once an assessment of 一般 or 差 reopened it (二次整改).
    rectification_round = models.PositiveSmallIntegerField("整改轮次", default=1)
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    approved_on = models.DateField("批准日期", null=True, blank=True)
    created_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    access = rectification_spec()

    class Meta:
        verbose_name = "整改方案"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.inspection.organization.name}整改方案"

    @property
    def editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)


class PlanReview(models.Model):
    """The joint review (联审) of a submitted plan: the office's decision with the opinions of
    the other reviewers (纪委监委, 组织部, 宣传部, 巡察组) it gathered."""

    class Decision(models.TextChoices):
        APPROVED = "approved", "同意"
        RETURNED = "returned", "退回修改"

    class Reviewer(models.TextChoices):
        DISCIPLINE = "discipline", "纪委监委"
        ORGANIZATION = "organization", "组织部"
        PUBLICITY = "publicity", "宣传部"
        TEAM = "team", "巡察组"

    plan = models.ForeignKey(RectificationPlan, on_delete=models.CASCADE, related_name="reviews")
    decision = models.CharField("审核结论", max_length=10, choices=Decision.choices)
    comments = models.TextField("审核意见", blank=True)
    opinions = models.JSONField("联审单位意见", default=dict, blank=True)  # {Reviewer value: text}
    decided_on = models.DateField("审核日期")
    decided_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    access = rectification_spec("plan__inspection")

    class Meta:
        verbose_name = "整改方案审核"
        ordering = ["plan", "recorded_at", "id"]


class RectificationTask(models.Model):
    """One task (整改任务) of a plan: for one finding, a measure with its deadline and the
    leader and office responsible. Closed (销号) only by the office after checking evidence."""

    class Phase(models.TextChoices):
        CONCENTRATED = "concentrated", "集中整改"
        ONGOING = "ongoing", "持续整改"

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "整改中"
        REPORTED = "reported", "待核验"
        REJECTED = "rejected", "退回补充"
        VERIFIED = "verified", "已销号"

    authority = models.ForeignKey("core.Authority", on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(RectificationPlan, on_delete=models.CASCADE, related_name="tasks")
    finding = models.ForeignKey("onsite.Finding", on_delete=models.PROTECT, related_name="rectification_tasks")
    number = models.PositiveIntegerField("序号")
    measure = models.TextField("整改措施")
    deadline = models.DateField("完成时限")
    responsible_leader = models.CharField("责任领导", max_length=50)
    responsible_office = models.CharField("责任部门", max_length=100)
    phase = models.CharField("整改阶段", max_length=12, choices=Phase.choices, default=Phase.CONCENTRATED)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.IN_PROGRESS)
    progress = models.TextField("最新进展", blank=True)  # the text of the latest ProgressReport
    progress_on = models.DateField("进展日期", null=True, blank=True)
    rectification_round = models.PositiveSmallIntegerField("整改轮次", default=1)
    verified_on = models.DateField("销号日期", null=True, blank=True)
    verified_by = models.ForeignKey("core.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reject_reason = models.TextField("退回理由", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    access = rectification_spec("plan__inspection")

    class Meta:
        verbose_name = "整改任务"
        ordering = ["plan", "number", "id"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="rectification_task_number")]

    def __str__(self) -> str:
        return f"{self.number}. {self.measure[:30]}"


class ProgressReport(models.Model):
    """The unit's report of progress on a task (整改进展), with its evidence."""

    task = models.ForeignKey(RectificationTask, on_delete=models.CASCADE, related_name="progress_reports")
    text = models.TextField("进展情况")
    completed = models.BooleanField("申请销号", default=False)  # the unit says the task is done
    reported_on = models.DateField("报告日期")
    reported_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    access = rectification_spec("task__plan__inspection")

    class Meta:
        verbose_name = "整改进展"
        ordering = ["task", "-created_at", "-id"]


class Evidence(models.Model):
    """A file proving progress (佐证材料). Stored as onsite attachments are: outside any web
    root, checked by content, read through a view that checks scope."""

    authority = models.ForeignKey("core.Authority", on_delete=models.PROTECT, related_name="+")
    progress = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="evidence")
    name = models.CharField("文件名", max_length=200)
    kind = models.CharField("类型", max_length=5)
    size = models.PositiveBigIntegerField("大小（字节）")
    sha256 = models.CharField(max_length=64)
    path = models.CharField(max_length=200, editable=False)  # relative to settings.FILE_DIR
    uploaded_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    access = rectification_spec("progress__task__plan__inspection")

    class Meta:
        verbose_name = "佐证材料"
        ordering = ["progress", "id"]

    def __str__(self) -> str:
        return self.name


class TaskCheck(models.Model):
    """The office's check of a task against its evidence: verified (销号) or rejected."""

    class Decision(models.TextChoices):
        VERIFIED = "verified", "核验销号"
        REJECTED = "rejected", "退回补充"

    task = models.ForeignKey(RectificationTask, on_delete=models.CASCADE, related_name="checks")
    decision = models.CharField("结论", max_length=10, choices=Decision.choices)
    reason = models.TextField("意见", blank=True)
    checked_on = models.DateField("核验日期")
    checked_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    access = rectification_spec("task__plan__inspection")

    class Meta:
        verbose_name = "核验记录"
        ordering = ["task", "recorded_at", "id"]


class Reminder(models.Model):
    """One step of the escalation on a task due soon or overdue: 提醒, 督办, 告诫, 问责.

    Raised by the daily background task; one per task, kind and deadline, so running it
    twice creates nothing twice and a new deadline (二次整改) starts the ladder again."""

    class Kind(models.TextChoices):
        REMIND = "remind", "提醒"
        SUPERVISE = "supervise", "督办"
        WARN = "warn", "告诫"
        ACCOUNT = "account", "问责"

    LEVEL = {"remind": 1, "supervise": 2, "warn": 3, "account": 4}

    authority = models.ForeignKey("core.Authority", on_delete=models.PROTECT, related_name="+")
    task = models.ForeignKey(RectificationTask, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField("类别", max_length=10, choices=Kind.choices)
    raised_on = models.DateField("发出日期")
    due_on = models.DateField("整改时限")
    days_overdue = models.IntegerField("逾期天数")  # negative: days still left
    document_number = models.CharField("文号", max_length=80, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    access = rectification_spec("task__plan__inspection")

    class Meta:
        verbose_name = "整改督促"
        ordering = ["-raised_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["task", "kind", "due_on"], name="reminder_once_per_kind_and_deadline")
        ]

    @property
    def level(self) -> int:
        return self.LEVEL[self.kind]


class ReminderSettings(models.Model):
    """When each step of the escalation is raised (the office edits them; one row per authority)."""

    authority = models.OneToOneField("core.Authority", verbose_name="所属机构", on_delete=models.CASCADE)
    remind_days_before = models.PositiveSmallIntegerField("到期前几天提醒", default=7)
    supervise_days_after = models.PositiveSmallIntegerField("逾期几天督办", default=1)
    warn_days_after = models.PositiveSmallIntegerField("逾期几天告诫", default=15)
    account_days_after = models.PositiveSmallIntegerField("逾期几天问责", default=30)

    access = AccessSpec(kind="config", authority="authority")

    class Meta:
        verbose_name = "整改督促设置"


class AssessmentCriterion(models.Model):
    """One criterion of the rectification assessment, with its full score (a configurable list)."""

    authority = models.ForeignKey("core.Authority", verbose_name="所属机构", on_delete=models.PROTECT)
    name = models.CharField("评估项目", max_length=100)
    max_score = models.PositiveSmallIntegerField("分值")
    order = models.PositiveSmallIntegerField("顺序", default=0)
    active = models.BooleanField("启用", default=True)

    access = AccessSpec(kind="config", authority="authority")

    class Meta:
        verbose_name = "整改评估项目"
        ordering = ["authority", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["authority", "name"], name="criterion_unique_name")]

    def __str__(self) -> str:
        return self.name


class Assessment(models.Model):
    """The office's grade of a unit's rectification (整改评估); 一般 or 差 reopens the
    unfinished tasks as a second rectification."""

    authority = models.ForeignKey("core.Authority", on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(RectificationPlan, on_delete=models.CASCADE, related_name="assessments")
    grade = models.CharField("评估等次", max_length=10, choices=Grade.choices)
    # [{"criterion": id, "name": …, "max": …, "score": …}], kept as scored (criteria may change later).
    scores = models.JSONField("评分", default=list, blank=True)
    total = models.DecimalField("总分", max_digits=6, decimal_places=1, default=0)
    comments = models.TextField("评估意见", blank=True)
    rectification_round = models.PositiveSmallIntegerField("评估的整改轮次", default=1)
    assessed_on = models.DateField("评估日期")
    assessed_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    access = rectification_spec("plan__inspection")

    # Set by rectification.assessments after recording, for the page's message (not stored).
    reopened: list[int]  # the tasks reopened for a second rectification
    new_deadline: datetime.date | None

    class Meta:
        verbose_name = "整改评估"
        ordering = ["plan", "-assessed_on", "-id"]


class LookbackCheck(models.Model):
    """A look-back team's verdict on one finding of the inspection it revisits; a finding not
    truly fixed becomes a new finding of the look-back, linked to the old one."""

    class Verdict(models.TextChoices):
        FIXED = "fixed", "真改实改"
        SURFACE = "surface", "表面整改"
        NOT_FIXED = "not_fixed", "未整改"

    authority = models.ForeignKey("core.Authority", on_delete=models.PROTECT, related_name="+")
    inspection = models.ForeignKey("planning.Inspection", on_delete=models.PROTECT, related_name="lookback_checks")
    finding = models.ForeignKey("onsite.Finding", on_delete=models.PROTECT, related_name="lookback_checks")
    verdict = models.CharField("结论", max_length=10, choices=Verdict.choices)
    note = models.TextField("核查情况", blank=True)
    new_finding = models.OneToOneField(
        "onsite.Finding", null=True, blank=True, on_delete=models.PROTECT, related_name="lookback_origin"
    )
    checked_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    checked_at = models.DateTimeField(auto_now=True)

    access = case_spec()

    class Meta:
        verbose_name = "回头看核查"
        ordering = ["inspection", "finding_id"]
        constraints = [models.UniqueConstraint(fields=["inspection", "finding"], name="lookback_once_per_finding")]
