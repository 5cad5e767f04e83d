"""Pages of the rectification plan (整改方案): the list, an inspection's plan (or the unit's
button to start it), and the plan page with the three lists grouped by finding, the review
history, and each role's actions (the unit drafts and submits, the office reviews, the unit
records its head's report once approved).

Thin: each page finds its record through a selector (404 out of sight), calls a service of
``rectification.plans`` and shows the service's Chinese messages next to the fields or as a
page message.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from core import access
from core.forms import error_text, is_id, post_form
from core.paging import paginate
from planning.inspections import inspections_for
from planning.models import Inspection, Round
from rectification import plans as plan_services
from rectification.forms.plans import HeadReportForm, ReviewForm, SummaryForm
from rectification.models import PlanReview, RectificationPlan, RectificationTask
from rectification.plans import may_draft, may_review, plans_for
from rectification.tasks import finding_states, is_overdue, overdue_q, tasks_for

TaskStatus = RectificationTask.Status
STATE_TAGS = {"已整改": "x-tag-success", "整改中": "x-tag-active", "无任务": "x-tag-merged"}


# The list --------------------------------------------------------------------------------


def _counted(qs):
    today = timezone.localdate()
    counts = {f"n_{s}": Count("tasks", filter=Q(tasks__status=s)) for s in TaskStatus.values}
    overdue = Count("tasks", filter=overdue_q(today, prefix="tasks__"))
    return qs.annotate(n_tasks=Count("tasks"), n_overdue=overdue, **counts)


def _waiting(user):
    """Inspections fed back without a plan yet, that the user is to write (the unit) or watch
    (the office and the team)."""
    drafts = access.step_scopes(user, "plan.draft")  # (authority, organisation) of the unit's liaison
    units = {org for _, org in drafts}
    qs = Inspection.objects.filter(feedback__isnull=False, rectification_plan__isnull=True).select_related(
        "round__term", "organization", "feedback"
    )
    seen = inspections_for(user=user).filter(feedback__isnull=False, rectification_plan__isnull=True)
    own = [i for i in qs.filter(organization_id__in=units) if (i.authority_id, i.organization_id) in drafts]
    found = {i.pk: i for i in [*own, *seen.select_related("feedback")]}
    rows = sorted(found.values(), key=lambda i: (i.feedback.issued_on, i.pk))
    for i in rows:
        i.plan_due = plan_services.plan_due_on(i)
        i.overdue = i.plan_due is not None and i.plan_due < timezone.localdate()
        i.unit = (i.authority_id, i.organization_id) in drafts
    return rows


@login_required
def plan_list(request):
    user = request.user
    access.require_page(user, "view", RectificationPlan)
    qs = plans_for(user=user)
    status = request.GET.get("status", "")
    if status in RectificationPlan.Status.values:
        qs = qs.filter(status=status)
    rounds = Round.objects.filter(inspections__rectification_plan__in=plans_for(user=user)).select_related("term")
    rounds = rounds.distinct().order_by("-term__start_on", "-number")
    round_id = request.GET.get("round", "")
    if is_id(round_id):
        qs = qs.filter(inspection__round_id=int(round_id))
    else:
        round_id = ""
    search = request.GET.get("q", "").strip()
    if search:
        qs = qs.filter(inspection__organization__name__icontains=search)
    qs = _counted(qs).order_by(
        "-inspection__round__term__start_on", "-inspection__round__number", "inspection__organization__code", "-id"
    )
    page = paginate(request, qs)
    today = timezone.localdate()
    for p in page:
        p.due = plan_services.plan_due_on(p.inspection)
        p.due_passed = p.due is not None and p.due < today and p.status != RectificationPlan.Status.APPROVED
    context = {
        "page": page,
        "statuses": RectificationPlan.Status.choices,
        "status": status,
        "rounds": rounds,
        "round_id": round_id,
        "search": search,
        "waiting": _waiting(user) if not (status or round_id or search) else [],
    }
    return render(request, "rectification/plan_list.html", context)


# An inspection's plan ----------------------------------------------------------------------


def _inspection(request, pk) -> Inspection:
    """The inspection, for those who see it or are its unit's liaison (404 for anyone else)."""
    user = request.user
    found = Inspection.objects.select_related("round__term", "organization").filter(pk=pk).first()
    if found is None:
        raise Http404
    if not (inspections_for(user=user).filter(pk=pk).exists() or access.may(user, "plan.draft", found)):
        raise Http404
    return found


@login_required
def inspection_plan(request, pk):
    user = request.user
    inspection = _inspection(request, pk)
    plan = plans_for(user=user).filter(inspection=inspection).first()
    if plan is not None:
        return redirect("rectification:plan", plan.pk)
    unit = access.may(user, "plan.draft", inspection)
    if request.method == "POST":
        if not unit:
            raise PermissionDenied
        try:
            plan = plan_services.plan_create(actor=user, inspection=inspection)
        except ValidationError as e:
            messages.error(request, error_text(e))
            return redirect("rectification:inspection_plan", inspection.pk)
        messages.success(request, "已建立整改方案。请为每个问题添加整改措施，填写完成后报送巡察办审核。")
        return redirect("rectification:plan", plan.pk)
    blocker = plan_services.create_blocker(inspection)
    if blocker == plan_services.PLAN_EXISTS:
        # The plan exists but is out of this user's sight (a team of another inspection cannot
        # get here; the office of an authority above sees it): say so plainly.
        blocker = "该巡察的整改方案已经建立，您没有查看权限。"
    context = {
        "inspection": inspection,
        "unit": unit,
        "blocker": blocker,
        "due": plan_services.plan_due_on(inspection),
        "default_deadline": plan_services.default_deadline(inspection),
    }
    return render(request, "rectification/plan_start.html", context)


