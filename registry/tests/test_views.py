"""The registry pages as the office uses them."""


def test_rejected_edit_keeps_the_title_and_the_input(world, login):
    a = world["a"]
    org = a.orgs["village"]
    client = login(a.users["office"])
    r = client.post(
        f"/registry/{org.pk}/edit/",
        {"code": "T01-V01", "name": "新名字", "kind": org.kind_id, "status": "merged", "parent": org.parent_id},
    )
    text = r.content.decode()
    assert f"编辑：{org.name}" in text and 'value="新名字"' in text
    assert "已合并的单位须填写并入单位" in text and "须填写撤销或并入日期" in text
    org.refresh_from_db()
    assert org.name != "新名字"


def test_bad_filters_in_the_address_bar_are_ignored(world, login):
    client = login(world["a"].users["office"])
    for q in ("kind=abc", "parent=abc", "status=nonsense", "page=9999", "per_page=7"):
        assert client.get(f"/registry/?{q}").status_code == 200
        assert client.get(f"/registry/export.xlsx?{q}").status_code == 200


def test_filters_narrow_the_list(world, login):
    a = world["a"]
    client = login(a.users["office"])
    text = client.get(f"/registry/?parent={a.orgs['town'].pk}").content.decode()
    assert a.orgs["village"].name in text and a.orgs["dept"].name not in text
    partial = client.get("/registry/?q=上坪", headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in partial and a.orgs["village"].name in partial and "共 1 条" in partial


def test_create_form_reports_errors_next_to_fields(world, login):
    a = world["a"]
    client = login(a.users["office"])
    r = client.post("/registry/new/", {"code": "D001", "name": "", "kind": a.orgs["dept"].kind_id, "status": "active"})
    text = r.content.decode()
    assert "这个字段是必填项" in text and 'value="D001"' in text
    r = client.post(
        "/registry/new/", {"code": "D001", "name": "重复", "kind": a.orgs["dept"].kind_id, "status": "active"}
    )
    assert "该单位编码已被使用" in r.content.decode()


def test_detail_shows_subordinates(world, login):
    a = world["a"]
    text = login(a.users["office"]).get(f"/registry/{a.orgs['town'].pk}/").content.decode()
    assert "下级党组织（1）" in text and a.orgs["village"].name in text


def test_office_adds_a_kind(world, login):
    client = login(world["a"].users["office"])
    client.post("/registry/kinds/", {"name": "社会组织"})
    assert "社会组织" in client.get("/registry/kinds/").content.decode()
    assert "该类别已存在" in client.post("/registry/kinds/", {"name": "社会组织"}).content.decode()
    assert login(world["a"].users["leading_group"]).post("/registry/kinds/", {"name": "X"}).status_code == 403


def test_unit_liaison_sees_its_organisation_but_not_the_parents_name(world, login):
    from registry.organizations import organization_update

    a = world["a"]
    organization_update(actor=None, organization=a.orgs["dept"], parent=a.orgs["town"])
    text = login(a.users["unit_liaison"]).get(f"/registry/{a.orgs['dept'].pk}/").content.decode()
    assert a.orgs["dept"].name in text and a.orgs["town"].name not in text
    office = login(a.users["office"]).get(f"/registry/{a.orgs['dept'].pk}/").content.decode()
    assert a.orgs["town"].name in office
