"""Shared test data, built with the real services (as the pages and API build it).

Two sibling counties under one city, each with a registry, a round and an
inspection, and one account per role, so every permission test can ask the
four questions: anonymous, no permission, permission, permission elsewhere.
"""

import datetime
from dataclasses import dataclass, field

import pytest
from django.test import Client

from core.models import Authority, User
from core.services import authority_create, receiver_create, role_assign, user_create
from planning.inspections import inspection_create, round_create, term_create
from planning.models import Inspector
from planning.teams import inspection_assign_team, team_create
from registry.models import OrganizationKind
from registry.organizations import organization_create

PASSWORD = "Test-pass-2026!"


@dataclass
class County:
    authority: Authority
    orgs: dict = field(default_factory=dict)
    inspection: object = None
    receiver: object = None
    team: object = None
    inspector: object = None
    users: dict = field(default_factory=dict)


def make_user(authority, username, role=None, scope_id=None):
    user = user_create(
        actor=None,
        authority=authority,
        username=username,
        full_name=f"测试{username}",
        password=PASSWORD,
        must_change_password=False,
    )
    if role:
        role_assign(actor=None, user=user, role=role, authority=authority, scope_id=scope_id)
    return User.objects.get(pk=user.pk)


def make_county(city, code, name):
    a = authority_create(actor=None, name=name, code=code, level="county", parent=city)
    c = County(authority=a)
    kinds = {k.name: k for k in OrganizationKind.objects.filter(authority=a)}
    town = organization_create(actor=None, authority=a, code="T01", name=f"{name}青禾镇", kind=kinds["乡镇(街道)"])
    c.orgs["town"] = town
    c.orgs["village"] = organization_create(
        actor=None, authority=a, code="T01-V01", name=f"{name}上坪村", kind=kinds["村(社区)"], parent=town
    )
    c.orgs["dept"] = organization_create(
        actor=None, authority=a, code="D001", name=f"{name}县委办公室", kind=kinds["县直部门"]
    )
    term = term_create(
        actor=None, authority=a, name="十六届", start_on=datetime.date(2021, 10, 1), end_on=datetime.date(2026, 12, 31)
    )
    rnd = round_create(actor=None, term=term, number=7)
    c.inspection = inspection_create(actor=None, round=rnd, organization=c.orgs["dept"])
    c.receiver = receiver_create(actor=None, authority=a, name=f"{name}纪委监委", kind="discipline")
    c.team = team_create(actor=None, round=rnd, name="第一巡察组")
    inspection_assign_team(actor=None, inspection=c.inspection, team=c.team)
    c.inspector = Inspector.objects.create(authority=a, name=f"{name}张伟", unit="审计局")
    p = code.lower().replace("-", "_")
    roles = {
        "office": ("office", None),
        "office_head": ("office_head", None),
        "leading_group": ("leading_group", None),
        "sysadmin": ("sysadmin", None),
        "secadmin": ("secadmin", None),
        "auditor": ("auditor", None),
        "team_leader": ("team_leader", c.inspection.pk),
        "team_member": ("team_member", c.inspection.pk),
        "unit_liaison": ("unit_liaison", c.orgs["dept"].pk),
        "receiver": ("receiver", c.receiver.pk),
        "data_officer": ("data_officer", None),
        "nobody": (None, None),
    }
    for key, (role, scope) in roles.items():
        c.users[key] = make_user(a, f"{p}_{key}", role, scope)
    return c


# Records of later stages that several apps' tests build on (each app's own builders are in
# its tests/factories.py). Made with the ORM, once per test: the same record on each call.

FINDING_TITLE = "公务接待超标准"


def focus_leaf(w, key="a"):
    """County ``key``'s first leaf of group focus (by code), of any taxonomy version."""
    from onsite.models import FocusArea

    return (
        FocusArea.objects.filter(taxonomy__authority=w[key].authority, group="focus", children__isnull=True)
        .order_by("code")
        .first()
    )


