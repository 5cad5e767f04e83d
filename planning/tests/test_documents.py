"""The four preparation documents: opened as Word files and checked against GB/T 9704."""

import datetime
import io

import pytest
import segno
from django.core.exceptions import ValidationError
from django.utils import timezone
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Pt

from conftest import token_client
from core.documents import cn_date
from core.models import AuditEvent
from planning.documents import document_settings_for, document_settings_update, public_report_url
from planning.inspections import inspection_create
from planning.models import DocumentNumber, Inspector, Round
from planning.teams import inspection_assign_team, team_create, team_member_add, team_update

D = datetime.date
KINDS = ["work-plan", "authorization", "entry-notice", "public-notice"]
TITLES = {
    "work-plan": "中共甲县委第一巡察组关于对甲县县委办公室党组织开展常规巡察的工作方案",
    "authorization": "中共甲县委巡察工作领导小组关于第一巡察组组长授权任职及任务分工的决定",
    "entry-notice": "中共甲县委第一巡察组关于进驻甲县县委办公室党组织开展常规巡察的通知",
    "public-notice": "中共甲县委第一巡察组关于巡察甲县县委办公室党组织的公告",
}


@pytest.fixture
def ready(world):
    """County A's inspection with round dates, a leader, a member and the team's contacts."""
    a = world["a"]
    office = a.users["office"]
    Round.objects.filter(pk=a.inspection.round_id).update(entry_on=D(2026, 9, 1), onsite_end_on=D(2026, 10, 15))
    a.inspection.refresh_from_db()
    leader = Inspector.objects.create(authority=a.authority, name="刘卫东", unit="县纪委监委", post="副书记")
    team_member_add(actor=office, team=a.team, inspector=leader, role="leader")
    team_member_add(actor=office, team=a.team, inspector=a.inspector, role="member", duty="负责财务资料审查")
    team_update(actor=office, team=a.team, duty_phone="0739-7210001", mailbox="甲县邮政 001 号信箱", email="x@a.cn")
    return a


def _open(response):
    assert response.status_code == 200, response.content.decode(errors="replace")[:300]
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''")
    return Document(io.BytesIO(response.content))


def _east_asia(run):
    return run._element.rPr.rFonts.get(qn("w:eastAsia"))


