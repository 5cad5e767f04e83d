"""Feedback to the unit: issued once the report is approved, two internal versions and a
public one without excluded matters, people, amounts or names from leads, acknowledged once
by the unit, after which the unit's liaison reads its own fed-back findings and nothing else."""

import datetime
import io
import zipfile

import pytest
from django.utils import timezone
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Pt

from conftest import feedback, finding, inspection_report, make_user, token_client
from core.crypto import seal_json
from core.documents import cn_date
from core.models import AuditEvent
from core.workbench import Todo
from onsite.models import FocusArea, Petition
from planning.models import DeadlineSettings, DocumentNumber, Round
from planning.stages import add_months
from results import feedback as feedback_module
from results.feedback_documents import mask_text
from results.models import Feedback, InspectionReport, Lead, ReportDecision, ReportVersion

D = datetime.date
TODAY = timezone.localdate
JSON = "application/json"

EXCLUDED_TITLE = "违规插手工程项目招投标"
EXCLUDED_TEXT = "分管领导钱某某授意调整评标结果。"
LEAD_NAME = "赵刚"
LEAD_DETAILS = "收受管理服务对象礼金8000元"
PAPER_TITLE = "关于接待费用的底稿"
PETITION_SUBJECT = "反映某干部违规吃喝"


@pytest.fixture
def fed(world):
    """County A's inspection with round dates, an approved report, three findings (one left
    out of public versions) and a lead naming a person who also appears in a finding."""
    a = world["a"]
    Round.objects.filter(pk=a.inspection.round_id).update(entry_on=D(2026, 3, 2), onsite_end_on=D(2026, 4, 15))
    a.inspection.refresh_from_db()
    leaves = list(
        FocusArea.objects.filter(taxonomy__authority=a.authority, group="focus", children__isnull=True).order_by("code")
    )
    f3_leaf = next(x for x in leaves if x.code.startswith("F3"))
    a.reception = finding(
        world,
        description="2025年超标准接待12次，涉及资金3.6万元，由李明审批。",
        people="李明（办公室主任）",
        amount=36000,
        severity="serious",
    )
    a.reception.working_paper.title = PAPER_TITLE
    a.reception.working_paper.save()
    a.excluded = finding(world, title=EXCLUDED_TITLE, description=EXCLUDED_TEXT, excluded="open_case", severity="grave")
    a.decisions = finding(
        world,
        title="“三重一大”事项未经集体决策",
        description=f"2024年有3项重大支出由{LEAD_NAME}个人决定，未经领导班子集体研究。",
        area=f3_leaf,
        immediate=True,
    )
    Lead.objects.create(
        authority=a.authority,
        inspection=a.inspection,
        finding=a.decisions,
        category="discipline",
        subject=seal_json({"name": LEAD_NAME, "post": "办公室副主任", "details": LEAD_DETAILS}),
        created_by=a.users["team_leader"],
    )
    Petition.objects.create(
        authority=a.authority,
        inspection=a.inspection,
        channel="letter",
        received_on=D(2026, 3, 5),
        subject=PETITION_SUBJECT,
        content="有人反映……",
    )
    inspection_report(world)
    return a


def _issue(a, on=None):
    r = token_client(a.users["office"]).post(
        "/api/v1/feedback",
        {"inspection_id": a.inspection.pk, "issued_on": (on or TODAY()).isoformat()},
        content_type=JSON,
    )
    assert r.status_code == 201, r.content.decode()
    return Feedback.objects.get(pk=r.json()["id"])


def _docx(response) -> Document:
    assert response.status_code == 200, response.content.decode(errors="replace")[:300]
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''")
    return Document(io.BytesIO(response.content))


def _all_text(data: bytes) -> str:
    """Every text node of every part of the .docx (body, headers, footers, properties)."""
    import re

    out = []
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.endswith(".xml"):
                xml = z.read(name).decode()
                out.append(re.sub(r"<[^>]+>", "", xml))
    return "\n".join(out)


