"""Rows of the four-permission-cases table (core/tests/test_permissions.py) for data
comparison's datasets and runs: county A's welfare list and payroll uploaded by its data
officer, and a run of welfare_vs_payroll over them (queued; the run page also once done).

Only the data officer reads any of it: the office, the leading group and the 三员 are
"no permission" here like any account without the role (comparison/tests/test_datasets.py
asks them one by one). The API's upload (multipart) has its four cases in test_datasets.py.
"""

from comparison.tests.factories import RULE, dataset, kind_upload, own_rule, run, source_name
from core.tests.permissions import Case


def welfare(w):
    return dataset(w, "a", "welfare")


def a_source(w):
    return source_name(w, "a", "welfare")


def a_run(w):
    return run(w, "a")


CASES = [
    Case(
        "comparison datasets",
        "get",
        lambda w: welfare(w) and "/comparison/datasets/",
        "data_officer",
        200,
        marker=a_source,
        list_view=True,
        denied=403,
    ),
    Case(
        "comparison upload form",
        "get",
        lambda w: "/comparison/datasets/upload/",
        "data_officer",
        200,
        own_authority=True,
        denied=403,
    ),
    Case(
        "comparison upload check",
        "post",
        lambda w: "/comparison/datasets/upload/",
        "data_officer",
        200,
        body=lambda w: {"source": "县民政局低保名单", "file": kind_upload("welfare")},
        own_authority=True,
        denied=403,
    ),
    Case(
        "comparison upload confirm",
        "post",
        lambda w: "/comparison/datasets/upload/confirm/",
        "data_officer",
        302,
        body=lambda w: {"token": "0" * 32 + ".csv", "source": "县民政局低保名单", "confirm": "1"},
        own_authority=True,
        denied=403,
    ),
    Case(
        "comparison dataset",
        "get",
        lambda w: f"/comparison/datasets/{welfare(w).pk}/",
        "data_officer",
        200,
        marker=a_source,
    ),
    Case(
        "comparison dataset rows",
        "get",
        lambda w: f"/comparison/datasets/{welfare(w).pk}/rows/",
        "data_officer",
        200,
        marker=lambda w: "330102198001010018",
    ),
    Case(
        "comparison runs",
        "get",
        lambda w: a_run(w) and "/comparison/runs/",
        "data_officer",
        200,
        marker=lambda w: f"/comparison/runs/{a_run(w).pk}/",
        list_view=True,
        denied=403,
    ),
    Case(
        "comparison run new",
        "get",
        lambda w: welfare(w) and dataset(w, "a", "payroll") and f"/comparison/runs/new/?rule={RULE}",
        "data_officer",
        200,
        marker=a_source,
        own_authority=True,
        denied=403,
    ),
    Case(
        "comparison run start",
        "post",
        lambda w: "/comparison/runs/new/",
        "data_officer",
        302,
        body=lambda w: {
            "rule": RULE,
            "role_welfare": welfare(w).pk,
            "role_payroll": dataset(w, "a", "payroll").pk,
        },
        own_authority=True,  # county B's officer meets its own form, which offers none of A's datasets
        denied=403,
    ),
    Case(
        "comparison run",
        "get",
        lambda w: f"/comparison/runs/{a_run(w).pk}/",
        "data_officer",
        200,
        marker=a_source,
    ),
    Case(
        "comparison run done",
        "get",
        lambda w: f"/comparison/runs/{run(w, 'a', execute=True).pk}/",
        "data_officer",
        200,
        marker=lambda w: "精确匹配",
    ),
    Case(
        "comparison run progress",
        "get",
        lambda w: f"/comparison/runs/{a_run(w).pk}/progress/",
        "data_officer",
        200,
        marker=lambda w: "every 2s",
    ),
    Case("comparison run cancel", "post", lambda w: f"/comparison/runs/{a_run(w).pk}/cancel/", "data_officer", 302),
    Case(
        "api datasets",
        "get",
        lambda w: welfare(w) and "/api/v1/datasets",
        "data_officer",
        200,
        api=True,
        list_view=True,
        marker=a_source,
    ),
    Case(
        "api comparison rules",
        "get",
        lambda w: own_rule(w) and "/api/v1/comparison-rules",
        "data_officer",
        200,
        api=True,
        list_view=True,
        marker=lambda w: own_rule(w).name,
    ),
    Case(
        "api comparison runs",
        "get",
        lambda w: a_run(w) and "/api/v1/comparison-runs",
        "data_officer",
        200,
        api=True,
        list_view=True,
        marker=lambda w: f'"id":{a_run(w).pk},',
    ),
    Case(
        "api comparison run start",
        "post",
        lambda w: "/api/v1/comparison-runs",
        "data_officer",
        201,
        api=True,
        body=lambda w: {"rule": RULE, "datasets": {"welfare": welfare(w).pk, "payroll": dataset(w, "a", "payroll").pk}},
    ),
    Case(
        "api comparison run",
        "get",
        lambda w: f"/api/v1/comparison-runs/{a_run(w).pk}",
        "data_officer",
        200,
        api=True,
        marker=lambda w: '"status":"queued"',
    ),
    Case(
        "api comparison run cancel",
        "post",
        lambda w: f"/api/v1/comparison-runs/{a_run(w).pk}/cancel",
        "data_officer",
        200,
        api=True,
        marker=lambda w: '"status":"cancelled"',
    ),
]
