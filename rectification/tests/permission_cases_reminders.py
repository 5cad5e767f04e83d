"""Rows of the four-permission-cases table (core/tests/test_permissions.py) for the reminder
pages and API: county A's approved plan with its tasks five days overdue, reminded (督办)."""

import datetime

from django.utils import timezone

from core.tests.permissions import Case


def reminded(w, key="a"):
    """County ``key``'s 督办 on task 1 of its approved plan, five days overdue."""
    from rectification.models import RectificationTask, Reminder
    from rectification.reminders import reminders_raise
    from rectification.tests.factories import plan

    p = plan(w, key)
    today = timezone.localdate()
    RectificationTask.objects.filter(plan=p).update(deadline=today - datetime.timedelta(days=5))
    reminders_raise(on=today)
    return Reminder.objects.filter(task__plan=p, kind="supervise").order_by("task__number").first()


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
    ),
    Case(
        "reminders list unit",
        "get",
        lambda w: reminded(w) and "/rectification/reminders/?kind=supervise",
        "unit_liaison",
        200,
        marker=org,
        list_view=True,
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
    Case("reminder settings", "get", lambda w: "/rectification/reminders/settings/", "office", 200, own_authority=True),
    Case(
        "reminder settings save",
        "post",
        lambda w: "/rectification/reminders/settings/",
        "office",
        302,
        body=lambda w: SETTINGS,
        own_authority=True,
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
]
