"""Rows of the four-permission-cases table (core/tests/test_permissions.py) for the pool,
member removal and objections."""

from core.tests.permissions import Case
from planning.tests.factories import member, objection


def _inspector_url(w):
    return f"/planning/inspectors/{w['a'].inspector.pk}/"


def _api_inspector(w):
    return f"/api/v1/inspectors/{w['a'].inspector.pk}"


CASES = [
    Case(
        "pool list",
        "get",
        lambda w: "/planning/inspectors/",
        "office",
        200,
        marker=lambda w: w["a"].inspector.name,
        own_authority=True,
        denied=403,
    ),
    Case(
        "inspector new form",
        "get",
        lambda w: "/planning/inspectors/new/",
        "office",
        200,
        own_authority=True,
        denied=403,
    ),
    Case(
        "inspector new",
        "post",
        lambda w: "/planning/inspectors/new/",
        "office",
        302,
        body=lambda w: {"name": "李娜", "unit": "县财政局"},
        own_authority=True,
        denied=403,
    ),
    Case("inspector page", "get", _inspector_url, "office", 200, marker=lambda w: w["a"].inspector.name),
    Case(
        "inspector declaration",
        "post",
        _inspector_url,
        "office",
        302,
        body=lambda w: {"form": "declaration", "organization": w["a"].orgs["town"].pk, "reason": "同学"},
    ),
    Case(
        "team member remove",
        "post",
        lambda w: f"/planning/teams/{w['a'].team.pk}/",
        "office",
        302,
        body=lambda w: {"remove": member(w).pk, "reason": "工作需要"},
    ),
    Case(
        "objections page",
        "get",
        lambda w: "/planning/objections/",
        "unit_liaison",
        200,
        marker=lambda w: w["a"].orgs["dept"].name,
        own_authority=True,
        denied=403,
    ),
    Case(
        "objection raise",
        "post",
        lambda w: "/planning/objections/",
        "unit_liaison",
        302,
        body=lambda w: {"inspection": w["a"].inspection.pk, "member": member(w).pk, "reason": "其亲属在本单位工作"},
        denied=403,
    ),
    Case(
        "objection decide",
        "post",
        lambda w: f"/planning/objections/{objection(w).pk}/decide/",
        "office",
        302,
        body=lambda w: {"uphold": "0", "answer": "不构成回避情形"},
    ),
    Case(
        "api inspector detail",
        "get",
        _api_inspector,
        "office",
        200,
        api=True,
        marker=lambda w: w["a"].inspector.name,
    ),
    Case(
        "api inspector record",
        "post",
        lambda w: _api_inspector(w) + "/records",
        "office",
        201,
        api=True,
        body=lambda w: {"kind": "work", "organization_name": "县财政局", "start_on": "2019-01-01"},
    ),
    Case(
        "api inspector relative",
        "post",
        lambda w: _api_inspector(w) + "/relatives",
        "office",
        201,
        api=True,
        body=lambda w: {"name": "张强", "relation": "兄弟"},
    ),
    Case(
        "api inspector declaration",
        "post",
        lambda w: _api_inspector(w) + "/declarations",
        "office",
        201,
        api=True,
        body=lambda w: {"organization_id": w["a"].orgs["town"].pk, "reason": "同学"},
    ),
    Case(
        "api objections",
        "get",
        lambda w: objection(w) and "/api/v1/objections",
        "unit_liaison",
        200,
        api=True,
        list_view=True,
        marker=lambda w: "其亲属在本单位工作",
    ),
    Case(
        "api objection raise",
        "post",
        lambda w: "/api/v1/objections",
        "unit_liaison",
        201,
        api=True,
        denied=404,
        body=lambda w: {"inspection_id": w["a"].inspection.pk, "member_id": member(w).pk, "reason": "亲属"},
    ),
    Case(
        "api objection decision",
        "post",
        lambda w: f"/api/v1/objections/{objection(w).pk}/decision",
        "office",
        200,
        api=True,
        body=lambda w: {"uphold": False, "answer": "不构成回避情形"},
    ),
    Case(
        "api team member remove",
        "post",
        lambda w: f"/api/v1/teams/{w['a'].team.pk}/members/{member(w).pk}/remove",
        "office",
        204,
        api=True,
        body=lambda w: {"reason": "工作需要"},
    ),
]
