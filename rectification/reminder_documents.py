"""The notices of the later steps of the escalation, in the official format (core.documents, GB/T 9704).

- 督办 → 巡察整改督办通知书: the task is overdue; finish it and report within 7 days.
- 告诫 → 巡察整改告诫通知书: still overdue after supervision; the unit is warned, its head
  answers in writing within 5 days.
- 问责 → 巡察整改问责建议书: still overdue after the warning; the office proposes that the
  discipline commission and the organisation department hold those responsible to account.

Each is addressed to the inspected unit's party organisation, names the task, its finding,
its deadline and the days overdue, the earlier steps, and what is required. It is issued by
the office of the leading group (巡察工作领导小组办公室) and numbered from the authority's
sequence when the office first generates it; the number is kept on the reminder. Everyone
who may see the reminder may download it (the unit receives it); every download is an
audited export.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from core import access
from core.audit import audit_record, export_trace
from core.documents import OfficialDocument, cn_date, document_render
from planning.documents import document_number_issue, document_settings_for
from planning.models import DocumentNumber
from rectification.models import ProgressReport, Reminder, TaskCheck
from rectification.reminders import NOTICE_KINDS, notice_document_kind, number_kind

TITLES: dict[str, str] = {
    Reminder.Kind.SUPERVISE: "巡察整改督办通知书",
    Reminder.Kind.WARN: "巡察整改告诫通知书",
    Reminder.Kind.ACCOUNT: "巡察整改问责建议书",
}
REPLY_DAYS: dict[str, int] = {Reminder.Kind.SUPERVISE: 7, Reminder.Kind.WARN: 5, Reminder.Kind.ACCOUNT: 5}


def _sentence(text: str) -> str:
    text = " ".join((text or "").split()).rstrip("。；;，, ")
    return f"{text}。" if text else ""


def _earlier(reminder: Reminder) -> list[Reminder]:
    """The earlier steps on the same deadline, oldest first."""
    steps = Reminder.objects.filter(
        task_id=reminder.task_id, due_on=reminder.due_on, raised_on__lte=reminder.raised_on
    ).exclude(pk=reminder.pk)
    return [s for s in steps.order_by("raised_on", "id") if s.level < reminder.level]


def _earlier_clause(steps: list[Reminder]) -> str:
    """此前，巡察工作领导小组办公室已于2027年3月3日进行督办，于2027年3月16日进行告诫。"""
    if not steps:
        return ""
    parts = "，".join(f"于{cn_date(s.raised_on)}进行{s.get_kind_display()}" for s in steps)
    return f"此前，巡察工作领导小组办公室已{parts}。"


def build(reminder: Reminder) -> OfficialDocument:
    task = reminder.task
    inspection = task.plan.inspection
    county = document_settings_for(inspection.authority).county_name
    committee = f"中共{county}委"
    office = f"{committee}巡察工作领导小组办公室"
    org = f"{inspection.organization.name}党组织"
    team = f"{committee}{inspection.team.name}" if inspection.team is not None else f"{committee}巡察组"
    feedback = getattr(inspection, "feedback", None)
    fed = (
        f"{cn_date(feedback.issued_on)}，{team}向你单位反馈了巡察意见" if feedback else f"{team}向你单位反馈了巡察意见"
    )
    days = reminder.days_overdue
    earlier = _earlier(reminder)
    due = reminder.raised_on + datetime.timedelta(days=REPLY_DAYS[reminder.kind])
    facts = [
        ("h1", "一、逾期未完成的整改任务"),
        ("p", f"反馈问题：{_sentence(task.finding.title)}{_sentence(task.finding.description)}"),
        ("p", f"整改措施（第{task.number}项）：{_sentence(task.measure)}"),
        (
            "p",
            f"完成时限：{cn_date(reminder.due_on)}。截至{cn_date(reminder.raised_on)}，已逾期{days}天，尚未完成整改销号。",
        ),
        ("p", f"责任领导：{task.responsible_leader}；责任部门：{task.responsible_office}。"),
    ]
    # As things stood on the day the step was raised: the notice reads the same whenever it is downloaded.
    latest = (
        ProgressReport.objects.filter(task=task, reported_on__lte=reminder.raised_on)
        .order_by("-reported_on", "-created_at")
        .first()
    )
    if latest is not None:
        facts.append(("p", f"最新进展（{latest.reported_on:%Y-%m-%d}报告）：{_sentence(latest.text)}"))
    rejected = (
        TaskCheck.objects.filter(task=task, decision=TaskCheck.Decision.REJECTED, checked_on__lte=reminder.raised_on)
        .order_by("-checked_on", "-recorded_at")
        .first()
    )
    if rejected is not None:
        facts.append(("p", f"巡察办核验退回意见：{_sentence(rejected.reason)}"))
    opening = (
        f"{fed}，你单位报送的整改方案已经审核同意。经对账检查，你单位下列整改任务已超过完成时限，"
        f"尚未完成整改并经核验销号。{_earlier_clause(earlier)}"
    )
    after = "、".join(s.get_kind_display() for s in earlier if s.kind != Reminder.Kind.REMIND)
    if reminder.kind == Reminder.Kind.SUPERVISE:
        opening += "根据巡察整改督促工作有关规定，现予督办。"
        required = [
            (
                "p",
                f"请你单位高度重视，领导班子专题研究，责任领导亲自督促，于{cn_date(due)}前完成整改，"
                "并在巡察工作平台报告整改进展，提交佐证材料，申请核验销号。",
            ),
            ("p", "确因客观原因不能按期完成的，须于同一期限内书面说明原因、已采取的措施和完成时间。"),
            ("p", "逾期仍未完成的，将按规定予以告诫；情节严重的，建议对有关责任人员进行问责。"),
        ]
    elif reminder.kind == Reminder.Kind.WARN:
        late = f"该项任务经{after}后仍未完成" if after else f"该项任务已逾期{days}天"
        opening += f"{late}，整改推进不力。根据巡察整改督促工作有关规定，现对你单位予以告诫。"
        required = [
            (
                "p",
                f"请你单位主要负责人切实履行巡察整改第一责任人职责，于{cn_date(due)}前向巡察工作领导小组办公室"
                "书面说明逾期未完成的原因、责任领导和责任部门履职情况，以及确保完成的具体措施和时间。",
            ),
            ("p", "请抓紧完成整改，在巡察工作平台报告整改进展并提交佐证材料，申请核验销号。"),
            ("p", "告诫后仍不整改或整改敷衍应付的，将向有关部门提出问责建议。"),
        ]
    else:
        # A proposal to the bodies that hold people to account; the unit receives a copy.
        opening = opening.replace("向你单位反馈", f"向{org}反馈").replace("你单位", "该单位")
        late = f"该项任务经{after}后仍未完成" if after else f"该项任务已逾期{days}天仍未完成"
        opening += f"{late}，整改不力。"
        required = [
            (
                "p",
                f"根据巡察整改督促工作有关规定，建议{county}纪委监委、{county}委组织部按照干部管理权限，"
                f"对{org}及责任领导{task.responsible_leader}、责任部门{task.responsible_office}"
                "有关责任人员履行巡察整改责任情况进行调查核实，依规依纪依法予以问责。",
            ),
            (
                "p",
                f"同时，请{org}于{cn_date(due)}前向巡察工作领导小组办公室书面报告未完成整改的原因及责任人员情况，"
                "并继续抓紧整改，在巡察工作平台报告整改进展，提交佐证材料，申请核验销号。",
            ),
            ("p", "请将调查核实和处理情况函告巡察工作领导小组办公室。"),
        ]
    blocks = [("p", opening), *facts, ("h1", "二、有关要求"), *required]
    account = reminder.kind == Reminder.Kind.ACCOUNT
    return OfficialDocument(
        kind=notice_document_kind(reminder),
        title=TITLES[reminder.kind],
        cc=org if account else "",  # the unit receives a copy of the proposal (版记)
        recipient=f"{county}纪委监委、{county}委组织部" if account else org,
        blocks=blocks,
        signature=office,
        date=reminder.raised_on,
    )


def reminder_document(*, actor, reminder: Reminder) -> tuple[str, bytes]:
    """The notice of ``reminder`` as (file name, .docx bytes); audited as an export.

    ``Http404`` if the actor cannot see the reminder; ``ValidationError`` for a 提醒, which
    has no notice. The number is issued the first time the office generates it (others
    see a blank number until then) and kept on the reminder.
    """
    access.check(actor, "view", reminder)
    if reminder.kind not in NOTICE_KINDS:
        raise ValidationError(
            {"kind": [ValidationError("提醒不制发通知书，督办、告诫和问责才有通知书。", code="unknown_choice")]}
        )
    reminder = Reminder.objects.select_related(
        "task__finding", "task__plan__inspection__organization", "task__plan__inspection__team"
    ).get(pk=reminder.pk)
    inspection = reminder.task.plan.inspection
    document = build(reminder)
    kind = number_kind(reminder)
    issued = document_number_issue(
        actor=actor,
        inspection=inspection,
        kind=kind,
        document_kind=document.kind,
        doc_settings=document_settings_for(inspection.authority),
        on=reminder.raised_on,
    )
    document.doc_number, document.date = issued.text, issued.dated_on
    with transaction.atomic():
        if not reminder.document_number:
            texts = DocumentNumber.objects.filter(inspection=inspection, kind=kind).values_list("text", flat=True)
            if texts:
                Reminder.objects.filter(pk=reminder.pk, document_number="").update(document_number=texts[0])
        document.trace = export_trace(actor)
        data = document_render(document)
        audit_record(
            actor=actor,
            action="reminder.document",
            obj=reminder,
            authority=reminder.authority_id,
            detail={"kind": reminder.kind, "number": document.doc_number, "task": reminder.task_id},
        )
    return f"{inspection.organization.name}-{TITLES[reminder.kind]}.docx", data
