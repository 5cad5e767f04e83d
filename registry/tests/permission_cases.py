"""The four permission cases for the leaders of an organisation (pages and API)."""

from core.tests.permissions import Case
from registry.tests.factories import a_leader


def a_dept(w):
    return w["a"].orgs["dept"]


CASES = [
    Case(
        "registry detail leaders",
        "get",
        lambda w: f"/registry/{a_leader(w).organization_id}/",  # the leader exists before the request
        "leading_group",
        200,
        marker=lambda w: a_leader(w).name,
    ),
    Case(
        "registry leader add",
        "post",
        lambda w: f"/registry/{a_dept(w).pk}/leaders/",
        "office",
        302,
        body=lambda w: {"name": "李明", "post": "副主任", "start_on": "2024-03-01"},
    ),
    Case(
        "registry leader end",
        "post",
        lambda w: f"/registry/{a_dept(w).pk}/leaders/{a_leader(w).pk}/end/",
        "office",
        302,
        body=lambda w: {"end_on": "2025-01-15"},
    ),
    Case(
        "registry leader update",
        "post",
        lambda w: f"/registry/{a_dept(w).pk}/leaders/{a_leader(w).pk}/",
        "office",
        302,
        body=lambda w: {"name": "甲县程立军", "post": "主任", "start_on": "2021-07-01"},
    ),
    Case(
        "api organization leaders",
        "get",
        lambda w: f"/api/v1/organizations/{a_leader(w).organization_id}/leaders",
        "leading_group",
        200,
        api=True,
        marker=lambda w: a_leader(w).name,
    ),
    Case(
        "api organization leader add",
        "post",
        lambda w: f"/api/v1/organizations/{a_dept(w).pk}/leaders",
        "office",
        201,
        api=True,
        body=lambda w: {"name": "李明", "post": "副主任", "start_on": "2024-03-01"},
    ),
    Case(
        "api organization leader end",
        "post",
        lambda w: f"/api/v1/organizations/{a_dept(w).pk}/leaders/{a_leader(w).pk}/end",
        "office",
        200,
        api=True,
        body=lambda w: {"end_on": "2025-01-15"},
    ),
]
