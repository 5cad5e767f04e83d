"""Findings: the reviewer's fields (amount, immediate and its deadline), one per paper, the
list by focus area, the immediate rectification notice (.docx, GB/T 9704), and the tallies."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Pt

from conftest import token_client
from core.models import AuditEvent
from onsite.models import DocumentRequest, Finding, Interview, Petition, Survey
from onsite.tallies import tallies_for
from onsite.tests.factories import FACTS, TITLE, current_leaf, immediate_finding, paper, talk
from planning.documents import document_settings_update


@pytest.fixture
def a(world):
    return world["a"]


def _approve(a, paper_id, **fields):
    body = {"working_paper_id": paper_id, "focus_area_id": current_leaf(a.authority).pk, **fields}
    return token_client(a.users["team_leader"]).post("/api/v1/findings", body, content_type="application/json")


@pytest.mark.parametrize(
    "amount, message",
    [
        ("-1", "金额不能为负数。"),
        ("12.345", "金额以元为单位，最多保留两位小数（到分）。"),
        ("1e15", "金额过大，请核对（单位为元）。"),
        ("1e400", "金额过大，请核对（单位为元）。"),
        ("1e-9", "金额以元为单位，最多保留两位小数（到分）。"),
    ],
)
def test_the_amount_is_yuan_not_negative_to_the_fen(world, a, amount, message):
    r = _approve(a, paper(world, "submitted").pk, amount=amount)
    assert r.status_code == 422 and r.json()["errors"] == {"amount": [message]}
    assert not Finding.objects.exists()


def test_an_amount_that_is_no_number_is_refused_in_chinese(world, a, login):
    submitted = paper(world, "submitted")
    r = login(a.users["team_leader"]).post(
        f"/onsite/working-papers/{submitted.pk}/approve/",
        {"focus_area": current_leaf(a.authority).pk, "severity": "general", "amount": "一万元"},
    )
    assert r.status_code == 200 and "金额须为数字，例如 12800.50。" in r.content.decode()


def test_immediate_needs_a_deadline_and_a_plain_finding_keeps_none(world, a):
    submitted = paper(world, "submitted")
    r = _approve(a, submitted.pk, immediate=True)
    assert r.status_code == 422 and r.json()["errors"] == {"immediate_deadline": ["立行立改的问题须填写整改期限。"]}
    r = _approve(a, submitted.pk, immediate=False, immediate_deadline="2026-10-10", amount=0)
    assert r.status_code == 201
    assert r.json()["immediate_deadline"] is None and r.json()["amount"] == "0.00"


def test_one_finding_per_paper(world, a):
    submitted = paper(world, "submitted")
    assert _approve(a, submitted.pk).status_code == 201
    r = _approve(a, submitted.pk)
    assert r.status_code == 422 and "不在待审核状态" in r.json()["errors"]["status"][0]
    assert Finding.objects.count() == 1


def test_severity_and_the_focus_leaf_are_checked(world, a):
    submitted = paper(world, "submitted")
    r = _approve(a, submitted.pk, severity="extreme")
    assert r.json()["errors"] == {"severity": ["请选择严重程度（一般、较重、严重）。"]}
    r = _approve(a, submitted.pk, focus_area_id=None)
    assert r.json()["errors"] == {"focus_area": ["请选择监督重点（“四个聚焦”下的末级事项）。"]}
    r = _approve(a, submitted.pk, focus_area_id=current_leaf(world["b"].authority).pk)  # county B's taxonomy
    assert r.json()["errors"] == {"focus_area": ["所选监督重点不存在。"]}


def test_the_findings_page_lists_by_focus_area_with_markers(world, a, login):
    immediate = immediate_finding(world)
    second = paper(world, "submitted")
    other_leaf = (
        current_leaf(a.authority)
        .taxonomy.areas.filter(parent__code="F3", children__isnull=True)
        .order_by("order")
        .first()
    )
    r = _approve(a, second.pk, focus_area_id=other_leaf.pk, title="“三重一大”事项未经集体研究", severity="grave")
    assert r.status_code == 201
    page = login(a.users["team_member"]).get(f"/onsite/inspections/{a.inspection.pk}/findings/").content.decode()
    first_group = page.index("聚焦贯彻落实党的路线方针政策")
    third_group = page.index("聚焦基层党组织软弱涣散")
    assert first_group < page.index(TITLE) < third_group < page.index("“三重一大”事项未经集体研究")
    assert "立行立改" in page and "严重" in page and "12800.00" in page and "共 2 条" in page
    only = login(a.users["team_member"]).get(f"/onsite/inspections/{a.inspection.pk}/findings/?immediate=1")
    assert TITLE in only.content.decode() and "三重一大" not in only.content.decode()
    detail = login(a.users["team_member"]).get(f"/onsite/findings/{immediate.pk}/").content.decode()
    assert "下载立行立改通知书" in detail and "2026-10-10" in detail and FACTS in detail


def _east_asia(run):
    return run._element.rPr.rFonts.get(qn("w:eastAsia"))


def test_the_immediate_notice_is_an_official_document(world, a):
    document_settings_update(
        actor=a.users["office"],
        authority=a.authority,
        county_name="青禾县",
        abbreviation="青",
        doc_number_format="青巡发〔{year}〕{number}号",
    )
    found = immediate_finding(world)
    r = token_client(a.users["team_member"]).get(f"/api/v1/findings/{found.pk}/immediate-notice.docx")
    assert r.status_code == 200, r.content[:300]
    assert r["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert r["Content-Disposition"].startswith("attachment; filename*=utf-8''")
    doc = Document(io.BytesIO(r.content))

    s = doc.sections[0]
    sizes = [s.page_width, s.page_height, s.top_margin, s.bottom_margin, s.left_margin, s.right_margin]
    assert [round(v.mm, 1) for v in sizes] == [210, 297, 37, 35, 28, 26]
    title = next(p for p in doc.paragraphs if p.text == "中共青禾县委第一巡察组立行立改通知书")
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert _east_asia(title.runs[0]) == "方正小标宋简体" and title.runs[0].font.size == Pt(22)
    body = [p for p in doc.paragraphs if p.runs and p.paragraph_format.first_line_indent == Pt(32)]
    assert len(body) >= 4
    for p in body:
        fmt = p.paragraph_format
        assert fmt.line_spacing_rule == WD_LINE_SPACING.EXACTLY and fmt.line_spacing == Pt(28.95), p.text
        assert _east_asia(p.runs[0]) in ("仿宋_GB2312", "黑体") and p.runs[0].font.size == Pt(16)
    assert any(_east_asia(p.runs[0]) == "黑体" for p in body if p.text.startswith("一、"))
    assert doc.styles["Normal"].element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    for footer, align in ((s.footer, WD_ALIGN_PARAGRAPH.RIGHT), (s.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
        p = footer.paragraphs[0]
        xml = p._element.xml
        assert p.alignment == align and " PAGE " in xml and 'w:fldCharType="begin"' in xml
        assert {_east_asia(r) for r in p.runs} == {"宋体"} and {r.font.size for r in p.runs} == {Pt(14)}

    text = "\n".join(p.text for p in doc.paragraphs)
    assert f"{a.orgs['dept'].name}党组织：" in text  # the recipient
    assert f"{TITLE}。" in text and FACTS in text and "涉及金额12800元。" in text
    assert "于2026年10月10日前整改到位，并将整改情况书面报告中共青禾县委第一巡察组" in text
    today = timezone.localdate()
    signature = [p for p in doc.paragraphs if p.alignment == WD_ALIGN_PARAGRAPH.RIGHT]
    assert [p.text for p in signature] == ["中共青禾县委第一巡察组", f"{today.year}年{today.month}月{today.day}日"]
    assert "号" not in text.split("\n")[0]  # no document number
    assert "测试mh_a_team_member" in doc.core_properties.comments  # the trace, in the file's properties
    assert AuditEvent.objects.filter(action="finding.immediate_notice", object_id=str(found.pk)).count() == 1


def test_the_notice_button_downloads_and_a_plain_finding_has_none(world, a, login):
    found = immediate_finding(world)
    client = login(a.users["team_member"])
    r = client.get(f"/onsite/findings/{found.pk}/immediate-notice.docx")
    assert r.status_code == 200 and r.content.startswith(b"PK")
    Finding.objects.filter(pk=found.pk).update(immediate=False, immediate_deadline=None)
    assert "下载立行立改通知书" not in client.get(f"/onsite/findings/{found.pk}/").content.decode()
    r = client.get(f"/onsite/findings/{found.pk}/immediate-notice.docx", follow=True)
    assert "该问题不是立行立改事项" in r.content.decode()
    r = token_client(a.users["team_member"]).get(f"/api/v1/findings/{found.pk}/immediate-notice.docx")
    assert r.status_code == 422


def _records(world, n):
    """``n`` of each kind of on-site record for county A's inspection."""
    a = world["a"]
    today = datetime.date(2026, 9, 10)
    for i in range(n):
        Interview.objects.create(
            authority=a.authority,
            inspection=a.inspection,
            interviewee=f"谈话对象{i}",
            category="staff",
            held_at=timezone.now() if i % 2 == 0 else None,
        )
        Petition.objects.create(
            authority=a.authority,
            inspection=a.inspection,
            channel="letter",
            received_on=today,
            subject=f"反映{i}",
            content="内容",
            status="in_scope" if i % 3 == 0 else "new",
        )
        DocumentRequest.objects.create(
            authority=a.authority,
            inspection=a.inspection,
            title=f"资料{i}",
            requested_on=today,
            received_on=today if i % 2 else None,
        )
        Survey.objects.create(
            authority=a.authority,
            inspection=a.inspection,
            kind="questionnaire",
            title=f"问卷{i}",
            held_on=today,
            handed_out=10,
            returned=8,
        )


