"""Pages of the reminders (整改督促): the list (the office's of its authority, the team's of
its inspection, the unit's own), the notice download, and the office's settings.

Thin: records come through ``rectification.reminders.reminders_for`` (404 out of sight),
writes and documents through the services, whose Chinese messages are shown by the field
or as a page message.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from core import access
from core.forms import error_text, is_id, post_form
from core.http import document_download
from core.paging import paginate
from core.pdf import pdf_require
from rectification.forms.reminders import ReminderFilterForm, ReminderSettingsForm
from rectification.models import RectificationTask, Reminder, ReminderSettings
from rectification.plans import plans_for
from rectification.reminder_documents import TITLES, reminder_document
from rectification.reminders import (
    NOTICE_KINDS,
    SETTING_FIELDS,
    may_set,
    reminder_settings_for,
    reminder_settings_update,
    reminders_for,
)


@login_required
def reminder_list(request):
    user = request.user
    access.require_page(user, "view", Reminder)
    form = ReminderFilterForm(request.GET or None)
    kind, state = "", ""
    if form.is_valid():
        kind, state = form.cleaned_data["kind"], form.cleaned_data["state"]
    raw_task, raw_plan = request.GET.get("task", ""), request.GET.get("plan", "")
    task_id = int(raw_task) if is_id(raw_task) else None
    plan_id = int(raw_plan) if is_id(raw_plan) else None
    qs = reminders_for(user=user, kind=kind or None, task_id=task_id, plan_id=plan_id)
    if state == "open":
        qs = qs.exclude(task__status=RectificationTask.Status.VERIFIED)
    elif state == "closed":
        qs = qs.filter(task__status=RectificationTask.Status.VERIFIED)
    page = paginate(request, qs)
    for reminder in page:
        reminder.task_url = reverse("rectification:task", args=[reminder.task_id])
        reminder.days_left = -reminder.days_overdue
        reminder.notice = TITLES.get(reminder.kind) if reminder.kind in NOTICE_KINDS else ""
    context = {
        "page": page,
        "form": form,
        "filtered": bool(kind or state or task_id or plan_id),
        "task_id": task_id,
        "plan_id": plan_id,
        "scope_plan": plans_for(user=user).filter(pk=plan_id).first() if plan_id else None,
        "can_set": may_set(user),
    }
    return render(request, "rectification/reminder_list.html", context)


@login_required
def reminder_document_view(request, pk, pdf=False):
    """The notice as .docx, or (``pdf``) as the same document converted to PDF."""
    if pdf:
        pdf_require()
    reminder = get_object_or_404(reminders_for(user=request.user), pk=pk)
    try:
        name, data = reminder_document(actor=request.user, reminder=reminder)
        return document_download(name, data, pdf=pdf)
    except ValidationError as e:
        messages.error(request, error_text(e))
        return redirect("rectification:reminders")


@login_required
def reminder_settings_view(request):
    user = request.user
    if not may_set(user):
        raise access.PageRefused(access.page_roles("change", ReminderSettings, authority_wide=True))
    current = reminder_settings_for(user.authority)
    form = ReminderSettingsForm(request.POST or None, initial={f: getattr(current, f) for f in SETTING_FIELDS})
    if request.method == "POST":
        sent = post_form(
            request,
            form,
            lambda d: reminder_settings_update(actor=user, authority=user.authority, **d),
            back="rectification:reminder_settings",
            done="整改督促设置已保存，自下次每日检查起按新设置发出提醒、督办、告诫和问责。",
        )
        if sent:
            return sent
    return render(request, "rectification/reminder_settings.html", {"form": form})
