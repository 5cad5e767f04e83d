"""Rows of the four-permission-cases table (core/tests/test_permissions.py) for the reminder
pages and API: county A's approved plan with its tasks five days overdue, reminded (督办)."""

from core.tests.permissions import Case
from rectification.reminder_documents import TITLES
from rectification.tests.factories import reminded


def org(w):
    return w["a"].orgs["dept"].name


SETTINGS = {
    "remind_days_before": 10,
    "supervise_days_after": 3,
    "warn_days_after": 20,
    "account_days_after": 40,
}

CASES = [
    Case(
        "reminders list",
        "get",
        lambda w: reminded(w) and "/rectification/reminders/",
        "office",
        200,
        marker=org,
        list_view=True,
        denied=403,
    ),
    Case(
        "reminders list unit",
        "get",
        lambda w: reminded(w) and "/rectification/reminders/?kind=supervise",
        "unit_liaison",
        200,
        marker=org,
        list_view=True,
        denied=403,
    ),
    Case(
        "reminder notice",
        "get",
        lambda w: f"/rectification/reminders/{reminded(w).pk}/notice.docx",
        "office",
        200,
        marker=lambda w: "word/document.xml",  # a Word file, not a page
    ),
    Case(
        "reminder notice unit",
        "get",
        lambda w: f"/rectification/reminders/{reminded(w).pk}/notice.docx",
        "unit_liaison",
        200,
        marker=lambda w: "word/document.xml",
    ),
    Case(
        "reminder notice pdf",
        "get",
        lambda w: f"/rectification/reminders/{reminded(w).pk}/notice.pdf",
        "unit_liaison",
        200,
        marker=lambda w: TITLES[reminded(w).kind],
        pdf=True,
    ),
    Case(
        "reminder settings",
        "get",
        lambda w: "/rectification/reminders/settings/",
        "office",
        200,
        own_authority=True,
        denied=403,
    ),
    Case(
        "reminder settings save",
        "post",
        lambda w: "/rectification/reminders/settings/",
        "office",
        302,
        body=lambda w: SETTINGS,
        own_authority=True,
        denied=403,
    ),
    Case(
        "api reminders",
        "get",
        lambda w: reminded(w) and "/api/v1/reminders",
        "office",
        200,
        api=True,
        list_view=True,
        marker=org,
    ),
    Case(
        "api reminder notice",
        "get",
        lambda w: f"/api/v1/reminders/{reminded(w).pk}/notice.docx",
        "team_member",
        200,
        api=True,
        marker=lambda w: "word/document.xml",
    ),
    Case(
        "api reminder notice pdf",
        "get",
        lambda w: f"/api/v1/reminders/{reminded(w).pk}/notice.pdf",
        "team_member",
        200,
        api=True,
        marker=lambda w: TITLES[reminded(w).kind],
        pdf=True,
    ),
]
