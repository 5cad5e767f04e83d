"""API of the look-back (回头看) check. Thin: the rules are in ``rectification.lookback``."""

from datetime import date, datetime

from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from onsite.models import Finding
from planning.inspections import inspections_for
from rectification.lookback import FindingItem, LookbackView, lookback_check_record, lookback_items_for

router = Router(tags=["整改"])


class EvidenceOut(Schema):
    id: int
    name: str


class TaskOut(Schema):
    id: int
    number: int
    measure: str
    deadline: date
    responsible_leader: str
    responsible_office: str
    status: str
    status_display: str
    rectification_round: int
    verified_on: date | None
    progress: str | None
    progress_on: date | None
    evidence: list[EvidenceOut]


class CheckOut(Schema):
    id: int
    finding_id: int
    verdict: str
    verdict_display: str
    note: str
    new_finding_id: int | None
    new_finding_title: str | None
    checked_by: str
    checked_at: datetime


class LookbackItemOut(Schema):
    finding_id: int
    title: str
    description: str
    focus_area: str
    severity: str
    state: str
    tasks: list[TaskOut]
    check: CheckOut | None


class PlanOut(Schema):
    id: int
    status: str
    status_display: str
    rectification_round: int
    grade: str | None
    grade_display: str | None


class LookbackOut(Schema):
    inspection_id: int
    revisits_id: int
    revisits: str
    plan: PlanOut | None
    counts: dict[str, int]
    items: list[LookbackItemOut]
    count: int


class CheckIn(Schema):
    finding: int
    verdict: str
    note: str = ""


def _check(check) -> dict | None:
    if check is None:
        return None
    return {
        "id": check.pk,
        "finding_id": check.finding_id,
        "verdict": check.verdict,
        "verdict_display": check.get_verdict_display(),
        "note": check.note,
        "new_finding_id": check.new_finding_id,
        "new_finding_title": check.new_finding.title if check.new_finding_id else None,
        "checked_by": check.checked_by.display_name,
        "checked_at": check.checked_at,
    }


def _item(item: FindingItem) -> dict:
    f = item.finding
    return {
        "finding_id": f.pk,
        "title": f.title,
        "description": f.description,
        "focus_area": f.focus_area.name,
        "severity": f.severity,
        "state": item.state,
        "tasks": [
            {
                "id": t.task.pk,
                "number": t.task.number,
                "measure": t.task.measure,
                "deadline": t.task.deadline,
                "responsible_leader": t.task.responsible_leader,
                "responsible_office": t.task.responsible_office,
                "status": t.task.status,
                "status_display": t.task.get_status_display(),
                "rectification_round": t.task.rectification_round,
                "verified_on": t.task.verified_on,
                "progress": t.latest.text if t.latest else None,
                "progress_on": t.latest.reported_on if t.latest else None,
                "evidence": [{"id": e.pk, "name": e.name} for e in t.evidence],
            }
            for t in item.tasks
        ],
        "check": _check(item.check),
    }


def _out(view: LookbackView) -> dict:
    plan = view.plan
    old = view.revisited
    return {
        "inspection_id": view.inspection.pk,
        "revisits_id": old.pk,
        "revisits": f"{old.round} · {old.organization.name}",
        "plan": None
        if plan is None
        else {
            "id": plan.pk,
            "status": plan.status,
            "status_display": plan.get_status_display(),
            "rectification_round": plan.rectification_round,
            "grade": view.assessment.grade if view.assessment else None,
            "grade_display": view.assessment.get_grade_display() if view.assessment else None,
        },
        "counts": view.counts,
        "items": [_item(i) for i in view.items],
        "count": len(view.items),
    }


@router.get("/lookbacks/{int:inspection_id}", response=LookbackOut)
def lookback_get(request, inspection_id: int):
    """Every finding of the inspection that look-back ``inspection_id`` revisits, with its
    tasks (measure, deadline, status, verification date), latest progress and evidence (ids
    for ``/rectification/evidence/{id}/``), the plan's status and last grade, and the
    look-back's verdicts; ``counts`` by verdict (``unchecked`` for those not yet checked)."""
    inspection = get_object_or_404(inspections_for(user=request.user), pk=inspection_id)
    return _out(lookback_items_for(user=request.user, inspection=inspection))


@router.post("/lookbacks/{int:inspection_id}/checks", response=CheckOut)
def lookback_check_post(request, inspection_id: int, payload: CheckIn):
    """The look-back's team (or the office) records or changes its verdict on a finding of
    the revisited inspection: ``fixed`` 真改实改, ``surface`` 表面整改, ``not_fixed`` 未整改
    (the latter two need ``note`` and create a new finding of the look-back, once)."""
    inspection = get_object_or_404(inspections_for(user=request.user), pk=inspection_id)
    finding = None
    if inspection.revisits_id is not None:  # a finding of another inspection is refused by the service
        finding = Finding.objects.filter(pk=payload.finding, inspection_id=inspection.revisits_id).first()
    check = lookback_check_record(
        actor=request.user,
        inspection=inspection,
        finding=finding,
        verdict=payload.verdict,
        note=payload.note,
    )
    check.refresh_from_db()
    return _check(check)