def test_the_tallies_cost_the_same_few_queries_however_many_records(world, a):
    immediate_finding(world)
    _records(world, 1)
    with CaptureQueriesContext(connection) as few:
        tallies_for(a.inspection)
    _records(world, 30)
    with CaptureQueriesContext(connection) as many:
        figures = {t.key: t.value for t in tallies_for(a.inspection)}
    assert len(many) == len(few) <= 6
    assert figures["talks_held"] == 17 and figures["petitions_received"] == 31
    assert figures["petitions_in_scope"] == 11 and figures["documents_received"] == 15
    assert figures["surveys_returned"] == 31 * 8 and figures["findings"] == 1 and figures["immediate"] == 1


def test_the_tallies_on_the_desk_and_in_the_api(world, a, login):
    immediate_finding(world)
    talk(world)
    r = token_client(a.users["leading_group"]).get(f"/api/v1/inspections/{a.inspection.pk}/tallies")
    assert r.status_code == 200
    body = r.json()
    assert body["talks_held"] == 1 and body["findings"] == 1 and body["immediate"] == 1 and body["working_papers"] == 1
    assert {"key": "immediate", "label": "立行立改", "value": 1, "unit": "个"} in body["items"]
    page = login(a.users["team_member"]).get(f"/onsite/inspections/{a.inspection.pk}/").content.decode()
    assert "进驻了解情况统计" in page and "立行立改" in page and "待审核 0 份" in page
    assert f'href="/onsite/inspections/{a.inspection.pk}/findings/?immediate=1"' in page
    assert f'href="/onsite/inspections/{a.inspection.pk}/working-papers/"' in page
