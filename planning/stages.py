"""The stage machine of an inspection and the deadlines that follow from it.

preparation → onsite → reporting → feedback → rectification → archived: only
forwards, one stage at a time, each move by a role allowed to make it, recorded
with its date and actor. Deadlines come from ``DeadlineSettings`` (the office's
settings, with the defaults of the rules) and the dates of the round and of the
stage changes.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core import access
from core.audit import audit_record
from planning.models import DeadlineSettings, Inspection, StageChange

Stage = Inspection.Stage
ORDER: list[str] = [
    Stage.PREPARATION,
    Stage.ONSITE,
    Stage.REPORTING,
    Stage.FEEDBACK,
    Stage.RECTIFICATION,
    Stage.ARCHIVED,
]
# Who may move an inspection into each stage: the steps "inspection.advance.<stage>" of core.access.


def next_stage(inspection: Inspection) -> str | None:
    i = ORDER.index(inspection.stage)
    return ORDER[i + 1] if i + 1 < len(ORDER) else None


def may_advance(user, inspection: Inspection) -> bool:
    """Whether ``user`` may move ``inspection`` to its next stage (for the button)."""
    nxt = next_stage(inspection)
    return nxt is not None and access.may(user, f"inspection.advance.{nxt}", inspection)


# Later stages' conditions on a move: ``check(inspection, to_stage) -> Chinese reason or None``
# (rectification: archived only once every task is verified and the round assessed).
_advance_checks: list = []


def register_advance_check(check) -> None:
    if check not in _advance_checks:
        _advance_checks.append(check)


def advance_blocker(inspection: Inspection, to_stage: str) -> str | None:
    """Why a later stage refuses the move of ``inspection`` to ``to_stage``; None when none does."""
    for check in _advance_checks:
        if reason := check(inspection, to_stage):
            return reason
    return None


def inspection_advance(*, actor, inspection: Inspection, to_stage: str, on: datetime.date | None = None) -> StageChange:
    """Move ``inspection`` to ``to_stage``, which must be the next stage.

    Raises ``Http404`` if the actor cannot see it, ``PermissionDenied`` if their role may
    not make this move, ``ValidationError`` for a skip, a step back or a date before the last move.
    """
    access.check(actor, "view", inspection)
    on = on or timezone.localdate()
    nxt = next_stage(inspection)
    if to_stage not in Stage.values:
        raise ValidationError({"to_stage": [ValidationError("未知的阶段。", code="unknown_choice")]})
    if nxt is None:
        raise ValidationError({"to_stage": [ValidationError("该巡察已归档，不能再推进。", code="not_editable")]})
    if to_stage != nxt:
        raise ValidationError(
            {"to_stage": [ValidationError(f"只能依次推进到下一阶段：{Stage(nxt).label}。", code="stage_order")]}
        )
    access.require(actor, f"inspection.advance.{nxt}", inspection)
    if reason := advance_blocker(inspection, to_stage):
        raise ValidationError({"to_stage": [ValidationError(reason, code="stage_order")]})
    last = inspection.stage_changes.order_by("-on", "-id").first()
    if last and on < last.on:
        raise ValidationError(
            {"on": [ValidationError(f"日期不能早于上一阶段变更（{last.on:%Y-%m-%d}）。", code="out_of_scope_date")]}
        )
    with transaction.atomic():
        locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
        if locked.stage != inspection.stage:
            raise ValidationError(
                {"to_stage": [ValidationError("该巡察的阶段已被他人变更，请刷新后重试。", code="stale")]}
            )
        change = StageChange.objects.create(
            inspection=inspection, from_stage=inspection.stage, to_stage=to_stage, on=on, actor=actor
        )
        inspection.stage = to_stage
        inspection.save(update_fields=["stage"])
        audit_record(
            actor=actor,
            action="inspection.advance",
            obj=inspection,
            detail={"from": change.from_stage, "to": to_stage, "on": on.isoformat()},
        )
    return change


def add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def deadline_settings_for(authority_id: int) -> DeadlineSettings:
    """The authority's settings, or the defaults if the office has not changed them."""
    return DeadlineSettings.objects.filter(authority_id=authority_id).first() or DeadlineSettings(
        authority_id=authority_id
    )


