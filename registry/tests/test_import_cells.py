"""What Excel does to a cell, caught by the registry import: a code stored as a number (its
last digits or leading zeros already gone), a formula instead of a value. Real .xlsx files,
read back through the service, the page and the API; the template and the export keep codes
as text, enforce their drop-down lists and fit the longest organisation name."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from conftest import token_client
from registry.importing import COLUMNS, organizations_import
from registry.models import Organization
from registry.tests.factories import organizations_xlsx

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LONG = 913607001234567890  # Excel keeps 15 digits: it stores 913607001234567936


def _row(*cells):
    return list(cells) + [None] * (len(COLUMNS) - len(cells))


def _snapshot():
    return sorted(Organization.objects.values_list("authority_id", "code", "name", "parent__code"))


def _errors(result):
    return {(e.row, e.column): e.message for e in result.errors}


def _upload(data):
    return SimpleUploadedFile("名册.xlsx", data, content_type=XLSX)


def test_a_long_code_stored_as_a_number_is_refused_and_nothing_is_written(world):
    a = world["a"]
    before = _snapshot()
    data = organizations_xlsx(
        [
            _row("OK1", "好单位", "县直部门"),
            _row(LONG, "县新设局", "县直部门"),
            _row("T02", "石门镇", "乡镇(街道)", 9.13607e17),
        ]
    )
    result = organizations_import(actor=a.users["office"], authority=a.authority, data=data)
    errors = _errors(result)
    assert set(errors) == {(3, "单位编码"), (4, "上级单位编码")}, errors
    message = errors[(3, "单位编码")]
    assert "Excel 把它存成了数字" in message and "913607001234567936" in message
    assert "末几位已经丢失" in message and "设为“文本”" in message and "重新输入或粘贴原始编码" in message
    assert "913607000000000000" in errors[(4, "上级单位编码")]
    assert _snapshot() == before
    assert not Organization.objects.filter(code__startswith="9136").exists()


def test_scientific_notation_text_and_short_numbers_are_refused_too(world):
    a = world["a"]
    data = organizations_xlsx([_row("9.13607E+17", "甲", "县直部门"), _row(123, "乙", "县直部门")])
    errors = _errors(organizations_import(actor=a.users["office"], authority=a.authority, data=data))
    assert "科学计数法" in errors[(2, "单位编码")] and "末几位已经丢失" in errors[(2, "单位编码")]
    assert "开头的 0" in errors[(3, "单位编码")]
    # Reported once: not again as "只能由字母…" or as an empty code.
    assert (
        len(errors) == 2
        and len(organizations_import(actor=a.users["office"], authority=a.authority, data=data).errors) == 2
    )


def test_codes_typed_as_text_keep_their_zeros(world):
    a = world["a"]
    data = organizations_xlsx([_row("000123", "甲", "县直部门"), _row("913607001234567890", "乙", "县直部门")])
    result = organizations_import(actor=a.users["office"], authority=a.authority, data=data)
    assert result.ok, result.errors
    codes = set(Organization.objects.filter(authority=a.authority).values_list("code", flat=True))
    assert {"000123", "913607001234567890"} <= codes


def test_a_formula_is_reported_as_a_formula_not_read_as_blank(world):
    a = world["a"]
    data = organizations_xlsx([_row("X1", '=CONCAT("县","财政局")', "县直部门"), _row("=A2", "乙", "县直部门")])
    errors = _errors(organizations_import(actor=a.users["office"], authority=a.authority, data=data))
    assert set(errors) == {(2, "单位名称"), (3, "单位编码")}, errors
    assert '单元格含公式“=CONCAT("县","财政局")”' in errors[(2, "单位名称")]
    assert "粘贴为数值" in errors[(2, "单位名称")] and "不能为空" not in errors[(2, "单位名称")]


def test_the_page_and_the_api_say_the_same(world, login):
    office = world["a"].users["office"]
    data = organizations_xlsx([_row(LONG, "县新设局", "县直部门"), _row("X2", "=1+1", "县直部门")])
    page = login(office).post("/registry/import/", {"file": _upload(data)}).content.decode()
    assert "文件未导入" in page and "第 2 行" in page and "Excel 把它存成了数字" in page
    assert "单元格含公式" in page and 'name="confirm"' not in page
    r = token_client(office).post("/api/v1/organizations/import", {"file": _upload(data)})
    assert r.status_code == 422
    got = {(e["row"], e["column"]): e["message"] for e in r.json()["errors"]}
    assert "913607001234567936" in got[(2, "单位编码")] and "粘贴为数值" in got[(3, "单位名称")]
    assert not Organization.objects.filter(name="县新设局").exists()


def test_the_template_formats_codes_as_text_and_enforces_its_lists(world, login):
    from registry.organizations import organization_update

    a = world["a"]
    longest = "中共青禾县财政局机关委员会下属国库集中支付中心党支部"
    organization_update(actor=a.users["office"], organization=a.orgs["dept"], name=longest)
    wb = load_workbook(io.BytesIO(login(a.users["office"]).get("/registry/template.xlsx").content))
    ws = wb.worksheets[0]
    for letter in ("A", "D", "H"):  # 单位编码, 上级单位编码, 并入单位编码
        assert ws.column_dimensions[letter].number_format == "@"
        assert ws[f"{letter}2"].number_format == "@"
    assert ws["B2"].number_format == "General"
    assert ws.column_dimensions["B"].width >= 2 * len(longest)
    validations = ws.data_validations.dataValidation
    assert {str(v.sqref) for v in validations} == {"C2:C5000", "E2:E5000"}
    for v in validations:
        assert v.showErrorMessage and v.errorStyle == "stop"
        assert v.errorTitle == "输入有误" and "只能从下拉列表中选择" in v.error
    # A code typed as text in the template's first row keeps its zeros through the import.
    ws["A2"], ws["B2"], ws["C2"] = "000123", "县新设局", "县直部门"
    buf = io.BytesIO()
    wb.save(buf)
    assert organizations_import(actor=a.users["office"], authority=a.authority, data=buf.getvalue()).ok
    assert Organization.objects.get(authority=a.authority, name="县新设局").code == "000123"


def test_the_export_writes_codes_as_text_cells(world, login):
    a = world["a"]
    organizations_import(
        actor=a.users["office"],
        authority=a.authority,
        data=organizations_xlsx(
            [_row("913607001234567890", "县新设局", "县直部门", "00042"), _row("00042", "乙", "县直部门")]
        ),
    )
    ws = load_workbook(io.BytesIO(login(a.users["office"]).get("/registry/export.xlsx").content)).worksheets[0]
    row = next(r for r in ws.iter_rows(min_row=2) if r[1].value == "县新设局")
    assert (row[0].value, row[0].data_type, row[0].number_format) == ("913607001234567890", "s", "@")
    assert (row[3].value, row[3].data_type) == ("00042", "s")
    assert ws.column_dimensions["A"].width >= len("913607001234567890")
