"""The transfer letter (移交函), in the official format of ``core.documents``.

It names what is transferred (for a lead: the person, the post and the matter, unsealed
for the letter) and asks for the outcome by the deadline. Since it carries the leads'
subjects, only those who see every lead of the transfer may download it (the office
head, the receiver); each download is audited as an export and as a read of each lead.
"""

from __future__ import annotations

import datetime

from django.http import Http404

from core import access
from core.audit import audit_record, export_trace
from core.documents import OfficialDocument, cn_date, cn_number, document_render
from planning.documents import document_number_issue, document_settings_for
from planning.stages import inspection_period
from results.leads import lead_subjects
from results.models import Lead, Transfer

WHAT: dict[str, str] = {
    Transfer.Kind.LEADS: "问题线索",
    Transfer.Kind.CADRE: "选人用人方面问题",
    Transfer.Kind.FINDINGS: "有关问题",
}


def may_download_letter(user, transfer: Transfer) -> bool:
    """Whether ``user`` sees the transfer and every lead it carries."""
    if not access.restrict(Transfer.objects.filter(pk=transfer.pk), user, "view").exists():
        return False
    ids = list(transfer.leads.values_list("pk", flat=True))
    return not ids or access.restrict(Lead.objects.filter(pk__in=ids), user, "view").count() == len(ids)


def _period_clause(inspection, team: str, org: str, dated: datetime.date) -> str:
    """What the letter says of the inspection, as things stood on its date: on site until a
    day after the letter (a transfer during the on-site work), it is under way, not done."""
    entry, end = inspection_period(inspection)
    kind = inspection.get_kind_display()
    if entry and end and end <= dated:
        return f"{team}于{cn_date(entry)}至{cn_date(end)}对{org}开展了{kind}。"
    if entry and entry <= dated:
        return f"{team}自{cn_date(entry)}起对{org}开展{kind}。"
    return f"{team}对{org}开展{kind}。"


def _heading(number: int, text: str) -> tuple[str, str]:
    return ("h2", f"（{cn_number(number)}）{text}")


def transfer_letter_document(*, actor, transfer: Transfer) -> OfficialDocument:
    """The letter as an ``OfficialDocument`` (the leads' subjects are read, and audited, here)."""
    inspection = transfer.inspection
    doc_settings = document_settings_for(inspection.authority)
    committee = f"中共{doc_settings.county_name}委"
    office = f"{committee}巡察工作领导小组办公室"
    team = f"{committee}{inspection.team.name}" if inspection.team is not None else f"{committee}巡察组"
    org = f"{inspection.organization.name}党组织"
    what = WHAT[transfer.kind]
    blocks: list[tuple[str, str | bytes]] = [
        (
            "p",
            f"根据{committee}统一部署，{_period_clause(inspection, team, org, transfer.sent_on)}"
            f"经{committee}巡察工作领导小组研究，现将巡察中发现的{what}移交你单位，请按照有关规定办理。",
        ),
        ("h1", "一、移交事项"),
    ]
    leads = list(transfer.leads.order_by("id"))
    findings = list(transfer.findings.order_by("id"))
    subjects = lead_subjects(actor=actor, leads=leads)
    n = 0
    for lead in leads:
        n += 1
        s = subjects[lead.pk]
        who = f"{s['name']}（{s['post']}）" if s["post"] else s["name"]
        blocks.append(_heading(n, f"关于{who}的问题线索"))
        blocks.append(("p", s["details"]))
    for finding in findings:
        n += 1
        blocks.append(_heading(n, finding.title))
        blocks.append(("p", finding.description))
    count = f"以上共{cn_number(n)}项。" if n else ""
    blocks += [
        ("p", f"{count}有关巡察底稿和证据材料可到{office}查阅。"),
        ("h1", "二、办理要求"),
        (
            "p",
            f"请认真研究办理，并于{cn_date(transfer.due_on)}前将办理结果书面反馈{office}。"
            "办理过程中需要了解有关情况的，请与巡察办联系。",
        ),
        (
            "p",
            "本函所列事项涉及工作秘密，请严格按照保密规定管理和使用，不得扩散；签收后请在巡察工作平台确认签收。",
        ),
    ]
    return OfficialDocument(
        kind="transfer_letter",
        title=f"{office}关于移交{org}巡察发现{what}的函",
        title_words=[org],
        recipient=transfer.receiver.name,
        blocks=blocks,
        signature=office,
        date=transfer.sent_on,
    )


def transfer_letter(*, actor, transfer: Transfer) -> tuple[str, bytes]:
    """The transfer letter as (file name, .docx bytes); audited as an export.

    Raises ``Http404`` unless the actor sees the transfer and every lead it carries.
    """
    if not may_download_letter(actor, transfer):
        raise Http404
    document = transfer_letter_document(actor=actor, transfer=transfer)
    inspection = transfer.inspection
    issued = document_number_issue(
        actor=actor,
        inspection=inspection,
        kind=f"transfer-{transfer.pk}",
        document_kind=document.kind,
        doc_settings=document_settings_for(inspection.authority),
        on=transfer.sent_on,
    )
    document.doc_number, document.date = issued.text, issued.dated_on
    document.trace = export_trace(actor)
    data = document_render(document)
    audit_record(
        actor=actor,
        action="document.export",
        obj=transfer,
        authority=transfer.authority_id,
        detail={"kind": "transfer-letter", "number": document.doc_number},
    )
    return f"{inspection.organization.name}-移交函-{transfer.receiver.name}.docx", data
