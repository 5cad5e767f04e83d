"""Leads: who sees them (sealed, transferred, to whom), and that who and what stay sealed."""

import json

import pytest
from django.db import connection
from django.utils import timezone

from conftest import make_user, token_client
from core.models import AuditEvent
from core.services import receiver_create
from results.leads import lead_create
from results.models import Lead
from results.tests.factories import first_finding
from results.transfers import transfer_create

OUTSIDERS = ("office", "team_member", "leading_group", "unit_liaison", "receiver", "nobody")


@pytest.fixture
def leads(world):
    """County A: an open lead by the team leader and a sealed one on a senior leader by the office head."""
    a = world["a"]
    open_lead = lead_create(
        actor=a.users["team_leader"],
        inspection=a.inspection,
        category="discipline",
        name="孙立新",
        post="办公室副主任",
        details="利用职务便利为亲属承揽工程",
        finding=first_finding(world),
    )
    sealed = lead_create(
        actor=a.users["office_head"],
        inspection=a.inspection,
        category="discipline",
        name="钱伯钧",
        post="县委办公室主任",
        details="收受管理服务对象礼金",
        senior=True,
        sealed=True,
    )
    return a, open_lead, sealed


def _page(client, a):
    return client.get(f"/results/inspections/{a.inspection.pk}/leads/")


def _api_names(user):
    items = token_client(user).get("/api/v1/leads").json()["items"]
    return {i["name"] for i in items}


def test_before_transfer_the_leader_sees_open_leads_and_only_the_head_sees_sealed_ones(leads, login):
    a, open_lead, sealed = leads
    page = _page(login(a.users["team_leader"]), a).content.decode()
    assert "孙立新" in page and "利用职务便利为亲属承揽工程" in page and "公务接待超标准" in page
    assert "钱伯钧" not in page  # sealed: not even for the team leader
    assert _api_names(a.users["team_leader"]) == {"孙立新"}
    assert token_client(a.users["team_leader"]).get(f"/api/v1/leads/{sealed.pk}").status_code == 404

    head = _page(login(a.users["office_head"]), a).content.decode()
    assert "孙立新" in head and "钱伯钧" in head and "收受管理服务对象礼金" in head and "封存" in head
    assert _api_names(a.users["office_head"]) == {"孙立新", "钱伯钧"}
    r = token_client(a.users["office_head"]).get(f"/api/v1/leads/{sealed.pk}")
    assert r.status_code == 200
    assert r.json() | {"created_at": None} == {
        "id": sealed.pk,
        "inspection_id": a.inspection.pk,
        "finding_id": None,
        "category": "discipline",
        "senior": True,
        "sealed": True,
        "name": "钱伯钧",
        "post": "县委办公室主任",
        "details": "收受管理服务对象礼金",
        "transferred": False,
        "created_at": None,
    }


@pytest.mark.parametrize("role", OUTSIDERS)
def test_nobody_else_sees_any_lead(leads, login, role):
    """The office (not its head), the team's members, the leading group, the unit and a
    receiver before any transfer: no page, no list entry, 404 for each lead."""
    a, open_lead, sealed = leads
    user = a.users[role]
    assert _page(login(user), a).status_code == 404
    client = token_client(user)
    assert client.get("/api/v1/leads").json() == {"items": [], "count": 0}
    for lead in (open_lead, sealed):
        assert client.get(f"/api/v1/leads/{lead.pk}").status_code == 404


def test_county_b_sees_nothing_of_county_a(leads, world, login):
    a, open_lead, _ = leads
    b = world["b"]
    for role in ("office_head", "team_leader"):
        assert _page(login(b.users[role]), a).status_code == 404
        assert _api_names(b.users[role]) == set()
        assert token_client(b.users[role]).get(f"/api/v1/leads/{open_lead.pk}").status_code == 404


def test_once_transferred_the_receiver_it_went_to_sees_it_and_no_other(leads, world, login):
    a, open_lead, sealed = leads
    other = receiver_create(actor=None, authority=a.authority, name="甲县纪委监委第二派驻纪检组", kind="discipline")
    other_user = make_user(a.authority, "a_other_receiver", "receiver", other.pk)
    transfer_create(
        actor=a.users["office_head"],
        inspection=a.inspection,
        receiver=a.receiver,
        kind="leads",
        leads=[sealed],
        sent_on=timezone.localdate(),
    )
    assert _api_names(a.users["receiver"]) == {"钱伯钧"}  # what went to it, nothing else
    r = token_client(a.users["receiver"]).get(f"/api/v1/leads/{sealed.pk}")
    assert r.status_code == 200 and r.json()["details"] == "收受管理服务对象礼金" and r.json()["transferred"]
    assert token_client(a.users["receiver"]).get(f"/api/v1/leads/{open_lead.pk}").status_code == 404
    assert _api_names(other_user) == set()
    assert token_client(other_user).get(f"/api/v1/leads/{sealed.pk}").status_code == 404
    assert _api_names(world["b"].users["receiver"]) == set()
    # The team leader still does not see the sealed lead; the office still sees no lead.
    assert _api_names(a.users["team_leader"]) == {"孙立新"}
    assert _api_names(a.users["office"]) == set()
    # The leads page stays the team's and the head's: a receiver reads its leads through the transfer.
    assert _page(login(a.users["receiver"]), a).status_code == 404