@pytest.mark.parametrize("kind", KINDS)
def test_each_document_is_in_the_official_format(ready, kind):
    doc = _open(
        token_client(ready.users["office"]).get(f"/api/v1/inspections/{ready.inspection.pk}/documents/{kind}.docx")
    )
    s = doc.sections[0]
    sizes = [s.page_width, s.page_height, s.top_margin, s.bottom_margin, s.left_margin, s.right_margin]
    assert [round(v.mm, 1) for v in sizes] == [210, 297, 37, 35, 28, 26]

    title = next(p for p in doc.paragraphs if p.text.replace("\n", "") == TITLES[kind])
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert _east_asia(title.runs[0]) == "方正小标宋简体" and title.runs[0].font.size == Pt(22)
    body = [p for p in doc.paragraphs if p.runs and p.paragraph_format.first_line_indent == Pt(32)]
    assert len(body) >= 3
    for p in body:
        fmt = p.paragraph_format
        assert fmt.line_spacing_rule == WD_LINE_SPACING.EXACTLY and fmt.line_spacing == Pt(28.95), p.text
        assert _east_asia(p.runs[0]) in ("仿宋_GB2312", "黑体", "楷体_GB2312") and p.runs[0].font.size == Pt(16)
    if kind != "public-notice":  # the notice is a poster without numbered sections
        assert any(_east_asia(p.runs[0]) == "黑体" for p in body if p.text.startswith(("一、", "二、")))
    normal = doc.styles["Normal"]
    assert normal.element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"

    assert doc.settings.odd_and_even_pages_header_footer
    for footer, align in ((s.footer, WD_ALIGN_PARAGRAPH.RIGHT), (s.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
        p = footer.paragraphs[0]
        xml = p._element.xml
        assert p.alignment == align and " PAGE " in xml and 'w:fldCharType="begin"' in xml
        assert p.text.startswith("— ") and p.text.endswith(" —")
        assert {_east_asia(r) for r in p.runs} == {"宋体"} and {r.font.size for r in p.runs} == {Pt(14)}


def _text(doc):
    return "\n".join(p.text.replace("\n", "") for p in doc.paragraphs)


def test_the_documents_say_what_the_office_planned(ready):
    client = token_client(ready.users["office"])
    url = f"/api/v1/inspections/{ready.inspection.pk}/documents/"
    plan = _text(_open(client.get(url + "work-plan.docx")))
    assert "2026年9月1日至2026年10月15日" in plan
    assert "组长：刘卫东；副组长：（未确定）；联络员：（未确定）；成员：甲县张伟。" in plan
    assert "于2026年8月22日前向被巡察党组织发出进驻通知" in plan  # the 10-day setting
    decision = _text(_open(client.get(url + "authorization.docx")))
    assert "授权刘卫东同志任中共甲县委第一巡察组组长" in decision
    assert "甲县张伟（审计局）：成员，负责财务资料审查。" in decision
    assert "刘卫东（县纪委监委副书记）：组长，主持巡察组全面工作" in decision
    notice = _open(client.get(url + "entry-notice.docx"))
    assert "甲县县委办公室党组织：" in _text(notice)  # 主送机关
    # Written today, after the entry day: it says what happened then, and sets no past deadline.
    text = _text(notice)
    assert "第一巡察组于2026年9月1日进驻甲县县委办公室党组织" in text and "将于" not in text
    assert "2026年9月1日召开巡察工作动员会" in text and "请将参会人员名单报巡察组备案" in text
    assert "请及时准备以下资料" in text and "请于2026年8月30日前" not in text


def test_the_teams_decision_gives_each_target_its_own_period_and_reads_the_same_from_each(ready):
    from planning.models import Inspection, StageChange
    from registry.models import Organization

    a = ready
    office = a.users["office"]
    org = Organization.objects.create(authority=a.authority, code="D002", name="甲县审计局", kind=a.orgs["dept"].kind)
    special = inspection_create(
        actor=office, round=a.inspection.round, organization=org, kind="special", theme="审计整改落实情况"
    )
    inspection_assign_team(actor=office, inspection=special, team=a.team)
    StageChange.objects.create(inspection=special, from_stage="preparation", to_stage="onsite", on=D(2026, 9, 20))
    StageChange.objects.create(inspection=special, from_stage="onsite", to_stage="reporting", on=D(2026, 10, 30))
    assert Inspection.objects.filter(team=a.team).count() == 2
    client = token_client(office)
    texts = [
        _text(_open(client.get(f"/api/v1/inspections/{i.pk}/documents/authorization.docx")))
        for i in (a.inspection, special)
    ]
    expected = (
        "甲县县委办公室党组织（2026年9月1日至2026年10月15日）、甲县审计局党组织（2026年9月20日至2026年10月30日）。"
    )
    assert expected in texts[0] and texts[0] == texts[1]


def test_an_entry_notice_written_before_the_entry_day_announces_it(ready):
    entry = timezone.localdate() + datetime.timedelta(days=20)
    Round.objects.filter(pk=ready.inspection.round_id).update(
        entry_on=entry, onsite_end_on=entry + datetime.timedelta(days=40)
    )
    client = token_client(ready.users["office"])
    text = _text(_open(client.get(f"/api/v1/inspections/{ready.inspection.pk}/documents/entry-notice.docx")))
    assert f"第一巡察组将于{cn_date(entry)}进驻甲县县委办公室党组织" in text
    assert "进驻当日召开巡察工作动员会" in text and "请于进驻前准备以下资料" in text
    assert f"请于{cn_date(entry - datetime.timedelta(days=2))}前将参会人员名单报巡察组" in text


def test_the_public_notice_carries_contacts_and_the_qr_code_of_the_reporting_page(ready):
    r = token_client(ready.users["office"]).get(
        f"/api/v1/inspections/{ready.inspection.pk}/documents/public-notice.docx"
    )
    doc = _open(r)
    text = _text(doc)
    assert "值班电话：0739-7210001" in text and "邮政信箱：甲县邮政 001 号信箱" in text and "电子邮箱：x@a.cn" in text
    url = public_report_url(ready.inspection)
    assert url.endswith(f"/p/{ready.inspection.public_id}/") and len(ready.inspection.public_id) >= 16
    pictures = [rel.target_part.blob for rel in doc.part.rels.values() if "image" in rel.reltype]
    expected = io.BytesIO()
    segno.make(url, error="m").save(expected, kind="png", scale=10, border=2)
    assert pictures == [expected.getvalue()]  # the QR code encodes the page's address, nothing else


def test_numbers_are_issued_once_in_sequence_by_the_office(ready, login):
    team_leader = token_client(ready.users["team_leader"])
    url = f"/api/v1/inspections/{ready.inspection.pk}/documents/"
    year = datetime.date.today().year
    # The team may read the draft; the office issues the number.
    assert f"甲巡一组〔{year}〕　　号" in _text(_open(team_leader.get(url + "work-plan.docx")))
    assert not DocumentNumber.objects.exists()
    office = token_client(ready.users["office"])
    assert f"甲巡一组〔{year}〕1号" in _text(_open(office.get(url + "work-plan.docx")))
    assert f"甲巡一组〔{year}〕2号" in _text(_open(office.get(url + "entry-notice.docx")))
    assert f"甲巡一组〔{year}〕1号" in _text(_open(office.get(url + "work-plan.docx")))  # again: same number
    assert f"甲巡一组〔{year}〕1号" in _text(_open(team_leader.get(url + "work-plan.docx")))
    assert "〔" not in _text(_open(office.get(url + "public-notice.docx")))  # a notice has no number
    events = AuditEvent.objects.filter(action="document.number").values_list("detail", flat=True)
    assert sorted(e["number"] for e in events) == [f"甲巡一组〔{year}〕1号", f"甲巡一组〔{year}〕2号"]
    assert AuditEvent.objects.filter(action="document.export").count() == 6
    page = login(ready.users["office"]).get(f"/planning/inspections/{ready.inspection.pk}/")
    assert f"甲巡一组〔{year}〕2号" in page.content.decode()


def test_a_documents_date_is_fixed_when_its_number_is_issued(ready):
    """The 成文日期 is stored with the number and printed unchanged on every later download."""
    office = token_client(ready.users["office"])
    url = f"/api/v1/inspections/{ready.inspection.pk}/documents/entry-notice.docx"
    today = datetime.date.today()
    assert _text(_open(office.get(url))).rstrip().endswith(cn_date(today))
    number = DocumentNumber.objects.get()
    assert number.dated_on == today
    # Issued on an earlier day (as it would have been): later downloads still print that day.
    DocumentNumber.objects.filter(pk=number.pk).update(dated_on=D(today.year, 1, 5))
    for user in ("office", "team_leader"):
        text = _text(_open(token_client(ready.users[user]).get(url)))
        assert text.rstrip().endswith(cn_date(D(today.year, 1, 5))) and cn_date(today) not in text


def test_each_register_has_its_own_code_and_sequence(ready, login):
    """巡察办, 领导小组, each 巡察组 and 函 number from their own registers (机关代字)."""
    year = datetime.date.today().year
    office = ready.users["office"]
    client = token_client(office)
    url = f"/api/v1/inspections/{ready.inspection.pk}/documents/"
    # The leading group's decision and the team's documents: two registers, each from 1.
    assert f"甲巡组发〔{year}〕1号" in _text(_open(client.get(url + "authorization.docx")))
    assert f"甲巡一组〔{year}〕1号" in _text(_open(client.get(url + "entry-notice.docx")))
    # Another team's inspection: the team's own code and sequence.
    second = team_create(actor=office, round=ready.inspection.round, name="第二巡察组")
    other = inspection_create(actor=office, round=ready.inspection.round, organization=ready.orgs["town"])
    inspection_assign_team(actor=office, inspection=other, team=second)
    r = client.get(f"/api/v1/inspections/{other.pk}/documents/entry-notice.docx")
    assert f"甲巡二组〔{year}〕1号" in _text(_open(r))
    assert f"甲巡一组〔{year}〕2号" in _text(_open(client.get(url + "work-plan.docx")))
    registers = dict(DocumentNumber.objects.values_list("text", "register"))
    assert registers == {
        f"甲巡组发〔{year}〕1号": "leading_group",
        f"甲巡一组〔{year}〕1号": "team:一",
        f"甲巡二组〔{year}〕1号": "team:二",
        f"甲巡一组〔{year}〕2号": "team:一",
    }


def test_what_is_missing_is_said_in_chinese(world, login):
    a = world["a"]
    client = token_client(a.users["office"])
    url = f"/api/v1/inspections/{a.inspection.pk}/documents/"
    r = client.get(url + "work-plan.docx")
    assert r.status_code == 422
    assert r.json()["errors"] == {"round": ["第7轮尚未确定进驻日期和结束进驻日期，请先在轮次中填写。"]}
    Round.objects.filter(pk=a.inspection.round_id).update(entry_on=D(2026, 9, 1), onsite_end_on=D(2026, 10, 15))
    r = client.get(url + "authorization.docx")
    assert r.status_code == 422 and r.json()["errors"]["team"] == ["第一巡察组尚未确定组长，不能生成组长授权任职决定。"]
    assert client.get(url + "minutes.docx").json()["errors"] == {"kind": ["未知的文书类型。"]}
    page = login(a.users["office"]).get(
        f"/planning/inspections/{a.inspection.pk}/documents/authorization.docx", follow=True
    )
    assert page.redirect_chain == [(f"/planning/inspections/{a.inspection.pk}/", 302)]
    assert "第一巡察组尚未确定组长，不能生成组长授权任职决定。" in page.content.decode()
    assert not DocumentNumber.objects.exists()


def test_document_settings(world, login):
    a = world["a"]
    office = a.users["office"]
    assert document_settings_for(a.authority).county_name == "甲县"  # derived from 甲县巡察办 until set
    for field, fmt, message in (
        ("doc_number_format", "甲巡发〔{year}〕号", "须包含 {number}"),
        ("doc_number_format", "甲巡发〔{year}〕{number", "花括号不配对"),
        ("doc_number_format", "{number.__class__}", "只能使用"),
        ("doc_number_format", "{number:>5}", "只能使用"),
        ("doc_number_format", "{abbr}{team}〔{year}〕{number}号", "只能使用 {abbr}、{year}、{number}"),
        ("team_format", "甲巡组〔{year}〕{number}号", "须包含 {team}"),
        ("letter_format", "{abbr}巡组发〔{year}〕{number}号", "与领导小组的格式相同"),
    ):
        with pytest.raises(ValidationError) as e:
            document_settings_update(
                actor=office,
                authority=a.authority,
                county_name="甲县",
                abbreviation="甲",
                doc_number_format="{abbr}巡办发〔{year}〕{number}号" if field != "doc_number_format" else fmt,
                **({field: fmt} if field != "doc_number_format" else {}),
            )
        assert message in " ".join(e.value.message_dict[field])
    client = login(office)
    page = client.get("/planning/settings/documents/").content.decode()
    for label, default in (
        ("巡察办发文字号", "{abbr}巡办发〔{year}〕{number}号"),
        ("领导小组发文字号", "{abbr}巡组发〔{year}〕{number}号"),
        ("巡察组发文字号", "{abbr}巡{team}组〔{year}〕{number}号"),
        ("函的发文字号", "{abbr}巡办函〔{year}〕{number}号"),
    ):
        assert label in page and f'value="{default}"' in page
    r = client.post(
        "/planning/settings/documents/",
        {
            "county_name": "甲城区",
            "abbreviation": "甲城",
            "doc_number_format": "{abbr}巡〔{year}〕{number}号",
            "leading_group_format": "",  # blank: back to the default
            "team_format": "{abbr}巡察{team}组〔{year}〕{number}号",
            "letter_format": "{abbr}巡函〔{year}〕{number}号",
        },
    )
    assert r.status_code == 302
    saved = document_settings_for(a.authority)
    assert saved.county_name == "甲城区" and saved.leading_group_format == "{abbr}巡组发〔{year}〕{number}号"
    assert saved.team_format == "{abbr}巡察{team}组〔{year}〕{number}号"
    bad = client.post(
        "/planning/settings/documents/",
        {"county_name": "", "abbreviation": "", "doc_number_format": "{x}", "team_format": "{abbr}〔{year}〕{number}"},
    )
    text = bad.content.decode()
    assert bad.status_code == 200 and "必填" in text and "只能使用" in text and "须包含 {team}" in text
    assert document_settings_for(a.authority).team_format == "{abbr}巡察{team}组〔{year}〕{number}号"  # unchanged
    denied = login(a.users["leading_group"]).post(
        "/planning/settings/documents/", {"county_name": "x", "abbreviation": "", "doc_number_format": "{number}"}
    )
    assert denied.status_code == 403 and document_settings_for(a.authority).county_name == "甲城区"


def test_team_contacts_through_page_and_api(world, login):
    a = world["a"]
    client = login(a.users["office"])
    r = client.post(f"/planning/teams/{a.team.pk}/", {"contacts": "1", "duty_phone": "123", "email": "不是邮箱"})
    assert r.status_code == 200 and "有效的 Email 地址" in r.content.decode()
    a.team.refresh_from_db()
    assert a.team.duty_phone == ""  # nothing partial
    r = client.post(f"/planning/teams/{a.team.pk}/", {"contacts": "1", "duty_phone": "0739-1", "mailbox": "1号信箱"})
    assert r.status_code == 302
    api = token_client(a.users["office"])
    r = api.patch(f"/api/v1/teams/{a.team.pk}", {"email": "xc@a.cn"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["email"] == "xc@a.cn" and r.json()["duty_phone"] == "0739-1"
    member = token_client(a.users["team_member"])
    r = member.patch(f"/api/v1/teams/{a.team.pk}", {"email": "y@a.cn"}, content_type="application/json")
    assert r.status_code == 403


def test_the_inspection_page_title_is_plain(ready, login):
    page = login(ready.users["office"]).get(f"/planning/inspections/{ready.inspection.pk}/").content.decode()
    title = page[page.index("<title>") : page.index("</title>")]
    assert "<section" not in title and "甲县县委办公室" in title
    assert page.count("准备阶段文书") == 1
