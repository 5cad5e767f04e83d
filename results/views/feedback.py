"""Pages of the feedback: the office's feedback page of an inspection (issue, exclusions,
documents, acknowledgement state) and the unit's page (acknowledge, then read the findings).

Thin: each page finds its record through a selector (404 out of sight), calls a service of
``results.feedback`` or ``results.feedback_documents``, and shows the service's Chinese
messages next to the fields or as a page message.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from core import access
from core.forms import apply_service_errors, error_text, post_form
from core.http import document_download
from core.paging import paginate
from core.pdf import pdf_require
from onsite.models import Exclusion, Finding, FocusArea
from planning.inspections import inspections_for
from planning.models import DocumentNumber, Inspection
from planning.stages import ORDER
from results.feedback import (
    feedback_acknowledge,
    feedback_for,
    feedback_issue,
    feedback_of,
    finding_exclusion_set,
    findings_for_feedback,
    issue_blocker,
    rectification_due,
    report_of,
    unit_feedback_for,
    unit_findings_for,
)
from results.feedback_documents import DOCUMENTS, documents_allowed, feedback_document, number_kind
from results.forms.feedback import AcknowledgeForm, ExclusionForm, IssueForm
from results.models import Feedback


def _top(area: FocusArea) -> FocusArea:
    while area.parent_id is not None:
        area = area.parent
    return area


# The office's feedback page ------------------------------------------------------------


@login_required
def feedback_page(request, pk):
    user = request.user
    inspection = get_object_or_404(inspections_for(user=user).select_related("team"), pk=pk)
    feedback = feedback_of(user=user, inspection=inspection)
    office = access.may(user, "feedback.issue", inspection)
    form = None
    if request.method == "POST":
        if not office:
            raise PermissionDenied
        if feedback is not None:
            messages.error(request, f"该巡察已于{feedback.issued_on:%Y-%m-%d}反馈，不能重复反馈。")
            return redirect("results:feedback", inspection.pk)
        form = IssueForm(request.POST)
        sent = post_form(
            request,
            form,
            lambda d: feedback_issue(actor=user, inspection=inspection, issued_on=d["issued_on"]),
            back=reverse("results:feedback", args=[inspection.pk]),
            done="已反馈。请下载反馈意见送达被巡察党组织，并由单位联络员在平台登记主要负责人签收。",
        )
        if sent:
            return sent
    elif feedback is None and office:
        form = IssueForm(initial={"issued_on": timezone.localdate()})
    return render(request, "results/feedback.html", _context(request, inspection, feedback, office, form))


def _context(request, inspection: Inspection, feedback, office: bool, form) -> dict:
    user = request.user
    page = paginate(request, findings_for_feedback(user=user, inspection=inspection))
    for finding in page:
        finding.focus_top = _top(finding.focus_area).name
    documents = []
    if feedback is not None:
        numbers = dict(
            DocumentNumber.objects.filter(
                inspection=inspection, kind__in=[number_kind(k) for k in DOCUMENTS]
            ).values_list("kind", "text")
        )
        for kind in documents_allowed(user, feedback):
            spec = DOCUMENTS[kind]
            documents.append(
                {
                    "kind": kind,
                    "label": spec.label,
                    "numbered": spec.numbered,
                    "number": numbers.get(number_kind(kind), ""),
                    "url": reverse("results:feedback_document", args=[feedback.pk, kind]),
                    "pdf_url": reverse("results:feedback_document_pdf", args=[feedback.pk, kind]),
                }
            )
    excluded = findings_for_feedback(user=user, inspection=inspection).exclude(excluded="").count()
    return {
        "inspection": inspection,
        "feedback": feedback,
        "report": report_of(inspection),
        "blocker": issue_blocker(inspection) if feedback is None else None,
        "office": office,
        "form": form,
        "page": page,
        "excluded_count": excluded,
        "exclusion_choices": ExclusionForm.base_fields["excluded"].choices,
        "documents": documents,
        "due": rectification_due(feedback) if feedback is not None else None,
        # The stage machine is planning's: the office moves the inspection on from its page.
        "stage_behind": feedback is not None and ORDER.index(inspection.stage) < ORDER.index(Inspection.Stage.FEEDBACK),
    }


@login_required
@require_POST
def feedback_exclusion_view(request, pk):
    finding = get_object_or_404(
        access.restrict(Finding.objects.select_related("inspection"), request.user, "view"), pk=pk
    )
    form = ExclusionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(form.errors["excluded"]))
    else:
        try:
            finding_exclusion_set(actor=request.user, finding=finding, excluded=form.cleaned_data["excluded"])
        except ValidationError as e:
            messages.error(request, error_text(e))
        else:
            if finding.excluded:
                label = Exclusion(finding.excluded).label
                messages.success(request, f"“{finding.title}”已标为不予公开（{label}），不会出现在公开稿中。")
            else:
                messages.success(request, f"“{finding.title}”已设为予以公开。")
    return redirect(f"{reverse('results:feedback', args=[finding.inspection_id])}#findings")


@login_required
def feedback_document_view(request, pk, kind, pdf=False):
    """The feedback document as .docx, or (``pdf``) as the same document converted to PDF."""
    if pdf:
        pdf_require()
    feedback = get_object_or_404(feedback_for(user=request.user), pk=pk)
    if kind not in DOCUMENTS:
        raise Http404
    try:
        name, data = feedback_document(actor=request.user, feedback=feedback, kind=kind)
        return document_download(name, data, pdf=pdf)
    except ValidationError as e:
        messages.error(request, error_text(e))
        return redirect("results:feedback", feedback.inspection_id)


# The unit's page -----------------------------------------------------------------------


@login_required
def unit_page(request):
    return _unit(request)


@login_required
@require_POST
def unit_acknowledge_view(request, pk):
    if not access.may_somewhere(request.user, "feedback.acknowledge"):
        raise Http404
    feedback = get_object_or_404(unit_feedback_for(user=request.user), pk=pk)
    done = f"{reverse('results:unit')}#feedback-{feedback.pk}"
    form = AcknowledgeForm(request.POST, auto_id=f"id_{feedback.pk}_%s")
    if form.is_valid() or feedback.acknowledged_at is not None:
        try:
            feedback_acknowledge(
                actor=request.user,
                feedback=feedback,
                acknowledged_on=form.cleaned_data.get("acknowledged_on"),
                acknowledged_name=form.cleaned_data.get("acknowledged_name", ""),
            )
        except ValidationError as e:
            if Feedback.objects.filter(pk=feedback.pk, acknowledged_at__isnull=False).exists():
                # Acknowledged already (the form is gone from the page): say so on top.
                messages.error(request, error_text(e))
                return redirect(done)
            apply_service_errors(form, e)
        else:
            messages.success(request, "已签收。巡察反馈的问题已在下方列出，请据此研究制定整改方案。")
            return redirect(done)
    return _unit(request, bound=form, bound_pk=feedback.pk)


def _unit(request, *, bound=None, bound_pk=None):
    user = request.user
    access.require_page_step(user, "feedback.acknowledge")
    page = paginate(request, unit_feedback_for(user=user), default=10)
    shown = [f.inspection_id for f in page if f.acknowledged_at is not None]
    findings: dict[int, list] = {}
    for finding in unit_findings_for(user=user).filter(inspection_id__in=shown):
        finding.focus_top = _top(finding.focus_area).name
        findings.setdefault(finding.inspection_id, []).append(finding)
    for feedback in page:
        feedback.unit_findings = findings.get(feedback.inspection_id, [])
        if feedback.acknowledged_at is None:
            if feedback.pk == bound_pk:
                feedback.form = bound
            else:
                feedback.form = AcknowledgeForm(
                    initial={"acknowledged_on": timezone.localdate()}, auto_id=f"id_{feedback.pk}_%s"
                )
    return render(request, "results/unit.html", {"page": page})
