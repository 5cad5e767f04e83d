from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "基础"

    def ready(self):
        from core import scopes
        from core.models import Receiver

        def resolve(ids):
            return {r.pk: (r.authority_id, r.name) for r in Receiver.objects.filter(pk__in=ids)}

        def choices(authority_id):
            return list(Receiver.objects.filter(authority_id=authority_id).values_list("pk", "name"))

        scopes.register("receiver", resolve, choices)

        from core import access, menu
        from core.models import AuditEvent, User

        menu.register("", menu.MenuItem("工作台", "workbench", lambda u: True))
        menu.register("系统管理", menu.MenuItem("账号与授权", "accounts:list", lambda u: access.can(u, "view", User)))
        menu.register("系统管理", menu.MenuItem("审计日志", "audit:list", lambda u: access.can(u, "view", AuditEvent)))
        menu.register(
            "系统管理", menu.MenuItem("系统状态", "system", lambda u: access.may_somewhere(u, "system.status"))
        )
