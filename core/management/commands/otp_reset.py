"""Remove an account's second factor from the server's shell: for an administrator (三员),
whose phone the security administrator may not reset on the pages."""

from django.core.management.base import BaseCommand, CommandError

from core.models import User
from core.twofactor import otp_reset


class Command(BaseCommand):
    help = "重置一个账号的两步验证（手机验证器和恢复码），其下次登录时须重新设置；记入审计日志。"

    def add_arguments(self, parser):
        parser.add_argument("username", help="账号")

    def handle(self, *args, **options):
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"没有账号“{options['username']}”。")
        otp_reset(actor=None, user=user)
        self.stdout.write(self.style.SUCCESS(f"已重置 {user.username} 的两步验证：其下次登录时须用新手机重新设置。"))
