"""Refusals that help: a page of a role the user lacks says which roles open it (and no record
is named, so nothing is confirmed); a record out of scope still answers 404. The 问题线索
pages are reachable from the menu and from their breadcrumbs."""

from results.leads import lead_create

ROLE_PAGE = "您当前的角色不能打开此页面。"


def _lead(a):
    return lead_create(
        actor=a.users["team_leader"],
        inspection=a.inspection,
        category="discipline",
        name="钱某",
        post="副局长",
        details="违规收受礼金",
    )


def test_a_page_of_another_role_names_the_roles_that_open_it(world, login):
    a = world["a"]
    member = login(a.users["team_member"])
    r = member.get("/accounts/")
    page = r.content.decode()
    assert r.status_code == 403 and ROLE_PAGE in page
    assert "此类页面供安全保密管理员使用。如工作需要，请联系本单位安全保密管理员分配相应角色。" in page
    r = member.get("/results/transfers/")
    assert r.status_code == 403 and "此类页面供巡察办、巡察办主任、领导小组使用。" in r.content.decode()
    r = member.get("/results/leads/")
    assert r.status_code == 403 and "此类页面供巡察办主任、巡察组组长使用。" in r.content.decode()
    r = login(a.users["office"]).get("/results/received/")
    assert r.status_code == 403 and "此类页面供移交接收单位使用。" in r.content.decode()


def test_a_record_out_of_scope_still_answers_404_without_roles(world, login):
    a, b = world["a"], world["b"]
    lead = _lead(a)
    r = login(b.users["team_leader"]).get(f"/results/inspections/{a.inspection.pk}/leads/")
    assert r.status_code == 404 and ROLE_PAGE not in r.content.decode() and "此类页面供" not in r.content.decode()
    missing = login(a.users["team_member"]).get("/results/inspections/999999/leads/")
    other = login(a.users["team_member"]).get(f"/results/inspections/{b.inspection.pk}/leads/")
    assert missing.status_code == other.status_code == 404
    assert lead.pk  # the lead exists, and nothing above says so


def test_leads_are_reached_from_the_menu_and_back_by_the_breadcrumb(world, login):
    a = world["a"]
    _lead(a)
    leader = login(a.users["team_leader"])
    workbench = leader.get("/").content.decode()
    assert 'href="/results/leads/"' in workbench and ">问题线索</a>" in workbench
    index = leader.get("/results/leads/").content.decode()
    leads_url = f"/results/inspections/{a.inspection.pk}/leads/"
    assert f'href="{leads_url}"' in index and a.inspection.organization.name in index
    row = index.split(f'href="{leads_url}"')[1].split("</tr>")[0]
    assert "<td>1</td>" in row  # one lead, not yet transferred
    page = leader.get(leads_url).content.decode()
    assert '<a href="/results/leads/">问题线索</a>' in page.split('class="x-crumbs"')[1].split("</nav>")[0]
    assert 'href="/results/leads/"' not in login(a.users["team_member"]).get("/").content.decode()
    assert 'href="/results/leads/"' in login(a.users["office_head"]).get("/").content.decode()
