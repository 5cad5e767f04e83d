"""The rectification API as its clients use it: the unit drafts and reports over the API, the
office reviews and verifies, the team reads, county B sees nothing; bad input answers 422 in
Chinese by field, never a 500."""

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from conftest import finding, token_client
from core.models import AuditEvent
from rectification.models import Evidence, RectificationPlan, RectificationTask
from rectification.tests.factories import TITLES, fed_back, plan, progress

pytestmark = pytest.mark.django_db

PLANS, TASKS = "/api/v1/rectification-plans", "/api/v1/rectification-tasks"


def real_pdf(text: str = "Rectification evidence") -> bytes:
    """A small but complete one-page PDF (with its cross-reference table) that PDF readers open."""
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def post(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def patch(client, url, body):
    return client.patch(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def who(world):
    a, b = world["a"], world["b"]
    return {
        "unit": token_client(a.users["unit_liaison"]),
        "office": token_client(a.users["office"]),
        "team": token_client(a.users["team_leader"]),
        "b_office": token_client(b.users["office"]),
        "b_unit": token_client(b.users["unit_liaison"]),
    }


def test_the_whole_flow_over_the_api(world, who):
    a = world["a"]
    unit, office, team = who["unit"], who["office"], who["team"]
    first, second = fed_back(world)

    r = post(unit, PLANS, {"inspection": a.inspection.pk, "summary": "成立整改工作领导小组。"})
    assert r.status_code == 201, r.content.decode()
    created = r.json()
    plan_id = created["id"]
    assert created["status"] == "draft" and created["status_display"] == "起草中"
    assert [f["title"] for f in created["findings"]] == list(TITLES)
    assert {f["state"] for f in created["findings"]} == {"无任务"}

    r = post(
        unit,
        TASKS,
        {
            "plan": plan_id,
            "finding": first.pk,
            "measure": "修订公务接待管理办法",
            "deadline": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
            "responsible_leader": "王书记",
            "responsible_office": "办公室",
        },
    )
    assert r.status_code == 201, r.content.decode()
    task_one = r.json()
    assert task_one["number"] == 1 and task_one["phase"] == "concentrated" and task_one["finding_title"] == TITLES[0]

    # Submitting with a finding still without a task names it.
    r = post(unit, f"{PLANS}/{plan_id}/submit")
    assert r.status_code == 422 and TITLES[1] in r.json()["errors"]["tasks"][0]

    r = post(
        unit,
        TASKS,
        {
            "plan": plan_id,
            "finding": second.pk,
            "measure": "完善党委议事规则",
            "responsible_leader": "李主任",
            "responsible_office": "党办",
            "phase": "ongoing",
        },
    )
    assert r.status_code == 201
    task_two = r.json()
    assert task_two["deadline"] == unit.get(f"{PLANS}/{plan_id}").json()["default_deadline"]

    r = post(unit, f"{PLANS}/{plan_id}/submit")
    assert r.status_code == 200 and r.json()["status"] == "submitted"

    # Returned without comments: refused by field; with them, the unit reads them.
    r = post(office, f"{PLANS}/{plan_id}/review", {"decision": "returned"})
    assert r.status_code == 422 and r.json()["errors"]["comments"] == ["退回修改须写明意见。"]
    r = post(
        office,
        f"{PLANS}/{plan_id}/review",
        {
            "decision": "returned",
            "comments": "措施不够具体，请细化时限。",
            "opinions": {"discipline": "同意巡察办意见。", "team": "第二项措施过于笼统。"},
        },
    )
    assert r.status_code == 200 and r.json()["status"] == "returned"
    seen = unit.get(f"{PLANS}/{plan_id}").json()
    assert seen["reviews"][0]["comments"] == "措施不够具体，请细化时限。"
    assert seen["reviews"][0]["opinions"]["team"] == "第二项措施过于笼统。"

    r = patch(unit, f"{PLANS}/{plan_id}", {"summary": "成立整改工作领导小组，书记任组长。"})
    assert r.status_code == 200 and r.json()["summary"] == "成立整改工作领导小组，书记任组长。"
    assert r.json()["head_name"] == ""
    r = patch(unit, f"{TASKS}/{task_two['id']}", {"measure": "修订“三重一大”决策制度并于三十日内印发"})
    assert r.status_code == 200 and r.json()["measure"].startswith("修订“三重一大”")
    assert r.json()["responsible_office"] == "党办"  # untouched fields stay

    assert post(unit, f"{PLANS}/{plan_id}/submit").json()["status"] == "submitted"
    r = post(office, f"{PLANS}/{plan_id}/review", {"decision": "approved", "comments": "同意。"})
    assert r.status_code == 200
    approved = r.json()
    assert approved["status"] == "approved" and approved["approved_on"] == timezone.localdate().isoformat()
    assert [rv["decision"] for rv in approved["reviews"]] == ["returned", "approved"]

    # Progress with a real PDF as evidence, sent as a browser would send a form.
    r = unit.post(
        f"{TASKS}/{task_one['id']}/progress",
        {
            "text": "已印发新的公务接待管理办法。",
            "completed": "true",
            "files": [SimpleUploadedFile("接待管理办法.pdf", real_pdf(), content_type="application/pdf")],
        },
    )
    assert r.status_code == 201, r.content.decode()
    reported = r.json()
    assert reported["status"] == "reported" and reported["progress"] == "已印发新的公务接待管理办法。"
    assert [e["name"] for e in reported["progress_reports"][0]["evidence"]] == ["接待管理办法.pdf"]
    stored = Evidence.objects.get()
    assert stored.kind == "pdf" and stored.size == len(real_pdf())
    # The office downloads the very file the unit sent; county B cannot.
    url = reported["progress_reports"][0]["evidence"][0]["download_url"]
    r = office.get(url)
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert b"".join(r.streaming_content) == real_pdf()
    assert "attachment" in r["Content-Disposition"]
    assert who["b_office"].get(url).status_code == 404
    assert AuditEvent.objects.filter(action="rectification_evidence.download").count() == 1

    # The team reads but does not verify; the office does.
    assert team.get(f"{TASKS}/{task_one['id']}").json()["status"] == "reported"
    assert post(team, f"{TASKS}/{task_one['id']}/verify").status_code == 403
    r = post(office, f"{TASKS}/{task_one['id']}/verify", {"reason": "佐证材料齐全。"})
    assert r.status_code == 200
    verified = r.json()
    assert verified["status"] == "verified" and verified["verified_on"] == timezone.localdate().isoformat()
    assert verified["finding_rectified"] is True
    assert verified["checks"][0]["decision"] == "verified" and verified["checks"][0]["reason"] == "佐证材料齐全。"

    states = {f["title"]: f["state"] for f in unit.get(f"{PLANS}/{plan_id}").json()["findings"]}
    assert states == {TITLES[0]: "已整改", TITLES[1]: "整改中"}
    listed = office.get(PLANS).json()
    assert listed["count"] == 1 and listed["items"][0]["tasks_verified"] == 1 and listed["items"][0]["tasks_total"] == 2
    assert AuditEvent.objects.filter(action="rectification_task.verify").count() == 1


def test_the_office_rejects_with_a_reason_and_the_unit_reports_again(world, who):
    p = plan(world)
    task = p.tasks.order_by("number").first()
    progress(world, task, completed=True)
    url = f"{TASKS}/{task.pk}"

    r = post(who["office"], f"{url}/reject", {"reason": "  "})
    assert r.status_code == 422 and r.json()["errors"]["reason"] == ["退回须写明理由。"]
    r = post(who["office"], f"{url}/reject", {"reason": "佐证材料未盖章。"})
    assert r.status_code == 200
    assert r.json()["status"] == "rejected" and r.json()["status_display"] == "退回补充"
    seen = who["unit"].get(url).json()
    assert seen["reject_reason"] == "佐证材料未盖章。" and seen["checks"][0]["decision_display"] == "退回补充"

    # A rejected task cannot be verified until the unit reports it completed again…
    assert post(who["office"], f"{url}/verify").status_code == 422
    # …with new evidence: the files the office just sent back do not count again.
    r = post(who["unit"], f"{url}/progress", {"text": "已补充盖章件。", "completed": True})
    assert r.status_code == 422 and r.json()["errors"]["files"] == ["任务曾被退回，申请销号须附新的佐证材料。"]
    r = who["unit"].post(
        f"{url}/progress",
        {"text": "已补充盖章件。", "completed": "true", "files": [SimpleUploadedFile("盖章件.pdf", real_pdf("seal"))]},
    )
    assert r.status_code == 201 and r.json()["status"] == "reported"
    assert len(r.json()["progress_reports"]) == 2
    # A POST without any body verifies too (the reason is optional).
    assert who["office"].post(f"{url}/verify").json()["status"] == "verified"


def test_the_unit_cannot_verify_or_review_and_others_see_nothing(world, who):
    p = plan(world, status="submitted")
    assert post(who["unit"], f"{PLANS}/{p.pk}/review", {"decision": "approved"}).status_code == 403
    assert post(who["team"], f"{PLANS}/{p.pk}/review", {"decision": "approved"}).status_code == 403
    assert post(who["b_office"], f"{PLANS}/{p.pk}/review", {"decision": "approved"}).status_code == 404
    assert post(who["office"], f"{PLANS}/{p.pk}/review", {"decision": "approved"}).status_code == 200

    task = p.tasks.order_by("number").first()
    progress(world, task, completed=True)
    for client, status in (("unit", 403), ("team", 403), ("b_office", 404), ("b_unit", 404)):
        assert post(who[client], f"{TASKS}/{task.pk}/verify").status_code == status, client
        assert post(who[client], f"{TASKS}/{task.pk}/reject", {"reason": "不行"}).status_code == status, client
    task.refresh_from_db()
    assert task.status == "reported"
    # Only the unit reports progress; the office cannot report for it.
    assert post(who["office"], f"{TASKS}/{task.pk}/progress", {"text": "代报"}).status_code == 403


def test_each_role_sees_what_is_its_own(world, who):
    p = plan(world)
    plan(world, "b")
    name = world["a"].orgs["dept"].name
    for client in ("unit", "office", "team"):
        plans = who[client].get(PLANS).json()
        assert [i["organization_name"] for i in plans["items"]] == [name], client
        tasks = who[client].get(TASKS).json()
        assert tasks["count"] == 2 and {t["plan_id"] for t in tasks["items"]} == {p.pk}, client
        assert who[client].get(f"{PLANS}/{p.pk}").status_code == 200
    for client in ("b_office", "b_unit"):
        assert name not in json.dumps(who[client].get(PLANS).json(), ensure_ascii=False)
        assert p.pk not in {t["plan_id"] for t in who[client].get(TASKS).json()["items"]}
        assert who[client].get(f"{PLANS}/{p.pk}").status_code == 404
        assert who[client].get(f"{TASKS}/{p.tasks.first().pk}").status_code == 404
    # The city office sees its counties' plans.
    assert token_client(world["city_office"]).get(PLANS).json()["count"] == 2


def test_list_filters(world, who):
    p = plan(world, deadline=timezone.localdate() - datetime.timedelta(days=2))
    first, second = p.tasks.order_by("number")
    progress(world, first, completed=True)
    post(who["office"], f"{TASKS}/{first.pk}/verify")
    office = who["office"]
    assert office.get(f"{PLANS}?status=approved").json()["count"] == 1
    assert office.get(f"{PLANS}?status=draft").json()["count"] == 0
    assert office.get(f"{PLANS}?inspection={world['a'].inspection.pk}").json()["count"] == 1
    assert office.get(f"{TASKS}?plan={p.pk}").json()["count"] == 2
    assert office.get(f"{TASKS}?inspection={world['a'].inspection.pk}&status=verified").json()["count"] == 1
    late = office.get(f"{TASKS}?overdue=true").json()
    assert [t["id"] for t in late["items"]] == [second.pk] and late["items"][0]["overdue"] is True
    assert [t["id"] for t in office.get(f"{TASKS}?overdue=false").json()["items"]] == [first.pk]
    assert office.get(f"{TASKS}?phase=ongoing").json()["items"][0]["id"] == second.pk
    r = office.get(f"{TASKS}?limit=1&offset=1")
    assert r.json()["count"] == 2 and [t["id"] for t in r.json()["items"]] == [second.pk]
    assert office.get(f"{TASKS}?search=整改措施2").json()["count"] == 1


def test_tasks_are_changed_and_removed_only_in_a_draft(world, who):
    p = plan(world, status="draft")
    first, second = p.tasks.order_by("number")
    r = who["unit"].delete(f"{TASKS}/{second.pk}")
    assert r.status_code == 204
    assert not RectificationTask.objects.filter(pk=second.pk).exists()
    assert who["office"].delete(f"{TASKS}/{first.pk}").status_code == 403
    assert who["b_unit"].delete(f"{TASKS}/{first.pk}").status_code == 404
    # The first finding gets a second task for the second finding back, then the plan goes.
    r = post(
        who["unit"],
        TASKS,
        {
            "plan": p.pk,
            "finding": second.finding_id,
            "measure": "完善议事规则",
            "responsible_leader": "李主任",
            "responsible_office": "党办",
        },
    )
    assert r.status_code == 201
    post(who["unit"], f"{PLANS}/{p.pk}/submit")
    r = patch(who["unit"], f"{TASKS}/{first.pk}", {"measure": "改了"})
    assert r.status_code == 422 and "不能修改整改任务" in r.json()["errors"]["plan"][0]
    assert r.json()["code"] == "not_editable"
    assert who["unit"].delete(f"{TASKS}/{first.pk}").status_code == 422
    assert patch(who["unit"], f"{PLANS}/{p.pk}", {"summary": "改了"}).status_code == 422


def test_progress_needs_evidence_to_ask_for_closing(world, who):
    p = plan(world)
    RectificationPlan.objects.filter(pk=p.pk).update(approved_on=timezone.localdate() - datetime.timedelta(days=3))
    task = p.tasks.order_by("number").first()
    url = f"{TASKS}/{task.pk}/progress"
    r = post(who["unit"], url, {"text": "已完成", "completed": True})
    assert r.status_code == 422 and r.json()["errors"]["files"] == ["申请销号须附佐证材料。"]
    assert r.json()["error_codes"] == {"files": ["file_rejected"]}
    r = post(who["unit"], url, {"text": "正在修订制度。"})
    assert r.status_code == 201 and r.json()["status"] == "in_progress"
    # Two files at once; a file that is not of an allowed type is refused by name.
    r = who["unit"].post(
        url,
        {"text": "已完成", "completed": "true", "files": [SimpleUploadedFile("说明.txt", b"just some text")]},
    )
    assert r.status_code == 422 and "说明.txt" in r.json()["errors"]["files"][0]
    assert r.json()["code"] == "file_rejected"
    # Nor is progress dated before the plan was approved.
    early = (timezone.localdate() - datetime.timedelta(days=4)).isoformat()
    r = post(who["unit"], url, {"text": "早就开始了。", "reported_on": early})
    assert r.status_code == 422 and "不能早于整改方案批准日期" in r.json()["errors"]["reported_on"][0]
    assert r.json()["error_codes"] == {"reported_on": ["out_of_scope_date"]}
    r = who["unit"].post(
        url,
        {
            "text": "已完成制度修订并印发。",
            "completed": "true",
            "reported_on": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
            "files": [
                SimpleUploadedFile("制度.pdf", real_pdf("rules")),
                SimpleUploadedFile("通知.pdf", real_pdf("notice")),
            ],
        },
    )
    assert r.status_code == 201, r.content.decode()
    latest = r.json()["progress_reports"][0]
    assert latest["completed"] is True and sorted(e["name"] for e in latest["evidence"]) == ["制度.pdf", "通知.pdf"]
    assert latest["reported_on"] == (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    assert Evidence.objects.count() == 2


BAD_INPUT = [
    ("unit", "post", lambda p, t: PLANS, {"inspection": "甲"}, None),
    ("unit", "post", lambda p, t: PLANS, {"inspection": 10**30}, None),
    ("unit", "post", lambda p, t: TASKS, {"plan": "x", "finding": 1}, None),
    ("unit", "post", lambda p, t: TASKS, {"plan": 10**30, "finding": 10**30}, None),
    ("office", "post", lambda p, t: f"{PLANS}/{p.pk}/review", {"decision": "maybe"}, "decision"),
    (
        "office",
        "post",
        lambda p, t: f"{PLANS}/{p.pk}/review",
        {"decision": "approved", "opinions": {"x": "y"}},
        "opinions",
    ),
    ("office", "post", lambda p, t: f"{PLANS}/{p.pk}/review", {"decision": "approved", "opinions": "全体同意"}, None),
    (
        "office",
        "post",
        lambda p, t: f"{PLANS}/{p.pk}/review",
        {"decision": "approved", "decided_on": "2099-01-01"},
        None,
    ),
    ("office", "post", lambda p, t: f"{PLANS}/{p.pk}/review", {"decision": "approved", "decided_on": "昨天"}, None),
    ("unit", "patch", lambda p, t: f"{PLANS}/{p.pk}", {"summary": 5}, None),
    ("unit", "patch", lambda p, t: f"{TASKS}/{t.pk}", {"deadline": "2020-01-01"}, None),
    ("office", "post", lambda p, t: f"{TASKS}/{t.pk}/verify", {"checked_on": "2099-01-01"}, None),
    ("office", "post", lambda p, t: f"{TASKS}/{t.pk}/reject", {"reason": ["a"]}, None),
    ("unit", "post", lambda p, t: f"{TASKS}/{t.pk}/progress", {"text": "x", "completed": "maybe"}, "completed"),
    ("unit", "post", lambda p, t: f"{TASKS}/{t.pk}/progress", {"text": "x", "reported_on": "明天"}, "reported_on"),
    ("unit", "post", lambda p, t: f"{TASKS}/{t.pk}/progress", {"text": "x" * 5001}, "text"),
    ("unit", "post", lambda p, t: f"{TASKS}/{t.pk}/progress", ["not", "an", "object"], "__all__"),
]


@pytest.mark.parametrize("role, method, url, body, field", BAD_INPUT)
def test_bad_input_answers_422_in_chinese(world, who, role, method, url, body, field):
    p = plan(world, status="submitted")
    t = p.tasks.first()
    r = getattr(who[role], method)(url(p, t), json.dumps(body), content_type="application/json")
    assert r.status_code in (404, 422), (r.status_code, r.content.decode()[:300])
    if r.status_code == 422:
        data = r.json()
        assert data["detail"] in ("输入有误。", "请求格式有误。", "输入有误：数值超出范围。")
        assert any("\u4e00" <= ch <= "\u9fff" for ch in json.dumps(data.get("errors"), ensure_ascii=False))
        if field:
            assert field in data["errors"], data


def test_ids_out_of_range_of_another_inspection_or_malformed_never_fail(world, who):
    p = plan(world, status="draft")
    approved = plan(world, "b")
    other = finding(world, "b", title="乙县的问题")
    r = post(
        who["unit"],
        TASKS,
        {"plan": p.pk, "finding": other.pk, "measure": "x", "responsible_leader": "王", "responsible_office": "办"},
    )
    assert r.status_code == 422 and r.json()["errors"]["finding"] == ["请选择本次巡察反馈的问题。"]
    r = post(who["unit"], TASKS, {"plan": p.pk, "finding": p.tasks.first().finding_id})
    assert r.status_code == 422
    assert set(r.json()["errors"]) == {"measure", "responsible_leader", "responsible_office"}
    r = post(who["unit"], TASKS, {"plan": p.pk, "finding": p.tasks.first().finding_id, "measure": "x", "phase": "快"})
    assert "phase" in r.json()["errors"]
    for url in (f"{PLANS}/99999999999999999999", f"{TASKS}/9223372036854775808", f"{TASKS}/0"):
        assert who["office"].get(url).status_code == 404, url
    for query in ("plan=99999999999999999999", "inspection=-1", "status=done", "overdue=maybe", "limit=x"):
        r = who["office"].get(f"{TASKS}?{query}")
        assert r.status_code == 422, query
    assert who["office"].get(f"{PLANS}?status=closed").json()["errors"]["status"][0].startswith("状态只能是")
    assert who["office"].get(f"{TASKS}?limit=100000&offset=-5").status_code == 200
    # A body that is not JSON at all.
    r = token_client(world["b"].users["unit_liaison"]).post(
        f"{TASKS}/{approved.tasks.first().pk}/progress", "{not json", content_type="application/json"
    )
    assert r.status_code == 422 and r.json()["errors"]["__all__"] == ["请求体不是有效的 JSON。"]
    assert r.json()["code"] == "bad_json"


def test_a_plan_is_created_once_and_only_after_acknowledgement(world, who):
    a = world["a"]
    r = post(who["unit"], PLANS, {"inspection": a.inspection.pk})
    assert r.status_code == 422 and "尚未反馈" in r.json()["errors"]["inspection"][0]
    assert r.json()["code"] == "stage_order"
    fed_back(world)
    assert post(who["office"], PLANS, {"inspection": a.inspection.pk}).status_code == 403
    assert post(who["b_unit"], PLANS, {"inspection": a.inspection.pk}).status_code == 404
    assert post(who["unit"], PLANS, {"inspection": a.inspection.pk, "head_name": "周" * 51}).status_code == 422
    assert post(who["unit"], PLANS, {"inspection": a.inspection.pk, "head_name": "周建国"}).status_code == 201
    r = post(who["unit"], PLANS, {"inspection": a.inspection.pk})
    assert r.status_code == 422 and r.json()["errors"]["inspection"] == ["该巡察的整改方案已经建立。"]
    assert r.json()["error_codes"] == {"inspection": ["duplicate"]}


def test_lists_cost_the_same_few_queries_however_long(world, who, django_assert_max_num_queries):
    p = plan(world)
    for task in p.tasks.all():
        progress(world, task)
    with django_assert_max_num_queries(12):
        assert who["office"].get(TASKS).json()["count"] == 2
    with django_assert_max_num_queries(12):
        assert who["office"].get(PLANS).json()["count"] == 1


def test_the_schema_lists_every_contract_path(client):
    schema = client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    expected = {
        "/api/v1/rectification-plans": {"get", "post"},
        "/api/v1/rectification-plans/{plan_id}": {"get", "patch"},
        "/api/v1/rectification-plans/{plan_id}/submit": {"post"},
        "/api/v1/rectification-plans/{plan_id}/review": {"post"},
        "/api/v1/rectification-tasks": {"get", "post"},
        "/api/v1/rectification-tasks/{task_id}": {"get", "patch", "delete"},
        "/api/v1/rectification-tasks/{task_id}/progress": {"post"},
        "/api/v1/rectification-tasks/{task_id}/verify": {"post"},
        "/api/v1/rectification-tasks/{task_id}/reject": {"post"},
        "/api/v1/rectification-evidence/{evidence_id}": {"get"},
    }
    for path, methods in expected.items():
        assert path in paths and methods <= set(paths[path]), path
    body = paths["/api/v1/rectification-tasks/{task_id}/progress"]["post"]["requestBody"]["content"]
    assert {"application/json", "multipart/form-data"} <= set(body)
    assert body["multipart/form-data"]["schema"]["properties"]["files"]["type"] == "array"


def test_a_body_that_is_not_json_is_refused_in_chinese(world):
    from conftest import token_client

    client = token_client(world["a"].users["unit_liaison"])
    r = client.post("/api/v1/rectification-plans", "{not json", content_type="application/json")
    assert r.status_code == 400 and r.json()["detail"] == "请求体不是有效的 JSON。"
    # Authentication errors keep their own answer.
    from django.test import Client

    assert Client().get("/api/v1/rectification-plans").status_code == 401
