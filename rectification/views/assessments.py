"""Pages of the assessment: the assessment page of a plan (the office grades and scores; the
unit reads its grades; the team and the leading group read), the office's list of criteria,
and the downloads of the rectification report and its public version.

Thin: each page finds its record through a selector (404 out of sight), calls a service of
``rectification.assessments`` or ``rectification.report_documents``, and shows the service's
Chinese messages next to the fields or as a page message.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from core import access
from core.forms import error_text, post_form
from core.http import document_download
from core.pdf import pdf_require
from rectification.assessments import (
    REOPENING,
    assessment_blocker,
    assessment_record,
    assessments_for,
    criteria_for,
    criteria_of,
    criterion_create,
    criterion_update,
)
from rectification.forms.assessments import AssessmentForm, CriterionEditForm, CriterionForm
from rectification.models import AssessmentCriterion, RectificationPlan
from rectification.plans import plans_for
from rectification.report_documents import DOCUMENTS, documents_allowed, figures_of, report_document

# The assessment page of a plan ---------------------------------------------------------------


@login_required
def assessment_page(request, pk):
    user = request.user
    plan = get_object_or_404(plans_for(user=user).select_related("authority"), pk=pk)
    office = access.may(user, "plan.assess", plan)
    approved = plan.status == RectificationPlan.Status.APPROVED
    form = None
    if request.method == "POST" and not office:
        raise PermissionDenied
    if office and approved:
        criteria = criteria_of(plan.authority, active_only=True)
        if request.method == "POST":
            form = AssessmentForm(request.POST, criteria=criteria)

            def act(d):
                return assessment_record(
                    actor=user,
                    plan=plan,
                    grade=d["grade"],
                    scores=form.scores(),
                    comments=d["comments"],
                    on=d["assessed_on"],
                )

            back = reverse("rectification:assessment", args=[plan.pk])
            if sent := post_form(request, form, act, back=back, done=_done_message):
                return sent
        else:
            form = AssessmentForm(criteria=criteria, initial={"assessed_on": timezone.localdate()})
    elif request.method == "POST":
        messages.error(request, f"整改方案{plan.get_status_display()}，批准后才能进行整改评估。")
        return redirect("rectification:assessment", plan.pk)
    return render(request, "rectification/assessment.html", _context(request, plan, office, form))


def points(value) -> str:
    """75 or 75.5, as scores are written."""
    return format(Decimal(value).normalize(), "f")


def _done_message(assessment) -> str:
    text = f"已记录整改评估：{assessment.get_grade_display()}，总分 {points(assessment.total)}。"
    if assessment.grade not in REOPENING:
        return text
    if not assessment.reopened:
        return text + "没有未销号的整改任务，无需转入二次整改。"
    return (
        text + f"{len(assessment.reopened)} 项未销号的整改任务已转入二次整改，"
        f"完成时限 {assessment.new_deadline:%Y-%m-%d}。"
    )


def _context(request, plan: RectificationPlan, office: bool, form) -> dict:
    user = request.user
    history = list(assessments_for(user=user, plan=plan))
    documents = [
        {
            "kind": kind,
            "label": DOCUMENTS[kind].label,
            "url": reverse("rectification:report_document", args=[plan.pk, kind]),
            "pdf_url": reverse("rectification:report_pdf", args=[plan.pk, kind]),
        }
        for kind in documents_allowed(user, plan)
    ]
    full = sum(c.max_score for c in form.criteria) if form is not None else 0
    return {
        "plan": plan,
        "inspection": plan.inspection,
        "office": office,
        "unit": access.may(user, "task.report", plan),
        "approved": plan.status == RectificationPlan.Status.APPROVED,
        "blocker": assessment_blocker(plan),
        "form": form,
        "full_score": full,
        "history": history,
        "figures": figures_of(plan),
        "documents": documents,
    }


# Documents ------------------------------------------------------------------------------------


@login_required
def report_document_view(request, pk, kind, pdf=False):
    """The document as .docx, or (``pdf``) as the same document converted to PDF."""
    if pdf:
        pdf_require()
    plan = get_object_or_404(plans_for(user=request.user), pk=pk)
    if kind not in DOCUMENTS:
        raise Http404
    try:
        name, data = report_document(actor=request.user, plan=plan, kind=kind)
        return document_download(name, data, pdf=pdf)
    except ValidationError as e:
        messages.error(request, error_text(e))
        return redirect("rectification:assessment", plan.pk)


# The criteria ---------------------------------------------------------------------------------


def _authority(request):
    access.require_page(request.user, "view", AssessmentCriterion)
    if request.user.authority is None:
        raise Http404
    authority = request.user.authority
    if authority.pk not in access.authorities_for(request.user, "view", AssessmentCriterion):
        raise Http404
    return authority, authority.pk in access.authorities_for(request.user, "change", AssessmentCriterion)


@login_required
def criteria_page(request):
    authority, can_change = _authority(request)
    form = CriterionForm()
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        form = CriterionForm(request.POST)
        sent = post_form(
            request,
            form,
            lambda d: criterion_create(actor=request.user, authority=authority, **d),
            back="rectification:criteria",
            done=lambda _: f"已添加评估项目“{form.cleaned_data['name']}”。",
        )
        if sent:
            return sent
    return render(request, "rectification/criteria.html", _criteria_context(request, authority, can_change, form))


def _criteria_context(request, authority, can_change: bool, form, bound=None) -> dict:
    criteria = criteria_of(authority)
    rows = []
    for c in criteria:
        if bound is not None and bound.criterion_pk == c.pk:
            edit = bound
        else:
            edit = CriterionEditForm(
                initial={"name": c.name, "max_score": c.max_score, "order": c.order, "active": c.active},
                auto_id=f"id_{c.pk}_%s",
            )
        rows.append({"criterion": c, "form": edit})
    return {
        "rows": rows,
        "form": form,
        "can_change": can_change,
        "active_total": sum(c.max_score for c in criteria if c.active),
    }


@login_required
@require_POST
def criterion_edit_view(request, pk):
    authority, can_change = _authority(request)
    criterion = get_object_or_404(criteria_for(user=request.user).filter(authority=authority), pk=pk)
    if not can_change:
        raise PermissionDenied
    form = CriterionEditForm(request.POST, auto_id=f"id_{criterion.pk}_%s")
    form.criterion_pk = criterion.pk
    sent = post_form(
        request,
        form,
        lambda d: criterion_update(actor=request.user, criterion=criterion, **d),
        back="rectification:criteria",
        done=lambda _: f"评估项目“{form.cleaned_data['name']}”已保存。",
    )
    if sent:
        return sent
    context = _criteria_context(request, authority, can_change, CriterionForm(), bound=form)
    return render(request, "rectification/criteria.html", context)
