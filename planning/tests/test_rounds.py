"""Rounds and their inspections: the office plans them, through the pages and the API."""

import datetime

from django.core.exceptions import ValidationError

from conftest import token_client
from planning.models import Inspection, Round
from planning.services import round_create

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
