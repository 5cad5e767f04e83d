"""Rows of the four-permission-cases table (core/tests/test_permissions.py) for the
inspection report: its pages, its API and its Word files."""

import datetime

from core.tests.permissions import Case

CLEAN = "\n".join(
    ["一、基本情况", "巡察组进驻了解情况。", "二、总体评价", "总体较好。", "三、发现的主要问题"]
    + ["（一）聚焦监督重点", "1.问题。", "四、意见建议", "抓好整改。"]
)


def report(w):
    """County A's report, as the team creates it (once per test)."""
    from results.models import InspectionReport
    from results.reports import report_create

    a = w["a"]
    found = InspectionReport.objects.filter(inspection=a.inspection).first()
    return found or report_create(actor=a.users["team_member"], inspection=a.inspection)


def ready(w):
    """The report with a second version written out in full (and a special report) and both ratings."""
    from results.reports import report_rate, report_version_save

    r = report(w)
    if r.versions.count() == 1:
        leader = w["a"].users["team_leader"]
        report_version_save(actor=leader, report=r, body=CLEAN, special_body="一、问题线索\n某某涉嫌违规。")
        report_rate(actor=leader, report=r, ecology="same", implementation="fair_good")
    return r


def submitted(w):
    from results.reports import report_submit

    r = ready(w)
    if r.status == "draft":
        report_submit(actor=w["a"].users["team_leader"], report=r)
    return r


def _page(w):
    return f"/results/inspections/{w['a'].inspection.pk}/"


def _api(w, r):
    return f"/api/v1/reports/{r.pk}"


def _today():
    return datetime.date.today().isoformat()


WORD = "word/document.xml"  # a Word file, not a page

CASES = [
    Case(
        "reports list",
        "get",
        lambda w: report(w) and "/results/reports/",
        "office",
        200,
        marker=lambda w: w["a"].orgs["dept"].name,
        list_view=True,
    ),
    Case(
        "report page",
        "get",
        lambda w: report(w) and _page(w) + "report/",
        "team_member",
        200,
        marker=lambda w: "一、基本情况",
    ),
    Case("report create page", "post", lambda w: _page(w) + "report/create/", "team_member", 302),
    Case("report edit form", "get", lambda w: report(w) and _page(w) + "report/edit/", "team_member", 200),
    Case(
        "report edit save",
        "post",
        lambda w: report(w) and _page(w) + "report/edit/",
        "team_member",
        302,
        body=lambda w: {"body": CLEAN, "ecology": "same", "implementation": "", "note": "改写"},
    ),
    Case("report submit", "post", lambda w: f"/results/reports/{ready(w).pk}/submit/", "team_leader", 302),
    Case(
        "report decide",
        "post",
        lambda w: f"/results/reports/{submitted(w).pk}/decide/",
        "team_leader",
        302,
        body=lambda w: {"step": "team_meeting", "decision": "approved", "decided_on": _today()},
    ),
    Case(
        "report compare",
        "get",
        lambda w: f"/results/reports/{ready(w).pk}/versions/2/compare/",
        "team_member",
        200,
        marker=lambda w: "新增",
    ),
    Case(
        "report docx",
        "get",
        lambda w: report(w) and _page(w) + "report.docx",
        "team_member",
        200,
        marker=lambda w: WORD,
    ),
    Case(
        "special report docx",
        "get",
        lambda w: ready(w) and _page(w) + "special-report.docx",
        "team_leader",
        200,
        marker=lambda w: WORD,
    ),
    Case(
        "api reports",
        "get",
        lambda w: report(w) and "/api/v1/reports",
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
        "api report", "get", lambda w: _api(w, report(w)), "team_member", 200, api=True, marker=lambda w: "一、基本情况"
    ),
    Case(
        "api report ratings",
        "patch",
        lambda w: _api(w, report(w)),
        "team_member",
        200,
        api=True,
        body=lambda w: {"ecology": "better"},
    ),
    Case(
        "api report versions",
        "get",
        lambda w: _api(w, report(w)) + "/versions",
        "team_member",
        200,
        api=True,
        marker=lambda w: "一、基本情况",
    ),
    Case(
        "api report version save",
        "post",
        lambda w: _api(w, report(w)) + "/versions",
        "team_member",
        201,
        api=True,
        body=lambda w: {"body": CLEAN, "note": "改写"},
    ),
    Case("api report submit", "post", lambda w: _api(w, ready(w)) + "/submit", "team_leader", 200, api=True),
    Case(
        "api report decision",
        "post",
        lambda w: _api(w, submitted(w)) + "/decisions",
        "team_leader",
        201,
        api=True,
        body=lambda w: {"step": "team_meeting", "decision": "approved", "decided_on": _today()},
    ),
    Case(
        "api report document",
        "get",
        lambda w: _api(w, report(w)) + "/document.docx",
        "team_member",
        200,
        api=True,
        marker=lambda w: WORD,
    ),
    Case(
        "api special report document",
        "get",
        lambda w: _api(w, ready(w)) + "/special-report.docx",
        "team_leader",
        200,
        api=True,
        marker=lambda w: WORD,
    ),
]
