"""The look-back (回头看) check page: every finding of the revisited inspection with its
tasks, progress, evidence and status, and the team's verdict form for each.

Thin: the page finds the look-back through ``planning.inspections.inspections_for`` (404 out of
sight) and calls ``rectification.lookback``; the service's Chinese messages show by the field.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.forms import error_text, post_form
from onsite.models import Finding
from planning.inspections import inspections_for
from rectification.forms.lookback import LookbackCheckForm
from rectification.lookback import Verdict, lookback_check_record, lookback_items_for, may_record, record_blocker


def evidence_url(pk: int) -> str:
    return reverse("rectification:evidence", args=[pk])


def _inspection(request, pk):
    return get_object_or_404(inspections_for(user=request.user).select_related("team"), pk=pk)


@login_required
def lookback_page(request, pk):
    inspection = _inspection(request, pk)
    try:
        return _render(request, inspection)
    except ValidationError as e:
        messages.error(request, error_text(e))
        return redirect("planning:inspection", inspection.pk)


@login_required
@require_POST
def lookback_check_view(request, pk, finding_pk):
    inspection = _inspection(request, pk)
    if inspection.revisits_id is None:
        raise Http404
    finding = get_object_or_404(Finding.objects.all(), pk=finding_pk, inspection_id=inspection.revisits_id)
    if not may_record(request.user, inspection):
        raise PermissionDenied
    form = LookbackCheckForm(request.POST, prefix=f"f{finding.pk}")

    def act(d):
        return lookback_check_record(
            actor=request.user, inspection=inspection, finding=finding, verdict=d["verdict"], note=d["note"]
        )

    def done(check):
        text = f"已记录“{finding.title}”的核查结论：{check.get_verdict_display()}。"
        if check.verdict != Verdict.FIXED:
            text += f"已形成回头看新发现问题“{check.new_finding.title}”。"
        elif check.new_finding_id:
            text += "此前形成的回头看新发现问题仍保留，如不再需要请在问题清单中处理。"
        return text

    back = f"{reverse('rectification:lookback', args=[inspection.pk])}#finding-{finding.pk}"
    sent = post_form(request, form, act, back=back, done=done)
    return sent or _render(request, inspection, bound=form, bound_pk=finding.pk)


def _render(request, inspection, *, bound=None, bound_pk=None):
    user = request.user
    view = lookback_items_for(user=user, inspection=inspection)
    blocker = record_blocker(inspection)
    team = may_record(user, inspection) and blocker is None
    for item in view.items:
        for t in item.tasks:
            t.links = [(e.name, evidence_url(e.pk)) for e in t.evidence]
        if not team:
            continue
        if item.finding.pk == bound_pk:
            item.form = bound
        else:
            initial = {"verdict": item.check.verdict, "note": item.check.note} if item.check else {}
            item.form = LookbackCheckForm(initial=initial, prefix=f"f{item.finding.pk}")
    counts = view.counts
    return render(
        request,
        "rectification/lookback.html",
        {
            "inspection": inspection,
            "view": view,
            "team": team,
            "blocker": blocker,
            "counts": [
                ("真改实改", counts["fixed"], "active"),
                ("表面整改", counts["surface"], "merged"),
                ("未整改", counts["not_fixed"], "failure"),
                ("未核查", counts["unchecked"], "dissolved"),
            ],
            "new_findings": [i for i in view.items if i.check and i.check.new_finding_id],
        },
    )
