"""The second demo county (松岩县, demo.second_county): its accounts, its inspection on site, and
the separation of the two counties as their offices see it through the pages and the API,
with the city's office seeing both."""

import io

from django.core.management import call_command
from django.test import Client

from core.models import AuditEvent, RoleAssignment, User
from demo.second_county import ORGANIZATIONS
from onsite.models import Interview, Petition
from planning.models import Inspection, Inspector, Round, TeamMember, Term
from registry.models import Organization

SY_ACCOUNTS = {
    "sy_office": "office",
    "sy_leader": "team_leader",
    "sy_member": "team_member",
    "sy_unit": "unit_liaison",
}


def _load():
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def _accounts(tmp_path) -> list[tuple[str, str, str]]:
    lines = (tmp_path / "demo-accounts.txt").read_text(encoding="utf-8").splitlines()
    return [tuple(line.split()) for line in lines]


def _client(tmp_path, username) -> Client:
    """Signed in through the login page with the password the file gives, as a visitor would."""
    password = {u: p for u, p, _ in _accounts(tmp_path)}[username]
    client = Client()
    response = client.post("/login/", {"username": username, "password": password})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def _sy_inspection():
    return Inspection.objects.get(authority__code="MH-SY", stage="onsite")


def test_second_county_has_its_office_team_unit_and_inspection_on_site(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    printed = _load()
    rows = {u: r for u, _, r in _accounts(tmp_path)}
    assert {u: rows.get(u) for u in SY_ACCOUNTS} == SY_ACCOUNTS
    assert all(u in printed for u in SY_ACCOUNTS)
    assert sum(u.startswith("qh_") for u in rows) >= 20  # 青禾县's accounts are all still there

    sy = Organization.objects.filter(authority__code="MH-SY")
    assert sorted(sy.values_list("name", flat=True)) == sorted(n for _, n, _, _ in ORGANIZATIONS)
    assert sy.first().authority.parent.code == "MH"  # a sibling of 青禾县 under 明湖市
    assert list(Round.objects.filter(authority__code="MH-SY").values_list("number", flat=True)) == [1, 2]
    assert Term.objects.get(authority__code="MH-SY").name == "十五届县委"

    inspection = _sy_inspection()
    assert inspection.organization.name == "松岩县自然资源局" and inspection.round.number == 2
    members = {m.inspector.name: (m.role, m.inspector.user) for m in TeamMember.objects.filter(team=inspection.team)}
    assert members["方志诚"] == ("leader", User.objects.get(username="sy_leader"))
    assert members["蒋慧"] == ("member", User.objects.get(username="sy_member"))
    for username, role in SY_ACCOUNTS.items():
        user = User.objects.get(username=username)
        assert user.authority.code == "MH-SY"
        assert RoleAssignment.objects.filter(user=user, role=role, authority__code="MH-SY").exists()
    unit = RoleAssignment.objects.get(user__username="sy_unit", role="unit_liaison")
    assert unit.scope_id == inspection.organization_id
    assert Petition.objects.filter(inspection=inspection).count() == 2
    assert Interview.objects.filter(inspection=inspection, held_at__isnull=False).count() == 1

    # What the team leader sees on the inspection's page, signed in with the file's password.
    page = _client(tmp_path, "sy_leader").get(f"/onsite/inspections/{inspection.pk}/")
    assert page.status_code == 200 and "松岩县自然资源局" in page.content.decode()
    petitions = _client(tmp_path, "sy_member").get(f"/onsite/inspections/{inspection.pk}/petitions/")
    assert "竹坪乡茶园村违规占用耕地建厂房无人查处" in petitions.content.decode()

    # Loading again changes nothing, in either county.
    models = (Organization, Inspection, Round, User, RoleAssignment, Inspector, TeamMember, Petition, Interview)
    counts = [m.objects.count() for m in models] + [AuditEvent.objects.count()]
    lines = _accounts(tmp_path)
    _load()
    assert [m.objects.count() for m in models] + [AuditEvent.objects.count()] == counts
    assert _accounts(tmp_path) == lines


def _api_ids(client, path) -> tuple[set[int], int]:
    response = client.get(path, {"limit": 500})
    assert response.status_code == 200, path
    body = response.json()
    return {item["id"] for item in body["items"]}, body["count"]


def test_each_county_sees_only_its_own_and_the_city_sees_both(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    _load()
    sy_office, qh_office, city = (_client(tmp_path, u) for u in ("sy_office", "qh_office", "mh_office"))
    sy_insp, qh_insp = (
        _sy_inspection(),
        Inspection.objects.get(round__number=7, kind="special", organization__name="县财政局"),
    )

    def ids(model, code):
        return set(model.objects.filter(authority__code=code).values_list("pk", flat=True))

    # The API lists: each office gets its own county's records; the city reads both counties'
    # registry and case records, but not their inspector pools (each office's own settings).
    for path, model, city_reads in (
        ("/api/v1/organizations", Organization, True),
        ("/api/v1/inspections", Inspection, True),
        ("/api/v1/petitions", Petition, True),
        ("/api/v1/interviews", Interview, True),
        ("/api/v1/inspectors", Inspector, False),
    ):
        sy, qh = ids(model, "MH-SY"), ids(model, "MH-QH")
        assert sy and qh, path
        assert _api_ids(sy_office, path) == (sy, len(sy)), path
        assert _api_ids(qh_office, path) == (qh, len(qh)), path
        seen, count = _api_ids(city, path)
        assert (seen >= sy | qh and count == len(sy | qh)) if city_reads else not seen & (sy | qh), path
    # The team and the unit of 松岩县 see their own inspection only.
    assert _api_ids(_client(tmp_path, "sy_member"), "/api/v1/petitions")[0] == set(
        Petition.objects.filter(inspection=sy_insp).values_list("pk", flat=True)
    )
    assert _api_ids(_client(tmp_path, "sy_unit"), "/api/v1/organizations")[0] == {sy_insp.organization_id}

    # The pages: the registry (searched for an organisation of each county: the rows link to
    # their pages), the inspections on site, the terms.
    jinzhu = Organization.objects.get(authority__code="MH-QH", name="金竹乡")
    sy_org, qh_org = f'href="/registry/{sy_insp.organization_id}/"', f'href="/registry/{jinzhu.pk}/"'
    text = {}
    for who, client in (("sy", sy_office), ("qh", qh_office), ("city", city)):
        text[who] = {
            "registry": client.get("/registry/", {"q": "松岩县自然资源局"}).content.decode(),
            "jinzhu": client.get("/registry/", {"q": "金竹乡"}).content.decode(),
            "onsite": client.get("/onsite/").content.decode(),
            "terms": client.get("/planning/terms/", follow=True).content.decode(),
        }
    sy_link, qh_link = f"/onsite/inspections/{sy_insp.pk}/", f"/onsite/inspections/{qh_insp.pk}/"
    assert sy_org in text["sy"]["registry"] and qh_org not in text["sy"]["jinzhu"]
    assert sy_link in text["sy"]["onsite"] and qh_link not in text["sy"]["onsite"]
    assert "十五届县委" in text["sy"]["terms"] and "十六届县委" not in text["sy"]["terms"]
    assert sy_org not in text["qh"]["registry"] and qh_org in text["qh"]["jinzhu"]
    assert qh_link in text["qh"]["onsite"] and sy_link not in text["qh"]["onsite"]
    assert "松岩" not in text["qh"]["onsite"]
    assert "十六届县委" in text["qh"]["terms"] and "十五届县委" not in text["qh"]["terms"]
    assert sy_org in text["city"]["registry"] and qh_org in text["city"]["jinzhu"]
    assert sy_link in text["city"]["onsite"] and qh_link in text["city"]["onsite"]
    for name in (
        "十五届县委",
        "中共松岩县委巡察工作领导小组办公室",
        "十六届县委",
        "中共青禾县委巡察工作领导小组办公室",
    ):
        assert name in text["city"]["terms"], name

    # Another county's records answer 404, as records that do not exist; the city reads both.
    for client, other in ((sy_office, qh_insp), (qh_office, sy_insp)):
        assert client.get(f"/onsite/inspections/{other.pk}/").status_code == 404
        assert client.get(f"/onsite/inspections/{other.pk}/petitions/").status_code == 404
        assert client.get(f"/registry/{other.organization_id}/").status_code == 404
        assert client.get(f"/api/v1/inspections/{other.pk}").status_code == 404
    for inspection in (sy_insp, qh_insp):
        assert city.get(f"/onsite/inspections/{inspection.pk}/").status_code == 200
