"""Terms, rounds and inspections, in outline.

The foundation needs them for the demo county's past rounds and as the
first record of case data; the planning issue grows them (teams, stages with
deadlines, documents).
"""

from django.db import models

from core.access import AccessSpec


class InspectionKind(models.TextChoices):
    REGULAR = "regular", "常规巡察"
    SPECIAL = "special", "专项巡察"
    MOBILE = "mobile", "机动巡察"
    ESCALATED = "escalated", "提级巡察"
    CROSS = "cross", "交叉巡察"
    LOOKBACK = "lookback", "巡察“回头看”"


class Term(models.Model):
    """A committee term (届) that must inspect every organisation in scope once."""

    authority = models.ForeignKey("core.Authority", verbose_name="所属机构", on_delete=models.PROTECT)
    name = models.CharField("名称", max_length=60)
    start_on = models.DateField("开始日期")
    end_on = models.DateField("结束日期")
    scope_kinds = models.ManyToManyField(
        "registry.OrganizationKind",
        verbose_name="覆盖范围（单位类别）",
        blank=True,
        help_text="届内须全覆盖的单位类别；不选则为全部类别",
    )
    village_target = models.PositiveSmallIntegerField(
        "村(社区)覆盖目标(%)", default=100, help_text="村(社区)党组织届内覆盖目标，按百分比"
    )

    access = AccessSpec(kind="case", authority="authority")

    class Meta:
        verbose_name = "届"
        ordering = ["-start_on"]

    def __str__(self) -> str:
        return self.name


class Round(models.Model):
    """A numbered round (第七轮) within a term."""

    authority = models.ForeignKey("core.Authority", verbose_name="所属机构", on_delete=models.PROTECT)
    term = models.ForeignKey(Term, verbose_name="届", on_delete=models.PROTECT, related_name="rounds")
    number = models.PositiveIntegerField("轮次")
    kind = models.CharField("类型", max_length=12, choices=InspectionKind.choices, default=InspectionKind.REGULAR)
    entry_on = models.DateField("进驻日期", null=True, blank=True)
    onsite_end_on = models.DateField("结束进驻日期", null=True, blank=True)

    access = AccessSpec(kind="case", authority="authority")

    class Meta:
        verbose_name = "轮次"
        ordering = ["term", "number"]
        constraints = [models.UniqueConstraint(fields=["term", "number"], name="round_unique_number")]

    def __str__(self) -> str:
        return f"{self.term.name}第{self.number}轮"


class Inspection(models.Model):
    """One team at one organisation in one round: the record most case data hangs off."""

    class Stage(models.TextChoices):
        PREPARATION = "preparation", "准备"
        ONSITE = "onsite", "进驻了解"
        REPORTING = "reporting", "报告"
        FEEDBACK = "feedback", "反馈"
        RECTIFICATION = "rectification", "整改"
        ARCHIVED = "archived", "归档"

    authority = models.ForeignKey("core.Authority", verbose_name="所属机构", on_delete=models.PROTECT)
    round = models.ForeignKey(Round, verbose_name="轮次", on_delete=models.PROTECT, related_name="inspections")
    organization = models.ForeignKey(
        "registry.Organization", verbose_name="被巡察党组织", on_delete=models.PROTECT, related_name="inspections"
    )
    kind = models.CharField("类型", max_length=12, choices=InspectionKind.choices, default=InspectionKind.REGULAR)
    stage = models.CharField("阶段", max_length=14, choices=Stage.choices, default=Stage.PREPARATION)
    repeat_reason = models.CharField(
        "重复巡察理由", max_length=200, blank=True, help_text="同一届内再次巡察同一单位（回头看、专项除外）时须填写"
    )

    access = AccessSpec(kind="case", authority="authority", inspection="id", organization="organization")

    class Meta:
        verbose_name = "巡察"
        ordering = ["round", "organization__code"]

    def __str__(self) -> str:
        return f"{self.round} · {self.organization.name}"


class DeadlineSettings(models.Model):
    """Time limits the office edits (they differ by province and year); one row per authority."""

    authority = models.OneToOneField("core.Authority", verbose_name="所属机构", on_delete=models.CASCADE)
    notice_days_before_entry = models.PositiveSmallIntegerField("进驻通知提前天数", default=10)
    report_months_after_onsite = models.PositiveSmallIntegerField("结束进驻后报送巡察报告（月）", default=1)
    plan_months_after_feedback = models.PositiveSmallIntegerField("反馈后报送整改方案（月）", default=1)
    rectification_report_months_after_feedback = models.PositiveSmallIntegerField(
        "反馈后报送整改情况报告（月）", default=2
    )
    transfer_outcome_months = models.PositiveSmallIntegerField("移交后反馈办理结果（月）", default=3)

    access = AccessSpec(kind="config", authority="authority")

    class Meta:
        verbose_name = "时限设置"

    def __str__(self) -> str:
        return "时限设置"


class StageChange(models.Model):
    """One move of an inspection to its next stage: when, by whom."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField("原阶段", max_length=14, choices=Inspection.Stage.choices)
    to_stage = models.CharField("新阶段", max_length=14, choices=Inspection.Stage.choices)
    on = models.DateField("日期")
    actor = models.ForeignKey("core.User", verbose_name="操作人", null=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    access = AccessSpec(kind="case", authority="inspection__authority", inspection="inspection_id")

    class Meta:
        verbose_name = "阶段变更"
        ordering = ["on", "id"]
