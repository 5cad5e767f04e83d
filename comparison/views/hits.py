"""Pages of the hits (比对命中): a run's hits with their filters and the export, and a hit's
page: the evidence rows of both sides side by side, its periods and amounts; for the data
officer the forms to confirm it to an inspection or dismiss it; for the team of the inspection
it was confirmed to, the same page read-only with the button that drafts a working paper citing
its evidence workbook.

Thin: the rules are in ``comparison.hits``; out of sight answers 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from comparison import hits as hit_services
from comparison.evidence import evidence_tables, match_text
from comparison.forms.hits import HitConfirmForm, HitDismissForm, HitFilterForm
from comparison.models import Hit
from comparison.runs import runs_for
from core import access
from core.forms import apply_service_errors, error_text
from core.http import XLSX, attachment
from core.paging import paginate
from onsite.attachments import attachments_for
from onsite.papers import may_write
from planning.models import Inspection


def _filters(request: HttpRequest) -> tuple[HitFilterForm, str, str]:
    form = HitFilterForm(request.GET or None)
    if form.is_valid():
        return form, form.cleaned_data["state"], form.cleaned_data["match"]
    return HitFilterForm(), "", ""


@login_required
def run_hits(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(runs_for(user=request.user), pk=pk)
    form, state, match = _filters(request)
    page = paginate(request, hit_services.run_hits(user=request.user, run=run, state=state, match=match))
    labels = hit_services.figure_labels(run)
    for hit in page:
        hit.match_text = hit_services.match_label(hit)
        hit.agreed_text = hit_services.hit_agreed(hit)
        hit.figure = hit_services.key_figure(hit, labels)
    hit_services.hits_read(actor=request.user, run=run, shown=len(page.object_list))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"run": run, "page": page, "form": form, "query": query.urlencode()}
    return render(request, "comparison/hit_list.html", context)


@login_required
def run_hits_export(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(runs_for(user=request.user), pk=pk)
    _, state, match = _filters(request)
    data = hit_services.hits_export(actor=request.user, run=run, state=state, match=match)
    return attachment(data, f"比对命中_{run.rule_name}_{timezone.localdate():%Y%m%d}.xlsx", XLSX)


def _hit(request: HttpRequest, pk: int) -> Hit:
    return get_object_or_404(hit_services.hits_for(user=request.user), pk=pk)


def _render(
    request: HttpRequest,
    hit: Hit,
    *,
    confirm_form: HitConfirmForm | None = None,
    dismiss_form: HitDismissForm | None = None,
) -> HttpResponse:
    user = request.user
    deciding = hit_services.may_decide(user, hit)
    inspections = hit_services.inspections_for_hits(user=user) if deciding else []
    officer = access.may(user, "hit.confirm", hit)
    readable = None
    if hit.attachment_id and attachments_for(user=user).filter(pk=hit.attachment_id).exists():
        readable = hit.attachment
    paper_url = None
    if readable is not None and hit.inspection is not None and may_write(user, hit.inspection):
        paper_url = reverse("onsite:working_paper_create", args=[hit.inspection_id]) + f"?attachment={readable.pk}"
    summary = hit.summary or {}
    figures = hit_services.figure_labels(hit.run)
    context: dict[str, Any] = {
        "hit": hit,
        "run": hit.run,
        "officer": officer,
        "match_text": match_text(hit),
        "agreed_text": hit_services.hit_agreed(hit),
        "shown": [(k, v) for k, v in summary.items() if k not in figures],
        "figures": [(k, summary[k]) for k in figures if k in summary],
        "tables": evidence_tables(hit),
        "deciding": deciding,
        "confirm_form": confirm_form or HitConfirmForm(inspections=inspections),
        "dismiss_form": dismiss_form or HitDismissForm(),
        "has_inspections": bool(inspections),
        "evidence": readable,
        "paper_url": paper_url,
    }
    return render(request, "comparison/hit.html", context)


@login_required
def hit_page(request: HttpRequest, pk: int) -> HttpResponse:
    hit = _hit(request, pk)
    hit_services.hit_read(actor=request.user, hit=hit)
    return _render(request, hit)


def _refused(request: HttpRequest, hit: Hit, e: Exception) -> HttpResponse | None:
    """A hit decided meanwhile: a page message and back to the hit (else None: show the form)."""
    if isinstance(e, hit_services.HitDecided):
        messages.error(request, error_text(e))
        return redirect("comparison:hit", hit.pk)
    return None


@login_required
@require_POST
def hit_confirm_view(request: HttpRequest, pk: int) -> HttpResponse:
    hit = _hit(request, pk)
    if not access.may(request.user, "hit.confirm", hit):
        raise PermissionDenied
    choices = hit_services.inspections_for_hits(user=request.user)
    form = HitConfirmForm(request.POST, inspections=choices)
    if form.is_valid():
        inspection = Inspection.objects.filter(pk=form.cleaned_data["inspection"]).first()
        try:
            hit_services.hit_confirm(actor=request.user, hit=hit, inspection=inspection, note=form.cleaned_data["note"])
        except ValidationError as e:
            if sent := _refused(request, hit, e):
                return sent
            apply_service_errors(form, e)
        else:
            messages.success(request, f"已将线索移交“{inspection}”，证据表已作为该巡察的附件。")
            return redirect("comparison:hit", hit.pk)
    return _render(request, hit, confirm_form=form)


@login_required
@require_POST
def hit_dismiss_view(request: HttpRequest, pk: int) -> HttpResponse:
    hit = _hit(request, pk)
    if not access.may(request.user, "hit.dismiss", hit):
        raise PermissionDenied
    form = HitDismissForm(request.POST)
    if form.is_valid():
        try:
            hit_services.hit_dismiss(actor=request.user, hit=hit, reason=form.cleaned_data["reason"])
        except ValidationError as e:
            if sent := _refused(request, hit, e):
                return sent
            apply_service_errors(form, e)
        else:
            messages.success(request, "已排除该线索。")
            return redirect("comparison:hit", hit.pk)
    return _render(request, hit, dismiss_form=form)
