"""Every coverage rule of a term, on the real services."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from conftest import token_client
from planning.coverage import term_coverage
from planning.inspections import inspection_create, round_create, term_create
from registry.models import OrganizationKind
from registry.organizations import organization_create, organization_update

D = datetime.date


@pytest.fixture
def county(world):
    """County A with a term of 2021-2026, two past rounds and one still to come."""
    a = world["a"]
    office = a.users["office"]
    kinds = {k.name: k for k in OrganizationKind.objects.filter(authority=a.authority)}
    term = term_create(
        actor=office, authority=a.authority, name="十六届", start_on=D(2021, 10, 1), end_on=D(2026, 12, 31)
    )
    r1 = round_create(actor=office, term=term, number=1, entry_on=D(2022, 3, 1))
    r2 = round_create(actor=office, term=term, number=2, entry_on=D(2023, 3, 1))
    r3 = round_create(actor=office, term=term, number=3, entry_on=D(2026, 12, 1))

    def org(code, name, kind="县直部门", **extra):
        return organization_create(actor=office, authority=a.authority, code=code, name=name, kind=kinds[kind], **extra)

    return {"a": a, "office": office, "term": term, "rounds": (r1, r2, r3), "org": org, "kinds": kinds}


def _names(c):
    return sorted(o.organization.name for o in c.uncovered)


def test_inspected_past_preparation_counts_planned_does_not(county):
    office, (r1, _, r3) = county["office"], county["rounds"]
    done = county["org"]("D100", "已巡察局")
    planned = county["org"]("D101", "计划局")
    inspection_create(actor=office, round=r1, organization=done, stage="archived")
    inspection_create(actor=office, round=r3, organization=planned)
    c = term_coverage(county["term"], today=D(2026, 11, 29))
    assert "已巡察局" not in _names(c)
    owed = {o.organization.name: o.planned_round for o in c.uncovered}
    assert owed["计划局"] == 3
    assert c.remaining_rounds == [3]


def test_merged_organisation_passes_its_coverage_on(county):
    office, (r1, _, _) = county["office"], county["rounds"]
    old = county["org"]("V1", "老村", "村(社区)")
    new = county["org"]("V3", "新村", "村(社区)", established_on=D(2024, 6, 1))
    inspection_create(actor=office, round=r1, organization=old, stage="archived")
    organization_update(actor=office, organization=old, status="merged", ended_on=D(2024, 6, 1), merged_into=new)
    c = term_coverage(county["term"])
    assert "新村" not in _names(c) and "老村" not in _names(c)
    assert any(d.organization == old and "并入新村" in d.note for d in c.dropped)


def test_merger_of_uninspected_organisations_leaves_the_successor_owed(county):
    office = county["office"]
    old = county["org"]("V1", "老村", "村(社区)")
    new = county["org"]("V3", "新村", "村(社区)", established_on=D(2024, 6, 1))
    organization_update(actor=office, organization=old, status="merged", ended_on=D(2024, 6, 1), merged_into=new)
    assert "新村" in _names(term_coverage(county["term"]))


def test_dissolved_organisation_drops_out_with_a_note(county):
    office = county["office"]
    gone = county["org"]("D200", "粮食局")
    organization_update(actor=office, organization=gone, status="dissolved", ended_on=D(2023, 12, 31))
    c = term_coverage(county["term"])
    assert "粮食局" not in _names(c)
    assert [d.note for d in c.dropped if d.organization == gone] == ["已于2023年12月31日撤销，不再计入全覆盖"]


def test_organisation_created_mid_term_is_owed_and_one_created_after_is_not(county):
    county["org"]("D300", "新设局", established_on=D(2025, 1, 1))
    county["org"]("D301", "下届才设局", established_on=D(2027, 3, 1))
    names = _names(term_coverage(county["term"]))
    assert "新设局" in names and "下届才设局" not in names


def test_scope_kinds_and_share_by_kind(county):
    a, office, kinds = county["a"], county["office"], county["kinds"]
    term = term_create(
        actor=office,
        authority=a.authority,
        name="村级届",
        start_on=D(2021, 10, 1),
        end_on=D(2026, 12, 31),
        scope_kinds=[kinds["村(社区)"]],
        village_target=80,
    )
    r = round_create(actor=office, term=term, number=1, entry_on=D(2022, 3, 1))
    inspection_create(actor=office, round=r, organization=a.orgs["village"], stage="onsite")
    c = term_coverage(term)
    assert c.in_scope == 1 and c.covered == 1 and c.uncovered == []
    assert [(k.name, k.in_scope, k.covered, k.share) for k in c.by_kind] == [("村(社区)", 1, 1, 1.0)]
    assert c.village.share == 1.0 and c.per_remaining_round == 0


def test_remaining_rounds_share_the_uncovered(county):
    c = term_coverage(county["term"], today=D(2022, 1, 1))
    assert c.remaining_rounds == [1, 2, 3]
    assert c.per_remaining_round == -(-len(c.uncovered) // 3)
    late = term_coverage(county["term"], today=D(2027, 1, 1))
    assert late.remaining_rounds == [] and late.per_remaining_round is None


def test_a_second_inspection_in_a_term_needs_a_reason(county):
    office, (r1, r2, _) = county["office"], county["rounds"]
    org = county["org"]("D400", "复查局")
    first = inspection_create(actor=office, round=r1, organization=org, stage="archived")
    with pytest.raises(ValidationError) as e:
        inspection_create(actor=office, round=r2, organization=org)
    assert "本届已在第1轮巡察" in e.value.message_dict["repeat_reason"][0]
    inspection_create(actor=office, round=r2, organization=org, kind="lookback", revisits=first)
    inspection_create(actor=office, round=r2, organization=org, kind="special", theme="财务管理")
    again = inspection_create(actor=office, round=r2, organization=org, repeat_reason="群众反映问题集中")
    assert again.repeat_reason == "群众反映问题集中"


def test_coverage_query_count_does_not_grow_with_the_registry(county, django_assert_max_num_queries):
    for i in range(60):
        county["org"](f"Z{i:03d}", f"单位{i}")
    with django_assert_max_num_queries(5):
        term_coverage(county["term"])


def test_coverage_api_and_page(county, login):
    a, term = county["a"], county["term"]
    body = token_client(a.users["office"]).get(f"/api/v1/terms/{term.pk}/coverage").json()
    assert {"in_scope", "covered", "uncovered", "by_kind", "share"} <= set(body)
    assert a.orgs["village"].name in {o["name"] for o in body["uncovered"]}
    assert body["in_scope"] == body["covered"] + len(body["uncovered"])
    page = login(a.users["leading_group"]).get(f"/planning/terms/{term.pk}/coverage/").content.decode()
    assert "届内巡察全覆盖" in page and a.orgs["village"].name in page
    assert token_client(world_b(county)).get(f"/api/v1/terms/{term.pk}/coverage").status_code == 404
    assert login(county["a"].users["auditor"]).get(f"/planning/terms/{term.pk}/coverage/").status_code == 404


def world_b(county):
    from core.models import User

    return User.objects.get(username="mh_b_office")


def test_term_api_creates_with_scope(county):
    a = county["a"]
    kind = county["kinds"]["村(社区)"]
    client = token_client(a.users["office"])
    r = client.post(
        "/api/v1/terms",
        {"name": "十七届", "start_on": "2027-01-01", "end_on": "2031-12-31", "scope_kind_ids": [kind.pk]},
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["scope_kind_ids"] == [kind.pk]
    bad = client.post(
        "/api/v1/terms",
        {"name": "倒置", "start_on": "2031-01-01", "end_on": "2027-12-31"},
        content_type="application/json",
    )
    assert bad.status_code == 422 and "结束日期须晚于开始日期" in bad.json()["errors"]["end_on"][0]
    denied = token_client(a.users["leading_group"]).post(
        "/api/v1/terms",
        {"name": "X", "start_on": "2027-01-01", "end_on": "2031-12-31"},
        content_type="application/json",
    )
    assert denied.status_code == 403
