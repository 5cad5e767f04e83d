"""Rows of the four-permission-cases table (core/tests/test_permissions.py) for data
comparison's hits: county A's run of welfare_vs_payroll run to its end (one hit, 张伟), its
hits page and export, the hit's page, confirming and dismissing it, and the API's four
endpoints. The data officer decides; the team member of county A's inspection reads the hit
once it has been confirmed to that inspection (the "(team)" rows), and no other hit.
"""

from comparison.hits import hit_confirm
from comparison.models import Hit
from comparison.tests.factories import ZHANG, run
from core.tests.permissions import Case


def a_run(w):
    return run(w, "a", execute=True)


def a_hit(w) -> Hit:
    return a_run(w).hits.get()


def a_confirmed(w) -> Hit:
    """County A's hit, confirmed to county A's inspection (by its data officer)."""
    hit = a_hit(w)
    if hit.state == Hit.State.NEW:
        hit = hit_confirm(actor=w["a"].users["data_officer"], hit=hit, inspection=w["a"].inspection)
    return hit


def marker(w) -> str:
    return ZHANG


CASES = [
    Case(
        "comparison run hits",
        "get",
        lambda w: f"/comparison/runs/{a_run(w).pk}/hits/",
        "data_officer",
        200,
        marker=marker,
    ),
    Case(
        "comparison run hits export",
        "get",
        lambda w: f"/comparison/runs/{a_run(w).pk}/hits/export.xlsx",
        "data_officer",
        200,
    ),
    Case("comparison hit", "get", lambda w: f"/comparison/hits/{a_hit(w).pk}/", "data_officer", 200, marker=marker),
    Case(
        "comparison hit (team)",
        "get",
        lambda w: f"/comparison/hits/{a_confirmed(w).pk}/",
        "team_member",
        200,
        marker=lambda w: "据此起草工作底稿",
    ),
    Case(
        "comparison hit confirm",
        "post",
        lambda w: f"/comparison/hits/{a_hit(w).pk}/confirm/",
        "data_officer",
        302,
        body=lambda w: {"inspection": w["a"].inspection.pk, "note": "请核实任职和领取时间"},
    ),
    Case(
        "comparison hit dismiss",
        "post",
        lambda w: f"/comparison/hits/{a_hit(w).pk}/dismiss/",
        "data_officer",
        302,
        body=lambda w: {"reason": "经核实为同名同生日的不同人员"},
    ),
    Case(
        "api comparison run hits",
        "get",
        lambda w: f"/api/v1/comparison-runs/{a_run(w).pk}/hits",
        "data_officer",
        200,
        api=True,
        marker=marker,
    ),
    Case(
        "api comparison hit",
        "get",
        lambda w: f"/api/v1/comparison-hits/{a_hit(w).pk}",
        "data_officer",
        200,
        api=True,
        marker=marker,
    ),
    Case(
        "api comparison hit (team)",
        "get",
        lambda w: f"/api/v1/comparison-hits/{a_confirmed(w).pk}",
        "team_member",
        200,
        api=True,
        marker=marker,
    ),
    Case(
        "api comparison hit confirm",
        "post",
        lambda w: f"/api/v1/comparison-hits/{a_hit(w).pk}/confirm",
        "data_officer",
        200,
        api=True,
        body=lambda w: {"inspection": w["a"].inspection.pk, "note": ""},
        marker=lambda w: '"state":"confirmed"',
    ),
    Case(
        "api comparison hit dismiss",
        "post",
        lambda w: f"/api/v1/comparison-hits/{a_hit(w).pk}/dismiss",
        "data_officer",
        200,
        api=True,
        body=lambda w: {"reason": "经核实为同名同生日的不同人员"},
        marker=lambda w: '"state":"dismissed"',
    ),
]
