"""Recompute the audit trail's hash chain; exit non-zero at the first break."""

import sys

from django.core.management.base import BaseCommand

from core.audit import audit_verify_chain


class Command(BaseCommand):
    help = "校验审计日志哈希链：发现被改动或删除的事件时报告第一处断点并以非零状态退出。"

    def handle(self, *args, **options):
        checked, broken = audit_verify_chain()
        if broken is None:
            self.stdout.write(self.style.SUCCESS(f"审计日志完整：已校验 {checked} 条事件，哈希链无断点。"))
            return
        self.stderr.write(self.style.ERROR(f"审计日志已被篡改：{broken.reason}（此前 {checked} 条事件校验通过）。"))
        sys.exit(1)
