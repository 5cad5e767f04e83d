"""The four permission cases for every view and endpoint, from one table.

For each: anonymous, an account with no permission (county A, no role), an
account with permission (county A), and the same role in the sibling county B
(permission on another scope). Out of scope answers 404, like a missing record.
"""

import datetime
import json

import pytest
from django.test import Client

from conftest import token_client
from core.models import AuditEvent
from core.tests import pdf_read
from core.tests.permissions import Case


def a_org(w):
    return w["a"].orgs["village"]


def a_user(w):
    return w["a"].users["team_member"]


def a_event(w):
    return AuditEvent.objects.filter(authority=w["a"].authority).order_by("seq").first()


def a_term(w):
    return w["a"].inspection.round.term


def a_assignment(w):
    return w["a"].users["team_member"].role_assignments.first()


PAGES = [
    Case("workbench", "get", lambda w: "/", "office", 200, list_view=True),
    Case(
        "registry list",
        "get",
        lambda w: "/registry/",
        "office",
        200,
        marker=lambda w: a_org(w).name,
        list_view=True,
        denied=403,
    ),
    Case(
        "registry detail", "get", lambda w: f"/registry/{a_org(w).pk}/", "office", 200, marker=lambda w: a_org(w).name
    ),
    Case("registry edit form", "get", lambda w: f"/registry/{a_org(w).pk}/edit/", "office", 200),
    Case(
        "registry edit",
        "post",
        lambda w: f"/registry/{a_org(w).pk}/edit/",
        "office",
        302,
        body=lambda w: {
            "code": "T01-V01",
            "name": "改名村",
            "kind": a_org(w).kind_id,
            "status": "active",
            "parent": a_org(w).parent_id,
        },
    ),
    Case("registry new form", "get", lambda w: "/registry/new/", "office", 200, denied=403),
    Case(
        "registry new",
        "post",
        lambda w: "/registry/new/",
        "office",
        302,
        body=lambda w: {"code": "N1", "name": "新单位", "kind": a_org(w).kind_id, "status": "active"},
        denied=403,
    ),
    Case("registry import page", "get", lambda w: "/registry/import/", "office", 200, denied=403),
    Case("registry template", "get", lambda w: "/registry/template.xlsx", "office", 200, denied=403),
    Case("registry export", "get", lambda w: "/registry/export.xlsx", "office", 200, list_view=True, denied=403),
    Case("registry kinds", "get", lambda w: "/registry/kinds/", "office", 200, denied=403),
    Case(
        "accounts list",
        "get",
        lambda w: "/accounts/",
        "secadmin",
        200,
        marker=lambda w: a_user(w).username,
        list_view=True,
        denied=403,
    ),
    Case("account new form", "get", lambda w: "/accounts/new/", "secadmin", 200, denied=403),
    Case(
        "account detail",
        "get",
        lambda w: f"/accounts/{a_user(w).pk}/",
        "secadmin",
        200,
        marker=lambda w: a_user(w).username,
    ),
    Case(
        "role assign",
        "post",
        lambda w: f"/accounts/{a_user(w).pk}/",
        "secadmin",
        302,
        body=lambda w: {"role": "leading_group", "authority": w["a"].authority.pk},
    ),
    Case(
        "role form partial", "get", lambda w: f"/accounts/{a_user(w).pk}/role-form/?role=team_member", "secadmin", 200
    ),
    Case(
        "role revoke", "post", lambda w: f"/accounts/{a_user(w).pk}/roles/{a_assignment(w).pk}/revoke/", "secadmin", 302
    ),
    Case("account toggle", "post", lambda w: f"/accounts/{a_user(w).pk}/toggle-active/", "secadmin", 302),
    Case("account reset password", "post", lambda w: f"/accounts/{a_user(w).pk}/reset-password/", "secadmin", 302),
    Case("account reset two-factor", "post", lambda w: f"/accounts/{a_user(w).pk}/reset-two-factor/", "secadmin", 302),
    # One's own second factor: every account's own page, in any county.
    Case("own two-factor", "get", lambda w: "/two-factor/", "team_member", 200, denied=200, other_scope=200),
    Case(
        "audit list",
        "get",
        lambda w: "/audit/?per_page=100",  # the world's county holds some 30 events
        "auditor",
        200,
        marker=lambda w: w["a"].users["office"].username,
        list_view=True,
        denied=403,
    ),
    Case("audit detail", "get", lambda w: f"/audit/{a_event(w).pk}/", "auditor", 200),
    Case("system status", "get", lambda w: "/system/", "sysadmin", 200, denied=403),
    Case("terms", "get", lambda w: "/planning/terms/", "office", 302, denied=403),
    Case(
        "coverage",
        "get",
        lambda w: f"/planning/terms/{a_term(w).pk}/coverage/",
        "leading_group",
        200,
        marker=lambda w: w["a"].orgs["village"].name,
    ),
    Case(
        "inspection page",
        "get",
        lambda w: f"/planning/inspections/{w['a'].inspection.pk}/",
        "team_member",
        200,
        marker=lambda w: w["a"].orgs["dept"].name,
    ),
    Case(
        "inspection advance",
        "post",
        lambda w: f"/planning/inspections/{w['a'].inspection.pk}/",
        "office",
        302,
        body=lambda w: {"to_stage": "onsite"},
    ),
    Case(
        "round page",
        "get",
        lambda w: f"/planning/rounds/{w['a'].inspection.round_id}/",
        "leading_group",
        200,
        marker=lambda w: w["a"].orgs["dept"].name,
    ),
    Case(
        "round add inspection",
        "post",
        lambda w: f"/planning/rounds/{w['a'].inspection.round_id}/",
        "office",
        302,
        body=lambda w: {"organization": w["a"].orgs["town"].pk, "kind": "regular"},
    ),
    Case(
        "round create",
        "post",
        lambda w: f"/planning/terms/{a_term(w).pk}/rounds/new/",
        "office",
        302,
        body=lambda w: {"kind": "regular"},
    ),
    Case("deadline settings", "get", lambda w: "/planning/settings/", "office", 200, denied=403),
    Case(
        "team page",
        "get",
        lambda w: f"/planning/teams/{w['a'].team.pk}/",
        "team_member",
        200,
        marker=lambda w: w["a"].orgs["dept"].name,
    ),
    Case(
        "team add member",
        "post",
        lambda w: f"/planning/teams/{w['a'].team.pk}/",
        "office",
        302,
        body=lambda w: {"inspector": w["a"].inspector.pk, "role": "member"},
    ),
    Case(
        "team create",
        "post",
        lambda w: f"/planning/rounds/{w['a'].inspection.round_id}/teams/new/",
        "office",
        302,
        body=lambda w: {"name": "第二巡察组"},
    ),
    Case(
        "team contacts",
        "post",
        lambda w: f"/planning/teams/{w['a'].team.pk}/",
        "office",
        302,
        body=lambda w: {"contacts": "1", "duty_phone": "0739-1"},
    ),
    Case(
        "inspection document",
        "get",
        lambda w: f"/planning/inspections/{w['a'].inspection.pk}/documents/work-plan.docx",
        "team_member",
        200,
        marker=lambda w: "word/document.xml",  # a Word file, not a page
    ),
    Case(
        "inspection document pdf",
        "get",
        lambda w: f"/planning/inspections/{w['a'].inspection.pk}/documents/work-plan.pdf",
        "team_member",
        200,
        marker=lambda w: f"关于对{w['a'].inspection.organization.name}党组织开展常规巡察的工作方案",
        pdf=True,
    ),
    Case("document settings", "get", lambda w: "/planning/settings/documents/", "office", 200, denied=403),
    Case(
        "document settings save",
        "post",
        lambda w: "/planning/settings/documents/",
        "office",
        302,
        body=lambda w: {"county_name": "甲县", "abbreviation": "甲", "doc_number_format": "{abbr}〔{year}〕{number}号"},
        denied=403,
    ),
]

