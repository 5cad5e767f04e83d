"""Document requests: the list asked from the unit, bulk entry all or nothing, overdue in
red, received, and reviewed by whom."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from conftest import token_client
from core.models import AuditEvent
from onsite.document_requests import (
    document_request_create,
    document_request_receive,
    document_request_review,
    document_requests_bulk_create,
)
from onsite.models import DocumentRequest

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def _add(world, **fields):
    a = world["a"]
    values = {"title": "2024年度党组会议记录", "requested_on": ago(20), **fields}
    return document_request_create(actor=a.users["team_member"], inspection=a.inspection, **values)


def _list_url(world):
    return f"/onsite/inspections/{world['a'].inspection.pk}/document-requests/"


# Adding


def test_a_request_is_added_and_audited(world):
    found = _add(world, due_on=ago(10), note="含会议纪要")
    assert found.title == "2024年度党组会议记录" and found.received_on is None
    assert AuditEvent.objects.filter(action="document_request.create", object_id=str(found.pk)).exists()


def test_the_rules_of_a_request(world):
    _add(world)
    with pytest.raises(ValidationError) as e:
        _add(world, due_on=ago(30))
    assert e.value.message_dict == {
        "due_on": ["要求提供日期不能早于调阅日期。"],
        "title": ["“2024年度党组会议记录”已在调阅清单中。"],
    }
    with pytest.raises(ValidationError) as e:
        _add(world, title=" ", requested_on=None)
    assert e.value.message_dict == {"requested_on": ["请填写调阅日期。"], "title": ["请填写资料名称。"]}
    assert DocumentRequest.objects.count() == 1


def test_the_leading_group_cannot_add(world):
    a = world["a"]
    with pytest.raises(PermissionDenied):
        document_request_create(
            actor=a.users["leading_group"], inspection=a.inspection, title="财务凭证", requested_on=ago(1)
        )


# Bulk entry


def test_bulk_entry_adds_one_request_a_line(world):
    a = world["a"]
    made = document_requests_bulk_create(
        actor=a.users["team_member"],
        inspection=a.inspection,
        titles="2024年度财务凭证\n\n  三重一大决策台账  \n公务接待清单\n",
        requested_on=ago(5),
        due_on=ago(-5),
    )
    assert [m.title for m in made] == ["2024年度财务凭证", "三重一大决策台账", "公务接待清单"]
    assert all(m.due_on == ago(-5) for m in made)
    assert AuditEvent.objects.filter(action="document_request.create", detail__via="bulk").count() == 3


def test_bulk_entry_is_all_or_nothing_with_each_line_named(world):
    _add(world, title="公务接待清单")
    a = world["a"]
    text = "2024年度财务凭证\n三重一大决策台账\n" + "长" * 201 + "\n2024年度财务凭证\n公务接待清单"
    with pytest.raises(ValidationError) as e:
        document_requests_bulk_create(
            actor=a.users["team_member"], inspection=a.inspection, titles=text, requested_on=ago(5)
        )
    assert e.value.message_dict["titles"] == [
        "第 3 行：资料名称不超过 200 个字。",
        "第 4 行：“2024年度财务凭证”与第 1 行重复。",
        "第 5 行：“公务接待清单”已在调阅清单中。",
    ]
    assert list(DocumentRequest.objects.values_list("title", flat=True)) == ["公务接待清单"]
    with pytest.raises(ValidationError) as e:
        document_requests_bulk_create(
            actor=a.users["team_member"], inspection=a.inspection, titles=" \n", requested_on=ago(5)
        )
    assert e.value.message_dict["titles"] == ["请填写资料名称，每行一项。"]


def test_bulk_entry_on_the_page(world, login):
    client = login(world["a"].users["team_member"])
    body = {"form": "bulk", "titles": "财务凭证\n财务凭证", "requested_on": ago(5).isoformat()}
    r = client.post(_list_url(world), body)
    assert r.status_code == 200 and "第 2 行：“财务凭证”与第 1 行重复。" in r.content.decode()
    assert not DocumentRequest.objects.exists()
    body["titles"] = "财务凭证\n会议记录"
    r = client.post(_list_url(world), body, follow=True)
    assert "已添加 2 项调阅资料。" in r.content.decode()
    assert DocumentRequest.objects.count() == 2


# Overdue, received, reviewed


def test_overdue_requests_show_in_red(world, login):
    late = _add(world, title="2024年度财务凭证", due_on=ago(3))
    on_time = _add(world, title="三重一大决策台账", due_on=ago(3))
    document_request_receive(actor=world["a"].users["team_member"], document_request=on_time, received_on=ago(4))
    _add(world, title="公务接待清单", due_on=ago(-3))
    page = login(world["a"].users["leading_group"]).get(_list_url(world)).content.decode()
    assert "有 1 项资料已过要求提供日期仍未收到" in page
    row = page.split(f'href="/onsite/document-requests/{late.pk}/"')[0].rsplit("<tr", 1)[1]
    assert 'class="x-overdue"' in row
    assert page.count('<span class="x-tag x-tag-failure">已逾期</span>') == 1
    overdue = login(world["a"].users["team_member"]).get(_list_url(world) + "?status=overdue").content.decode()
    rows = overdue.split("<tbody>")[1]
    assert "2024年度财务凭证" in rows and "三重一大决策台账" not in rows and "公务接待清单" not in rows


def test_receiving_has_its_rules(world):
    found = _add(world, requested_on=ago(10))
    member = world["a"].users["team_member"]
    with pytest.raises(ValidationError) as e:
        document_request_receive(actor=member, document_request=found, received_on=ago(-1))
    assert e.value.message_dict == {"received_on": ["收到日期不能晚于今天。"]}
    with pytest.raises(ValidationError) as e:
        document_request_receive(actor=member, document_request=found, received_on=ago(11))
    assert e.value.message_dict == {"received_on": ["收到日期不能早于调阅日期。"]}
    document_request_receive(actor=member, document_request=found)
    found.refresh_from_db()
    assert found.received_on == timezone.localdate()


def test_review_by_the_current_user_after_receipt(world, login):
    found = _add(world, requested_on=ago(10))
    a = world["a"]
    with pytest.raises(ValidationError) as e:
        document_request_review(actor=a.users["team_leader"], document_request=found)
    assert e.value.message_dict == {"reviewed_on": ["该资料尚未收到，不能标记为已审阅。"]}
    document_request_receive(actor=a.users["team_member"], document_request=found, received_on=ago(5))
    with pytest.raises(PermissionDenied):
        document_request_review(actor=a.users["leading_group"], document_request=found)
    with pytest.raises(ValidationError) as e:
        document_request_review(actor=a.users["team_leader"], document_request=found, reviewed_on=ago(6))
    assert e.value.message_dict == {"reviewed_on": ["审阅日期不能早于收到日期。"]}
    client = login(a.users["team_leader"])
    r = client.post(f"/onsite/document-requests/{found.pk}/review/", follow=True)
    assert f"“2024年度党组会议记录”已标记为由{a.users['team_leader'].display_name}审阅。" in r.content.decode()
    found.refresh_from_db()
    assert found.reviewed_by == a.users["team_leader"] and found.reviewed_on == timezone.localdate()
    page = client.get(_list_url(world)).content.decode()
    assert a.users["team_leader"].display_name in page and "已审阅" in page


def test_marks_on_the_page_say_what_is_wrong(world, login):
    found = _add(world, requested_on=ago(10))
    client = login(world["a"].users["team_member"])
    r = client.post(f"/onsite/document-requests/{found.pk}/receive/", {"on": "明天"}, follow=True)
    assert "不是有效日期，请按 2025-09-30 的格式填写。" in r.content.decode()
    r = client.post(f"/onsite/document-requests/{found.pk}/review/", follow=True)
    assert "该资料尚未收到，不能标记为已审阅。" in r.content.decode()
    r = client.post(f"/onsite/document-requests/{found.pk}/receive/", {"back": "detail"}, follow=True)
    assert "已标记为收到。" in r.content.decode() and "2024年度党组会议记录" in r.content.decode()
    assert r.redirect_chain[-1][0] == f"/onsite/document-requests/{found.pk}/"


def test_the_detail_page_adds_attachments_and_corrects_the_note(world, login):
    found = _add(world, requested_on=ago(10))
    client = login(world["a"].users["team_member"])
    r = client.post(
        f"/onsite/document-requests/{found.pk}/",
        {
            "title": found.title,
            "requested_on": ago(10).isoformat(),
            "note": "含会议纪要",
            "uploads": [SimpleUploadedFile("会议记录扫描件.pdf", PDF)],
        },
    )
    assert r.status_code == 302
    page = client.get(r.url).content.decode()
    assert "会议记录扫描件.pdf" in page and "含会议纪要" in page
    r = client.post(
        f"/onsite/document-requests/{found.pk}/",
        {"title": found.title, "requested_on": ago(10).isoformat(), "due_on": ago(12).isoformat()},
    )
    assert r.status_code == 200 and "要求提供日期不能早于调阅日期。" in r.content.decode()
    found.refresh_from_db()
    assert found.due_on is None and found.note == "含会议纪要"


# The API


def test_api_requests(world):
    a = world["a"]
    api = token_client(a.users["team_member"])
    r = api.post(
        "/api/v1/document-requests",
        {
            "inspection_id": a.inspection.pk,
            "title": "财务凭证",
            "requested_on": ago(10).isoformat(),
            "due_on": ago(2).isoformat(),
        },
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["overdue"] is True
    request_id = r.json()["id"]
    r = api.post(
        "/api/v1/document-requests/bulk",
        {"inspection_id": a.inspection.pk, "titles": ["会议记录", "财务凭证"], "requested_on": ago(10).isoformat()},
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["errors"]["titles"] == ["第 2 行：“财务凭证”已在调阅清单中。"]
    assert api.get(f"/api/v1/document-requests?inspection_id={a.inspection.pk}&status=overdue").json()["count"] == 1
    r = api.post(
        f"/api/v1/document-requests/{request_id}/receive", {"on": ago(1).isoformat()}, content_type="application/json"
    )
    assert r.status_code == 200 and r.json()["received_on"] == ago(1).isoformat() and r.json()["overdue"] is False
    r = token_client(a.users["office"]).post(
        f"/api/v1/document-requests/{request_id}/review", content_type="application/json"
    )
    assert r.status_code == 200 and r.json()["reviewed_by_name"] == a.users["office"].display_name
    r = token_client(a.users["leading_group"]).post(
        f"/api/v1/document-requests/{request_id}/review", content_type="application/json"
    )
    assert r.status_code == 403
    assert (
        token_client(world["b"].users["team_member"]).get(f"/api/v1/document-requests/{request_id}").status_code == 404
    )


def test_the_empty_list_says_what_to_do(world, login):
    page = login(world["a"].users["team_member"]).get(_list_url(world)).content.decode()
    assert "尚未调阅资料，点击“新增”或“批量添加”开始。" in page


def test_the_list_costs_the_same_for_more_requests(world, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    a = world["a"]
    client, api = login(a.users["team_member"]), token_client(a.users["team_member"])

    def queries():
        counts = []
        for c, url in ((client, _list_url(world)), (api, "/api/v1/document-requests")):
            with CaptureQueriesContext(connection) as ctx:
                assert c.get(url).status_code == 200
            counts.append(len(ctx))
        return counts

    def add(n, prefix):
        for i in range(n):
            found = _add(world, title=f"{prefix}{i}")
            document_request_receive(actor=a.users["team_member"], document_request=found, received_on=ago(1))
            document_request_review(actor=a.users["office"], document_request=found)

    add(2, "甲")
    queries()  # the first request of a session costs a few queries more
    few = queries()
    add(10, "乙")
    assert queries() == few


# No false errors, no dead ends (issue 13)


def test_after_a_success_the_untouched_forms_show_no_error(world, login):
    client = login(world["a"].users["team_member"])
    body = {"form": "bulk", "titles": "财务凭证\n会议记录", "requested_on": ago(5).isoformat()}
    page = client.post(_list_url(world), body, follow=True).content.decode()
    assert "已添加 2 项调阅资料。" in page
    assert "这个字段是必填项" not in page and "is-invalid" not in page and "invalid-feedback" not in page
    found = DocumentRequest.objects.get(title="财务凭证")
    page = client.post(f"/onsite/document-requests/{found.pk}/receive/", follow=True).content.decode()
    assert "“财务凭证”已标记为收到。" in page
    assert "这个字段是必填项" not in page and "is-invalid" not in page
    body = {"form": "single", "title": "公务接待清单", "requested_on": ago(1)}
    page = client.post(_list_url(world), body, follow=True).content.decode()
    assert "已添加调阅资料“公务接待清单”。" in page and "这个字段是必填项" not in page


def test_a_request_dated_in_the_future_is_refused_with_the_reason(world, login):
    reason = "调阅日期不能晚于今天：资料的收到日期不能早于调阅日期，填写将来的日期将无法标记收到。"
    with pytest.raises(ValidationError) as e:
        _add(world, requested_on=ago(-3))
    assert e.value.message_dict == {"requested_on": [reason]}
    a = world["a"]
    with pytest.raises(ValidationError) as e:
        document_requests_bulk_create(
            actor=a.users["team_member"], inspection=a.inspection, titles="财务凭证", requested_on=ago(-1)
        )
    assert e.value.message_dict == {"requested_on": [reason]}
    client = login(a.users["team_member"])
    body = {"form": "bulk", "titles": "财务凭证", "requested_on": ago(-1).isoformat()}
    r = client.post(_list_url(world), body)
    assert r.status_code == 200 and reason in r.content.decode()
    assert not DocumentRequest.objects.exists()
    _add(world, requested_on=timezone.localdate())  # today is fine
    found = _add(world, title="会议记录", requested_on=ago(2))
    r = client.post(f"/onsite/document-requests/{found.pk}/", {"title": "会议记录", "requested_on": ago(-2)})
    assert r.status_code == 200 and reason in r.content.decode()
    found.refresh_from_db()
    assert found.requested_on == ago(2)
