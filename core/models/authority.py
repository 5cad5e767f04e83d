from django.db import models

from core.access import AccessSpec


class Authority(models.Model):
    """An inspection authority (巡察机构): a county, city or province committee's office.

    Authorities form a tree. ``path`` is the materialised chain of ids
    (``/1/4/``) so that "this authority and everything below it" is one
    indexed prefix query; it is maintained by ``authority_create``.
    """

    class Level(models.TextChoices):
        PROVINCE = "province", "省级"
        CITY = "city", "市级"
        COUNTY = "county", "县级"

    name = models.CharField("名称", max_length=100)
    code = models.CharField("编码", max_length=40, unique=True)
    level = models.CharField("层级", max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name="上级机构", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")

    access = AccessSpec(kind="authority", authority="id")

    class Meta:
        verbose_name = "巡察机构"
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name
