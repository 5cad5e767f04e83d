"""Hits (比对命中): the data officer reviews a run's hits, confirms one to an inspection as a
lead for its team to verify (线索), or dismisses it with a reason; hits export to Excel.

- ``hit_confirm`` (step ``hit.confirm``) hands a new hit to a not-archived inspection of the
  hit's authority: it writes the evidence workbook (``comparison.evidence``) as an attachment
  of the inspection named ``数据比对线索_<规则>_<姓名>.xlsx``, so that the team can cite it in a
  working paper; from then on the inspection's team reads the hit (kind ``comparison_hit``,
  the condition on ``Hit.access``) and sees it on its on-site desk (``desk_panels``).
- ``hit_dismiss`` (step ``hit.dismiss``) needs a reason.
- A hit already confirmed or dismissed is not decided again (``HitDecided``, a conflict: the
  API answers 409).

Nobody but the authority's data officer reads an unconfirmed hit: not the office, not the
leading group, not the 三员. Every decision and export writes an audit event.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from comparison.engines import agreed_label
from comparison.evidence import evidence_workbook
from comparison.models import Hit, Run
from core import access
from core.audit import audit_record, export_trace
from core.desk import Panel, PanelItem
from core.excel import XLSX_CONTENT_TYPE, safe_cell, workbook_bytes
from core.files import file_erase
from planning.models import Inspection

NOTE_MAX = 2000
REASON_MAX = 2000
DESK_TITLE = "数据比对线索（待核实）"
DESK_TAG = "待核实"


class HitDecided(ValidationError):
    """The hit was confirmed or dismissed already (a conflict, not a bad field: 409)."""


# Selectors ---------------------------------------------------------------------------------------


def hits_for(*, user: Any) -> QuerySet[Hit]:
    """The hits ``user`` may see: the data officer's authority's, a team's those confirmed to
    its inspection."""
    return access.restrict(Hit.objects.select_related("run", "inspection__organization", "inspection__round"), user)


def run_hits(*, user: Any, run: Run, state: str = "", match: str = "") -> QuerySet[Hit]:
    """The hits of ``run`` that ``user`` sees, filtered by state and match when given."""
    qs = hits_for(user=user).filter(run=run)
    if state in Hit.State.values:
        qs = qs.filter(state=state)
    if match in Hit.Match.values:
        qs = qs.filter(match=match)
    return qs.order_by("id")


@dataclass(frozen=True)
class InspectionChoice:
    id: int
    name: str


def inspections_for_hits(*, user: Any) -> list[InspectionChoice]:
    """The inspections a hit may be handed to: those of the authority where ``user`` confirms
    hits, not archived; names only (the data officer reads no case data)."""
    ids = access.step_authorities(user, "hit.confirm")
    if not ids:
        return []
    qs = (
        Inspection.objects.filter(authority_id__in=ids)
        .exclude(stage=Inspection.Stage.ARCHIVED)
        .select_related("round__term", "organization")
        .order_by("-round__term__start_on", "-round__number", "organization__code")
    )
    return [InspectionChoice(i.pk, str(i)) for i in qs]


def may_decide(user: Any, hit: Hit) -> bool:
    """Whether ``user`` may confirm or dismiss ``hit`` now (its state new, the step theirs)."""
    return hit.state == Hit.State.NEW and access.may(user, "hit.confirm", hit)


def match_label(hit: Hit) -> str:
    """精确, or 模糊 0.9973 (probability to four places)."""
    if hit.match == Hit.Match.FUZZY and hit.probability is not None:
        return f"模糊 {hit.probability:.4f}"
    return hit.get_match_display()


def hit_agreed(hit: Hit) -> str:
    """The fields that agreed, in Chinese, with the warning when only name and birth date did."""
    return agreed_label(hit.agreed, hit.name_birth_only)


def figure_labels(run: Run) -> list[str]:
    """The labels of a run's figures (periods, months, amounts, counts) in its hits' summaries."""
    from comparison.rules import RuleError, condition_labels, group_labels, rule_validate

    try:
        rule = rule_validate(run.definition)
    except RuleError:
        return []
    labels = [label for cond in rule["where"] for label in condition_labels(rule, cond)]
    return labels + group_labels(rule)


def summary_labels(run: Run) -> list[str]:
    """Every label of a run's hits' summaries, in the order of the rule."""
    from comparison.rules import RuleError, rule_validate
    from comparison.rules import summary_labels as labels_of

    try:
        return labels_of(rule_validate(run.definition))
    except RuleError:
        return []


def key_figure(hit: Hit, labels: list[str] | None = None) -> str:
    """The hit's key figures on one line (享受期间：2022-01-01至今；供养期间：…)."""
    summary = hit.summary or {}
    labels = figure_labels(hit.run) if labels is None else labels
    chosen = [k for k in labels if summary.get(k) not in (None, "")] or [
        k for k, v in summary.items() if v not in (None, "")
    ][:2]
    return "；".join(f"{k}：{summary[k]}" for k in chosen)


