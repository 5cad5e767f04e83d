"""Pages of the inspection report: the list, the report with its chain, the edit page,
the comparison of versions and the two Word downloads.

Thin: each page finds its record through a selector (404 out of sight), calls a service
of ``results.reports`` and shows its Chinese messages next to the fields or as a message.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from core import access
from core.forms import error_text, post_form
from core.http import document_download
from core.paging import paginate
from core.pdf import pdf_require
from planning.inspections import inspections_for
from results.forms.reports import DecisionForm, ReportEditForm
from results.models import InspectionReport, ReportDecision, Step
from results.reports import (
    RESULTS_USES,
    STEPS,
    chain,
    current_version,
    decisions_of,
    last_return,
    permissions,
    report_create,
    report_decide,
    report_edit,
    report_export,
    report_submit,
    reports_for,
    special_text,
    version_compare,
)


@login_required
def report_list(request):
    user = request.user
    access.require_page(user, "view", InspectionReport)
    qs = reports_for(user=user).annotate(version=Max("versions__number"))
    status = request.GET.get("status", "")
    if status in InspectionReport.Status.values:
        qs = qs.filter(status=status)
    search = request.GET.get("q", "").strip()
    if search:
        qs = qs.filter(inspection__organization__name__icontains=search)
    qs = qs.order_by(
        "-inspection__round__term__start_on", "-inspection__round__number", "inspection__organization__code"
    )
    team_scopes = [i for role in access.step_roles("report.create") for i in access.scope_ids(user, role)]
    waiting = inspections_for(user=user).filter(pk__in=team_scopes, report__isnull=True).select_related("team")
    context = {
        "page": paginate(request, qs),
        "statuses": InspectionReport.Status.choices,
        "status": status,
        "search": search,
        "waiting": waiting,
    }
    return render(request, "results/report_list.html", context)


def _inspection(request, pk):
    return get_object_or_404(inspections_for(user=request.user).select_related("team"), pk=pk)


def _report_of(request, inspection) -> InspectionReport | None:
    return reports_for(user=request.user).filter(inspection=inspection).first()


def _render_report(request, inspection, report, decision_form=None, status=200):
    user = request.user
    if report is None:
        context = {
            "inspection": inspection,
            "report": None,
            "may_create": access.may(user, "report.create", inspection),
        }
        return render(request, "results/report.html", context)
    perms = permissions(user, report)
    version = current_version(report)
    decisions = decisions_of(report)
    if perms.decide and decision_form is None:
        decision_form = DecisionForm(last_step=perms.decide == STEPS[-1], initial={"decided_on": timezone.localdate()})
    context = {
        "inspection": inspection,
        "report": report,
        "version": version,
        "special": special_text(actor=user, report=report, version=version) if perms.special else None,
        "perms": perms,
        "chain": chain(report, decisions),
        "decisions": decisions,
        "returned": last_return(report, decisions),
        "versions": report.versions.select_related("saved_by").order_by("-number"),
        "results_use": [RESULTS_USES.get(u, u) for u in report.results_use],
        "decision_form": decision_form if perms.decide else None,
        "decide_label": Step(perms.decide).label if perms.decide else "",
    }
    return render(request, "results/report.html", context, status=status)


@login_required
def report_page(request, pk):
    inspection = _inspection(request, pk)
    return _render_report(request, inspection, _report_of(request, inspection))


@login_required
@require_POST
def report_create_view(request, pk):
    inspection = _inspection(request, pk)
    try:
        report_create(actor=request.user, inspection=inspection)
    except ValidationError as e:
        messages.error(request, error_text(e))
    else:
        messages.success(request, "已根据巡察情况和发现的问题生成报告初稿（第1版），请修改完善。")
        return redirect("results:report_edit", inspection.pk)
    return redirect("results:report", inspection.pk)


@login_required
def report_edit_view(request, pk):
    inspection = _inspection(request, pk)
    report = _report_of(request, inspection)
    if report is None:
        raise Http404
    perms = permissions(request.user, report)
    if not perms.writer:
        raise PermissionDenied
    if not perms.edit:
        messages.error(request, f"报告{report.get_status_display()}，不能修改。")
        return redirect("results:report", inspection.pk)
    version = current_version(report)
    initial = {"body": version.body, "ecology": report.ecology, "implementation": report.implementation}
    if perms.special and request.method != "POST":
        initial["special_body"] = special_text(actor=request.user, report=report, version=version)
    form = ReportEditForm(request.POST or None, special=perms.special, initial=initial)
    if request.method == "POST":

        def act(d):
            return report_edit(
                actor=request.user,
                report=report,
                body=d["body"],
                special_body=d.get("special_body") if perms.special else None,
                note=d["note"],
                ecology=d["ecology"],
                implementation=d["implementation"],
            )

        def done(saved):
            return f"已保存为第{saved.number}版。" if saved else "评价已保存。"

        if sent := post_form(request, form, act, back=reverse("results:report", args=[inspection.pk]), done=done):
            return sent
    context = {
        "inspection": inspection,
        "report": report,
        "version": version,
        "form": form,
        "perms": perms,
        "returned": last_return(report),
    }
    return render(request, "results/report_edit.html", context)


def _report(request, report_id) -> InspectionReport:
    return get_object_or_404(reports_for(user=request.user), pk=report_id)


@login_required
@require_POST
def report_submit_view(request, report_id):
    report = _report(request, report_id)
    try:
        report_submit(actor=request.user, report=report)
    except ValidationError as e:
        messages.error(request, error_text(e))
    else:
        messages.success(request, "报告已提交审议，待组务会审议。")
    return redirect("results:report", report.inspection_id)


@login_required
@require_POST
def report_decide_view(request, report_id):
    report = _report(request, report_id)
    step = request.POST.get("step", "")
    if step not in STEPS:
        messages.error(request, "未知的审议环节，请刷新页面后重试。")
        return redirect("results:report", report.inspection_id)
    perms = permissions(request.user, report)
    if not perms.decides(step):
        raise PermissionDenied
    form = DecisionForm(request.POST, last_step=step == STEPS[-1])

    def act(d):
        return report_decide(
            actor=request.user,
            report=report,
            step=step,
            decision=d["decision"],
            decided_on=d["decided_on"],
            comments=d["comments"],
            results_use=d.get("results_use"),
        )

    sent = post_form(
        request,
        form,
        act,
        back=reverse("results:report", args=[report.inspection_id]),
        done=lambda _: _decided(step, form.cleaned_data["decision"]),
        # decided meanwhile, or a stale page: say so and show the chain
        record_errors="step",
    )
    if sent:
        return sent
    if perms.decide != step:
        messages.error(request, "该环节已审议或尚未轮到，请查看当前审议状态。")
        return redirect("results:report", report.inspection_id)
    return _render_report(request, report.inspection, report, decision_form=form)


def _decided(step: str, decision: str) -> str:
    label = Step(step).label
    if decision == ReportDecision.Decision.RETURNED:
        return f"已记录{label}意见：退回修改。报告已退回巡察组。"
    if step == STEPS[-1]:
        return "已记录书记专题会审定意见，报告已审定。"
    return f"已记录{label}审议通过，报告转入下一环节。"


@login_required
def report_compare_view(request, report_id, number):
    report = _report(request, report_id)
    comparison = version_compare(user=request.user, report=report, number=number)
    context = {"report": report, "inspection": report.inspection, "c": comparison}
    return render(request, "results/report_compare.html", context)


def _download(request, pk, special: bool, pdf: bool):
    if pdf:
        pdf_require()
    inspection = _inspection(request, pk)
    report = _report_of(request, inspection)
    if report is None:
        raise Http404
    try:
        name, data = report_export(actor=request.user, report=report, special=special)
        return document_download(name, data, pdf=pdf)
    except ValidationError as e:
        messages.error(request, error_text(e))
        return redirect("results:report", inspection.pk)


@login_required
def report_document_view(request, pk, pdf=False):
    """The report as .docx, or (``pdf``) as the same document converted to PDF."""
    return _download(request, pk, special=False, pdf=pdf)


@login_required
def special_report_document_view(request, pk, pdf=False):
    return _download(request, pk, special=True, pdf=pdf)
