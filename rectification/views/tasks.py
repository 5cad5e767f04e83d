"""Pages of rectification tasks (整改任务): the unit writes the tasks of its draft plan,
reports progress with evidence once the plan is approved, and the office verifies each task
against its evidence (销号) or sends it back with a reason; evidence downloads.

Thin: each page finds its record through a selector (404 out of sight), calls a service of
``rectification.tasks`` and shows the service's Chinese messages next to the fields or as a
page message.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core import access
from core.files import ALLOWED_TEXT, file_response
from core.forms import error_text, is_id, post_form
from rectification import tasks as task_services
from rectification.evidence import MAX_FILES, evidence_open
from rectification.forms.tasks import ProgressForm, RejectForm, TaskForm, VerifyForm
from rectification.models import Evidence, RectificationPlan, RectificationTask
from rectification.plans import (
    default_deadline,
    findings_of,
    findings_without_tasks,
    plans_for,
)

TaskStatus = RectificationTask.Status


# Writing the three lists (the unit, while the plan is a draft or returned) ----------------------


def _drafting(request, plan: RectificationPlan):
    """None when the user may write the plan's tasks now; else the response to give."""
    if not access.may(request.user, "task.report", plan):
        raise PermissionDenied
    if not plan.editable:
        messages.error(request, f"整改方案{plan.get_status_display()}，不能修改整改任务。")
        return redirect("rectification:plan", plan.pk)
    return None


def _back(plan: RectificationPlan, finding_id=None) -> str:
    url = reverse("rectification:plan", args=[plan.pk])
    return f"{url}#finding-{finding_id}" if finding_id else url


@login_required
def task_new(request, pk):
    plan = get_object_or_404(plans_for(user=request.user), pk=pk)
    findings = findings_of(plan)
    if plan.status == RectificationPlan.Status.APPROVED and access.may(request.user, "task.report", plan):
        # 补充整改任务: only for findings that have none yet (found after the plan was approved).
        findings = findings.filter(pk__in=[f.pk for f in findings_without_tasks(plan)])
        if not findings.exists():
            messages.error(request, "整改方案已批准，每个问题都已有整改任务，不能再添加。")
            return redirect("rectification:plan", plan.pk)
    elif (refused := _drafting(request, plan)) is not None:
        return refused
    if request.method == "POST":
        form = TaskForm(request.POST, findings=findings)
        sent = post_form(
            request,
            form,
            lambda d: task_services.task_create(actor=request.user, plan=plan, **d),
            back=lambda task: _back(plan, task.finding_id),
            done=lambda task: f"已添加整改任务 {task.number}。",
        )
        if sent:
            return sent
    else:
        raw = request.GET.get("finding", "")
        finding = findings.filter(pk=int(raw)).first() if is_id(raw) else None
        form = TaskForm(
            findings=findings,
            initial={"finding": finding, "deadline": default_deadline(plan.inspection), "phase": "concentrated"},
        )
    return _render_form(request, plan, form, None)


@login_required
def task_edit(request, pk):
    task = get_object_or_404(task_services.tasks_for(user=request.user), pk=pk)
    plan = task.plan
    if (refused := _drafting(request, plan)) is not None:
        return refused
    findings = findings_of(plan)
    if request.method == "POST":
        form = TaskForm(request.POST, findings=findings)
        sent = post_form(
            request,
            form,
            lambda d: task_services.task_update(actor=request.user, task=task, **d),
            back=lambda saved: _back(plan, saved.finding_id),
            done=lambda saved: f"已保存整改任务 {saved.number}。",
        )
        if sent:
            return sent
    else:
        form = TaskForm(
            findings=findings,
            initial={
                "finding": task.finding,
                "measure": task.measure,
                "deadline": task.deadline,
                "responsible_leader": task.responsible_leader,
                "responsible_office": task.responsible_office,
                "phase": task.phase,
            },
        )
    return _render_form(request, plan, form, task)


def _render_form(request, plan, form, task):
    context = {
        "plan": plan,
        "inspection": plan.inspection,
        "form": form,
        "task": task,
        "default_deadline": default_deadline(plan.inspection),
    }
    return render(request, "rectification/task_form.html", context)


