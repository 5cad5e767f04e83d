"""Wording a clerk would stop at: who deliberates and who only records (书记专题会 is recorded by
the office head, not deliberated by them), in the report chain and the preparation documents."""

import datetime
import io

import pytest
from django.utils import timezone
from docx import Document

from conftest import token_client
from planning.models import Inspector, Round
from planning.teams import team_member_add
from results.tests.factories import written_report

D = datetime.date
# Phrases that make an officer the deliberating body of a meeting they only record.
SLIPS = ("巡察办主任审议", "主任审议", "主任研究决定", "待巡察办审议", "待组长审议")


def test_the_report_chain_says_who_deliberates_and_who_records(world, login):
    a = world["a"]
    report = written_report(a)
    token_client(a.users["team_leader"]).post(f"/api/v1/reports/{report.pk}/submit")
    url = f"/results/inspections/{a.inspection.pk}/report/"
    head = login(a.users["office_head"])
    page = head.get(url).content.decode()
    assert "待组务会（组长登记）审议" in page
    today = timezone.localdate().isoformat()
    decide = f"/results/reports/{report.pk}/decide/"
    login(a.users["team_leader"]).post(decide, {"step": "team_meeting", "decision": "approved", "decided_on": today})
    for step in ("office_review", "leading_group"):
        head.post(decide, {"step": step, "decision": "approved", "decided_on": today})
    page = head.get(url).content.decode()
    assert "待书记专题会（巡察办主任登记）审议" in page and "记录书记专题会审议意见" in page
    assert not [slip for slip in SLIPS if slip in page]


@pytest.fixture
def ready(world):
    a = world["a"]
    Round.objects.filter(pk=a.inspection.round_id).update(entry_on=D(2026, 9, 1), onsite_end_on=D(2026, 10, 15))
    a.inspection.refresh_from_db()
    leader = Inspector.objects.create(authority=a.authority, name="刘卫东", unit="县纪委监委", post="副书记")
    team_member_add(actor=a.users["office"], team=a.team, inspector=leader, role="leader")
    return a


@pytest.mark.parametrize("kind", ["work-plan", "authorization", "entry-notice", "public-notice"])
def test_the_preparation_documents_name_the_deciding_bodies(ready, kind):
    r = token_client(ready.users["office"]).get(f"/api/v1/inspections/{ready.inspection.pk}/documents/{kind}.docx")
    text = "\n".join(p.text for p in Document(io.BytesIO(r.content)).paragraphs)
    assert not [slip for slip in SLIPS if slip in text]
    if kind == "work-plan":
        assert "按照中共甲县委巡察工作领导小组会议和中共甲县委书记专题会议审定的意见向被巡察党组织反馈" in text
        assert "领导小组和县委书记专题会议意见" not in text
