from django.core.exceptions import PermissionDenied
from django.db import models

from core.access import AccessSpec


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionDenied("审计日志只能追加，不能修改。")

    def delete(self):
        raise PermissionDenied("审计日志只能追加，不能删除。")


class AuditEvent(models.Model):
    """One entry of the audit trail (审计日志): append-only and hash-chained.

    ``hash`` is SHA-256 over this event's fields and ``prev_hash``; see
    ``core.audit.event_digest``. Write only through ``core.audit.audit_record``.
    """

    class Outcome(models.TextChoices):
        SUCCESS = "success", "成功"
        FAILURE = "failure", "失败"
        DENIED = "denied", "拒绝"

    seq = models.BigIntegerField("序号", unique=True)
    at = models.DateTimeField("时间", db_index=True)
    authority = models.ForeignKey(
        "core.Authority", verbose_name="机构", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(
        "core.User", verbose_name="操作人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_username = models.CharField("账号", max_length=150, blank=True)
    roles = models.CharField("角色", max_length=255, blank=True)
    ip = models.GenericIPAddressField("地址", null=True, blank=True)
    action = models.CharField("操作", max_length=60, db_index=True)
    object_type = models.CharField("对象类型", max_length=60, blank=True)
    object_id = models.CharField("对象编号", max_length=60, blank=True)
    object_repr = models.CharField("对象", max_length=255, blank=True)
    outcome = models.CharField("结果", max_length=10, choices=Outcome.choices, default=Outcome.SUCCESS)
    detail = models.JSONField("详情", default=dict, blank=True)
    trace_id = models.CharField("追踪号", max_length=32, blank=True, db_index=True)  # found from an export's watermark
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AuditQuerySet.as_manager()
    access = AccessSpec(kind="audit", authority="authority")

    class Meta:
        verbose_name = "审计日志"
        ordering = ["-seq"]
        indexes = [models.Index(fields=["authority", "-seq"], name="audit_authority_seq")]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionDenied("审计日志只能追加，不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("审计日志只能追加，不能删除。")


class AuditChainHead(models.Model):
    """The single row that holds the chain's tip; locked while an event is appended.

    It also lets ``audit_verify`` notice that the newest events were deleted, and says where
    the chain starts after a purge.
    """

    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)
    # Where the chain now starts: the last event purged past retention (core.audit_retention)
    # and its hash, which the first event kept names as its previous one.
    base_seq = models.BigIntegerField(default=0)
    base_hash = models.CharField(max_length=64, default="0" * 64)
