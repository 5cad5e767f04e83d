"""The look-back (回头看): a later inspection of the same organisation checks whether the
findings of the inspection it revisits were truly fixed.

- ``lookback_items_for`` shows the look-back's viewers every finding of the revisited
  inspection with its tasks, latest progress, evidence and status, the plan's status and
  last assessment grade, and the verdict recorded so far. The look-back team holds no role
  on the old inspection; it reads it through the look-back (the step
  ``lookback.read_revisited`` of ``core.access``).
- ``lookback_check_record``: the look-back's team (or its office) records or changes the
  verdict on one old finding: 真改实改, 表面整改 or 未整改. The latter two need a note and
  become a new finding of the look-back (once), on an approved working paper written and
  approved by the recorder, titled "（回头看）" + the old title and naming the original
  inspection in its description; changing the note later rewrites that description.

  A later change of the verdict to 真改实改 does not delete the new finding (it may already
  stand in the look-back's report, feedback or a rectification plan): the check keeps its
  link, the page says a new finding exists, and the team deals with it on the findings page.
  Changing the verdict back to 表面整改 or 未整改 reuses that same finding.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core import access
from core.audit import audit_record
from onsite.models import Finding, WorkingPaper
from planning.models import Inspection, InspectionKind
from rectification.models import (
    Assessment,
    Evidence,
    LookbackCheck,
    ProgressReport,
    RectificationPlan,
    RectificationTask,
)
from rectification.tasks import finding_state
from results.models import Feedback

Verdict = LookbackCheck.Verdict
NOTE_MAX = 2000
PREFIX = "（回头看）"
TITLE_MAX = 200  # Finding.title and WorkingPaper.title


@dataclass
class TaskItem:
    task: RectificationTask
    latest: ProgressReport | None = None
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class FindingItem:
    finding: Finding
    tasks: list[TaskItem] = field(default_factory=list)
    check: LookbackCheck | None = None

    @property
    def state(self) -> str:
        """The rectification state of the old finding: 已整改, 整改中 or 无任务."""
        return finding_state(t.task.status for t in self.tasks)


@dataclass
class LookbackView:
    inspection: Inspection
    revisited: Inspection
    plan: RectificationPlan | None
    assessment: Assessment | None
    items: list[FindingItem]

    @property
    def counts(self) -> dict[str, int]:
        out = {v: 0 for v in Verdict.values} | {"unchecked": 0}
        for item in self.items:
            out[item.check.verdict if item.check else "unchecked"] += 1
        return out


# Who may do what -------------------------------------------------------------------------


def _revisited(inspection: Inspection) -> Inspection:
    if inspection.kind != InspectionKind.LOOKBACK or inspection.revisits_id is None:
        raise ValidationError({"inspection": ["该巡察不是“回头看”，或未指明所回看的原巡察。"]})
    return Inspection.objects.select_related("round__term", "organization").get(pk=inspection.revisits_id)


# A verdict of 表面整改 or 未整改 becomes a finding on an approved paper: the call of those who
# approve papers (onsite.papers), the look-back's leader and deputy, or of the office (the
# step ``lookback.record`` of core.access).


def may_record(user, inspection: Inspection) -> bool:
    """The look-back's team leader or deputy, or the office of its authority."""
    if inspection.kind != InspectionKind.LOOKBACK or inspection.revisits_id is None:
        return False
    return access.may(user, "lookback.record", inspection)


def record_blocker(inspection: Inspection) -> str | None:
    """Why verdicts can no longer be recorded: the look-back's findings are settled once it
    has fed back (or is archived)."""
    if inspection.stage == Inspection.Stage.ARCHIVED:
        return "该“回头看”已归档，不能再修改核查结论。"
    if Feedback.objects.filter(inspection=inspection).exists():
        return "该“回头看”已反馈，核查结论和新发现问题不能再修改。"
    return None


def origin_text(revisited: Inspection, finding: Finding) -> str:
    """The line of a new finding's description naming where it comes from."""
    return f"原问题：{revisited.round}巡察{revisited.organization.name}时发现的“{finding.title}”。"


