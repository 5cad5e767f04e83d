"""The feedback documents of an inspection, in the official format (core.documents, GB/T 9704).

- ``leadership``: 向被巡察党组织领导班子反馈巡察情况的意见: the overview, the problems by
  focus area with their descriptions (and the people and amounts involved), and the
  requirements for rectification with the deadlines of the office's settings.
- ``head``: 向主要负责人反馈巡察情况的意见: the same problems, addressed to the head, with a
  section on the head's first responsibility.
- ``public``: 巡察反馈情况公开稿: only findings not flagged as excluded, without the people
  and amounts involved, and with every name from the inspection's leads and from the
  findings' people replaced by "××" wherever it appears.

The leadership and head versions are for the office and the team, and are numbered from
the authority's sequence when the office first generates them; the public version is for
the office only. Every download is an audited export.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError

from core import access
from core.audit import audit_record, export_trace
from core.crypto import SealError, unseal_json
from core.documents import DOCUMENT_KINDS, OfficialDocument, cn_date, cn_number, document_render
from onsite.models import Finding, FocusArea
from planning.documents import document_number_issue, document_settings_for
from planning.stages import inspection_period
from results.feedback import rectification_due, report_of, secretary_meeting_on
from results.models import Feedback, InspectionReport, Lead

MASK = "××"


@dataclass
class _Facts:
    feedback: Feedback
    committee: str  # 中共甲县委
    leading_group: str
    team: str  # 中共甲县委第一巡察组
    org: str  # 甲县县委办公室党组织
    kind: str  # 常规巡察
    period: str  # 于2026年9月1日至2026年10月15日 (or "")
    report: InspectionReport | None
    findings: list[Finding]


def _facts(feedback: Feedback) -> _Facts:
    inspection = feedback.inspection
    if inspection.team is None:
        raise ValidationError(
            {"team": [ValidationError("该巡察尚未分配巡察组，不能生成反馈意见。", code="missing_prerequisite")]}
        )
    committee = f"中共{document_settings_for(inspection.authority).county_name}委"
    entry, end = inspection_period(inspection)
    period = f"于{cn_date(entry)}至{cn_date(end)}" if entry and end else ""
    findings = list(
        Finding.objects.filter(inspection=inspection).select_related(
            "focus_area__parent__parent", "focus_area__taxonomy"
        )
    )
    return _Facts(
        feedback=feedback,
        committee=committee,
        leading_group=f"{committee}巡察工作领导小组",
        team=f"{committee}{inspection.team.name}",
        org=f"{inspection.organization.name}党组织",
        kind=inspection.get_kind_display(),
        period=period,
        report=report_of(inspection),
        findings=findings,
    )


def _top(area: FocusArea) -> FocusArea:
    while area.parent is not None:
        area = area.parent
    return area


def _by_focus(findings: list[Finding]) -> list[tuple[FocusArea, list[Finding]]]:
    """Findings grouped under their top focus area, in the taxonomy's order."""
    groups: dict[int, tuple[FocusArea, list[Finding]]] = {}
    for finding in sorted(findings, key=lambda f: f.pk):
        top = _top(finding.focus_area)
        groups.setdefault(top.pk, (top, []))[1].append(finding)
    return sorted(groups.values(), key=lambda g: (g[0].taxonomy.version, g[0].group, g[0].order, g[0].code))


def _sentence(text: str) -> str:
    text = " ".join(text.split()).rstrip("。；;，, ")
    return f"{text}。" if text else ""


def _yuan(amount) -> str:
    text = f"{amount:,.2f}"
    return text[:-3] if text.endswith(".00") else text


def _problem(n: int, finding: Finding, *, internal: bool) -> str:
    text = f"{n}.{_sentence(finding.title)}{_sentence(finding.description)}"
    if internal:
        if finding.people.strip():
            text += f"涉及人员：{_sentence(finding.people)}"
        if finding.amount:
            text += f"涉及金额{_yuan(finding.amount)}元。"
        if finding.immediate:
            text += "（巡察期间已立行立改）"
    return text


