"""Transfers: to the right receiver, due after the setting's months, received then answered,
overdue on the workbench, and the transfer letter in the official format."""

import datetime
import io

import pytest
from django.utils import timezone
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Pt

from conftest import make_user, token_client
from core import workbench
from core.documents import cn_date
from core.models import AuditEvent
from core.services import receiver_create
from planning.models import Round
from planning.stages import add_months, deadline_settings_update
from results.leads import lead_create
from results.models import Transfer
from results.tests.factories import first_finding
from results.transfers import todos_for, transfer_create, transfer_receive

D = datetime.date
JSON = "application/json"


def _today():
    return timezone.localdate()


@pytest.fixture
def desk(world):
    """County A with a finding, leads of each category, and the three kinds of receiver with accounts."""
    a = world["a"]
    Round.objects.filter(pk=a.inspection.round_id).update(entry_on=D(2025, 9, 1), onsite_end_on=D(2025, 10, 15))
    a.inspection.refresh_from_db()
    a.finding = first_finding(world)
    a.zzb = receiver_create(actor=None, authority=a.authority, name="甲县委组织部", kind="organization_dept")
    a.zzb_user = make_user(a.authority, "a_zzb", "receiver", a.zzb.pk)
    a.dept = receiver_create(actor=None, authority=a.authority, name="甲县财政局", kind="other")
    a.dept_user = make_user(a.authority, "a_dept", "receiver", a.dept.pk)
    head = a.users["office_head"]
    a.lead = lead_create(
        actor=head,
        inspection=a.inspection,
        category="discipline",
        name="王某某",
        post="县委办公室副主任",
        details="违规收受礼金 2 万元",
        senior=True,
    )
    a.cadre_lead = lead_create(
        actor=head, inspection=a.inspection, category="cadre", name="赵某", post="人事科科长", details="违规提拔亲属"
    )
    return a


def _post(user, body):
    return token_client(user).post("/api/v1/transfers", body, content_type=JSON)


def _body(a, **kw):
    return {"inspection_id": a.inspection.pk, "sent_on": _today().isoformat(), **kw}


def test_each_kind_goes_to_the_right_receiver(desk):
    a = desk
    head, office = a.users["office_head"], a.users["office"]
    r = _post(head, _body(a, kind="leads", receiver_id=a.zzb.pk, lead_ids=[a.lead.pk]))
    assert r.status_code == 422
    assert r.json()["errors"] == {"receiver": ["问题线索只能移交纪委监委，“甲县委组织部”是组织部。"]}
    r = _post(head, _body(a, kind="cadre", receiver_id=a.receiver.pk, finding_ids=[a.finding.pk]))
    assert r.json()["errors"] == {"receiver": ["选人用人问题移交组织部，“甲县纪委监委”是纪委监委。"]}
    r = _post(head, _body(a, kind="leads", receiver_id=a.receiver.pk, lead_ids=[a.cadre_lead.pk]))
    assert r.json()["errors"] == {
        "leads": [f"线索 {a.cadre_lead.pk} 的类别是“选人用人（移交组织部）”，不能作为问题线索移交。"]
    }
    r = _post(head, _body(a, kind="findings", receiver_id=a.dept.pk))
    assert r.json()["errors"] == {"findings": ["请选择要移交的其他问题。"]}
    r = _post(head, _body(a, kind="leads", receiver_id=a.receiver.pk, lead_ids=[a.lead.pk], sent_on="2999-01-01"))
    assert r.json()["errors"] == {"sent_on": ["移交日期不能晚于今天。"]}
    assert not Transfer.objects.exists()
    # Only the head transfers leads: the office sees none of them.
    assert _post(office, _body(a, kind="leads", receiver_id=a.receiver.pk, lead_ids=[a.lead.pk])).status_code == 403
    assert _post(office, _body(a, kind="cadre", receiver_id=a.zzb.pk, lead_ids=[a.cadre_lead.pk])).status_code == 403
    for user in (a.users["team_leader"], a.users["leading_group"]):
        assert (
            _post(user, _body(a, kind="findings", receiver_id=a.dept.pk, finding_ids=[a.finding.pk])).status_code == 403
        )
    assert _post(a.users["receiver"], _body(a, kind="findings", receiver_id=a.dept.pk)).status_code == 404

    r = _post(head, _body(a, kind="leads", receiver_id=a.receiver.pk, lead_ids=[a.lead.pk]))
    assert r.status_code == 201 and r.json()["receiver_name"] == "甲县纪委监委" and r.json()["lead_ids"] == [a.lead.pk]
    again = _post(head, _body(a, kind="leads", receiver_id=a.receiver.pk, lead_ids=[a.lead.pk]))
    assert again.json()["errors"]["leads"][0].startswith(f"线索 {a.lead.pk} 已于")
    r = _post(head, _body(a, kind="cadre", receiver_id=a.zzb.pk, lead_ids=[a.cadre_lead.pk]))
    assert r.status_code == 201
    r = _post(office, _body(a, kind="findings", receiver_id=a.dept.pk, finding_ids=[a.finding.pk]))
    assert r.status_code == 201 and r.json()["finding_ids"] == [a.finding.pk] and r.json()["status"] == "unreceived"
    assert _post(office, _body(a, kind="findings", receiver_id=a.dept.pk, finding_ids=[a.finding.pk])).json()[
        "errors"
    ] == {"findings": ["“公务接待超标准”已移交甲县财政局，不能重复移交。"]}
    event = AuditEvent.objects.filter(action="transfer.create").order_by("seq").first()
    assert event.detail["leads"] == [a.lead.pk] and "王某某" not in str(event.detail)


