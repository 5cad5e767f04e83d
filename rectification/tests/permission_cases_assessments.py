"""Rows of the four-permission-cases table (core/tests/test_permissions.py) for the assessment
page, the rectification documents, the criteria and their API."""

from django.utils import timezone

from core.tests.permissions import Case
from rectification.tests.factories import CRITERION, assessed, criterion, full_marks, plan


def _org(w):
    return w["a"].orgs["dept"].name


def _assessment_body(w) -> dict:
    body = {"grade": "fair_good", "assessed_on": timezone.localdate().isoformat(), "comments": "整改较好。"}
    body.update({f"score_{k}": v for k, v in full_marks(w).items()})
    return body


CASES = [
    Case(
        "rectification assessment page",
        "get",
        lambda w: f"/rectification/plans/{plan(w, 'a').pk}/assessment/",
        "office",
        200,
        marker=_org,
    ),
    Case(
        "rectification assessment record",
        "post",
        lambda w: f"/rectification/plans/{plan(w, 'a').pk}/assessment/",
        "office",
        302,
        body=_assessment_body,
    ),
    Case(
        "rectification report document",
        "get",
        lambda w: f"/rectification/plans/{plan(w, 'a').pk}/documents/report.docx",
        "team_member",
        200,
        marker=lambda w: "word/document.xml",  # a Word file, not a page
    ),
    Case(
        "rectification report document pdf",
        "get",
        lambda w: f"/rectification/plans/{plan(w, 'a').pk}/documents/report.pdf",
        "team_member",
        200,
        marker=lambda w: "关于巡察反馈意见整改情况的报告",
        pdf=True,
    ),
    Case(
        "rectification criteria page",
        "get",
        lambda w: criterion(w) and "/rectification/criteria/",
        "office",
        200,
        marker=lambda w: CRITERION,
        own_authority=True,
        denied=403,
    ),
    Case(
        "rectification criteria add",
        "post",
        lambda w: "/rectification/criteria/",
        "office",
        302,
        body=lambda w: {"name": "整改信息公开", "max_score": "10"},
        own_authority=True,  # county B's office adds to its own list
        denied=403,
    ),
    Case(
        "rectification criterion edit",
        "post",
        lambda w: f"/rectification/criteria/{criterion(w).pk}/",
        "office",
        302,
        body=lambda w: {"name": CRITERION, "max_score": "8", "order": "1", "active": "on"},
        denied=403,
    ),
    Case(
        "api rectification assessment list",
        "get",
        lambda w: f"/api/v1/rectification-assessments?plan={assessed(w).pk}",
        "unit_liaison",
        200,
        api=True,
        list_view=True,
        marker=_org,
    ),
    Case(
        "api rectification assessment create",
        "post",
        lambda w: "/api/v1/rectification-assessments",
        "office",
        201,
        api=True,
        body=lambda w: {"plan": plan(w, "a").pk, "grade": "good", "scores": full_marks(w)},
        denied=404,  # the plan it names is out of sight
    ),
    Case(
        "api rectification report document",
        "get",
        lambda w: f"/api/v1/rectification-plans/{plan(w, 'a').pk}/documents/public.docx",
        "unit_liaison",
        200,
        api=True,
        marker=lambda w: "word/document.xml",
    ),
    Case(
        "api rectification report document pdf",
        "get",
        lambda w: f"/api/v1/rectification-plans/{plan(w, 'a').pk}/documents/public.pdf",
        "unit_liaison",
        200,
        api=True,
        marker=lambda w: "关于巡察整改情况的公开通报",
        pdf=True,
    ),
    Case(
        "api assessment criteria list",
        "get",
        lambda w: criterion(w) and "/api/v1/assessment-criteria",
        "office",
        200,
        api=True,
        list_view=True,
        marker=lambda w: CRITERION,
    ),
    Case(
        "api assessment criterion create",
        "post",
        lambda w: "/api/v1/assessment-criteria",
        "office",
        201,
        api=True,
        body=lambda w: {"name": "整改信息公开", "max_score": 10},
        other_scope=201,  # county B's office adds to its own list
    ),
    Case(
        "api assessment criterion update",
        "patch",
        lambda w: f"/api/v1/assessment-criteria/{criterion(w).pk}",
        "office",
        200,
        api=True,
        body=lambda w: {"max_score": 8},
    ),
]