API = [
    Case(
        "api organizations",
        "get",
        lambda w: "/api/v1/organizations",
        "office",
        200,
        list_view=True,
        api=True,
        marker=lambda w: a_org(w).name,
    ),
    Case(
        "api organization",
        "get",
        lambda w: f"/api/v1/organizations/{a_org(w).pk}",
        "office",
        200,
        api=True,
        marker=lambda w: a_org(w).name,
    ),
    Case(
        "api organization patch",
        "patch",
        lambda w: f"/api/v1/organizations/{a_org(w).pk}",
        "office",
        200,
        api=True,
        body=lambda w: {"name": "改名村"},
    ),
    Case(
        "api organization create",
        "post",
        lambda w: "/api/v1/organizations",
        "office",
        201,
        api=True,
        body=lambda w: {
            "code": "N1",
            "name": "新单位",
            "kind_id": a_org(w).kind_id,
            "authority_id": w["a"].authority.pk,
        },
    ),
    Case(
        "api audit events",
        "get",
        lambda w: "/api/v1/audit-events",
        "auditor",
        200,
        list_view=True,
        api=True,
        marker=lambda w: w["a"].users["office"].username,
    ),
    Case("api audit event", "get", lambda w: f"/api/v1/audit-events/{a_event(w).pk}", "auditor", 200, api=True),
    Case(
        "api inspections",
        "get",
        lambda w: "/api/v1/inspections",
        "team_member",
        200,
        list_view=True,
        api=True,
        marker=lambda w: f'"id":{w["a"].inspection.pk},',
    ),
    Case(
        "api inspection", "get", lambda w: f"/api/v1/inspections/{w['a'].inspection.pk}", "team_member", 200, api=True
    ),
    Case(
        "api terms",
        "get",
        lambda w: "/api/v1/terms",
        "office",
        200,
        list_view=True,
        api=True,
        marker=lambda w: f'"id":{a_term(w).pk},',
    ),
    Case(
        "api coverage",
        "get",
        lambda w: f"/api/v1/terms/{a_term(w).pk}/coverage",
        "office",
        200,
        api=True,
        marker=lambda w: w["a"].orgs["village"].name,
    ),
    Case(
        "api term create",
        "post",
        lambda w: "/api/v1/terms",
        "office",
        201,
        api=True,
        body=lambda w: {"name": "十七届", "start_on": "2027-01-01", "end_on": "2031-12-31"},
    ),
    Case(
        "api inspection advance",
        "post",
        lambda w: f"/api/v1/inspections/{w['a'].inspection.pk}/advance",
        "office",
        200,
        api=True,
        body=lambda w: {"to_stage": "onsite"},
    ),
    Case(
        "api rounds",
        "get",
        lambda w: "/api/v1/rounds",
        "office",
        200,
        list_view=True,
        api=True,
        marker=lambda w: f'"id":{w["a"].inspection.round_id},',
    ),
    Case(
        "api round create",
        "post",
        lambda w: "/api/v1/rounds",
        "office",
        201,
        api=True,
        body=lambda w: {"term_id": a_term(w).pk},
        denied=404,  # the round or term it names is out of sight
    ),
    Case(
        "api inspection create",
        "post",
        lambda w: "/api/v1/inspections",
        "office",
        201,
        api=True,
        body=lambda w: {"round_id": w["a"].inspection.round_id, "organization_id": w["a"].orgs["town"].pk},
        denied=404,  # the round or term it names is out of sight
    ),
    Case(
        "api inspectors",
        "get",
        lambda w: "/api/v1/inspectors",
        "office",
        200,
        list_view=True,
        api=True,
        marker=lambda w: w["a"].inspector.name,
    ),
    Case(
        "api inspector create",
        "post",
        lambda w: "/api/v1/inspectors",
        "office",
        201,
        api=True,
        body=lambda w: {"name": "李娜", "unit": "县财政局"},
    ),
    Case(
        "api teams",
        "get",
        lambda w: "/api/v1/teams",
        "team_member",
        200,
        list_view=True,
        api=True,
        marker=lambda w: f'"id":{w["a"].team.pk},',
    ),
    Case(
        "api team create",
        "post",
        lambda w: "/api/v1/teams",
        "office",
        201,
        api=True,
        denied=404,
        body=lambda w: {"round_id": w["a"].inspection.round_id, "name": "第二巡察组"},
    ),
    Case(
        "api team member add",
        "post",
        lambda w: f"/api/v1/teams/{w['a'].team.pk}/members",
        "office",
        201,
        api=True,
        denied=404,
        body=lambda w: {"inspector_id": w["a"].inspector.pk, "role": "member"},
    ),
    Case(
        "api team update",
        "patch",
        lambda w: f"/api/v1/teams/{w['a'].team.pk}",
        "office",
        200,
        api=True,
        body=lambda w: {"duty_phone": "0739-1"},
    ),
    Case(
        "api inspection document",
        "get",
        lambda w: f"/api/v1/inspections/{w['a'].inspection.pk}/documents/public-notice.docx",
        "team_member",
        200,
        api=True,
        marker=lambda w: "word/document.xml",
    ),
    Case(
        "api inspection document pdf",
        "get",
        lambda w: f"/api/v1/inspections/{w['a'].inspection.pk}/documents/public-notice.pdf",
        "team_member",
        200,
        api=True,
        marker=lambda w: f"关于巡察{w['a'].inspection.organization.name}党组织的公告",
        pdf=True,
    ),
]


