"""What a team gathers on site: petitions (and the public channel), talks, document
requests, surveys, working papers and the findings they yield, tagged with the
focus-area taxonomy; and the attachments that carry the evidence.

Every record hangs off an inspection (``inspection``) and its authority, which is how
the access module reaches it: the office sees its authority's, a team its own
inspection's. Reporter identity is narrower still: sealed (core.crypto) and opened
only for the members designated for intake (``team_intake role``).
"""

import secrets

from django.db import models

from core.access import AccessSpec, case_spec


class Attachment(models.Model):
    """A stored file: evidence, a talk's record, a petition's enclosure. Kept under
    ``settings.FILE_DIR`` (outside any web root), served only by a view that checks scope."""

    class Kind(models.TextChoices):
        PDF = "pdf", "PDF"
        DOCX = "docx", "Word"
        XLSX = "xlsx", "Excel"
        JPG = "jpg", "JPEG 图片"
        PNG = "png", "PNG 图片"
        MP3 = "mp3", "MP3 音频"
        MP4 = "mp4", "MP4 视频"

    authority = models.ForeignKey("core.Authority", on_delete=models.PROTECT, related_name="+")
    inspection = models.ForeignKey("planning.Inspection", on_delete=models.PROTECT, related_name="attachments")
    name = models.CharField("文件名", max_length=200)
    kind = models.CharField("类型", max_length=5, choices=Kind.choices)
    size = models.PositiveBigIntegerField("大小（字节）")
    sha256 = models.CharField(max_length=64)
    path = models.CharField(max_length=200, editable=False)  # relative to settings.FILE_DIR
    uploaded_by = models.ForeignKey("core.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    public = models.BooleanField("群众上传", default=False)
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    access = case_spec()

    class Meta:
        verbose_name = "附件"
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.name


class FocusTaxonomy(models.Model):
    """One version of the focus-area tree (监督重点). The office drafts a new version,
    edits it, and publishes it; findings keep the node (and so the version) they were tagged with."""

    authority = models.ForeignKey("core.Authority", on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField("版本")
    name = models.CharField("名称", max_length=100, default="监督重点")
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    access = AccessSpec(kind="config", authority="authority")

    class Meta:
        verbose_name = "监督重点版本"
        ordering = ["authority", "-version"]
        constraints = [models.UniqueConstraint(fields=["authority", "version"], name="focus_taxonomy_version")]

    def __str__(self) -> str:
        return f"{self.name}（第{self.version}版）"


class FocusArea(models.Model):
    class Group(models.TextChoices):
        FOCUS = "focus", "四个聚焦"
        DISCIPLINE = "discipline", "六项纪律"

    taxonomy = models.ForeignKey(FocusTaxonomy, on_delete=models.CASCADE, related_name="areas")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    group = models.CharField("类别", max_length=12, choices=Group.choices, default=Group.FOCUS)
    code = models.CharField("编号", max_length=20)
    name = models.CharField("名称", max_length=120)
    order = models.PositiveIntegerField("排序", default=0)

    access = AccessSpec(kind="config", authority="taxonomy__authority")

    # Set by onsite.focus when it builds the tree for a page (not stored).
    depth: int
    nodes: list["FocusArea"]
    leaf: bool

    class Meta:
        verbose_name = "监督重点"
        ordering = ["taxonomy", "group", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["taxonomy", "code"], name="focus_area_code")]

    def __str__(self) -> str:
        return self.name


def new_receipt_code() -> str:
    """20 characters from an alphabet without look-alikes (0/O, 1/l/I): about 100 bits."""
    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    return "".join(secrets.choice(alphabet) for _ in range(20))


class Petition(models.Model):
    """A petition or report (信访举报) received by a team, by any channel."""

    class Channel(models.TextChoices):
        LETTER = "letter", "来信"
        VISIT = "visit", "来访"
        PHONE = "phone", "来电"
        MAILBOX = "mailbox", "意见箱"
        EMAIL = "email", "电子邮件"
        ONLINE = "online", "网上举报"

    class Status(models.TextChoices):
        NEW = "new", "待分办"
        IN_SCOPE = "in_scope", "属于受理范围"
        OUT_OF_SCOPE = "out_of_scope", "不属于受理范围（已转办）"
        DUPLICATE = "duplicate", "重复件"

    authority = models.ForeignKey("core.Authority", on_delete=models.PROTECT, related_name="+")
    inspection = models.ForeignKey("planning.Inspection", on_delete=models.PROTECT, related_name="petitions")
    channel = models.CharField("来源", max_length=8, choices=Channel.choices)
    received_on = models.DateField("收到日期")
    subject = models.CharField("标题", max_length=200)
    content = models.TextField("反映内容")
    accused = models.CharField("被反映人", max_length=200, blank=True)
    anonymous = models.BooleanField("匿名", default=True)
    identity = models.TextField("反映人信息（密文）", blank=True, editable=False)  # core.crypto.seal_json
    receipt_code_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    attachments = models.ManyToManyField(Attachment, blank=True, related_name="petitions")
    status = models.CharField("分办", max_length=12, choices=Status.choices, default=Status.NEW)
    disciplines = models.ManyToManyField(
        FocusArea, blank=True, related_name="petitions_by_discipline", verbose_name="涉及纪律"
    )
    focus_area = models.ForeignKey(
        FocusArea, null=True, blank=True, on_delete=models.PROTECT, related_name="petitions", verbose_name="监督重点"
    )
    forwarded_to = models.CharField("转办单位", max_length=100, blank=True)
    forwarded_on = models.DateField("转办日期", null=True, blank=True)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="duplicates", verbose_name="重复于"
    )
    triaged_by = models.ForeignKey("core.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    triaged_at = models.DateTimeField(null=True, blank=True)
    entered_by = models.ForeignKey("core.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    access = case_spec()

    class Meta:
        verbose_name = "信访举报"
        ordering = ["-received_on", "-id"]

    def __str__(self) -> str:
        return self.subject


class PetitionMessage(models.Model):
    """A reply to the reporter, the reporter's added information, or a staff note.

    ``internal`` notes are never shown to the reporter; ``author`` None is the reporter."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey("core.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    body = models.TextField("内容")
    internal = models.BooleanField("内部记录", default=False)
    attachments = models.ManyToManyField(Attachment, blank=True, related_name="petition_messages")
    created_at = models.DateTimeField(auto_now_add=True)

    access = case_spec("petition__inspection")

    class Meta:
        verbose_name = "信访答复"
        ordering = ["created_at", "id"]


class Interview(models.Model):
    """An individual talk (个别谈话): planned, then held and recorded."""

    class Category(models.TextChoices):
        LEADERSHIP = "leadership", "领导班子成员"
        SUBORDINATE_HEAD = "subordinate_head", "下属单位负责人"
        KEY_POST = "key_post", "重点岗位人员"
        STAFF = "staff", "一般干部职工"
        OTHER = "other", "其他人员"

    authority = models.ForeignKey("core.Authority", on_delete=models.PROTECT, related_name="+")
    inspection = models.ForeignKey("planning.Inspection", on_delete=models.PROTECT, related_name="interviews")
    interviewee = models.CharField("谈话对象", max_length=50)
    post = models.CharField("职务", max_length=100, blank=True)
    category = models.CharField("类别", max_length=16, choices=Category.choices)
    planned_on = models.DateField("计划日期", null=True, blank=True)
    held_at = models.DateTimeField("谈话时间", null=True, blank=True)
    place = models.CharField("地点", max_length=100, blank=True)
    interviewers = models.ManyToManyField("planning.TeamMember", blank=True, related_name="+", verbose_name="谈话人")
    notes = models.TextField("谈话记录", blank=True)
    attachments = models.ManyToManyField(Attachment, blank=True, related_name="interviews")
    created_by = models.ForeignKey("core.User", null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    access = case_spec()

    class Meta:
        verbose_name = "个别谈话"
        ordering = ["held_at", "planned_on", "id"]

    @property
    def held(self) -> bool:
        return self.held_at is not None


class DocumentRequest(models.Model):
    """Material asked from the unit (调阅资料): when, received or not, reviewed by whom."""

    authority = models.ForeignKey("core.Authority", on_delete=models.PROTECT, related_name="+")
    inspection = models.ForeignKey("planning.Inspection", on_delete=models.PROTECT, related_name="document_requests")
    title = models.CharField("资料名称", max_length=200)
    requested_on = models.DateField("调阅日期")
    due_on = models.DateField("要求提供日期", null=True, blank=True)
    received_on = models.DateField("收到日期", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="审阅人"
    )
    reviewed_on = models.DateField("审阅日期", null=True, blank=True)
    note = models.CharField("备注", max_length=300, blank=True)
    attachments = models.ManyToManyField(Attachment, blank=True, related_name="document_requests")
    created_by = models.ForeignKey("core.User", null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    access = case_spec()

    class Meta:
        verbose_name = "调阅资料"
        ordering = ["requested_on", "id"]


class Survey(models.Model):
    """A questionnaire or democratic evaluation: handed out, returned, and its tallies."""

    class Kind(models.TextChoices):
        QUESTIONNAIRE = "questionnaire", "问卷调查"
        EVALUATION = "evaluation", "民主测评"

    authority = models.ForeignKey("core.Authority", on_delete=models.PROTECT, related_name="+")
    inspection = models.ForeignKey("planning.Inspection", on_delete=models.PROTECT, related_name="surveys")
    kind = models.CharField("类型", max_length=14, choices=Kind.choices)
    title = models.CharField("名称", max_length=200)
    held_on = models.DateField("日期")
    handed_out = models.PositiveIntegerField("发放份数")
    returned = models.PositiveIntegerField("收回份数", default=0)
    # Tallies imported from Excel: {"options": ["好", "较好", "一般", "差"], "rows": [["项目", 12, 3, 1, 0], …]}
    results = models.JSONField("统计结果", default=dict, blank=True)
    created_by = models.ForeignKey("core.User", null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    access = case_spec()

    class Meta:
        verbose_name = "问卷和民主测评"
        ordering = ["held_on", "id"]


class WorkingPaper(models.Model):
    """A working paper (底稿): what was found, the facts, the evidence and the rule breached.

    A member writes it, the leader reviews it; an approved paper yields a finding."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "待审核"
        RETURNED = "returned", "已退回"
        APPROVED = "approved", "已审核"

    authority = models.ForeignKey("core.Authority", on_delete=models.PROTECT, related_name="+")
    inspection = models.ForeignKey("planning.Inspection", on_delete=models.PROTECT, related_name="working_papers")
    title = models.CharField("问题概述", max_length=200)
    facts = models.TextField("事实")
    rule = models.TextField("违反的规定", blank=True)
    interviews = models.ManyToManyField(Interview, blank=True, related_name="working_papers", verbose_name="谈话")
    petitions = models.ManyToManyField(Petition, blank=True, related_name="working_papers", verbose_name="信访")
    document_requests = models.ManyToManyField(
        DocumentRequest, blank=True, related_name="working_papers", verbose_name="调阅资料"
    )
    attachments = models.ManyToManyField(Attachment, blank=True, related_name="working_papers")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    author = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    review_comment = models.TextField("审核意见", blank=True)
    reviewed_by = models.ForeignKey("core.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    access = case_spec()

    class Meta:
        verbose_name = "巡察底稿"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class Exclusion(models.TextChoices):
    SECRET = "secret", "涉密"
    OPEN_CASE = "open_case", "正在查办"
    SENSITIVE = "sensitive", "敏感事项"


class Finding(models.Model):
    """A problem found (问题), resting on an approved working paper."""

    class Severity(models.TextChoices):
        GENERAL = "general", "一般"
        SERIOUS = "serious", "较重"
        GRAVE = "grave", "严重"

    authority = models.ForeignKey("core.Authority", on_delete=models.PROTECT, related_name="+")
    inspection = models.ForeignKey("planning.Inspection", on_delete=models.PROTECT, related_name="findings")
    working_paper = models.OneToOneField(WorkingPaper, on_delete=models.PROTECT, related_name="finding")
    title = models.CharField("问题", max_length=200)
    description = models.TextField("具体表现")
    focus_area = models.ForeignKey(
        FocusArea, on_delete=models.PROTECT, related_name="findings", verbose_name="监督重点"
    )
    severity = models.CharField("严重程度", max_length=8, choices=Severity.choices, default=Severity.GENERAL)
    people = models.CharField("涉及人员", max_length=300, blank=True)
    amount = models.DecimalField("涉及金额（元）", max_digits=14, decimal_places=2, null=True, blank=True)
    immediate = models.BooleanField("立行立改", default=False)
    immediate_deadline = models.DateField("立行立改期限", null=True, blank=True)
    # Matters left out of the public version of the feedback and of the rectification report.
    excluded = models.CharField("不予公开", max_length=12, choices=Exclusion.choices, blank=True)
    created_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    # Case data; the inspected unit's liaison reads its findings once the feedback is acknowledged.
    access = AccessSpec(
        kind="finding",
        authority="inspection__authority",
        inspection="inspection_id",
        organization="inspection__organization",
        when={"unit_liaison": {"inspection__feedback__acknowledged_at__isnull": False}},
    )

    class Meta:
        verbose_name = "问题"
        ordering = ["inspection", "id"]

    def __str__(self) -> str:
        return self.title