# Reads -----------------------------------------------------------------------------------


def lookback_items_for(*, user, inspection: Inspection) -> LookbackView:
    """Every finding of the inspection that ``inspection`` (a look-back the user may view)
    revisits, with its tasks, latest progress and evidence, and the look-back's verdicts."""
    access.check(user, "view", inspection)
    revisited = _revisited(inspection)
    plan = RectificationPlan.objects.filter(inspection=revisited).first()
    assessment = plan.assessments.order_by("-assessed_on", "-id").first() if plan else None
    findings = Finding.objects.filter(inspection=revisited).select_related("focus_area").order_by("id")
    items = {f.pk: FindingItem(finding=f) for f in findings}
    tasks: dict[int, TaskItem] = {}
    if plan is not None:
        for task in plan.tasks.select_related("verified_by").order_by("number", "id"):
            if task.finding_id in items:
                tasks[task.pk] = TaskItem(task=task)
                items[task.finding_id].tasks.append(tasks[task.pk])
        reports = ProgressReport.objects.filter(task_id__in=tasks).order_by("task_id", "-created_at", "-id")
        for report in reports:
            if tasks[report.task_id].latest is None:
                tasks[report.task_id].latest = report
        for evidence in Evidence.objects.filter(progress__task_id__in=tasks).select_related("progress"):
            tasks[evidence.progress.task_id].evidence.append(evidence)
    checks = LookbackCheck.objects.filter(inspection=inspection).select_related("new_finding", "checked_by")
    for check in checks:
        if check.finding_id in items:
            items[check.finding_id].check = check
    return LookbackView(
        inspection=inspection, revisited=revisited, plan=plan, assessment=assessment, items=list(items.values())
    )


# Writes ----------------------------------------------------------------------------------


def _description(note: str, revisited: Inspection, finding: Finding, verdict: str) -> str:
    return f"{note}\n\n{origin_text(revisited, finding)}回头看核查结论：{Verdict(verdict).label}。"


