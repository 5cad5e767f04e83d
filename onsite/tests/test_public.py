"""The public reporting channel, as a reporter meets it: the page behind the notice's QR code,
the receipt code shown once, the follow-up with it, and the API of the same channel."""

import datetime
import hashlib
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client

from conftest import token_client
from core.crypto import unseal_json
from core.models import AuditEvent
from onsite.models import Attachment, FocusArea, Petition, PetitionMessage
from onsite.petitions import petition_message_add, petition_triage
from planning.models import Inspection, Team

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def inspection(world):
    a = world["a"]
    Team.objects.filter(pk=a.team.pk).update(
        duty_phone="0739-8123456", mailbox="甲县邮政001号信箱", email="xuncha1@example.gov.cn"
    )
    return Inspection.objects.get(pk=a.inspection.pk)


def _url(inspection):
    return f"/p/{inspection.public_id}/"


def _csrf_client(url):
    """A browser that keeps CSRF checks on, with the token the page gave it."""
    client = Client(enforce_csrf_checks=True)
    client.get(url)
    return client, client.cookies["csrftoken"].value


def _report(client, token, inspection, **fields):
    data = {"subject": "村支书挪用低保资金", "content": "上坪村书记挪用低保金。", "anonymous": "1", **fields}
    return client.post(_url(inspection), {"csrfmiddlewaretoken": token, **data})


def _code(response) -> str:
    found = re.search(r'<div class="p-code"[^>]*>([^<]+)</div>', response.content.decode())
    assert found, response.content.decode()[:2000]
    return found.group(1).replace(" ", "")


def test_the_page_needs_no_login_and_shows_the_public_facts(inspection):
    r = Client().get(_url(inspection))
    assert r.status_code == 200
    text = r.content.decode()
    for fact in ("甲县县委办公室", "第一巡察组", "0739-8123456", "甲县邮政001号信箱", "xuncha1@example.gov.cn"):
        assert fact in text
    assert 'name="viewport"' in text and "vendor/bootstrap/bootstrap.min.css" in text
    assert "x-side" not in text and "工作台" not in text and "退出" not in text  # no staff shell
    assert "csrfmiddlewaretoken" in text


def test_an_unknown_address_is_not_found(world):
    assert Client().get("/p/no-such-inspection/").status_code == 404


def test_submit_with_attachment_shows_the_code_once_and_keeps_only_its_hash(inspection):
    client, token = _csrf_client(_url(inspection))
    files = [SimpleUploadedFile("照片.pdf", PDF), SimpleUploadedFile("账本.pdf", PDF + b"2")]
    r = _report(client, token, inspection, attachments=files)
    assert r.status_code == 200
    assert r["Cache-Control"] == "no-store"
    text = r.content.decode()
    assert "查询码只显示这一次" in text
    code = _code(r)
    assert len(code) >= 16
    petition = Petition.objects.get(inspection=inspection)
    assert petition.channel == "online" and petition.anonymous and petition.identity == ""
    assert petition.receipt_code_hash == hashlib.sha256(code.encode()).hexdigest()
    assert (
        sorted(a.name for a in petition.attachments.all()) == ["群众提交的材料.pdf"] * 2
    )  # their own names could name them
    assert all(a.public and a.uploaded_by is None for a in petition.attachments.all())
    with connection.cursor() as cursor:  # the code itself is stored nowhere
        cursor.execute("SELECT * FROM onsite_petition")
        assert code not in repr(cursor.fetchall())
    assert code not in repr(list(AuditEvent.objects.values()))
    again = client.get(_url(inspection)).content.decode()
    assert code not in again and "查询码只显示这一次" not in again
    submitted = AuditEvent.objects.get(action="petition.submit")
    assert submitted.ip is None and submitted.actor is None
    assert all(e.ip is None for e in AuditEvent.objects.filter(action="attachment.upload"))


def test_csrf_stays_on(inspection):
    client = Client(enforce_csrf_checks=True)
    r = client.post(_url(inspection), {"subject": "标题", "content": "内容", "anonymous": "1"})
    assert r.status_code == 403
    assert not Petition.objects.exists()


