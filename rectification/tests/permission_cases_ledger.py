"""Rows of the four-permission-cases table (core/tests/test_permissions.py) for the ledger
pages and API: everyone who sees a plan may read its ledger; only the unit's liaison
imports (the office is refused with 403), and county B sees nothing of county A."""

from django.core.files.uploadedfile import SimpleUploadedFile

from core.tests.permissions import Case
from rectification.tests.factories import plan


def _unit_name(w):
    return w["a"].orgs["dept"].name


def _ledger_file(w):
    """County A's ledger as exported (uploaded back unchanged)."""
    from rectification.ledger import plan_ledger_export

    _, data = plan_ledger_export(actor=w["a"].users["office"], plan=plan(w))
    return {"file": SimpleUploadedFile("整改台账.xlsx", data)}


def _import_url(w):
    return f"/rectification/plans/{plan(w).pk}/ledger/import/"


def _api_url(w):
    return f"/api/v1/rectification-plans/{plan(w).pk}/ledger"


XLSX_MARKER = "xl/workbook.xml"  # an Excel file, not a page

CASES = [
    Case(
        "ledger page",
        "get",
        lambda w: plan(w) and "/rectification/ledger/",
        "office",
        200,
        list_view=True,
        marker=_unit_name,
        denied=403,
    ),
    Case(
        "ledger page unit",
        "get",
        lambda w: plan(w) and "/rectification/ledger/",
        "unit_liaison",
        200,
        list_view=True,
        marker=_unit_name,
        denied=403,
    ),
    Case(
        "ledger export",
        "get",
        lambda w: plan(w) and "/rectification/ledger/export.xlsx",
        "office",
        200,
        list_view=True,
        denied=403,
    ),
    Case(
        "plan ledger download",
        "get",
        lambda w: f"/rectification/plans/{plan(w).pk}/ledger.xlsx",
        "team_leader",
        200,
        marker=lambda w: XLSX_MARKER,
    ),
    Case("plan ledger import page", "get", _import_url, "unit_liaison", 200, marker=_unit_name),
    Case(
        "plan ledger import upload",
        "post",
        _import_url,
        "unit_liaison",
        200,
        body=_ledger_file,
        marker=lambda w: "文件检查通过",
    ),
    Case("plan ledger import office refused", "post", _import_url, "office", 403, body=_ledger_file),
    Case(
        "api plan ledger",
        "get",
        lambda w: f"{_api_url(w)}.xlsx",
        "unit_liaison",
        200,
        api=True,
        marker=lambda w: XLSX_MARKER,
    ),
    Case(
        "api plan ledger import",
        "post",
        _api_url,
        "unit_liaison",
        422,  # let in; the request carries no file
        api=True,
        marker=lambda w: "请上传整改台账",
    ),
    Case("api plan ledger import office refused", "post", _api_url, "office", 403, api=True),
]