def test_the_office_transfers_through_the_page(desk, login):
    a = desk
    client = login(a.users["office"])
    url = f"/results/inspections/{a.inspection.pk}/transfers/"
    form = client.get(url).content.decode()
    assert "公务接待超标准" in form and "王某某" not in form  # the office is offered findings, never leads
    assert 'value="leads"' not in form
    r = client.post(url, {"kind": "cadre", "receiver": a.dept.pk, "findings": [a.finding.pk], "sent_on": "2025-13-01"})
    page = r.content.decode()
    assert r.status_code == 200 and "不是有效日期，请按 2025-09-30 的格式填写。" in page
    r = client.post(url, {"kind": "cadre", "receiver": a.dept.pk, "findings": [a.finding.pk], "sent_on": "2025-11-03"})
    assert "选人用人问题移交组织部，“甲县财政局”是其他部门。" in r.content.decode() and not Transfer.objects.exists()
    r = client.post(
        url,
        {"kind": "findings", "receiver": a.dept.pk, "findings": [a.finding.pk], "sent_on": "2025-11-03"},
        follow=True,
    )
    page = r.content.decode()
    transfer = Transfer.objects.get()
    assert r.redirect_chain == [(f"/results/transfers/{transfer.pk}/", 302)]
    assert f"已移交甲县财政局，移交函文号 {transfer.letter_number}，办理结果反馈期限为 2026-02-03。" in page
    assert "公务接待超标准" in page and "2025年超标准接待 12 次，超支 3.6 万元" in page

    head = login(a.users["office_head"])
    form = head.get(url).content.decode()
    assert "王某某（县委办公室副主任）" in form and 'value="leads"' in form
    r = head.post(url, {"kind": "leads", "receiver": a.receiver.pk, "leads": [a.lead.pk], "sent_on": "2025-11-05"})
    assert r.status_code == 302
    assert "王某某" not in head.get(url).content.decode()  # already transferred: no longer offered


def test_the_due_date_follows_the_setting(desk):
    a = desk
    head = a.users["office_head"]
    t = transfer_create(
        actor=head, inspection=a.inspection, receiver=a.receiver, kind="leads", leads=[a.lead], sent_on=D(2025, 1, 31)
    )
    assert t.due_on == D(2025, 4, 30)  # three months by default, to the month's last day
    deadline_settings_update(actor=head, authority=a.authority, transfer_outcome_months=2)
    t = transfer_create(
        actor=head, inspection=a.inspection, receiver=a.zzb, kind="cadre", leads=[a.cadre_lead], sent_on=D(2025, 8, 31)
    )
    assert t.due_on == D(2025, 10, 31)
    r = _post(a.users["office"], _body(a, kind="findings", receiver_id=a.dept.pk, finding_ids=[a.finding.pk]))
    assert r.json()["due_on"] == add_months(_today(), 2).isoformat()


