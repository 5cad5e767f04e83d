"""Petitions as the team and the office meet them: entry, the sealed identity and who may
read it, triage with its rules, replies and notes, and the duplicates suggested."""

import datetime
import json
import logging

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from conftest import token_client
from core.models import AuditEvent
from onsite.duplicates import similar_petitions
from onsite.models import Attachment, FocusArea, Petition
from onsite.petitions import (
    IDENTITY_HIDDEN,
    intake_designate,
    intake_revoke,
    petition_create,
    petition_triage,
)
from planning.inspections import inspection_create

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
NAME, PHONE, ID_NUMBER, ADDRESS = "孙八斤", "13700001111", "11010519491231002X", "甲县青禾镇幸福路88号"


def _petition(county, subject="反映县委办公室公车私用问题", content="有干部周末开公车去钓鱼。", **kw):
    fields = {"anonymous": False, "name": NAME, "phone": PHONE, "id_number": ID_NUMBER, "address": ADDRESS}
    fields.update(kw)
    return petition_create(
        actor=county.users["team_member"],
        inspection=county.inspection,
        channel="letter",
        received_on=datetime.date(2026, 9, 3),
        subject=subject,
        content=content,
        **fields,
    )


def _secrets_in(text: str) -> list[str]:
    return [s for s in (NAME, PHONE, ID_NUMBER, ADDRESS) if s in text]


def test_a_wrong_id_number_is_named_next_to_its_field(world, login):
    a = world["a"]
    r = login(a.users["team_member"]).post(
        f"/onsite/inspections/{a.inspection.pk}/petitions/new/",
        {
            "channel": "letter",
            "received_on": "2026-09-03",
            "subject": "来信",
            "content": "内容",
            "anonymous": "0",
            "name": "王五",
            "id_number": "110105194912310021",
        },
    )
    assert r.status_code == 200
    assert "身份证号校验位不正确" in r.content.decode()
    assert not Petition.objects.exists()


# --- entry and the sealed identity ------------------------------------------------------


