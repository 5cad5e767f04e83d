"""The left menu, grouped by stage; each entry shows only if the role may use it.

Apps add their entries at start-up (``AppConfig.ready``) with ``register``, so
``core`` names no later app.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace

from django.urls import reverse

# The groups in the order of the work (ui.md); "" is the ungrouped top.
GROUPS = ["", "巡察规划", "进驻了解", "问题与报告", "移交", "整改", "数据比对", "统计", "系统管理"]


@dataclass(frozen=True)
class MenuItem:
    label: str
    url_name: str
    visible: Callable  # (user) -> bool
    active: bool = False

    @property
    def url(self) -> str:
        return reverse(self.url_name)


_items: list[tuple[str, MenuItem]] = []


def register(group: str, item: MenuItem) -> None:
    if group not in GROUPS:
        raise ValueError(f"unknown menu group {group!r}")
    if all(i.url_name != item.url_name for _, i in _items):
        _items.append((group, item))


def menu_for(user, path: str = "") -> list[tuple[str, list[MenuItem]]]:
    visible = [(g, item, item.url) for g, item in _items if item.visible(user)]
    # One entry is highlighted: the longest address the path falls under (/rectification/ledger/
    # is 整改台账's, not also 整改方案's at /rectification/).
    matches = [url for _, _, url in visible if (path == url if url == "/" else path.startswith(url))]
    current = max(matches, key=len, default=None)
    out = []
    for group in GROUPS:
        shown = [replace(item, active=url == current) for g, item, url in visible if g == group]
        if shown:
            out.append((group, shown))
    return out


# Links on an inspection's pages to the parts of later stages (its on-site desk, its report,
# its leads, …): each app registers a function (user, inspection) -> [(label, url)], so an
# earlier app's page shows them without importing the later app.
LinkProvider = Callable[[object, object], list[tuple[str, str]]]
_inspection_links: list[LinkProvider] = []


def register_inspection_links(provider: LinkProvider) -> None:
    if provider not in _inspection_links:
        _inspection_links.append(provider)


def inspection_links(user, inspection) -> list[tuple[str, str]]:
    return [link for provider in _inspection_links for link in provider(user, inspection)]
