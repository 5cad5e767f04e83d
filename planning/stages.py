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


def own_timing(inspection: Inspection) -> bool:
    """Whether ``inspection`` keeps a timetable of its own rather than its round's: a special
    inspection or a look-back in a round of another kind."""
    return inspection.kind != inspection.round.kind


def inspection_period(
    inspection: Inspection, changes: list[StageChange] | None = None
) -> tuple[datetime.date | None, datetime.date | None]:
    """When ``inspection`` is (or was) on site, as (entry, end): the dates its documents print.

    An inspection keeping its round's timing: the round's entry and end dates. One with its
    own (``own_timing``): the day it went on site and the day it left (its stage changes;
    ``changes`` when the caller has them), the round's dates until it has them (the end only
    when it is not before the entry)."""
    rnd = inspection.round
    if not own_timing(inspection):
        return rnd.entry_on, rnd.onsite_end_on
    changes = list(inspection.stage_changes.all()) if changes is None else changes
    reached = {c.to_stage: c.on for c in changes}
    entry = reached.get(Stage.ONSITE) or rnd.entry_on
    end = reached.get(Stage.REPORTING)
    if end is None and rnd.onsite_end_on and (entry is None or rnd.onsite_end_on >= entry):
        end = rnd.onsite_end_on
    return entry, end


def early_entry_warning(inspection: Inspection, on: datetime.date) -> str | None:
    """Why putting ``inspection`` on site on ``on`` deserves a second look: it is before its
    round's entry date (the date the 进驻通知, the 巡察公告 and the deadlines count from).

    For the inspections that keep their round's timing (a special inspection or look-back in
    a regular round has its own). None when the move is on or after the entry date.
    """
    entry = inspection.round.entry_on
    if inspection.stage != Stage.PREPARATION or inspection.kind != inspection.round.kind or not entry:
        return None
    if on >= entry:
        return None
    return (
        f"本轮进驻日期为 {entry:%Y-%m-%d}，{on:%Y-%m-%d} 推进到“进驻了解”将比进驻日期提前 {(entry - on).days} 天，"
        "进驻通知、巡察公告和各项时限仍按本轮进驻日期计算。请确认已实际进驻。"
    )


def inspection_advance(*, actor, inspection: Inspection, to_stage: str, on: datetime.date | None = None) -> StageChange:
    """Move ``inspection`` to ``to_stage``, which must be the next stage, on ``on`` (today by default).

    Raises ``Http404`` if the actor cannot see it, ``PermissionDenied`` if their role may
    not make this move, ``ValidationError`` for a skip, a step back, a date before the last
    move or a date after today (a move dated ahead would refuse every next move until then).
    Moving on site before the round's entry date is allowed (the team may enter early) and
    answered with ``early_entry_warning``, which callers show.
    """
    access.check(actor, "view", inspection)
    today = timezone.localdate()
    on = on or today
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
    if on > today:
        raise ValidationError(
            {
                "on": [
                    ValidationError(
                        f"阶段变更日期 {on:%Y-%m-%d} 晚于今天：请在实际发生的当天或之后推进。",
                        code="out_of_scope_date",
                    )
                ]
            }
        )
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
    done_on: datetime.date | None = None  # when it is known (the entry notice's generation)
    done_note: str = ""

    def urgency(self, today: datetime.date) -> str:
        """``done``, ``overdue``, ``today`` (due today: 今日到期), ``soon`` (within 7 days) or ``normal``."""
        if self.done:
            return "done"
        days = (self.due_on - today).days
        return "overdue" if days < 0 else "today" if days == 0 else "soon" if days <= 7 else "normal"


# The entry notice counts as sent once the office generated it (its number issued, with the date):
# planning.documents' kind, named here as a string (documents reads the deadlines).
ENTRY_NOTICE_KIND = "entry-notice"


def entry_notice_sent_on(inspection: Inspection) -> datetime.date | None:
    """The day the office generated the inspection's 进驻通知 (its number was issued), or None.
    Reads ``inspection.document_numbers`` (prefetch it for a list)."""
    for n in inspection.document_numbers.all():
        if n.kind == ENTRY_NOTICE_KIND:
            return timezone.localtime(n.issued_at).date()
    return None


def deadlines(inspection: Inspection, settings: DeadlineSettings, changes: list[StageChange]) -> list[Deadline]:
    """The deadlines of ``inspection`` known so far (a deadline appears once its start date is known)."""
    reached = {c.to_stage: c.on for c in changes}
    at = ORDER.index(inspection.stage)
    past = lambda stage: at >= ORDER.index(stage)  # noqa: E731
    out = []
    entry_on, onsite_end_on = inspection_period(inspection, changes)
    if entry_on:
        sent_on = entry_notice_sent_on(inspection)
        out.append(
            Deadline(
                "entry_notice",
                "发出进驻通知",
                entry_on - datetime.timedelta(days=settings.notice_days_before_entry),
                past(Stage.ONSITE) or sent_on is not None,
                done_on=sent_on,
                done_note=f"{sent_on:%Y-%m-%d} 已生成进驻通知，视为发出" if sent_on else "",
            )
        )
    if onsite_end_on:
        out.append(
            Deadline(
                "report",
                "向领导小组报送巡察报告",
                add_months(onsite_end_on, settings.report_months_after_onsite),
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
    qs = qs.select_related("round__term", "organization").prefetch_related("stage_changes", "document_numbers")
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
