"""The report's text: the first draft assembled from the inspection, and the .docx.

``report_draft`` writes version 1 of a report: 一、基本情况 (the organisation, the kind of
inspection, the round and its dates, the team, and the on-site work counted from the
records), 二、总体评价 (left for the team to write), 三、发现的主要问题 (the findings,
grouped by the top-level focus area of each finding's leaf, numbered within each group)
and 四、意见建议. What the team must still write is marked 【请填写：…】; a report with
such a mark left is not submitted.

``report_docx`` turns a text into the official format (``core.documents``): a line
starting with 一、 … is a level-1 heading, （一） … a level-2 heading, any other line a
body paragraph. Access and the audit of the export are the caller's
(``results.reports.report_export``).

``text_diff`` compares two versions line by line, for the comparison page.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from django.utils import timezone

from core.documents import OfficialDocument, cn_date, cn_number, document_render
from onsite.models import DocumentRequest, Finding, FocusArea, Interview, Petition, Survey
from planning.documents import document_settings_for
from planning.models import Inspection, TeamMember
from planning.stages import inspection_period

HEADING1 = re.compile(r"^[一二三四五六七八九十]+、")
HEADING2 = re.compile(r"^（[一二三四五六七八九十]+）")
STOPS = "。！？；：.!?;:…"


def _sentence(text: str) -> str:
    """``text`` on one line, ending with a full stop: lines of a description are joined."""
    out = ""
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        if out and out[-1] not in STOPS + "，,、":
            out += "。"
        out += line
    out = out.rstrip("，,、；;")
    return out if not out or out[-1] in STOPS else out + "。"


def _roots(findings: list[Finding]) -> dict[int, FocusArea]:
    """Each finding's focus area → its top-level ancestor (one query for the whole tree)."""
    taxonomies = {f.focus_area.taxonomy_id for f in findings}
    areas = {a.pk: a for a in FocusArea.objects.filter(taxonomy_id__in=taxonomies)}
    roots = {}
    for f in findings:
        area = areas[f.focus_area_id]
        while area.parent_id is not None and area.parent_id in areas:
            area = areas[area.parent_id]
        roots[f.focus_area_id] = area
    return roots


def _committee(inspection: Inspection) -> str:
    return f"中共{document_settings_for(inspection.authority).county_name}委"


def _team_sentence(inspection: Inspection) -> str:
    if inspection.team is None:
        return ""
    members = list(inspection.team.members.select_related("inspector").order_by("id"))
    parts = []
    for role in TeamMember.Role:
        names = "、".join(m.inspector.name for m in members if m.role == role)
        if names:
            parts.append(f"{role.label}{names}")
    return f"巡察组由{'，'.join(parts)}组成。" if parts else ""


def _onsite_sentence(inspection: Inspection) -> str:
    talks = Interview.objects.filter(inspection=inspection, held_at__isnull=False).count()
    petitions = Petition.objects.filter(inspection=inspection).count()
    documents = DocumentRequest.objects.filter(inspection=inspection, reviewed_on__isnull=False).count()
    surveys = Survey.objects.filter(inspection=inspection)
    handed_out = sum(s.handed_out for s in surveys)
    returned = sum(s.returned for s in surveys)
    parts = [f"个别谈话{talks}人次", f"受理信访举报{petitions}件", f"调阅审阅资料{documents}份"]
    if handed_out:
        parts.append(f"发放问卷和民主测评表{handed_out}份、收回{returned}份")
    return f"进驻期间，巡察组共开展{'，'.join(parts)}。"


