"""Escalating reminders (整改督促): 提醒, 督办, 告诫, 问责 on tasks due soon or overdue.

The daily background task (``rectification.jobs.reminders_daily``, run by ``manage.py
db_worker`` and enqueued by ``manage.py run_periodic``) calls ``reminders_raise``. The
office sets when each step is due (``ReminderSettings``, one row per authority):

- 提醒 from ``remind_days_before`` days before the deadline,
- 督办 from ``supervise_days_after`` days after it,
- 告诫 from ``warn_days_after`` days after it,
- 问责 from ``account_days_after`` days after it.

Only tasks of approved plans that the unit still owes are reminded: a verified task
(已销号) is closed, and one reported done and waiting for the office (待核验) is not the
unit's fault. A task sent back (退回补充) is reminded again.

The ladder is climbed one step at a time: the first reminder of a task is a 提醒 before
its deadline or a 督办 once it is overdue (never straight to 告诫 or 问责), and each later
step comes only when it is due and the settings' interval since the step before has
passed (告诫 ``warn_days_after - supervise_days_after`` days after the 督办, 问责
``account_days_after - warn_days_after`` days after the 告诫), so the unit always has the
time the rules give it between steps, even when the run was first made late or the task
came back (退回补充) long after its deadline.

Each step is a ``Reminder`` dated the day it was raised, once per task, kind and deadline:
a new deadline (二次整改) starts the ladder again.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core import access
from core.audit import audit_record
from rectification.models import RectificationPlan, RectificationTask, Reminder, ReminderSettings

Kind = Reminder.Kind
# The steps, lowest first, with the setting that says when each is due.
LADDER = (
    (Kind.REMIND, "remind_days_before"),
    (Kind.SUPERVISE, "supervise_days_after"),
    (Kind.WARN, "warn_days_after"),
    (Kind.ACCOUNT, "account_days_after"),
)
SETTING_FIELDS = tuple(field for _, field in LADDER)
REMIND_MAX = 30  # the furthest ahead a 提醒 may be set (and so how far ahead reminders_raise looks)
AFTER_MAX = 365
# Steps that come with a notice (.docx) for the unit.
NOTICE_KINDS = frozenset({Kind.SUPERVISE, Kind.WARN, Kind.ACCOUNT})
# Tasks the unit still owes: not closed, not waiting for the office.
OWED = (RectificationTask.Status.IN_PROGRESS, RectificationTask.Status.REJECTED)


# Settings --------------------------------------------------------------------------------


def reminder_settings_for(authority) -> ReminderSettings:
    """The authority's settings, or the defaults (unsaved) when the office never changed them."""
    authority_id = getattr(authority, "pk", authority)
    return ReminderSettings.objects.filter(authority_id=authority_id).first() or ReminderSettings(
        authority_id=authority_id
    )


def reminder_settings_errors(values: dict) -> dict:
    """Chinese messages by field for settings that cannot work: 提醒 1–30 days before the
    deadline; 督办, 告诫, 问责 each 1–365 days after it, in that order."""
    errors: dict = {}
    remind = values.get("remind_days_before")
    if not isinstance(remind, int) or not 1 <= remind <= REMIND_MAX:
        errors["remind_days_before"] = [f"须为 1 到 {REMIND_MAX} 之间的整数。"]
    for field in SETTING_FIELDS[1:]:
        value = values.get(field)
        if not isinstance(value, int) or not 1 <= value <= AFTER_MAX:
            errors[field] = [f"须为 1 到 {AFTER_MAX} 之间的整数。"]
    ordered = (
        ("supervise_days_after", "warn_days_after", "告诫须晚于督办：逾期几天告诫须大于逾期几天督办。"),
        ("warn_days_after", "account_days_after", "问责须晚于告诫：逾期几天问责须大于逾期几天告诫。"),
    )
    for lower, higher, message in ordered:
        if lower not in errors and higher not in errors and values[higher] <= values[lower]:
            errors[higher] = [message]
    return errors


def reminder_settings_update(*, actor, authority, **values) -> ReminderSettings:
    """The office sets when each step is raised; the next daily run follows the new settings
    (reminders already raised stay). ``PermissionDenied`` for anyone but the authority's office."""
    access.check_authority(actor, "change", ReminderSettings, authority)
    current = reminder_settings_for(authority)
    before = {f: getattr(current, f) for f in SETTING_FIELDS}
    merged = {**before, **{f: values[f] for f in SETTING_FIELDS if f in values}}
    errors = reminder_settings_errors(merged)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = ReminderSettings.objects.select_for_update().filter(authority_id=authority.pk).first() or current
        for field, value in merged.items():
            setattr(current, field, value)
        current.save()
        changes = {f: [before[f], merged[f]] for f in SETTING_FIELDS if before[f] != merged[f]}
        audit_record(
            actor=actor,
            action="reminder_settings.update",
            obj=current,
            authority=authority,
            detail={"changes": changes},
        )
    return current


