"""The inspection report (巡察报告), its versions and its approval chain (审议).

The text. The team of an inspection creates its report: the platform assembles a first
draft from the inspection and its findings (``results.report_documents.report_draft``).
The text is plain, with headings on lines of their own (一、 …, （一） …); every save of a
changed text is a new ``ReportVersion`` (with an optional note), so that each version can
be compared with the one before. The ratings (政治生态, 贯彻落实情况) live on the report.

The special report (专题报告: leads on named leaders) is a second text in the same
version. Only the team leader of the inspection and the office head of its authority read
or write it (the step ``report.read_special`` of ``core.access``); for everyone else it is as
if it did not exist, and their saves carry it over unchanged. Each showing of it is audited.

Who may write the text: the team of the inspection and the office of its authority, while
the report is a draft or has been returned (``EDITABLE``); nobody while it is under review
or once approved.

The chain. The team leader submits (status ``in_review``, step ``team_meeting``); then, in
order (``results.models.Step``), 组务会 is decided by the team leader, 组办会商 by the office
or the office head, 领导小组会议 is recorded by a leading-group user or the office head, and
书记专题会 by the office head (the steps ``report.decide.<step>`` of ``core.access``). Each
decision records the meeting date, approved or returned, comments (required when returned)
and who recorded it, against the current version. No step is skipped or decided twice; the wrong role gets
``PermissionDenied``, a record out of sight ``Http404``.

A return sends the report back to the team (status ``returned``) with the comments shown
beside the text. The team edits (a new version is required) and the team leader resubmits;
the chain then starts again at 组务会, not at the step that returned it: the text has
changed since the earlier approvals, and every meeting must have heard the wording it
approved. The approval of the last step fixes how the results are used (``results_use``,
at least one of ``RESULTS_USES``).

Every write checks access first, validates with Chinese messages by field, and writes its
audit event in the same transaction.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.http import Http404
from django.utils import timezone

from core import access
from core.audit import audit_record, export_trace
from planning.models import DeadlineSettings, Inspection
from results.models import InspectionReport, ReportDecision, ReportVersion, Step
from results.report_documents import Diff, report_docx, report_draft, text_diff

Status = InspectionReport.Status
Decision = ReportDecision.Decision

STEPS: list[str] = list(Step.values)  # the chain, in order
# Who deliberates each step, and who records it (the page reads "待{decider}审议"): the meetings
# deliberate; the office head records the 书记专题会, not deliberates it.
DECIDER_NAMES: dict[str, str] = {
    Step.TEAM_MEETING: "组务会（组长登记）",
    Step.OFFICE_REVIEW: "组办会商（巡察办登记）",
    Step.LEADING_GROUP: "领导小组会议（领导小组或巡察办主任登记）",
    Step.SECRETARY: "书记专题会（巡察办主任登记）",
}
EDITABLE = (Status.DRAFT, Status.RETURNED)
# How the results are used, fixed by the last step (书记专题会).
RESULTS_USES = {
    "feedback": "向被巡察党组织反馈",
    "discipline": "移交纪委监委",
    "organization": "移交组织部",
    "departments": "移交有关部门",
    "superior": "向上级报告",
}
PLACEHOLDER = "【请填写"  # what the draft leaves for the team to write
MAX_TEXT = 100_000
MAX_COMMENTS = 5_000


# Reads ---------------------------------------------------------------------------------


def reports_for(*, user):
    """Reports the user may see: the office and the leading group their authority's (and
    those below it, read-only), a team its own inspection's."""
    qs = InspectionReport.objects.select_related(
        "inspection__round__term", "inspection__organization", "inspection__team"
    )
    return access.restrict(qs, user, "view")


def current_version(report: InspectionReport) -> ReportVersion:
    version = report.versions.select_related("saved_by").order_by("-number").first()
    # report_create writes version 1 with the report, and versions go only with their report.
    assert version is not None
    return version