def report_draft(inspection: Inspection) -> tuple[str, int]:
    """The first draft of the report of ``inspection``, and the number of findings in it."""
    committee = _committee(inspection)
    org = f"{inspection.organization.name}党组织"
    rnd = inspection.round
    team = f"{committee}{inspection.team.name}" if inspection.team else "巡察组"
    entry, end = inspection_period(inspection)
    when = f"于{cn_date(entry)}至{cn_date(end)}" if entry and end else ""
    kind = inspection.get_kind_display()
    theme = f"，主题为“{inspection.theme}”" if inspection.theme else ""
    findings = list(
        Finding.objects.filter(inspection=inspection).select_related("focus_area").order_by("created_at", "id")
    )
    immediate = sum(1 for f in findings if f.immediate)
    lines = [
        "一、基本情况",
        f"根据{committee}统一部署，{team}{when}对{org}开展{kind}{theme}，"
        f"为{rnd.term.name}第{cn_number(rnd.number)}轮巡察。{_team_sentence(inspection)}",
        f"{_onsite_sentence(inspection)}共发现问题{len(findings)}个，其中立行立改{immediate}个。",
        "【请填写：被巡察党组织的基本情况，如机构设置、领导班子和党员队伍、主要职责和重点工作。】",
        "二、总体评价",
        "【请填写：对被巡察党组织贯彻落实党中央决策部署和上级工作要求、落实全面从严治党责任、"
        "领导班子和干部队伍建设以及政治生态等情况的总体评价。政治生态和贯彻落实情况的评价等次在报告页面选择。】",
        "三、发现的主要问题",
    ]
    roots = _roots(findings)
    groups: dict[int, tuple[FocusArea, list[Finding]]] = {}
    for f in findings:
        root = roots[f.focus_area_id]
        groups.setdefault(root.pk, (root, []))[1].append(f)
    ordered = sorted(groups.values(), key=lambda g: (g[0].order, g[0].code))
    for i, (root, items) in enumerate(ordered, start=1):
        lines.append(f"（{cn_number(i)}）{root.name}")
        for j, f in enumerate(items, start=1):
            title = f.title.strip().rstrip(STOPS + "，,、")
            lines.append(f"{j}.{title}。{_sentence(f.description)}".rstrip())
    if not findings:
        lines.append("【请填写：尚无审核通过的问题。底稿审核通过形成问题后，按监督重点归类写明问题及其具体表现。】")
    lines += [
        "四、意见建议",
        "【请填写：针对发现的问题，对被巡察党组织提出的整改意见，以及需要移交有关方面处理的问题和有关建议。】",
    ]
    return "\n".join(lines), len(findings)


def text_blocks(text: str) -> list[tuple[str, str]]:
    """Lines → document blocks: 一、 h1, （一） h2, others body paragraphs; blank lines dropped."""
    blocks = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        kind = "h1" if HEADING1.match(line) else "h2" if HEADING2.match(line) else "p"
        blocks.append((kind, line))
    return blocks


def report_docx(*, report, text: str, special: bool, trace: str) -> tuple[str, bytes]:
    """The report (or its special report) as (file name, .docx bytes), addressed to the
    leading group and signed by the team."""
    inspection = report.inspection
    committee = _committee(inspection)
    org = f"{inspection.organization.name}党组织"
    if special:
        title, label = f"关于巡察{org}发现的领导干部问题线索的专题报告", "专题报告"
    else:
        title, label = f"关于巡察{org}的情况报告", "巡察报告"
    document = OfficialDocument(
        kind="special_report" if special else "inspection_report",
        title=title,
        title_words=[org],
        blocks=text_blocks(text),
        recipient=f"{committee}巡察工作领导小组",
        signature=f"{committee}{inspection.team.name}" if inspection.team else f"{committee}巡察组",
        date=timezone.localdate(),
        trace=trace,
    )
    return f"{inspection.organization.name}-{label}.docx", document_render(document)


@dataclass
class DiffLine:
    kind: str  # same, added, removed, gap
    old: int | None
    new: int | None
    text: str


@dataclass
class Diff:
    lines: list[DiffLine] = field(default_factory=list)
    added: int = 0
    removed: int = 0


CONTEXT = 2  # unchanged lines kept around each change


def text_diff(old: str, new: str) -> Diff:
    """Line by line: removed lines, added lines, and unchanged runs longer than the context
    folded into one "gap" line saying how many lines are unchanged."""
    a, b = old.split("\n") if old else [], new.split("\n") if new else []
    diff = Diff()
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            run = [DiffLine("same", i1 + k + 1, j1 + k + 1, a[i1 + k]) for k in range(i2 - i1)]
            first, last = i1 == 0, i2 == len(a)
            head = [] if first else run[:CONTEXT]
            tail = [] if last else run[-CONTEXT:]
            if len(run) > len(head) + len(tail) + 1:
                hidden = len(run) - len(head) - len(tail)
                diff.lines += [*head, DiffLine("gap", None, None, f"……（{hidden} 行未改动）"), *tail]
            else:
                diff.lines += run
            continue
        diff.lines += [DiffLine("removed", i1 + k + 1, None, a[i1 + k]) for k in range(i2 - i1)]
        diff.lines += [DiffLine("added", None, j1 + k + 1, b[j1 + k]) for k in range(j2 - j1)]
        diff.removed += i2 - i1
        diff.added += j2 - j1
    return diff
