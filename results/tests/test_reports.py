"""The inspection report: the assembled draft, versions and their comparison, the special
report's readers, the approval chain and its roles, the Word files and the to-dos."""

import datetime
import io

import pytest
from django.utils import timezone
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Pt

from conftest import make_user, token_client
from core.models import AuditEvent
from onsite.models import DocumentRequest, Interview, Petition
from planning.models import Inspector, Round, TeamMember
from results.models import InspectionReport, ReportDecision
from results.reports import report_create, report_rate, report_version_save, text_diff, todos_for
from results.tests.factories import CLEAN, SPECIAL, finding_under, written_report

D = datetime.date


@pytest.fixture
def a(world):
    return world["a"]


def decide(user, report, step, decision="approved", **extra):
    body = {"step": step, "decision": decision, "decided_on": timezone.localdate().isoformat(), **extra}
    return token_client(user).post(f"/api/v1/reports/{report.pk}/decisions", body, content_type="application/json")


def submit(user, report):
    return token_client(user).post(f"/api/v1/reports/{report.pk}/submit")


# The draft -----------------------------------------------------------------------------


def test_the_draft_is_assembled_from_the_inspection_and_its_findings(a, login):
    Round.objects.filter(pk=a.inspection.round_id).update(entry_on=D(2026, 9, 1), onsite_end_on=D(2026, 10, 15))
    leader = Inspector.objects.create(authority=a.authority, name="刘卫东", unit="县纪委监委")
    TeamMember.objects.create(team=a.team, inspector=leader, role="leader")
    TeamMember.objects.create(team=a.team, inspector=a.inspector, role="member")
    now = timezone.now()
    for name, held in (("王一", now), ("王二", now), ("王三", None)):
        Interview.objects.create(
            authority=a.authority, inspection=a.inspection, interviewee=name, category="staff", held_at=held
        )
    Petition.objects.create(
        authority=a.authority,
        inspection=a.inspection,
        channel="letter",
        received_on=D(2026, 9, 3),
        subject="反映问题",
        content="内容",
    )
    DocumentRequest.objects.create(
        authority=a.authority,
        inspection=a.inspection,
        title="会议记录",
        requested_on=D(2026, 9, 2),
        reviewed_on=D(2026, 9, 5),
    )
    DocumentRequest.objects.create(
        authority=a.authority, inspection=a.inspection, title="账册", requested_on=D(2026, 9, 2)
    )
    finding_under(a, "违规发放津补贴", "2025年向干部职工发放节日慰问品\n共计3万元", "F2", immediate=True)
    finding_under(a, "落实意识形态工作责任制不到位。", "未按要求研究意识形态工作", "F1")
    finding_under(a, "公务接待超标准", "接待费用超标", "F2")

    client = login(a.users["team_member"])
    r = client.post(f"/results/inspections/{a.inspection.pk}/report/create/")
    assert r.status_code == 302 and r.url == f"/results/inspections/{a.inspection.pk}/report/edit/"
    body = InspectionReport.objects.get(inspection=a.inspection).versions.get(number=1).body
    lines = body.split("\n")
    assert lines[0] == "一、基本情况"
    assert (
        "中共甲县委第一巡察组于2026年9月1日至2026年10月15日对甲县县委办公室党组织开展常规巡察，为十六届第七轮巡察。"
        "巡察组由组长刘卫东，成员甲县张伟组成。"
    ) in body
    assert "个别谈话2人次，受理信访举报1件，调阅审阅资料1份。共发现问题3个，其中立行立改1个。" in body
    problems = lines[lines.index("三、发现的主要问题") + 1 : lines.index("四、意见建议")]
    assert problems == [
        "（一）聚焦贯彻落实党的路线方针政策和党中央决策部署情况",
        "1.落实意识形态工作责任制不到位。未按要求研究意识形态工作。",
        "（二）聚焦群众身边腐败问题和不正之风",
        "1.违规发放津补贴。2025年向干部职工发放节日慰问品。共计3万元。",
        "2.公务接待超标准。接待费用超标。",
    ]
    assert "二、总体评价" in lines and "【请填写" in body
    page = client.get(f"/results/inspections/{a.inspection.pk}/report/edit/").content.decode()
    assert "违规发放津补贴" in page and 'name="special_body"' not in page  # a member writes no special report

    again = client.post(f"/results/inspections/{a.inspection.pk}/report/create/", follow=True)
    assert "本次巡察的报告已经起草，请在报告页面修改。" in again.content.decode()
    assert InspectionReport.objects.count() == 1
    assert AuditEvent.objects.filter(action="report.create", detail__findings=3).count() == 1


