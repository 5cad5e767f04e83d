"""Write the audit chain's committed head to the anchor file outside the database (daily)."""

from django.core.management.base import BaseCommand

from core.audit import anchor_path, audit_anchor


class Command(BaseCommand):
    help = "把审计日志哈希链的链尾（序号和哈希）记入数据库之外的锚点文件；建议每天运行。"

    def handle(self, *args, **options):
        anchored = audit_anchor()
        if anchored is None:
            self.stdout.write("审计日志尚无事件，无需记录锚点。")
        else:
            self.stdout.write(self.style.SUCCESS(f"已记录锚点：第 {anchored} 号事件（{anchor_path()}）。"))
