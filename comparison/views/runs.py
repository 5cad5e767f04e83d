"""Pages of the runs (比对任务): the list, starting a run (a rule, then a dataset for each of
its roles), and a run's page with its progress (polled every 2 s while it is queued or
running), its cancel button and, once done, its figures and the link to its hits.
The data officer's alone: anybody else meets 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST

from comparison import runs
from comparison.forms.datasets import RuleChoiceForm, RunStartForm
from comparison.models import Run
from core import access
from core.forms import apply_service_errors, error_text
from core.paging import paginate

HITS_URL = "comparison:run_hits"  # the hits of a run (comparison/views/hits.py), by the run's id


def _require_runner(user: Any) -> None:
    if not access.may_somewhere(user, "comparison.run"):
        raise access.PageRefused(access.STEPS["comparison.run"].roles)


def hits_url(run: Run) -> str | None:
    try:
        return reverse(HITS_URL, args=[run.pk])
    except NoReverseMatch:
        return None


@login_required
def run_list(request: HttpRequest) -> HttpResponse:
    _require_runner(request.user)
    page = paginate(request, runs.runs_for(user=request.user))
    for run in page:
        run.phase_text = runs.phase_label(run.phase)
        run.hits_url = hits_url(run) if run.status == Run.Status.DONE else None
    return render(request, "comparison/run_list.html", {"page": page})


@login_required
def run_new(request: HttpRequest) -> HttpResponse:
    """Choose a rule (``?rule=``), then a dataset for each of its roles."""
    user = request.user
    _require_runner(user)
    rules = runs.rules_for(user=user)
    key = request.POST.get("rule") or request.GET.get("rule") or ""
    rule = next((r for r in rules if r.key == key), None)
    rule_form = RuleChoiceForm(initial={"rule": key}, rules=rules)
    context: dict[str, Any] = {"rules": rules, "rule": rule, "rule_form": rule_form}
    if rule is None:
        return render(request, "comparison/run_new.html", context)
    datasets = runs.datasets_for_role(user=user)
    form = RunStartForm(request.POST or None, initial={"rule": rule.key}, rule=rule, datasets=datasets)
    context.update({"form": form, "has_datasets": datasets.exists()})
    if request.method == "POST" and form.is_valid():
        try:
            run = runs.run_start(actor=user, rule_key=rule.key, datasets=form.chosen())
        except ValidationError as e:
            apply_service_errors(form, e, {"datasets": "__all__", "rule": "__all__"})
        else:
            messages.success(request, f"已提交比对任务“{run.rule_name}”，进度见下方。")
            return redirect("comparison:run", run.pk)
    return render(request, "comparison/run_new.html", context)


def _run_context(run: Run) -> dict[str, Any]:
    context: dict[str, Any] = {
        "run": run,
        "phase": runs.phase_label(run.phase),
        "percent": round(100 * run.done / run.total) if run.total else None,
    }
    if run.status == Run.Status.DONE:
        context["figures"] = runs.run_figures(run)
        context["hits_url"] = hits_url(run)
    return context


@login_required
def run_page(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(runs.runs_for(user=request.user), pk=pk)
    context = _run_context(run)
    context["datasets"] = [
        (run.definition.get("roles", {}).get(role, {}).get("label") or role, dataset)
        for role, dataset in runs.run_datasets(run).items()
    ]
    return render(request, "comparison/run.html", context)


@login_required
def run_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress panel alone, for the page's polling (HTMX); it stops polling once the run ends."""
    run = get_object_or_404(runs.runs_for(user=request.user), pk=pk)
    return render(request, "comparison/_run_progress.html", _run_context(run))


@login_required
@require_POST
def run_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(runs.runs_for(user=request.user), pk=pk)
    try:
        runs.run_cancel(actor=request.user, run=run)
    except ValidationError as e:
        messages.error(request, error_text(e))
    else:
        messages.success(request, "已请求取消该比对任务。")
    return redirect("comparison:run", run.pk)