def test_receipt_then_outcome(desk, world, login):
    a = desk
    t = transfer_create(
        actor=a.users["office_head"],
        inspection=a.inspection,
        receiver=a.receiver,
        kind="leads",
        leads=[a.lead],
        sent_on=D(2025, 11, 3),
    )
    receiver = token_client(a.users["receiver"])
    url = f"/api/v1/transfers/{t.pk}"
    outcome = {"outcome": "filed", "detail": "经初核，已立案审查调查", "outcome_on": "2025-11-20"}
    r = receiver.post(url + "/outcome", outcome, content_type=JSON)
    assert r.status_code == 422 and r.json()["errors"] == {"outcome": ["请先确认签收，再反馈办理结果。"]}
    r = receiver.post(url + "/receipt", {"received_on": "2025-11-01", "received_name": ""}, content_type=JSON)
    assert r.json()["errors"] == {
        "received_on": ["签收日期不能早于移交日期（2025-11-03）。"],
        "received_name": ["请填写签收人姓名。"],
    }
    # The office sees the transfer but does not sign for it; another receiver does not see it.
    body = {"received_on": "2025-11-04", "received_name": "孙某"}
    assert token_client(a.users["office_head"]).post(url + "/receipt", body, content_type=JSON).status_code == 403
    for user in (a.zzb_user, world["b"].users["receiver"]):
        assert token_client(user).post(url + "/receipt", body, content_type=JSON).status_code == 404
    r = receiver.post(url + "/receipt", body, content_type=JSON)
    assert (
        r.status_code == 200
        and r.json()["received_on"] == "2025-11-04"
        and r.json()["status"]
        in (
            "handling",
            "overdue",
        )
    )
    again = receiver.post(url + "/receipt", body, content_type=JSON)
    assert again.json()["errors"] == {"received_on": ["已于2025-11-04签收。"]}

    client = login(a.users["receiver"])
    page = client.post(
        f"/results/transfers/{t.pk}/",
        {"action": "outcome", "outcome": "filed", "detail": "已立案", "outcome_on": "2025-11-02"},
    )
    assert "反馈日期不能早于签收日期（2025-11-04）。" in page.content.decode()
    r = client.post(f"/results/transfers/{t.pk}/", {"action": "outcome", **outcome}, follow=True)
    page = r.content.decode()
    assert "已反馈办理结果。" in page and "立案审查调查（2025-11-20反馈）" in page and "已反馈" in page
    t.refresh_from_db()
    assert t.outcome == "filed" and t.outcome_by == a.users["receiver"] and t.received_by == a.users["receiver"]
    r = receiver.post(url + "/outcome", outcome, content_type=JSON)
    assert r.json()["errors"] == {"outcome": ["已于2025-11-20反馈办理结果。"]}
    assert [
        e.action for e in AuditEvent.objects.filter(object_id=str(t.pk), action__startswith="transfer.").order_by("seq")
    ] == [
        "transfer.create",
        "transfer.receive",
        "transfer.outcome",
    ]


def test_the_receiver_signs_through_its_page_and_sees_only_what_went_to_it(desk, login):
    a = desk
    head = a.users["office_head"]
    to_jw = transfer_create(
        actor=head, inspection=a.inspection, receiver=a.receiver, kind="leads", leads=[a.lead], sent_on=_today()
    )
    to_zzb = transfer_create(
        actor=head, inspection=a.inspection, receiver=a.zzb, kind="cadre", leads=[a.cadre_lead], sent_on=_today()
    )
    jw = login(a.users["receiver"])
    page = jw.get("/results/received/").content.decode()
    assert to_jw.letter_number in page and to_zzb.letter_number not in page and "未签收" in page
    assert jw.get(f"/results/transfers/{to_zzb.pk}/").status_code == 404
    detail = jw.get(f"/results/transfers/{to_jw.pk}/").content.decode()
    assert "王某某" in detail and "违规收受礼金 2 万元" in detail and "赵某" not in detail and "确认签收" in detail
    r = jw.post(
        f"/results/transfers/{to_jw.pk}/",
        {"action": "receipt", "received_on": _today().isoformat(), "received_name": "纪委信访室 孙某"},
        follow=True,
    )
    page = r.content.decode()
    assert "已确认签收。" in page and "纪委信访室 孙某签收" in page and "反馈办理结果" in page
    assert "办理中" in jw.get("/results/received/?status=handling").content.decode()
    assert to_jw.letter_number not in jw.get("/results/received/?status=unreceived").content.decode()
    zzb = login(a.zzb_user).get("/results/received/").content.decode()
    assert to_zzb.letter_number in zzb and to_jw.letter_number not in zzb
    api = token_client(a.zzb_user).get("/api/v1/transfers").json()
    assert [i["id"] for i in api["items"]] == [to_zzb.pk] and api["items"][0]["lead_ids"] == [a.cadre_lead.pk]


