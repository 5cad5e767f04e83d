"""Every API error carries a stable machine ``code``, registered once and listed in the OpenAPI description."""

import ast
import datetime
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from conftest import PASSWORD, token_client
from core.errors import ERROR_CODES, error_codes, first_code

ROOT = Path(__file__).resolve().parents[2]
APPS = ("core", "registry", "planning", "onsite", "results", "rectification", "xuncha")
D = datetime.date


def _source_files():
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            parts = path.relative_to(ROOT).parts
            if "tests" in parts or "migrations" in parts:
                continue
            yield path


def _codes_in(tree: ast.AST) -> set[str]:
    """``ValidationError(..., code="x")`` and error bodies ``{"detail": ..., "code": "x"}``."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name == "ValidationError":
                for kw in node.keywords:
                    if kw.arg == "code" and isinstance(kw.value, ast.Constant):
                        found.add(kw.value.value)
        elif isinstance(node, ast.Dict):
            keys = {k.value: v for k, v in zip(node.keys, node.values, strict=True) if isinstance(k, ast.Constant)}
            if "code" in keys and ("detail" in keys or "errors" in keys) and isinstance(keys["code"], ast.Constant):
                found.add(keys["code"].value)
    return found


def test_every_code_raised_in_the_source_is_registered():
    used: dict[str, str] = {}
    for path in _source_files():
        for code in _codes_in(ast.parse(path.read_text(encoding="utf-8"))):
            used.setdefault(code, str(path.relative_to(ROOT)))
    # The scan finds the services' codes and the API's own bodies (so it is not vacuous).
    assert {"stage_order", "out_of_scope_date", "duplicate", "file_rejected", "conflict_of_interest"} <= set(used)
    unregistered = {code: path for code, path in used.items() if code not in ERROR_CODES}
    assert unregistered == {}, f"codes used but not in core.errors.ERROR_CODES: {unregistered}"
    for code, meaning in ERROR_CODES.items():
        assert code.isidentifier() and code == code.lower() and meaning.strip(), code


def test_the_openapi_description_lists_every_code(client):
    description = client.get("/api/v1/openapi.json").json()["info"]["description"]
    assert description.startswith("Xuncha: the inspection office's platform.")
    for code, meaning in ERROR_CODES.items():
        assert f"- `{code}`: {meaning}" in description, code


def test_error_codes_follow_the_messages_one_for_one():
    e = ValidationError(
        {
            "on": [ValidationError("早", code="out_of_scope_date"), "无码"],
            "file": ValidationError(["甲", ValidationError("乙", code="file_rejected")]),
        }
    )
    assert error_codes(e) == {"on": ["out_of_scope_date", "invalid"], "file": ["invalid", "file_rejected"]}
    assert first_code(error_codes(e)) == "out_of_scope_date"
    assert error_codes(ValidationError("整体", code="stale")) == {"__all__": ["stale"]}
    assert first_code({}) == "invalid"


def test_django_s_own_codes_answer_as_registered_ones(office):
    """A model's full_clean speaks of max_length, blank, unique…: a client meets only listed codes."""
    e = ValidationError(
        {
            "name": [ValidationError("长", code="max_length"), ValidationError("空", code="blank")],
            "code": [ValidationError("重", code="unique")],
            "kind": [ValidationError("选", code="invalid_choice")],
        }
    )
    assert error_codes(e) == {"name": ["invalid", "invalid"], "code": ["duplicate"], "kind": ["unknown_choice"]}
    long = office.post("/api/v1/inspectors", {"name": "张" * 200, "unit": "审计局"}, content_type="application/json")
    body = long.json()
    assert long.status_code == 422 and "name" in body["errors"]
    assert all(code in ERROR_CODES for codes in body["error_codes"].values() for code in codes), body


@pytest.fixture
def office(world):
    return token_client(world["a"].users["office"])