def test_a_leader_who_seals_a_lead_no_longer_sees_it(world, login):
    a = world["a"]
    client = login(a.users["team_leader"])
    form = _page(client, a).content.decode()
    assert "封存后，移交前仅巡察办主任可以查看；记录线索的组长此后也将看不到这条线索。" in form
    body = {"category": "discipline", "name": "李德明", "post": "副县长", "details": "插手工程招投标", "sealed": "on"}
    r = client.post(f"/results/inspections/{a.inspection.pk}/leads/", body)
    assert r.status_code == 200 and not Lead.objects.exists()
    page = r.content.decode()
    assert "只有涉及领导干部的线索可以封存。" in page and 'value="李德明"' in page  # nothing lost
    r = client.post(f"/results/inspections/{a.inspection.pk}/leads/", {**body, "senior": "on"}, follow=True)
    page = r.content.decode()
    assert "该线索已封存，移交前仅巡察办主任可以查看。" in page and "李德明" not in page
    lead = Lead.objects.get()
    assert lead.sealed and lead.senior and lead.created_by == a.users["team_leader"]
    assert "李德明" in _page(login(a.users["office_head"]), a).content.decode()


def test_who_may_record_and_what_is_checked(world):
    a = world["a"]
    body = {"inspection_id": a.inspection.pk, "category": "cadre", "name": "周某", "details": "突击提拔干部"}
    url = "/api/v1/leads"
    for role in ("office", "team_member", "leading_group"):  # they see the inspection, not its leads
        assert token_client(a.users[role]).post(url, body, content_type="application/json").status_code == 403
    for user in (a.users["receiver"], a.users["unit_liaison"], world["b"].users["team_leader"]):
        assert token_client(user).post(url, body, content_type="application/json").status_code == 404
    leader = token_client(a.users["team_leader"])
    r = leader.post(url, {**body, "name": " ", "details": "", "category": "x"}, content_type="application/json")
    assert r.status_code == 422
    assert r.json()["errors"] == {
        "category": ["请选择线索类别。"],
        "name": ["请填写被反映人姓名。"],
        "details": ["请写明反映的主要问题。"],
    }
    other = first_finding(world)
    other.inspection = world["b"].inspection  # a finding of another inspection is refused
    other.authority = world["b"].authority
    other.save()
    r = leader.post(url, {**body, "finding_id": other.pk}, content_type="application/json")
    assert r.status_code == 422 and r.json()["errors"] == {"finding": ["所选问题不存在或不属于本次巡察。"]}
    assert not Lead.objects.exists()
    r = leader.post(url, {**body, "senior": True, "sealed": True}, content_type="application/json")
    # Recorded, but answered without its subject: the leader no longer sees a sealed lead.
    assert r.status_code == 201 and r.json()["sealed"] and r.json()["name"] is None and r.json()["details"] is None


def test_the_subject_is_sealed_at_rest_and_every_read_is_audited(leads, login):
    a, open_lead, sealed = leads
    with connection.cursor() as cursor:
        cursor.execute("SELECT subject FROM results_lead")
        raw = " ".join(row[0] for row in cursor.fetchall())
    for text in ("孙立新", "钱伯钧", "办公室副主任", "礼金"):
        assert text not in raw
    assert raw.startswith(("aes-gcm:", "sm4-gcm:"))

    before = AuditEvent.objects.filter(action="lead.read").count()
    token_client(a.users["office_head"]).get(f"/api/v1/leads/{sealed.pk}")
    read = AuditEvent.objects.filter(action="lead.read").order_by("-seq").first()
    assert AuditEvent.objects.filter(action="lead.read").count() == before + 1
    assert read.actor == a.users["office_head"] and read.object_id == str(sealed.pk)
    assert read.detail == {"lead": sealed.pk, "category": "discipline"}
    _page(login(a.users["team_leader"]), a)
    assert AuditEvent.objects.filter(action="lead.read", actor=a.users["team_leader"]).count() == 1  # the one shown
    created = AuditEvent.objects.get(action="lead.create", object_id=str(sealed.pk))
    assert created.detail == {"lead": sealed.pk, "category": "discipline"}
    # No name, post or matter anywhere in the audit trail.
    trail = json.dumps(
        list(AuditEvent.objects.values("detail", "object_repr", "action")), ensure_ascii=False, default=str
    )
    for text in ("孙立新", "钱伯钧", "办公室副主任", "礼金"):
        assert text not in trail