def _problems(findings: list[Finding], *, internal: bool) -> list[tuple[str, str]]:
    if not findings:
        return [("p", "本次巡察未发现需要反馈的问题。")]
    blocks: list[tuple[str, str]] = []
    for i, (top, items) in enumerate(_by_focus(findings), start=1):
        blocks.append(("h2", f"（{cn_number(i)}）{top.name}"))
        blocks += [("p", _problem(n, f, internal=internal)) for n, f in enumerate(items, start=1)]
    return blocks


def _intro(f: _Facts) -> str:
    secretary = secretary_meeting_on(f.feedback.inspection)
    heard = f"{cn_date(secretary)}，{f.committee}书记专题会议听取了巡察情况汇报。" if secretary else ""
    return (
        f"根据{f.committee}统一部署，{f.team}{f.period}对{f.org}开展了{f.kind}。"
        "巡察组坚持以习近平新时代中国特色社会主义思想为指导，深入贯彻巡视工作方针，紧扣“四个聚焦”，"
        "通过听取汇报、个别谈话、受理信访、调阅资料、走访调研等方式，深入了解情况，发现问题。"
        f"{heard}受{f.leading_group}委托，现将巡察情况反馈如下。"
    )


def _overview(f: _Facts) -> list[tuple[str, str]]:
    judged = []
    report = f.report
    if report is not None and report.ecology:
        judged.append(f"政治生态总体{report.get_ecology_display()}")
    if report is not None and report.implementation:
        judged.append(f"贯彻落实党的路线方针政策和上级决策部署情况{report.get_implementation_display()}")
    judgement = f"巡察认为，{f.org}{'，'.join(judged)}。" if judged else ""
    immediate = sum(1 for x in f.findings if x.immediate)
    count = f"巡察期间共发现问题{len(f.findings)}个" + (f"，其中已立行立改{immediate}个。" if immediate else "。")
    return [
        ("h1", "一、总体情况"),
        (
            "p",
            f"{judgement}{f.org}能够贯彻落实上级决策部署，推动各项工作取得一定成效。"
            f"同时，巡察也发现了一些问题，需要认真加以解决。{count}",
        ),
    ]


def _requirements(f: _Facts, heading: str) -> list[tuple[str, str]]:
    due = rectification_due(f.feedback)
    return [
        ("h1", heading),
        (
            "p",
            f"{f.org}要切实提高政治站位，把抓好巡察整改作为重要政治任务，对反馈的问题逐条认领、逐项研究，"
            "建立问题清单、任务清单、责任清单，明确整改措施、时限和责任人，"
            "做到问题不解决不松劲、整改不到位不销号。",
        ),
        (
            "p",
            f"请于{cn_date(due.plan_on)}前（反馈之日起{due.plan_months}个月内）将整改方案报送{f.leading_group}办公室，"
            f"于{cn_date(due.report_on)}前（反馈之日起{due.report_months}个月内）报送整改情况报告。"
            "整改方案和整改情况报告须经领导班子集体研究，由主要负责人签字。",
        ),
        (
            "p",
            "对巡察移交的问题线索和有关问题，要积极配合有关部门认真办理。整改落实情况将按规定在党内通报，"
            "并通过适当方式向社会公开，接受干部群众监督。",
        ),
    ]


def leadership(f: _Facts) -> OfficialDocument:
    blocks = [
        ("p", _intro(f)),
        *_overview(f),
        ("h1", "二、巡察发现的主要问题"),
        *_problems(f.findings, internal=True),
        *_requirements(f, "三、整改要求"),
    ]
    return OfficialDocument(
        kind="feedback",
        title=f"{f.team}向{f.org}领导班子反馈巡察情况的意见",
        title_words=[f.org],
        recipient=f"{f.org}领导班子",
        blocks=blocks,
        signature=f.team,
        date=f.feedback.issued_on,
    )