def test_errors_come_back_next_to_the_fields_with_the_form_filled(inspection):
    client, token = _csrf_client(_url(inspection))
    r = _report(
        client,
        token,
        inspection,
        subject="",
        anonymous="0",
        name="",
        id_number="110105194912310021",
        attachments=[SimpleUploadedFile("病毒.pdf", b"MZ\x90\0 not a pdf")],
    )
    text = r.content.decode()
    assert r.status_code == 200
    assert "请填写标题" in text or "这个字段是必填项" in text
    assert not Petition.objects.exists() and not Attachment.objects.exists()
    r = _report(client, token, inspection, anonymous="0", name="王五", id_number="110105194912310021")
    text = r.content.decode()
    assert "身份证号校验位不正确" in text and "上坪村书记挪用低保金" in text
    r = _report(client, token, inspection, attachments=[SimpleUploadedFile("病毒.pdf", b"MZ\x90\0 not a pdf")])
    assert "的内容不是允许的类型" in r.content.decode()
    assert not Petition.objects.exists() and not Attachment.objects.exists()


def test_a_named_report_is_sealed_in_the_database(inspection):
    client, token = _csrf_client(_url(inspection))
    r = _report(
        client,
        token,
        inspection,
        anonymous="0",
        name="赵六",
        phone="13912345678",
        id_number="110105491231002",  # an old 15-digit number, upgraded
        address="甲县青禾镇上坪村3组",
    )
    assert "查询码只显示这一次" in r.content.decode()
    petition = Petition.objects.get()
    with connection.cursor() as cursor:
        cursor.execute("SELECT identity FROM onsite_petition WHERE id = %s", [petition.pk])
        raw = cursor.fetchone()[0]
    for secret in ("赵六", "13912345678", "110105", "上坪村3组"):
        assert secret not in raw
    assert unseal_json(raw) == {
        "name": "赵六",
        "phone": "13912345678",
        "id_number": "11010519491231002X",
        "address": "甲县青禾镇上坪村3组",
    }
    assert "赵六" not in repr(list(AuditEvent.objects.values()))


def _submit_and_code(inspection) -> tuple[Petition, str]:
    client, token = _csrf_client(_url(inspection))
    code = _code(_report(client, token, inspection))
    return Petition.objects.get(receipt_code_hash=hashlib.sha256(code.encode()).hexdigest()), code


def test_follow_up_reads_replies_never_internal_notes_and_adds_information(world, inspection, login):
    petition, code = _submit_and_code(inspection)
    member = world["a"].users["team_member"]
    petition_message_add(actor=member, petition=petition, body="已收到，正在核实。", internal=False)
    petition_message_add(actor=member, petition=petition, body="内部：疑似涉及村会计。", internal=True)
    other, _ = _submit_and_code(inspection)
    petition_message_add(actor=member, petition=other, body="另一件的答复。", internal=False)

    client, token = _csrf_client("/p/receipt/")
    r = client.post("/p/receipt/", {"csrfmiddlewaretoken": token, "action": "lookup", "code": code.lower()})
    assert r.status_code == 302 and code not in r.url
    page = client.get("/p/receipt/").content.decode()
    assert "已收到，正在核实。" in page
    assert "内部：疑似涉及村会计。" not in page and "另一件的答复。" not in page
    assert "待分办" not in page  # the team's word for the state is not the public's

    pdf = SimpleUploadedFile("补充.pdf", PDF)
    data = {"csrfmiddlewaretoken": token, "action": "add", "body": "补充：还有两户也被冒领。", "attachments": pdf}
    r = client.post("/p/receipt/", data)
    assert r.status_code == 302
    added = PetitionMessage.objects.get(petition=petition, author__isnull=True)
    assert added.body == "补充：还有两户也被冒领。" and not added.internal
    assert [a.name for a in added.attachments.all()] == ["群众提交的材料.pdf"]
    assert "补充材料已提交" in client.get("/p/receipt/").content.decode()
    staff = login(member).get(f"/onsite/petitions/{petition.pk}/").content.decode()
    assert "补充：还有两户也被冒领。" in staff and "群众提交的材料.pdf" in staff

    client.post("/p/receipt/", {"csrfmiddlewaretoken": token, "action": "end"})
    assert "已收到，正在核实。" not in client.get("/p/receipt/").content.decode()


