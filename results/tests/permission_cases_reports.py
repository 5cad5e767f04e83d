"""Rows of the four-permission-cases table (core/tests/test_permissions.py) for the
inspection report: its pages, its API and its Word files."""

import datetime

from core.tests.permissions import Case
from results.tests.factories import CLEAN, ready_report, submitted_report, team_report


def _page(w):
    return f"/results/inspections/{w['a'].inspection.pk}/"


def _api(w, r):
    return f"/api/v1/reports/{r.pk}"


def _org(w):
    return w["a"].inspection.organization.name


def _today():
    return datetime.date.today().isoformat()


WORD = "word/document.xml"  # a Word file, not a page

CASES = [
    Case(
        "reports list",
        "get",
        lambda w: team_report(w) and "/results/reports/",
        "office",
        200,
        marker=lambda w: w["a"].orgs["dept"].name,
        list_view=True,
        denied=403,
    ),
    Case(
        "report page",
        "get",
        lambda w: team_report(w) and _page(w) + "report/",
        "team_member",
        200,
        marker=lambda w: "一、基本情况",
    ),
    Case("report create page", "post", lambda w: _page(w) + "report/create/", "team_member", 302),
    Case("report edit form", "get", lambda w: team_report(w) and _page(w) + "report/edit/", "team_member", 200),
    Case(
        "report edit save",
        "post",
        lambda w: team_report(w) and _page(w) + "report/edit/",
        "team_member",
        302,
        body=lambda w: {"body": CLEAN, "ecology": "same", "implementation": "", "note": "改写"},
    ),
    Case("report submit", "post", lambda w: f"/results/reports/{ready_report(w).pk}/submit/", "team_leader", 302),
    Case(
        "report decide",
        "post",
        lambda w: f"/results/reports/{submitted_report(w).pk}/decide/",
        "team_leader",
        302,
        body=lambda w: {"step": "team_meeting", "decision": "approved", "decided_on": _today()},
    ),
    Case(
        "report compare",
        "get",
        lambda w: f"/results/reports/{ready_report(w).pk}/versions/2/compare/",
        "team_member",
        200,
        marker=lambda w: "新增",
    ),
    Case(
        "report docx",
        "get",
        lambda w: team_report(w) and _page(w) + "report.docx",
        "team_member",
        200,
        marker=lambda w: WORD,
    ),
    Case(
        "special report docx",
        "get",
        lambda w: ready_report(w) and _page(w) + "special-report.docx",
        "team_leader",
        200,
        marker=lambda w: WORD,
    ),
    Case(
        "report pdf",
        "get",
        lambda w: team_report(w) and _page(w) + "report.pdf",
        "team_member",
        200,
        marker=lambda w: f"关于巡察{_org(w)}党组织的情况报告",
        pdf=True,
    ),
    Case(
        "special report pdf",
        "get",
        lambda w: ready_report(w) and _page(w) + "special-report.pdf",
        "team_leader",
        200,
        marker=lambda w: f"关于巡察{_org(w)}党组织发现的领导干部问题线索的专题报告",
        pdf=True,
    ),
    Case(
        "api reports",
        "get",
        lambda w: team_report(w) and "/api/v1/reports",
        "team_member",
        200,
        api=True,
        list_view=True,
        marker=lambda w: f'"inspection_id":{w["a"].inspection.pk},',
    ),
    Case(
        "api report create",
        "post",
        lambda w: "/api/v1/reports",
        "team_member",
        201,
        api=True,
        denied=404,  # the inspection it names is out of sight
        body=lambda w: {"inspection_id": w["a"].inspection.pk},
    ),
    Case(
        "api report",
        "get",
        lambda w: _api(w, team_report(w)),
        "team_member",
        200,
        api=True,
        marker=lambda w: "一、基本情况",
    ),
    Case(
        "api report ratings",
        "patch",
        lambda w: _api(w, team_report(w)),
        "team_member",
        200,
        api=True,
        body=lambda w: {"ecology": "better"},
    ),
    Case(
        "api report versions",
        "get",
        lambda w: _api(w, team_report(w)) + "/versions",
        "team_member",
        200,
        api=True,
        marker=lambda w: "一、基本情况",
    ),
    Case(
        "api report version save",
        "post",
        lambda w: _api(w, team_report(w)) + "/versions",
        "team_member",
        201,
        api=True,
        body=lambda w: {"body": CLEAN, "note": "改写"},
    ),
    Case("api report submit", "post", lambda w: _api(w, ready_report(w)) + "/submit", "team_leader", 200, api=True),
    Case(
        "api report decision",
        "post",
        lambda w: _api(w, submitted_report(w)) + "/decisions",
        "team_leader",
        201,
        api=True,
        body=lambda w: {"step": "team_meeting", "decision": "approved", "decided_on": _today()},
    ),
    Case(
        "api report document",
        "get",
        lambda w: _api(w, team_report(w)) + "/document.docx",
        "team_member",
        200,
        api=True,
        marker=lambda w: WORD,
    ),
    Case(
        "api special report document",
        "get",
        lambda w: _api(w, ready_report(w)) + "/special-report.docx",
        "team_leader",
        200,
        api=True,
        marker=lambda w: WORD,
    ),
    Case(
        "api report document pdf",
        "get",
        lambda w: _api(w, team_report(w)) + "/document.pdf",
        "team_member",
        200,
        api=True,
        marker=lambda w: f"关于巡察{_org(w)}党组织的情况报告",
        pdf=True,
    ),
    Case(
        "api special report document pdf",
        "get",
        lambda w: _api(w, ready_report(w)) + "/special-report.pdf",
        "team_leader",
        200,
        api=True,
        marker=lambda w: f"关于巡察{_org(w)}党组织发现的领导干部问题线索的专题报告",
        pdf=True,
    ),
]