def _east_asia(run):
    return run._element.rPr.rFonts.get(qn("w:eastAsia"))


# Issuing -------------------------------------------------------------------------------


def test_the_office_issues_the_feedback_once_the_report_is_approved(fed, login):
    a = fed
    InspectionReport.objects.filter(inspection=a.inspection).update(status="in_review")
    office = login(a.users["office"])
    url = f"/results/inspections/{a.inspection.pk}/feedback/"
    page = office.get(url).content.decode()
    assert "巡察报告尚未审定（当前：审议中），审定后才能反馈。" in page
    r = office.post(url, {"issued_on": TODAY().isoformat()})
    assert "巡察报告尚未审定（当前：审议中），审定后才能反馈。" in r.content.decode()
    assert not Feedback.objects.exists()

    InspectionReport.objects.filter(inspection=a.inspection).update(status="approved")
    assert "请填写反馈日期。" in office.post(url, {"issued_on": ""}).content.decode()
    assert (
        "不是有效日期，请按 2025-09-30 的格式填写。" in office.post(url, {"issued_on": "2026-13-40"}).content.decode()
    )
    tomorrow = (TODAY() + datetime.timedelta(days=1)).isoformat()
    r = office.post(url, {"issued_on": tomorrow})
    assert "反馈日期不能晚于今天。" in r.content.decode() and f'value="{tomorrow}"' in r.content.decode()
    assert not Feedback.objects.exists()

    r = office.post(url, {"issued_on": TODAY().isoformat()}, follow=True)
    page = r.content.decode()
    assert (
        "已反馈。" in page and "待签收" in page and "反馈意见（领导班子）" in page and "反馈情况公开稿" not in page
    )  # the office head's
    assert "该巡察当前处于“准备”阶段。" in page  # the office moves the stage on from the inspection page
    fb = Feedback.objects.get()
    assert fb.issued_on == TODAY() and fb.issued_by == a.users["office"] and fb.authority == a.authority
    event = AuditEvent.objects.get(action="feedback.issue")
    assert event.actor == a.users["office"] and event.detail["inspection"] == a.inspection.pk

    again = office.post(url, {"issued_on": TODAY().isoformat()}, follow=True).content.decode()
    assert f"该巡察已于{TODAY():%Y-%m-%d}反馈，不能重复反馈。" in again
    r = token_client(a.users["office"]).post(
        "/api/v1/feedback", {"inspection_id": a.inspection.pk, "issued_on": TODAY().isoformat()}, content_type=JSON
    )
    assert r.status_code == 422
    assert r.json()["errors"]["inspection"] == [f"该巡察已于{TODAY():%Y-%m-%d}反馈，不能重复反馈。"]
    assert Feedback.objects.count() == 1


def test_the_feedback_is_not_dated_before_the_report_was_approved(fed):
    a = fed
    rep = InspectionReport.objects.get(inspection=a.inspection)
    version = ReportVersion.objects.create(report=rep, number=1, body="报告", saved_by=a.users["team_leader"])
    approved = TODAY() - datetime.timedelta(days=3)
    ReportDecision.objects.create(
        report=rep,
        version=version,
        step="secretary",
        decision="approved",
        decided_on=approved,
        decided_by=a.users["office_head"],
    )
    client = token_client(a.users["office"])
    body = {"inspection_id": a.inspection.pk, "issued_on": (approved - datetime.timedelta(days=1)).isoformat()}
    r = client.post("/api/v1/feedback", body, content_type=JSON)
    assert r.status_code == 422
    assert r.json()["errors"]["issued_on"] == [f"反馈日期不能早于巡察报告审定日期（{approved:%Y-%m-%d}）。"]
    fb = _issue(a, approved)
    text = "\n".join(
        p.text for p in _docx(client.get(f"/api/v1/feedback/{fb.pk}/documents/leadership.docx")).paragraphs
    )
    assert f"{cn_date(approved)}，中共甲县委书记专题会议听取了巡察情况汇报。" in text


