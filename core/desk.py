"""Panels on an inspection's on-site desk that later apps contribute (data comparison's leads).

onsite imports no later app: a later app registers a provider at start-up. A provider takes
the user and the inspection and answers ``Panel`` rows (or none), already within the user's
scope.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class PanelItem:
    title: str
    url: str
    tag: str = ""  # a short state (待核实)
    detail: str = ""  # one line under the title


@dataclass(frozen=True)
class Panel:
    title: str
    items: list[PanelItem] = field(default_factory=list)
    empty: str = "暂无。"
    more_url: str = ""


PanelProvider = Callable[[object, object], list[Panel]]
_providers: list[PanelProvider] = []


def register(provider: PanelProvider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def panels_for(user, inspection) -> list[Panel]:
    return [panel for provider in _providers for panel in provider(user, inspection)]
