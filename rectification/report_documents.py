"""The rectification documents of a plan, in the official format (core.documents, GB/T 9704).

- ``report``: 关于巡察反馈意见整改情况的报告, from the inspected unit to the county
  committee's inspection leading group: the unit head's own report on how they led the
  work, the overall arrangements, then for each finding its tasks (measure, deadline,
  responsible leader and office) with the verified progress (the latest progress text of
  verified tasks; for the others their status, 正在整改), and the figures.
- ``public``: 整改情况公开 (社会公开稿): only findings not flagged as excluded and their
  tasks, naming no people (no responsible leader; the head, the findings' people and the
  leaders masked as "××" wherever they appear) and no amounts, and saying only how many
  matters are not made public and why (涉密, 正在查办, 敏感事项).

Both are for the office, the team and the unit, once the plan is approved; every
download is an audited export.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core import access
from core.audit import audit_record, export_trace
from core.documents import OfficialDocument, cn_date, cn_number, document_render
from onsite.models import Exclusion, Finding
from planning.documents import document_settings_for
from rectification.models import ProgressReport, RectificationPlan, RectificationTask
from rectification.plans import feedback_of
from rectification.tasks import is_overdue, rectified
from results.feedback_documents import mask_text

TaskStatus = RectificationTask.Status
HEAD = "主要负责人"  # what the public version says instead of the head's name


@dataclass(frozen=True)
class Figures:
    findings: int
    rectified: int  # findings whose tasks are all verified
    tasks: int
    verified: int
    in_progress: int
    overdue: int


def plan_figures(tasks: list[RectificationTask], findings: int, today: datetime.date | None = None) -> Figures:
    """The figures of a plan (or of its public part): findings, tasks, verified, in
    progress (every task not verified) and overdue (not verified and past its deadline)."""
    today = today or timezone.localdate()
    by_finding: dict[int, set[str]] = {}
    for task in tasks:
        by_finding.setdefault(task.finding_id, set()).add(task.status)
    verified = sum(1 for t in tasks if t.status == TaskStatus.VERIFIED)
    return Figures(
        findings=findings,
        rectified=sum(1 for statuses in by_finding.values() if rectified(statuses)),
        tasks=len(tasks),
        verified=verified,
        in_progress=len(tasks) - verified,
        overdue=sum(1 for t in tasks if is_overdue(t, today)),
    )


def figures_of(plan: RectificationPlan, today: datetime.date | None = None) -> Figures:
    tasks = list(plan.tasks.all())
    return plan_figures(tasks, Finding.objects.filter(inspection_id=plan.inspection_id).count(), today)


@dataclass
class _Facts:
    plan: RectificationPlan
    committee: str  # 中共甲县委
    leading_group: str  # 中共甲县委巡察工作领导小组
    team: str  # 中共甲县委第一巡察组 (or "")
    org: str  # 甲县县委办公室党组织
    findings: list[Finding]
    tasks: dict[int, list[RectificationTask]]  # by finding id
    verified_text: dict[int, str]  # task id -> the latest progress text of a verified task
    today: datetime.date


def _facts(plan: RectificationPlan) -> _Facts:
    inspection = plan.inspection
    committee = f"中共{document_settings_for(inspection.authority).county_name}委"
    findings = list(Finding.objects.filter(inspection_id=inspection.pk).order_by("id"))
    tasks: dict[int, list[RectificationTask]] = {}
    for task in plan.tasks.order_by("number", "id"):
        tasks.setdefault(task.finding_id, []).append(task)
    verified_ids = [t.pk for items in tasks.values() for t in items if t.status == TaskStatus.VERIFIED]
    verified_text: dict[int, str] = {}
    for task_id, text in (
        ProgressReport.objects.filter(task_id__in=verified_ids)
        .order_by("task_id", "-reported_on", "-created_at", "-id")
        .values_list("task_id", "text")
    ):
        verified_text.setdefault(task_id, text)
    return _Facts(
        plan=plan,
        committee=committee,
        leading_group=f"{committee}巡察工作领导小组",
        team=f"{committee}{inspection.team.name}" if inspection.team is not None else f"{committee}巡察组",
        org=f"{inspection.organization.name}党组织",
        findings=findings,
        tasks=tasks,
        verified_text=verified_text,
        today=timezone.localdate(),
    )


def _sentence(text: str) -> str:
    text = " ".join((text or "").split()).rstrip("。；;，, ")
    return f"{text}。" if text else ""


def _paragraphs(text: str) -> list[tuple[str, str]]:
    return [("p", line.strip()) for line in (text or "").splitlines() if line.strip()]


def _intro(f: _Facts) -> str:
    feedback = feedback_of(f.plan.inspection)
    fed = f"，并于{cn_date(feedback.issued_on)}反馈了巡察意见" if feedback else ""
    return (
        f"根据{f.committee}统一部署，{f.team}对{f.org}开展了巡察{fed}。"
        f"{f.org}高度重视，坚决扛起巡察整改主体责任，对反馈的问题逐条认领、逐项研究，"
        "建立问题清单、任务清单、责任清单，明确整改措施、时限和责任人，做到问题不解决不松劲、整改不到位不销号。"
        "现将整改情况报告如下。"
    )


def _progress(f: _Facts, task: RectificationTask) -> str:
    if task.status == TaskStatus.VERIFIED:
        done = f"已整改，经巡察办核验于{cn_date(task.verified_on)}销号。" if task.verified_on else "已整改销号。"
        return f"整改进展：{done}{_sentence(f.verified_text.get(task.pk, ''))}"
    overdue = "，已超过完成时限" if task.deadline < f.today else ""
    return f"整改进展：正在推进整改{overdue}。"


def _task(f: _Facts, n: int, task: RectificationTask, *, public: bool) -> str:
    people = "" if public else f"责任领导：{task.responsible_leader}；"
    return (
        f"{n}.整改措施：{_sentence(task.measure)}完成时限：{cn_date(task.deadline)}。"
        f"{people}责任部门：{task.responsible_office}。{_progress(f, task)}"
    )


def _findings(f: _Facts, findings: list[Finding], *, public: bool) -> list[tuple[str, str]]:
    if not findings:
        return [("p", "没有需要公开的反馈问题。" if public else "巡察未反馈需要整改的问题。")]
    blocks: list[tuple[str, str]] = []
    for i, finding in enumerate(findings, start=1):
        blocks.append(("h2", f"（{cn_number(i)}）{_sentence(finding.title).rstrip('。')}"))
        blocks.append(("p", f"问题表现：{_sentence(finding.description)}"))
        items = f.tasks.get(finding.pk, [])
        if not items:
            blocks.append(("p", "该问题尚未制定整改任务。"))
        blocks += [("p", _task(f, n, t, public=public)) for n, t in enumerate(items, start=1)]
    return blocks


def _figures_text(figures: Figures, what: str = "巡察反馈问题") -> str:
    text = (
        f"{what}{figures.findings}个，其中已完成整改{figures.rectified}个；"
        f"制定整改任务{figures.tasks}项，已核验销号{figures.verified}项，正在整改{figures.in_progress}项"
    )
    return text + (f"，其中超过完成时限{figures.overdue}项。" if figures.overdue else "。")


def _round_text(plan: RectificationPlan) -> str:
    if plan.rectification_round <= 1:
        return ""
    return f"根据整改评估意见，未完成的整改任务已转入第{cn_number(plan.rectification_round)}轮整改（二次整改）。"


NEXT_STEPS = (
    "下一步，将继续保持整改工作力度不减、标准不降，对尚未完成的整改任务紧盯不放、持续推进，"
    "对已完成的整改任务适时开展“回头看”，防止问题反弹回潮；举一反三、标本兼治，"
    "把巡察整改与建章立制结合起来，不断健全长效机制，切实巩固和深化巡察整改成果。"
)


def report(f: _Facts) -> OfficialDocument:
    plan = f.plan
    tasks = [t for items in f.tasks.values() for t in items]
    figures = plan_figures(tasks, len(f.findings), f.today)
    head_name = plan.head_name.strip()
    head = _paragraphs(plan.head_report) or [("p", "（单位主要负责人尚未填写组织落实整改情况。）")]
    blocks = [
        ("p", _intro(f)),
        ("h1", "一、主要负责人组织落实整改情况"),
        *(
            [("p", f"{f.org}主要负责人{head_name}同志履行巡察整改第一责任人职责，组织落实整改情况如下。")]
            if head_name
            else []
        ),
        *head,
        ("h1", "二、整改工作总体安排"),
        *(_paragraphs(plan.summary) or [("p", "（整改方案未填写总体安排。）")]),
        ("h1", "三、反馈问题整改落实情况"),
        *_findings(f, f.findings, public=False),
        ("h1", "四、整改总体情况"),
        ("p", f"截至{cn_date(f.today)}，{_figures_text(figures)}{_round_text(plan)}"),
        ("h1", "五、下一步工作打算"),
        ("p", NEXT_STEPS),
    ]
    return OfficialDocument(
        kind="rectification_report",
        title=f"{f.org}关于巡察反馈意见整改情况的报告",
        title_words=[f.org],
        signer=head_name,
        recipient=f.leading_group,
        blocks=blocks,
        signature=f.org,
        date=f.today,
    )


def _withheld_text(excluded: list[Finding]) -> str:
    counts = {value: 0 for value in Exclusion.values}
    for finding in excluded:
        counts[finding.excluded] = counts.get(finding.excluded, 0) + 1
    parts = [f"{Exclusion(v).label}{n}个" for v, n in counts.items() if n]
    return f"另有{len(excluded)}个问题（{'、'.join(parts)}）按照有关规定不予公开，相关整改工作正在按要求推进。"


def public(f: _Facts) -> OfficialDocument:
    plan = f.plan
    shown = [x for x in f.findings if not x.excluded]
    excluded = [x for x in f.findings if x.excluded]
    tasks = [t for x in shown for t in f.tasks.get(x.pk, [])]
    figures = plan_figures(tasks, len(shown), f.today)
    head_report, head_name = plan.head_report, plan.head_name.strip()
    if head_name:
        head_report = head_report.replace(f"{head_name}同志", HEAD).replace(head_name, HEAD)
    blocks = [
        (
            "p",
            f"根据{f.committee}统一部署，{f.team}对{f.org}开展了巡察。按照巡察工作有关规定，"
            "现将巡察整改进展情况予以公开，接受干部群众监督。",
        ),
        ("h1", "一、整改工作组织情况"),
        *(_paragraphs(head_report) or [("p", f"{f.org}主要负责人切实履行巡察整改第一责任人职责，亲自部署推动整改。")]),
        *_paragraphs(plan.summary),
        ("h1", "二、反馈问题整改落实情况"),
        *_findings(f, shown, public=True),
        *([("p", _withheld_text(excluded))] if excluded else []),
        ("h1", "三、整改总体情况"),
        ("p", f"截至{cn_date(f.today)}，{_figures_text(figures, '予以公开的反馈问题')}{_round_text(plan)}"),
        ("p", NEXT_STEPS),
        ("p", f"欢迎广大干部群众对巡察整改落实情况进行监督。如有意见建议，请向{f.org}或{f.leading_group}办公室反映。"),
    ]
    document = OfficialDocument(
        kind="rectification_public",
        title=f"{f.org}关于巡察整改情况的公开通报",
        title_words=[f.org],
        blocks=blocks,
        signature=f.org,
        date=f.today,
    )
    return _masked(document, _names_to_mask(f))


# The public version: names and amounts out --------------------------------------------


def _split(text: str) -> set[str]:
    names = set()
    for sep in "、,，;；/\\|（）() \n\t":
        text = text.replace(sep, " ")
    for token in text.split():
        token = token.strip("：:。.")
        if len(token) >= 2:
            names.add(token)
    return names


def _names_to_mask(f: _Facts) -> list[str]:
    """The head's name, every responsible leader and every person of every finding (excluded
    ones too: their people may be named elsewhere), longest first."""
    names: set[str] = set()
    for value in [f.plan.head_name] + [x.people for x in f.findings]:
        names |= _split(value or "")
        if len((value or "").strip()) >= 2:
            names.add(value.strip())
    for items in f.tasks.values():
        for task in items:
            if len(task.responsible_leader.strip()) >= 2:
                names.add(task.responsible_leader.strip())
    return sorted(names, key=len, reverse=True)


def _masked(document: OfficialDocument, names: list[str]) -> OfficialDocument:
    document.title = mask_text(document.title, names)
    document.signature = mask_text(document.signature, names)
    document.blocks = [
        (kind, mask_text(value, names) if isinstance(value, str) else value) for kind, value in document.blocks
    ]
    return document


# Kinds and the download ----------------------------------------------------------------

# The report goes to the leading group, which reads it as the office, the team and the unit do.


@dataclass(frozen=True)
class DocumentKind:
    label: str
    build: Callable[[_Facts], OfficialDocument]


DOCUMENTS = {
    "report": DocumentKind("整改情况报告", report),
    "public": DocumentKind("整改情况公开", public),
}


def documents_allowed(user, plan: RectificationPlan) -> list[str]:
    """The kinds ``user`` may download now (none before the plan is approved)."""
    if plan.status != RectificationPlan.Status.APPROVED or not access.may(user, "plan.read_report", plan):
        return []
    return list(DOCUMENTS)


def report_document(*, actor, plan: RectificationPlan, kind: str) -> tuple[str, bytes]:
    """One rectification document of ``plan`` as (file name, .docx bytes); audited as an export.

    ``Http404`` if the actor cannot see the plan, ``PermissionDenied`` for a role other than
    the office, the team and the unit, ``ValidationError`` for an unknown kind or a plan not
    yet approved.
    """
    access.check(actor, "view", plan)
    if kind not in DOCUMENTS:
        raise ValidationError(
            {
                "kind": [
                    ValidationError(
                        "未知的文书类型，只有整改情况报告（report）和整改情况公开（public）。", code="unknown_choice"
                    )
                ]
            }
        )
    if not access.may(actor, "plan.read_report", plan):
        raise PermissionDenied
    if plan.status != RectificationPlan.Status.APPROVED:
        raise ValidationError(
            {"plan": [ValidationError("整改方案批准后才能生成整改情况报告和公开稿。", code="stage_order")]}
        )
    if not plan.head_report.strip():
        raise ValidationError(
            {
                "plan": [
                    ValidationError(
                        "单位尚未填写主要负责人组织落实整改情况。请被巡察单位在整改方案页面填写后，再生成整改情况报告和公开稿。",
                        code="missing_prerequisite",
                    )
                ]
            }
        )
    spec = DOCUMENTS[kind]
    facts = _facts(plan)
    document = spec.build(facts)
    document.trace = export_trace(actor)
    data = document_render(document)
    shown = [x.pk for x in facts.findings if kind != "public" or not x.excluded]
    audit_record(
        actor=actor,
        action="rectification_plan.document",
        obj=plan,
        authority=plan.authority_id,
        detail={"kind": kind, "findings": shown},
    )
    return f"{plan.inspection.organization.name}-{spec.label}.docx", data