def test_a_wrong_code_answers_like_a_missing_one(inspection):
    petition, code = _submit_and_code(inspection)
    client, token = _csrf_client("/p/receipt/")
    wrong = "A" * 20
    answers = []
    for guess in (wrong, "SHORT", code[:-1] + ("A" if code[-1] != "A" else "B")):
        r = client.post("/p/receipt/", {"csrfmiddlewaretoken": token, "action": "lookup", "code": guess})
        assert r.status_code == 200
        answers.append(re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", r.content.decode()))
        assert "查询码无效" in answers[-1]
    assert answers[0] == answers[1] == answers[2]
    api = Client()
    missing = api.get(f"/api/v1/public/petitions/{wrong}")
    other = api.get("/api/v1/public/petitions/ZZZZZZZZZZZZZZZZZZZZ")
    assert missing.status_code == other.status_code == 404
    assert missing.json() == other.json() == {"detail": "未找到。", "code": "not_found"}


def test_guessing_codes_is_rate_limited(inspection):
    petition, code = _submit_and_code(inspection)
    client, token = _csrf_client("/p/receipt/")
    for _ in range(5):
        client.post("/p/receipt/", {"csrfmiddlewaretoken": token, "action": "lookup", "code": "B" * 20})
    r = client.post("/p/receipt/", {"csrfmiddlewaretoken": token, "action": "lookup", "code": code})
    assert r.status_code == 200 and "查询过于频繁" in r.content.decode()
    assert not AuditEvent.objects.filter(action="petition.receipt_open").exists()


def test_submissions_are_rate_limited_per_inspection(settings, inspection):
    settings.XUNCHA = {**settings.XUNCHA, "PUBLIC_SUBMISSIONS_PER_HOUR": 2}
    client, token = _csrf_client(_url(inspection))
    for _ in range(2):
        assert "查询码只显示这一次" in _report(client, token, inspection).content.decode()
    r = _report(client, token, inspection)
    assert "当前提交较多" in r.content.decode()
    api = Client().post(
        f"/api/v1/public/inspections/{inspection.public_id}/petitions",
        {"subject": "标题", "content": "内容"},
        content_type="application/json",
    )
    assert api.status_code == 429
    assert Petition.objects.count() == 2


def test_a_closed_inspection_refuses_reports(inspection):
    Inspection.objects.filter(pk=inspection.pk).update(stage=Inspection.Stage.REPORTING)
    client, token = _csrf_client("/p/receipt/")
    page = client.get(_url(inspection)).content.decode()
    assert "网上举报通道已关闭" in page and 'name="content"' not in page
    r = _report(client, token, inspection)
    assert "查询码只显示这一次" not in r.content.decode()
    api = Client().post(
        f"/api/v1/public/inspections/{inspection.public_id}/petitions",
        {"subject": "标题", "content": "内容"},
        content_type="application/json",
    )
    assert api.status_code == 422 and "已关闭" in api.json()["errors"]["inspection"][0]
    assert not Petition.objects.exists()


def test_the_public_api_submits_and_reads_replies_only(world, inspection):
    api = Client()
    r = api.post(
        f"/api/v1/public/inspections/{inspection.public_id}/petitions",
        {"subject": "反映食堂超标准接待", "content": "多次用公款吃喝。", "anonymous": False, "name": "钱七"},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    assert list(r.json()) == ["receipt_code"]
    code = r.json()["receipt_code"]
    assert len(code) >= 16
    petition = Petition.objects.get()
    assert not petition.anonymous and "钱七" not in petition.identity
    member = world["a"].users["team_member"]
    petition_message_add(actor=member, petition=petition, body="已转相关部门核实。", internal=False)
    petition_message_add(actor=member, petition=petition, body="内部：先查报销单。", internal=True)
    PetitionMessage.objects.create(petition=petition, author=None, body="反映人补充的内容")
    r = api.get(f"/api/v1/public/petitions/{code}")
    assert r.status_code == 200
    body = r.json()
    assert list(body) == ["replies"]
    assert [m["body"] for m in body["replies"]] == ["已转相关部门核实。"]
    assert set(body["replies"][0]) == {"body", "created_at"}
    r = api.post(
        f"/api/v1/public/inspections/{inspection.public_id}/petitions",
        {"subject": "", "content": "内容", "anonymous": False, "id_number": "123"},
        content_type="application/json",
    )
    assert r.status_code == 422
    assert set(r.json()["errors"]) == {"subject", "name", "id_number"}


def test_text_with_html_is_shown_as_text(world, inspection, login):
    client, token = _csrf_client(_url(inspection))
    code = _code(_report(client, token, inspection, content="<script>alert('x')</script><b>粗体</b>"))
    petition = Petition.objects.get()
    page = login(world["a"].users["team_member"]).get(f"/onsite/petitions/{petition.pk}/").content.decode()
    assert "<script>alert(" not in page and "&lt;script&gt;alert(" in page
    petition_message_add(
        actor=world["a"].users["team_member"], petition=petition, body="<img src=x onerror=alert(1)>", internal=False
    )
    client.post("/p/receipt/", {"csrfmiddlewaretoken": token, "action": "lookup", "code": code})
    follow = client.get("/p/receipt/").content.decode()
    assert "<img src=x" not in follow and "&lt;img src=x" in follow


def test_the_public_api_is_not_cached_or_logged_and_huge_ids_are_not_errors(world, caplog):
    import logging

    from django.test import Client

    client = Client()
    with caplog.at_level(logging.WARNING):
        r = client.get("/api/v1/public/petitions/ABCDEFGHJKLMNPQRSTUV")
    assert r.status_code == 404 and r["Cache-Control"] == "no-store"
    assert "ABCDEFGHJKLMNPQRSTUV" not in caplog.text
    office = token_client(world["a"].users["office"])
    huge = office.get("/api/v1/petitions?inspection_id=" + "9" * 30)
    # SQLite refuses the number (answered 422), PostgreSQL finds nothing: never a 500.
    assert huge.status_code == 422 or (huge.status_code == 200 and huge.json()["count"] == 0)


def test_the_page_shows_the_dates_of_the_round_as_documents_write_them(inspection):
    rnd = inspection.round
    rnd.entry_on, rnd.onsite_end_on = datetime.date(2026, 9, 1), datetime.date(2026, 10, 15)
    rnd.save(update_fields=["entry_on", "onsite_end_on"])
    assert "<dt>受理时间</dt><dd>2026年9月1日至2026年10月15日</dd>" in Client().get(_url(inspection)).content.decode()


def _receipt_page(code) -> str:
    client, token = _csrf_client("/p/receipt/")
    client.post("/p/receipt/", {"csrfmiddlewaretoken": token, "action": "lookup", "code": code})
    return client.get("/p/receipt/").content.decode()


def _state(page) -> str:
    return re.search(r'<span class="p-state">([^<]+)</span>', page).group(1)


def test_the_receipt_page_shows_what_was_sent_without_identity_and_its_state(world, inspection):
    client, token = _csrf_client(_url(inspection))
    identity = {"anonymous": "0", "name": "赵六", "phone": "13912345678", "address": "甲县青禾镇上坪村3组"}
    code = _code(_report(client, token, inspection, accused="李某某", **identity))
    petition = Petition.objects.get()
    page = _receipt_page(code)
    assert "村支书挪用低保资金" in page and "上坪村书记挪用低保金。" in page and "李某某" in page
    for secret in ("赵六", "13912345678", "甲县青禾镇上坪村3组"):
        assert secret not in page
    assert _state(page) == "已提交" and "正在研究是否属于本次巡察受理范围" in page
    assert "待分办" not in page

    a = world["a"]
    focus = FocusArea.objects.filter(taxonomy__authority=a.authority, group="focus", children__isnull=True).first()
    discipline = FocusArea.objects.filter(
        taxonomy__authority=a.authority, group="discipline", children__isnull=True
    ).first()
    triage = {"status": "in_scope", "disciplines": [discipline], "focus_area": focus}
    petition_triage(actor=a.users["team_member"], petition=petition, **triage)
    page = _receipt_page(code)
    assert _state(page) == "受理" and "巡察组已受理，正在了解核实。" in page
    assert focus.name not in page and discipline.name not in page  # the team's assessment stays inside

    Inspection.objects.filter(pk=inspection.pk).update(stage=Inspection.Stage.REPORTING)
    page = _receipt_page(code)
    assert _state(page) == "办结" and "有关情况已按规定处理" in page


def test_a_forwarded_or_merged_report_reads_as_such_on_the_receipt_page(world, inspection):
    a = world["a"]
    client, token = _csrf_client(_url(inspection))
    first = _code(_report(client, token, inspection))
    second = _code(_report(client, token, inspection, subject="同一问题再次反映"))
    p1 = Petition.objects.get(subject="村支书挪用低保资金")
    p2 = Petition.objects.get(subject="同一问题再次反映")
    forwarded = {"forwarded_to": "县民政局", "forwarded_on": datetime.date(2026, 9, 5)}
    petition_triage(actor=a.users["office"], petition=p1, status="out_of_scope", **forwarded)
    petition_triage(actor=a.users["office"], petition=p2, status="duplicate", duplicate_of=p1)
    page = _receipt_page(first)
    assert _state(page) == "转办" and "已转交县民政局办理。" in page and "2026年9月5日" in page
    page = _receipt_page(second)
    assert _state(page) == "转办" and "已与反映同一问题的其他件合并办理" in page
    assert "同一问题再次反映" in page and "村支书挪用低保资金" not in page  # only their own text
