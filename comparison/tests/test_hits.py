"""Hits: the data officer confirms one to an inspection (its evidence workbook becomes an
attachment there), the team sees it on its desk and cites it in a working paper; dismissing
needs a reason; a hit is decided once; county B and the office see nothing of it; the run's
hits page shows how each was matched; the export keeps IDs as text.

Real runs throughout (``factories.run``: welfare_vs_payroll over two CSV files, one hit, 张伟),
and one run of this module's own files for a fuzzy hit.
"""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from openpyxl import load_workbook

from comparison import datasets as dataset_services
from comparison import runs as run_services
from comparison.hits import HitDecided, hit_confirm, hit_dismiss, hits_export, hits_for, inspections_for_hits
from comparison.models import Hit, Run
from comparison.tests.factories import RULE, RULE_NAME, ZHANG, csv_bytes, id18, run, upload
from conftest import token_client
from core.files import file_path
from core.models import AuditEvent
from onsite.models import Attachment, WorkingPaper
from planning.models import Inspection

EVIDENCE_NAME = f"数据比对线索_{RULE_NAME}_张伟.xlsx"


def _hit(w, key: str = "a") -> Hit:
    return run(w, key, execute=True).hits.get()


def login(user) -> Client:
    """A client logged in as ``user`` (the login page itself is tested elsewhere)."""
    client = Client()
    client.force_login(user)
    return client


def _officer(w, key: str = "a"):
    return w[key].users["data_officer"]


def _confirm(w, key: str = "a", note: str = "请核实其任职和领取低保的时间") -> Hit:
    return hit_confirm(actor=_officer(w, key), hit=_hit(w, key), inspection=w[key].inspection, note=note)


def _workbook(attachment: Attachment):
    return load_workbook(io.BytesIO(file_path(attachment.path).read_bytes()))


def test_confirm_hands_the_evidence_workbook_to_the_inspection(world):
    hit = _hit(world)
    client = login(_officer(world))
    page = client.get(f"/comparison/hits/{hit.pk}/").content.decode()
    assert "低保、特困人员名单" in page and "财政供养人员名单" in page  # both sides
    assert "县农业农村局" in page and "2022-01-01至今" in page and "2020-05-01至今" in page
    assert str(world["a"].inspection) in page  # offered in the select
    assert str(world["b"].inspection) not in page

    r = client.post(f"/comparison/hits/{hit.pk}/confirm/", {"inspection": world["a"].inspection.pk, "note": "请核实"})
    assert r.status_code == 302
    hit.refresh_from_db()
    assert hit.state == Hit.State.CONFIRMED and hit.inspection == world["a"].inspection
    assert hit.reviewed_by == _officer(world) and hit.reviewed_at is not None
    attachment = Attachment.objects.get(inspection=world["a"].inspection)
    assert hit.attachment == attachment and attachment.name == EVIDENCE_NAME and attachment.kind == "xlsx"

    book = _workbook(attachment)
    summary = {row[0]: row[1] for row in book["线索摘要"].iter_rows(min_row=2, values_only=True)}
    assert summary["身份证号"] == ZHANG and isinstance(summary["身份证号"], str)
    assert summary["比对规则"].startswith(RULE_NAME) and summary["匹配方式"] == "精确"
    assert summary["一致字段"] == "身份证号" and summary["供养期间"] == "2020-05-01至今"
    assert summary["移交说明"] == "请核实"
    welfare = book["低保、特困人员名单"]
    headers = [c.value for c in welfare[1]]
    id_cell = welfare.cell(row=2, column=headers.index("身份证号") + 1)
    assert id_cell.value == ZHANG and id_cell.data_type == "s" and id_cell.number_format == "@"
    assert "县农业农村局" in [c.value for c in book["财政供养人员名单"][2]]
    event = AuditEvent.objects.get(action="hit.confirm")
    assert event.detail["inspection"] == world["a"].inspection.pk and event.object_id == str(hit.pk)
    assert "已将线索移交" in client.get(f"/comparison/hits/{hit.pk}/").content.decode()


