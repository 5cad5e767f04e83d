"""The immediate rectification notice (立行立改通知书) of a finding, in the official format.

A finding the unit can fix at once (``Finding.immediate``) is sent to the inspected party
organisation during the on-site stage: the problem, how it shows, and the requirement to
fix it by the deadline and report back in writing. Issued in the team's name (no
document number); written with ``core.documents`` (GB/T 9704) and audited as an export.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone

from core import access
from core.audit import audit_record, export_trace
from core.documents import OfficialDocument, cn_date, document_render
from onsite.models import Finding
from planning.documents import document_settings_for


def _yuan(amount) -> str:
    """12800.00 → 12800, 12800.50 → 12800.50 (documents write yuan without grouping commas)."""
    text = f"{amount:.2f}"
    return text[:-3] if text.endswith(".00") else text


def immediate_notice_document(finding: Finding) -> OfficialDocument:
    """The notice's text; ``ValidationError`` when the finding is not immediate or has no team."""
    if not finding.immediate:
        raise ValidationError({"immediate": ["该问题不是立行立改事项，不需要立行立改通知书。"]})
    if finding.immediate_deadline is None:
        raise ValidationError(
            {
                "immediate_deadline": [
                    ValidationError("该问题尚未确定整改期限，不能生成通知书。", code="missing_prerequisite")
                ]
            }
        )
    inspection = finding.inspection
    if inspection.team is None:
        raise ValidationError(
            {"team": [ValidationError("该巡察尚未分配巡察组，不能生成通知书。", code="missing_prerequisite")]}
        )
    committee = f"中共{document_settings_for(inspection.authority).county_name}委"
    team = f"{committee}{inspection.team.name}"
    org = f"{inspection.organization.name}党组织"
    description = finding.description.strip().rstrip("。")
    facts = [f"{description}。"]
    if finding.amount:
        facts.append(f"涉及金额{_yuan(finding.amount)}元。")
    blocks = [
        (
            "p",
            f"根据{committee}巡察工作安排，{team}正在对{org}开展{inspection.get_kind_display()}。"
            "巡察中发现以下问题，属于能够立即整改的问题，现通知你单位立行立改。",
        ),
        ("h1", "一、存在的问题"),
        ("p", f"{finding.title.strip().rstrip('。')}。"),
        ("h1", "二、具体表现"),
        *[("p", line) for line in facts],
        ("h1", "三、整改要求"),
        (
            "p",
            "请你单位高度重视，坚持即知即改、立行立改，逐项查明原因，落实整改责任，"
            f"于{cn_date(finding.immediate_deadline)}前整改到位，并将整改情况书面报告{team}。",
        ),
        (
            "p",
            "整改情况将作为巡察报告和反馈意见的重要内容。对整改不及时、不到位的，巡察组将如实报告。",
        ),
    ]
    return OfficialDocument(
        kind="immediate_notice",
        title=f"{team}立行立改通知书",
        recipient=org,
        blocks=blocks,
        signature=team,
        date=timezone.localdate(),
    )


def immediate_notice(*, actor, finding: Finding) -> tuple[str, bytes]:
    """The notice of ``finding`` as (file name, .docx bytes), audited as an export.

    ``Http404`` when the actor cannot see the finding; ``ValidationError`` when it is not
    immediate (or has no deadline, or its inspection has no team).
    """
    access.check(actor, "view", finding)
    document = immediate_notice_document(finding)
    document.trace = export_trace(actor)
    data = document_render(document)
    audit_record(
        actor=actor,
        action="finding.immediate_notice",
        obj=finding,
        detail={"title": finding.title, "deadline": finding.immediate_deadline},
    )
    return f"{finding.inspection.organization.name}-立行立改通知书-{finding.pk}.docx", data
