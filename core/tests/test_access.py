"""The scope rules of core.access, asked through selectors, pages and the API."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from core import access
from core.models import Role
from planning.inspections import inspections_for
from planning.models import Inspection
from registry.models import Organization
from registry.organizations import organization_update, organizations_for


def test_role_names_agree_with_the_model():
    assert set(access.ROLE_SCOPE) == set(Role.values)


def test_sibling_counties_see_nothing_of_each_other(world, login):
    a, b = world["a"], world["b"]
    for key in ("office", "office_head", "leading_group"):
        seen = set(organizations_for(user=a.users[key]).values_list("authority_id", flat=True))
        assert seen == {a.authority.pk}
        assert set(inspections_for(user=a.users[key]).values_list("authority_id", flat=True)) == {a.authority.pk}
    page = login(a.users["office"]).get("/registry/?per_page=100").content.decode()
    assert a.orgs["village"].name in page and b.orgs["village"].name not in page
    assert login(a.users["office"]).get(f"/registry/{b.orgs['village'].pk}/").status_code == 404


def test_city_sees_its_counties_read_only(world, login):
    city_office, a, b = world["city_office"], world["a"], world["b"]
    seen = set(organizations_for(user=city_office).values_list("authority_id", flat=True))
    assert seen == {a.authority.pk, b.authority.pk}
    assert inspections_for(user=city_office).count() == 2
    client = login(city_office)
    assert client.get(f"/registry/{a.orgs['village'].pk}/").status_code == 200
    assert client.get(f"/registry/{a.orgs['village'].pk}/edit/").status_code == 403
    with pytest.raises(PermissionDenied):
        organization_update(actor=city_office, organization=a.orgs["village"], name="改")
    assert (
        "编辑" not in client.get(f"/registry/{a.orgs['village'].pk}/").content.decode().split("x-page-title")[1][:200]
    )


def test_a_county_does_not_see_its_city(world):
    from registry.models import OrganizationKind
    from registry.organizations import organization_create

    city = world["city"]
    kind = OrganizationKind.objects.filter(authority=city).first()
    city_org = organization_create(actor=None, authority=city, code="C1", name="市直单位", kind=kind)
    assert not organizations_for(user=world["a"].users["office"]).filter(pk=city_org.pk).exists()


@pytest.mark.parametrize("role", ["sysadmin", "secadmin", "auditor", "nobody"])
def test_administrators_see_no_case_data(world, login, role):
    user = world["a"].users[role]
    assert not access.roles(user) & set(access.CASE_ROLES)
    assert inspections_for(user=user).count() == 0
    assert organizations_for(user=user).count() == 0
    with pytest.raises(Http404):
        access.check(user, "view", world["a"].inspection)
    client = login(user)
    refused = client.get("/registry/")  # a page of roles they do not hold: 403 naming them, no record
    assert refused.status_code == 403 and "此类页面供巡察办" in refused.content.decode()
    assert "党组织名册" not in client.get("/").content.decode()


def test_auditor_reads_the_trail_and_changes_nothing(world, login):
    auditor = world["a"].users["auditor"]
    client = login(auditor)
    assert client.get("/audit/").status_code == 200
    assert client.post("/registry/new/", {"code": "Z", "name": "Z"}).status_code == 403
    assert client.post(f"/accounts/{auditor.pk}/", {"role": "office"}).status_code == 404
    assert set(access.RULES["audit"]["change"]) == set()


def test_team_sees_only_its_inspection(world):
    a, b = world["a"], world["b"]
    for key in ("team_leader", "team_member"):
        assert list(inspections_for(user=a.users[key])) == [a.inspection]
    other = Inspection.objects.create(authority=a.authority, round=a.inspection.round, organization=a.orgs["town"])
    assert other not in inspections_for(user=a.users["team_member"])
    with pytest.raises(Http404):
        access.check(a.users["team_member"], "view", other)
    with pytest.raises(Http404):
        access.check(b.users["team_member"], "view", a.inspection)
    access.check(a.users["team_member"], "change", a.inspection)


def test_unit_liaison_sees_only_its_own_organisation(world):
    a = world["a"]
    assert list(organizations_for(user=a.users["unit_liaison"])) == [a.orgs["dept"]]
    assert inspections_for(user=a.users["unit_liaison"]).count() == 0


def test_receiver_sees_no_inspection(world):
    assert inspections_for(user=world["a"].users["receiver"]).count() == 0


def test_out_of_scope_is_404_like_missing_in_the_api(world):
    from conftest import token_client

    c = token_client(world["a"].users["office"])
    missing = c.get("/api/v1/organizations/999999")
    hidden = c.get(f"/api/v1/organizations/{world['b'].orgs['dept'].pk}")
    assert missing.status_code == hidden.status_code == 404
    assert missing.json() == hidden.json()
    listed = c.get("/api/v1/organizations?limit=500").json()
    assert {o["authority_id"] for o in listed["items"]} == {world["a"].authority.pk}
    assert listed["count"] == Organization.objects.filter(authority=world["a"].authority).count()


def test_deactivated_account_loses_everything(world, login):
    from core.services import user_set_active

    a = world["a"]
    client = login(a.users["office"])
    user_set_active(actor=a.users["secadmin"], user=a.users["office"], active=False)
    assert client.get("/registry/").status_code == 302
