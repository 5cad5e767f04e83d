"""Datasets as the data officer meets them: the two-step upload on the pages (a GBK file, a
column the guess missed, corrected once and remembered for the source's next file), the
API's upload with its four cases, bad files refused in Chinese with nothing stored, the
audited sample, and nobody else (the office, the leading group, the 三员) seeing any of it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from comparison import datasets as services
from comparison.models import Dataset, Source
from comparison.tests.factories import (
    PAYROLL_HEADERS,
    PAYROLL_ROWS,
    WANG,
    ZHANG,
    csv_bytes,
    dataset,
    kind_upload,
    upload,
)
from conftest import token_client
from core.models import AuditEvent
from core.services import role_assign

SOURCE = "县财政局供养人员名单"
# The department calls its ID column 公民身份证: no usual header, so the guess misses it.
ODD_HEADERS = ["姓名", "公民身份证", "工作单位", "入职日期", "离职日期"]


def _stored(authority) -> list[Path]:
    folder = services.authority_dir(authority.pk)
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def _pending() -> list[Path]:
    return list(services.pending_dir().iterdir())


def _select(html: str, header: str) -> str:
    """The field chosen for column ``header`` on the confirm page."""
    at = html.index(f">{header}</label>")
    select = html[at : html.index("</select>", at)]
    chosen = re.search(r'<option value="([^"]*)" selected', select)
    return chosen.group(1) if chosen else ""


def _column(html: str, header: str) -> str:
    at = html.index(f">{header}</label>")
    return re.search(r'name="(col_\d+)"', html[at:]).group(1)


def test_upload_in_two_steps_with_a_corrected_mapping_remembered_for_the_next_file(world, login):
    officer = world["a"].users["data_officer"]
    client = login(officer)
    gbk = csv_bytes(ODD_HEADERS, PAYROLL_ROWS, "gbk")
    r = client.post(
        "/comparison/datasets/upload/",
        {"source": SOURCE, "department": "县财政局", "file": upload("供养人员.csv", gbk)},
    )
    html = r.content.decode()
    assert r.status_code == 200 and "确认数据集" in html
    assert "已按常用表头自动识别" in html
    assert "GBK/GB18030" in html and "CSV" in html
    assert "县农业农村局" in html  # the sample rows
    # numbered as Excel and the report number them: the header is row 1
    assert ">第 2 行</th>" in html and ">第 1 行</th>" not in html
    assert _select(html, "姓名") == "name" and _select(html, "公民身份证") == ""
    # Without an ID column the names alone are read: every ID counts as missing.
    assert '有效</td><td class="text-end">0<' in html
    assert Dataset.objects.count() == 0 and _stored(world["a"].authority) == []

    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    form = {
        "token": token,
        "source": SOURCE,
        "department": "县财政局",
        **{
            _column(html, h): k
            for h, k in zip(ODD_HEADERS, ["name", "", "unit", "start_date", "end_date"], strict=True)
        },
    }
    form[_column(html, "公民身份证")] = "id_number"
    r = client.post("/comparison/datasets/upload/confirm/", {**form, "recheck": "1"})
    html = r.content.decode()
    assert _select(html, "公民身份证") == "id_number"
    assert '有效</td><td class="text-end">2<' in html
    assert Dataset.objects.count() == 0

    r = client.post("/comparison/datasets/upload/confirm/", {**form, "confirm": "1"})
    first = Dataset.objects.get()
    assert r.status_code == 302 and r.url == f"/comparison/datasets/{first.pk}/"
    assert (first.version, first.rows, first.report["id_valid"]) == (1, 2, 2)
    assert first.source.mapping["公民身份证"] == "id_number"
    assert services.dataset_file(first).exists() and _pending() == []
    event = AuditEvent.objects.get(action="dataset.upload")
    assert event.actor == officer and event.detail["rows"] == 2

    page = client.get(f"/comparison/datasets/{first.pk}/").content.decode()
    assert "公民身份证 → 身份证号" in page and "第 1 版" in page and "100.0%" in page

    # The next file of the same source: the saved mapping is proposed, and it is version 2.
    r = client.post("/comparison/datasets/upload/", {"source": SOURCE, "file": upload("供养人员2.csv", gbk)})
    html = r.content.decode()
    assert _select(html, "公民身份证") == "id_number" and "已沿用该来源上次确认的对应关系" in html
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    form = {"token": token, "source": SOURCE}
    for header in ODD_HEADERS:
        form[_column(html, header)] = _select(html, header)
    client.post("/comparison/datasets/upload/confirm/", {**form, "confirm": "1"})
    second = Dataset.objects.exclude(pk=first.pk).get()
    assert (second.version, second.report["id_valid"]) == (2, 2)
    assert second.path != first.path and services.dataset_file(first).exists()
    listing = client.get("/comparison/datasets/").content.decode()
    assert f"{SOURCE}</a>" in listing and "第 1 版" in listing and "第 2 版" in listing


def test_the_confirm_page_refuses_a_field_given_two_columns_and_stores_nothing(world, login):
    client = login(world["a"].users["data_officer"])
    r = client.post("/comparison/datasets/upload/", {"source": SOURCE, "file": kind_upload("payroll")})
    html = r.content.decode()
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    form = {"token": token, "source": SOURCE}
    for header in PAYROLL_HEADERS:
        form[_column(html, header)] = _select(html, header)
    form[_column(html, "工作单位")] = "name"
    r = client.post("/comparison/datasets/upload/confirm/", {**form, "confirm": "1"})
    assert r.status_code == 200
    assert "列“姓名”和列“工作单位”都对应“姓名”" in r.content.decode()
    assert Dataset.objects.count() == 0 and Source.objects.count() == 0


@pytest.mark.parametrize(
    "name, data, reason",
    [
        ("坏编码.csv", "姓名,身份证号\r\n张伟,1\r\n".encode() + b"\xff\xfe\xfa,2\r\n", "编码"),
        ("假表格.xlsx", b"PK\x03\x04 not really a zip", ""),
        ("空.csv", b"", "空文件"),
    ],
)
def test_a_bad_file_is_refused_in_chinese_and_nothing_is_kept(world, login, name, data, reason):
    client = login(world["a"].users["data_officer"])
    r = client.post("/comparison/datasets/upload/", {"source": SOURCE, "file": upload(name, data)})
    html = r.content.decode()
    assert r.status_code == 200 and "上传并检查" in html  # back on the first step
    message = re.search(r'class="invalid-feedback"[^>]*>([^<]+)<', html).group(1)
    assert reason in message and re.search(r"[\u4e00-\u9fff]", message)
    assert Dataset.objects.count() == 0 and Source.objects.count() == 0
    assert _pending() == [] and _stored(world["a"].authority) == []


def test_a_ragged_row_is_named_on_the_confirm_page_and_cannot_be_stored(world, login):
    client = login(world["a"].users["data_officer"])
    data = "姓名,身份证号\r\n张伟,1\r\n李娜,2,多余\r\n".encode()
    html = client.post("/comparison/datasets/upload/", {"source": SOURCE, "file": upload("错行.csv", data)}).content
    html = html.decode()
    assert "第 3 行" in html or "第3行" in html
    assert "确认并保存" not in html
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    r = client.post("/comparison/datasets/upload/confirm/", {"token": token, "source": SOURCE, "confirm": "1"})
    assert r.status_code == 200 and "确认并保存" not in r.content.decode()
    assert Dataset.objects.count() == 0 and Source.objects.count() == 0 and _stored(world["a"].authority) == []


def test_a_file_over_the_cap_is_refused_before_it_is_read(world, settings):
    settings.XUNCHA = {**settings.XUNCHA, "DATASET_MAX_BYTES": 100}
    with pytest.raises(ValidationError) as e:
        services.dataset_create(
            actor=world["a"].users["data_officer"], source_name=SOURCE, upload=kind_upload("welfare")
        )
    assert e.value.error_dict["file"][0].code == "file_rejected"
    assert "超过" in e.value.message_dict["file"][0]
    assert Dataset.objects.count() == 0 and _pending() == []


def _api_upload(client, **extra):
    return client.post(
        "/api/v1/datasets", {"source": SOURCE, "file": kind_upload("payroll"), **extra}, format="multipart"
    )


def test_api_upload_answers_the_dataset_and_its_report(world):
    client = token_client(world["a"].users["data_officer"])
    r = _api_upload(client, check_only="true")
    assert r.status_code == 200, r.content
    assert r.json()["rows"] == 2 and r.json()["id_valid"] == 2 and r.json()["mapping"]["身份证号"] == "id_number"
    assert Dataset.objects.count() == 0

    r = _api_upload(client)
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["dataset"]["source"] == SOURCE and body["dataset"]["version"] == 1
    assert body["dataset"]["id_quality"] == {"rows": 2, "usable": 2, "unusable": 0, "percent": 100.0}
    assert body["report"]["id_valid"] == 2

    mapping = json.dumps({"姓名": "name", "身份证号": "id_number", "工作单位": "name"}, ensure_ascii=False)
    r = _api_upload(client, mapping=mapping)
    assert r.status_code == 422 and r.json()["code"] == "duplicate"
    r = client.post(
        "/api/v1/datasets", {"source": SOURCE, "file": upload("错行.csv", "姓名\r\n张\r\n李,多\r\n".encode())}
    )
    assert r.status_code == 422 and r.json()["code"] == "file_rejected"
    assert "第" in r.json()["errors"]["file"][0]
    assert Dataset.objects.count() == 1


def test_api_upload_four_cases(world):
    assert _api_upload(Client()).status_code == 401
    assert _api_upload(token_client(world["a"].users["nobody"])).status_code == 403
    assert _api_upload(token_client(world["a"].users["data_officer"])).status_code == 201
    # County B's officer stores into county B, never into A.
    assert _api_upload(token_client(world["b"].users["data_officer"])).status_code == 201
    assert Dataset.objects.filter(authority=world["b"].authority).count() == 1
    assert Dataset.objects.filter(authority=world["a"].authority).count() == 1


def test_no_other_role_reads_datasets(world, login):
    welfare = dataset(world, "a", "welfare")
    for role in ("office", "office_head", "leading_group", "sysadmin", "secadmin", "auditor", "team_leader"):
        user = world["a"].users[role]
        client = login(user)
        listed = client.get("/comparison/datasets/")  # a page of another role: 403 naming it
        assert listed.status_code == 403 and "此类页面供数据比对员使用。" in listed.content.decode(), role
        assert client.get(f"/comparison/datasets/{welfare.pk}/").status_code == 404, role
        assert client.get(f"/comparison/datasets/{welfare.pk}/rows/").status_code == 404, role
        assert token_client(user).get("/api/v1/datasets").json()["count"] == 0, role
        assert "数据比对" not in client.get("/").content.decode(), role


def test_the_sample_is_audited_each_time_it_is_read(world, login):
    welfare = dataset(world, "a", "welfare")
    client = login(world["a"].users["data_officer"])
    page = client.get(f"/comparison/datasets/{welfare.pk}/").content.decode()
    assert "记入审计" in page and not AuditEvent.objects.filter(action="dataset.read").exists()
    rows = client.get(f"/comparison/datasets/{welfare.pk}/rows/").content.decode()
    assert ZHANG in rows and WANG in rows and "有效" in rows
    client.get(f"/comparison/datasets/{welfare.pk}/rows/")
    events = AuditEvent.objects.filter(action="dataset.read", object_id=str(welfare.pk))
    assert events.count() == 2 and events.first().actor == world["a"].users["data_officer"]


def test_the_data_officer_role_is_assigned_like_an_authority_role_and_not_to_the_three_administrators(world):
    secadmin = world["a"].users["secadmin"]
    member = world["a"].users["team_member"]
    ra = role_assign(actor=secadmin, user=member, role="data_officer", authority=world["a"].authority, scope_id=7)
    assert ra.scope_id is None  # held on the whole authority
    with pytest.raises(ValidationError) as e:
        role_assign(
            actor=secadmin, user=world["a"].users["auditor"], role="data_officer", authority=world["a"].authority
        )
    assert e.value.error_dict["role"][0].code == "separation_of_duties"


def test_menu_shows_the_group_to_the_data_officer(world, login):
    html = login(world["a"].users["data_officer"]).get("/comparison/datasets/").content.decode()
    assert "数据比对" in html and 'href="/comparison/runs/"' in html and "尚无数据集" in html


def test_the_confirm_page_asks_for_the_source_before_storing(world, login):
    client = login(world["a"].users["data_officer"])
    html = client.post("/comparison/datasets/upload/", {"source": SOURCE, "file": kind_upload("payroll")}).content
    token = re.search(r'name="token" value="([^"]+)"', html.decode()).group(1)
    r = client.post("/comparison/datasets/upload/confirm/", {"token": token, "source": " ", "confirm": "1"})
    page = r.content.decode()
    assert r.status_code == 200 and "请先更正上面标出的问题" in page and "确认并保存" not in page
    assert Dataset.objects.count() == 0
    r = client.post("/comparison/datasets/upload/confirm/", {"token": "f" * 32 + ".csv", "source": SOURCE})
    assert r.status_code == 302 and r.url == "/comparison/datasets/upload/"


def test_the_security_administrator_grants_the_role_on_the_accounts_page(world, login):
    member = world["a"].users["team_member"]
    client = login(world["a"].users["secadmin"])
    form = client.get(f"/accounts/{member.pk}/role-form/?role=data_officer").content.decode()
    assert "数据比对员" in form and 'name="scope_id"' not in form
    r = client.post(f"/accounts/{member.pk}/", {"role": "data_officer", "authority": world["a"].authority.pk})
    assert r.status_code == 302
    assert member.role_assignments.filter(role="data_officer", scope_id=None).exists()
    assert login(member).get("/comparison/datasets/").status_code == 200