def versions_for(*, user, report: InspectionReport):
    """The report's versions, newest first (404 if the report is out of sight)."""
    access.check(user, "view", report)
    return report.versions.select_related("saved_by").order_by("-number")


def decisions_of(report: InspectionReport) -> list[ReportDecision]:
    return list(report.decisions.select_related("decided_by", "version").order_by("recorded_at", "id"))


@dataclass
class Permissions:
    """What one user may do with one report, from one ``roles_on`` call."""

    roles: set[str]
    special: bool  # read and write the special report
    writer: bool  # a role that writes the report (whatever its state)
    edit: bool  # a writer, while the report is editable
    submit: bool
    decide: str  # the current step, if the user may decide it; "" otherwise

    def decides(self, step: str) -> bool:
        """Whether the user's roles decide ``step`` (whether or not it is the current one)."""
        return step in STEPS and bool(self.roles & access.step_roles(f"report.decide.{step}"))


def permissions(user, report: InspectionReport) -> Permissions:
    roles = access.roles_on(user, report)

    def may(action: str) -> bool:
        return access.may(user, action, report, held=roles)

    editable = report.status in EDITABLE
    step = report.step if report.status == Status.IN_REVIEW else ""
    return Permissions(
        roles=roles,
        special=may("report.read_special"),
        writer=may("report.edit"),
        edit=editable and may("report.edit"),
        submit=editable and may("report.submit"),
        decide=step if step and may(f"report.decide.{step}") else "",
    )


def special_text(*, actor, report: InspectionReport, version: ReportVersion) -> str | None:
    """The special report of ``version`` for a reader allowed to see it (the showing is
    audited); ``None`` for anyone else, who must not learn what it says."""
    if not access.may(actor, "report.read_special", report):
        return None
    if version.special_body:
        audit_record(actor=actor, action="report.special_view", obj=report, detail={"version": version.number})
    return version.special_body


def last_return(report: InspectionReport, decisions: list[ReportDecision] | None = None) -> ReportDecision | None:
    """The decision that returned the report, while it is returned."""
    if report.status != Status.RETURNED:
        return None
    decisions = decisions_of(report) if decisions is None else decisions
    returns = [d for d in decisions if d.decision == Decision.RETURNED]
    return returns[-1] if returns else None


@dataclass
class ChainStep:
    step: str
    label: str
    decider: str
    state: str  # done, returned, current, pending
    decision: ReportDecision | None = None


def chain(report: InspectionReport, decisions: list[ReportDecision]) -> list[ChainStep]:
    """The four steps as they stand in the current pass through the chain.

    A return ends a pass; while returned, the pass that ended with the return is shown."""
    passes: list[list[ReportDecision]] = [[]]
    for d in decisions:
        passes[-1].append(d)
        if d.decision == Decision.RETURNED:
            passes.append([])
    shown = passes[-2] if report.status == Status.RETURNED and len(passes) > 1 else passes[-1]
    by_step = {d.step: d for d in shown}
    out = []
    for step in STEPS:
        taken = by_step.get(step)
        if taken is not None:
            state = "done" if taken.decision == Decision.APPROVED else "returned"
        elif report.status == Status.IN_REVIEW and report.step == step:
            state = "current"
        else:
            state = "pending"
        out.append(ChainStep(step, Step(step).label, DECIDER_NAMES[step], state, taken))
    return out


# Writes --------------------------------------------------------------------------------


def report_create(*, actor, inspection: Inspection) -> InspectionReport:
    """The team creates the report of its inspection; version 1 is the assembled draft.

    Raises ``Http404`` if the inspection is out of sight, ``PermissionDenied`` for anyone
    but the team, ``ValidationError`` if the report exists already."""
    access.require(actor, "report.create", inspection)
    exists = ValidationError(
        {"inspection": [ValidationError("本次巡察的报告已经起草，请在报告页面修改。", code="duplicate")]}
    )
    if InspectionReport.objects.filter(inspection=inspection).exists():
        raise exists
    body, findings = report_draft(inspection)
    try:
        with transaction.atomic():
            report = InspectionReport.objects.create(
                authority_id=inspection.authority_id, inspection=inspection, created_by=actor
            )
            ReportVersion.objects.create(
                report=report, number=1, body=body, note="平台根据巡察情况和发现的问题生成的初稿", saved_by=actor
            )
            audit_record(actor=actor, action="report.create", obj=report, detail={"version": 1, "findings": findings})
    except IntegrityError:
        raise exists from None  # created by a teammate in the same moment
    return report