def test_who_sees_which_transfer(desk, login):
    """The office and the leading group see transfers of findings (a lead in them stays hidden);
    transfers of leads only the office head and the receiver."""
    a = desk
    head = a.users["office_head"]
    leads = transfer_create(
        actor=head, inspection=a.inspection, receiver=a.receiver, kind="leads", leads=[a.lead], sent_on=_today()
    )
    cadre = transfer_create(
        actor=head,
        inspection=a.inspection,
        receiver=a.zzb,
        kind="cadre",
        leads=[a.cadre_lead],
        findings=[a.finding],
        sent_on=_today(),
    )
    for role in ("office", "leading_group"):
        api = token_client(a.users[role]).get("/api/v1/transfers").json()
        # Not even the number of the lead inside: a count alone would reveal it.
        assert [(i["id"], i["lead_ids"], i["lead_count"]) for i in api["items"]] == [(cadre.pk, [], 0)]
        client = login(a.users[role])
        listing = client.get("/results/transfers/").content.decode()
        assert cadre.letter_number in listing and leads.letter_number not in listing
        assert client.get(f"/results/transfers/{leads.pk}/").status_code == 404
        detail = client.get(f"/results/transfers/{cadre.pk}/").content.decode()
        assert "另有问题线索" not in detail and "赵某" not in detail
        assert "公务接待超标准" in detail and "下载移交函" not in detail
        assert client.get(f"/results/transfers/{cadre.pk}/letter.docx").status_code == 404
    listing = login(head).get("/results/transfers/").content.decode()
    assert cadre.letter_number in listing and leads.letter_number in listing
    for role in ("team_leader", "team_member", "unit_liaison", "nobody"):
        assert token_client(a.users[role]).get("/api/v1/transfers").json()["count"] == 0
        assert login(a.users[role]).get(f"/results/inspections/{a.inspection.pk}/transfers/").status_code == 404


def test_the_list_filters_by_receiver_and_status(desk, login):
    a = desk
    office = a.users["office"]
    old = transfer_create(
        actor=office,
        inspection=a.inspection,
        receiver=a.dept,
        kind="findings",
        findings=[a.finding],
        sent_on=_today() - datetime.timedelta(days=200),
    )
    new = transfer_create(
        actor=a.users["office_head"],
        inspection=a.inspection,
        receiver=a.zzb,
        kind="cadre",
        findings=[a.finding],
        sent_on=_today(),
    )
    client = login(office)

    def listed(query):
        page = client.get("/results/transfers/" + query).content.decode()
        return {t.letter_number for t in (old, new) if t.letter_number in page}

    assert listed("") == {old.letter_number, new.letter_number}
    assert listed("?status=overdue") == {old.letter_number}
    assert listed("?status=unreceived") == {new.letter_number}
    assert listed("?status=done") == set()
    assert listed(f"?receiver={a.zzb.pk}") == {new.letter_number}
    assert listed("?status=x&receiver=abc") == {old.letter_number, new.letter_number}  # bad filters are ignored
    assert "已逾期" in client.get("/results/transfers/").content.decode()
    api = token_client(office).get("/api/v1/transfers?status=overdue").json()
    assert [i["id"] for i in api["items"]] == [old.pk] and api["items"][0]["status"] == "overdue"


@pytest.fixture
def registered(monkeypatch):
    """The workbench with this part's to-dos (registered at start-up once the app adds it)."""
    if todos_for not in workbench._providers:
        monkeypatch.setattr(workbench, "_providers", [*workbench._providers, todos_for])


