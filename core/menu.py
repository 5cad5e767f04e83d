"""The left menu, grouped by stage; each entry shows only if the role may use it."""

from dataclasses import dataclass

from django.urls import reverse

from core import access


@dataclass
class MenuItem:
    label: str
    url_name: str
    icon: str
    visible: object  # callable(user) -> bool
    active: bool = False

    @property
    def url(self) -> str:
        return reverse(self.url_name)


def _models():
    from core.models import AuditEvent, User
    from registry.models import Organization

    return {"org": Organization, "user": User, "audit": AuditEvent}


def menu_for(user, path: str = "") -> list[tuple[str, list[MenuItem]]]:
    m = _models()
    groups = [
        ("", [MenuItem("工作台", "workbench", "home", lambda u: True)]),
        ("巡察规划", [MenuItem("党组织名册", "registry:list", "tree", lambda u: access.can(u, "view", m["org"]))]),
        (
            "系统管理",
            [
                MenuItem("账号与授权", "accounts:list", "users", lambda u: access.can(u, "view", m["user"])),
                MenuItem("审计日志", "audit:list", "log", lambda u: access.can(u, "view", m["audit"])),
                MenuItem("系统状态", "system", "gear", lambda u: access.SYSADMIN in access.roles(u)),
            ],
        ),
    ]
    out = []
    for title, items in groups:
        shown = [i for i in items if i.visible(user)]
        for i in shown:
            i.active = path == i.url if i.url == "/" else path.startswith(i.url)
        if shown:
            out.append((title, shown))
    return out
