"""Data comparison (数据比对): the sources departments hand files over from, their dataset
versions, the office's own rules, the runs and their hits.

Access (core/access.py): datasets, runs and sources are kind ``dataset``, read and changed by
the authority's data officer (数据比对员) and nobody else: not the office, not the leading
group, not the 三员. Hits are kind ``comparison_hit``: the data officer reads and decides them;
a team reads a hit only once it is confirmed to the team's inspection (the condition below).
Personal data lives in Parquet files under ``XUNCHA_DATA_DIR/comparison/<authority>/``
(``Dataset.path`` is relative to that directory); rows of hits carry only what a hit shows.
"""

from __future__ import annotations

from django.db import models

from core.access import AccessSpec

DATASET_SPEC = AccessSpec(kind="dataset", authority="authority")


class Source(models.Model):
    """Where a dataset comes from (县民政局低保名单), with the officer's confirmed column mapping,
    reused for the next file from the same source."""

    authority = models.ForeignKey("core.Authority", on_delete=models.PROTECT, related_name="+")
    name = models.CharField("数据来源", max_length=100)
    department = models.CharField("提供部门", max_length=100, blank=True)
    # Header as in the file → canonical field key (comparison.fields).
    mapping = models.JSONField("列对应关系", default=dict, blank=True)
    created_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    access = DATASET_SPEC

    class Meta:
        verbose_name = "数据来源"
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["authority", "name"], name="comparison_source_unique_name")]

    def __str__(self) -> str:
        return self.name


class Dataset(models.Model):
    """One version of a source's file, normalised to Parquet."""

    authority = models.ForeignKey("core.Authority", on_delete=models.PROTECT, related_name="+")
    source = models.ForeignKey(Source, verbose_name="数据来源", on_delete=models.PROTECT, related_name="datasets")
    version = models.PositiveIntegerField("版本")
    file_name = models.CharField("文件名", max_length=200)
    rows = models.PositiveBigIntegerField("行数", default=0)
    report = models.JSONField("校验报告", default=dict, blank=True)
    path = models.CharField(max_length=200, editable=False)  # relative to <data dir>/comparison/<authority>/
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField("大小（字节）", default=0)
    uploaded_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    access = DATASET_SPEC

    class Meta:
        verbose_name = "数据集"
        ordering = ["-uploaded_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["source", "version"], name="comparison_dataset_unique_version")]

    def __str__(self) -> str:
        return f"{self.source.name}（第{self.version}版）"


class Rule(models.Model):
    """One version of an office's own rule. Rows are never edited: a change writes version n+1.
    The standard rules live in code (``comparison.rules.STANDARD``) as version 1."""

    authority = models.ForeignKey("core.Authority", on_delete=models.PROTECT, related_name="+")
    key = models.SlugField("规则标识", max_length=60)
    version = models.PositiveIntegerField("版本", default=1)
    name = models.CharField("规则名称", max_length=100)
    description = models.TextField("说明", blank=True)
    definition = models.JSONField("规则定义", default=dict)
    created_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    access = DATASET_SPEC

    class Meta:
        verbose_name = "比对规则"
        ordering = ["key", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "key", "version"], name="comparison_rule_unique_version")
        ]

    def __str__(self) -> str:
        return f"{self.name}（第{self.version}版）"


class Run(models.Model):
    """A rule run over datasets, as a background task with progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "运行中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"
        CANCELLED = "cancelled", "已取消"

    authority = models.ForeignKey("core.Authority", on_delete=models.PROTECT, related_name="+")
    rule_key = models.CharField("规则标识", max_length=60)
    rule_version = models.PositiveIntegerField("规则版本", default=1)
    rule_name = models.CharField("规则名称", max_length=100)
    definition = models.JSONField("运行时的规则定义", default=dict)  # a snapshot of what ran
    datasets = models.JSONField("数据集", default=dict)  # {role: dataset id}
    engine = models.CharField("引擎", max_length=20, default="duckdb")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.QUEUED)
    phase = models.CharField("阶段", max_length=50, blank=True)
    done = models.PositiveBigIntegerField("已处理", default=0)
    total = models.PositiveBigIntegerField("总数", default=0)
    cancel_requested = models.BooleanField("已请求取消", default=False)
    error = models.TextField("错误", blank=True)
    stats = models.JSONField("统计", default=dict, blank=True)
    hit_count = models.PositiveIntegerField("命中数", default=0)
    started_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)

    access = DATASET_SPEC

    class Meta:
        verbose_name = "比对任务"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.rule_name}（{self.get_status_display()}）"

    @property
    def active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)


class Hit(models.Model):
    """One person (or person, kind and year) a run found, with the evidence rows."""

    class Match(models.TextChoices):
        EXACT = "exact", "精确"
        FUZZY = "fuzzy", "模糊"

    class State(models.TextChoices):
        NEW = "new", "待研判"
        CONFIRMED = "confirmed", "已移交巡察组"
        DISMISSED = "dismissed", "已排除"

    authority = models.ForeignKey("core.Authority", on_delete=models.PROTECT, related_name="+")
    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="hits")
    person = models.CharField("人员", max_length=100, blank=True)
    id_number = models.CharField("身份证号", max_length=18, blank=True)
    name = models.CharField("姓名", max_length=100, blank=True)
    match = models.CharField("匹配方式", max_length=5, choices=Match.choices, default=Match.EXACT)
    probability = models.FloatField("匹配概率", null=True, blank=True)
    agreed = models.CharField("一致的字段", max_length=200, blank=True)
    name_birth_only = models.BooleanField("仅姓名和出生日期一致", default=False)
    group_key = models.CharField("分组", max_length=200, blank=True)
    summary = models.JSONField("摘要", default=dict, blank=True)
    evidence = models.JSONField("证据行", default=dict, blank=True)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.NEW)
    inspection = models.ForeignKey(
        "planning.Inspection",
        verbose_name="移交巡察",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="comparison_hits",
    )
    attachment = models.ForeignKey(
        "onsite.Attachment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField("理由", blank=True)
    reviewed_by = models.ForeignKey("core.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField("研判时间", null=True, blank=True)

    # A team reads a hit only once it has been confirmed to its inspection.
    access = AccessSpec(
        kind="comparison_hit",
        authority="authority",
        inspection="inspection_id",
        when={"inspection": {"state": "confirmed"}},
    )

    class Meta:
        verbose_name = "比对命中"
        ordering = ["run", "id"]
        indexes = [models.Index(fields=["run", "state"])]

    def __str__(self) -> str:
        return f"{self.name or self.person}（{self.get_state_display()}）"