@login_required
@require_POST
def task_delete_view(request, pk):
    task = get_object_or_404(task_services.tasks_for(user=request.user), pk=pk)
    plan = task.plan
    if (refused := _drafting(request, plan)) is not None:
        return refused
    try:
        task_services.task_delete(actor=request.user, task=task)
    except ValidationError as e:
        messages.error(request, error_text(e))
    else:
        messages.success(request, f"已删除整改任务 {task.number}。")
    return redirect(_back(plan, task.finding_id))


# The task page: progress and verification --------------------------------------------------------


def _task(request, pk) -> RectificationTask:
    return get_object_or_404(task_services.tasks_for(user=request.user), pk=pk)


def _render_task(request, task: RectificationTask, *, progress=None, verify=None, reject=None, status=200):
    user = request.user
    task.refresh_from_db()
    held = access.roles_on(user, task)
    reporting = task_services.may_report(user, task, held=held)
    checking = task_services.may_verify(user, task, held=held)
    reports = list(task_services.progress_of(task))
    context = {
        "task": task,
        "plan": task.plan,
        "inspection": task.plan.inspection,
        "overdue": task_services.is_overdue(task),
        "reports": reports,
        "has_evidence": any(r.evidence.all() for r in reports),
        "checks": list(task.checks.select_related("checked_by").order_by("-checked_on", "-recorded_at", "-id")),
        "reminders": list(task.reminders.order_by("-raised_on", "-id")),
        "progress_form": (progress or ProgressForm()) if reporting else None,
        "verify_form": (verify or VerifyForm()) if checking else None,
        "reject_form": (reject or RejectForm()) if checking else None,
        "allowed_text": ALLOWED_TEXT,
        "max_files": MAX_FILES,
        "unit": access.may(user, "task.report", task, held=held),
        "office": access.may(user, "task.verify", task, held=held),
    }
    return render(request, "rectification/task.html", context, status=status)


@login_required
def task_page(request, pk):
    return _render_task(request, _task(request, pk))


def _post(request, task: RectificationTask, form, act, done):
    back = reverse("rectification:task", args=[task.pk])
    return post_form(request, form, act, back=back, done=done, record_errors="task")


@login_required
@require_POST
def task_progress_view(request, pk):
    task = _task(request, pk)
    if not access.may(request.user, "task.report", task):
        raise PermissionDenied
    form = ProgressForm(request.POST, request.FILES)

    def act(d):
        return task_services.task_progress(
            actor=request.user, task=task, text=d["text"], completed=d["completed"], uploads=d["files"]
        )

    def done(progress):
        return "已报告进展并申请销号，待巡察办核验佐证材料。" if progress.completed else "已报告整改进展。"

    return _post(request, task, form, act, done) or _render_task(request, task, progress=form)


@login_required
@require_POST
def task_verify_view(request, pk):
    task = _task(request, pk)
    if not access.may(request.user, "task.verify", task):
        raise PermissionDenied
    form = VerifyForm(request.POST)

    def act(d):
        return task_services.task_verify(actor=request.user, task=task, reason=d["reason"])

    done = f"整改任务 {task.number} 已核验销号。"
    return _post(request, task, form, act, done) or _render_task(request, task, verify=form)


@login_required
@require_POST
def task_reject_view(request, pk):
    task = _task(request, pk)
    if not access.may(request.user, "task.verify", task):
        raise PermissionDenied
    form = RejectForm(request.POST)

    def act(d):
        return task_services.task_reject(actor=request.user, task=task, reason=d["reason"])

    done = f"整改任务 {task.number} 已退回补充，单位补充佐证材料后可再次申请销号。"
    return _post(request, task, form, act, done) or _render_task(request, task, reject=form)


@login_required
def evidence_download(request, pk):
    evidence = Evidence.objects.select_related("progress__task__plan__inspection").filter(pk=pk).first()
    if evidence is None:
        raise Http404
    handle = evidence_open(actor=request.user, evidence=evidence)
    return file_response(handle, name=evidence.name, kind=evidence.kind)
