"""The API's edge (issue 14, "no server error on any input"): what no endpoint should have to
think about is refused once, before any schema or service sees it, with a Chinese message that
names the field, and nothing written:

- a text holding a lone surrogate ("\\ud800", which JSON's escape decodes to and no database
  stores), in any JSON body, including the one the task progress endpoint reads itself;
- ``null`` for a text field of a PATCH (leave it out to keep it, "" to empty it); a date may
  still be cleared with null;
- JSON nested 5,000 deep;
- ``multipart/form-data`` without a boundary on every upload endpoint.
"""

import datetime

import pytest

from conftest import token_client
from onsite.models import DocumentRequest
from onsite.tests.factories import document_request
from rectification.tests.factories import task
from registry.models import Organization

SURROGATE = '"\\ud800"'  # as a JSON text: the escape of a lone surrogate


def _refused(r, status, code, field):
    assert r.status_code == status, r.content.decode()[:300]
    body = r.json()
    assert body["code"] == code, body
    assert any(e["field"] in (field, f"payload.{field}") for e in body["errors"]), body
    assert all(e["message"] for e in body["errors"]) and "系统出现错误" not in body["detail"]
    return body


def test_a_lone_surrogate_in_a_json_body_is_refused_naming_the_field(world):
    found = document_request(world)
    member = token_client(world["a"].users["team_member"])
    r = member.patch(
        f"/api/v1/document-requests/{found.pk}", f'{{"note": {SURROGATE}}}', content_type="application/json"
    )
    body = _refused(r, 422, "bad_text", "note")
    assert "代理" in body["errors"][0]["message"]
    found.refresh_from_db()
    assert found.note == ""

    office = token_client(world["a"].users["office"])
    kind = world["a"].orgs["dept"].kind_id
    r = office.post(
        "/api/v1/organizations",
        f'{{"code": "X9", "name": "甲{SURROGATE[1:-1]}乙", "kind_id": {kind}}}',
        content_type="application/json",
    )
    _refused(r, 422, "bad_text", "name")
    assert not Organization.objects.filter(code="X9").exists()
    # Deep inside a list, and in a key: the path says where.
    r = member.post(
        "/api/v1/document-requests/bulk",
        f'{{"inspection_id": {found.inspection_id}, "requested_on": "2026-01-05", "titles": ["甲", {SURROGATE}]}}',
        content_type="application/json",
    )
    _refused(r, 422, "bad_text", "titles[1]")
    assert DocumentRequest.objects.filter(inspection=found.inspection).count() == 1


def test_task_progress_reads_its_own_json_and_refuses_a_surrogate_too(world):
    found = task(world)
    unit = token_client(world["a"].users["unit_liaison"])
    r = unit.post(
        f"/api/v1/rectification-tasks/{found.pk}/progress", f'{{"text": {SURROGATE}}}', content_type="application/json"
    )
    assert r.status_code == 422 and r.json()["error_codes"] == {"text": ["bad_text"]}, r.content.decode()[:300]
    assert found.progress_reports.count() == 0


def test_null_for_a_text_field_of_a_patch_is_refused_a_date_may_be_cleared(world):
    found = document_request(world)
    DocumentRequest.objects.filter(pk=found.pk).update(note="原备注", due_on=datetime.date(2026, 1, 20))
    member = token_client(world["a"].users["team_member"])
    url = f"/api/v1/document-requests/{found.pk}"
    body = _refused(member.patch(url, {"note": None}, content_type="application/json"), 422, "schema_invalid", "note")
    assert "不能为 null" in body["errors"][0]["message"]
    found.refresh_from_db()
    assert (found.note, found.due_on) == ("原备注", datetime.date(2026, 1, 20))
    r = member.patch(url, {"due_on": None, "note": ""}, content_type="application/json")
    assert r.status_code == 200, r.content.decode()[:300]
    found.refresh_from_db()
    assert (found.note, found.due_on) == ("", None)


def test_the_schema_says_a_patch_text_may_be_left_out_not_null(client):
    """A client generated from the schema sends no null where the API refuses one."""
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    patches = {name: s for name, s in schemas.items() if name.endswith("Patch")}
    assert len(patches) >= 9
    for name, found in patches.items():
        for field, prop in found["properties"].items():
            branches = [prop, *prop.get("anyOf", [])]
            text = any(b.get("type") == "string" and "format" not in b for b in branches)
            if text:  # plain text (not a date): never null
                assert prop.get("type") == "string" and "anyOf" not in prop, f"{name}.{field}: {prop}"
    note = schemas["DocumentRequestPatch"]["properties"]
    assert note["note"] == {"title": "Note", "type": "string"}
    assert {"type": "null"} in note["due_on"]["anyOf"]  # a date may still be cleared