def test_generic_answers_carry_their_code(world, client, office):
    anonymous = client.get("/api/v1/me")
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "unauthenticated"
    assert anonymous.json()["detail"] == "请先登录或提供有效的访问令牌。"
    refused = client.post(
        "/api/v1/auth/token", {"username": "nobody-here", "password": PASSWORD}, content_type="application/json"
    )
    assert refused.status_code == 401 and refused.json()["code"] == "login_refused" and refused.json()["detail"]
    missing = office.get("/api/v1/organizations/999999")
    assert missing.status_code == 404 and missing.json() == {"detail": "未找到。", "code": "not_found"}
    elsewhere = office.get(f"/api/v1/organizations/{world['b'].orgs['town'].pk}")
    assert elsewhere.status_code == 404 and elsewhere.json()["code"] == "not_found"
    insp = world["a"].inspection
    forbidden = token_client(world["a"].users["team_member"]).post(
        f"/api/v1/inspections/{insp.pk}/advance", {"to_stage": "onsite"}, content_type="application/json"
    )
    assert forbidden.status_code == 403 and forbidden.json() == {"detail": "无权执行此操作。", "code": "forbidden"}
    schema = office.post("/api/v1/organizations", {"code": "X"}, content_type="application/json")
    body = schema.json()
    assert schema.status_code == 422 and body["code"] == "schema_invalid" and body["detail"] == "请求格式有误。"
    assert set(body["error_codes"]) == {e["field"] for e in body["errors"]} and "payload.name" in body["error_codes"]
    bad_json = office.post("/api/v1/organizations", "{not json", content_type="application/json")
    assert bad_json.status_code == 400 and bad_json.json()["code"] == "bad_json"


def test_a_service_refusal_names_each_field_with_its_code(world, office):
    a = world["a"]
    dup = office.post(
        "/api/v1/organizations",
        {"code": "D001", "name": "重复", "kind_id": a.orgs["dept"].kind_id},
        content_type="application/json",
    )
    assert dup.status_code == 422
    assert dup.json() == {
        "detail": "输入有误。",
        "code": "duplicate",
        "errors": {"code": ["该单位编码已被使用。"]},
        "error_codes": {"code": ["duplicate"]},
    }
    elsewhere = office.patch(
        f"/api/v1/organizations/{a.orgs['town'].pk}",
        {"parent_id": world["b"].orgs["town"].pk},
        content_type="application/json",
    )
    assert elsewhere.json()["error_codes"] == {"parent": ["unknown_reference"]}
    merged = office.patch(
        f"/api/v1/organizations/{a.orgs['village'].pk}", {"status": "merged"}, content_type="application/json"
    )
    body = merged.json()
    assert merged.status_code == 422 and body["code"] == "invalid"
    assert {f: len(m) for f, m in body["errors"].items()} == {f: len(c) for f, c in body["error_codes"].items()}
    assert body["error_codes"] == {"ended_on": ["invalid"], "merged_into": ["invalid"]}


def test_stage_order_and_dates_out_of_scope_through_the_api(world, office):
    insp = world["a"].inspection
    insp.round.entry_on, insp.round.onsite_end_on = D(2025, 12, 14), D(2026, 1, 29)
    insp.round.save()
    url = f"/api/v1/inspections/{insp.pk}/advance"
    skip = office.post(url, {"to_stage": "archived"}, content_type="application/json")
    assert skip.status_code == 422 and skip.json()["code"] == "stage_order"
    assert skip.json()["error_codes"] == {"to_stage": ["stage_order"]}
    unknown = office.post(url, {"to_stage": "nowhere"}, content_type="application/json")
    assert unknown.json()["error_codes"] == {"to_stage": ["unknown_choice"]}
    moved = office.post(url, {"to_stage": "onsite", "on": "2025-12-14"}, content_type="application/json")
    assert moved.status_code == 200
    early = office.post(url, {"to_stage": "reporting", "on": "2025-12-01"}, content_type="application/json")
    assert early.status_code == 422 and early.json()["code"] == "out_of_scope_date"
    assert early.json()["error_codes"] == {"on": ["out_of_scope_date"]}
    assert "日期不能早于上一阶段变更" in early.json()["errors"]["on"][0]


def test_a_date_in_the_future_is_out_of_scope(world, office):
    org = world["a"].orgs["dept"]
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    r = office.post(
        f"/api/v1/organizations/{org.pk}/leaders",
        {"name": "李明", "post": "主任", "start_on": tomorrow.isoformat()},
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["error_codes"] == {"start_on": ["out_of_scope_date"]}
    assert r.json()["errors"] == {"start_on": ["任职起始日期不能晚于今天。"]}