# The plan page -------------------------------------------------------------------------------


def _plan(request, pk) -> RectificationPlan:
    return get_object_or_404(plans_for(user=request.user), pk=pk)


def _groups(user, plan: RectificationPlan) -> list:
    """The three lists as rows grouped by finding: each finding with its state and tasks."""
    today = timezone.localdate()
    states = finding_states(plan)
    tasks: dict[int, list] = {}
    for task in tasks_for(user=user, plan=plan).order_by("number", "id"):
        task.overdue = is_overdue(task, today)
        tasks.setdefault(task.finding_id, []).append(task)
    groups = []
    for finding in plan_services.findings_of(plan):
        state = states.get(finding.pk, "无任务")
        finding.state, finding.state_tag = state, STATE_TAGS[state]
        finding.plan_tasks = tasks.get(finding.pk, [])
        groups.append(finding)
    return groups


def _reviews(plan: RectificationPlan) -> list:
    labels = dict(PlanReview.Reviewer.choices)
    reviews = list(plan.reviews.select_related("decided_by").order_by("-decided_on", "-recorded_at", "-id"))
    for r in reviews:
        r.opinion_rows = [(labels[k], r.opinions[k]) for k in PlanReview.Reviewer.values if r.opinions.get(k)]
    return reviews


def _render_plan(request, plan: RectificationPlan, *, summary=None, review=None, head=None, status=200):
    user = request.user
    plan.refresh_from_db()
    drafting = may_draft(user, plan)
    reviewing = may_review(user, plan)
    unit = access.may(user, "plan.draft", plan)
    approved = plan.status == RectificationPlan.Status.APPROVED
    if drafting and summary is None:
        summary = SummaryForm(initial={"summary": plan.summary, "head_name": plan.head_name})
    if reviewing and review is None:
        review = ReviewForm()
    if approved and unit and head is None:
        head = HeadReportForm(initial={"head_name": plan.head_name, "head_report": plan.head_report})
    groups = _groups(user, plan)
    counts = plan_services.tasks_count(plan)
    context = {
        "plan": plan,
        "inspection": plan.inspection,
        "groups": groups,
        "counts": [(RectificationTask.Status(s).label, counts[s], s) for s in TaskStatus.values],
        "task_total": sum(counts.values()),
        "overdue_total": sum(1 for f in groups for t in f.plan_tasks if t.overdue),
        "missing": [f for f in groups if not f.plan_tasks],
        "reviews": _reviews(plan),
        "due": plan_services.plan_due_on(plan.inspection),
        "default_deadline": plan_services.default_deadline(plan.inspection),
        "drafting": drafting,
        "reviewing": reviewing,
        "unit": unit,
        "office": access.may(user, "plan.review", plan),
        "summary_form": summary if drafting else None,
        "review_form": review if reviewing else None,
        "head_form": head if approved and unit else None,
        "inspection_link": inspections_for(user=user).filter(pk=plan.inspection_id).exists(),
    }
    return render(request, "rectification/plan.html", context, status=status)


@login_required
def plan_page(request, pk):
    return _render_plan(request, _plan(request, pk))


def _post(request, plan: RectificationPlan, form, act, done):
    back = reverse("rectification:plan", args=[plan.pk])
    return post_form(request, form, act, back=back, done=done, record_errors="plan")


@login_required
@require_POST
def plan_summary_view(request, pk):
    plan = _plan(request, pk)
    if not access.may(request.user, "plan.draft", plan):
        raise PermissionDenied
    form = SummaryForm(request.POST)

    def act(d):
        return plan_services.plan_update(actor=request.user, plan=plan, **d)

    return _post(request, plan, form, act, "已保存整改工作安排。") or _render_plan(request, plan, summary=form)


@login_required
@require_POST
def plan_submit_view(request, pk):
    plan = _plan(request, pk)
    if not access.may(request.user, "plan.draft", plan):
        raise PermissionDenied
    try:
        plan_services.plan_submit(actor=request.user, plan=plan)
    except ValidationError as e:
        messages.error(request, error_text(e))
    else:
        messages.success(request, "整改方案已报送巡察办审核。审核期间不能修改；退回后可修改再报送。")
    return redirect("rectification:plan", plan.pk)


@login_required
@require_POST
def plan_review_view(request, pk):
    plan = _plan(request, pk)
    if not access.may(request.user, "plan.review", plan):
        raise PermissionDenied
    form = ReviewForm(request.POST)

    def act(d):
        return plan_services.plan_review(
            actor=request.user,
            plan=plan,
            decision=d["decision"],
            comments=d["comments"],
            opinions=form.opinions(),
            on=d["decided_on"],
        )

    def done(review):
        if review.decision == PlanReview.Decision.APPROVED:
            return "整改方案已批准。单位可按方案报告整改进展，巡察办逐项核验销号。"
        return "整改方案已退回修改，单位可按审核意见修改后重新报送。"

    return _post(request, plan, form, act, done) or _render_plan(request, plan, review=form)


@login_required
@require_POST
def plan_head_report_view(request, pk):
    plan = _plan(request, pk)
    if not access.may(request.user, "plan.draft", plan):
        raise PermissionDenied
    form = HeadReportForm(request.POST)

    def act(d):
        return plan_services.plan_head_report_set(actor=request.user, plan=plan, **d)

    done = "已保存主要负责人组织落实整改情况，将写入整改情况报告。"
    return _post(request, plan, form, act, done) or _render_plan(request, plan, head=form)