def test_overdue_and_unconfirmed_transfers_on_the_workbench(desk, world, login, registered):
    a = desk
    head, office = a.users["office_head"], a.users["office"]
    overdue = transfer_create(
        actor=office,
        inspection=a.inspection,
        receiver=a.dept,
        kind="findings",
        findings=[a.finding],
        sent_on=add_months(_today(), -4),
    )
    transfer_receive(actor=a.dept_user, transfer=overdue, received_on=overdue.sent_on, received_name="王会计")
    soon = transfer_create(
        actor=head,
        inspection=a.inspection,
        receiver=a.receiver,
        kind="leads",
        leads=[a.lead],
        sent_on=add_months(_today(), -3) + datetime.timedelta(days=10),
    )
    transfer_create(
        actor=head, inspection=a.inspection, receiver=a.zzb, kind="cadre", leads=[a.cadre_lead], sent_on=_today()
    )

    def titles(user):
        return {t.title: t.due_on for t in todos_for(user)}

    late = "甲县县委办公室移交甲县财政局的其他问题：办理结果已逾期"
    coming = "甲县县委办公室移交甲县纪委监委的问题线索：办理结果即将到期"
    assert titles(office) == {late: overdue.due_on}  # the office does not see transfers of leads
    assert titles(head) == {late: overdue.due_on, coming: soon.due_on}
    assert titles(a.dept_user) == {"甲县县委办公室巡察移交的其他问题：办理结果反馈已逾期": overdue.due_on}
    assert titles(a.users["receiver"]) == {
        f"待签收：甲县县委办公室巡察移交的问题线索（{soon.letter_number}）": soon.due_on
    }
    zzb = titles(a.zzb_user)
    assert len(zzb) == 1 and next(iter(zzb)).startswith("待签收：")  # unconfirmed, though not yet due
    for user in (world["b"].users["office"], world["b"].users["receiver"], a.users["team_leader"]):
        assert titles(user) == {}

    page = login(office).get("/").content.decode()
    assert late in page and f"/results/transfers/{overdue.pk}/" in page and 'class="x-overdue"' in page
    page = login(a.dept_user).get("/").content.decode()
    assert "办理结果反馈已逾期" in page and 'class="x-overdue"' in page
    transfer_receive_and_answer = token_client(a.dept_user).post(
        f"/api/v1/transfers/{overdue.pk}/outcome",
        {"outcome": "rectified", "detail": "已督促整改，退回超支款项", "outcome_on": _today().isoformat()},
        content_type=JSON,
    )
    assert transfer_receive_and_answer.status_code == 200 and transfer_receive_and_answer.json()["status"] == "done"
    assert late not in titles(office)


# The letter ----------------------------------------------------------------------------


def _open(response):
    assert response.status_code == 200, response.content.decode(errors="replace")[:300]
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''")
    return Document(io.BytesIO(response.content))


def _east_asia(run):
    return run._element.rPr.rFonts.get(qn("w:eastAsia"))