def _text(value: str | None) -> str:
    """Line ends made uniform and trailing blanks removed, so that a save without changes is seen as one."""
    lines = (value or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip("\n")


def _writable(actor, report: InspectionReport) -> set[str]:
    access.require(actor, "report.edit", report)
    roles = access.roles_on(actor, report)
    if report.status not in EDITABLE:
        if report.status == Status.IN_REVIEW:
            why = f"报告正在审议中（待{Step(report.step).label}审议），不能修改；需修改的，由审议环节退回。"
        else:
            why = "报告已审定，不能再修改。"
        raise ValidationError({"status": [ValidationError(why, code="not_editable")]})
    return roles


def _ratings(ecology: str | None, implementation: str | None) -> dict[str, str]:
    values = {"ecology": ecology, "implementation": implementation}
    choices = {"ecology": InspectionReport.Ecology, "implementation": InspectionReport.Implementation}
    errors = {
        name: ["请从列表中选择评价等次。"]
        for name, value in values.items()
        if value is not None and value != "" and value not in choices[name].values
    }
    if errors:
        raise ValidationError(errors)
    return {name: value for name, value in values.items() if value is not None}


def report_rate(
    *, actor, report: InspectionReport, ecology: str | None = None, implementation: str | None = None
) -> InspectionReport:
    """Set the ratings (政治生态: better/same/worse; 贯彻落实: good/fair_good/average/poor);
    ``None`` leaves a rating as it is, ``""`` clears it. Audited when something changed."""
    _writable(actor, report)
    values = _ratings(ecology, implementation)
    changes = {k: [getattr(report, k), v] for k, v in values.items() if getattr(report, k) != v}
    if changes:
        with transaction.atomic():
            for name, (_, value) in changes.items():
                setattr(report, name, value)
            report.save(update_fields=list(changes))
            audit_record(actor=actor, action="report.rate", obj=report, detail={"changes": changes})
    return report


def report_version_save(
    *, actor, report: InspectionReport, body: str, special_body: str | None = None, note: str = ""
) -> ReportVersion:
    """Save a new version of the text. ``special_body`` None keeps the special report as it
    is; from anyone who does not take ``report.read_special`` it is ignored and carried over.

    Raises ``ValidationError`` for an empty or unchanged text, a too long note, and while
    the report is under review or approved."""
    roles = _writable(actor, report)
    current = current_version(report)
    body = _text(body)
    special_allowed = access.may(actor, "report.read_special", report, held=roles)
    special = _text(special_body) if special_body is not None and special_allowed else current.special_body
    note = (note or "").strip()
    errors: dict[str, list] = {}  # messages or ValidationErrors, by field
    if not body:
        errors["body"] = ["请填写报告正文。"]
    elif len(body) > MAX_TEXT:
        errors["body"] = [f"报告正文不超过 {MAX_TEXT} 字。"]
    if len(special) > MAX_TEXT:
        errors["special_body"] = [f"专题报告不超过 {MAX_TEXT} 字。"]
    if len(note) > 200:
        errors["note"] = ["修改说明不超过 200 字。"]
    if not errors and body == current.body and special == current.special_body:
        errors["body"] = [f"内容与第{current.number}版相同，没有需要保存的修改。"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = InspectionReport.objects.select_for_update().get(pk=report.pk)
        if locked.status not in EDITABLE:
            raise ValidationError(
                {"status": [ValidationError("报告已提交审议，不能修改。请刷新页面。", code="not_editable")]}
            )
        number = (locked.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        version = ReportVersion.objects.create(
            report=report, number=number, body=body, special_body=special, note=note, saved_by=actor
        )
        audit_record(
            actor=actor,
            action="report.version_save",
            obj=report,
            detail={"version": number, "note": note, "special_changed": special != current.special_body},
        )
    return version


def report_edit(
    *,
    actor,
    report: InspectionReport,
    body: str,
    special_body: str | None = None,
    note: str = "",
    ecology: str | None = None,
    implementation: str | None = None,
) -> ReportVersion | None:
    """What the edit page saves: the ratings and, if the text changed, a new version (both
    or neither). Answers the new version, or None when only the ratings changed."""
    roles = _writable(actor, report)
    values = _ratings(ecology, implementation)
    current = current_version(report)
    special_changed = (
        special_body is not None
        and access.may(actor, "report.read_special", report, held=roles)
        and _text(special_body) != current.special_body
    )
    text_changed = _text(body) != current.body or special_changed
    rated = any(getattr(report, k) != v for k, v in values.items())
    if not text_changed and not rated:
        raise ValidationError({"body": [f"内容和评价与第{current.number}版相同，没有需要保存的修改。"]})
    with transaction.atomic():
        if rated:
            report_rate(actor=actor, report=report, **values)
        if text_changed:
            return report_version_save(actor=actor, report=report, body=body, special_body=special_body, note=note)
    return None


def report_submit(*, actor, report: InspectionReport) -> InspectionReport:
    """The team leader submits the report (again, after a return): the chain starts at 组务会.

    Requires both ratings, no 【请填写…】 left in the text, and after a return a new version."""
    access.require(actor, "report.submit", report)
    if report.status == Status.IN_REVIEW:
        raise ValidationError(
            {"status": [ValidationError(f"报告已在审议中（待{Step(report.step).label}审议）。", code="stage_order")]}
        )
    if report.status == Status.APPROVED:
        raise ValidationError({"status": [ValidationError("报告已审定。", code="stage_order")]})
    version = current_version(report)
    errors: dict[str, list] = {}  # messages or ValidationErrors, by field
    if not report.ecology:
        errors["ecology"] = ["提交审议前，请评价被巡察单位的政治生态（好转、持平或恶化）。"]
    if not report.implementation:
        errors["implementation"] = ["提交审议前，请评价贯彻落实党中央决策部署情况（好、较好、一般或较差）。"]
    if PLACEHOLDER in version.body:
        errors["body"] = ["报告正文中还有“【请填写……】”的待写内容，请补充完整后再提交。"]
    returned = last_return(report)
    if returned is not None and returned.version_id == version.pk:
        errors["body"] = ["退回后报告尚未修改，请根据审议意见修改并保存后再提交。"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = InspectionReport.objects.select_for_update().get(pk=report.pk)
        if locked.status not in EDITABLE:
            raise ValidationError({"status": [ValidationError("报告已提交审议。", code="stage_order")]})
        report.status, report.step = Status.IN_REVIEW, Step.TEAM_MEETING
        report.save(update_fields=["status", "step"])
        audit_record(
            actor=actor,
            action="report.submit",
            obj=report,
            detail={"version": version.number, "resubmitted": returned is not None},
        )
    return report


def _results_use(values) -> list[str]:
    chosen = []
    for value in values or []:
        if value not in RESULTS_USES:
            raise ValidationError(
                {"results_use": [ValidationError(f"未知的成果运用方式：{value}。", code="unknown_choice")]}
            )
        if value not in chosen:
            chosen.append(value)
    if not chosen:
        raise ValidationError({"results_use": ["书记专题会审定报告时，请选择成果运用方式（至少一项）。"]})
    return chosen


def report_decide(
    *,
    actor,
    report: InspectionReport,
    step: str,
    decision: str,
    decided_on: datetime.date | None,
    comments: str = "",
    results_use: list[str] | None = None,
) -> ReportDecision:
    """Record the decision of ``step``, which must be the report's current step, by a role that
    takes the step ``report.decide.<step>``. Approval moves to the next step; the last step's approval fixes
    ``results_use`` (required then, ignored otherwise) and approves the report. A return
    sends it back to the team.

    Raises ``Http404`` out of sight, ``PermissionDenied`` for a role that does not decide
    ``step``, ``ValidationError`` for a skipped or repeated step, a missing date or comments."""
    access.check(actor, "view", report)
    if step not in STEPS:
        raise ValidationError({"step": [ValidationError("未知的审议环节。", code="unknown_choice")]})
    access.require(actor, f"report.decide.{step}", report)
    _decidable(report, step)
    comments = (comments or "").strip()
    errors: dict[str, list] = {}  # messages or ValidationErrors, by field
    if decision not in Decision.values:
        errors["decision"] = ["请选择审议结论：通过或退回修改。"]
    if decision == Decision.RETURNED and not comments:
        errors["comments"] = ["退回修改的，请写明审议意见，告诉巡察组需要修改什么。"]
    elif len(comments) > MAX_COMMENTS:
        errors["comments"] = [f"审议意见不超过 {MAX_COMMENTS} 字。"]
    last = report.decisions.order_by("-decided_on", "-id").first()
    if decided_on is None:
        errors["decided_on"] = ["请填写会议日期。"]
    elif decided_on > timezone.localdate():
        errors["decided_on"] = [ValidationError("会议日期不能晚于今天。", code="out_of_scope_date")]
    elif last is not None and decided_on < last.decided_on:
        errors["decided_on"] = [
            ValidationError(
                f"会议日期不能早于上一次审议（{last.decided_on:%Y-%m-%d}{Step(last.step).label}）。",
                code="out_of_scope_date",
            )
        ]
    final = step == STEPS[-1] and decision == Decision.APPROVED
    uses: list[str] = []
    if final:
        try:
            uses = _results_use(results_use)
        except ValidationError as e:
            errors.update(e.error_dict)
    if errors:
        raise ValidationError(errors)
    assert decided_on is not None  # a missing date is one of the errors raised above
    with transaction.atomic():
        locked = InspectionReport.objects.select_for_update().get(pk=report.pk)
        _decidable(locked, step)
        version = current_version(report)
        record = ReportDecision.objects.create(
            report=report,
            version=version,
            step=step,
            decision=decision,
            comments=comments,
            decided_on=decided_on,
            decided_by=actor,
        )
        if decision == Decision.RETURNED:
            report.status, report.step = Status.RETURNED, ""
        elif final:
            report.status, report.step, report.results_use = Status.APPROVED, "", uses
        else:
            report.step = STEPS[STEPS.index(step) + 1]
        report.save(update_fields=["status", "step", "results_use"])
        audit_record(
            actor=actor,
            action="report.decide",
            obj=report,
            detail={
                "step": step,
                "decision": decision,
                "decided_on": decided_on.isoformat(),
                "version": version.number,
                "results_use": uses,
            },
        )
    return record


def _decidable(report: InspectionReport, step: str) -> None:
    if report.status != Status.IN_REVIEW:
        why = {
            Status.DRAFT: "报告尚未提交审议。",
            Status.RETURNED: "报告已退回修改，待巡察组修改后重新提交。",
            Status.APPROVED: "报告已审定，不能再审议。",
        }[Status(report.status)]
        raise ValidationError({"step": [ValidationError(why, code="stage_order")]})
    if step != report.step:
        label, current = Step(step).label, Step(report.step).label
        if STEPS.index(step) < STEPS.index(report.step):
            raise ValidationError(
                {"step": [ValidationError(f"{label}已审议，不能重复审议；当前待{current}审议。", code="stage_order")]}
            )
        raise ValidationError({"step": [ValidationError(f"须先经{current}审议，不能跳过。", code="stage_order")]})


def report_export(*, actor, report: InspectionReport, special: bool = False) -> tuple[str, bytes]:
    """The current version as .docx in the official format (file name, bytes); audited.

    The special report only for those who take ``report.read_special`` (``Http404`` for anyone else, as if it
    did not exist); ``ValidationError`` while it is empty."""
    access.check(actor, "view", report)
    if special and not access.may(actor, "report.read_special", report):
        raise Http404
    version = current_version(report)
    text = version.special_body if special else version.body
    if special and not text.strip():
        raise ValidationError(
            {
                "special_body": [
                    ValidationError("专题报告尚未撰写，请在“修改报告”中填写后再下载。", code="missing_prerequisite")
                ]
            }
        )
    trace = export_trace(actor)
    name, data = report_docx(report=report, text=text, special=special, trace=trace)
    audit_record(
        actor=actor,
        action="report.export",
        obj=report,
        detail={"kind": "special_report" if special else "report", "version": version.number},
    )
    return name, data


# Comparing versions --------------------------------------------------------------------


@dataclass
class Comparison:
    version: ReportVersion
    previous: ReportVersion | None
    body: Diff | None
    special: Diff | None  # None for those who may not see the special report


def version_compare(*, user, report: InspectionReport, number: int) -> Comparison:
    """Version ``number`` against the one before it (``Http404`` for a missing version)."""
    access.check(user, "view", report)
    version = report.versions.select_related("saved_by").filter(number=number).first()
    if version is None:
        raise Http404
    previous = report.versions.select_related("saved_by").filter(number__lt=number).order_by("-number").first()
    if previous is None:
        return Comparison(version, None, None, None)
    special = None
    if access.may(user, "report.read_special", report):
        special = text_diff(previous.special_body, version.special_body)
        if special.added or special.removed:
            audit_record(actor=user, action="report.special_view", obj=report, detail={"version": number})
    return Comparison(version, previous, text_diff(previous.body, version.body), special)


# Workbench -----------------------------------------------------------------------------


def todos_for(user) -> list:
    """For the workbench: the reports whose current step this user decides, and the
    returned reports of the user's team (to edit and resubmit)."""
    from django.urls import reverse

    from core.workbench import Todo
    from planning.stages import add_months, deadline_settings_for

    on_inspection: dict[int, set[str]] = {}  # inspection id → the user's roles on it
    own: dict[int, set[str]] = {}  # authority id → the user's roles over the whole authority there
    for g in access.grants(user):
        if access.ROLE_SCOPE.get(g.role) == "inspection" and g.scope_id is not None:
            on_inspection.setdefault(g.scope_id, set()).add(g.role)
        elif g.role in access.AUTHORITY_ROLES:
            own.setdefault(g.authority_id, set()).add(g.role)
    if not (on_inspection or own):
        return []
    qs = reports_for(user=user).filter(status__in=[Status.IN_REVIEW, Status.RETURNED])
    settings: dict[int, DeadlineSettings] = {}
    items = []
    for report in qs:
        inspection = report.inspection
        if report.status == Status.RETURNED:
            if not on_inspection.get(inspection.pk, set()) & access.step_roles("report.create"):
                continue  # a returned report is the team's to revise
            title = f"{inspection.organization.name}的巡察报告已退回修改，请修改后重新提交"
        else:
            mine = own.get(report.authority_id, set()) | on_inspection.get(inspection.pk, set())
            if not mine & access.step_roles(f"report.decide.{report.step}"):
                continue
            title = f"{inspection.organization.name}的巡察报告待{Step(report.step).label}审议"
        due = None
        if inspection.round.onsite_end_on:
            if report.authority_id not in settings:
                settings[report.authority_id] = deadline_settings_for(report.authority_id)
            due = add_months(inspection.round.onsite_end_on, settings[report.authority_id].report_months_after_onsite)
        items.append(Todo(title, reverse("results:report", args=[inspection.pk]), due, "巡察报告"))
    return items
