"""API of rectification plans (整改方案): the unit drafts and submits, the office reviews.

Thin: the rules are in ``rectification.plans``. Lists answer ``{items, count}`` narrowed by
``plans_for``; a plan out of sight answers 404 like a missing one; every refusal of the
services comes back as 422 with Chinese messages by field.
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404
from ninja import Router, Schema

from core.api.common import PatchIn, page
from planning.models import Inspection
from rectification import plans as plan_services
from rectification.models import RectificationPlan, RectificationTask
from rectification.tasks import state_label

router = Router(tags=["整改"])

ID_MAX = 2**63 - 1


# Helpers shared with api_tasks ------------------------------------------------------------


def get_or_404(qs, pk):
    """The record ``pk`` of ``qs`` (already narrowed by access), or Http404 for a missing,
    out-of-sight or out-of-range id."""
    if not isinstance(pk, int) or isinstance(pk, bool) or not 0 < pk <= ID_MAX:
        raise Http404
    found = qs.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def check_choice(field: str, value: str | None, choices, label: str) -> None:
    """422 by ``field`` for a filter value outside ``choices`` (a TextChoices)."""
    if value is not None and value not in choices.values:
        names = "、".join(f"{v}（{lbl}）" for v, lbl in choices.choices)
        raise ValidationError({field: [ValidationError(f"{label}只能是 {names}。", code="unknown_choice")]})


def check_id(field: str, value: int | None, label: str) -> None:
    if value is not None and not 0 < value <= ID_MAX:
        raise ValidationError({field: [f"{label}编号有误。"]})


# Schemas -----------------------------------------------------------------------------------


class PlanOut(Schema):
    id: int
    inspection_id: int
    organization_id: int
    organization_name: str
    status: str
    status_display: str
    summary: str
    head_name: str
    head_report: str
    rectification_round: int
    submitted_at: datetime | None
    approved_on: date | None
    created_at: datetime
    tasks_total: int
    tasks_verified: int

    @staticmethod
    def resolve_organization_id(obj):
        return obj.inspection.organization_id

    @staticmethod
    def resolve_organization_name(obj):
        return obj.inspection.organization.name

    @staticmethod
    def resolve_status_display(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_tasks_total(obj):
        found = getattr(obj, "tasks_total", None)
        return obj.tasks.count() if found is None else found

    @staticmethod
    def resolve_tasks_verified(obj):
        found = getattr(obj, "tasks_verified", None)
        if found is not None:
            return found
        return obj.tasks.filter(status=RectificationTask.Status.VERIFIED).count()


class PlanPage(Schema):
    items: list[PlanOut]
    count: int


class PlanTaskOut(Schema):
    """A task as listed in its plan."""

    id: int
    number: int
    finding_id: int
    finding_title: str
    measure: str
    deadline: date
    responsible_leader: str
    responsible_office: str
    phase: str
    phase_display: str
    status: str
    status_display: str
    progress: str
    progress_on: date | None
    verified_on: date | None

    @staticmethod
    def resolve_finding_title(obj):
        return obj.finding.title

    @staticmethod
    def resolve_phase_display(obj):
        return obj.get_phase_display()

    @staticmethod
    def resolve_status_display(obj):
        return state_label(obj)


class ReviewOut(Schema):
    id: int
    decision: str
    decision_display: str
    comments: str
    opinions: dict[str, str]
    decided_on: date
    decided_by_name: str

    @staticmethod
    def resolve_decision_display(obj):
        return obj.get_decision_display()

    @staticmethod
    def resolve_decided_by_name(obj):
        return obj.decided_by.full_name or obj.decided_by.username


class PlanFindingOut(Schema):
    """A finding the plan must answer, with its state: 已整改, 整改中 or 无任务."""

    id: int
    title: str
    state: str


class PlanDetailOut(PlanOut):
    due_on: date | None
    default_deadline: date | None
    findings: list[PlanFindingOut]
    tasks: list[PlanTaskOut]
    reviews: list[ReviewOut]

    @staticmethod
    def resolve_due_on(obj):
        return plan_services.plan_due_on(obj.inspection)

    @staticmethod
    def resolve_default_deadline(obj):
        return plan_services.default_deadline(obj.inspection)

    @staticmethod
    def resolve_findings(obj):
        from rectification.tasks import finding_states

        states = finding_states(obj)
        return [
            {"id": f.pk, "title": f.title, "state": states.get(f.pk, "无任务")} for f in plan_services.findings_of(obj)
        ]

    @staticmethod
    def resolve_tasks(obj):
        return list(obj.tasks.select_related("finding").order_by("number", "id"))

    @staticmethod
    def resolve_reviews(obj):
        return list(obj.reviews.select_related("decided_by").order_by("recorded_at", "id"))


class PlanIn(Schema):
    inspection: int
    summary: str = ""
    head_name: str = ""


class PlanPatch(PatchIn):
    summary: str | None = None
    head_name: str | None = None


class ReviewIn(Schema):
    decision: str
    comments: str = ""
    opinions: dict[str, str | None] = {}
    decided_on: date | None = None


# Endpoints ---------------------------------------------------------------------------------


def _plans(user):
    return plan_services.plans_for(user=user).annotate(
        tasks_total=Count("tasks", distinct=True),
        tasks_verified=Count("tasks", filter=Q(tasks__status=RectificationTask.Status.VERIFIED), distinct=True),
    )


def _detail(user, plan_id: int) -> RectificationPlan:
    return get_or_404(_plans(user), plan_id)


@router.get("/rectification-plans", response=PlanPage)
def plan_list(
    request,
    inspection: int | None = None,
    status: str | None = None,
    search: str | None = None,
    limit: int = 50,
    offset: int = 0,
):
    """Plans the caller may see (the office's and the leading group's of their authority, the
    team's of its inspection, the unit's own), newest first; ``status`` is draft, submitted,
    returned or approved; ``search`` over the organisation's name."""
    check_id("inspection", inspection, "巡察")
    check_choice("status", status, RectificationPlan.Status, "状态")
    qs = _plans(request.user).order_by("-id")
    if inspection is not None:
        qs = qs.filter(inspection_id=inspection)
    if status is not None:
        qs = qs.filter(status=status)
    return page(qs, search=search, fields=("inspection__organization__name",), limit=limit, offset=offset)


