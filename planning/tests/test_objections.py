"""The inspected unit objects to a team member; the office upholds (the member leaves) or dismisses."""

import pytest

from conftest import make_user, token_client
from core.models import RoleAssignment
from core.workbench import todos_for
from planning.models import Inspection, Inspector, MemberObjection, TeamMember
from planning.teams import team_member_add


@pytest.fixture
def roster(world):
    a = world["a"]
    user = make_user(a.authority, "member_with_account")
    person = Inspector.objects.create(authority=a.authority, name="钱志强", unit="县财政局", user=user)
    member = team_member_add(actor=a.users["office"], team=a.team, inspector=person, role="member")
    return a, member, user


def test_the_unit_objects_and_the_office_upholds(roster, world, login):
    a, member, user = roster
    assert RoleAssignment.objects.filter(user=user, role="team_member", scope_id=a.inspection.pk).exists()
    liaison = login(a.users["unit_liaison"])
    page = liaison.get("/planning/objections/").content.decode()
    assert "钱志强" in page and a.team.name in page
    r = liaison.post("/planning/objections/", {"inspection": a.inspection.pk, "member": member.pk, "reason": " "})
    assert "请写明申请回避的理由。" in r.content.decode() and not MemberObjection.objects.exists()
    r = liaison.post(
        "/planning/objections/", {"inspection": a.inspection.pk, "member": member.pk, "reason": "其配偶在本单位工作"}
    )
    assert r.status_code == 302
    again = liaison.post(
        "/planning/objections/", {"inspection": a.inspection.pk, "member": member.pk, "reason": "重复"}
    ).content.decode()
    assert "已对钱志强提出回避意见，正在等待巡察办处理。" in again

    office = a.users["office"]
    assert [t.title for t in todos_for(office) if t.category == "回避"] == [
        "甲县县委办公室对钱志强提出回避意见，待处理"
    ]
    assert not [t for t in todos_for(world["b"].users["office"]) if t.category == "回避"]
    objection = MemberObjection.objects.get()
    client = login(office)
    r = client.post(f"/planning/objections/{objection.pk}/decide/", {"uphold": "1", "answer": ""}, follow=True)
    assert "请填写处理意见。" in r.content.decode()
    client.post(f"/planning/objections/{objection.pk}/decide/", {"uphold": "1", "answer": "经核实，予以调整"})
    objection.refresh_from_db()
    assert objection.status == "upheld" and objection.decided_by == office
    assert not TeamMember.objects.filter(pk=member.pk).exists()
    assert not RoleAssignment.objects.filter(user=user, role="team_member").exists()  # no longer sees the case
    seen = liaison.get("/planning/objections/").content.decode()
    assert "已采纳（该成员已调出）" in seen and "经核实，予以调整" in seen
    assert not [t for t in todos_for(office) if t.category == "回避"]


def test_dismissal_through_the_api_and_who_may_do_what(roster, world):
    a, member, _ = roster
    liaison = token_client(a.users["unit_liaison"])
    body = {"inspection_id": a.inspection.pk, "member_id": member.pk, "reason": "曾与本单位负责人共事"}
    r = liaison.post("/api/v1/objections", body, content_type="application/json")
    assert r.status_code == 201 and r.json()["status"] == "open"
    pk = r.json()["id"]
    decision = {"uphold": False, "answer": "共事经历已超过五年，不构成回避情形"}
    # The liaison reads the answer but cannot give it; the team member and county B see nothing.
    assert (
        liaison.post(f"/api/v1/objections/{pk}/decision", decision, content_type="application/json").status_code == 403
    )
    for outsider in (a.users["team_member"], world["b"].users["office"], world["b"].users["unit_liaison"]):
        client = token_client(outsider)
        assert client.get("/api/v1/objections").json()["count"] == 0
        assert (
            client.post(f"/api/v1/objections/{pk}/decision", decision, content_type="application/json").status_code
            == 404
        )
    assert (
        token_client(a.users["team_member"])
        .post("/api/v1/objections", body, content_type="application/json")
        .status_code
        == 404
    )
    r = token_client(a.users["office"]).post(
        f"/api/v1/objections/{pk}/decision", decision, content_type="application/json"
    )
    assert r.status_code == 200 and r.json()["status"] == "dismissed"
    assert TeamMember.objects.filter(pk=member.pk).exists()
    assert liaison.get("/api/v1/objections").json()["items"][0]["answer"] == decision["answer"]
    r = token_client(a.users["office"]).post(
        f"/api/v1/objections/{pk}/decision", decision, content_type="application/json"
    )
    assert r.status_code == 422 and r.json()["errors"] == {"status": ["该回避意见已处理。"]}


def test_objections_close_when_the_on_site_work_ends(roster, login):
    a, member, _ = roster
    Inspection.objects.filter(pk=a.inspection.pk).update(stage="reporting")
    page = login(a.users["unit_liaison"]).get("/planning/objections/").content.decode()
    assert "钱志强" not in page and "本单位当前没有处于准备或进驻阶段的巡察" in page
    body = {"inspection_id": a.inspection.pk, "member_id": member.pk, "reason": "x"}
    r = token_client(a.users["unit_liaison"]).post("/api/v1/objections", body, content_type="application/json")
    assert r.status_code == 404


def test_the_office_takes_a_member_off_the_team_with_a_reason(roster, login):
    a, member, user = roster
    client = login(a.users["office"])
    r = client.post(f"/planning/teams/{a.team.pk}/", {"remove": member.pk, "reason": ""}, follow=True)
    assert "请填写调出理由。" in r.content.decode() and TeamMember.objects.filter(pk=member.pk).exists()
    client.post(f"/planning/teams/{a.team.pk}/", {"remove": member.pk, "reason": "工作需要"})
    assert not TeamMember.objects.filter(pk=member.pk).exists()
    assert not RoleAssignment.objects.filter(user=user, role="team_member").exists()
    assert client.post(f"/planning/teams/{a.team.pk}/", {"remove": "x", "reason": "y"}).status_code == 404


def test_taking_a_member_off_ends_their_intake_role_too(roster):
    from core.services import role_assign
    from planning.teams import team_member_remove

    a, member, user = roster
    role_assign(actor=None, user=user, role="team_intake", authority=a.authority, scope_id=a.inspection.pk)
    team_member_remove(actor=a.users["office"], member=member, reason="工作需要")
    assert not RoleAssignment.objects.filter(user=user, role__in=["team_member", "team_intake"]).exists()