SETTING_FIELDS = (
    "notice_days_before_entry",
    "report_months_after_onsite",
    "plan_months_after_feedback",
    "rectification_report_months_after_feedback",
    "transfer_outcome_months",
)


def deadline_settings_update(*, actor, authority, **values) -> DeadlineSettings:
    """The office changes its time limits; every deadline computed afterwards follows them."""
    access.check_authority(actor, "change", DeadlineSettings, authority)
    current = deadline_settings_for(authority.pk)
    before = {f: getattr(current, f) for f in SETTING_FIELDS}
    for field, value in values.items():
        if field in SETTING_FIELDS:
            setattr(current, field, value)
    errors = {
        f: ["须为 1 到 24 之间的整数。"]
        for f in SETTING_FIELDS
        if f != "notice_days_before_entry" and not 1 <= getattr(current, f) <= 24
    }
    if not 1 <= current.notice_days_before_entry <= 60:
        errors["notice_days_before_entry"] = ["须为 1 到 60 之间的整数。"]
    if errors:
        raise ValidationError(errors)
    changes = {f: [before[f], getattr(current, f)] for f in SETTING_FIELDS if before[f] != getattr(current, f)}
    with transaction.atomic():
        current.save()
        audit_record(
            actor=actor,
            action="deadline_settings.update",
            obj=current,
            authority=authority,
            detail={"changes": changes},
        )
    return current


@dataclass
class Deadline:
    kind: str
    label: str
    due_on: datetime.date
    done: bool

    def urgency(self, today: datetime.date) -> str:
        if self.done:
            return "done"
        days = (self.due_on - today).days
        return "overdue" if days < 0 else "soon" if days <= 7 else "normal"


def deadlines(inspection: Inspection, settings: DeadlineSettings, changes: list[StageChange]) -> list[Deadline]:
    """The deadlines of ``inspection`` known so far (a deadline appears once its start date is known)."""
    reached = {c.to_stage: c.on for c in changes}
    at = ORDER.index(inspection.stage)
    past = lambda stage: at >= ORDER.index(stage)  # noqa: E731
    out = []
    rnd = inspection.round
    if rnd.entry_on:
        out.append(
            Deadline(
                "entry_notice",
                "发出进驻通知",
                rnd.entry_on - datetime.timedelta(days=settings.notice_days_before_entry),
                past(Stage.ONSITE),
            )
        )
    if rnd.onsite_end_on:
        out.append(
            Deadline(
                "report",
                "向领导小组报送巡察报告",
                add_months(rnd.onsite_end_on, settings.report_months_after_onsite),
                past(Stage.FEEDBACK),
            )
        )
    feedback_on = reached.get(Stage.FEEDBACK)
    if feedback_on:
        # The plan counts as received once the unit submitted it (the rectification app's
        # record, reached by its reverse name), or once the inspection is past rectification.
        plan = getattr(inspection, "rectification_plan", None)
        out.append(
            Deadline(
                "rectification_plan",
                "报送整改方案",
                add_months(feedback_on, settings.plan_months_after_feedback),
                past(Stage.RECTIFICATION) or (plan is not None and plan.submitted_at is not None),
            )
        )
        out.append(
            Deadline(
                "rectification_report",
                "报送整改情况报告",
                add_months(feedback_on, settings.rectification_report_months_after_feedback),
                past(Stage.ARCHIVED),
            )
        )
    return out


def todos_for(user) -> list:
    """Deadlines overdue or due within 30 days, for those responsible: the office of the
    inspection's authority and its team. For the workbench."""
    from django.urls import reverse

    from core.workbench import Todo

    qs = access.restrict(Inspection.objects.exclude(stage=Stage.ARCHIVED), user, "change")
    qs = qs.select_related("round__term", "organization").prefetch_related("stage_changes")
    today = timezone.localdate()
    settings_cache: dict[int, DeadlineSettings] = {}
    items = []
    for inspection in qs:
        if inspection.authority_id not in settings_cache:
            settings_cache[inspection.authority_id] = deadline_settings_for(inspection.authority_id)
        for d in deadlines(inspection, settings_cache[inspection.authority_id], list(inspection.stage_changes.all())):
            if not d.done and (d.due_on - today).days <= 30:
                url = reverse("planning:inspection", args=[inspection.pk])
                items.append(Todo(f"{inspection.organization.name}：{d.label}", url, d.due_on, "巡察"))
    return items