def test_only_the_team_creates_the_report(a, login):
    page = login(a.users["office"]).get(f"/results/inspections/{a.inspection.pk}/report/").content.decode()
    assert "本次巡察尚未起草巡察报告" in page and "起草报告</button>" not in page
    r = token_client(a.users["office"]).post(
        "/api/v1/reports", {"inspection_id": a.inspection.pk}, content_type="application/json"
    )
    assert r.status_code == 403
    liaison = make_user(a.authority, "a_liaison", "team_liaison", a.inspection.pk)
    r = token_client(liaison).post(
        "/api/v1/reports", {"inspection_id": a.inspection.pk}, content_type="application/json"
    )
    assert r.status_code == 201 and r.json()["status"] == "draft" and r.json()["version"] == 1
    assert "尚无审核通过的问题" in r.json()["body"]


# Versions ------------------------------------------------------------------------------


def test_each_save_is_a_version_and_can_be_compared_with_the_previous(a, login):
    report = report_create(actor=a.users["team_member"], inspection=a.inspection)
    client = login(a.users["team_member"])
    edit = f"/results/inspections/{a.inspection.pk}/report/edit/"
    first = report.versions.get().body
    text = first.replace("【请填写：被巡察党组织的基本情况", "县委办公室内设7个科室。【请填写：被巡察党组织的基本情况")
    r = client.post(edit, {"body": text, "ecology": "", "implementation": "", "note": "补充基本情况"})
    assert r.status_code == 302
    unchanged = client.post(edit, {"body": text + "\r\n", "ecology": "", "implementation": "", "note": ""})
    assert unchanged.status_code == 200 and "没有需要保存的修改" in unchanged.content.decode()
    empty = client.post(edit, {"body": "", "ecology": "", "implementation": ""})
    assert "请填写报告正文。" in empty.content.decode()
    rated = client.post(edit, {"body": text, "ecology": "worse", "implementation": "poor"}, follow=True)
    assert "评价已保存。" in rated.content.decode()  # the ratings alone make no new version
    assert list(report.versions.values_list("number", flat=True)) == [2, 1]
    assert report.versions.get(number=2).note == "补充基本情况"

    page = client.get(f"/results/inspections/{a.inspection.pk}/report/").content.decode()
    assert "第2版" in page and f"/results/reports/{report.pk}/versions/2/compare/" in page and "恶化" in page
    compare = client.get(f"/results/reports/{report.pk}/versions/2/compare/").content.decode()
    assert "第2版与第1版对照" in compare and "新增 1 行，删除 1 行" in compare
    assert "县委办公室内设7个科室。" in compare and "补充基本情况" in compare
    first_page = client.get(f"/results/reports/{report.pk}/versions/1/compare/").content.decode()
    assert "第1版是初稿，没有可比较的上一版。" in first_page
    assert client.get(f"/results/reports/{report.pk}/versions/9/compare/").status_code == 404
    assert client.get(f"/results/reports/{report.pk}/versions/x/compare/").status_code == 404

    api = token_client(a.users["team_member"])
    versions = api.get(f"/api/v1/reports/{report.pk}/versions").json()
    assert versions["count"] == 2 and [v["number"] for v in versions["items"]] == [2, 1]
    r = api.post(
        f"/api/v1/reports/{report.pk}/versions", {"body": "一、基本情况\n新写"}, content_type="application/json"
    )
    assert r.status_code == 201 and r.json()["number"] == 3
    same = api.post(
        f"/api/v1/reports/{report.pk}/versions", {"body": "一、基本情况\n新写"}, content_type="application/json"
    )
    assert same.status_code == 422 and same.json()["errors"]["body"] == ["内容与第3版相同，没有需要保存的修改。"]