@pytest.fixture
def world(world):
    """Rounds with dates, so that the preparation documents can be written."""
    from planning.models import Round

    Round.objects.update(entry_on=datetime.date(2026, 9, 1), onsite_end_on=datetime.date(2026, 10, 15))
    return world


def _text(response, pdf: bool = False) -> str:
    """The body as a user reads it (JSON with its Chinese unescaped; a generated PDF as its text).

    An uploaded file is compared byte for byte, so a PDF is read as text only where the case
    is a document the platform writes (``pdf``)."""
    if response.get("Content-Type", "").startswith("application/json"):
        return json.dumps(response.json(), ensure_ascii=False, separators=(",", ":"))
    data = b"".join(response.streaming_content) if response.streaming else response.content
    if pdf and response.get("Content-Type", "") == "application/pdf":
        return pdf_read.pdf_text(data)
    return data.decode(errors="replace")


def _xlsx_text(data: bytes) -> str:
    import io

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(data)).active
    return " ".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row if v)


def _request(client, case, w):
    url = case.url(w)
    body = case.body(w) if case.body else None
    if case.api:
        return (
            getattr(client, case.method)(url, body, content_type="application/json")
            if body
            else getattr(client, case.method)(url)
        )
    return getattr(client, case.method)(url, body or {})


