"""Pages of the ledger (整改台账): the filtered list of every task the user may see with its
Excel export, a plan's ledger download, and the unit's import of progress (upload → every
row checked, the changes or the problems shown → confirm → written, or nothing).

Thin: records through selectors (404 out of sight), rules in ``rectification.ledger``.
"""

from __future__ import annotations

import secrets
import time
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from core import access
from core.files import file_erase, file_path
from core.http import XLSX, attachment
from core.paging import paginate
from rectification.forms.ledger import LedgerFilterForm, LedgerImportForm
from rectification.ledger import ledger_export, ledger_import, ledger_tasks, plan_ledger_export
from rectification.models import RectificationPlan, RectificationTask
from rectification.plans import plans_for
from rectification.tasks import is_overdue, tasks_for


def _url(name: str, *args) -> str:
    return reverse(name, args=args)


def _require_view(user) -> None:
    access.require_page(user, "view", RectificationTask)


def _form(request):
    return LedgerFilterForm(request.GET or None, tasks=tasks_for(user=request.user))


@login_required
def ledger_page(request):
    user = request.user
    _require_view(user)
    form = _form(request)
    filters = form.filters()
    page = paginate(request, ledger_tasks(user=user, filters=filters))
    today = timezone.localdate()
    for task in page:
        task.url = _url("rectification:task", task.pk)
        task.overdue = is_overdue(task, today)
    query = request.GET.copy()
    for key in ("page", "per_page"):
        query.pop(key, None)
    plans = plans_for(user=user).filter(tasks__isnull=False).distinct().order_by("inspection__organization__name")
    if filters.organization_id:
        plans = plans.filter(inspection__organization_id=filters.organization_id)
    if filters.round_id:
        plans = plans.filter(inspection__round_id=filters.round_id)
    plan_links = []
    for plan in plans[:20]:
        plan_links.append(
            {
                "plan": plan,
                "url": _url("rectification:plan", plan.pk),
                "download": reverse("rectification:plan_ledger", args=[plan.pk]),
                "import": reverse("rectification:plan_ledger_import", args=[plan.pk])
                if plan.status == RectificationPlan.Status.APPROVED and access.may(user, "task.report", plan)
                else None,
            }
        )
    return render(
        request,
        "rectification/ledger.html",
        {
            "form": form,
            "page": page,
            "filtered": any(v for k, v in request.GET.items() if k not in ("page", "per_page")),
            "export_url": f"{reverse('rectification:ledger_export')}?{query.urlencode()}",
            "plan_links": plan_links,
        },
    )


@login_required
def ledger_export_view(request):
    _require_view(request.user)
    name, data = ledger_export(actor=request.user, filters=_form(request).filters())
    return attachment(data, name, XLSX)


@login_required
def plan_ledger_view(request, pk):
    plan = get_object_or_404(plans_for(user=request.user), pk=pk)
    name, data = plan_ledger_export(actor=request.user, plan=plan)
    return attachment(data, name, XLSX)


# The import ------------------------------------------------------------------------------

PENDING_HOURS = 24


def _pending_dir() -> Path:
    path = file_path("pending")
    path.mkdir(parents=True, exist_ok=True)
    return path


def _pending_path(token: str) -> Path:
    if not token.isascii() or not token.isalnum():
        raise Http404
    return _pending_dir() / f"ledger-{token}.xlsx"


def _pending_purge() -> None:
    """Remove checked files that were never confirmed."""
    cutoff = time.time() - PENDING_HOURS * 3600
    for path in _pending_dir().glob("ledger-*.xlsx"):
        if path.stat().st_mtime < cutoff:
            file_erase(path)


def _session_key(plan: RectificationPlan) -> str:
    return f"rectification_ledger_import_{plan.pk}"


@login_required
def plan_ledger_import_view(request, pk):
    """The unit's liaison uploads its filled-in ledger, sees the changes (or every row's
    problem), then confirms; all or nothing."""
    user = request.user
    plan = get_object_or_404(plans_for(user=user), pk=pk)
    if not access.may(user, "task.report", plan):
        raise PermissionDenied
    key = _session_key(plan)
    form = LedgerImportForm(request.POST or None, request.FILES or None)
    ctx = {"plan": plan, "form": form, "ledger_url": _ledger_url(plan), "plan_url": _url("rectification:plan", plan.pk)}
    if request.method == "POST" and "confirm" in request.POST:
        token = request.session.get(key, "")
        path = _pending_path(token) if token else None
        if not path or not path.exists() or request.POST.get("token") != token:
            messages.error(request, "待导入的文件已失效，请重新上传。")
            return redirect("rectification:plan_ledger_import", plan.pk)
        data = path.read_bytes()
        file_erase(path)
        request.session.pop(key, None)
        result = ledger_import(actor=user, plan=plan, data=data)
        if result.ok:
            messages.success(
                request,
                f"导入完成：更新 {len(result.changes)} 项整改任务的进展"
                f"（其中申请销号 {result.completed} 项），{result.unchanged} 项未变化。",
            )
            return redirect(ctx["ledger_url"])
        ctx["result"] = result
    elif request.method == "POST" and form.is_valid():
        _pending_purge()
        upload = form.cleaned_data["file"]
        data = upload.read()
        result = ledger_import(actor=user, plan=plan, data=data, name=upload.name, dry_run=True)
        ctx["result"] = result
        if result.ok and result.changes:
            token = secrets.token_hex(16)
            _pending_path(token).write_bytes(data)
            request.session[key] = token
            ctx["token"] = token
            ctx["filename"] = upload.name
    return render(request, "rectification/ledger_import.html", ctx)


def _ledger_url(plan: RectificationPlan) -> str:
    return f"{reverse('rectification:ledger')}?organization={plan.inspection.organization_id}"