def test_the_diff_marks_changes_and_folds_unchanged_lines():
    old = "\n".join(f"第{i}行" for i in range(1, 11))
    new = old.replace("第5行", "第五行") + "\n第11行"
    diff = text_diff(old, new)
    kinds = [(line.kind, line.text) for line in diff.lines]
    assert ("removed", "第5行") in kinds and ("added", "第五行") in kinds and ("added", "第11行") in kinds
    assert ("gap", "……（2 行未改动）") in kinds  # lines 1-2 folded; 3-4 kept as context
    assert (diff.added, diff.removed) == (2, 1)


# The special report --------------------------------------------------------------------


def test_the_special_report_is_only_for_the_team_leader_and_the_office_head(a, login):
    report = written_report(a)
    url = f"/results/inspections/{a.inspection.pk}/report/"
    head = a.users["office_head"]
    readers = (a.users["team_leader"], head)
    others = (a.users["team_member"], a.users["office"], a.users["leading_group"])
    for user in readers:
        assert "某局长涉嫌违规收受礼金" in login(user).get(url).content.decode()
        assert token_client(user).get(f"/api/v1/reports/{report.pk}").json()["special_body"] == SPECIAL
        assert token_client(user).get(f"/api/v1/reports/{report.pk}/versions").json()["items"][0]["special_body"]
        assert login(user).get(f"/results/inspections/{a.inspection.pk}/special-report.docx").status_code == 200
    for user in others:
        page = login(user).get(url).content.decode()
        assert "某局长" not in page and "专题报告" not in page
        detail = token_client(user).get(f"/api/v1/reports/{report.pk}").json()
        assert "special_body" not in detail and "某局长" not in str(detail)
        versions = token_client(user).get(f"/api/v1/reports/{report.pk}/versions").json()
        assert "某局长" not in str(versions)
        assert login(user).get(f"/results/inspections/{a.inspection.pk}/special-report.docx").status_code == 404
        assert token_client(user).get(f"/api/v1/reports/{report.pk}/special-report.docx").status_code == 404
        compare = login(user).get(f"/results/reports/{report.pk}/versions/2/compare/").content.decode()
        assert "某局长" not in compare
    assert "某局长" in login(head).get(f"/results/reports/{report.pk}/versions/2/compare/").content.decode()
    assert AuditEvent.objects.filter(action="report.special_view", actor=head).exists()

    # A member's save carries the special report over, whatever they send.
    member = login(a.users["team_member"])
    edit = f"/results/inspections/{a.inspection.pk}/report/edit/"
    assert 'name="special_body"' not in member.get(edit).content.decode()
    member.post(edit, {"body": CLEAN + "\n补充", "special_body": "篡改", "ecology": "same", "implementation": "good"})
    api = token_client(a.users["team_member"])
    body = {"body": CLEAN + "\n再补充", "special_body": "篡改"}
    assert api.post(f"/api/v1/reports/{report.pk}/versions", body, content_type="application/json").status_code == 201
    assert [v.special_body for v in report.versions.order_by("number")][1:] == [SPECIAL, SPECIAL, SPECIAL]
    # The leader edits it on the edit page.
    leader = login(a.users["team_leader"])
    assert SPECIAL in leader.get(edit).content.decode()
    leader.post(
        edit, {"body": CLEAN, "special_body": SPECIAL + "\n另有线索。", "ecology": "same", "implementation": "good"}
    )
    assert report.versions.order_by("-number").first().special_body == SPECIAL + "\n另有线索。"


# The approval chain --------------------------------------------------------------------


