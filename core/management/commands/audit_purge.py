"""Purge the audit events past retention (at least six months), archiving them and
re-anchoring the chain where it now starts (core.audit_retention)."""

import sys

from django.core.management.base import BaseCommand

from core.audit import AnchorCopyMissing
from core.audit_retention import ChainBrokenError, audit_purge, retention_days


class Command(BaseCommand):
    help = (
        "清理超过保存期限（XUNCHA_AUDIT_RETENTION_DAYS，至少 180 天）的审计事件：先校验哈希链，"
        "把清理的事件写入归档文件，并在锚点文件和链首记下新的起点；每天由定时任务运行。"
    )

    def handle(self, *args, **options):
        try:
            purge = audit_purge()
        except (ChainBrokenError, AnchorCopyMissing) as e:
            self.stderr.write(self.style.ERROR(str(e)))
            sys.exit(1)
        if purge is None:
            self.stdout.write(f"没有超过保存期限（{retention_days()} 天）的审计事件。")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"已清理 {purge.count} 条 {purge.before:%Y-%m-%d} 之前的审计事件（至第 {purge.through_seq} 号），"
                f"归档于 {purge.archive}。"
            )
        )