def test_only_the_office_of_the_authority_issues(fed, world):
    a = fed
    body = {"inspection_id": a.inspection.pk, "issued_on": TODAY().isoformat()}
    for user, status in (
        (a.users["team_leader"], 403),  # sees the inspection, may not issue
        (a.users["leading_group"], 403),
        (world["city_office"], 403),  # reads the county's records, issues none
        (a.users["unit_liaison"], 404),
        (a.users["nobody"], 404),
        (world["b"].users["office"], 404),
    ):
        assert token_client(user).post("/api/v1/feedback", body, content_type=JSON).status_code == status, user
    assert not Feedback.objects.exists()
    assert token_client(a.users["office_head"]).post("/api/v1/feedback", body, content_type=JSON).status_code == 201


# Exclusions ----------------------------------------------------------------------------


def test_the_office_flags_findings_out_of_the_public_version(fed, login):
    a = fed
    office = login(a.users["office"])
    page = office.get(f"/results/inspections/{a.inspection.pk}/feedback/").content.decode()
    assert "当前不予公开 1 个" in page and 'name="excluded"' in page
    r = office.post(f"/results/feedback/findings/{a.reception.pk}/exclusion/", {"excluded": "sensitive"}, follow=True)
    assert f"“{a.reception.title}”已标为不予公开（敏感事项），不会出现在公开稿中。" in r.content.decode()
    a.reception.refresh_from_db()
    assert a.reception.excluded == "sensitive"
    event = AuditEvent.objects.get(action="finding.exclusion_set")
    assert event.detail == {"title": a.reception.title, "from": "", "to": "sensitive"}
    r = office.post(f"/results/feedback/findings/{a.reception.pk}/exclusion/", {"excluded": ""}, follow=True)
    assert f"“{a.reception.title}”已设为予以公开。" in r.content.decode()
    r = office.post(f"/results/feedback/findings/{a.reception.pk}/exclusion/", {"excluded": "gossip"}, follow=True)
    assert "不予公开的理由只能是涉密、正在查办或敏感事项。" in r.content.decode()

    api = token_client(a.users["office"])
    r = api.post(f"/api/v1/findings/{a.reception.pk}/exclusion", {"excluded": "gossip"}, content_type=JSON)
    assert r.status_code == 422 and r.json()["errors"]["excluded"] == ["不予公开的理由只能是涉密、正在查办或敏感事项。"]
    r = api.post(f"/api/v1/findings/{a.reception.pk}/exclusion", {"excluded": "secret"}, content_type=JSON)
    assert r.json() == {"id": a.reception.pk, "excluded": "secret"}

    # The team reads the flags but does not set them; out of scope answers 404.
    member = login(a.users["team_member"])
    page = member.get(f"/results/inspections/{a.inspection.pk}/feedback/").content.decode()
    assert "不予公开：正在查办" in page and 'name="excluded"' not in page and "登记反馈" not in page
    assert member.post(f"/results/feedback/findings/{a.reception.pk}/exclusion/", {"excluded": ""}).status_code == 403
    for user in (a.users["nobody"], a.users["unit_liaison"]):
        r = token_client(user).post(f"/api/v1/findings/{a.reception.pk}/exclusion", {"excluded": ""}, content_type=JSON)
        assert r.status_code == 404
    a.reception.refresh_from_db()
    assert a.reception.excluded == "secret"


# Documents -----------------------------------------------------------------------------


