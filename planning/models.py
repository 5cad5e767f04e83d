"""Terms, rounds and inspections, in outline.

The foundation needs them for the demo county's past rounds and as the
first record of case data; the planning issue grows them (teams, stages with
deadlines, documents).
"""

import secrets

from django.db import models

from core.access import AccessSpec


def new_public_id() -> str:
    """16 URL-safe random characters (96 bits): the inspection's address on the public reporting page."""
    return secrets.token_urlsafe(12)


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
    team = models.ForeignKey(
        "planning.Team",
        verbose_name="巡察组",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inspections",
    )
    kind = models.CharField("类型", max_length=12, choices=InspectionKind.choices, default=InspectionKind.REGULAR)
    stage = models.CharField("阶段", max_length=14, choices=Stage.choices, default=Stage.PREPARATION)
    repeat_reason = models.CharField(
        "重复巡察理由", max_length=200, blank=True, help_text="同一届内再次巡察同一单位（回头看、专项除外）时须填写"
    )
    theme = models.CharField(
        "巡察主题", max_length=100, blank=True, help_text="专项巡察须填写，如：乡村振兴资金使用管理"
    )
    revisits = models.ForeignKey(
        "self",
        verbose_name="“回头看”的原巡察",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lookbacks",
        help_text="“回头看”须指明所回看的此前巡察",
    )
    public_id = models.CharField(
        "公开编号",
        max_length=24,
        unique=True,
        default=new_public_id,
        editable=False,
        help_text="群众在线举报页面网址中的编号（巡察公告的二维码指向它），不可猜测",
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


class Inspector(models.Model):
    """A person in the inspector pool (巡察人才库) who can serve on teams."""

    authority = models.ForeignKey("core.Authority", verbose_name="所属机构", on_delete=models.PROTECT)
    user = models.OneToOneField(
        "core.User", verbose_name="平台账号", null=True, blank=True, on_delete=models.SET_NULL, related_name="inspector"
    )
    name = models.CharField("姓名", max_length=50)
    # The current unit: a registry organisation where it is one (the conflict check compares it
    # with the inspected organisation), the name as text otherwise (matched by name).
    unit_organization = models.ForeignKey(
        "registry.Organization",
        verbose_name="所在单位（名册）",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    unit = models.CharField("所在单位", max_length=100)
    post = models.CharField("职务", max_length=60, blank=True)
    education = models.CharField("学历", max_length=60, blank=True)

    access = AccessSpec(kind="config", authority="authority")

    class Meta:
        verbose_name = "巡察干部"
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class InspectorRecord(models.Model):
    """Where an inspector worked or studied, and when (the conflict rules read these)."""

    class Kind(models.TextChoices):
        WORK = "work", "工作经历"
        STUDY = "study", "学习经历"

    inspector = models.ForeignKey(Inspector, on_delete=models.CASCADE, related_name="records")
    kind = models.CharField("类别", max_length=5, choices=Kind.choices)
    organization = models.ForeignKey(
        "registry.Organization", verbose_name="单位", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    organization_name = models.CharField("单位名称", max_length=100, help_text="名册外的单位填写名称")
    post = models.CharField("职务", max_length=60, blank=True)
    start_on = models.DateField("起始")
    end_on = models.DateField("截止", null=True, blank=True)

    access = AccessSpec(kind="config", authority="inspector__authority")

    class Meta:
        verbose_name = "经历"
        ordering = ["inspector", "start_on"]


class InspectorRelative(models.Model):
    inspector = models.ForeignKey(Inspector, on_delete=models.CASCADE, related_name="relatives")
    name = models.CharField("姓名", max_length=50)
    relation = models.CharField("关系", max_length=20)
    organization = models.ForeignKey(
        "registry.Organization",
        verbose_name="工作单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    organization_name = models.CharField("工作单位名称", max_length=100, blank=True)

    access = AccessSpec(kind="config", authority="inspector__authority")

    class Meta:
        verbose_name = "亲属"


class InspectorDeclaration(models.Model):
    """A conflict the inspector declares about an organisation (本人申报回避)."""

    inspector = models.ForeignKey(Inspector, on_delete=models.CASCADE, related_name="declarations")
    organization = models.ForeignKey(
        "registry.Organization", verbose_name="单位", on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField("事由", max_length=200)
    declared_at = models.DateTimeField("申报时间", auto_now_add=True)

    access = AccessSpec(kind="config", authority="inspector__authority")

    class Meta:
        verbose_name = "回避申报"


class Team(models.Model):
    """A team (巡察组) of a round; it inspects one or more organisations (its inspections)."""

    authority = models.ForeignKey("core.Authority", verbose_name="所属机构", on_delete=models.PROTECT)
    round = models.ForeignKey(Round, verbose_name="轮次", on_delete=models.PROTECT, related_name="teams")
    name = models.CharField("名称", max_length=40, help_text="如：第一巡察组")
    duty_phone = models.CharField("值班电话", max_length=40, blank=True)
    mailbox = models.CharField("邮政信箱", max_length=100, blank=True, help_text="如：青禾县邮政 001 号信箱")
    email = models.EmailField("电子邮箱", blank=True)

    # A team's members reach it through any of its inspections (a multi-valued path: a
    # member of two of its inspections may see the row twice; selectors add distinct()).
    access = AccessSpec(kind="case", authority="authority", inspection="inspections")

    class Meta:
        verbose_name = "巡察组"
        ordering = ["round", "id"]  # creation order: names (第一、第二…) do not sort as text
        constraints = [models.UniqueConstraint(fields=["round", "name"], name="team_unique_name")]

    def __str__(self) -> str:
        return f"{self.round}{self.name}"


class TeamMember(models.Model):
    """A person on a team, with the conflicts found when added and the office's decision."""

    class Role(models.TextChoices):
        LEADER = "leader", "组长"
        DEPUTY = "deputy", "副组长"
        LIAISON = "liaison", "联络员"
        MEMBER = "member", "成员"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members")
    inspector = models.ForeignKey(Inspector, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField("组内职务", max_length=8, choices=Role.choices)
    duty = models.CharField("任务分工", max_length=200, blank=True, help_text="不填则按组内职务写默认分工")
    conflicts = models.JSONField("发现的回避情形", default=list, blank=True)
    decision_reason = models.CharField("办公室决定理由", max_length=300, blank=True)
    decided_by = models.ForeignKey("core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField("加入时间", auto_now_add=True)

    access = AccessSpec(kind="case", authority="team__authority", inspection="team__inspections")

    class Meta:
        verbose_name = "巡察组成员"
        constraints = [models.UniqueConstraint(fields=["team", "inspector"], name="team_member_unique")]


class DocumentSettings(models.Model):
    """How the authority's documents name it and number them; one row per authority.

    Numbers are taken from a register per 机关代字 (``planning.documents.REGISTERS``): the
    office's (巡察办), the leading group's (领导小组), each team's (巡察组) and the office's
    letters (函), each with its format here and its own sequence per year."""

    authority = models.OneToOneField("core.Authority", verbose_name="所属机构", on_delete=models.CASCADE)
    county_name = models.CharField("县（市、区）名称", max_length=40, help_text="如：青禾县。文书中写作“中共青禾县委”")
    abbreviation = models.CharField("机构简称", max_length=10, blank=True, help_text="用于发文字号，如：青")
    # The 巡察办 register (the single format of earlier versions, kept under its name).
    doc_number_format = models.CharField(
        "巡察办发文字号",
        max_length=60,
        default="{abbr}巡办发〔{year}〕{number}号",
        help_text="督办、告诫、问责等巡察办文件。可用 {abbr}（简称）、{year}（年份）、{number}（当年序号，必填），"
        "如：青巡办发〔{year}〕{number}号",
    )
    leading_group_format = models.CharField(
        "领导小组发文字号",
        max_length=60,
        default="{abbr}巡组发〔{year}〕{number}号",
        help_text="组长授权任职决定等领导小组文件，如：青巡组发〔{year}〕{number}号",
    )
    team_format = models.CharField(
        "巡察组发文字号",
        max_length=60,
        default="{abbr}巡{team}组〔{year}〕{number}号",
        help_text="工作方案、进驻通知、反馈意见等巡察组文件，每个组单独编号；{team} 为组的序号"
        "（第一巡察组写作“一”），必填，如：青巡{team}组〔{year}〕{number}号",
    )
    letter_format = models.CharField(
        "函的发文字号",
        max_length=60,
        default="{abbr}巡办函〔{year}〕{number}号",
        help_text="移交函等以函的形式发出的文书，如：青巡办函〔{year}〕{number}号",
    )

    access = AccessSpec(kind="config", authority="authority")

    class Meta:
        verbose_name = "文书设置"

    def __str__(self) -> str:
        return "文书设置"


class DocumentNumber(models.Model):
    """A document number (发文字号) issued to one document of an inspection.

    Numbers run per authority, register (机关代字: ``office``, ``leading_group``, ``letter``,
    or ``team:一`` for 第一巡察组) and year, and are issued once: the same document
    downloaded again keeps its number and its date (成文日期, fixed when the number is
    issued). Within a register and year the numbers follow the dates.
    """

    authority = models.ForeignKey("core.Authority", verbose_name="所属机构", on_delete=models.PROTECT)
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="document_numbers")
    kind = models.CharField("文书", max_length=20)
    register = models.CharField("登记簿", max_length=30, default="office")
    year = models.PositiveSmallIntegerField("年份")
    number = models.PositiveIntegerField("序号")
    text = models.CharField("发文字号", max_length=80)
    dated_on = models.DateField("成文日期", help_text="编号时确定，此后每次下载都印这一天")
    issued_by = models.ForeignKey("core.User", null=True, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField("编号时间", auto_now_add=True)

    access = AccessSpec(kind="case", authority="authority", inspection="inspection_id")

    class Meta:
        verbose_name = "发文字号"
        constraints = [
            models.UniqueConstraint(fields=["authority", "register", "year", "number"], name="document_number_unique"),
            models.UniqueConstraint(fields=["inspection", "kind"], name="document_number_once"),
        ]


class MemberObjection(models.Model):
    """The inspected unit's objection to a team member (被巡察单位提出回避意见), and the office's answer."""

    class Status(models.TextChoices):
        OPEN = "open", "待处理"
        UPHELD = "upheld", "已采纳（该成员已调出）"
        DISMISSED = "dismissed", "未采纳"

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="objections")
    member = models.ForeignKey(TeamMember, null=True, on_delete=models.SET_NULL, related_name="objections")
    member_name = models.CharField("成员姓名", max_length=50)  # kept when the member is removed
    reason = models.CharField("回避理由", max_length=500)
    raised_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField("提出时间", auto_now_add=True)
    status = models.CharField("处理结果", max_length=10, choices=Status.choices, default=Status.OPEN)
    answer = models.CharField("处理意见", max_length=500, blank=True)
    decided_by = models.ForeignKey("core.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)

    access = AccessSpec(kind="objection", authority="inspection__authority", organization="inspection__organization")

    class Meta:
        verbose_name = "回避意见"
        ordering = ["-raised_at", "-id"]