def finding(w, key="a", *, title=FINDING_TITLE, inspection=None, area=None, **fields):
    """A finding of county ``key``'s inspection (or ``inspection``), on an approved working paper."""
    from onsite.models import Finding, WorkingPaper

    c = w[key]
    inspection = inspection or c.inspection
    found = Finding.objects.filter(inspection=inspection, title=title).first()
    if found:
        return found
    paper = WorkingPaper.objects.create(
        authority=c.authority,
        inspection=inspection,
        title=title,
        facts=fields.get("description", "2025年超标准接待12次。"),
        status="approved",
        author=c.users["team_member"],
    )
    return Finding.objects.create(
        authority=c.authority,
        inspection=inspection,
        working_paper=paper,
        title=title,
        description=fields.pop("description", "2025年超标准接待12次。"),
        focus_area=area or focus_leaf(w, key),
        created_by=c.users["team_member"],
        **fields,
    )


def inspection_report(w, key="a", *, status="approved", inspection=None):
    """County ``key``'s inspection report in ``status`` (the ORM's, without versions)."""
    from results.models import InspectionReport

    c = w[key]
    found, _ = InspectionReport.objects.get_or_create(
        inspection=inspection or c.inspection,
        defaults={"authority": c.authority, "status": status, "created_by": c.users["office"]},
    )
    return found


def feedback(w, key="a", *, acknowledged=False, inspection=None):
    """County ``key``'s feedback, issued five days ago (and acknowledged, if asked)."""
    from django.utils import timezone

    from results.models import Feedback

    c = w[key]
    inspection = inspection or c.inspection
    inspection_report(w, key, inspection=inspection)
    found = Feedback.objects.filter(inspection=inspection).first() or Feedback.objects.create(
        authority=c.authority,
        inspection=inspection,
        issued_on=timezone.localdate() - datetime.timedelta(days=5),
        issued_by=c.users["office"],
    )
    if acknowledged and found.acknowledged_at is None:
        found.acknowledged_at = timezone.now()
        found.acknowledged_on = timezone.localdate()
        found.acknowledged_name = "周建国"
        found.acknowledged_by = c.users["unit_liaison"]
        found.save()
    return found


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    """Argon2 is deliberately slow; tests that need it check the setting itself."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _second_factor_optional(settings):
    """Accounts sign in with a password alone, as in the demo; the second factor's own tests
    (core/tests/test_twofactor.py) turn the production setting on."""
    settings.XUNCHA_OTP_REQUIRED = False


@pytest.fixture(autouse=True)
def _cache(settings, request):
    """A fresh in-memory cache per test: rate-limit counters do not leak between tests or runs."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": request.node.nodeid}
    }


@pytest.fixture(autouse=True)
def _files(settings, tmp_path):
    """Uploaded files and datasets go to directories of the test's own."""
    settings.FILE_DIR = tmp_path / "files"
    settings.FILE_DIR.mkdir()
    settings.DATA_DIR = tmp_path / "data"  # data comparison's datasets (comparison/<authority>/)
    settings.DATA_DIR.mkdir()


@pytest.fixture
def world(db):
    """A city with two sibling counties (A and B), each fully populated."""
    city = authority_create(actor=None, name="明湖市巡察办", code="MH", level="city")
    a = make_county(city, "MH-A", "甲县")
    b = make_county(city, "MH-B", "乙县")
    city_office = make_user(city, "city_office", "office")
    return {"city": city, "a": a, "b": b, "city_office": city_office}


@pytest.fixture
def login():
    """``login(user)`` gives a Client logged in through the real login page."""

    def _login(user):
        client = Client()
        if user is not None:
            response = client.post("/login/", {"username": user.username, "password": PASSWORD})
            assert response.status_code == 302, response.content.decode()[:500]
        return client

    return _login


def token_client(user):
    """A Client that calls the API with a bearer token got through ``POST /api/v1/auth/token``."""
    token = (
        Client()
        .post("/api/v1/auth/token", {"username": user.username, "password": PASSWORD}, content_type="application/json")
        .json()["token"]
    )
    return Client(headers={"Authorization": f"Bearer {token}"})
