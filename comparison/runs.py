"""Runs (比对任务): a rule run over datasets as a background task, with its progress, its
cancelling and its hits stored.

``run_start`` checks the datasets against the rule's roles, keeps a snapshot of the rule as
it is now (its version and definition) and queues ``jobs.run_task``; the worker
(``manage.py db_worker``) calls ``run_execute``, which runs the engine
(``comparison.engines.rule_run``), writes its progress to the run at most every half second,
stops when the officer cancels, and stores the hits. Runs are the data officer's alone
(kind ``dataset``); each start is audited (``comparison.run``).
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone

from comparison.datasets import authority_dir, dataset_file, datasets_for, officer_authority
from comparison.models import Dataset, Hit, Rule, Run
from core import access
from core.audit import audit_record
from core.files import file_erase

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 0.5  # seconds between two writes of a run's progress (and two looks at its cancel flag)
HIT_BATCH = 2000

PHASES = {
    "read": "读取数据",
    "normalise": "标准化",
    "match": "人员匹配",
    "exact": "精确匹配",
    "fuzzy": "模糊匹配",
    "filter": "条件筛选",
    "rule": "规则筛选",
    "where": "条件筛选",
    "group": "分组统计",
    "write": "写出结果",
    "store": "保存命中",
}


def phase_label(phase: str) -> str:
    return PHASES.get(phase, phase)


# Rules ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleInfo:
    key: str
    version: int
    name: str
    description: str
    definition: dict
    standard: bool

    @property
    def roles(self) -> dict[str, dict]:
        return dict(self.definition.get("roles") or {})


def rules_available(*, authority_id: int) -> list[RuleInfo]:
    """The standard rules (version 1) and the authority's own, each at its latest version."""
    from comparison.rules import STANDARD

    found = [
        RuleInfo(key, 1, r["name"], r.get("description", ""), r["definition"], True) for key, r in STANDARD.items()
    ]
    own = Rule.objects.filter(authority_id=authority_id)
    latest = {row["key"]: row["v"] for row in own.values("key").annotate(v=Max("version"))}
    for rule in own.filter(key__in=latest.keys()).order_by("key"):
        if rule.version == latest[rule.key] and rule.key not in STANDARD:
            found.append(RuleInfo(rule.key, rule.version, rule.name, rule.description, rule.definition, False))
    return found


def rules_for(*, user: Any) -> list[RuleInfo]:
    """The rules the user may run: those of the authority where they run comparisons."""
    if not access.may_somewhere(user, "comparison.run"):
        return []
    return rules_available(authority_id=officer_authority(user, "comparison.run").pk)


def rule_resolve(*, authority_id: int, key: str) -> RuleInfo:
    for rule in rules_available(authority_id=authority_id):
        if rule.key == key:
            return rule
    raise ValidationError({"rule": [ValidationError(f"没有标识为“{key}”的比对规则。", code="unknown_choice")]})


# Selectors ----------------------------------------------------------------------------------


def runs_for(*, user: Any) -> QuerySet[Run]:
    return access.restrict(Run.objects.select_related("started_by"), user)


def run_datasets(run: Run) -> dict[str, Dataset | None]:
    """The datasets of a run by role (None where one has gone)."""
    ids = {int(v) for v in run.datasets.values()}
    found = {d.pk: d for d in Dataset.objects.filter(pk__in=ids).select_related("source")}
    return {role: found.get(int(pk)) for role, pk in run.datasets.items()}


# Starting and cancelling ----------------------------------------------------------------------


def _mapped_fields(dataset: Dataset) -> set[str]:
    mapping = dataset.report.get("mapping")
    if mapping is None:
        mapping = dataset.source.mapping
    return set(mapping.values())


