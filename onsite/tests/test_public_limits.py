"""The public channel's limits as reporters, a stranger guessing codes and the office meet
them: per client (its address, which is never stored), not per browser session, with a
growing delay for a client that keeps guessing, and a flood pause the office sees and lifts."""

import re

import pytest
from django.test import Client

from conftest import token_client
from core import ratelimit
from core.models import AuditEvent, RateCounter
from onsite.models import Petition
from onsite.tests.test_public import _code, _report, _url
from planning.models import Inspection

RECEIPT = "/p/receipt/"


@pytest.fixture
def inspection(world):
    return Inspection.objects.get(pk=world["a"].inspection.pk)


def _browser(ip: str, url: str = RECEIPT) -> tuple[Client, str]:
    """A fresh browser (no cookies yet) at the address ``ip``, with CSRF checks on."""
    client = Client(enforce_csrf_checks=True, REMOTE_ADDR=ip)
    client.get(url)
    return client, client.cookies["csrftoken"].value


def _lookup(client, token, code) -> str:
    r = client.post(RECEIPT, {"csrfmiddlewaretoken": token, "action": "lookup", "code": code})
    assert r.status_code in (200, 302)
    return r.content.decode() if r.status_code == 200 else "opened"


def _reported(inspection, ip="198.51.100.9") -> str:
    client, token = _browser(ip, _url(inspection))
    return _code(_report(client, token, inspection))


def test_one_client_guessing_codes_does_not_lock_out_the_reporter(inspection):
    code = _reported(inspection)
    guesser, token = _browser("203.0.113.66")
    answers = [_lookup(guesser, token, f"GUESS{i:015d}") for i in range(40)]
    assert any("请一分钟后再试" in a or "秒后再试" in a for a in answers)
    reporter, token = _browser("198.51.100.9")
    assert _lookup(reporter, token, code) == "opened"
    api = Client(REMOTE_ADDR="198.51.100.10").get(f"/api/v1/public/petitions/{code}")
    assert api.status_code == 200


def test_dropping_the_cookie_does_not_reset_the_limit(inspection):
    for _ in range(5):
        client, token = _browser("203.0.113.7")  # a new session each time
        assert "查询码无效" in _lookup(client, token, "B" * 20)
    client, token = _browser("203.0.113.7")
    assert "查询过于频繁" in _lookup(client, token, "B" * 20)
    api = Client(REMOTE_ADDR="203.0.113.7").get("/api/v1/public/petitions/" + "B" * 20)
    assert api.status_code == 429 and api.json()["code"] == "rate_limited"


def test_a_client_that_keeps_guessing_waits_longer_each_time(inspection, monkeypatch):
    now = [2_000_000_000.0]
    monkeypatch.setattr(ratelimit, "_now", lambda: now[0])
    client, token = _browser("203.0.113.8")
    waits = []
    for _ in range(5):  # the free misses, spread over minutes so the per-minute limit is not met
        assert "查询码无效" in _lookup(client, token, "C" * 20)
        now[0] += 61
    for _ in range(4):  # each further miss, then a try straight after it
        assert "查询码无效" in _lookup(client, token, "C" * 20)
        waits.append(int(re.search(r"请 (\d+) 秒后再试", _lookup(client, token, "C" * 20)).group(1)))
        now[0] += waits[-1] + 61
    assert waits == [2, 4, 8, 16]  # the wait doubles
    assert not AuditEvent.objects.filter(action="petition.receipt_open").exists()


def test_counters_keep_no_address(inspection):
    _reported(inspection, ip="198.51.100.77")
    client, token = _browser("198.51.100.77")
    _lookup(client, token, "D" * 20)
    keys = " ".join(RateCounter.objects.values_list("key", flat=True))
    assert keys and "198.51.100.77" not in keys and "198-51-100-77" not in keys


def test_one_client_may_send_a_few_reports_an_hour_and_others_are_not_stopped(settings, inspection):
    settings.XUNCHA = {**settings.XUNCHA, "PUBLIC_SUBMISSIONS_PER_CLIENT_PER_HOUR": 2}
    client, token = _browser("203.0.113.20", _url(inspection))
    for _ in range(2):
        assert "查询码只显示这一次" in _report(client, token, inspection).content.decode()
    assert "您本小时提交的反映较多" in _report(client, token, inspection).content.decode()
    other, token = _browser("203.0.113.21", _url(inspection))
    assert "查询码只显示这一次" in _report(other, token, inspection).content.decode()
    assert Petition.objects.count() == 3
    assert not AuditEvent.objects.filter(action="petition.flood").exists()


def _page(client, inspection) -> str:
    r = client.get(f"/onsite/inspections/{inspection.pk}/petitions/")
    assert r.status_code == 200
    return r.content.decode()


def test_the_office_sees_a_flood_pause_and_lifts_it(settings, world, inspection, login):
    settings.XUNCHA = {**settings.XUNCHA, "PUBLIC_SUBMISSIONS_PER_HOUR": 3}
    office = login(world["a"].users["office"])
    assert "本小时已收到网上举报 0 件" in _page(office, inspection)
    for i in range(3):
        _reported(inspection, ip=f"203.0.113.{30 + i}")
    for i in range(2):  # refused: the first refusal in the hour is audited, once
        client, token = _browser(f"203.0.113.{40 + i}", _url(inspection))
        assert "当前提交较多" in _report(client, token, inspection).content.decode()
    assert AuditEvent.objects.filter(action="petition.flood", outcome="denied").count() == 1
    page = _page(office, inspection)
    assert "达到每小时 3 件的上限" in page and "恢复受理" in page
    assert page.index("恢复受理") < page.index("<table")  # above the list, not below it
    member = login(world["a"].users["team_member"])
    assert "网上举报通道" not in _page(member, inspection)  # only who may designate intake
    r = office.post(f"/onsite/inspections/{inspection.pk}/petitions/channel/lift/", follow=True)
    assert "已恢复网上举报受理（本小时此前已收到 3 件）" in r.content.decode()
    assert AuditEvent.objects.get(action="petition.flood_lift").detail == {"received": 3}
    _reported(inspection, ip="203.0.113.50")
    assert Petition.objects.count() == 4


def test_the_api_shows_and_lifts_a_pause(settings, world, inspection):
    settings.XUNCHA = {**settings.XUNCHA, "PUBLIC_SUBMISSIONS_PER_HOUR": 1}
    _reported(inspection, ip="203.0.113.60")
    leader = token_client(world["a"].users["team_leader"])
    state = leader.get(f"/api/v1/inspections/{inspection.pk}/public-channel").json()
    assert state["received"] == 1 and state["limit"] == 1 and state["paused"]
    lifted = leader.post(f"/api/v1/inspections/{inspection.pk}/public-channel/lift")
    assert lifted.status_code == 200 and lifted.json()["paused"] is False
    member = token_client(world["a"].users["team_member"])
    assert member.post(f"/api/v1/inspections/{inspection.pk}/public-channel/lift").status_code == 403
