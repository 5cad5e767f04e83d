"""From findings to decisions: the inspection report and its approval chain, the
feedback to the unit, leads on named people, and transfers to the receiving bodies.

Access (core/access.py): reports are case data; feedback is also the unit's to
acknowledge; leads are the team leader's (unsealed), the office head's and, once
transferred, the receiver's; transfers are the office's and the receiver's.
"""

from django.db import models

from core.access import AccessSpec, case_spec


class Step(models.TextChoices):
    """The approval chain of a report, in order."""

    TEAM_MEETING = "team_meeting", "组务会"
    OFFICE_REVIEW = "office_review", "组办会商"
    LEADING_GROUP = "leading_group", "领导小组会议"
    SECRETARY = "secretary", "书记专题会"


class InspectionReport(models.Model):
    """The report (巡察报告) of one inspection; its text lives in numbered versions."""

    class Status(models.TextChoices):
        DRAFT = "draft", "起草中"
        IN_REVIEW = "in_review", "审议中"
        RETURNED = "returned", "已退回修改"
        APPROVED = "approved", "已审定"

    class Ecology(models.TextChoices):
        BETTER = "better", "好转"
        SAME = "same", "持平"
        WORSE = "worse", "恶化"

    class Implementation(models.TextChoices):
        GOOD = "good", "好"
        FAIR_GOOD = "fair_good", "较好"
        AVERAGE = "average", "一般"
        POOR = "poor", "较差"

    authority = models.ForeignKey("core.Authority", on_delete=models.PROTECT, related_name="+")
    inspection = models.OneToOneField("planning.Inspection", on_delete=models.PROTECT, related_name="report")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    step = models.CharField("待审议环节", max_length=14, choices=Step.choices, blank=True)
    ecology = models.CharField("政治生态", max_length=8, choices=Ecology.choices, blank=True)
    implementation = models.CharField("贯彻落实情况", max_length=10, choices=Implementation.choices, blank=True)
    # Fixed by the last step: how the results are used (反馈、移交纪委监委、移交组织部、…).
    results_use = models.JSONField("成果运用", default=list, blank=True)
    created_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    access = case_spec()

    class Meta:
        verbose_name = "巡察报告"


