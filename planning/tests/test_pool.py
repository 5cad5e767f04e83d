"""The inspector pool in pages and API: history, relatives, declarations (by the office and by the
inspector), and the conflict check reading what was entered."""

import datetime

import pytest

from conftest import make_user, token_client
from core.models import AuditEvent
from planning.models import Inspector, InspectorDeclaration
from planning.teams import ConflictsFound, team_member_add


@pytest.fixture
def office(world, login):
    return login(world["a"].users["office"])


def test_the_office_adds_a_person_with_history_and_the_conflict_check_reads_it(world, office):
    a = world["a"]
    r = office.post("/planning/inspectors/new/", {"name": "周建华", "unit": "县财政局", "post": "科长"})
    person = Inspector.objects.get(name="周建华")
    assert r.url == f"/planning/inspectors/{person.pk}/"
    url = r.url
    bad = office.post(
        url,
        {"form": "record", "kind": "work", "organization_name": "", "start_on": "2024-01-01", "end_on": "2023-01-01"},
    ).content.decode()
    assert "截止日期不能早于起始日期。" in bad and "请选择名册中的单位，或填写单位名称。" in bad
    assert not person.records.exists()
    r = office.post(
        url,
        {
            "form": "record",
            "kind": "work",
            "organization": a.orgs["dept"].pk,
            "post": "副主任",
            "start_on": "2023-03-01",
        },
    )
    assert r.status_code == 302
    office.post(url, {"form": "relative", "name": "周丽", "relation": "妹妹", "organization": a.orgs["town"].pk})
    office.post(url, {"form": "declaration", "organization": a.orgs["village"].pk, "reason": "与村支书系同学"})
    page = office.get(url).content.decode()
    for text in ("甲县县委办公室", "副主任", "2023-03-01 至 今", "周丽", "妹妹", "与村支书系同学"):
        assert text in page
    # The team of county A inspects 县委办公室, where he works now: the check finds it.
    with pytest.raises(ConflictsFound) as e:
        team_member_add(actor=a.users["office"], team=a.team, inspector=person, role="member")
    assert any("甲县县委办公室" in c.reason for c in e.value.conflicts)
    actions = set(AuditEvent.objects.filter(object_id=str(person.pk)).values_list("action", flat=True))
    assert {"inspector.create", "inspector.record_add", "inspector.relative_add", "inspector.declare"} <= actions


def test_pool_list_searches_and_is_the_offices(world, office, login):
    a = world["a"]
    Inspector.objects.create(authority=a.authority, name="王芳", unit="县审计局")
    page = office.get("/planning/inspectors/?q=王").content.decode()
    assert "王芳" in page and a.inspector.name not in page
    refused = login(a.users["team_member"]).get("/planning/inspectors/")
    assert refused.status_code == 403 and "此类页面供巡察办、巡察办主任" in refused.content.decode()
    assert "王芳" not in login(world["b"].users["office"]).get("/planning/inspectors/").content.decode()


def test_an_inspector_declares_a_conflict_but_keeps_no_one_elses_record(world, login):
    a = world["a"]
    me = make_user(a.authority, "inspector_self")
    a.inspector.user = me
    a.inspector.save()
    client = login(me)
    r = client.get("/planning/inspectors/me/")
    assert r.url == f"/planning/inspectors/{a.inspector.pk}/"
    page = client.get(r.url).content.decode()
    assert "申报回避" in page and "添加经历" not in page
    r = client.post(r.url, {"form": "declaration", "organization": a.orgs["town"].pk, "reason": "父亲在该镇任职"})
    assert r.status_code == 302
    assert InspectorDeclaration.objects.get(inspector=a.inspector).reason == "父亲在该镇任职"
    denied = client.post(r.url, {"form": "record", "kind": "work", "organization_name": "x", "start_on": "2020-01-01"})
    assert denied.status_code == 403 and not a.inspector.records.exists()
    other = Inspector.objects.create(authority=a.authority, name="另一人", unit="县审计局")
    assert client.get(f"/planning/inspectors/{other.pk}/").status_code == 404
    # Through the API, the same.
    api = token_client(me)
    body = {"organization_id": a.orgs["village"].pk, "reason": "配偶在该村任职"}
    assert (
        api.post(f"/api/v1/inspectors/{a.inspector.pk}/declarations", body, content_type="application/json").status_code
        == 201
    )
    assert (
        api.post(f"/api/v1/inspectors/{other.pk}/declarations", body, content_type="application/json").status_code
        == 404
    )
    r = api.post(
        f"/api/v1/inspectors/{a.inspector.pk}/records",
        {"kind": "work", "organization_name": "x", "start_on": "2020-01-01"},
        content_type="application/json",
    )
    assert r.status_code == 404


