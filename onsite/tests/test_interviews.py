"""Individual talks: the plan (by hand and from the registry's leaders), the record with
at least two interviewers, who is still to be talked to, and who reads the notes."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.utils import timezone

from conftest import token_client
from core.models import AuditEvent
from onsite.interviews import interview_create, interview_record, interviews_plan_from_leaders
from onsite.models import Attachment, Interview
from planning.models import Inspector, TeamMember
from registry.models import OrganizationLeader

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


@pytest.fixture
def team(world):
    """Three members on county A's team, and one on county B's."""
    a, b = world["a"], world["b"]

    def member(county, name, role):
        inspector = Inspector.objects.create(authority=county.authority, name=name, unit="县审计局")
        return TeamMember.objects.create(team=county.team, inspector=inspector, role=role)

    return {
        "leader": member(a, "赵敏", "leader"),
        "member": member(a, "钱进", "member"),
        "liaison": member(a, "孙悦", "liaison"),
        "other": member(b, "李强", "member"),
    }


def _plan(world, **fields):
    a = world["a"]
    values = {"interviewee": "王强", "category": "leadership", "post": "主任", **fields}
    return interview_create(actor=a.users["team_member"], inspection=a.inspection, **values)


def _record(world, interview, interviewers, **fields):
    values = {
        "held_at": timezone.now() - datetime.timedelta(hours=1),
        "place": "县委办公室小会议室",
        "notes": "反映办公用房超标问题。",
        **fields,
    }
    return interview_record(
        actor=world["a"].users["team_member"], interview=interview, interviewers=interviewers, **values
    )


# The plan


def test_a_talk_is_planned_with_its_category(world):
    interview = _plan(world, planned_on=ago(-3))
    assert interview.category == "leadership" and not interview.held
    assert AuditEvent.objects.filter(action="interview.create", object_id=str(interview.pk)).exists()


def test_the_plan_needs_a_name_and_a_category(world):
    with pytest.raises(ValidationError) as e:
        _plan(world, interviewee="  ", category="boss")
    assert e.value.message_dict == {"interviewee": ["请填写谈话对象姓名。"], "category": ["请选择谈话对象类别。"]}
    assert not Interview.objects.exists()


def test_the_leading_group_reads_but_does_not_plan(world):
    a, b = world["a"], world["b"]
    with pytest.raises(PermissionDenied):
        interview_create(actor=a.users["leading_group"], inspection=a.inspection, interviewee="王强", category="staff")
    with pytest.raises(Http404):
        interview_create(actor=b.users["team_member"], inspection=a.inspection, interviewee="王强", category="staff")


def _leader(world, name, post, start, end=None, county="a"):
    return OrganizationLeader.objects.create(
        organization=world[county].orgs["dept"], name=name, post=post, start_on=start, end_on=end
    )


def test_the_plan_is_filled_from_the_current_leaders(world):
    _leader(world, "周建国", "党组书记、主任", ago(900))
    _leader(world, "吴芳", "副主任", ago(400), ago(-30))  # leaves next month: still in post
    _leader(world, "郑涛", "副主任", ago(2000), ago(10))  # has left
    _leader(world, "冯丽", "副主任", ago(-5))  # not yet in post
    _leader(world, "陈刚", "主任", ago(100), county="b")  # another county's unit
    _plan(world, interviewee="吴芳", category="key_post")  # already on the plan
    a = world["a"]
    result = interviews_plan_from_leaders(actor=a.users["team_leader"], inspection=a.inspection)
    assert [i.interviewee for i in result.created] == ["周建国"] and result.skipped == ["吴芳"]
    created = Interview.objects.get(interviewee="周建国")
    assert created.category == "leadership" and created.post == "党组书记、主任"
    again = interviews_plan_from_leaders(actor=a.users["team_leader"], inspection=a.inspection)
    assert again.created == [] and Interview.objects.count() == 2


def test_the_plan_from_leaders_on_the_page(world, login):
    _leader(world, "周建国", "党组书记、主任", ago(900))
    a = world["a"]
    client = login(a.users["team_member"])
    r = client.post(f"/onsite/inspections/{a.inspection.pk}/interviews/from-leaders/", follow=True)
    page = r.content.decode()
    assert "已从领导班子名单添加 1 名谈话对象：周建国。" in page
    assert "尚未谈话（1 人）" in page
    r = client.post(f"/onsite/inspections/{a.inspection.pk}/interviews/from-leaders/", follow=True)
    assert "领导班子成员均已在谈话计划中，没有新增。" in r.content.decode()


def test_no_leaders_in_the_registry_is_said_so(world, login):
    a = world["a"]
    with pytest.raises(ValidationError) as e:
        interviews_plan_from_leaders(actor=a.users["team_member"], inspection=a.inspection)
    assert "党组织名册中没有该单位现任领导班子成员的记录" in e.value.message_dict["leaders"][0]
    r = login(a.users["team_member"]).post(
        f"/onsite/inspections/{a.inspection.pk}/interviews/from-leaders/", follow=True
    )
    assert "党组织名册中没有该单位现任领导班子成员的记录" in r.content.decode()


def test_the_plan_form_answers_next_to_the_field(world, login):
    a = world["a"]
    r = login(a.users["team_member"]).post(
        f"/onsite/inspections/{a.inspection.pk}/interviews/", {"category": "", "interviewee": "王强"}
    )
    assert r.status_code == 200
    assert "这个字段是必填项。" in r.content.decode() and 'value="王强"' in r.content.decode()
    r = login(a.users["team_member"]).post(
        f"/onsite/inspections/{a.inspection.pk}/interviews/",
        {"category": "staff", "interviewee": "王强", "planned_on": "2026-02-30"},
    )
    assert "不是有效日期，请按 2025-09-30 的格式填写。" in r.content.decode()
    assert not Interview.objects.exists()


# The record


def test_a_talk_needs_two_interviewers_of_the_team(world, team):
    interview = _plan(world)
    with pytest.raises(ValidationError) as e:
        _record(world, interview, [team["leader"]])
    assert e.value.message_dict["interviewers"] == ["个别谈话须由至少 2 名巡察组成员进行，请选择谈话人。"]
    with pytest.raises(ValidationError) as e:
        _record(world, interview, [team["leader"], team["other"]])
    assert e.value.message_dict["interviewers"] == ["谈话人须为本巡察组成员。"]
    interview.refresh_from_db()
    assert not interview.held and not interview.interviewers.exists()


def test_a_talk_is_not_recorded_in_the_future_nor_without_a_record(world, team):
    interview = _plan(world)
    pair = [team["leader"], team["member"]]
    with pytest.raises(ValidationError) as e:
        _record(world, interview, pair, held_at=timezone.now() + datetime.timedelta(days=1), notes="")
    assert e.value.message_dict == {
        "held_at": ["谈话时间不能晚于现在。"],
        "notes": ["请填写谈话记录，或上传谈话记录附件。"],
    }


def test_a_talk_is_recorded(world, team):
    interview = _plan(world)
    _record(world, interview, [team["leader"], team["member"], team["leader"]])
    interview.refresh_from_db()
    assert interview.held and interview.place == "县委办公室小会议室"
    assert set(interview.interviewers.all()) == {team["leader"], team["member"]}
    event = AuditEvent.objects.get(action="interview.record", object_id=str(interview.pk))
    assert event.detail["interviewers"] == ["赵敏", "钱进"]
    assert "办公用房" not in str(event.detail)  # the notes stay out of the audit trail


def test_the_record_page_with_attachments(world, team, login):
    interview = _plan(world)
    a = world["a"]
    client = login(a.users["team_member"])
    r = client.post(
        f"/onsite/interviews/{interview.pk}/",
        {
            "held_at": "2026-01-06 09:30",
            "place": "小会议室",
            "interviewers": [team["leader"].pk, team["liaison"].pk],
            "notes": "<script>alert(1)</script>反映公车私用。",
            "uploads": [
                SimpleUploadedFile("谈话笔录.pdf", PDF),
                SimpleUploadedFile("录音.mp3", b"ID3\x04" + b"\0" * 40),
            ],
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    interview.refresh_from_db()
    assert interview.held and timezone.localtime(interview.held_at).strftime("%Y-%m-%d %H:%M") == "2026-01-06 09:30"
    assert sorted(interview.attachments.values_list("name", flat=True)) == ["录音.mp3", "谈话笔录.pdf"]
    page = client.get(r.url).content.decode()
    assert "反映公车私用。" in page and "<script>alert(1)</script>" not in page
    assert "谈话笔录.pdf" in page and "已谈话" in page
    listing = client.get(f"/onsite/inspections/{a.inspection.pk}/interviews/").content.decode()
    assert "赵敏、孙悦" in listing and "谈话计划中的人员均已谈话。" in listing


def test_a_refused_file_leaves_nothing(world, team, login):
    interview = _plan(world)
    r = login(world["a"].users["team_member"]).post(
        f"/onsite/interviews/{interview.pk}/",
        {
            "held_at": "2026-01-06 09:30",
            "interviewers": [team["leader"].pk, team["member"].pk],
            "notes": "记录",
            "uploads": [SimpleUploadedFile("笔录.pdf", PDF), SimpleUploadedFile("工具.exe", b"MZ\x90\0" + b"\0" * 40)],
        },
    )
    assert r.status_code == 200
    assert "“工具.exe”的内容不是允许的类型。" in r.content.decode()
    interview.refresh_from_db()
    assert not interview.held and not Attachment.objects.exists()
    assert not [p for p in Path(settings.FILE_DIR).rglob("*") if p.is_file()]


def test_fewer_interviewers_on_the_page_is_refused_next_to_the_field(world, team, login):
    interview = _plan(world)
    r = login(world["a"].users["team_member"]).post(
        f"/onsite/interviews/{interview.pk}/",
        {"held_at": "2026-01-06 09:30", "interviewers": [team["leader"].pk], "notes": "记录"},
    )
    assert r.status_code == 200
    assert "个别谈话须由至少 2 名巡察组成员进行，请选择谈话人。" in r.content.decode()


# Who is still to be talked to


def test_the_list_counts_planned_and_held_per_category(world, team, login):
    pair = [team["leader"], team["member"]]
    _record(world, _plan(world, interviewee="周建国"), pair)
    _plan(world, interviewee="吴芳")
    _plan(world, interviewee="郑涛", category="key_post", post="财务科长")
    _plan(world, interviewee="冯丽", category="staff", post="科员")
    a = world["a"]
    page = login(a.users["leading_group"]).get(f"/onsite/inspections/{a.inspection.pk}/interviews/").content.decode()
    assert "尚未谈话（3 人）" in page
    leadership = page.split("<td>领导班子成员</td>")[1].split("</tr>")[0]
    assert [c.split(">")[-1] for c in leadership.split("</td>")[:3]] == ["2", "1", "1"]
    assert "郑涛" in page and "财务科长" in page
    assert "新增谈话对象" not in page  # the leading group reads only
    held = login(a.users["team_member"]).get(f"/onsite/inspections/{a.inspection.pk}/interviews/?state=held")
    rows = held.content.decode().split("<tbody>")[-1]
    assert "周建国" in rows and "吴芳" not in rows


# Notes: the team and the office only


def test_notes_are_for_the_team_and_the_office(world, team, login):
    interview = _plan(world)
    _record(world, interview, [team["leader"], team["member"]])
    a = world["a"]
    url = f"/onsite/interviews/{interview.pk}/"
    assert "反映办公用房超标问题。" in login(a.users["office"]).get(url).content.decode()
    assert AuditEvent.objects.filter(action="interview.read", actor=a.users["office"]).exists()
    page = login(a.users["leading_group"]).get(url).content.decode()
    assert "反映办公用房超标问题。" not in page and "谈话记录仅巡察组和巡察办可以查阅。" in page
    city = login(world["city_office"]).get(url).content.decode()
    assert "反映办公用房超标问题。" not in city
    body = token_client(a.users["leading_group"]).get(f"/api/v1/interviews/{interview.pk}").json()
    assert body["notes"] is None and body["interviewee"] == "王强"
    body = token_client(a.users["team_leader"]).get(f"/api/v1/interviews/{interview.pk}").json()
    assert body["notes"] == "反映办公用房超标问题。"


# The API


def test_api_plan_record_and_list(world, team):
    a = world["a"]
    api = token_client(a.users["team_member"])
    r = api.post(
        "/api/v1/interviews",
        {"inspection_id": a.inspection.pk, "interviewee": "王强", "category": "leadership", "post": "主任"},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    interview_id = r.json()["id"]
    r = api.post(
        "/api/v1/interviews",
        {"inspection_id": a.inspection.pk, "interviewee": "", "category": "x"},
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["errors"]["interviewee"] == ["请填写谈话对象姓名。"]
    attachment = api.post(
        "/api/v1/attachments", {"inspection_id": a.inspection.pk, "file": SimpleUploadedFile("笔录.pdf", PDF)}
    ).json()
    record = {
        "held_at": "2026-01-06T09:30:00+08:00",
        "place": "小会议室",
        "interviewer_ids": [team["leader"].pk],
        "notes": "反映办公用房超标问题。",
        "attachment_ids": [attachment["id"]],
    }
    r = api.post(f"/api/v1/interviews/{interview_id}/record", record, content_type="application/json")
    assert r.status_code == 422
    assert r.json()["errors"]["interviewers"] == ["个别谈话须由至少 2 名巡察组成员进行，请选择谈话人。"]
    record["interviewer_ids"] = [team["leader"].pk, team["other"].pk]
    r = api.post(f"/api/v1/interviews/{interview_id}/record", record, content_type="application/json")
    assert r.status_code == 422 and r.json()["errors"]["interviewer_ids"] == ["谈话人须为本巡察组成员。"]
    record["interviewer_ids"] = [team["leader"].pk, team["member"].pk]
    r = api.post(f"/api/v1/interviews/{interview_id}/record", record, content_type="application/json")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["held"] and [m["name"] for m in body["interviewers"]] == ["赵敏", "钱进"]
    assert [x["name"] for x in body["attachments"]] == ["笔录.pdf"]
    listing = api.get(f"/api/v1/interviews?inspection_id={a.inspection.pk}&held=true").json()
    assert listing["count"] == 1 and "notes" not in listing["items"][0]
    assert token_client(world["b"].users["team_member"]).get("/api/v1/interviews").json()["count"] == 0


def test_api_plan_from_leaders(world):
    _leader(world, "周建国", "党组书记、主任", ago(900))
    a = world["a"]
    r = token_client(a.users["team_leader"]).post(
        "/api/v1/interviews/from-leaders", {"inspection_id": a.inspection.pk}, content_type="application/json"
    )
    assert r.status_code == 200
    assert [i["interviewee"] for i in r.json()["created"]] == ["周建国"] and r.json()["skipped"] == []


def test_an_archived_inspection_is_closed(world, team):
    from planning.models import Inspection

    interview = _plan(world)
    Inspection.objects.filter(pk=world["a"].inspection.pk).update(stage="archived")
    interview = Interview.objects.select_related("inspection").get(pk=interview.pk)
    with pytest.raises(ValidationError) as e:
        _record(world, interview, [team["leader"], team["member"]])
    assert e.value.message_dict == {"inspection": ["本巡察已归档，不能再修改。"]}


def test_the_empty_list_says_what_to_do(world, login):
    a = world["a"]
    page = login(a.users["team_member"]).get(f"/onsite/inspections/{a.inspection.pk}/interviews/").content.decode()
    assert "尚无谈话对象，点击“新增谈话对象”或“从领导班子名单生成”开始。" in page
    desk = login(a.users["team_member"]).get(f"/onsite/inspections/{a.inspection.pk}/").content.decode()
    assert f'href="/onsite/inspections/{a.inspection.pk}/interviews/"' in desk


def test_the_list_costs_the_same_for_more_talks(world, team, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    a = world["a"]
    client, api = login(a.users["team_member"]), token_client(a.users["team_member"])
    urls = [f"/onsite/inspections/{a.inspection.pk}/interviews/", "/api/v1/interviews"]

    def queries():
        counts = []
        for c, url in zip((client, api), urls, strict=True):
            with CaptureQueriesContext(connection) as ctx:
                assert c.get(url).status_code == 200
            counts.append(len(ctx))
        return counts

    pair = [team["leader"], team["member"]]
    for i in range(2):
        _record(world, _plan(world, interviewee=f"甲{i}"), pair)
    queries()  # the first request of a session costs a few queries more
    few = queries()
    for i in range(10):
        _record(world, _plan(world, interviewee=f"乙{i}", category="staff"), pair)
    assert queries() == few
