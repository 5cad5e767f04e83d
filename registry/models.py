import datetime
import re

from django.db import models
from django.db.models import Q

from core.access import AccessSpec


class OrganizationKind(models.Model):
    """A kind of organisation (单位类别); a list each authority's office edits."""

    authority = models.ForeignKey("core.Authority", verbose_name="所属机构", on_delete=models.PROTECT)
    name = models.CharField("名称", max_length=40)
    order = models.PositiveIntegerField("排序", default=0)
    is_village = models.BooleanField("村(社区)类", default=False)

    access = AccessSpec(kind="config", authority="authority")

    class Meta:
        verbose_name = "单位类别"
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["authority", "name"], name="org_kind_unique_name")]

    def __str__(self) -> str:
        return self.name


DEFAULT_KINDS = [
    ("县直部门", False),
    ("乡镇(街道)", False),
    ("国有企业", False),
    ("学校", False),
    ("医院", False),
    ("村(社区)", True),
    ("其他", False),
]


# What an organisation's code may be: the same rule for forms, API and imports.
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")


class OrganizationQuerySet(models.QuerySet):
    def active_on(self, day: datetime.date):
        """Organisations that existed on ``day``: created by then and not yet merged or dissolved."""
        return self.filter(Q(established_on__isnull=True) | Q(established_on__lte=day)).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gt=day)
        )


class Organization(models.Model):
    """A party organisation that can be inspected (被巡察党组织); a tree.

    Its life over time is ``established_on`` (created mid-term, if known) and,
    once it ends, ``ended_on`` with ``status`` merged (into ``merged_into``)
    or dissolved. ``code`` is unique within the authority and is what imports
    update by.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", "正常"
        MERGED = "merged", "已合并"
        DISSOLVED = "dissolved", "已撤销"

    authority = models.ForeignKey("core.Authority", verbose_name="所属机构", on_delete=models.PROTECT)
    code = models.CharField("单位编码", max_length=40)
    name = models.CharField("单位名称", max_length=100)
    kind = models.ForeignKey(OrganizationKind, verbose_name="单位类别", on_delete=models.PROTECT)
    parent = models.ForeignKey(
        "self", verbose_name="上级单位", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.ACTIVE)
    established_on = models.DateField("成立日期", null=True, blank=True)
    ended_on = models.DateField("撤销或并入日期", null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", verbose_name="并入单位", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_from"
    )
    note = models.CharField("备注", max_length=200, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = OrganizationQuerySet.as_manager()
    access = AccessSpec(kind="registry", authority="authority", organization="id")

    class Meta:
        verbose_name = "党组织"
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["authority", "code"], name="organization_unique_code")]
        indexes = [models.Index(fields=["authority", "name"])]

    def __str__(self) -> str:
        return self.name


class OrganizationLeaderQuerySet(models.QuerySet):
    def current_first(self):
        """Those still in post first, then those who left; each newest first."""
        past = models.Case(models.When(end_on__isnull=True, then=models.Value(0)), default=models.Value(1))
        return self.annotate(is_past=past).order_by("is_past", "-start_on", "-pk")


class OrganizationLeader(models.Model):
    """A leader of an organisation over time (name, post, from, to): used by the conflict
    check (superior–subordinate relations) and, later, the talk plan."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="leaders")
    name = models.CharField("姓名", max_length=50)
    post = models.CharField("职务", max_length=60)
    start_on = models.DateField("任职起始")
    end_on = models.DateField("任职截止", null=True, blank=True)

    objects = OrganizationLeaderQuerySet.as_manager()
    access = AccessSpec(kind="registry", authority="organization__authority", organization="organization_id")

    class Meta:
        verbose_name = "单位领导"
        ordering = ["organization", "-start_on"]

    def __str__(self) -> str:
        return f"{self.name}（{self.post}）"