# Deciding ---------------------------------------------------------------------------------------


def _decided(hit: Hit) -> HitDecided:
    return HitDecided(
        {"state": [ValidationError(f"该线索{hit.get_state_display()}，不能再次处理。", code="not_editable")]}
    )


def _attachment_name(hit: Hit) -> str:
    return f"数据比对线索_{hit.run.rule_name}_{hit.name or hit.person or hit.pk}.xlsx"


def hit_confirm(*, actor: Any, hit: Hit, inspection: Inspection | None, note: str = "") -> Hit:
    """Hand ``hit`` to ``inspection`` with its evidence workbook as an attachment there."""
    from core.files import file_path
    from onsite.attachments import attachment_create

    access.require(actor, "hit.confirm", hit)
    note = (note or "").strip()
    errors: dict[str, list[ValidationError]] = {}
    if inspection is None:
        errors["inspection"] = [ValidationError("请选择移交的巡察。", code="missing_prerequisite")]
    elif inspection.authority_id != hit.authority_id:
        errors["inspection"] = [ValidationError("所选巡察不属于本机构。", code="unknown_reference")]
    elif inspection.stage == Inspection.Stage.ARCHIVED:
        errors["inspection"] = [ValidationError(f"巡察“{inspection}”已归档，不能移交线索。", code="not_editable")]
    if len(note) > NOTE_MAX:
        errors["note"] = [ValidationError(f"移交说明不能超过 {NOTE_MAX} 字。", code="invalid")]
    if hit.state != Hit.State.NEW:
        raise _decided(hit)
    if errors:
        raise ValidationError(errors)
    assert inspection is not None
    written = None
    try:
        with transaction.atomic():
            locked = Hit.objects.select_for_update().select_related("run").get(pk=hit.pk)
            if locked.state != Hit.State.NEW:
                raise _decided(locked)
            data = evidence_workbook(locked, inspection_name=str(inspection), note=note, footer=export_trace(actor))
            upload = SimpleUploadedFile(_attachment_name(locked), data, content_type=XLSX_CONTENT_TYPE)
            attachment = attachment_create(actor=actor, inspection=inspection, upload=upload, step_checked=True)
            written = attachment.path
            locked.state = Hit.State.CONFIRMED
            locked.inspection = inspection
            locked.attachment = attachment
            locked.reason = note
            locked.reviewed_by = actor
            locked.reviewed_at = timezone.now()
            locked.save(update_fields=["state", "inspection", "attachment", "reason", "reviewed_by", "reviewed_at"])
            audit_record(
                actor=actor,
                action="hit.confirm",
                obj=locked,
                authority=locked.authority,
                detail={
                    "run": locked.run_id,
                    "rule": locked.run.rule_key,
                    "inspection": inspection.pk,
                    "attachment": attachment.name,
                    "match": locked.match,
                },
            )
    except Exception:
        if written:
            file_erase(file_path(written))  # nothing partial is kept
        raise
    return locked


def hit_dismiss(*, actor: Any, hit: Hit, reason: str) -> Hit:
    """Dismiss ``hit`` (排除) with the officer's reason."""
    access.require(actor, "hit.dismiss", hit)
    reason = (reason or "").strip()
    if hit.state != Hit.State.NEW:
        raise _decided(hit)
    if not reason:
        raise ValidationError({"reason": [ValidationError("请填写排除理由", code="invalid")]})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": [ValidationError(f"排除理由不能超过 {REASON_MAX} 字。", code="invalid")]})
    with transaction.atomic():
        locked = Hit.objects.select_for_update().get(pk=hit.pk)
        if locked.state != Hit.State.NEW:
            raise _decided(locked)
        locked.state = Hit.State.DISMISSED
        locked.reason = reason
        locked.reviewed_by = actor
        locked.reviewed_at = timezone.now()
        locked.save(update_fields=["state", "reason", "reviewed_by", "reviewed_at"])
        audit_record(
            actor=actor,
            action="hit.dismiss",
            obj=locked,
            authority=locked.authority,
            detail={"run": locked.run_id, "reason": reason},
        )
    return locked


