"""Rows of the four-permission-cases table (core/tests/test_permissions.py) for leads and transfers.

The records come from results/tests/factories.py, made the first time a row asks for them (once per test).
"""

from core.tests.permissions import Case
from results.tests.factories import (
    LEAD_NAME,
    finding_transfer,
    first_finding,
    lead,
    lead_transfer,
    other_receiver,
    received_transfer,
)


def _today():
    from django.utils import timezone

    return timezone.localdate()


def _leads_url(w):
    return f"/results/inspections/{w['a'].inspection.pk}/leads/"


def _transfers_url(w):
    return f"/results/inspections/{w['a'].inspection.pk}/transfers/"


CASES = [
    Case(
        "leads page",
        "get",
        lambda w: lead(w) and _leads_url(w),
        "team_leader",
        200,
        marker=lambda w: LEAD_NAME,
    ),
    Case(
        "lead create",
        "post",
        _leads_url,
        "team_leader",
        302,
        body=lambda w: {"category": "discipline", "name": "赵某", "post": "科长", "details": "违规发放津贴"},
    ),
    Case(
        "transfers page",
        "get",
        lambda w: lead_transfer(w) and _transfers_url(w),
        "office_head",
        200,
        marker=lambda w: lead_transfer(w).letter_number,
    ),
    Case(
        "transfer create",
        "post",
        _transfers_url,
        "office",
        302,
        body=lambda w: {
            "kind": "findings",
            "receiver": other_receiver(w).pk,
            "findings": [first_finding(w).pk],
            "sent_on": _today().isoformat(),
        },
    ),
    Case(
        "transfer detail",
        "get",
        lambda w: f"/results/transfers/{lead_transfer(w).pk}/",
        "receiver",
        200,
        marker=lambda w: LEAD_NAME,
    ),
    Case(
        "transfer receipt",
        "post",
        lambda w: f"/results/transfers/{lead_transfer(w).pk}/",
        "receiver",
        302,
        body=lambda w: {"action": "receipt", "received_on": _today().isoformat(), "received_name": "孙某"},
    ),
    Case(
        "transfer outcome",
        "post",
        lambda w: f"/results/transfers/{received_transfer(w).pk}/",
        "receiver",
        302,
        body=lambda w: {
            "action": "outcome",
            "outcome": "filed",
            "detail": "经初核，已立案审查",
            "outcome_on": _today().isoformat(),
        },
    ),
    Case(
        "transfer letter",
        "get",
        lambda w: f"/results/transfers/{lead_transfer(w).pk}/letter.docx",
        "receiver",
        200,
        marker=lambda w: "word/document.xml",  # a Word file, not a page
    ),
    Case(
        "transfer letter pdf",
        "get",
        lambda w: f"/results/transfers/{lead_transfer(w).pk}/letter.pdf",
        "receiver",
        200,
        marker=lambda w: f"关于移交{w['a'].inspection.organization.name}",
        pdf=True,
    ),
    Case(
        "leads index",
        "get",
        lambda w: lead(w) and "/results/leads/",
        "team_leader",
        200,
        marker=lambda w: w["a"].inspection.organization.name,
        denied=403,
        own_authority=True,
    ),
    Case(
        "received page",
        "get",
        lambda w: lead_transfer(w) and "/results/received/",
        "receiver",
        200,
        marker=lambda w: lead_transfer(w).letter_number,
        own_authority=True,
        denied=403,
    ),
    Case(
        "transfer list",
        "get",
        lambda w: finding_transfer(w) and "/results/transfers/",
        "office",
        200,
        marker=lambda w: finding_transfer(w).letter_number,
        own_authority=True,
        denied=403,
    ),
    Case(
        "api leads",
        "get",
        lambda w: lead(w) and "/api/v1/leads",
        "team_leader",
        200,
        api=True,
        list_view=True,
        marker=lambda w: LEAD_NAME,
    ),
    Case(
        "api lead",
        "get",
        lambda w: f"/api/v1/leads/{lead(w).pk}",
        "office_head",
        200,
        api=True,
        marker=lambda w: LEAD_NAME,
    ),
    Case(
        "api lead create",
        "post",
        lambda w: "/api/v1/leads",
        "team_leader",
        201,
        api=True,
        denied=404,  # the inspection it names is out of sight
        body=lambda w: {
            "inspection_id": w["a"].inspection.pk,
            "category": "cadre",
            "name": "钱某",
            "post": "人事科科长",
            "details": "违规提拔",
        },
    ),
    Case(
        "api transfers",
        "get",
        lambda w: lead_transfer(w) and "/api/v1/transfers",
        "receiver",
        200,
        api=True,
        list_view=True,
        marker=lambda w: f'"id":{lead_transfer(w).pk},',
    ),
    Case(
        "api transfer",
        "get",
        lambda w: f"/api/v1/transfers/{finding_transfer(w).pk}",
        "office",
        200,
        api=True,
        marker=lambda w: finding_transfer(w).letter_number,
    ),
    Case(
        "api transfer create",
        "post",
        lambda w: "/api/v1/transfers",
        "office_head",
        201,
        api=True,
        denied=404,  # the inspection it names is out of sight
        body=lambda w: {
            "inspection_id": w["a"].inspection.pk,
            "receiver_id": w["a"].receiver.pk,
            "kind": "leads",
            "lead_ids": [lead(w).pk],
            "sent_on": _today().isoformat(),
        },
    ),
    Case(
        "api transfer receipt",
        "post",
        lambda w: f"/api/v1/transfers/{lead_transfer(w).pk}/receipt",
        "receiver",
        200,
        api=True,
        body=lambda w: {"received_on": _today().isoformat(), "received_name": "孙某"},
    ),
    Case(
        "api transfer outcome",
        "post",
        lambda w: f"/api/v1/transfers/{received_transfer(w).pk}/outcome",
        "receiver",
        200,
        api=True,
        body=lambda w: {"outcome": "filed", "detail": "已立案审查", "outcome_on": _today().isoformat()},
    ),
    Case(
        "api transfer letter",
        "get",
        lambda w: f"/api/v1/transfers/{lead_transfer(w).pk}/letter.docx",
        "receiver",
        200,
        api=True,
        marker=lambda w: "word/document.xml",
    ),
    Case(
        "api transfer letter pdf",
        "get",
        lambda w: f"/api/v1/transfers/{lead_transfer(w).pk}/letter.pdf",
        "receiver",
        200,
        api=True,
        marker=lambda w: f"关于移交{w['a'].inspection.organization.name}",
        pdf=True,
    ),
]
