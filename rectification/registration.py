"""What rectification registers with core at start-up: menu entries, workbench to-dos, and
the links on an inspection's pages. Each part registers its own."""


def register_all():
    from rectification import (
        registration_assessments,
        registration_ledger,
        registration_lookback,
        registration_pages,
        registration_reminders,
    )

    for part in (
        registration_pages,
        registration_reminders,
        registration_ledger,
        registration_assessments,
        registration_lookback,
    ):
        part.register()