@router.post("/rectification-plans", response={201: PlanDetailOut})
def plan_post(request, payload: PlanIn):
    """The unit's liaison starts the plan of its inspection, once the feedback is
    acknowledged (one plan per inspection)."""
    inspection = get_or_404(Inspection.objects.all(), payload.inspection)
    plan = plan_services.plan_create(
        actor=request.user, inspection=inspection, summary=payload.summary, head_name=payload.head_name
    )
    return 201, _detail(request.user, plan.pk)


@router.get("/rectification-plans/{int:plan_id}", response=PlanDetailOut)
def plan_get(request, plan_id: int):
    """A plan with the findings it answers (and their state), its tasks and its reviews."""
    return _detail(request.user, plan_id)


@router.patch("/rectification-plans/{int:plan_id}", response=PlanDetailOut)
def plan_patch(request, plan_id: int, payload: PlanPatch):
    """The unit changes the general arrangements (``summary``) or the head's name while the
    plan is a draft or returned."""
    plan = _detail(request.user, plan_id)
    plan_services.plan_update(
        actor=request.user,
        plan=plan,
        summary=plan.summary if payload.summary is None else payload.summary,
        head_name=plan.head_name if payload.head_name is None else payload.head_name,
    )
    return _detail(request.user, plan_id)


@router.post("/rectification-plans/{int:plan_id}/submit", response=PlanDetailOut)
def plan_submit_post(request, plan_id: int):
    """The unit submits its plan for review; every finding must have a task."""
    plan = _detail(request.user, plan_id)
    plan_services.plan_submit(actor=request.user, plan=plan)
    return _detail(request.user, plan_id)


@router.post("/rectification-plans/{int:plan_id}/review", response=PlanDetailOut)
def plan_review_post(request, plan_id: int, payload: ReviewIn):
    """The office decides on a submitted plan: ``decision`` approved or returned (with
    ``comments``), with the other reviewers' ``opinions`` by ``discipline``, ``organization``,
    ``publicity`` and ``team``. Approval moves the inspection to the rectification stage."""
    plan = _detail(request.user, plan_id)
    plan_services.plan_review(
        actor=request.user,
        plan=plan,
        decision=payload.decision,
        comments=payload.comments,
        opinions=payload.opinions,
        on=payload.decided_on,
    )
    return _detail(request.user, plan_id)
