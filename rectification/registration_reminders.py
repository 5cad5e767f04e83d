"""What the reminders register with core at start-up: the menu entry and the workbench to-dos."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from core import access
from rectification.models import RectificationPlan, RectificationTask, Reminder

OFFICE_ROLES = (access.OFFICE, access.OFFICE_HEAD)


def todos_for(user) -> list:
    """The reminders on tasks not yet verified, until they are: for the unit's
    liaison(s) of the organisation, the office of the task's authority, and the responsible
    leader (a liaison of the organisation whose full name is the task's responsible leader,
    marked "（您是责任领导）"). One to-do per task: its highest step on the current deadline."""
    from django.urls import reverse

    from core.workbench import Todo

    grants = access.grants(user)
    offices = {g.authority_id for g in grants if g.role in OFFICE_ROLES}
    units = {(g.authority_id, g.scope_id) for g in grants if g.role == access.UNIT_LIAISON and g.scope_id}
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


def register():
    from core import menu, workbench
    from rectification.reminders import may_view

    menu.register("整改", menu.MenuItem("整改督促", "rectification:reminders", may_view))
    workbench.register(todos_for)