def _client(case, login, user):
    return token_client(user) if case.api else login(user)


def _later_cases() -> list[Case]:
    """Later apps keep their rows in ``<app>/tests/permission_cases*.py`` (each a list ``CASES``)."""
    import importlib
    from pathlib import Path

    from django.apps import apps

    found = []
    for app in apps.get_app_configs():
        for path in sorted(Path(app.path, "tests").glob("permission_cases*.py")):
            found += importlib.import_module(f"{app.name}.tests.{path.stem}").CASES
    return found


ALL = PAGES + API + _later_cases()


@pytest.mark.parametrize("case", ALL, ids=[c.name for c in ALL])
def test_anonymous(world, case):
    r = _request(Client(), case, world)
    if case.api:
        assert r.status_code == 401
    else:
        assert r.status_code == 302 and r.url.startswith("/login/")


@pytest.mark.parametrize("case", ALL, ids=[c.name for c in ALL])
def test_no_permission(world, login, case):
    r = _request(_client(case, login, world["a"].users["nobody"]), case, world)
    if case.denied is not None:
        assert r.status_code == case.denied
        if case.denied == 403 and not case.api:
            # A page of a role the user lacks says which roles open it, and whom to ask.
            assert "此类页面供" in _text(r) and "安全保密管理员" in _text(r)
        return
    if case.list_view and (case.api or case.name == "workbench"):
        assert r.status_code == 200
        if case.marker:
            assert case.marker(world) not in _text(r, case.pdf)
    elif case.api and case.name.endswith("create"):
        assert r.status_code == 403  # creating in one's own authority: seen, but not allowed
    else:
        assert r.status_code == 404


@pytest.mark.parametrize("case", ALL, ids=[c.name for c in ALL])
def test_permission(world, login, case):
    if case.pdf and not pdf_read.tools():
        pytest.skip("LibreOffice (soffice) or poppler not installed")
    r = _request(_client(case, login, world["a"].users[case.role]), case, world)
    assert r.status_code == case.ok, r.content.decode()[:400]
    if case.marker:
        assert case.marker(world) in _text(r, case.pdf)
    if case.name == "registry export":
        assert world["a"].orgs["village"].name in _xlsx_text(r.content)


@pytest.mark.parametrize("case", ALL, ids=[c.name for c in ALL])
def test_permission_on_another_scope(world, login, case):
    """The same role in the sibling county B sees nothing of county A."""
    r = _request(_client(case, login, world["b"].users[case.role]), case, world)
    if case.other_scope is not None:
        assert r.status_code == case.other_scope
    elif (
        case.list_view
        or case.own_authority
        or case.url(world)
        in (
            "/planning/settings/",
            "/planning/settings/documents/",
            "/registry/new/",
            "/registry/import/",
            "/registry/template.xlsx",
            "/registry/kinds/",
            "/accounts/new/",
            "/system/",
        )
    ):
        # Pages about one's own authority: allowed, but nothing of county A shows.
        assert r.status_code in (200, 302)
        if case.marker:
            assert case.marker(world) not in _text(r, case.pdf)
        if case.name == "registry export":
            assert world["a"].orgs["village"].name not in _xlsx_text(r.content)
            assert world["b"].orgs["village"].name in _xlsx_text(r.content)
    elif case.name == "api organization create":
        assert r.status_code == 403
    elif case.name in ("terms", "api term create", "api inspector create"):
        # Their own authority's terms list and a term in their own authority: allowed.
        assert r.status_code in (302, 201)
    else:
        assert r.status_code == 404
