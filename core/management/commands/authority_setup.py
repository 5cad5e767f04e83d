"""Set up an inspection authority with its three administrators (三员).

    python manage.py authority_setup --code QH --name "中共青禾县委巡察办" --level county [--parent MH]

Creates the authority (if new) and the accounts ``<code>_sysadmin``,
``<code>_secadmin`` and ``<code>_auditor`` with generated passwords, printed
once; each must change it at first login. From then on the security
administrator creates every other account in the pages. Running it again
creates nothing new and prints no password.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core.models import Authority, User
from core.passwords import password_generate
from core.services import authority_create, role_assign, user_create

ADMINS = [("sysadmin", "系统管理员"), ("secadmin", "安全保密管理员"), ("auditor", "安全审计员")]


class Command(BaseCommand):
    help = "新建巡察机构及其系统管理员、安全保密管理员、安全审计员账号（初始密码只显示一次）。"

    def add_arguments(self, parser):
        parser.add_argument("--code", required=True, help="机构编码，如 QH")
        parser.add_argument("--name", required=True, help="机构名称")
        parser.add_argument("--level", required=True, choices=[c for c, _ in Authority.Level.choices])
        parser.add_argument("--parent", help="上级机构编码")

    def handle(self, *args, code, name, level, parent=None, **options):
        parent_authority = None
        if parent:
            parent_authority = Authority.objects.filter(code=parent).first()
            if parent_authority is None:
                raise CommandError(f"上级机构编码“{parent}”不存在。")
        with transaction.atomic():
            authority = Authority.objects.filter(code=code).first()
            if authority is None:
                authority = authority_create(actor=None, name=name, code=code, level=level, parent=parent_authority)
                self.stdout.write(f"已新建机构：{authority.name}（{authority.code}）")
            created = []
            for role, label in ADMINS:
                username = f"{code.lower().replace('-', '_')}_{role}"
                if User.objects.filter(username=username).exists():
                    continue
                password = password_generate()
                user = user_create(
                    actor=None,
                    authority=authority,
                    username=username,
                    full_name=label,
                    password=password,
                    must_change_password=True,
                )
                role_assign(actor=None, user=user, role=role, authority=authority)
                created.append((username, password, label))
        for username, password, label in created:
            self.stdout.write(f"{label}  账号 {username}  初始密码 {password}")
        if created:
            self.stdout.write("以上初始密码只显示这一次，请分别当面交给三名管理员；首次登录须修改。")
        else:
            self.stdout.write("三员账号均已存在，未作改动。")