def head(f: _Facts) -> OfficialDocument:
    blocks = [
        ("p", _intro(f)),
        *_overview(f),
        ("h1", "二、巡察发现的主要问题"),
        *_problems(f.findings, internal=True),
        ("h1", "三、履行第一责任人职责的要求"),
        (
            "p",
            f"作为{f.org}主要负责人，要切实履行管党治党第一责任人职责和巡察整改第一责任人职责，"
            "对巡察反馈的问题亲自研究部署、亲自协调推动、亲自督促落实，重要问题亲自过问，"
            "重点环节亲自协调，重大事项亲自督办。",
        ),
        (
            "p",
            "要带头严格执行民主集中制，带头落实中央八项规定及其实施细则精神，管好自己、管好班子、带好队伍，"
            "对班子成员和下级党组织主要负责人的整改责任压实到位，以上率下推动整改任务落地见效。",
        ),
        *_requirements(f, "四、整改要求"),
    ]
    return OfficialDocument(
        kind="feedback",
        title=f"{f.team}向{f.org}主要负责人反馈巡察情况的意见",
        title_words=[f.org],
        recipient=f"{f.org}主要负责人",
        blocks=blocks,
        signature=f.team,
        date=f.feedback.issued_on,
    )


def public(f: _Facts) -> OfficialDocument:
    shown = [x for x in f.findings if not x.excluded]
    due = rectification_due(f.feedback)
    blocks = [
        (
            "p",
            f"根据{f.committee}统一部署，{f.team}{f.period}对{f.org}开展了{f.kind}。"
            f"{cn_date(f.feedback.issued_on)}，{f.team}向{f.org}反馈了巡察意见。"
            "根据有关规定，现将巡察反馈的主要问题和整改要求予以公开。",
        ),
        ("h1", "一、巡察反馈的主要问题"),
        *_problems(shown, internal=False),
        ("h1", "二、整改要求"),
        (
            "p",
            f"{f.org}要认真落实巡察整改主体责任，于{cn_date(due.plan_on)}前制定整改方案，"
            f"于{cn_date(due.report_on)}前报告整改情况。整改落实情况将按规定向社会公开。",
        ),
        ("p", "欢迎广大干部群众对整改落实情况进行监督。"),
    ]
    document = OfficialDocument(
        kind="feedback_public",
        title=f"{f.team}巡察{f.org}反馈情况公开稿",
        title_words=[f.org],
        blocks=blocks,
        signature=f.team,
        date=f.feedback.issued_on,
    )
    return _masked(document, _names_to_mask(f))


# The public version: names and amounts out --------------------------------------------

_SEPARATORS = re.compile(r"[、,，;；/\\|\s]+")
_BRACKETS = re.compile(r"[（(][^）)]*[）)]")
# A figure written before 元, 万元 or 亿元 (12.5万元, 1,200 元): the figure goes, the unit stays.
_AMOUNT = re.compile(r"[0-9０-９]+(?:[.,，．][0-9０-９]+)*\s*(?=(?:[万亿])?元)")


def _split_names(text: str) -> set[str]:
    names = set()
    for token in _SEPARATORS.split(_BRACKETS.sub(" ", text or "")):
        token = token.strip("：:。.")
        if len(token) >= 2:
            names.add(token)
    whole = " ".join((text or "").split())
    if len(whole) >= 2:
        names.add(whole)
    return names


def _names_to_mask(f: _Facts) -> list[str]:
    """Every name from the inspection's leads (sealed, opened here only to be masked) and
    from its findings' people, longest first so that a full name goes before a part of it."""
    names: set[str] = set()
    for sealed in Lead.objects.filter(inspection=f.feedback.inspection).values_list("subject", flat=True):
        try:
            subject = unseal_json(sealed)
        except (SealError, ValueError) as e:
            raise ValidationError(
                {"kind": ["问题线索的加密内容无法解密，为防止泄露人员姓名，暂不能生成公开稿。请联系系统管理员。"]}
            ) from e
        names |= _split_names(str(subject.get("name", "")))
    for finding in f.findings:
        names |= _split_names(finding.people)
    return sorted(names, key=len, reverse=True)


def mask_text(text: str, names: list[str]) -> str:
    """``text`` with each of ``names`` and every figure of money replaced by ××."""
    for name in names:
        text = text.replace(name, MASK)
    return _AMOUNT.sub(MASK, text)


