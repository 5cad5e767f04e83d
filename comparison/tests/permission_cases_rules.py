"""Rows of the four-permission-cases table (core/tests/test_permissions.py) for the office's
own comparison rules: county A's own rule (``factories.own_rule``), its pages and endpoints.
Only the data officer writes or reads them; the office (巡察办) itself meets 404 like any
account without the role. County B's officer writes rules of B (the form and POST are about
one's own authority) and meets 404 on A's rule."""

from __future__ import annotations

from typing import Any

from comparison.rules import STANDARD
from comparison.tests.factories import RULE, own_rule
from core.tests.permissions import Case


def form_body(name: str = "低保对象名下有车", **extra: Any) -> dict[str, Any]:
    """The rule form as a data officer fills it in: a welfare list and vehicle registrations,
    the same person (fuzzy above 0.99), 低保 or 特困, the two periods overlapping."""
    body: dict[str, Any] = {
        "name": name,
        "description": "享受低保、特困期间名下登记有机动车。",
        "label_1": "低保名单",
        "fields_1": ["name", "subsidy_kind", "start_date", "end_date", "township"],
        "label_2": "机动车登记",
        "fields_2": ["name", "plate", "start_date", "end_date"],
        "link": "person",
        "fuzzy_on": "on",
        "fuzzy": "0.99",
        "min_count": "2",
        "cond_1_field": "1.subsidy_kind",
        "cond_1_op": "in",
        "cond_1_value": "低保，特困",
        "cond_2_field": "1.start_date",
        "cond_2_field_end": "1.end_date",
        "cond_2_op": "overlap",
        "cond_2_other": "2.start_date",
        "cond_2_other_end": "2.end_date",
        "show": ["1.township", "2.plate"],
    }
    body.update(extra)
    return body


def api_definition() -> dict[str, Any]:
    definition = {**STANDARD[RULE]["definition"]}
    definition["where"] = [c for c in definition["where"] if c["op"] == "overlap"]
    return definition


def _key(w: Any) -> str:
    return own_rule(w).key


CASES = [
    Case(
        "comparison rules",
        "get",
        lambda w: own_rule(w) and "/comparison/rules/",
        "data_officer",
        200,
        marker=lambda w: own_rule(w).name,
        list_view=True,
        denied=403,
    ),
    Case(
        "comparison rule new",
        "get",
        lambda w: "/comparison/rules/new/",
        "data_officer",
        200,
        own_authority=True,
        denied=403,
    ),
    Case(
        "comparison rule create",
        "post",
        lambda w: "/comparison/rules/new/",
        "data_officer",
        302,
        body=lambda w: form_body(),
        own_authority=True,
        denied=403,
    ),
    Case(
        "comparison rule",
        "get",
        lambda w: f"/comparison/rules/{_key(w)}/",
        "data_officer",
        200,
        marker=lambda w: own_rule(w).name,
        denied=403,
    ),
    Case(
        "comparison rule edit",
        "get",
        lambda w: f"/comparison/rules/{_key(w)}/edit/",
        "data_officer",
        200,
        marker=lambda w: own_rule(w).name,
        denied=403,
    ),
    Case(
        "comparison rule revise",
        "post",
        lambda w: f"/comparison/rules/{_key(w)}/edit/",
        "data_officer",
        302,
        body=lambda w: form_body(name=own_rule(w).name + "（修订）"),
        denied=403,
    ),
    Case(
        "api comparison rule create",
        "post",
        lambda w: "/api/v1/comparison-rules",
        "data_officer",
        201,
        api=True,
        body=lambda w: {"name": "任何救助与财政供养重叠", "definition": api_definition()},
        other_scope=201,  # county B's officer writes a rule of county B
    ),
    Case(
        "api comparison rule",
        "get",
        lambda w: f"/api/v1/comparison-rules/{_key(w)}",
        "data_officer",
        200,
        api=True,
        marker=lambda w: own_rule(w).name,
    ),
    Case(
        "api comparison rule revise",
        "put",
        lambda w: f"/api/v1/comparison-rules/{_key(w)}",
        "data_officer",
        200,
        api=True,
        body=lambda w: {"name": own_rule(w).name + "（修订）", "definition": api_definition()},
        marker=lambda w: '"version":2',
    ),
]