# The ladder ------------------------------------------------------------------------------


def step_due(days_overdue: int, settings: ReminderSettings) -> str | None:
    """The highest step due for a task ``days_overdue`` days past its deadline (negative:
    days still left), or None when nothing is due yet."""
    due = None
    if days_overdue >= -settings.remind_days_before:
        due = Kind.REMIND
    for kind, field in LADDER[1:]:
        if days_overdue >= getattr(settings, field):
            due = kind
    return due


KINDS_BY_LEVEL = {Reminder.LEVEL[kind]: kind for kind, _ in LADDER}


def next_step(
    days_overdue: int, settings: ReminderSettings, last: tuple[int, datetime.date] | None, on: datetime.date
) -> str | None:
    """The step to raise on ``on``: one above ``last`` (the level and date of the highest
    step raised for the current deadline), if the ladder is due that high and the interval
    since ``last`` has passed; the first step is 提醒 before the deadline, 督办 after it."""
    due = step_due(days_overdue, settings)
    if due is None:
        return None
    due_level = Reminder.LEVEL[due]
    if last is None:
        return Kind.REMIND if due_level == 1 else Kind.SUPERVISE
    level, raised_on = last
    if due_level <= level:
        return None
    nxt = level + 1
    if nxt > 2:  # 告诫 and 问责 wait the interval since the step before
        gap = getattr(settings, LADDER[nxt - 1][1]) - getattr(settings, LADDER[nxt - 2][1])
        if (on - raised_on).days < gap:
            return None
    return KINDS_BY_LEVEL[nxt]


def candidates(on: datetime.date):
    """Tasks that may need a reminder on ``on``: of approved plans, still owed by the unit,
    due within the furthest 提醒 any office may set (30 days) or past."""
    return RectificationTask.objects.filter(
        plan__status=RectificationPlan.Status.APPROVED,
        status__in=OWED,
        deadline__lte=on + datetime.timedelta(days=REMIND_MAX),
    ).select_related("plan__inspection__organization")


def reminders_raise(*, on: datetime.date | None = None) -> list[Reminder]:
    """Raise the reminders due on ``on`` (default today) and answer those created.

    For each task still owed (see ``candidates``), the next step of the ladder is raised,
    dated ``on``, when it is due (``next_step``): a task first found 20 days overdue gets its
    督办 that day and its 告诫 only once the interval after the 督办 has passed. A day missed
    (the worker down) is caught up the next day the same way.

    Idempotent: running twice on ``on`` creates nothing twice; the unique constraint on
    (task, kind, deadline) with ``get_or_create`` keeps two workers racing from doubling a
    step. Each reminder created is audited with the system as actor (``actor=None``).
    """
    on = on or timezone.localdate()
    tasks = list(candidates(on))
    if not tasks:
        return []
    settings = {}
    raised: dict[tuple[int, datetime.date], tuple[int, datetime.date]] = {}
    rows = Reminder.objects.filter(task__in=tasks).values_list("task_id", "kind", "due_on", "raised_on")
    for task_id, raised_kind, due_on, raised_on in rows:
        level = Reminder.LEVEL[raised_kind]
        if raised.get((task_id, due_on), (0,))[0] < level:
            raised[(task_id, due_on)] = (level, raised_on)
    created: list[Reminder] = []
    for task in tasks:
        if task.authority_id not in settings:
            settings[task.authority_id] = reminder_settings_for(task.authority_id)
        days_overdue = (on - task.deadline).days
        kind = next_step(days_overdue, settings[task.authority_id], raised.get((task.pk, task.deadline)), on)
        if kind is None:
            continue
        with transaction.atomic():
            reminder, made = Reminder.objects.get_or_create(
                task=task,
                kind=kind,
                due_on=task.deadline,
                defaults={"authority_id": task.authority_id, "raised_on": on, "days_overdue": days_overdue},
            )
            if made and kind in NOTICE_KINDS:
                _number(reminder, task)
            if made:
                audit_record(
                    actor=None,
                    action="reminder.raise",
                    obj=reminder,
                    authority=task.authority_id,
                    detail={
                        "task": task.pk,
                        "kind": kind,
                        "due_on": task.deadline.isoformat(),
                        "days_overdue": days_overdue,
                        "organization": task.plan.inspection.organization.name,
                    },
                )
                created.append(reminder)
    return created