def test_json_nested_five_thousand_deep_is_not_json_we_read(world):
    found = document_request(world)
    member = token_client(world["a"].users["team_member"])
    for body in ("[" * 5000, '{"note": ' + "[" * 5000 + "}", '{"note": ' + "[" * 5000 + "]" * 5000 + "}"):
        r = member.patch(f"/api/v1/document-requests/{found.pk}", body, content_type="application/json")
        assert r.status_code in (400, 422) and r.json()["code"] in ("bad_json", "schema_invalid"), r.content[:200]


@pytest.mark.parametrize(
    "who, url",
    [
        ("team_member", "/api/v1/attachments"),
        ("office", "/api/v1/organizations/import"),
        ("data_officer", "/api/v1/datasets"),
        ("team_member", "/api/v1/surveys/{survey}/results"),
        ("office", "/api/v1/rectification-plans/{plan}/ledger"),
        ("unit_liaison", "/api/v1/rectification-tasks/{task}/progress"),
    ],
)
def test_an_upload_without_a_multipart_boundary_is_a_400_naming_the_file(world, who, url):
    from onsite.models import Survey

    found = task(world)
    a = world["a"]
    survey = Survey.objects.create(
        authority=a.authority,
        inspection=a.inspection,
        kind="evaluation",
        title="民主测评",
        held_on=datetime.date(2026, 1, 8),
        handed_out=30,
    )
    client = token_client(world["a"].users[who])
    r = client.post(
        url.format(survey=survey.pk, plan=found.plan_id, task=found.pk),
        b"--x\r\nContent-Disposition: form-data; name=file\r\n\r\nabc\r\n--x--\r\n",
        content_type="multipart/form-data",  # no boundary
    )
    body = _refused(r, 400, "bad_multipart", "file")
    assert "boundary" in body["detail"]


def _text_body(schema: dict, components: dict) -> dict | None:
    """A body for ``schema`` whose text properties all hold a lone surrogate (as the JSON escape,
    filled in later), the others a plain value of their type; None when it has no text."""
    if "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[1]]
    body, texts = {}, False
    for name, prop in (schema.get("properties") or {}).items():
        kinds = {p.get("type") for p in prop.get("anyOf", [prop])}
        if "string" in kinds and prop.get("format") not in ("date", "date-time", "binary"):
            body[name], texts = "SURROGATE", True
        elif "string" in kinds:
            body[name] = "2026-01-05"
        elif kinds & {"integer", "number"}:
            body[name] = 1
        elif "boolean" in kinds:
            body[name] = False
        elif "array" in kinds:
            body[name] = []
    return body if texts else None


# The operations that read their JSON (or form) body themselves (rectification.api.tasks._body).
OWN_BODY = {f"/api/v1/rectification-tasks/{{task_id}}/{step}" for step in ("progress", "verify", "reject")}


def test_every_json_body_of_the_schema_refuses_a_lone_surrogate_in_its_texts(world):
    """Each operation of the OpenAPI schema that takes a JSON body with a text field, sent that
    field as "\\ud800" by the office: 422 bad_text, never a server error (the parser refuses it
    before the operation's own checks, so one role reaches every operation)."""
    import json

    client = token_client(world["a"].users["office"])
    schema = client.get("/api/v1/openapi.json").json()
    components = schema["components"]["schemas"]
    tried, wrong = 0, []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            content = (operation.get("requestBody") or {}).get("content") or {}
            if "application/json" not in content:
                continue
            body = _text_body(content["application/json"]["schema"], components)
            if body is None or path.startswith("/api/v1/auth/"):
                continue
            url = path.replace("{", "").replace("}", "")
            url = "/".join("1" if part.endswith("_id") or part == "id" else part for part in url.split("/"))
            data = json.dumps(body).replace('"SURROGATE"', SURROGATE)
            r = getattr(client, method)(url, data, content_type="application/json")
            tried += 1
            refused = r.status_code == 422 and r.json().get("code") == "bad_text"
            # Those reading their own body look the task up first: no such task, 404.
            if r.status_code >= 500 or not (refused or (path in OWN_BODY and r.status_code == 404)):
                wrong.append(f"{method.upper()} {path}: {r.status_code} {r.content.decode()[:120]}")
    assert tried >= 40 and wrong == []
