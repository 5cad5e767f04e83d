"""Rules and runs in the API: the rules one may run, starting a run, its progress and
cancelling it. Thin: the rules are in ``comparison.runs``. (The hits are ``api/hits.py``'s.)"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from comparison import runs
from comparison.datasets import datasets_for
from core.api.common import page

router = Router(tags=["数据比对"])


class RuleOut(Schema):
    key: str
    version: int
    name: str
    description: str
    standard: bool
    roles: dict


class RulePage(Schema):
    items: list[RuleOut]
    count: int


class RunIn(Schema):
    rule: str
    datasets: dict[str, int]


class RunOut(Schema):
    id: int
    rule: str
    rule_version: int
    rule_name: str
    datasets: dict
    engine: str
    status: str
    status_label: str
    phase: str
    phase_label: str
    done: int
    total: int
    hit_count: int
    error: str
    cancel_requested: bool
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @staticmethod
    def resolve_rule(obj):
        return obj.rule_key

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_phase_label(obj):
        return runs.phase_label(obj.phase)


class RunPage(Schema):
    items: list[RunOut]
    count: int


@router.get("/comparison-rules", response=RulePage)
def rule_list(request):
    """The standard rules and the authority's own (each at its latest version), with the
    datasets (roles) each takes: ``{role: {label, fields}}``."""
    items = [
        {
            "key": r.key,
            "version": r.version,
            "name": r.name,
            "description": r.description,
            "standard": r.standard,
            "roles": r.roles,
        }
        for r in runs.rules_for(user=request.user)
    ]
    return {"items": items, "count": len(items)}


@router.get("/comparison-runs", response=RunPage)
def run_list(request, limit: int = 50, offset: int = 0):
    return page(runs.runs_for(user=request.user), search=None, fields=(), limit=limit, offset=offset)


@router.post("/comparison-runs", response={201: RunOut})
def run_post(request, payload: RunIn):
    """Start a run: ``{"rule": key, "datasets": {role: dataset id}}``; it is queued and runs in
    the background (poll ``GET /comparison-runs/{id}``)."""
    seen = datasets_for(user=request.user)
    chosen = {role: get_object_or_404(seen, pk=pk) for role, pk in payload.datasets.items()}
    if not chosen:
        raise ValidationError({"datasets": [ValidationError("请选择数据集。", code="missing_prerequisite")]})
    return 201, runs.run_start(actor=request.user, rule_key=payload.rule, datasets=chosen)


@router.get("/comparison-runs/{int:run_id}", response=RunOut)
def run_get(request, run_id: int):
    """A run's status and progress: status, phase, done, total, hit_count, error."""
    return get_object_or_404(runs.runs_for(user=request.user), pk=run_id)


@router.post("/comparison-runs/{int:run_id}/cancel", response=RunOut)
def run_cancel_post(request, run_id: int):
    run = get_object_or_404(runs.runs_for(user=request.user), pk=run_id)
    return runs.run_cancel(actor=request.user, run=run)