def _masked(document: OfficialDocument, names: list[str]) -> OfficialDocument:
    document.title = mask_text(document.title, names)
    document.signature = mask_text(document.signature, names)
    document.blocks = [
        (kind, mask_text(value, names) if isinstance(value, str) else value) for kind, value in document.blocks
    ]
    return document


# Kinds and the download ----------------------------------------------------------------


@dataclass(frozen=True)
class DocumentKind:
    label: str  # in file names and on the page
    build: Callable[[_Facts], OfficialDocument]
    step: str  # who may download it: a step of core.access
    kind: str  # its row of DOCUMENT_KINDS, which says whether it is numbered and from which register

    @property
    def numbered(self) -> bool:
        return bool(DOCUMENT_KINDS[self.kind].register)


DOCUMENTS = {
    "leadership": DocumentKind("反馈意见（领导班子）", leadership, "feedback.read_internal", "feedback"),
    "head": DocumentKind("反馈意见（主要负责人）", head, "feedback.read_internal", "feedback"),
    # The office head only: masking opens the leads' names, and comparing the public text
    # with the leadership version would tell the office which names are leads' subjects.
    "public": DocumentKind("反馈情况公开稿", public, "feedback.read_public_draft", "feedback_public"),
}


def number_kind(kind: str) -> str:
    """The ``DocumentNumber.kind`` of a numbered feedback document."""
    return f"feedback-{kind}"


def feedback_numbers_issue(*, actor, feedback: Feedback) -> None:
    """Number the feedback's numbered documents, dated the feedback's day, when the office
    issues it (``feedback_issue``): a later-dated number in the team's register refuses the
    date (``ValidationError`` on ``issued_on``). Without a team nothing is numbered (the
    documents cannot be written yet)."""
    inspection = feedback.inspection
    if inspection.team is None:
        return
    doc_settings = document_settings_for(inspection.authority)
    for kind, spec in DOCUMENTS.items():
        if spec.numbered:
            document_number_issue(
                actor=actor,
                inspection=inspection,
                kind=number_kind(kind),
                document_kind=spec.kind,
                doc_settings=doc_settings,
                on=feedback.issued_on,
                refuse_field="issued_on",
            )


def documents_allowed(user, feedback: Feedback) -> list[str]:
    """The kinds of feedback document ``user`` may download."""
    held = access.roles_on(user, feedback)
    return [kind for kind, spec in DOCUMENTS.items() if access.may(user, spec.step, feedback, held=held)]


def feedback_document(*, actor, feedback: Feedback, kind: str) -> tuple[str, bytes]:
    """One feedback document as (file name, .docx bytes); audited as an export.

    ``Http404`` if the actor cannot see the feedback, ``PermissionDenied`` if their role may
    not have this version (the leadership and head versions: the office and the team; the
    public version: the office), ``ValidationError`` for an unknown kind or when the
    document cannot be written (no team; a lead that cannot be unsealed for the public version).
    """
    access.check(actor, "view", feedback)
    if kind not in DOCUMENTS:
        raise ValidationError({"kind": [ValidationError("未知的文书类型。", code="unknown_choice")]})
    spec = DOCUMENTS[kind]
    if not access.may(actor, spec.step, feedback):
        raise PermissionDenied
    inspection = feedback.inspection
    facts = _facts(feedback)
    document = spec.build(facts)
    if spec.numbered:
        issued = document_number_issue(
            actor=actor,
            inspection=inspection,
            kind=number_kind(kind),
            document_kind=document.kind,
            doc_settings=document_settings_for(inspection.authority),
            on=feedback.issued_on,
        )
        document.doc_number, document.date = issued.text, issued.dated_on
    document.trace = export_trace(actor)
    data = document_render(document)
    shown = [x for x in facts.findings if kind != "public" or not x.excluded]
    audit_record(
        actor=actor,
        action="feedback.document",
        obj=feedback,
        authority=inspection.authority_id,
        detail={"kind": kind, "number": document.doc_number, "findings": [x.pk for x in shown]},
    )
    return f"{inspection.organization.name}-{spec.label}.docx", data