def test_the_public_version_has_no_excluded_finding_and_no_name_from_a_lead(fed):
    a = fed
    fb = _issue(a)
    r = token_client(a.users["office_head"]).get(f"/api/v1/feedback/{fb.pk}/documents/public.docx")
    _docx(r)
    text = _all_text(r.content)
    assert a.reception.title in text and a.decisions.title in text
    assert EXCLUDED_TITLE not in text and "钱某某" not in text and "评标" not in text
    assert LEAD_NAME not in text and LEAD_DETAILS not in text and "办公室副主任" not in text
    assert "李明" not in text and "3.6" not in text and "36,000" not in text and "涉及人员" not in text
    assert "由××个人决定" in text and "涉及资金××万元" in text
    event = AuditEvent.objects.get(action="feedback.document")
    assert event.detail["kind"] == "public" and a.excluded.pk not in event.detail["findings"]

    # The internal versions keep every finding, with its people and amount.
    client = token_client(a.users["office"])
    internal = _all_text(client.get(f"/api/v1/feedback/{fb.pk}/documents/leadership.docx").content)
    assert EXCLUDED_TITLE in internal and LEAD_NAME in internal
    assert "涉及人员：李明（办公室主任）。" in internal and "涉及金额36,000元。" in internal
    assert LEAD_DETAILS not in internal  # leads are not feedback material at all


def test_a_lead_that_cannot_be_unsealed_stops_the_public_version(fed, login):
    a = fed
    fb = _issue(a)
    Lead.objects.filter(inspection=a.inspection).update(subject="aes-gcm:AAAA")
    office = login(a.users["office_head"])
    r = office.get(f"/results/feedback/{fb.pk}/documents/public.docx", follow=True)
    assert r["Content-Type"].startswith("text/html")
    assert "为防止泄露人员姓名，暂不能生成公开稿" in r.content.decode()
    assert office.get(f"/results/feedback/{fb.pk}/documents/head.docx").status_code == 200


def test_the_leadership_and_head_versions(fed):
    a = fed
    DeadlineSettings.objects.update_or_create(
        authority=a.authority,
        defaults={"plan_months_after_feedback": 2, "rectification_report_months_after_feedback": 4},
    )
    InspectionReport.objects.filter(inspection=a.inspection).update(ecology="better", implementation="fair_good")
    issued = TODAY() - datetime.timedelta(days=2)
    fb = _issue(a, issued)
    client = token_client(a.users["office"])
    docs = {k: _docx(client.get(f"/api/v1/feedback/{fb.pk}/documents/{k}.docx")) for k in ("leadership", "head")}
    texts = {k: [p.text.replace("\n", "") for p in d.paragraphs] for k, d in docs.items()}
    org = "甲县县委办公室党组织"
    assert f"中共甲县委第一巡察组向{org}领导班子反馈巡察情况的意见" in texts["leadership"]
    assert f"{org}领导班子：" in texts["leadership"]
    assert f"中共甲县委第一巡察组向{org}主要负责人反馈巡察情况的意见" in texts["head"]
    assert f"{org}主要负责人：" in texts["head"]
    plan, due = cn_date(add_months(issued, 2)), cn_date(add_months(issued, 4))
    for kind, paragraphs in texts.items():
        body = "\n".join(paragraphs)
        assert "于2026年3月2日至2026年4月15日对甲县县委办公室党组织开展了常规巡察" in body
        assert "政治生态总体好转，贯彻落实党的路线方针政策和上级决策部署情况较好" in body
        assert "巡察期间共发现问题3个，其中已立行立改1个。" in body
        assert "（一）聚焦贯彻落实党的路线方针政策和党中央决策部署情况" in body
        assert "（二）聚焦基层党组织软弱涣散、组织力欠缺问题" in body
        assert f"1.{a.reception.title}。2025年超标准接待12次" in body
        assert f"请于{plan}前（反馈之日起2个月内）将整改方案报送" in body
        assert f"于{due}前（反馈之日起4个月内）报送整改情况报告" in body
        assert paragraphs[-1] == cn_date(issued) and paragraphs[-2] == "中共甲县委第一巡察组"
        number = DocumentNumber.objects.get(inspection=a.inspection, kind=f"feedback-{kind}").text
        assert paragraphs[0] == number
    assert "三、履行第一责任人职责的要求" in texts["head"] and "四、整改要求" in texts["head"]
    assert "三、整改要求" in texts["leadership"]
    assert not [p for p in texts["leadership"] if "第一责任人" in p]
    # A second download keeps the number.
    again = _docx(client.get(f"/api/v1/feedback/{fb.pk}/documents/leadership.docx")).paragraphs[0].text
    assert again == texts["leadership"][0]
    assert DocumentNumber.objects.filter(inspection=a.inspection).count() == 2