def test_staff_enter_a_petition_with_attachments_and_a_sealed_identity(world, login):
    a = world["a"]
    client = login(a.users["team_member"])
    r = client.post(
        f"/onsite/inspections/{a.inspection.pk}/petitions/new/",
        {
            "channel": "visit",
            "received_on": "2026-09-03",
            "subject": "来访反映村干部优亲厚友",
            "content": "村干部把低保名额给亲戚。",
            "accused": "王某（上坪村党支部书记）",
            "anonymous": "0",
            "name": NAME,
            "phone": PHONE,
            "id_number": "110105491231002",
            "address": ADDRESS,
            "attachments": [SimpleUploadedFile("来信.pdf", PDF), SimpleUploadedFile("名单.pdf", PDF + b"1")],
        },
    )
    petition = Petition.objects.get()
    assert r.status_code == 302 and r.url == f"/onsite/petitions/{petition.pk}/"
    assert petition.channel == "visit" and petition.entered_by == a.users["team_member"]
    assert sorted(x.name for x in petition.attachments.all()) == ["名单.pdf", "来信.pdf"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT identity FROM onsite_petition WHERE id = %s", [petition.pk])
        raw = cursor.fetchone()[0]
    assert raw.startswith(("aes-gcm:", "sm4-gcm:")) and not _secrets_in(raw) and "110105" not in raw
    page = client.get(f"/onsite/petitions/{petition.pk}/").content.decode()
    assert "来访反映村干部优亲厚友" in page and IDENTITY_HIDDEN in page and not _secrets_in(page)
    assert "来信.pdf" in page and f"/onsite/attachments/{petition.attachments.first().pk}/" in page


def test_a_refused_file_leaves_nothing_behind(world, login, settings):
    a = world["a"]
    r = login(a.users["team_member"]).post(
        f"/onsite/inspections/{a.inspection.pk}/petitions/new/",
        {
            "channel": "letter",
            "received_on": "2026-09-03",
            "subject": "来信",
            "content": "内容",
            "anonymous": "1",
            "attachments": [SimpleUploadedFile("来信.pdf", PDF), SimpleUploadedFile("程序.pdf", b"MZ\x90\0")],
        },
    )
    assert r.status_code == 200 and "“程序.pdf”的内容不是允许的类型" in r.content.decode()
    assert "来信" in r.content.decode()  # the form comes back filled
    assert not Petition.objects.exists() and not Attachment.objects.exists()
    assert not [p for p in settings.FILE_DIR.rglob("*") if p.is_file()]


def test_the_list_filters_and_searches(world, login):
    a = world["a"]
    first = _petition(a, subject="反映食堂超标准接待")
    _petition(a, subject="反映公车私用")
    forwarded = {"forwarded_to": "县信访局", "forwarded_on": datetime.date(2026, 9, 5)}
    petition_triage(actor=a.users["office"], petition=first, status="out_of_scope", **forwarded)
    client = login(a.users["team_member"])
    url = f"/onsite/inspections/{a.inspection.pk}/petitions/"
    page = client.get(url).content.decode()
    assert "反映食堂超标准接待" in page and "反映公车私用" in page and "共 2 条" in page
    page = client.get(url, {"status": "new"}).content.decode()
    assert "反映食堂超标准接待" not in page and "反映公车私用" in page
    page = client.get(url, {"q": "食堂"}).content.decode()
    assert "反映食堂超标准接待" in page and "反映公车私用" not in page
    page = client.get(url, {"channel": "online"}).content.decode()
    assert "没有符合条件的信访件" in page
    assert client.get(f"/onsite/inspections/{a.inspection.pk}/petitions/?page=x&per_page=abc").status_code == 200


@pytest.mark.parametrize("role", ["team_member", "office", "leading_group", "team_leader"])
def test_identity_never_shows_to_those_without_intake(world, login, role, caplog):
    caplog.set_level(logging.DEBUG)
    a = world["a"]
    petition = _petition(a)
    user = a.users[role]
    client = login(user)
    pages = [
        client.get(f"/onsite/inspections/{a.inspection.pk}/petitions/"),
        client.get(f"/onsite/petitions/{petition.pk}/"),
    ]
    for r in pages:
        assert r.status_code == 200
        assert not _secrets_in(r.content.decode())
    assert IDENTITY_HIDDEN in pages[1].content.decode()
    api = token_client(user)
    for r in (api.get("/api/v1/petitions"), api.get(f"/api/v1/petitions/{petition.pk}")):
        assert r.status_code == 200
        body = json.dumps(r.json(), ensure_ascii=False)
        assert not _secrets_in(body)
    item = api.get(f"/api/v1/petitions/{petition.pk}").json()
    assert item["name"] is None and item["phone"] is None and item["id_number"] is None and item["address"] is None
    assert not AuditEvent.objects.filter(action="petition.identity_read").exists()
    assert not _secrets_in(json.dumps(list(AuditEvent.objects.values("detail", "object_repr")), ensure_ascii=False))
    assert not _secrets_in(caplog.text)


def test_the_intake_member_reads_identity_and_each_reading_is_audited(world, login, caplog):
    caplog.set_level(logging.DEBUG)
    a = world["a"]
    petition = _petition(a)
    member = a.users["team_member"]
    intake_designate(actor=a.users["team_leader"], inspection=a.inspection, user=member)
    page = login(member).get(f"/onsite/petitions/{petition.pk}/").content.decode()
    assert NAME in page and PHONE in page and ID_NUMBER in page and ADDRESS in page
    assert IDENTITY_HIDDEN not in page
    assert AuditEvent.objects.filter(action="petition.identity_read", actor=member).count() == 1
    api = token_client(member)
    one = api.get(f"/api/v1/petitions/{petition.pk}").json()
    assert (one["name"], one["phone"], one["id_number"], one["address"]) == (NAME, PHONE, ID_NUMBER, ADDRESS)
    listed = api.get("/api/v1/petitions", {"inspection_id": a.inspection.pk}).json()
    assert listed["count"] == 1 and listed["items"][0]["name"] == NAME
    assert AuditEvent.objects.filter(action="petition.identity_read", actor=member).count() == 3
    events = json.dumps(list(AuditEvent.objects.values("detail", "object_repr")), ensure_ascii=False)
    assert not _secrets_in(events)
    assert not _secrets_in(caplog.text)
    # The list page never shows identity, even to intake.
    assert not _secrets_in(login(member).get(f"/onsite/inspections/{a.inspection.pk}/petitions/").content.decode())


def test_an_anonymous_petition_has_nothing_sealed(world):
    petition = _petition(world["a"], anonymous=True)
    assert petition.identity == ""


# --- intake designation ---------------------------------------------------------------


def test_the_leader_or_office_designates_intake_members(world, login):
    a = world["a"]
    url = f"/onsite/inspections/{a.inspection.pk}/petitions/intake/"
    member = a.users["team_member"]
    r = login(a.users["team_member"]).post(url, {"user": a.users["team_leader"].pk})
    assert r.status_code == 403  # a member does not designate
    r = login(a.users["team_leader"]).post(url, {"user": a.users["office"].pk}, follow=True)
    assert "请选择本巡察组中有账号的成员" in r.content.decode()
    with pytest.raises(ValidationError, match="只能指定本巡察组中有账号的成员"):
        intake_designate(actor=a.users["office"], inspection=a.inspection, user=a.users["leading_group"])
    with pytest.raises(PermissionDenied):
        intake_designate(actor=a.users["leading_group"], inspection=a.inspection, user=member)
    r = login(a.users["team_leader"]).post(url, {"user": member.pk}, follow=True)
    page = r.content.decode()
    assert "已指定" in page and member.display_name in page
    assert member.role_assignments.filter(role="team_intake", scope_id=a.inspection.pk).exists()
    event = AuditEvent.objects.get(action="petition.intake_designate")
    assert event.actor == a.users["team_leader"]
    r = login(a.users["office"]).post(url, {"revoke": member.pk}, follow=True)
    assert "已取消" in r.content.decode()
    assert not member.role_assignments.filter(role="team_intake").exists()
    with pytest.raises(ValidationError):
        intake_revoke(actor=a.users["office"], inspection=a.inspection, user=member)
    assert login(a.users["team_leader"]).post(url, {"revoke": "abc"}).status_code == 404


# --- triage -----------------------------------------------------------------------------


def _areas(county, group):
    return FocusArea.objects.filter(taxonomy__authority=county.authority, group=group, children__isnull=True)


def test_triage_within_scope_tags_disciplines_and_a_focus_leaf(world, login):
    a = world["a"]
    petition = _petition(a)
    disciplines = list(_areas(a, "discipline").order_by("code")[:2])
    leaf = _areas(a, "focus").get(code="F2.3")
    r = login(a.users["team_member"]).post(
        f"/onsite/petitions/{petition.pk}/triage/",
        {"status": "in_scope", "disciplines": [d.pk for d in disciplines], "focus_area": leaf.pk},
    )
    assert r.status_code == 302
    petition.refresh_from_db()
    assert petition.status == "in_scope" and petition.focus_area == leaf
    assert set(petition.disciplines.all()) == set(disciplines)
    assert petition.triaged_by == a.users["team_member"] and petition.triaged_at is not None
    event = AuditEvent.objects.get(action="petition.triage")
    assert event.detail["disciplines"] == [d.name for d in disciplines]
    page = login(a.users["leading_group"]).get(f"/onsite/petitions/{petition.pk}/").content.decode()
    assert "属于受理范围" in page and leaf.name in page and "保存分办" not in page  # read-only


def test_out_of_scope_needs_a_receiver_and_a_date(world, login):
    a = world["a"]
    petition = _petition(a)
    client = login(a.users["team_member"])
    r = client.post(f"/onsite/petitions/{petition.pk}/triage/", {"status": "out_of_scope"})
    page = r.content.decode()
    assert r.status_code == 200 and "不属于受理范围的，请填写转办单位" in page and "请填写转办日期" in page
    api = token_client(a.users["office"]).post(
        f"/api/v1/petitions/{petition.pk}/triage", {"status": "out_of_scope"}, content_type="application/json"
    )
    assert api.status_code == 422 and set(api.json()["errors"]) == {"forwarded_to", "forwarded_on"}
    petition.refresh_from_db()
    assert petition.status == "new" and petition.triaged_by is None
    r = client.post(
        f"/onsite/petitions/{petition.pk}/triage/",
        {"status": "out_of_scope", "forwarded_to": "县人社局", "forwarded_on": "2026-09-06"},
    )
    petition.refresh_from_db()
    assert petition.status == "out_of_scope" and petition.forwarded_to == "县人社局"
    assert petition.forwarded_on == datetime.date(2026, 9, 6)


def test_a_discipline_of_another_authority_is_refused(world):
    a, b = world["a"], world["b"]
    petition = _petition(a)
    theirs = _areas(b, "discipline").first()
    leaf = _areas(a, "focus").first()
    api = token_client(a.users["team_member"]).post(
        f"/api/v1/petitions/{petition.pk}/triage",
        {"status": "in_scope", "discipline_ids": [theirs.pk], "focus_area_id": leaf.pk},
        content_type="application/json",
    )
    assert api.status_code == 422
    assert api.json()["errors"]["disciplines"] == ["所选纪律不属于本机构现行的六项纪律分类。"]
    with pytest.raises(ValidationError, match="不属于本机构现行的监督重点"):
        petition_triage(
            actor=a.users["team_member"],
            petition=petition,
            status="in_scope",
            disciplines=[_areas(a, "discipline").first()],
            focus_area=_areas(b, "focus").first(),
        )
    assert Petition.objects.get(pk=petition.pk).status == "new"


def test_a_duplicate_must_be_of_the_same_inspection(world):
    a, b = world["a"], world["b"]
    petition = _petition(a)
    other_inspection = inspection_create(actor=None, round=a.inspection.round, organization=a.orgs["town"])
    elsewhere = petition_create(
        actor=a.users["office"],
        inspection=other_inspection,
        channel="phone",
        received_on=datetime.date(2026, 9, 1),
        subject="另一巡察对象的来电",
        content="内容",
    )
    api = token_client(a.users["office"])
    r = api.post(
        f"/api/v1/petitions/{petition.pk}/triage",
        {"status": "duplicate", "duplicate_of_id": elsewhere.pk},
        content_type="application/json",
    )
    assert r.status_code == 422
    assert r.json()["errors"]["duplicate_of"] == ["只能标记为本次巡察中其他信访件的重复件。"]
    with pytest.raises(ValidationError, match="只能标记为本次巡察中其他信访件的重复件"):
        petition_triage(actor=a.users["office"], petition=petition, status="duplicate", duplicate_of=_petition(b))
    with pytest.raises(ValidationError, match="不能标记为与自身重复"):
        petition_triage(actor=a.users["office"], petition=petition, status="duplicate", duplicate_of=petition)
    first = _petition(a, subject="第一次来信")
    r = api.post(
        f"/api/v1/petitions/{petition.pk}/triage",
        {"status": "duplicate", "duplicate_of_id": first.pk},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["status"] == "duplicate" and r.json()["duplicate_of_id"] == first.pk


def test_the_leading_group_reads_but_does_not_triage_or_reply(world, login):
    a = world["a"]
    petition = _petition(a)
    client = login(a.users["leading_group"])
    assert client.post(f"/onsite/petitions/{petition.pk}/triage/", {"status": "in_scope"}).status_code == 403
    assert client.post(f"/onsite/petitions/{petition.pk}/messages/", {"body": "答复"}).status_code == 403
    assert client.get(f"/onsite/inspections/{a.inspection.pk}/petitions/new/").status_code == 403
    api = token_client(a.users["leading_group"])
    r = api.post(f"/api/v1/petitions/{petition.pk}/messages", {"body": "答复"}, content_type="application/json")
    assert r.status_code == 403


# --- replies and notes -------------------------------------------------------------------


def test_staff_reply_and_keep_internal_notes(world, login):
    a = world["a"]
    petition = _petition(a)
    client = login(a.users["team_member"])
    r = client.post(f"/onsite/petitions/{petition.pk}/messages/", {"body": "已收悉。", "internal": "0"})
    assert r.status_code == 302
    r = client.post(f"/onsite/petitions/{petition.pk}/messages/", {"body": "内部：与3号件同一事项。", "internal": "1"})
    assert r.status_code == 302
    r = client.post(f"/onsite/petitions/{petition.pk}/messages/", {"body": "", "internal": "1"})
    assert r.status_code == 200 and "这个字段是必填项" in r.content.decode()
    replies = list(petition.messages.values_list("body", "internal"))
    assert replies == [("已收悉。", False), ("内部：与3号件同一事项。", True)]
    assert {e.action for e in AuditEvent.objects.filter(object_id=str(petition.pk))} >= {
        "petition.reply",
        "petition.note",
    }
    api = token_client(a.users["office"]).get(f"/api/v1/petitions/{petition.pk}").json()
    assert [m["internal"] for m in api["messages"]] == [False, True]


def test_the_api_enters_a_petition_with_an_uploaded_attachment(world):
    a = world["a"]
    api = token_client(a.users["team_member"])
    uploaded = api.post(
        "/api/v1/attachments", {"inspection_id": a.inspection.pk, "file": SimpleUploadedFile("来信.pdf", PDF)}
    ).json()
    r = api.post(
        "/api/v1/petitions",
        {
            "inspection_id": a.inspection.pk,
            "channel": "email",
            "received_on": "2026-09-02",
            "subject": "电子邮件反映",
            "content": "反映内容",
            "anonymous": False,
            "name": NAME,
            "phone": PHONE,
            "attachment_ids": [uploaded["id"]],
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["attachment_ids"] == [uploaded["id"]] and body["name"] is None
    assert not _secrets_in(json.dumps(body, ensure_ascii=False))
    r = api.post(
        "/api/v1/petitions",
        {
            "inspection_id": a.inspection.pk,
            "channel": "online",
            "received_on": "2099-01-01",
            "subject": "",
            "content": "",
        },
        content_type="application/json",
    )
    assert r.status_code == 422 and set(r.json()["errors"]) == {"channel", "received_on", "subject", "content"}


# --- duplicates suggested ------------------------------------------------------------------


def test_reworded_reports_of_the_same_matter_are_suggested_as_duplicates(world, login):
    a = world["a"]
    first = _petition(
        a,
        subject="村支书王某某挪用低保资金",
        content="上坪村党支部书记王某某把村里三户低保户的低保金挪作他用，还让自己的亲戚冒领低保，群众意见很大。",
    )
    second = _petition(
        a,
        subject="反映上坪村书记冒领低保问题",
        content="我们村的王书记让他亲戚冒领低保金，还挪用了几户困难群众的低保资金，请巡察组查一查。",
    )
    unrelated = _petition(
        a,
        subject="县委办公室公车私用",
        content="县委办公室有干部周末开公车去钓鱼，车辆管理混乱，加油卡使用不规范。",
    )
    found = similar_petitions(second)
    assert [s.petition.pk for s in found] == [first.pk]
    assert found[0].score > 0.3
    assert unrelated.pk not in [s.petition.pk for s in similar_petitions(first)]
    assert similar_petitions(unrelated) == []
    page = login(a.users["team_member"]).get(f"/onsite/petitions/{second.pk}/").content.decode()
    assert "可能重复" in page and f'href="/onsite/petitions/{first.pk}/"' in page and "相似度" in page
