"""Rows of the four-permission-cases table (core/tests/test_permissions.py) for the look-back
check page and API. Their records (rectification/tests/factories.py): county A's approved plan
(round 7) with evidence, and a look-back of it in round 8 with its own team member.

The rows use the office (which may record verdicts too): the look-back team member is not
one of the shared world's accounts; test_lookback.py covers the team itself."""

from core.tests.permissions import Case
from rectification.tests.factories import lookback, old_finding


def _page(w):
    return f"/rectification/lookbacks/{lookback(w).pk}/"


CASES = [
    Case("lookback page", "get", _page, "office", 200, marker=lambda w: "公务接待超标准"),
    Case(
        "lookback check",
        "post",
        lambda w: f"/rectification/lookbacks/{lookback(w).pk}/findings/{old_finding(w).pk}/check/",
        "office",
        302,
        body=lambda w: {f"f{old_finding(w).pk}-verdict": "surface", f"f{old_finding(w).pk}-note": "制度仅上墙未执行。"},
    ),
    Case(
        "api lookback items",
        "get",
        lambda w: f"/api/v1/lookbacks/{lookback(w).pk}",
        "office",
        200,
        api=True,
        marker=lambda w: "公务接待超标准",
    ),
    Case(
        "api lookback check",
        "post",
        lambda w: f"/api/v1/lookbacks/{lookback(w).pk}/checks",
        "office",
        200,
        api=True,
        body=lambda w: {"finding": old_finding(w).pk, "verdict": "not_fixed", "note": "仍有超标准接待。"},
    ),
]
