"""Rounds and their inspections: the office plans them, through the pages and the API."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from conftest import token_client
from planning.inspections import inspection_create, round_create
from planning.models import Inspection, Round

D = datetime.date


def test_round_numbers_follow_and_dates_are_checked(world):
    a = world["a"]
    term = a.inspection.round.term
    nxt = round_create(actor=a.users["office"], term=term, kind="special", entry_on=D(2026, 3, 2))
    assert nxt.number == 8 and nxt.kind == "special"
    try:
        round_create(actor=a.users["office"], term=term, number=8, entry_on=D(2026, 5, 1), onsite_end_on=D(2026, 4, 1))
    except ValidationError as e:
        assert e.message_dict["number"] == ["本届已有第8轮。"]
        assert e.message_dict["onsite_end_on"] == ["结束进驻日期不能早于进驻日期。"]
    else:
        raise AssertionError("accepted a duplicate round")


def test_office_plans_a_round_in_the_pages(world, login):
    a = world["a"]
    term = a.inspection.round.term
    client = login(a.users["office"])
    r = client.post(
        f"/planning/terms/{term.pk}/rounds/new/",
        {"kind": "regular", "entry_on": "2026-12-14", "onsite_end_on": "2026-12-30"},
    )
    rnd = Round.objects.get(term=term, number=8)
    assert r.url == f"/planning/rounds/{rnd.pk}/"
    page = client.get(r.url).content.decode()
    assert "本轮尚未添加巡察对象" in page
    client.post(r.url, {"organization": a.orgs["town"].pk, "kind": "regular"})
    assert Inspection.objects.filter(round=rnd, organization=a.orgs["town"]).exists()
    assert a.orgs["town"].name in client.get(r.url).content.decode()
    again = client.post(r.url, {"organization": a.orgs["dept"].pk, "kind": "regular"}).content.decode()
    assert "本届已在第7轮巡察" in again  # 县委办公室 is already in round seven
    coverage = client.get(f"/planning/terms/{term.pk}/coverage/").content.decode()
    assert "已列入第7轮" in coverage and "第8轮" in coverage


def test_leading_group_sees_rounds_but_cannot_plan(world, login):
    a = world["a"]
    rnd = a.inspection.round
    client = login(a.users["leading_group"])
    page = client.get(f"/planning/rounds/{rnd.pk}/").content.decode()
    assert a.orgs["dept"].name in page and "列入本轮" not in page
    assert client.post(f"/planning/rounds/{rnd.pk}/", {"organization": a.orgs["town"].pk}).status_code == 403
    assert client.post(f"/planning/terms/{rnd.term_id}/rounds/new/", {"kind": "regular"}).status_code == 403


def test_rounds_and_inspections_api(world):
    a = world["a"]
    term = a.inspection.round.term
    api = token_client(a.users["office"])
    r = api.post("/api/v1/rounds", {"term_id": term.pk, "entry_on": "2026-12-14"}, content_type="application/json")
    assert r.status_code == 201 and r.json()["number"] == 8
    rounds = api.get(f"/api/v1/rounds?term_id={term.pk}").json()
    assert [x["number"] for x in rounds["items"]] == [7, 8]
    made = api.post(
        "/api/v1/inspections",
        {"round_id": r.json()["id"], "organization_id": a.orgs["village"].pk},
        content_type="application/json",
    )
    assert made.status_code == 201
    assert {"id", "round_id", "organization_id", "team_id", "kind", "stage", "deadlines"} <= set(made.json())
    repeat = api.post(
        "/api/v1/inspections",
        {"round_id": r.json()["id"], "organization_id": a.orgs["village"].pk},
        content_type="application/json",
    )
    assert repeat.status_code == 422 and "再次巡察" in repeat.json()["errors"]["repeat_reason"][0]
    foreign = api.post(
        "/api/v1/inspections",
        {"round_id": r.json()["id"], "organization_id": world["b"].orgs["town"].pk},
        content_type="application/json",
    )
    assert foreign.status_code == 422
    other = token_client(world["b"].users["office"]).post(
        "/api/v1/inspections",
        {"round_id": r.json()["id"], "organization_id": a.orgs["town"].pk},
        content_type="application/json",
    )
    assert other.status_code == 404


def test_a_special_inspection_has_a_theme_and_a_lookback_names_what_it_revisits(world, login):
    a = world["a"]
    office = a.users["office"]
    term = a.inspection.round.term
    later = round_create(actor=office, term=term, number=8)
    earlier = a.inspection  # round 7, county A's 县委办公室
    cases = [
        ({"kind": "special"}, "theme", "专项巡察须填写巡察主题。"),
        ({"kind": "lookback"}, "revisits", "“回头看”须指明所回看的此前巡察。"),
        ({"kind": "regular", "revisits": earlier, "repeat_reason": "x"}, "revisits", "只有“回头看”需要指明原巡察。"),
        ({"kind": "lookback", "revisits": earlier, "org": "town"}, "revisits", "所选原巡察不是对甲县青禾镇的巡察。"),
    ]
    for extra, field, message in cases:
        org = a.orgs[extra.pop("org", "dept")]
        with pytest.raises(ValidationError) as e:
            inspection_create(actor=office, round=later, organization=org, **extra)
        assert e.value.message_dict[field] == [message]
    # A look-back cannot revisit an inspection of the same or a later round.
    eighth = inspection_create(actor=office, round=later, organization=a.orgs["town"])
    with pytest.raises(ValidationError) as e:
        inspection_create(actor=office, round=later, organization=a.orgs["town"], kind="lookback", revisits=eighth)
    assert e.value.message_dict["revisits"] == ["“回头看”只能回看更早轮次的巡察。"]
    # Through the page: the round offers earlier inspections to revisit.
    client = login(office)
    page = client.get(f"/planning/rounds/{later.pk}/").content.decode()
    assert f'<option value="{earlier.pk}">甲县县委办公室（十六届第7轮）</option>' in page
    r = client.post(
        f"/planning/rounds/{later.pk}/",
        {"organization": a.orgs["dept"].pk, "kind": "lookback", "revisits": earlier.pk},
    )
    assert r.status_code == 302
    lookback = Inspection.objects.get(round=later, organization=a.orgs["dept"])
    assert lookback.revisits == earlier
    detail = client.get(f"/planning/inspections/{lookback.pk}/").content.decode()
    assert "回看：" in detail and f"/planning/inspections/{earlier.pk}/" in detail
    # Through the API, with the theme.
    api = token_client(office)
    r = api.post(
        "/api/v1/inspections",
        {"round_id": later.pk, "organization_id": a.orgs["village"].pk, "kind": "special", "theme": "集体三资管理"},
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["theme"] == "集体三资管理" and r.json()["revisits_id"] is None
    r = api.post(
        "/api/v1/inspections",
        {"round_id": later.pk, "organization_id": a.orgs["village"].pk, "kind": "lookback", "revisits_id": 999999},
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["errors"] == {"revisits_id": ["所选原巡察不存在。"]}