class ReportVersion(models.Model):
    """One saved text of the report and of its special report (专题报告, leads on named leaders)."""

    report = models.ForeignKey(InspectionReport, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField("版本")
    body = models.TextField("报告正文")
    special_body = models.TextField("专题报告", blank=True)
    note = models.CharField("修改说明", max_length=200, blank=True)
    saved_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    saved_at = models.DateTimeField(auto_now_add=True)

    access = case_spec("report__inspection")

    class Meta:
        verbose_name = "报告版本"
        ordering = ["report", "-number"]
        constraints = [models.UniqueConstraint(fields=["report", "number"], name="report_version_number")]


class ReportDecision(models.Model):
    """A step of the approval chain: approved, or returned with comments."""

    class Decision(models.TextChoices):
        APPROVED = "approved", "通过"
        RETURNED = "returned", "退回修改"

    report = models.ForeignKey(InspectionReport, on_delete=models.CASCADE, related_name="decisions")
    version = models.ForeignKey(ReportVersion, on_delete=models.PROTECT, related_name="decisions")
    step = models.CharField("环节", max_length=14, choices=Step.choices)
    decision = models.CharField("结论", max_length=10, choices=Decision.choices)
    comments = models.TextField("意见", blank=True)
    decided_on = models.DateField("会议日期")
    decided_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    access = case_spec("report__inspection")

    class Meta:
        verbose_name = "审议记录"
        ordering = ["report", "recorded_at", "id"]


class Feedback(models.Model):
    """The feedback (反馈) of an inspection to the unit, and the unit head's acknowledgement."""

    authority = models.ForeignKey("core.Authority", on_delete=models.PROTECT, related_name="+")
    inspection = models.OneToOneField("planning.Inspection", on_delete=models.PROTECT, related_name="feedback")
    issued_on = models.DateField("反馈日期")
    issued_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField("签收时间", null=True, blank=True)
    acknowledged_on = models.DateField("签收日期", null=True, blank=True)
    acknowledged_name = models.CharField("签收人（单位主要负责人）", max_length=50, blank=True)
    acknowledged_by = models.ForeignKey("core.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    access = AccessSpec(
        kind="feedback",
        authority="inspection__authority",
        inspection="inspection_id",
        organization="inspection__organization",
    )

    class Meta:
        verbose_name = "反馈"


class Lead(models.Model):
    """A lead (问题线索) on a named person. Who and what are sealed (core.crypto)."""

    class Category(models.TextChoices):
        DISCIPLINE = "discipline", "违纪违法（移交纪委监委）"
        CADRE = "cadre", "选人用人（移交组织部）"
        OTHER = "other", "其他（移交有关部门）"

    authority = models.ForeignKey("core.Authority", on_delete=models.PROTECT, related_name="+")
    inspection = models.ForeignKey("planning.Inspection", on_delete=models.PROTECT, related_name="leads")
    finding = models.ForeignKey("onsite.Finding", null=True, blank=True, on_delete=models.PROTECT, related_name="leads")
    category = models.CharField("类别", max_length=12, choices=Category.choices)
    subject = models.TextField("被反映人及问题（密文）", editable=False)  # seal_json({"name", "post", "details"})
    senior = models.BooleanField("涉及领导干部", default=False)
    sealed = models.BooleanField("封存（移交前仅巡察办主任可见）", default=False)
    created_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    access = AccessSpec(
        kind="lead",
        authority="inspection__authority",
        inspection="inspection_id",
        receiver="transfers__receiver",
        when={"team_leader": {"sealed": False}},
    )

    class Meta:
        verbose_name = "问题线索"
        ordering = ["inspection", "id"]


class Transfer(models.Model):
    """A transfer (移交) of leads or findings to a receiving body, its receipt and its outcome."""

    class Kind(models.TextChoices):
        LEADS = "leads", "问题线索"
        CADRE = "cadre", "选人用人问题"
        FINDINGS = "findings", "其他问题"

    class Outcome(models.TextChoices):
        FILED = "filed", "立案审查调查"
        VERIFYING = "verifying", "初步核实"
        SANCTIONED = "sanctioned", "给予党纪政务处分"
        ORGANIZATIONAL = "organizational", "组织处理"
        DISMISSED = "dismissed", "予以了结"
        RECTIFIED = "rectified", "已督促整改"
        OTHER = "other", "其他"

    authority = models.ForeignKey("core.Authority", on_delete=models.PROTECT, related_name="+")
    inspection = models.ForeignKey("planning.Inspection", on_delete=models.PROTECT, related_name="transfers")
    receiver = models.ForeignKey("core.Receiver", on_delete=models.PROTECT, related_name="transfers")
    kind = models.CharField("移交内容", max_length=10, choices=Kind.choices)
    leads = models.ManyToManyField(Lead, blank=True, related_name="transfers")
    findings = models.ManyToManyField("onsite.Finding", blank=True, related_name="transfers")
    letter_number = models.CharField("移交函文号", max_length=80, blank=True)
    sent_on = models.DateField("移交日期")
    due_on = models.DateField("办理结果反馈期限")
    received_on = models.DateField("签收日期", null=True, blank=True)
    received_name = models.CharField("签收人", max_length=50, blank=True)
    received_by = models.ForeignKey("core.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField("办理结果", max_length=16, choices=Outcome.choices, blank=True)
    outcome_detail = models.TextField("办理情况", blank=True)
    outcome_on = models.DateField("反馈日期", null=True, blank=True)
    outcome_by = models.ForeignKey("core.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    # The office sees transfers of findings; transfers of leads only the office head and the receiver.
    access = AccessSpec(
        kind="transfer",
        authority="inspection__authority",
        inspection="inspection_id",
        receiver="receiver_id",
        when={"office": {"kind__in": ["cadre", "findings"]}, "leading_group": {"kind__in": ["cadre", "findings"]}},
    )

    class Meta:
        verbose_name = "移交"
        ordering = ["-sent_on", "-id"]
