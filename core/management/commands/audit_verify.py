"""Recompute the audit trail's hash chain and check it against the anchors outside the
database; exit non-zero at the first break. A chain found intact is anchored at its head."""

import sys

from django.core.management.base import BaseCommand

from core.audit import AnchorCopyMissing, audit_anchor, audit_verify_chain

KINDS = {
    "edited": "事件被改动",
    "deleted": "事件被删除",
    "reordered": "事件顺序被调换",
    "cut": "末尾事件被删除",
    "rewritten": "哈希链被重写",
}


class Command(BaseCommand):
    help = (
        "校验审计日志哈希链（以审计密钥计算，并与数据库外的锚点文件核对）：发现被改动、删除、调换顺序、"
        "截去末尾或整链重写的事件时报告第一处断点并以非零状态退出；完整时把链尾记入锚点文件。"
    )

    def handle(self, *args, **options):
        try:
            checked, broken = audit_verify_chain()
        except AnchorCopyMissing as e:
            self.stderr.write(self.style.ERROR(f"无法校验审计日志：{e}"))
            sys.exit(1)
        if broken is None:
            anchored = audit_anchor()
            tail = f"；链尾第 {anchored} 号已记入锚点文件" if anchored else ""
            self.stdout.write(self.style.SUCCESS(f"审计日志完整：已校验 {checked} 条事件，哈希链无断点{tail}。"))
            return
        self.stderr.write(
            self.style.ERROR(
                f"审计日志已被篡改（{KINDS[broken.kind]}）：{broken.reason}（此前 {checked} 条事件校验通过）。"
            )
        )
        sys.exit(1)
