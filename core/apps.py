import os
import stat

from django.apps import AppConfig


def private_sqlite_file(sender, connection, **kwargs):
    """The SQLite database readable by its owner only (mode 0600, like the keys); SQLite gives
    its -wal and -shm files the database file's mode."""
    if connection.vendor != "sqlite":
        return
    name = str(connection.settings_dict.get("NAME") or "")
    on_disk = name and name != ":memory:" and not name.startswith("file:") and os.path.exists(name)
    if on_disk and stat.S_IMODE(os.stat(name).st_mode) != 0o600:
        os.chmod(name, 0o600)


def second_factor_check(app_configs, **kwargs):
    """``check --deploy`` warns where accounts sign in with a password alone."""
    from django.conf import settings
    from django.core.checks import Warning

    if settings.XUNCHA_OTP_REQUIRED:
        return []
    hint = "生产环境请删除环境变量 XUNCHA_OTP_REQUIRED=0（仅供演示）。"
    return [Warning("两步验证未强制启用：账号仅凭密码即可登录。", hint=hint, id="xuncha.W001")]


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "基础"

    def ready(self):
        from django.core.checks import Tags, register

        from core import scopes

        register(second_factor_check, Tags.security, deploy=True)
        from core.models import Receiver

        def resolve(ids):
            return {r.pk: (r.authority_id, r.name) for r in Receiver.objects.filter(pk__in=ids)}

        def choices(authority_id):
            return list(Receiver.objects.filter(authority_id=authority_id).values_list("pk", "name"))

        scopes.register("receiver", resolve, choices)

        from django.db.backends.signals import connection_created

        connection_created.connect(private_sqlite_file, dispatch_uid="core.private_sqlite_file")

        from core import access, menu
        from core.models import AuditEvent, User

        menu.register("", menu.MenuItem("工作台", "workbench", lambda u: True))
        menu.register("系统管理", menu.MenuItem("账号与授权", "accounts:list", lambda u: access.can(u, "view", User)))
        menu.register("系统管理", menu.MenuItem("审计日志", "audit:list", lambda u: access.can(u, "view", AuditEvent)))
        menu.register(
            "系统管理", menu.MenuItem("系统状态", "system", lambda u: access.may_somewhere(u, "system.status"))
        )
