"""Every conflict-of-interest rule, the team's role limits, overlapping periods and role grants."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from conftest import make_user
from planning.conflicts import conflict_check
from planning.inspections import round_create
from planning.models import Inspector, InspectorDeclaration, InspectorRecord, InspectorRelative, TeamMember
from planning.teams import ConflictsFound, inspection_assign_team, team_create, team_member_add
from registry.models import OrganizationLeader

D = datetime.date
ON = D(2026, 12, 1)


@pytest.fixture
def pool(world):
    a = world["a"]
    return {"a": a, "target": a.orgs["dept"], "office": a.users["office"]}


def person(a, name="张伟", **kw):
    return Inspector.objects.create(authority=a.authority, name=name, unit="县审计局", **kw)


def work(p, org, start, end=None, post="科员", kind="work"):
    return InspectorRecord.objects.create(
        inspector=p, kind=kind, organization=org, organization_name=org.name, post=post, start_on=start, end_on=end
    )


def rules(p, org):
    return [c.rule for c in conflict_check(p, org, ON)]


def test_worked_there_within_three_years(pool):
    p = person(pool["a"])
    work(p, pool["target"], D(2020, 1, 1), D(2024, 6, 30))
    assert "worked_recently" in rules(p, pool["target"])
    q = person(pool["a"], "李娜")
    work(q, pool["target"], D(2015, 1, 1), D(2016, 6, 30))
    assert rules(q, pool["target"]) == []


def test_worked_there_more_than_three_years_long_ago(pool):
    p = person(pool["a"])
    work(p, pool["target"], D(2005, 1, 1), D(2010, 1, 1))
    found = conflict_check(p, pool["target"], ON)
    assert [c.rule for c in found] == ["worked_long"] and "累计超过三年" in found[0].reason


def test_studied_there(pool):
    p = person(pool["a"])
    work(p, pool["target"], D(1998, 9, 1), D(2001, 7, 1), kind="study")
    assert rules(p, pool["target"]) == ["studied"]


def test_relative_works_there(pool):
    p = person(pool["a"])
    InspectorRelative.objects.create(inspector=p, name="王芳", relation="配偶", organization=pool["target"])
    found = conflict_check(p, pool["target"], ON)
    assert [c.rule for c in found] == ["relative"] and "配偶王芳" in found[0].reason


def test_superior_subordinate_relation_with_its_leaders(pool):
    a = pool["a"]
    OrganizationLeader.objects.create(organization=pool["target"], name="赵强", post="主任", start_on=D(2024, 1, 1))
    OrganizationLeader.objects.create(
        organization=a.orgs["town"], name="赵强", post="镇党委书记", start_on=D(2019, 1, 1), end_on=D(2023, 12, 31)
    )
    p = person(a)
    work(p, a.orgs["town"], D(2021, 3, 1), D(2024, 6, 30))  # together until 2023-12-31, within the window
    found = conflict_check(p, pool["target"], ON)
    assert [c.rule for c in found] == ["superior_subordinate"]
    assert "赵强" in found[0].reason and a.orgs["town"].name in found[0].reason
    old = person(a, "周敏")
    work(old, a.orgs["town"], D(2019, 1, 1), D(2020, 6, 30))  # before the window
    assert rules(old, pool["target"]) == []


def test_declared_conflict(pool):
    p = person(pool["a"])
    InspectorDeclaration.objects.create(inspector=p, organization=pool["target"], reason="与该单位主要负责人系同学")
    assert [c.reason for c in conflict_check(p, pool["target"], ON)] == ["本人申报：与该单位主要负责人系同学"]


def test_no_conflict_for_other_organisations(pool):
    p = person(pool["a"])
    work(p, pool["a"].orgs["town"], D(2024, 1, 1))
    assert rules(p, pool["target"]) == []


@pytest.fixture
def team(pool):
    a = pool["a"]
    rnd = a.inspection.round
    rnd.entry_on, rnd.onsite_end_on = D(2026, 12, 14), D(2027, 1, 29)
    rnd.save()
    a.team.refresh_from_db()
    return a.team  # 第一巡察组, which inspects the fixture's inspection


def test_a_conflict_blocks_unless_the_office_decides(pool, team):
    p = person(pool["a"])
    work(p, pool["target"], D(2023, 1, 1), D(2024, 1, 1))
    with pytest.raises(ConflictsFound) as e:
        team_member_add(actor=pool["office"], team=team, inspector=p, role="member", on=ON)
    assert e.value.conflicts[0].rule == "worked_recently"
    assert not team.members.exists()
    member = team_member_add(
        actor=pool["office"],
        team=team,
        inspector=p,
        role="member",
        on=ON,
        decision_reason="离开该单位已满两年且无利害关系，经办公室研究同意",
    )
    assert member.conflicts[0]["rule"] == "worked_recently" and member.decided_by == pool["office"]


def test_role_limits(pool, team):
    a = pool["a"]
    team_member_add(actor=pool["office"], team=team, inspector=person(a, "甲"), role="leader", on=ON)
    with pytest.raises(ValidationError, match="每组只能有 1 名组长"):
        team_member_add(actor=pool["office"], team=team, inspector=person(a, "乙"), role="leader", on=ON)
    team_member_add(actor=pool["office"], team=team, inspector=person(a, "丙"), role="deputy", on=ON)
    team_member_add(actor=pool["office"], team=team, inspector=person(a, "丁"), role="deputy", on=ON)
    with pytest.raises(ValidationError, match="2 名副组长"):
        team_member_add(actor=pool["office"], team=team, inspector=person(a, "戊"), role="deputy", on=ON)


def test_nobody_serves_on_two_teams_whose_periods_overlap(pool, team):
    a = pool["a"]
    p = person(a)
    team_member_add(actor=pool["office"], team=team, inspector=p, role="member", on=ON)
    second = team_create(actor=pool["office"], round=team.round, name="第二巡察组")
    with pytest.raises(ValidationError, match="进驻时间与本组重叠"):
        team_member_add(actor=pool["office"], team=second, inspector=p, role="member", on=ON)
    later = round_create(
        actor=pool["office"], term=team.round.term, entry_on=D(2026, 3, 1), onsite_end_on=D(2026, 4, 10)
    )
    team_member_add(
        actor=pool["office"],
        team=team_create(actor=pool["office"], round=later, name="第一巡察组"),
        inspector=p,
        role="member",
        on=ON,
    )


def test_members_with_accounts_get_their_team_role_on_each_inspection(pool, team):
    a = pool["a"]
    account = make_user(a.authority, "zhang_wei")
    p = person(a, user=account)
    team_member_add(actor=pool["office"], team=team, inspector=p, role="leader", on=ON)
    assert list(account.role_assignments.values_list("role", "scope_id")) == [("team_leader", a.inspection.pk)]
    from planning.inspections import inspections_for
    from planning.models import Inspection

    second = Inspection.objects.create(authority=a.authority, round=team.round, organization=a.orgs["town"])
    inspection_assign_team(actor=pool["office"], inspection=second, team=team)
    assert set(inspections_for(user=account)) == {a.inspection, second}


def test_only_the_office_builds_teams(pool, team):
    a = pool["a"]
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        team_member_add(actor=a.users["team_leader"], team=team, inspector=person(a), role="member")
    with pytest.raises(PermissionDenied):
        team_create(actor=a.users["leading_group"], round=team.round, name="第三巡察组")
    assert TeamMember.objects.count() == 0


def test_team_api_answers_409_with_the_conflicts_until_the_office_decides(world):
    from conftest import token_client

    a = world["a"]
    api = token_client(a.users["office"])
    made = api.post(
        "/api/v1/inspectors",
        {
            "name": "陈静",
            "unit": "县审计局",
            "records": [
                {"kind": "work", "organization_id": a.orgs["dept"].pk, "start_on": "2022-01-01", "end_on": "2024-12-31"}
            ],
            "relatives": [{"name": "陈刚", "relation": "兄弟", "organization_id": a.orgs["town"].pk}],
        },
        content_type="application/json",
    )
    assert made.status_code == 201
    url = f"/api/v1/teams/{a.team.pk}/members"
    blocked = api.post(url, {"inspector_id": made.json()["id"]}, content_type="application/json")
    assert blocked.status_code == 409 and blocked.json()["code"] == "conflict_of_interest"
    assert [c["rule"] for c in blocked.json()["conflicts"]] == ["worked_recently"]
    ok = api.post(
        url,
        {"inspector_id": made.json()["id"], "decision_reason": "经巡察办研究，同意参加"},
        content_type="application/json",
    )
    assert ok.status_code == 201 and ok.json()["decision_reason"] == "经巡察办研究，同意参加"
    team = api.get("/api/v1/teams").json()["items"][0]
    assert team["inspection_ids"] == [a.inspection.pk] and team["members"][0]["name"] == "陈静"
    bad = api.post("/api/v1/inspectors", {"name": "", "unit": ""}, content_type="application/json")
    assert bad.status_code == 422 and set(bad.json()["errors"]) == {"name", "unit"}


def test_team_page_shows_conflicts_and_takes_a_decision(world, login):
    a = world["a"]
    p = person(a, "陈静")
    work(p, a.orgs["dept"], D(2023, 1, 1), D(2024, 12, 31))
    client = login(a.users["office"])
    url = f"/planning/teams/{a.team.pk}/"
    page = client.post(url, {"inspector": p.pk, "role": "member"}).content.decode()
    assert "发现需要回避的情形" in page and f"近三年内曾在{a.orgs['dept'].name}工作" in page
    assert not a.team.members.exists()
    done = client.post(url, {"inspector": p.pk, "role": "member", "decision_reason": "经研究同意"})
    assert done.status_code == 302
    page = client.get(url).content.decode()
    assert "陈静" in page and "经研究同意" in page


def test_round_page_builds_teams_and_assigns_inspections(world, login):
    a = world["a"]
    rnd = a.inspection.round
    client = login(a.users["office"])
    r = client.post(f"/planning/rounds/{rnd.pk}/teams/new/", {"name": "第二巡察组"})
    second = rnd.teams.get(name="第二巡察组")
    assert r.url == f"/planning/teams/{second.pk}/"
    from planning.models import Inspection

    extra = Inspection.objects.create(authority=a.authority, round=rnd, organization=a.orgs["town"])
    client.post(r.url, {"inspection": extra.pk})
    extra.refresh_from_db()
    assert extra.team == second
    page = client.get(f"/planning/rounds/{rnd.pk}/").content.decode()
    assert "第二巡察组" in page and "第一巡察组" in page
    dup = client.post(f"/planning/rounds/{rnd.pk}/teams/new/", {"name": "第二巡察组"}, follow=True)
    assert "本轮已有“第二巡察组”" in dup.content.decode()


def test_team_members_see_their_team_but_cannot_change_it(world, login):
    a = world["a"]
    client = login(a.users["team_member"])
    page = client.get(f"/planning/teams/{a.team.pk}/").content.decode()
    assert a.orgs["dept"].name in page and "加入本组" not in page
    assert (
        client.post(f"/planning/teams/{a.team.pk}/", {"inspector": a.inspector.pk, "role": "member"}).status_code == 403
    )


def test_an_inspection_is_not_moved_to_another_team(pool, team):
    other = team_create(actor=pool["office"], round=team.round, name="第二巡察组")
    with pytest.raises(ValidationError, match="已由第一巡察组巡察"):
        inspection_assign_team(actor=pool["office"], inspection=pool["a"].inspection, team=other)


def test_assigning_an_inspection_checks_the_members_again(pool):
    a = pool["a"]
    from planning.models import Inspection

    empty = team_create(actor=pool["office"], round=a.inspection.round, name="第二巡察组")
    p = person(a, "陈静")
    work(p, a.orgs["town"], D(2023, 1, 1))
    member = team_member_add(actor=pool["office"], team=empty, inspector=p, role="member", on=ON)
    town = Inspection.objects.create(authority=a.authority, round=a.inspection.round, organization=a.orgs["town"])
    with pytest.raises(ConflictsFound):
        inspection_assign_team(actor=pool["office"], inspection=town, team=empty, on=ON)
    town.refresh_from_db()
    assert town.team is None
    inspection_assign_team(actor=pool["office"], inspection=town, team=empty, on=ON, decision_reason="同意")
    member.refresh_from_db()
    assert member.conflicts[0]["rule"] == "worked_recently" and member.decision_reason == "同意"


def test_odd_input_on_team_pages_and_api(pool, team, login):
    from conftest import token_client

    a = pool["a"]
    client = login(a.users["office"])
    assert client.post(f"/planning/teams/{team.pk}/", {"inspection": "abc"}).status_code == 404
    with pytest.raises(ValidationError):
        team_create(actor=pool["office"], round=team.round, name="组" * 41)
    api = token_client(a.users["office"])
    big = api.post(
        "/api/v1/rounds", {"term_id": team.round.term_id, "number": 99999999999}, content_type="application/json"
    )
    assert big.status_code == 422
    assert client.get(f"/planning/terms/{team.round.term_id}/rounds/new/").status_code == 405


def test_team_members_do_not_read_colleagues_conflict_details(pool, team, login):
    from conftest import token_client

    a = pool["a"]
    p = person(a, "陈静")
    InspectorRelative.objects.create(inspector=p, name="赵妻", relation="配偶", organization=a.orgs["dept"])
    team_member_add(actor=pool["office"], team=team, inspector=p, role="member", on=ON, decision_reason="同意")
    page = login(a.users["team_member"]).get(f"/planning/teams/{team.pk}/").content.decode()
    assert "经研究同意" in page and "赵妻" not in page
    body = token_client(a.users["team_member"]).get("/api/v1/teams").content.decode()
    assert "赵妻" not in body and "同意" not in body.replace("经研究同意", "")
    office = token_client(a.users["office"]).get("/api/v1/teams").json()
    assert "赵妻" in office["items"][0]["members"][0]["conflicts"][0]["reason"]


def test_teams_list_in_the_order_they_were_made(pool, login):
    a = pool["a"]
    for name in ("第二巡察组", "第三巡察组", "第四巡察组"):
        team_create(actor=pool["office"], round=a.inspection.round, name=name)
    page = login(a.users["office"]).get(f"/planning/rounds/{a.inspection.round_id}/").content.decode()
    positions = [page.index(n) for n in ("第一巡察组", "第二巡察组", "第三巡察组", "第四巡察组")]
    assert positions == sorted(positions)


def test_working_there_now_is_the_first_rule(pool):
    a, target = pool["a"], pool["target"]
    p = person(a, unit_organization=target)
    work(p, target, D(2024, 1, 1))  # still there: the history says so too
    found = conflict_check(p, target, ON)
    assert [c.rule for c in found] == ["current_unit", "worked_recently"]
    assert found[0].reason == f"现在{target.name}工作（所在单位）"
    assert rules(p, a.orgs["town"]) == []
    # A unit kept as text only is matched by name.
    typed = Inspector.objects.create(authority=a.authority, name="钱志强", unit=target.name)
    assert rules(typed, target) == ["current_unit"]
    elsewhere = Inspector.objects.create(authority=a.authority, name="潘明亮", unit=f"{target.name}机关服务中心")
    assert rules(elsewhere, target) == []


def test_team_page_flags_a_member_of_the_inspected_unit(world, login):
    a = world["a"]
    p = person(a, "钱志强", unit_organization=a.orgs["dept"])
    client = login(a.users["office"])
    url = f"/planning/teams/{a.team.pk}/"
    page = client.post(url, {"inspector": p.pk, "role": "member"}).content.decode()
    assert "发现需要回避的情形" in page and f"现在{a.orgs['dept'].name}工作（所在单位）" in page
    assert not a.team.members.exists()
    client.post(url, {"inspector": p.pk, "role": "member", "decision_reason": "经巡察办研究同意，分工不涉及该单位"})
    page = client.get(url).content.decode()
    row = page[page.index("<td>钱志强</td>") :].split("</tr>")[0]
    assert "经研究同意" in row and f"现在{a.orgs['dept'].name}工作（所在单位）" in row


def test_the_team_table_lists_the_leader_first(world, login):
    a = world["a"]
    office = a.users["office"]
    for name, role in (("成员甲", "member"), ("联络员乙", "liaison"), ("副组长丙", "deputy"), ("组长丁", "leader")):
        team_member_add(actor=office, team=a.team, inspector=person(a, name), role=role, on=ON)
    page = login(office).get(f"/planning/teams/{a.team.pk}/").content.decode()
    table = page[page.index("组成人员") :]
    rows = [table.index(f"<td>{name}</td>") for name in ("组长丁", "副组长丙", "联络员乙", "成员甲")]
    assert rows == sorted(rows)


def _select(page: str, name: str) -> str:
    start = page.index(f'name="{name}"')
    return page[page.rindex("<select", 0, start) : page.index("</select>", start)]


def test_adding_a_member_offers_only_whom_the_rules_let_join(world, login):
    a = world["a"]
    office = a.users["office"]
    free = person(a, "王芳")
    Inspector.objects.create(
        authority=a.authority, name="钱志强", unit=a.orgs["dept"].name, unit_organization=a.orgs["dept"]
    )
    on_team = person(a, "黄丽娟")
    team_member_add(actor=office, team=a.team, inspector=on_team, role="member", on=ON)
    second = team_create(actor=office, round=a.team.round, name="第二巡察组")
    busy = person(a, "杜明")
    team_member_add(actor=office, team=second, inspector=busy, role="member", on=ON)

    page = login(office).get(f"/planning/teams/{a.team.pk}/").content.decode()
    select = _select(page, "inspector")
    assert "data-searchable" in select.split(">")[0]
    assert f'value="{free.pk}">王芳</option>' in select
    group = select[select.index("<optgroup") :]
    reason = f"现在{a.orgs['dept'].name}工作（所在单位）"
    assert "存在回避情形" in group and "钱志强</option>" in group and f'title="回避情形：{reason}"' in group
    assert "1 人存在回避情形" in page and f"钱志强：{reason}" in page
    assert "黄丽娟" not in select and "杜明" not in select
    assert "未列出 2 人及原因" in page and "黄丽娟：已在本组" in page
    assert f"杜明：已在{second}，进驻时间与本组重叠" in page
    # Posted anyway, the refused person gets the rule's own message.
    refused = login(office).post(f"/planning/teams/{a.team.pk}/", {"inspector": busy.pk, "role": "member"})
    assert "不能同时参加两个巡察组" in refused.content.decode() and not a.team.members.filter(inspector=busy).exists()


def test_listing_a_target_offers_no_organisation_already_in_the_round(world, login):
    from planning.inspections import inspection_create, round_create

    a = world["a"]
    office = a.users["office"]
    rnd = a.inspection.round
    earlier = round_create(actor=office, term=rnd.term)
    inspection_create(actor=office, round=earlier, organization=a.orgs["town"])
    page = login(office).get(f"/planning/rounds/{rnd.pk}/").content.decode()
    select = _select(page, "organization")
    assert "data-searchable" in select.split(">")[0]
    assert a.orgs["dept"].name not in select  # already in this round
    again = select[select.index("<optgroup") :]
    assert "本届已巡察" in again and f'title="本届已在第{earlier.number}轮巡察"' in again
    assert f">{a.orgs['town'].name}</option>" in again
    assert f">{a.orgs['village'].name}</option>" in select[: select.index("<optgroup")]
    assert "本轮已列入的 1 个单位不再列出" in page