def _refs(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [v for v in value if isinstance(v, str)]
    return []


def required_fields(definition: dict) -> dict[str, set[str]]:
    """The fields each role's dataset must hold for the rule to mean anything: those a
    condition tests without letting an empty value pass (``if_present``), those of the link
    other than the person, and those grouped by. (An empty period end is open by design.)"""
    needed: dict[str, set[str]] = {}

    def add(ref: str) -> None:
        if "." in ref:
            role, field = ref.split(".", 1)
            needed.setdefault(role, set()).add(field)

    for cond in definition.get("where") or []:
        op = cond.get("op")
        if op in ("overlap",) or cond.get("if_present") or cond.get("if_empty"):
            continue
        if op == "months_after":
            for ref in _refs(cond.get("month")) + _refs(cond.get("date")):
                add(ref)
        elif op in ("before", "after"):
            for ref in _refs(cond.get("left")) + _refs(cond.get("right")):
                add(ref)
        elif op not in ("empty",):
            for ref in _refs(cond.get("field")):
                add(ref)
    for ref in _refs((definition.get("group") or {}).get("by")):
        add(ref)
    link = definition.get("link") or {}
    on = link.get("on")
    alternatives = on if isinstance(on, list) and any(isinstance(a, list) for a in on) else [on]
    plain = [a for a in alternatives if isinstance(a, list)]
    if len(plain) == len(alternatives):  # every way of linking needs fields, not the person
        for fields_ in plain:
            for field in _refs(fields_):
                for role in (link.get("left"), link.get("right")):
                    if role:
                        needed.setdefault(role, set()).add(field)
    return needed


def run_start(*, actor: Any, rule_key: str, datasets: dict[str, Dataset]) -> Run:
    """Queue a run of rule ``rule_key`` over ``datasets`` ({role: Dataset}); every role of the
    rule needs one dataset holding the fields the role asks for."""
    from comparison import rules as rules_module
    from comparison.jobs import run_task

    authority = officer_authority(actor, "comparison.run")
    for given in datasets.values():
        access.require(actor, "comparison.run", given)
    rule = rule_resolve(authority_id=authority.pk, key=rule_key)
    roles = rule.roles
    required = required_fields(rule.definition)
    errors: list[ValidationError] = []
    for role in datasets:
        if role not in roles:
            errors.append(ValidationError(f"规则“{rule.name}”没有“{role}”这一数据集。", code="unknown_choice"))
    for role, spec in roles.items():
        label = spec.get("label") or role
        dataset = datasets.get(role)
        if dataset is None:
            errors.append(ValidationError(f"请为“{label}”选择数据集。", code="missing_prerequisite"))
            continue
        if dataset.authority_id != authority.pk:
            errors.append(ValidationError(f"“{label}”的数据集不属于本机构。", code="unknown_reference"))
            continue
        missing = sorted(f for f in required.get(role, set()) if f not in _mapped_fields(dataset))
        if missing:
            from comparison.fields import BY_KEY

            names = "、".join(BY_KEY[f].label if f in BY_KEY else f for f in missing)
            errors.append(
                ValidationError(f"数据集“{dataset}”（{label}）缺少规则所需的列：{names}。", code="missing_prerequisite")
            )
    if errors:
        raise ValidationError({"datasets": errors})
    try:
        rules_module.rule_validate(rule.definition)
    except rules_module.RuleError as e:
        message = getattr(e, "message", None) or str(e)
        raise ValidationError({"rule": [ValidationError(message, code="invalid")]}) from e
    with transaction.atomic():
        run = Run.objects.create(
            authority=authority,
            rule_key=rule.key,
            rule_version=rule.version,
            rule_name=rule.name,
            definition=rule.definition,
            datasets={role: d.pk for role, d in datasets.items()},
            engine=settings.XUNCHA["COMPARISON_ENGINE"],
            started_by=actor,
        )
        audit_record(
            actor=actor,
            action="comparison.run",
            obj=run,
            authority=authority,
            detail={
                "rule": rule.key,
                "version": rule.version,
                "datasets": {role: f"{d.source.name} 第{d.version}版" for role, d in datasets.items()},
            },
        )
        run_task.enqueue(run_id=run.pk)
    return run


def run_cancel(*, actor: Any, run: Run) -> Run:
    """Ask a queued or running run to stop; a queued one stops at once, a running one at the
    engine's next look at the flag."""
    access.require(actor, "comparison.run", run)
    with transaction.atomic():
        run = Run.objects.select_for_update().get(pk=run.pk)
        if not run.active:
            raise ValidationError(
                {"status": [ValidationError(f"任务{run.get_status_display()}，无法取消。", code="not_editable")]}
            )
        run.cancel_requested = True
        fields = ["cancel_requested"]
        if run.status == Run.Status.QUEUED:
            run.status, run.finished_at = Run.Status.CANCELLED, timezone.now()
            fields += ["status", "finished_at"]
        run.save(update_fields=fields)
        audit_record(actor=actor, action="comparison.cancel", obj=run, detail={"rule": run.rule_key})
    return run


# Executing ---------------------------------------------------------------------------------------


class _Progress:
    """The engine's callbacks: progress written to the run, and the cancel flag read, each at
    most every ``PROGRESS_EVERY`` seconds (a phase change is written at once)."""

    def __init__(self, run_id: int) -> None:
        self.run_id = run_id
        self.written = 0.0
        self.looked = 0.0
        self.phase = ""
        self.stop = False

    def progress(self, phase: str, done: int | None = None, total: int | None = None) -> None:
        now = time.monotonic()
        if phase == self.phase and now - self.written < PROGRESS_EVERY:
            return
        self.phase, self.written = phase, now
        Run.objects.filter(pk=self.run_id).update(phase=phase, done=int(done or 0), total=int(total or 0))

    def cancelled(self) -> bool:
        now = time.monotonic()
        if not self.stop and now - self.looked >= PROGRESS_EVERY:
            self.looked = now
            self.stop = Run.objects.filter(pk=self.run_id, cancel_requested=True).exists()
        return self.stop


def _json(value: Any) -> Any:
    if value is None or value == "":
        return {}
    if isinstance(value, str):
        return json.loads(value)
    return value


def _hit(run: Run, row: dict) -> Hit:
    probability = row.get("probability")
    return Hit(
        authority_id=run.authority_id,
        run=run,
        person=str(row.get("person") or "")[:100],
        id_number=str(row.get("id_number") or "")[:18],
        name=str(row.get("name") or "")[:100],
        match=row.get("match") or Hit.Match.EXACT,
        probability=None if probability is None else float(probability),
        agreed=str(row.get("agreed") or "")[:200],
        name_birth_only=bool(row.get("name_birth_only")),
        group_key=str(row.get("group_key") or "")[:200],
        summary=_json(row.get("summary")),
        evidence=_json(row.get("evidence")),
    )


def _stats(stats: Any) -> dict:
    if stats is None:
        return {}
    if isinstance(stats, dict):
        return stats
    return {k: getattr(stats, k) for k in ("phases", "rows", "hits", "engine") if hasattr(stats, k)}


def _finish(run_id: int, status: str, **values: Any) -> None:
    Run.objects.filter(pk=run_id).update(status=status, finished_at=timezone.now(), **values)


def run_execute(run_id: int) -> str:
    """Run a queued run to its end (what the background task calls); answers its status."""
    from comparison.engines import RunCancelled, hits_iter, rule_run

    with transaction.atomic():
        run = Run.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.status != Run.Status.QUEUED:
            return run.status if run is not None else "missing"
        run.status, run.started_at, run.phase = Run.Status.RUNNING, timezone.now(), "read"
        run.save(update_fields=["status", "started_at", "phase"])
    tracker = _Progress(run.pk)
    out = authority_dir(run.authority_id) / f".run-{run.pk}-{secrets.token_hex(6)}.parquet"
    try:
        paths: dict[str, Path] = {}
        for role, dataset in run_datasets(run).items():
            if dataset is None or not dataset_file(dataset).exists():
                raise ValueError(f"“{role}”的数据集已不存在，请重新选择数据集后再运行。")
            paths[role] = dataset_file(dataset)
        out.parent.mkdir(parents=True, exist_ok=True)
        stats = rule_run(
            run.definition,
            paths,
            out=out,
            engine=run.engine,
            progress=tracker.progress,
            cancelled=tracker.cancelled,
        )
        tracker.progress("store", 0, 0)
        count = _hits_store(run, hits_iter(out), tracker)
        if count is None:
            raise RunCancelled()
        _finish(run.pk, Run.Status.DONE, phase="", hit_count=count, stats=_stats(stats))
        return Run.Status.DONE
    except RunCancelled:
        Hit.objects.filter(run_id=run.pk).delete()
        _finish(run.pk, Run.Status.CANCELLED, phase="")
        return Run.Status.CANCELLED
    except Exception as e:  # noqa: BLE001 (the run records every failure; the worker goes on)
        Hit.objects.filter(run_id=run.pk).delete()
        message = getattr(e, "message", None)
        if message is None and isinstance(e, ValueError):
            message = str(e)
        if message is None:
            logger.exception("comparison run %s failed", run.pk)
            message = "比对运行出错，请联系系统管理员查看日志。"
        _finish(run.pk, Run.Status.FAILED, error=str(message)[:2000])
        return Run.Status.FAILED
    finally:
        file_erase(out)


def _hits_store(run: Run, rows: Any, tracker: _Progress) -> int | None:
    """Store the hits in batches; None when cancelled meanwhile (the caller removes them)."""
    batch: list[Hit] = []
    count = 0
    for row in rows:
        batch.append(_hit(run, row))
        if len(batch) >= HIT_BATCH:
            Hit.objects.bulk_create(batch)
            count += len(batch)
            batch = []
            tracker.progress("store", count, 0)
            if tracker.cancelled():
                return None
    if batch:
        Hit.objects.bulk_create(batch)
        count += len(batch)
    return count


def run_figures(run: Run) -> dict:
    """What a finished run shows: its hits by how they matched, and the engine's figures."""
    from django.db.models import Count

    by_match = dict(run.hits.values_list("match").annotate(n=Count("id")))
    by_state = dict(run.hits.values_list("state").annotate(n=Count("id")))
    stats = run.stats or {}
    phases = stats.get("phases") or {}
    if isinstance(phases, dict):
        phase_rows = [(phase_label(k), v) for k, v in phases.items() if v]
    else:
        phase_rows = [(phase_label(str(p[0])), p[1]) for p in phases if isinstance(p, list | tuple) and len(p) == 2]
    return {
        "exact": by_match.get(Hit.Match.EXACT, 0),
        "fuzzy": by_match.get(Hit.Match.FUZZY, 0),
        "new": by_state.get(Hit.State.NEW, 0),
        "confirmed": by_state.get(Hit.State.CONFIRMED, 0),
        "dismissed": by_state.get(Hit.State.DISMISSED, 0),
        "rows": stats.get("rows"),
        "phases": phase_rows,
        "seconds": (run.finished_at - run.started_at).total_seconds() if run.finished_at and run.started_at else None,
    }


def datasets_for_role(*, user: Any) -> QuerySet[Dataset]:
    """The datasets a run may take, newest first."""
    return datasets_for(user=user).order_by("source__name", "-version")