def lookback_check_record(
    *, actor, inspection: Inspection, finding: Finding, verdict: str, note: str = ""
) -> LookbackCheck:
    """Record or change the look-back's verdict on ``finding`` of the revisited inspection."""
    access.check(actor, "view", inspection)
    if not may_record(actor, inspection):
        _revisited(inspection)  # a regular inspection: say so rather than 403
        raise PermissionDenied
    revisited = _revisited(inspection)
    errors: dict = {}
    if finding is None or finding.inspection_id != revisited.pk:
        errors["finding"] = [ValidationError("所选问题不是所回看巡察（原巡察）的问题。", code="unknown_reference")]
    verdict = (verdict or "").strip()
    if verdict not in Verdict.values:
        errors["verdict"] = [ValidationError("核查结论只能是真改实改、表面整改或未整改。", code="unknown_choice")]
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        errors["note"] = [f"核查情况不能超过 {NOTE_MAX} 字（现有 {len(note)} 字）。"]
    elif not note and verdict in (Verdict.SURFACE, Verdict.NOT_FIXED):
        errors["note"] = [f"认定为{Verdict(verdict).label}的，请填写核查情况（将作为新发现问题的具体表现）。"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
        if blocker := record_blocker(locked):
            raise ValidationError({"inspection": [ValidationError(blocker, code="stage_order")]})
        check = (
            LookbackCheck.objects.filter(inspection=inspection, finding=finding).select_related("new_finding").first()
        )
        before = (check.verdict, check.note) if check else None
        if check is None:
            check = LookbackCheck(authority_id=inspection.authority_id, inspection=inspection, finding=finding)
        check.verdict, check.note, check.checked_by = verdict, note, actor
        created_finding = None
        if verdict != Verdict.FIXED:
            description = _description(note, revisited, finding, verdict)
            if check.new_finding is None:
                created_finding = _new_finding(actor, inspection, finding, description)
                check.new_finding = created_finding
            elif check.new_finding.description != description:
                _rewrite(actor, check.new_finding, description)
        check.save()
        audit_record(
            actor=actor,
            action="lookback_check.record",
            obj=check,
            authority=inspection.authority,
            detail={
                "finding": finding.pk,
                "verdict": verdict,
                "before": before[0] if before else None,
                "note_changed": before is not None and before[1] != note,
                "new_finding": check.new_finding_id,
            },
        )
        if created_finding is not None:
            audit_record(
                actor=actor,
                action="finding.create",
                obj=created_finding,
                authority=inspection.authority,
                detail={"lookback_of": finding.pk, "working_paper": created_finding.working_paper_id},
            )
    return check


def _title(finding: Finding) -> str:
    return PREFIX + finding.title[: TITLE_MAX - len(PREFIX)]


def _new_finding(actor, inspection: Inspection, old: Finding, description: str) -> Finding:
    """A finding of the look-back on an approved working paper: the look-back's verdict is
    itself the reviewed fact, so both are written here rather than through onsite's review."""
    now = timezone.now()
    paper = WorkingPaper.objects.create(
        authority_id=inspection.authority_id,
        inspection=inspection,
        title=_title(old),
        facts=description,
        status=WorkingPaper.Status.APPROVED,
        author=actor,
        reviewed_by=actor,
        reviewed_at=now,
        review_comment="回头看核查认定，自动形成。",
    )
    return Finding.objects.create(
        authority_id=inspection.authority_id,
        inspection=inspection,
        working_paper=paper,
        title=_title(old),
        description=description,
        focus_area_id=old.focus_area_id,
        severity=old.severity,
        created_by=actor,
    )


def _rewrite(actor, new: Finding, description: str) -> None:
    audit_record(
        actor=actor,
        action="finding.update",
        obj=new,
        authority=new.authority,
        detail={"description": [new.description, description], "by": "lookback_check"},
    )
    new.description = description
    new.save(update_fields=["description"])
    WorkingPaper.objects.filter(pk=new.working_paper_id).update(facts=description, updated_at=timezone.now())


def inspection_links(user, inspection) -> list[tuple[str, str]]:
    """The link on a look-back inspection's pages, and on the inspection it revisits one to each
    of its look-backs the user may see."""
    from django.urls import reverse

    found = []
    is_lookback = inspection.kind == InspectionKind.LOOKBACK and inspection.revisits_id is not None
    if is_lookback and access.restrict(Inspection.objects.filter(pk=inspection.pk), user, "view").exists():
        found.append(("回头看核查", reverse("rectification:lookback", args=[inspection.pk])))
    # The revisited inspection links to its look-backs the user may see.
    later = access.restrict(inspection.lookbacks.select_related("round"), user, "view")
    for lookback in later.order_by("round__number", "id"):
        found.append((f"回头看（{lookback.round}）", reverse("rectification:lookback", args=[lookback.pk])))
    return found


def todos_for(user) -> list:
    """The team's to-do: a look-back with findings of the revisited inspection not yet checked."""
    from django.urls import reverse

    from core import workbench

    # The look-back's team: those who read the inspection it revisits.
    ids = {i for role in access.step_roles("lookback.read_revisited") for i in access.scope_ids(user, role)}
    if not ids:
        return []
    todos = []
    lookbacks = Inspection.objects.filter(pk__in=ids, kind=InspectionKind.LOOKBACK, revisits__isnull=False)
    for lookback in lookbacks.select_related("organization").exclude(stage__in=["rectification", "archived"]):
        assert lookback.revisits_id is not None  # the query asks for revisits__isnull=False
        total = Finding.objects.filter(inspection_id=lookback.revisits_id).count()
        done = LookbackCheck.objects.filter(inspection=lookback).count()
        if total > done:
            todos.append(
                workbench.Todo(
                    title=f"回头看核查：{lookback.organization.name}还有 {total - done} 个原巡察问题未核查",
                    url=reverse("rectification:lookback", args=[lookback.pk]),
                    category="回头看",
                )
            )
    return todos