# Export ------------------------------------------------------------------------------------------

EXPORT_HEAD = ("身份证号", "姓名", "匹配方式", "匹配概率", "一致字段", "状态")
EXPORT_TAIL = ("移交巡察", "研判说明")


def hit_read(*, actor: Any, hit: Hit) -> None:
    """``hit``'s evidence rows were shown to ``actor``: personal data, so audited (``read.hit``)."""
    audit_record(
        actor=actor,
        action="read.hit",
        obj=hit,
        authority=hit.authority,
        detail={"run": hit.run_id, "rule": hit.run.rule_key},
    )


def hits_read(*, actor: Any, run: Any, shown: int) -> None:
    """A page of ``run``'s hits (names and IDs) was shown to ``actor``; audited (``read.hits``)."""
    audit_record(
        actor=actor,
        action="read.hits",
        obj=run,
        authority=run.authority,
        detail={"rule": run.rule_key, "shown": shown},
    )


def hits_export(*, actor: Any, run: Run, state: str = "", match: str = "") -> bytes:
    """The hits of ``run`` (filtered as the page is) as .xlsx: IDs as text, every text cell
    formula-neutralised, the run's summary columns; audited ``hits.export``."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.worksheet import Worksheet

    access.check(actor, "view", run)
    labels = summary_labels(run)
    hits = list(run_hits(user=actor, run=run, state=state, match=match))
    wb = Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)  # a new workbook opens on its one worksheet
    ws.title = "比对命中"
    headers = [*EXPORT_HEAD, *labels, *EXPORT_TAIL]
    ws.append(headers)
    for idx, name in enumerate(headers, start=1):
        cell = ws.cell(row=1, column=idx)
        cell.font, cell.fill = Font(bold=True), PatternFill("solid", fgColor="DDE7F3")
        ws.column_dimensions[get_column_letter(idx)].width = 22 if idx == 1 else max(12, len(name) * 3)
    ws.freeze_panes = "A2"
    for hit in hits:
        summary = hit.summary or {}
        row = [
            hit.id_number,
            hit.name,
            hit.get_match_display(),
            "" if hit.probability is None else f"{hit.probability:.4f}",
            hit_agreed(hit),
            hit.get_state_display(),
            *("" if summary.get(label) is None else str(summary.get(label)) for label in labels),
            str(hit.inspection) if hit.inspection_id else "",
            hit.reason,
        ]
        ws.append(row)
        for cell in ws[ws.max_row]:
            safe_cell(cell)
        ws.cell(row=ws.max_row, column=1).number_format = "@"
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="hits.export",
            obj=run,
            authority=run.authority,
            detail={"rule": run.rule_key, "hits": len(hits), "state": state, "match": match},
        )
    return workbook_bytes(wb, ws, footer=export_trace(actor))


# The on-site desk ---------------------------------------------------------------------------------


def desk_panels(user: Any, inspection: Any) -> list[Panel]:
    """A card on ``inspection``'s on-site desk: the hits confirmed to it that ``user`` may see
    (for whoever may read hits at all; nothing for others)."""
    if not access.can(user, "view", Hit):
        return []
    hits = list(
        hits_for(user=user).filter(inspection_id=inspection.pk, state=Hit.State.CONFIRMED).order_by("-reviewed_at")
    )
    # No card of an empty list for those who read no hit on this inspection (an office that is
    # also a team elsewhere): the roles that read hits (the table's), held on this inspection.
    if not hits and not access.roles_on(user, inspection) & set(access.RULES["comparison_hit"]["view"]):
        return []
    labels: dict[int, list[str]] = {}
    items = []
    for hit in hits:
        if hit.run_id not in labels:
            labels[hit.run_id] = figure_labels(hit.run)
        items.append(
            PanelItem(
                title=f"{hit.name or hit.person} · {hit.run.rule_name}",
                url=reverse("comparison:hit", args=[hit.pk]),
                tag=DESK_TAG,
                detail=key_figure(hit, labels[hit.run_id]),
            )
        )
    return [Panel(title=DESK_TITLE, items=items, empty="暂无移交本巡察的数据比对线索。")]