def test_the_chain_runs_in_order_and_only_the_right_role_decides_each_step(world, a, login):
    report = report_create(actor=a.users["team_member"], inspection=a.inspection)
    leader, office, head, group = (a.users[k] for k in ("team_leader", "office", "office_head", "leading_group"))

    assert submit(a.users["team_member"], report).status_code == 403  # the leader submits
    r = submit(leader, report)
    assert r.status_code == 422
    assert set(r.json()["errors"]) == {"ecology", "implementation", "body"}
    assert "【请填写……】" in r.json()["errors"]["body"][0]
    report_version_save(actor=leader, report=report, body=CLEAN)
    report_rate(actor=leader, report=report, ecology="better", implementation="good")
    assert decide(leader, report, "team_meeting").json()["errors"]["step"] == ["报告尚未提交审议。"]
    r = submit(leader, report)
    assert r.status_code == 200 and (r.json()["status"], r.json()["step"]) == ("in_review", "team_meeting")
    assert submit(leader, report).status_code == 422
    edit = token_client(leader).post(
        f"/api/v1/reports/{report.pk}/versions", {"body": CLEAN + "x"}, content_type="application/json"
    )
    assert edit.status_code == 422 and "审议中" in edit.json()["errors"]["status"][0]
    assert edit.json()["code"] == "not_editable"

    # 组务会: the team leader only.
    assert decide(office, report, "team_meeting").status_code == 403
    assert decide(leader, report, "office_review").status_code == 403
    skip = decide(office, report, "office_review")
    assert skip.status_code == 422 and skip.json()["errors"]["step"] == ["须先经组务会审议，不能跳过。"]
    assert skip.json()["code"] == "stage_order" and skip.json()["error_codes"] == {"step": ["stage_order"]}
    assert decide(head, report, "secretary").json()["errors"]["step"] == ["须先经组务会审议，不能跳过。"]
    assert decide(world["b"].users["office_head"], report, "secretary").status_code == 404
    assert decide(world["city_office"], report, "office_review").status_code == 403  # sees it, does not decide
    r = decide(
        leader, report, "team_meeting", decided_on=(timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    )
    assert r.json()["errors"]["decided_on"] == ["会议日期不能晚于今天。"]
    r = decide(leader, report, "team_meeting")
    assert r.status_code == 201 and (r.json()["report_status"], r.json()["report_step"]) == (
        "in_review",
        "office_review",
    )
    twice = decide(leader, report, "team_meeting")
    assert twice.json()["errors"]["step"] == ["组务会已审议，不能重复审议；当前待组办会商审议。"]

    # 组办会商: the office or the office head.
    assert decide(group, report, "office_review").status_code == 403
    assert decide(office, report, "office_review").json()["report_step"] == "leading_group"
    # 领导小组会议: recorded by the leading group (or the office head); not by the office.
    assert decide(office, report, "leading_group").status_code == 403
    assert decide(group, report, "leading_group").json()["report_step"] == "secretary"
    # 书记专题会: the office head, who fixes how the results are used.
    assert decide(group, report, "secretary").status_code == 403
    r = decide(head, report, "secretary")
    assert r.status_code == 422 and r.json()["errors"]["results_use"] == [
        "书记专题会审定报告时，请选择成果运用方式（至少一项）。"
    ]
    assert decide(head, report, "secretary", results_use=["nothing"]).status_code == 422
    r = decide(head, report, "secretary", results_use=["feedback", "discipline", "feedback"])
    assert r.status_code == 201 and r.json()["report_status"] == "approved"
    report.refresh_from_db()
    assert report.status == "approved" and report.results_use == ["feedback", "discipline"]
    assert decide(head, report, "secretary", results_use=["feedback"]).json()["errors"]["step"] == [
        "报告已审定，不能再审议。"
    ]

    decisions = list(ReportDecision.objects.filter(report=report).order_by("id"))
    assert [(d.step, d.decided_by) for d in decisions] == [
        ("team_meeting", leader),
        ("office_review", office),
        ("leading_group", group),
        ("secretary", head),
    ]
    assert {d.version.number for d in decisions} == {2}
    assert AuditEvent.objects.filter(action="report.decide").count() == 4
    assert AuditEvent.objects.filter(action="report.submit").count() == 1

    page = login(group).get(f"/results/inspections/{a.inspection.pk}/report/").content.decode()
    assert "报告已审定。成果运用：向被巡察党组织反馈、移交纪委监委" in page and "记录书记专题会" not in page


def test_the_office_head_may_record_the_leading_group_meeting(a):
    report = written_report(a)
    submit(a.users["team_leader"], report)
    decide(a.users["team_leader"], report, "team_meeting")
    decide(a.users["office_head"], report, "office_review")
    assert decide(a.users["office_head"], report, "leading_group").json()["report_step"] == "secretary"


def test_a_returned_report_goes_back_to_the_team_and_the_chain_restarts(a, login):
    report = written_report(a)
    leader, office = a.users["team_leader"], a.users["office"]
    submit(leader, report)
    decide(leader, report, "team_meeting")
    r = decide(office, report, "office_review", decision="returned")
    assert r.json()["errors"]["comments"] == ["退回修改的，请写明审议意见，告诉巡察组需要修改什么。"]
    r = decide(office, report, "office_review", decision="returned", comments="第三部分问题定性不准，请补充事实依据。")
    assert r.status_code == 201 and r.json()["report_status"] == "returned"

    edit_page = login(a.users["team_member"]).get(f"/results/inspections/{a.inspection.pk}/report/edit/")
    text = edit_page.content.decode()
    assert edit_page.status_code == 200 and "组办会商退回意见" in text and "第三部分问题定性不准" in text
    page = login(leader).get(f"/results/inspections/{a.inspection.pk}/report/").content.decode()
    assert "组办会商退回修改" in page and "重新提交审议" in page
    todos = [t.title for t in todos_for(a.users["team_member"])]
    assert todos == ["甲县县委办公室的巡察报告已退回修改，请修改后重新提交"]

    r = submit(leader, report)
    assert r.status_code == 422 and r.json()["errors"]["body"] == [
        "退回后报告尚未修改，请根据审议意见修改并保存后再提交。"
    ]
    report_version_save(
        actor=a.users["team_member"], report=report, body=CLEAN + "\n补充事实依据。", note="按组办会商意见修改"
    )
    r = submit(leader, report)
    assert r.status_code == 200 and (r.json()["status"], r.json()["step"]) == ("in_review", "team_meeting")
    assert decide(office, report, "office_review").json()["errors"]["step"] == ["须先经组务会审议，不能跳过。"]
    assert decide(leader, report, "team_meeting").status_code == 201
    r = decide(office, report, "office_review")
    assert r.status_code == 201 and r.json()["report_step"] == "leading_group"
    assert [d.version.number for d in report.decisions.order_by("id")] == [2, 2, 3, 3]


def test_the_decision_form_on_the_page(a, login):
    report = written_report(a)
    submit(a.users["team_leader"], report)
    url = f"/results/inspections/{a.inspection.pk}/report/"
    decide_url = f"/results/reports/{report.pk}/decide/"
    member = login(a.users["team_member"])
    assert "记录组务会审议意见" not in member.get(url).content.decode()
    assert member.post(decide_url, {"step": "team_meeting", "decision": "approved"}).status_code == 403
    leader = login(a.users["team_leader"])
    assert "记录组务会审议意见" in leader.get(url).content.decode()
    bad = leader.post(decide_url, {"step": "team_meeting", "decision": "returned", "comments": ""})
    text = bad.content.decode()
    assert bad.status_code == 200 and "请填写会议日期。" in text
    bad = leader.post(decide_url, {"step": "team_meeting", "decision": "returned", "decided_on": "2026-02-30"})
    assert "不是有效日期" in bad.content.decode()
    bad = leader.post(decide_url, {"step": "team_meeting", "decision": "returned", "decided_on": "2026-01-05"})
    assert "退回修改的，请写明审议意见" in bad.content.decode()
    today = timezone.localdate().isoformat()
    ok = leader.post(decide_url, {"step": "team_meeting", "decision": "approved", "decided_on": today}, follow=True)
    assert "已记录组务会审议通过，报告转入下一环节。" in ok.content.decode()
    stale = leader.post(decide_url, {"step": "team_meeting", "decision": "approved", "decided_on": today}, follow=True)
    assert "组务会已审议，不能重复审议" in stale.content.decode()
    assert report.decisions.count() == 1

    head = login(a.users["office_head"])
    for step in ("office_review", "leading_group"):
        head.post(decide_url, {"step": step, "decision": "approved", "decided_on": today})
    page = head.get(url).content.decode()
    assert "记录书记专题会审议意见" in page and "移交组织部" in page
    missing = head.post(decide_url, {"step": "secretary", "decision": "approved", "decided_on": today})
    assert "请选择成果运用方式（至少一项）" in missing.content.decode()
    done = head.post(
        decide_url,
        {"step": "secretary", "decision": "approved", "decided_on": today, "results_use": ["feedback", "superior"]},
        follow=True,
    )
    assert "报告已审定" in done.content.decode() and "向被巡察党组织反馈、向上级报告" in done.content.decode()


def test_todos_go_to_whoever_decides_the_current_step(world, a):
    report = written_report(a)
    users = a.users
    assert todos_for(users["team_leader"]) == []
    submit(users["team_leader"], report)
    title = "甲县县委办公室的巡察报告待组务会审议"
    assert [t.title for t in todos_for(users["team_leader"])] == [title]
    assert todos_for(users["office"]) == [] and todos_for(users["team_member"]) == []
    decide(users["team_leader"], report, "team_meeting")
    office_todos = todos_for(users["office"])
    assert [t.title for t in office_todos] == ["甲县县委办公室的巡察报告待组办会商审议"]
    assert office_todos[0].url == f"/results/inspections/{a.inspection.pk}/report/"
    assert todos_for(users["office_head"]) and not todos_for(users["leading_group"])
    assert todos_for(world["b"].users["office"]) == [] and todos_for(world["city_office"]) == []
    decide(users["office"], report, "office_review")
    assert todos_for(users["leading_group"]) and not todos_for(users["office"])


# Lists ---------------------------------------------------------------------------------


def test_the_list_shows_status_and_step_to_those_who_may_see_the_report(world, a, login):
    before = login(a.users["team_member"]).get("/results/reports/").content.decode()
    assert "待起草的报告" in before and "起草报告" in before
    report = written_report(a)
    submit(a.users["team_leader"], report)
    for user in (a.users["office"], a.users["leading_group"], a.users["team_member"], world["city_office"]):
        page = login(user).get("/results/reports/").content.decode()
        assert "甲县县委办公室" in page and "审议中" in page and "组务会" in page and "第2版" in page
    assert "甲县县委办公室" not in login(world["b"].users["office"]).get("/results/reports/").content.decode()
    assert "甲县县委办公室" not in login(world["b"].users["team_member"]).get("/results/reports/").content.decode()
    refused = login(a.users["unit_liaison"]).get("/results/reports/")
    assert refused.status_code == 403 and "您当前的角色不能打开此页面。" in refused.content.decode()
    filtered = login(a.users["office"]).get("/results/reports/?status=approved").content.decode()
    assert "没有符合条件的报告" in filtered
    items = token_client(a.users["leading_group"]).get("/api/v1/reports?status=in_review").json()
    assert items["count"] == 1 and items["items"][0]["step_label"] == "组务会" and "body" not in items["items"][0]


def test_the_list_costs_the_same_few_queries_for_many_reports(a, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from planning.inspections import inspection_create
    from results.models import ReportVersion

    def add_report(inspection):
        report = InspectionReport.objects.create(
            authority=a.authority, inspection=inspection, created_by=a.users["office"]
        )
        ReportVersion.objects.create(report=report, number=1, body="一、基本情况", saved_by=a.users["office"])

    def count(user, url):
        client = login(user) if not url.startswith("/api/") else token_client(user)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    add_report(a.inspection)
    one = {url: count(a.users["office"], url) for url in ("/results/reports/", "/api/v1/reports")}
    for org in (a.orgs["town"], a.orgs["village"]):
        add_report(inspection_create(actor=None, round=a.inspection.round, organization=org))
    many = {url: count(a.users["office"], url) for url in ("/results/reports/", "/api/v1/reports")}
    assert many == one


# Documents -----------------------------------------------------------------------------


def _open(response):
    assert response.status_code == 200, response.content.decode(errors="replace")[:300]
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    return Document(io.BytesIO(response.content))


def _east_asia(run):
    return run._element.rPr.rFonts.get(qn("w:eastAsia"))


@pytest.mark.parametrize("special", [False, True], ids=["report", "special-report"])
def test_the_report_documents_are_in_the_official_format(a, login, special):
    written_report(a)
    name = "special-report.docx" if special else "report.docx"
    doc = _open(login(a.users["team_leader"]).get(f"/results/inspections/{a.inspection.pk}/{name}"))
    s = doc.sections[0]
    sizes = [s.page_width, s.page_height, s.top_margin, s.bottom_margin, s.left_margin, s.right_margin]
    assert [round(v.mm, 1) for v in sizes] == [210, 297, 37, 35, 28, 26]

    title_text = (
        "关于巡察甲县县委办公室党组织发现的领导干部问题线索的专题报告"
        if special
        else "关于巡察甲县县委办公室党组织的情况报告"
    )
    title = next(p for p in doc.paragraphs if p.text.replace("\n", "") == title_text)
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert _east_asia(title.runs[0]) == "方正小标宋简体" and title.runs[0].font.size == Pt(22)
    texts = [p.text for p in doc.paragraphs]
    assert "中共甲县委巡察工作领导小组：" in texts and "中共甲县委第一巡察组" in texts
    fonts = {p.text: _east_asia(p.runs[0]) for p in doc.paragraphs if p.runs}
    source = SPECIAL if special else CLEAN
    for line in source.split("\n"):
        assert line in fonts, line
    assert fonts["一、有关领导干部问题线索" if special else "一、基本情况"] == "黑体"
    if not special:
        assert fonts["（一）聚焦监督重点"] == "楷体_GB2312" and fonts["巡察组进驻了解情况。"] == "仿宋_GB2312"
    for p in doc.paragraphs:
        if p.text in source.split("\n"):
            fmt = p.paragraph_format
            assert fmt.line_spacing_rule == WD_LINE_SPACING.EXACTLY and fmt.line_spacing == Pt(28.95)
            assert fmt.first_line_indent == Pt(32) and p.runs[0].font.size == Pt(16)
    assert doc.styles["Normal"].element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert doc.settings.odd_and_even_pages_header_footer
    for footer, align in ((s.footer, WD_ALIGN_PARAGRAPH.RIGHT), (s.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
        p = footer.paragraphs[0]
        assert p.alignment == align and " PAGE " in p._element.xml and 'w:fldCharType="begin"' in p._element.xml
        assert {_east_asia(r) for r in p.runs} == {"宋体"} and {r.font.size for r in p.runs} == {Pt(14)}
    assert (SPECIAL.split("\n")[1] in texts) is special  # the special report stays out of the report
    kind = "special_report" if special else "report"
    assert AuditEvent.objects.filter(action="report.export", detail__kind=kind, detail__version=2).count() == 1


def test_the_api_document_and_what_is_missing(a, login):
    report = report_create(actor=a.users["team_member"], inspection=a.inspection)
    api = token_client(a.users["team_member"])
    doc = _open(api.get(f"/api/v1/reports/{report.pk}/document.docx"))
    assert any(p.text == "三、发现的主要问题" for p in doc.paragraphs)
    r = token_client(a.users["team_leader"]).get(f"/api/v1/reports/{report.pk}/special-report.docx")
    assert r.status_code == 422 and "专题报告尚未撰写" in r.json()["errors"]["special_body"][0]
    page = login(a.users["team_leader"]).get(f"/results/inspections/{a.inspection.pk}/special-report.docx", follow=True)
    assert "专题报告尚未撰写" in page.content.decode()
