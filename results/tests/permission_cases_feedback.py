"""Rows of the four-permission-cases table (core/tests/test_permissions.py) for the feedback
pages and API. Their records (the finding, report and feedback, made with the ORM) come from
the root conftest.py, which later stages build on too."""

from django.utils import timezone

from conftest import FINDING_TITLE, feedback, finding, inspection_report
from core.tests.permissions import Case
from results.tests.factories import acknowledged_feedback


def today() -> str:
    return timezone.localdate().isoformat()


def _inspection_url(w):
    return f"/results/inspections/{w['a'].inspection.pk}/feedback/"


CASES = [
    Case("feedback page", "get", _inspection_url, "office", 200, marker=lambda w: w["a"].orgs["dept"].name),
    Case(
        "feedback issue",
        "post",
        _inspection_url,
        "office",
        302,
        body=lambda w: inspection_report(w) and {"issued_on": today()},
    ),
    Case(
        "feedback exclusion",
        "post",
        lambda w: f"/results/feedback/findings/{finding(w).pk}/exclusion/",
        "office",
        302,
        body=lambda w: {"excluded": "secret"},
    ),
    Case(
        "feedback document",
        "get",
        lambda w: f"/results/feedback/{feedback(w).pk}/documents/leadership.docx",
        "team_member",
        200,
        marker=lambda w: "word/document.xml",  # a Word file, not a page
    ),
    Case(
        "feedback document pdf",
        "get",
        lambda w: f"/results/feedback/{feedback(w).pk}/documents/leadership.pdf",
        "team_member",
        200,
        marker=lambda w: f"向{w['a'].inspection.organization.name}党组织领导班子反馈巡察情况的意见",
        pdf=True,
    ),
    Case(
        "unit feedback page",
        "get",
        lambda w: acknowledged_feedback(w) and "/results/unit/",
        "unit_liaison",
        200,
        marker=lambda w: FINDING_TITLE,
        own_authority=True,
        denied=403,
    ),
    Case(
        "unit acknowledge",
        "post",
        lambda w: f"/results/unit/feedback/{feedback(w).pk}/acknowledge/",
        "unit_liaison",
        302,
        body=lambda w: {"acknowledged_on": today(), "acknowledged_name": "周建国"},
    ),
    Case(
        "api feedback list",
        "get",
        lambda w: feedback(w) and "/api/v1/feedback",
        "office",
        200,
        api=True,
        list_view=True,
        marker=lambda w: w["a"].orgs["dept"].name,
    ),
    Case(
        "api feedback create",
        "post",
        lambda w: "/api/v1/feedback",
        "office",
        201,
        api=True,
        body=lambda w: inspection_report(w) and {"inspection_id": w["a"].inspection.pk, "issued_on": today()},
        denied=404,  # the inspection it names is out of sight
    ),
    Case(
        "api feedback detail",
        "get",
        lambda w: f"/api/v1/feedback/{feedback(w).pk}",
        "office",
        200,
        api=True,
        marker=lambda w: w["a"].orgs["dept"].name,
    ),
    Case(
        "api feedback acknowledge",
        "post",
        lambda w: f"/api/v1/feedback/{feedback(w).pk}/acknowledge",
        "unit_liaison",
        200,
        api=True,
        body=lambda w: {"acknowledged_on": today(), "acknowledged_name": "周建国"},
    ),
    Case(
        "api feedback document",
        "get",
        lambda w: f"/api/v1/feedback/{feedback(w).pk}/documents/public.docx",
        "office_head",  # the public text opens the leads' names to mask them
        200,
        api=True,
        marker=lambda w: "word/document.xml",
    ),
    Case(
        "api feedback document pdf",
        "get",
        lambda w: f"/api/v1/feedback/{feedback(w).pk}/documents/public.pdf",
        "office_head",
        200,
        api=True,
        marker=lambda w: f"巡察{w['a'].inspection.organization.name}党组织反馈情况公开稿",
        pdf=True,
    ),
    Case(
        "api feedback findings",
        "get",
        lambda w: f"/api/v1/feedback/{acknowledged_feedback(w).pk}/findings",
        "unit_liaison",
        200,
        api=True,
        marker=lambda w: FINDING_TITLE,
    ),
    Case(
        "api finding exclusion",
        "post",
        lambda w: f"/api/v1/findings/{finding(w).pk}/exclusion",
        "office",
        200,
        api=True,
        body=lambda w: {"excluded": "sensitive"},
    ),
]