def number_kind(reminder: Reminder) -> str:
    """The ``DocumentNumber.kind`` of a reminder's notice."""
    return f"reminder-{reminder.pk}"


def notice_document_kind(reminder: Reminder) -> str:
    """The row of ``core.documents.DOCUMENT_KINDS`` of a reminder's notice."""
    return "accountability" if reminder.kind == Kind.ACCOUNT else "reminder_notice"


def _number(reminder: Reminder, task: RectificationTask) -> None:
    """A notice is numbered when its step is raised (the office's sequence for the year), so
    that numbers follow the dates the notices bear."""
    from planning.documents import document_number_issue, document_settings_for

    inspection = task.plan.inspection
    reminder.document_number = document_number_issue(
        actor=None,
        inspection=inspection,
        kind=number_kind(reminder),
        document_kind=notice_document_kind(reminder),
        doc_settings=document_settings_for(inspection.authority),
        on=reminder.raised_on,
    ).text
    Reminder.objects.filter(pk=reminder.pk).update(document_number=reminder.document_number)


# Reads -----------------------------------------------------------------------------------


def reminders_for(*, user, kind: str | None = None, plan_id: int | None = None, task_id: int | None = None):
    """Reminders the user may see (the office's and leading group's of their authorities,
    the team's of its inspection, the unit's own), newest first, optionally filtered.
    ``ValidationError`` for an unknown kind."""
    if kind and kind not in Kind.values:
        raise ValidationError({"kind": [ValidationError("类别只能是提醒、督办、告诫或问责。", code="unknown_choice")]})
    qs = Reminder.objects.select_related(
        "task__plan__inspection__organization", "task__plan__inspection__round__term", "task__finding"
    )
    if kind:
        qs = qs.filter(kind=kind)
    if plan_id is not None:
        qs = qs.filter(task__plan_id=plan_id)
    if task_id is not None:
        qs = qs.filter(task_id=task_id)
    return access.restrict(qs, user, "view")


def may_view(user) -> bool:
    return access.can(user, "view", Reminder)


def may_set(user) -> bool:
    """Whether the user may edit their own authority's reminder settings (the office)."""
    authority_id = getattr(user, "authority_id", None)
    return authority_id is not None and authority_id in access.authorities_for(user, "change", ReminderSettings)


def todos_for(user) -> list:
    """The reminders on tasks not yet verified, until they are: for the unit's
    liaison(s) of the organisation, the office of the task's authority, and the responsible
    leader (a liaison of the organisation whose full name is the task's responsible leader,
    marked "（您是责任领导）"). One to-do per task: its highest step on the current deadline."""
    from django.urls import reverse

    from core.workbench import Todo

    # Those who verify the task (the office) and those who report on it (the unit).
    offices = access.step_authorities(user, "task.verify")
    units = access.step_scopes(user, "task.report")
    if not offices and not units:
        return []
    mine = Q(authority_id__in=offices)
    for authority_id, org_id in units:
        mine |= Q(authority_id=authority_id, task__plan__inspection__organization_id=org_id)
    qs = (
        Reminder.objects.filter(mine, task__plan__status=RectificationPlan.Status.APPROVED)
        .exclude(task__status=RectificationTask.Status.VERIFIED)
        .select_related("task__plan__inspection__organization")
    )
    latest: dict[int, Reminder] = {}
    for reminder in access.restrict(qs, user, "view"):
        if reminder.due_on != reminder.task.deadline:
            continue  # a step of an earlier deadline: the ladder started again
        held = latest.get(reminder.task_id)
        if held is None or reminder.level > held.level:
            latest[reminder.task_id] = reminder
    today = timezone.localdate()
    name = (getattr(user, "full_name", "") or "").strip()
    items = []
    for reminder in latest.values():
        task = reminder.task
        org = task.plan.inspection.organization
        days = (today - task.deadline).days  # as of today, not as of the day the step was raised
        when = f"逾期 {days} 天" if days > 0 else "今日到期" if days == 0 else f"{-days} 天后到期"
        title = f"{org.name}：整改任务 {task.number} {reminder.get_kind_display()}（{when}）"
        if name and name == task.responsible_leader.strip() and (reminder.authority_id, org.pk) in units:
            title += "（您是责任领导）"
        items.append(Todo(title, reverse("rectification:task", args=[task.pk]), task.deadline, "整改"))
    return items
