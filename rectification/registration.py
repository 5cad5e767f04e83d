"""What rectification registers with core at start-up: menu entries, workbench to-dos, and
the links on an inspection's pages. Each part (plans and tasks, reminders, assessments,
look-back) registers its own in ``registration_<part>.register()``."""

from importlib import import_module

PARTS = ("pages", "reminders", "ledger", "assessments", "lookback")


def register_all():
    for part in PARTS:
        try:
            module = import_module(f"rectification.registration_{part}")
        except ModuleNotFoundError:
            continue
        module.register()