def test_pool_api(world):
    a = world["a"]
    api = token_client(a.users["office"])
    url = f"/api/v1/inspectors/{a.inspector.pk}"
    r = api.post(
        url + "/records",
        {"kind": "study", "organization_id": a.orgs["town"].pk, "start_on": "2001-09-01", "end_on": "2004-07-01"},
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["organization_name"] == "甲县青禾镇"
    r = api.post(
        url + "/records",
        {
            "kind": "work",
            "organization_name": "外县",
            "start_on": str(datetime.date.today() + datetime.timedelta(days=3)),
        },
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["errors"] == {"start_on": ["起始日期不能晚于今天。"]}
    r = api.post(
        url + "/relatives",
        {"name": "张强", "relation": "", "organization_id": world["b"].orgs["town"].pk},
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["errors"] == {"organization_id": ["所选单位不存在。"]}
    detail = api.get(url).json()
    assert [x["organization_name"] for x in detail["records"]] == ["甲县青禾镇"] and detail["relatives"] == []
    assert token_client(world["b"].users["office"]).get(url).status_code == 404


def test_the_unit_is_a_registry_organisation_or_text_matched_by_name(world, office):
    a = world["a"]
    dept = a.orgs["dept"]
    form = office.get("/planning/inspectors/new/").content.decode()
    assert "所在单位（名册）" in form and f">{dept.name}</option>" in form and "data-searchable" in form
    r = office.post("/planning/inspectors/new/", {"name": "钱志强", "unit_organization": dept.pk})
    chosen = Inspector.objects.get(name="钱志强")
    assert r.status_code == 302 and chosen.unit_organization == dept and chosen.unit == dept.name
    office.post("/planning/inspectors/new/", {"name": "潘明亮", "unit": dept.name})
    typed = Inspector.objects.get(name="潘明亮")
    assert typed.unit_organization == dept  # the same name: linked to the registry
    office.post("/planning/inspectors/new/", {"name": "周建华", "unit": "市财政局"})
    outside = Inspector.objects.get(name="周建华")
    assert outside.unit_organization is None and outside.unit == "市财政局"
    page = office.post("/planning/inspectors/new/", {"name": "无单位"}).content.decode()
    assert "请从名册选择所在单位，或填写单位名称。" in page and not Inspector.objects.filter(name="无单位").exists()
    # Changing the unit on the profile: another organisation chosen, then text only.
    url = f"/planning/inspectors/{chosen.pk}/"
    office.post(url, {"form": "profile", "name": "钱志强", "unit_organization": a.orgs["town"].pk, "unit": dept.name})
    chosen.refresh_from_db()
    assert chosen.unit_organization == a.orgs["town"] and chosen.unit == a.orgs["town"].name
    office.post(url, {"form": "profile", "name": "钱志强", "unit": "县档案馆"})
    chosen.refresh_from_db()
    assert chosen.unit_organization is None and "县档案馆" in office.get(url).content.decode()
    b_org = world["b"].orgs["dept"]
    page = office.post(url, {"form": "profile", "name": "钱志强", "unit_organization": b_org.pk}).content.decode()
    chosen.refresh_from_db()
    assert chosen.unit == "县档案馆" and "选择一个有效的选项" in page


def test_the_data_migration_links_unit_text_to_the_registry_by_exact_name(world):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("planning.migrations.0010_inspector_unit_organization_link")
    a = world["a"]
    same = Inspector.objects.create(authority=a.authority, name="钱志强", unit=a.orgs["dept"].name)
    near = Inspector.objects.create(authority=a.authority, name="潘明亮", unit=f"{a.orgs['dept'].name}机关")
    other = Inspector.objects.create(authority=world["b"].authority, name="李娜", unit=a.orgs["dept"].name)
    migration.link_units(apps, None)
    migration.link_units(apps, None)  # again: nothing changes
    for p in (same, near, other):
        p.refresh_from_db()
    assert same.unit_organization == a.orgs["dept"]
    assert near.unit_organization is None and other.unit_organization is None


def test_the_api_takes_the_unit_from_the_registry(world):
    a = world["a"]
    api = token_client(a.users["office"])
    made = api.post(
        "/api/v1/inspectors",
        {"name": "钱志强", "unit_organization_id": a.orgs["dept"].pk},
        content_type="application/json",
    )
    assert made.status_code == 201
    assert made.json()["unit"] == a.orgs["dept"].name and made.json()["unit_organization_id"] == a.orgs["dept"].pk
    foreign = api.post(
        "/api/v1/inspectors",
        {"name": "李娜", "unit_organization_id": world["b"].orgs["dept"].pk},
        content_type="application/json",
    )
    assert foreign.status_code == 422 and "unit_organization" in foreign.json()["errors"]