def test_the_letter_is_in_the_official_format_and_says_what_is_transferred(desk, world, login):
    a = desk
    t = transfer_create(
        actor=a.users["office_head"],
        inspection=a.inspection,
        receiver=a.receiver,
        kind="leads",
        leads=[a.lead],
        sent_on=D(2025, 11, 3),
    )
    assert t.letter_number == "甲巡办函〔2025〕1号"
    doc = _open(token_client(a.users["receiver"]).get(f"/api/v1/transfers/{t.pk}/letter.docx"))
    s = doc.sections[0]
    sizes = [s.page_width, s.page_height, s.top_margin, s.bottom_margin, s.left_margin, s.right_margin]
    assert [round(v.mm, 1) for v in sizes] == [210, 297, 37, 35, 28, 26]
    title = "中共甲县委巡察工作领导小组办公室关于移交甲县县委办公室党组织巡察发现问题线索的函"
    p = next(p for p in doc.paragraphs if p.text.replace("\n", "") == title)
    assert p.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert _east_asia(p.runs[0]) == "方正小标宋简体" and p.runs[0].font.size == Pt(22)
    body = [p for p in doc.paragraphs if p.runs and p.paragraph_format.first_line_indent == Pt(32)]
    assert len(body) >= 3
    for p in body:
        fmt = p.paragraph_format
        assert fmt.line_spacing_rule == WD_LINE_SPACING.EXACTLY and fmt.line_spacing == Pt(28.95), p.text
        assert _east_asia(p.runs[0]) in ("仿宋_GB2312", "黑体", "楷体_GB2312") and p.runs[0].font.size == Pt(16)
    assert any(_east_asia(p.runs[0]) == "黑体" for p in body if p.text.startswith(("一、", "二、")))
    assert doc.settings.odd_and_even_pages_header_footer
    for footer, align in ((s.footer, WD_ALIGN_PARAGRAPH.RIGHT), (s.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
        p = footer.paragraphs[0]
        assert p.alignment == align and " PAGE " in p._element.xml
        assert p.text.startswith("— ") and p.text.endswith(" —")

    text = "\n".join(p.text.replace("\n", "") for p in doc.paragraphs)
    assert "甲巡办函〔2025〕1号" in text and "甲县纪委监委：" in text
    assert "中共甲县委第一巡察组于2025年9月1日至2025年10月15日对甲县县委办公室党组织开展了常规巡察" in text
    assert "（一）关于王某某（县委办公室副主任）的问题线索\n违规收受礼金 2 万元" in text
    assert f"请认真研究办理，并于{cn_date(D(2026, 2, 3))}前将办理结果书面反馈中共甲县委巡察工作领导小组办公室。" in text
    assert text.rstrip().endswith("中共甲县委巡察工作领导小组办公室\n2025年11月3日")
    assert "赵某" not in text  # only what this transfer carries
    assert a.users["receiver"].display_name in doc.core_properties.comments  # the trace of who exported it
    export = AuditEvent.objects.filter(action="document.export", object_id=str(t.pk)).get()
    assert export.detail == {"kind": "transfer-letter", "number": "甲巡办函〔2025〕1号"}
    assert "王某某" not in str(export.detail)

    # Only those who see the leads get the letter.
    assert _open(login(a.users["office_head"]).get(f"/results/transfers/{t.pk}/letter.docx"))
    for user in (a.users["office"], a.users["leading_group"], a.zzb_user, world["b"].users["receiver"]):
        assert token_client(user).get(f"/api/v1/transfers/{t.pk}/letter.docx").status_code == 404


def test_the_letter_of_findings_lists_them(desk):
    a = desk
    r = _post(a.users["office"], _body(a, kind="findings", receiver_id=a.dept.pk, finding_ids=[a.finding.pk]))
    doc = _open(token_client(a.users["office"]).get(f"/api/v1/transfers/{r.json()['id']}/letter.docx"))
    text = "\n".join(p.text.replace("\n", "") for p in doc.paragraphs)
    assert "中共甲县委巡察工作领导小组办公室关于移交甲县县委办公室党组织巡察发现有关问题的函" in text
    assert "甲县财政局：" in text and "（一）公务接待超标准\n2025年超标准接待 12 次，超支 3.6 万元" in text
    assert "以上共一项。" in text


def test_lists_cost_the_same_queries_for_few_and_many_rows(desk, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    a = desk
    office = a.users["office"]
    receivers = [a.dept] + [
        receiver_create(actor=None, authority=a.authority, name=f"甲县第{i}局", kind="other") for i in range(5)
    ]
    clients = {"page": login(office), "api": token_client(office), "received": login(a.dept_user)}
    urls = {"page": "/results/transfers/", "api": "/api/v1/transfers", "received": "/results/received/"}
    counts = {}
    for n in (1, 6):
        while Transfer.objects.count() < n:
            i = Transfer.objects.count()
            transfer_create(
                actor=office,
                inspection=a.inspection,
                receiver=receivers[i] if i else a.dept,
                kind="findings",
                findings=[a.finding],
                sent_on=_today(),
            )
        for key, client in clients.items():
            client.get(urls[key])  # the first request of a session costs a few more
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(urls[key]).status_code == 200
            counts.setdefault(key, []).append(len(ctx))
    assert all(few == many for few, many in counts.values()), counts


def _checkbox(page, name, value) -> str:
    """The <input> of one checkbox of the page."""
    import re

    found = re.search(rf'<input type="checkbox" name="{name}" value="{value}"[^>]*>', page)
    assert found, f"{name}={value} not on the page"
    return found.group(0)


def _option(page, value) -> str:
    import re

    found = re.search(rf'<option value="{value}"[^>]*>', page)
    assert found, f"option {value} not on the page"
    return found.group(0)


def test_the_form_offers_each_choice_only_with_the_kind_it_goes_with(desk, login):
    a = desk
    url = f"/results/inspections/{a.inspection.pk}/transfers/"
    page = login(a.users["office_head"]).get(url).content.decode()
    # Receivers by kind: 纪委监委 for 问题线索, 组织部 for 选人用人问题, the rest for 其他问题.
    assert 'data-show-if="kind:leads"' in _option(page, a.receiver.pk)
    assert 'data-show-if="kind:cadre"' in _option(page, a.zzb.pk)
    assert 'data-show-if="kind:findings"' in _option(page, a.dept.pk)
    # Leads by category; findings never with 问题线索 to the discipline commission.
    assert 'data-show-if="kind:leads"' in _checkbox(page, "leads", a.lead.pk)
    assert 'data-show-if="kind:cadre"' in _checkbox(page, "leads", a.cadre_lead.pk)
    assert '<fieldset class="mb-3" data-show-if="kind:cadre,findings">' in page

    # A finding sent to 甲县财政局 is withdrawn while 甲县财政局 is chosen …
    transfer_create(
        actor=a.users["office"],
        inspection=a.inspection,
        receiver=a.dept,
        kind="findings",
        findings=[a.finding],
        sent_on=_today(),
    )
    page = login(a.users["office_head"]).get(url).content.decode()
    assert f'data-hide-if="receiver:{a.dept.pk}"' in _checkbox(page, "findings", a.finding.pk)
    # … and once it has gone to every receiver that takes findings, it is not offered at all.
    transfer_create(
        actor=a.users["office"],
        inspection=a.inspection,
        receiver=a.zzb,
        kind="cadre",
        findings=[a.finding],
        sent_on=_today(),
    )
    page = login(a.users["office_head"]).get(url).content.decode()
    assert f'name="findings" value="{a.finding.pk}"' not in page
    assert "本次巡察没有可移交的问题（尚无经审核的问题，或已全部移交）。" in page


def test_a_refused_transfer_says_why_at_the_top_and_beside_the_field(desk, login):
    a = desk
    url = f"/results/inspections/{a.inspection.pk}/transfers/"
    client = login(a.users["office"])
    body = {"kind": "cadre", "receiver": a.dept.pk, "findings": [a.finding.pk], "sent_on": _today().isoformat()}
    page = client.post(url, body).content.decode()
    reason = "选人用人问题移交组织部，“甲县财政局”是其他部门。"
    summary = page.split('class="alert alert-danger py-2 x-form-errors"')[1].split("</div>\n</div>")[0]
    assert "提交未成功，请按提示修改后再提交：" in summary and f"接收单位：{reason}" in summary
    assert page.count(reason) == 2  # at the top and beside the field
    assert not Transfer.objects.exists()


def test_a_transfer_dated_before_a_later_letter_is_refused_and_its_letter_keeps_its_date(desk, login):
    """Letters (函) are numbered in the order of their dates: a transfer dated before the latest
    letter of the year is refused on its date, with nothing saved."""
    a = desk
    head = a.users["office_head"]
    first = transfer_create(
        actor=head, inspection=a.inspection, receiver=a.receiver, kind="leads", leads=[a.lead], sent_on=D(2025, 11, 5)
    )
    assert first.letter_number == "甲巡办函〔2025〕1号"
    url = f"/results/inspections/{a.inspection.pk}/transfers/"
    body = {"kind": "cadre", "receiver": a.zzb.pk, "leads": [a.cadre_lead.pk], "sent_on": "2025-11-03"}
    page = login(head).post(url, body).content.decode()
    assert "日期不能早于2025年11月5日：函登记簿本年度的甲巡办函〔2025〕1号已于该日成文" in page
    assert Transfer.objects.count() == 1
    r = _post(head, _body(a, kind="cadre", receiver_id=a.zzb.pk, lead_ids=[a.cadre_lead.pk], sent_on="2025-11-03"))
    assert r.status_code == 422 and "请改为2025年11月5日或之后的日期" in r.json()["errors"]["sent_on"][0]
    assert Transfer.objects.count() == 1
    second = transfer_create(
        actor=head,
        inspection=a.inspection,
        receiver=a.zzb,
        kind="cadre",
        leads=[a.cadre_lead],
        sent_on=D(2025, 11, 6),
    )
    assert second.letter_number == "甲巡办函〔2025〕2号"
    text = [p.text for p in _open(token_client(head).get(f"/api/v1/transfers/{second.pk}/letter.docx")).paragraphs]
    assert text[-1] == "2025年11月6日"
