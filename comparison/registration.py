"""What comparison registers with core at start-up (``ComparisonConfig.ready``): the menu
group 数据比对 (数据集, 比对规则, 比对任务) for whoever takes its steps. (The leads on the
on-site desk: ``comparison.hits.desk_panels``, a card of the hits confirmed to the inspection.)"""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse


def _routed(url_name: str) -> bool:
    try:
        reverse(url_name)
    except NoReverseMatch:
        return False
    return True


def desk_panels(user: Any, inspection: Any) -> list:
    """The on-site desk's card of data comparison's leads (imported when a desk is shown, so that
    start-up does not load the engines)."""
    from comparison.hits import desk_panels as panels

    return panels(user, inspection)


def register_all() -> None:
    from core import access, desk, menu

    def may(step: str, url_name: str) -> Any:
        return lambda user: access.may_somewhere(user, step) and _routed(url_name)

    for label, url_name, step in (
        ("数据集", "comparison:datasets", "dataset.upload"),
        ("比对规则", "comparison:rules", "rule.write"),
        ("比对任务", "comparison:runs", "comparison.run"),
    ):
        menu.register("数据比对", menu.MenuItem(label, url_name, may(step, url_name)))
    desk.register(desk_panels)