def test_the_team_sees_it_on_its_desk_and_cites_it_in_a_working_paper(world):
    hit = _confirm(world)
    team = login(world["a"].users["team_member"])
    desk = team.get(f"/onsite/inspections/{world['a'].inspection.pk}/").content.decode()
    assert "数据比对线索（待核实）" in desk and f"张伟 · {RULE_NAME}" in desk and "待核实" in desk
    assert "享受期间：2022-01-01至今" in desk and f"/comparison/hits/{hit.pk}/" in desk

    page = team.get(f"/comparison/hits/{hit.pk}/").content.decode()
    assert "据此起草工作底稿" in page and "确认并移交" not in page and "排除理由" not in page
    create = f"/onsite/inspections/{world['a'].inspection.pk}/working-papers/new/?attachment={hit.attachment_id}"
    assert create.replace("&", "&amp;") in page or create in page
    form = team.get(create).content.decode()
    assert EVIDENCE_NAME in form
    assert f'value="{hit.attachment_id}"' in form and "checked" in form.split(f'value="{hit.attachment_id}"')[1][:80]

    r = team.post(
        create,
        {
            "title": "财政供养人员违规享受低保",
            "facts": "张伟自2022年起领取低保，同期在县农业农村局任职。",
            "attachments": [hit.attachment_id],
        },
    )
    assert r.status_code == 302, r.content.decode()[:400]
    paper = WorkingPaper.objects.get(inspection=world["a"].inspection)
    assert list(paper.attachments.all()) == [hit.attachment]
    assert team.get(f"/onsite/attachments/{hit.attachment_id}/").status_code == 200  # the team downloads it

    api = token_client(world["a"].users["team_member"])
    assert api.get(f"/api/v1/comparison-hits/{hit.pk}").json()["evidence"]["payroll"][0]["unit"] == "县农业农村局"


def test_the_team_reads_only_the_hits_confirmed_to_its_inspection(world):
    hit = _hit(world)
    member = world["a"].users["team_member"]
    assert not hits_for(user=member).exists()  # not before it is confirmed
    assert token_client(member).get(f"/api/v1/comparison-hits/{hit.pk}").status_code == 404
    other = Hit.objects.create(authority=hit.authority, run=hit.run, person="x", name="李四", summary={}, evidence={})
    hit_confirm(actor=_officer(world), hit=hit, inspection=world["a"].inspection)
    assert list(hits_for(user=member)) == [hit]
    assert login(member).get(f"/comparison/hits/{other.pk}/").status_code == 404
    assert (
        token_client(member)
        .post(f"/api/v1/comparison-hits/{hit.pk}/dismiss", {"reason": "x"}, content_type="application/json")
        .status_code
        == 403
    )


def test_dismiss_needs_a_reason(world):
    hit = _hit(world)
    with pytest.raises(ValidationError) as e:
        hit_dismiss(actor=_officer(world), hit=hit, reason="  ")
    assert e.value.message_dict == {"reason": ["请填写排除理由"]}
    client = login(_officer(world))
    page = client.post(f"/comparison/hits/{hit.pk}/dismiss/", {"reason": ""}).content.decode()
    assert "请填写排除理由" in page
    api = token_client(_officer(world))
    r = api.post(f"/api/v1/comparison-hits/{hit.pk}/dismiss", {"reason": ""}, content_type="application/json")
    assert r.status_code == 422 and r.json()["errors"] == {"reason": ["请填写排除理由"]}
    hit.refresh_from_db()
    assert hit.state == Hit.State.NEW and not AuditEvent.objects.filter(action="hit.dismiss").exists()

    r = client.post(f"/comparison/hits/{hit.pk}/dismiss/", {"reason": "经核实为同名同生日的不同人员"})
    assert r.status_code == 302
    hit.refresh_from_db()
    assert hit.state == Hit.State.DISMISSED and hit.reason == "经核实为同名同生日的不同人员"
    assert "经核实为同名同生日的不同人员" in client.get(f"/comparison/hits/{hit.pk}/").content.decode()
    assert AuditEvent.objects.filter(action="hit.dismiss").count() == 1