@pytest.mark.parametrize("kind", ["leadership", "head", "public"])
def test_each_document_is_in_the_official_format(fed, kind):
    a = fed
    fb = _issue(a)
    doc = _docx(token_client(a.users["office_head"]).get(f"/api/v1/feedback/{fb.pk}/documents/{kind}.docx"))
    s = doc.sections[0]
    sizes = [s.page_width, s.page_height, s.top_margin, s.bottom_margin, s.left_margin, s.right_margin]
    assert [round(v.mm, 1) for v in sizes] == [210, 297, 37, 35, 28, 26]
    title = next(p for p in doc.paragraphs if p.runs and p.runs[0].font.size == Pt(22))
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER and _east_asia(title.runs[0]) == "方正小标宋简体"
    body = [p for p in doc.paragraphs if p.runs and p.paragraph_format.first_line_indent == Pt(32)]
    assert len(body) >= 5
    for p in body:
        fmt = p.paragraph_format
        assert fmt.line_spacing_rule == WD_LINE_SPACING.EXACTLY and fmt.line_spacing == Pt(28.95), p.text
        assert p.runs[0].font.size == Pt(16)
    fonts = {p.text[:3]: _east_asia(p.runs[0]) for p in body}
    assert fonts.get("一、总" if kind != "public" else "一、巡") == "黑体"
    assert fonts.get("（一）") == "楷体_GB2312"
    assert {_east_asia(p.runs[0]) for p in body} <= {"仿宋_GB2312", "黑体", "楷体_GB2312"}
    assert doc.styles["Normal"].element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert doc.settings.odd_and_even_pages_header_footer
    for footer, align in ((s.footer, WD_ALIGN_PARAGRAPH.RIGHT), (s.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
        p = footer.paragraphs[0]
        xml = p._element.xml
        assert p.alignment == align and " PAGE " in xml and 'w:fldCharType="begin"' in xml
        assert p.text.startswith("— ") and p.text.endswith(" —")
        assert {_east_asia(r) for r in p.runs} == {"宋体"} and {r.font.size for r in p.runs} == {Pt(14)}


def test_who_downloads_which_version(fed, world, login):
    a = fed
    fb = _issue(a)
    url = f"/api/v1/feedback/{fb.pk}/documents/"
    expected = {
        "office": {"leadership": 200, "head": 200, "public": 403},  # masking opens the leads' names
        "office_head": {"leadership": 200, "head": 200, "public": 200},
        "team_leader": {"leadership": 200, "head": 200, "public": 403},
        "team_member": {"leadership": 200, "head": 200, "public": 403},
        "leading_group": {"leadership": 403, "head": 403, "public": 403},
        "unit_liaison": {"leadership": 403, "head": 403, "public": 403},
        "nobody": {"leadership": 404, "head": 404, "public": 404},
    }
    for role, answers in expected.items():
        client = token_client(a.users[role])
        for kind, status in answers.items():
            assert client.get(f"{url}{kind}.docx").status_code == status, (role, kind)
    for kind in ("leadership", "public"):
        assert token_client(world["b"].users["office"]).get(f"{url}{kind}.docx").status_code == 404
    assert token_client(a.users["office"]).get(f"{url}minutes.docx").status_code == 422
    exports = AuditEvent.objects.filter(action="feedback.document")
    assert exports.count() == 9 and {e.detail["kind"] for e in exports} == {"leadership", "head", "public"}

    member = login(a.users["team_member"]).get(f"/results/inspections/{a.inspection.pk}/feedback/").content.decode()
    assert "反馈意见（领导班子）" in member and "反馈意见（主要负责人）" in member and "反馈情况公开稿" not in member
    office = login(a.users["office"])
    assert office.get(f"/results/feedback/{fb.pk}/documents/minutes.docx").status_code == 404
    assert office.get("/results/feedback/abc/documents/public.docx").status_code == 404
    assert office.get("/results/inspections/abc/feedback/").status_code == 404


# What the unit sees --------------------------------------------------------------------


def test_the_unit_liaison_sees_only_the_fed_back_findings_of_their_own_unit(fed, world, login):
    a = fed
    liaison = login(a.users["unit_liaison"])
    assert "尚未收到巡察反馈意见" in liaison.get("/results/unit/").content.decode()

    fb = _issue(a)
    page = liaison.get("/results/unit/").content.decode()
    assert "待签收" in page and "登记签收" in page and a.reception.title not in page
    api = token_client(a.users["unit_liaison"])
    assert api.get(f"/api/v1/feedback/{fb.pk}/findings").json() == {"items": [], "count": 0}

    # Another unit's liaison, in the same county or the next, sees none of it.
    town = make_user(a.authority, "town_liaison", "unit_liaison", a.orgs["town"].pk)
    for other in (town, world["b"].users["unit_liaison"]):
        page = login(other).get("/results/unit/").content.decode()
        assert a.orgs["dept"].name not in page and "尚未收到巡察反馈意见" in page
        client = token_client(other)
        assert client.get("/api/v1/feedback").json()["count"] == 0
        assert client.get(f"/api/v1/feedback/{fb.pk}/findings").status_code == 404

    r = liaison.post(
        f"/results/unit/feedback/{fb.pk}/acknowledge/",
        {"acknowledged_on": TODAY().isoformat(), "acknowledged_name": "周建国"},
        follow=True,
    )
    page = r.content.decode()
    assert "已签收。" in page and "签收人 周建国" in page
    for f in (a.reception, a.excluded, a.decisions):
        assert f.title in page
    assert "聚焦基层党组织软弱涣散、组织力欠缺问题" in page and "较重" in page
    # Never the people, the exclusion, the working papers, the petitions or the leads.
    for hidden in (
        "李明（办公室主任）",
        "正在查办",
        "不予公开",
        PAPER_TITLE,
        PETITION_SUBJECT,
        LEAD_DETAILS,
        "办公室副主任",
    ):
        assert hidden not in page, hidden
    body = api.get(f"/api/v1/feedback/{fb.pk}/findings").json()
    assert body["count"] == 3 and {i["title"] for i in body["items"]} == {
        a.reception.title,
        a.excluded.title,
        a.decisions.title,
    }
    raw = api.get(f"/api/v1/feedback/{fb.pk}/findings").content.decode()
    assert "people" not in raw and "amount" not in raw and "excluded" not in raw and "open_case" not in raw
    # Nothing else of the inspection opens to the unit.
    assert liaison.get(f"/planning/inspections/{a.inspection.pk}/").status_code == 404
    assert liaison.get(f"/onsite/inspections/{a.inspection.pk}/").status_code == 404
    assert liaison.get(f"/results/inspections/{a.inspection.pk}/feedback/").status_code == 404
    # The other units still see nothing.
    for other in (town, world["b"].users["unit_liaison"]):
        page = login(other).get("/results/unit/").content.decode()
        assert a.reception.title not in page


def test_acknowledgement_once_only_by_the_right_unit(fed, world, login):
    a = fed
    fb = _issue(a, TODAY() - datetime.timedelta(days=3))
    url = f"/api/v1/feedback/{fb.pk}/acknowledge"
    body = {"acknowledged_on": TODAY().isoformat(), "acknowledged_name": "周建国"}
    town = make_user(a.authority, "town_liaison", "unit_liaison", a.orgs["town"].pk)
    for user, status in (
        (a.users["office"], 403),  # sees the feedback; the unit signs for it
        (a.users["team_leader"], 403),
        (town, 404),
        (world["b"].users["unit_liaison"], 404),
        (a.users["nobody"], 404),
    ):
        assert token_client(user).post(url, body, content_type=JSON).status_code == status, user
    liaison = token_client(a.users["unit_liaison"])
    r = liaison.post(url, {"acknowledged_on": TODAY().isoformat(), "acknowledged_name": " "}, content_type=JSON)
    assert r.status_code == 422 and r.json()["errors"]["acknowledged_name"] == ["请填写签收人（单位主要负责人）姓名。"]
    early = (TODAY() - datetime.timedelta(days=4)).isoformat()
    r = liaison.post(url, {"acknowledged_on": early, "acknowledged_name": "周建国"}, content_type=JSON)
    assert r.json()["errors"]["acknowledged_on"] == [f"签收日期不能早于反馈日期（{fb.issued_on:%Y-%m-%d}）。"]
    late = (TODAY() + datetime.timedelta(days=1)).isoformat()
    r = liaison.post(url, {"acknowledged_on": late, "acknowledged_name": "周建国"}, content_type=JSON)
    assert r.json()["errors"]["acknowledged_on"] == ["签收日期不能晚于今天。"]
    fb.refresh_from_db()
    assert fb.acknowledged_at is None

    page = login(a.users["unit_liaison"])
    r = page.post(f"/results/unit/feedback/{fb.pk}/acknowledge/", {"acknowledged_on": "", "acknowledged_name": ""})
    assert "请填写签收日期。" in r.content.decode() and "请填写签收人（单位主要负责人）姓名。" in r.content.decode()

    r = liaison.post(url, body, content_type=JSON)
    assert r.status_code == 200 and r.json()["acknowledged"] and r.json()["acknowledged_name"] == "周建国"
    fb.refresh_from_db()
    assert fb.acknowledged_by == a.users["unit_liaison"] and fb.acknowledged_on == TODAY()
    assert AuditEvent.objects.filter(action="feedback.acknowledge", actor=a.users["unit_liaison"]).count() == 1

    r = liaison.post(url, {**body, "acknowledged_name": "另一人"}, content_type=JSON)
    assert r.status_code == 422
    assert r.json()["errors"]["acknowledged_on"] == [f"该反馈意见已于{TODAY():%Y-%m-%d}签收，不能重复签收。"]
    r = page.post(f"/results/unit/feedback/{fb.pk}/acknowledge/", body, follow=True)
    assert f"该反馈意见已于{TODAY():%Y-%m-%d}签收，不能重复签收。" in r.content.decode()
    fb.refresh_from_db()
    assert fb.acknowledged_name == "周建国"

    office = login(a.users["office"]).get(f"/results/inspections/{a.inspection.pk}/feedback/").content.decode()
    assert f"{TODAY():%Y-%m-%d}，签收人 周建国" in office


def test_the_unit_liaison_is_told_to_acknowledge(fed, world):
    a = fed
    assert feedback_module.todos_for(a.users["unit_liaison"]) == []
    fb = _issue(a)
    assert feedback_module.todos_for(a.users["unit_liaison"]) == [
        Todo("甲县县委办公室：十六届第7轮巡察反馈意见待签收", "/results/unit/", None, "反馈")
    ]
    for other in (a.users["office"], a.users["team_leader"], world["b"].users["unit_liaison"]):
        assert feedback_module.todos_for(other) == []
    feedback(world, acknowledged=True)
    assert fb.pk == Feedback.objects.get().pk
    assert feedback_module.todos_for(a.users["unit_liaison"]) == []


def test_the_api_lists_and_reads_feedback(fed, world):
    a = fed
    fb = _issue(a)
    office = token_client(a.users["office"])
    body = office.get("/api/v1/feedback").json()
    assert body["count"] == 1 and body["items"][0] == {
        "id": fb.pk,
        "inspection_id": a.inspection.pk,
        "organization_id": a.orgs["dept"].pk,
        "organization_name": a.orgs["dept"].name,
        "issued_on": fb.issued_on.isoformat(),
        "acknowledged": False,
        "acknowledged_on": None,
        "acknowledged_name": "",
    }
    assert office.get("/api/v1/feedback?acknowledged=true").json()["count"] == 0
    assert office.get(f"/api/v1/feedback?inspection_id={a.inspection.pk}").json()["count"] == 1
    assert office.get("/api/v1/feedback?search=县委办公室").json()["count"] == 1
    assert token_client(a.users["unit_liaison"]).get(f"/api/v1/feedback/{fb.pk}").json()["id"] == fb.pk
    assert token_client(world["b"].users["office"]).get(f"/api/v1/feedback/{fb.pk}").status_code == 404
    r = office.post("/api/v1/feedback", {"inspection_id": a.inspection.pk}, content_type=JSON)
    assert r.status_code == 422


def test_mask_text_masks_names_longest_first_and_figures_of_money():
    names = ["欧阳明华", "欧阳"]
    assert mask_text("欧阳明华和欧阳说", names) == "××和××说"
    assert mask_text("涉及资金12.5万元，另1,200 元、３０亿元", []) == "涉及资金××万元，另××元、××亿元"
    assert mask_text("2024年有3项支出", []) == "2024年有3项支出"


def test_the_pages_and_lists_cost_the_same_few_queries_however_many_findings(fed, world, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    a = fed
    fb = _issue(a)
    feedback(world, acknowledged=True)
    office, liaison = login(a.users["office"]), login(a.users["unit_liaison"])
    api = token_client(a.users["unit_liaison"])
    urls = [
        (office, f"/results/inspections/{a.inspection.pk}/feedback/"),
        (liaison, "/results/unit/"),
        (api, f"/api/v1/feedback/{fb.pk}/findings"),
        (api, "/api/v1/feedback"),
    ]

    def counts():
        found = []
        for client, url in urls:
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            found.append(len(ctx))
        return found

    counts()  # the first request of a session writes to it
    before = counts()
    for n in range(10):
        finding(world, title=f"问题{n}", description=f"具体表现{n}。")
    assert counts() == before


def test_the_unit_does_not_reach_findings_through_the_on_site_desk(fed, login):
    """Once fed back, the unit reads its findings on its own page only: not the desk, the people or papers."""
    fb = _issue(fed)
    r = token_client(fed.users["unit_liaison"]).post(
        f"/api/v1/feedback/{fb.pk}/acknowledge",
        {"acknowledged_on": TODAY().isoformat(), "acknowledged_name": "周建国"},
        content_type=JSON,
    )
    assert r.status_code == 200, r.content.decode()
    liaison = login(fed.users["unit_liaison"])
    assert fed.reception.title in liaison.get("/results/unit/").content.decode()
    assert liaison.get(f"/onsite/findings/{fed.reception.pk}/").status_code == 404
    api = token_client(fed.users["unit_liaison"])
    assert api.get("/api/v1/findings").json()["count"] == 0
    assert api.get(f"/api/v1/findings/{fed.reception.pk}").status_code == 404


def test_the_feedback_pages_say_who_gives_it_and_who_records_it(world, login):
    """The team gives the feedback; the office records it on the platform (not 巡察办向…反馈)."""
    a = world["a"]
    page = login(a.users["office"]).get(f"/results/inspections/{a.inspection.pk}/feedback/").content.decode()
    assert "巡察组向被巡察党组织领导班子和主要负责人分别反馈（双反馈），由巡察办在平台登记。" in page
    assert "由巡察办向被巡察党组织" not in page
    unit = login(a.users["unit_liaison"]).get("/results/unit/").content.decode()
    assert "巡察组反馈、巡察办登记后，反馈意见将在此显示" in unit
