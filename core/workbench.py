"""The workbench collects to-dos from every stage.

Later apps register a provider at start-up; a provider takes the user and
returns ``Todo`` items that user must act on (already narrowed by access).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.utils import timezone


@dataclass
class Todo:
    title: str
    url: str
    due_on: date | None = None
    category: str = ""

    @property
    def urgency(self) -> str:
        """``overdue`` (red), ``soon`` (today or within 7 days, orange) or ``normal``."""
        if self.due_on is None:
            return "normal"
        days = (self.due_on - timezone.localdate()).days
        return "overdue" if days < 0 else "soon" if days <= 7 else "normal"

    @property
    def due_label(self) -> str:
        """The due date as the workbench shows it: 今日到期 on the day itself, else the date."""
        if self.due_on is None:
            return ""
        return "今日到期" if self.due_on == timezone.localdate() else f"{self.due_on:%Y-%m-%d}"


Provider = Callable[[object], list[Todo]]
FigureProvider = Callable[[object], list[tuple[str, int, str]]]  # (label, value, unit)
_providers: list[Provider] = []
_figure_providers: list[FigureProvider] = []


def register(provider: Provider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def register_figures(provider: FigureProvider) -> None:
    """The few figures a role watches, shown above the to-dos."""
    if provider not in _figure_providers:
        _figure_providers.append(provider)


def figures_for(user) -> list[tuple[str, int, str]]:
    return [figure for provider in _figure_providers for figure in provider(user)]


def todos_for(user) -> list[Todo]:
    items = [todo for provider in _providers for todo in provider(user)]
    return sorted(items, key=lambda t: (t.due_on is None, t.due_on or date.max))