def test_a_hit_is_decided_once(world):
    hit = _confirm(world)
    with pytest.raises(HitDecided):
        hit_confirm(actor=_officer(world), hit=hit, inspection=world["a"].inspection)
    api = token_client(_officer(world))
    for action, body in (("confirm", {"inspection": world["a"].inspection.pk}), ("dismiss", {"reason": "不属实"})):
        r = api.post(f"/api/v1/comparison-hits/{hit.pk}/{action}", body, content_type="application/json")
        assert r.status_code == 409 and r.json()["code"] == "not_editable"
        assert "已移交巡察组" in r.json()["detail"]
    client = login(_officer(world))
    r = client.post(f"/comparison/hits/{hit.pk}/dismiss/", {"reason": "不属实"}, follow=True)
    assert "该线索已移交巡察组，不能再次处理" in r.content.decode()
    assert Attachment.objects.count() == 1 and AuditEvent.objects.filter(action="hit.confirm").count() == 1
    hit.refresh_from_db()
    assert hit.state == Hit.State.CONFIRMED


def test_confirm_refuses_archived_and_other_counties_inspections(world):
    hit = _hit(world)
    api = token_client(_officer(world))
    r = api.post(
        f"/api/v1/comparison-hits/{hit.pk}/confirm",
        {"inspection": world["b"].inspection.pk},
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["errors"] == {"inspection": ["所选巡察不存在或不属于本机构。"]}
    with pytest.raises(ValidationError) as e:
        hit_confirm(actor=_officer(world), hit=hit, inspection=world["b"].inspection)
    assert e.value.message_dict == {"inspection": ["所选巡察不属于本机构。"]}
    Inspection.objects.filter(pk=world["a"].inspection.pk).update(stage=Inspection.Stage.ARCHIVED)
    world["a"].inspection.refresh_from_db()
    assert inspections_for_hits(user=_officer(world)) == []
    with pytest.raises(ValidationError) as e:
        hit_confirm(actor=_officer(world), hit=hit, inspection=world["a"].inspection)
    assert "已归档，不能移交线索" in e.value.message_dict["inspection"][0]
    assert not Attachment.objects.exists() and Hit.objects.get(pk=hit.pk).state == Hit.State.NEW


def test_county_b_and_the_office_see_nothing(world):
    hit = _hit(world)
    for key in ("office", "office_head", "leading_group", "auditor"):
        user = world["a"].users[key]
        assert not hits_for(user=user).exists()
        assert login(user).get(f"/comparison/hits/{hit.pk}/").status_code == 404
    b = _officer(world, "b")
    assert not hits_for(user=b).exists()
    assert login(b).get(f"/comparison/hits/{hit.pk}/").status_code == 404
    assert token_client(b).get(f"/api/v1/comparison-runs/{hit.run_id}/hits").status_code == 404
    _confirm(world)
    office = login(world["a"].users["office"])
    assert office.get(f"/comparison/hits/{hit.pk}/").status_code == 404  # a lead for the team, not the office
    desk = office.get(f"/onsite/inspections/{world['a'].inspection.pk}/").content.decode()
    assert "数据比对线索" not in desk
    b_team = login(world["b"].users["team_member"])
    b_desk = b_team.get(f"/onsite/inspections/{world['b'].inspection.pk}/").content.decode()
    assert "暂无移交本巡察的数据比对线索" in b_desk and "张伟" not in b_desk


def _fuzzy_run(w) -> Run:
    """A run whose welfare list has 王芳 without an ID: matched to the payroll by name, birth
    date, sex and township."""
    wang = id18("33010219810202002")
    welfare = csv_bytes(
        ["姓名", "身份证号", "救助类别", "享受起始时间", "享受终止时间", "乡镇", "性别", "出生日期"],
        [["王芳", "", "低保", "2021/3/1", "", "河口镇", "女", "1981-02-02"]],
    )
    payroll = csv_bytes(
        ["姓名", "身份证号", "工作单位", "入职日期", "离职日期", "性别", "出生日期", "乡镇"],
        [["王芳", wang, "县教育局", "2019-01-01", "", "女", "1981-02-02", "河口镇"]],
    )
    officer = _officer(w)
    chosen = {
        role: dataset_services.dataset_create(actor=officer, source_name=name, upload=upload(f"{name}.csv", data))
        for role, name, data in (("welfare", "模糊低保名单", welfare), ("payroll", "模糊财政供养", payroll))
    }
    started = run_services.run_start(actor=officer, rule_key=RULE, datasets=chosen)
    assert run_services.run_execute(started.pk) == Run.Status.DONE
    return started


def test_the_hits_page_shows_how_each_hit_was_matched(world):
    fuzzy = _fuzzy_run(world)
    hit = fuzzy.hits.get()
    assert hit.match == Hit.Match.FUZZY
    client = login(_officer(world))
    page = client.get(f"/comparison/runs/{fuzzy.pk}/hits/").content.decode()
    assert f"模糊 {hit.probability:.4f}" in page and "一致字段：姓名、出生日期、性别、乡镇" in page
    assert "仅姓名和出生日期一致" not in page
    Hit.objects.create(
        authority=hit.authority,
        run=fuzzy,
        person="#9",
        name="赵敏",
        match="fuzzy",
        probability=0.9912,
        agreed="name,birth_date",
        name_birth_only=True,
        summary={"享受期间": "2020-01-01至今"},
        evidence={},
    )
    page = client.get(f"/comparison/runs/{fuzzy.pk}/hits/?match=fuzzy").content.decode()
    assert "赵敏" in page and "仅姓名和出生日期一致" in page and "模糊 0.9912" in page
    assert "赵敏" not in client.get(f"/comparison/runs/{fuzzy.pk}/hits/?match=exact").content.decode()
    detail = client.get(f"/comparison/hits/{hit.pk}/").content.decode()
    assert "匹配概率" in detail and "缺失" in detail  # the welfare row's ID status


def test_export_keeps_ids_as_text_and_neutralises_formulas(world):
    hit = _hit(world)
    Hit.objects.create(
        authority=hit.authority,
        run=hit.run,
        person="#2",
        name='=HYPERLINK("http://x")',
        summary={"供养单位": "@SUM(1)"},
        evidence={},
    )
    r = login(_officer(world)).get(f"/comparison/runs/{hit.run_id}/hits/export.xlsx")
    assert r.status_code == 200 and "attachment" in r["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(r.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == ("身份证号", "姓名", "匹配方式", "匹配概率", "一致字段", "状态") and "供养期间" in rows[0]
    assert rows[1][0] == ZHANG and sheet.cell(row=2, column=1).data_type == "s"
    assert (
        sheet.cell(row=3, column=2).value == '=HYPERLINK("http://x")' and sheet.cell(row=3, column=2).data_type == "s"
    )
    assert sheet.cell(row=3, column=2).quotePrefix
    assert AuditEvent.objects.filter(action="hits.export", object_id=str(hit.run_id)).count() == 1
    data = hits_export(actor=_officer(world), run=hit.run, state="dismissed")
    assert len(list(load_workbook(io.BytesIO(data)).active.iter_rows())) == 1  # the header alone


def test_every_showing_of_hits_is_audited(world):
    """A hit's page and its evidence rows are personal data: each showing is an audit event,
    from the pages and from the API alike."""
    hit = _hit(world)
    officer = _officer(world)
    client = Client()
    client.force_login(officer)
    assert client.get(f"/comparison/runs/{hit.run_id}/hits/").status_code == 200
    assert client.get(f"/comparison/hits/{hit.pk}/").status_code == 200
    api = token_client(officer)
    assert api.get(f"/api/v1/comparison-hits/{hit.pk}").status_code == 200
    assert api.get(f"/api/v1/comparison-runs/{hit.run_id}/hits").status_code == 200
    events = AuditEvent.objects.filter(actor=officer, action__startswith="read.hit").order_by("pk")
    assert [(e.action, e.object_id) for e in events] == [
        ("read.hits", str(hit.run_id)),
        ("read.hit", str(hit.pk)),
        ("read.hit", str(hit.pk)),
        ("read.hits", str(hit.run_id)),
    ]
    assert events[0].detail["shown"] == Hit.objects.filter(run_id=hit.run_id).count()
