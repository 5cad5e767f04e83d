"""The registry import: every row checked first, nothing partial, update by code."""

import io
import zipfile

import pytest
from openpyxl import load_workbook

from core.models import AuditEvent
from registry.importing import COLUMNS, organizations_import
from registry.models import Organization
from registry.tests.factories import organizations_xlsx


def run(world, data, county="a"):
    c = world[county]
    return organizations_import(actor=c.users["office"], authority=c.authority, data=data)


GOOD = [
    ["T02", "石门镇", "乡镇(街道)", "", "正常", "2021-01-01", "", "", ""],
    ["T02-V01", "石门镇下湾村", "村(社区)", "T02", "", "", "", "", "新设"],
    ["T02-V02", "石门镇红旗村", "村(社区)", "T02", "已合并", "2023-05-01", "2024-06-01", "T02-V01", ""],
    ["D002", "县粮食局", "县直部门", "", "已撤销", "", "2023年12月31日", "", ""],
]


def _snapshot():
    return sorted(Organization.objects.values_list("authority_id", "code", "name", "parent__code", "status"))


def test_good_file_creates_all_rows_with_tree_and_history(world):
    result = run(world, organizations_xlsx(GOOD))
    assert result.ok and (result.created, result.updated, result.unchanged) == (4, 0, 0)
    village = Organization.objects.get(code="T02-V02", authority=world["a"].authority)
    assert village.parent.code == "T02"
    assert village.status == "merged" and village.merged_into.code == "T02-V01"
    assert str(village.ended_on) == "2024-06-01"
    assert str(Organization.objects.get(code="D002", authority=world["a"].authority).ended_on) == "2023-12-31"
    assert AuditEvent.objects.filter(action="organization.import", detail__created=4).exists()


def test_same_file_twice_changes_nothing(world):
    run(world, organizations_xlsx(GOOD))
    before = _snapshot()
    events = AuditEvent.objects.count()
    again = run(world, organizations_xlsx(GOOD))
    assert again.ok and (again.created, again.updated, again.unchanged) == (0, 0, 4)
    assert _snapshot() == before
    assert AuditEvent.objects.count() == events + 1  # the import itself is recorded


def test_edited_file_updates_by_code(world):
    run(world, organizations_xlsx(GOOD))
    edited = [list(r) for r in GOOD]
    edited[1][1] = "石门镇下湾社区"
    edited[0][3] = ""
    result = run(world, organizations_xlsx(edited))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 3)
    assert Organization.objects.get(code="T02-V01", authority=world["a"].authority).name == "石门镇下湾社区"


def test_rows_may_point_at_organisations_already_in_the_registry(world):
    result = run(world, organizations_xlsx([["T01-V02", "新村", "村(社区)", "T01", "", "", "", "", ""]]))
    assert result.ok
    assert Organization.objects.get(code="T01-V02").parent == world["a"].orgs["town"]


def test_codes_are_per_authority(world):
    """County B may use the same codes as county A: each updates its own."""
    run(world, organizations_xlsx(GOOD))
    result = run(world, organizations_xlsx(GOOD), county="b")
    assert result.created == 4
    assert Organization.objects.filter(code="T02").count() == 2


def _errors(result):
    return [(e.row, e.column, e.message) for e in result.errors]


@pytest.mark.parametrize(
    "rows, header, expected",
    [
        ([["X1", "甲", "县直部门"]], ["编码", "名称", "类别"], (1, "单位编码", "缺少必填列")),
        ([["X1", "甲", "县直部门", "多余"]], COLUMNS[:3] + ["负责人"], (1, "负责人", "无法识别的列")),
        ([["X1", "甲", "县直部门"], ["X1", "乙", "县直部门"]], COLUMNS, (3, "单位编码", "与第 2 行重复")),
        ([["X1", "甲", "县直部门", "NOPE"]], COLUMNS, (2, "上级单位编码", "“NOPE”在本表和系统中都不存在")),
        ([["X1", "甲", "外星部门"]], COLUMNS, (2, "单位类别", "不在类别列表中")),
        ([["", "甲", "县直部门"]], COLUMNS, (2, "单位编码", "不能为空")),
        ([["X1", "", "县直部门"]], COLUMNS, (2, "单位名称", "不能为空")),
        ([["X 1", "甲", "县直部门"]], COLUMNS, (2, "单位编码", "只能由字母")),
        ([["X1", "甲", "县直部门", "", "暂停"]], COLUMNS, (2, "状态", "状态“暂停”无效")),
        ([["X1", "甲", "县直部门", "", "已撤销"]], COLUMNS, (2, "撤销或并入日期", "须填写撤销或并入日期")),
        ([["X1", "甲", "县直部门", "", "已合并", "", "2024-01-01"]], COLUMNS, (2, "并入单位编码", "须填写并入单位")),
        ([["X1", "甲", "县直部门", "", "", "2024-13-01"]], COLUMNS, (2, "成立日期", "不是有效日期")),
        ([["X1", "甲", "县直部门", "", "", "", "2024-01-01"]], COLUMNS, (2, "撤销或并入日期", "不应填写")),
        ([["X1", "甲", "县直部门", "X1"]], COLUMNS, (2, "上级单位编码", "不能引用单位自身")),
        (
            [["X1", "甲", "县直部门", "X2"], ["X2", "乙", "县直部门", "X3"], ["X3", "丙", "县直部门", "X1"]],
            COLUMNS,
            (2, "上级单位编码", "上级关系形成循环：X1 → X2 → X3 → X1"),
        ),
        ([], COLUMNS, (2, "", "没有数据行")),
    ],
    ids=[
        "wrong-columns",
        "unknown-column",
        "duplicate-code",
        "missing-parent",
        "unknown-kind",
        "empty-code",
        "empty-name",
        "bad-code",
        "bad-status",
        "dissolved-without-date",
        "merged-without-target",
        "bad-date",
        "active-with-end",
        "self-parent",
        "cycle",
        "no-rows",
    ],
)
def test_broken_rows_are_reported_and_nothing_is_written(world, rows, header, expected):
    padded = [list(r) + [""] * (len(header) - len(r)) for r in rows]
    # A good row beside the bad ones must not be written either.
    good = [["OK1", "好单位", "县直部门"] + [""] * 6] if rows and header == COLUMNS else []
    before = _snapshot()
    result = run(world, organizations_xlsx(padded + good, header=header))
    assert not result.ok
    row, column, text = expected
    assert any(r == row and c == column and text in m for r, c, m in _errors(result)), _errors(result)
    assert _snapshot() == before


def test_cycle_through_the_existing_registry_is_caught(world):
    """Making the township a child of its own village closes a loop with the database."""
    result = run(world, organizations_xlsx([["T01", "甲县青禾镇", "乡镇(街道)", "T01-V01"]]))
    assert any("形成循环" in m for _, _, m in _errors(result))


def test_all_problems_are_listed_at_once(world):
    rows = [["", "甲", "县直部门"], ["X2", "", "外星部门"], ["X3", "丙", "县直部门", "NOPE"]]
    result = run(world, organizations_xlsx([r + [""] * (9 - len(r)) for r in rows]))
    assert {(r, c) for r, c, _ in _errors(result)} >= {
        (2, "单位编码"),
        (3, "单位名称"),
        (3, "单位类别"),
        (4, "上级单位编码"),
    }


def test_not_a_spreadsheet(world):
    result = run(world, "这不是表格".encode())
    assert _errors(result) == [(0, "", "文件不是有效的 Excel 工作簿（.xlsx）。请用模板填写后上传。")]


def test_a_zip_that_is_not_a_workbook(world):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("readme.txt", "hello")
    assert "不是有效的 Excel" in run(world, buf.getvalue()).errors[0].message


def test_zip_bomb_is_refused_before_parsing(world):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"0" * (200 * 1024 * 1024))
    assert len(buf.getvalue()) < 1024 * 1024
    before = _snapshot()
    result = run(world, buf.getvalue())
    assert "压缩炸弹" in result.errors[0].message
    assert _snapshot() == before


def test_a_corrupt_workbook(world):
    data = bytearray(organizations_xlsx(GOOD))
    data[len(data) // 2 : len(data) // 2 + 200] = b"\0" * 200
    result = run(world, bytes(data))
    assert not result.ok and result.errors[0].row == 0


def test_template_round_trip(world, login):
    """The downloaded template, filled in, imports; the export imports back unchanged."""
    client = login(world["a"].users["office"])
    template = load_workbook(io.BytesIO(client.get("/registry/template.xlsx").content))
    assert [c.value for c in template.active[1]] == COLUMNS
    assert "填写说明" in template.sheetnames
    template.active.append(["D100", "县新设局", "县直部门"])
    buf = io.BytesIO()
    template.save(buf)
    assert run(world, buf.getvalue()).created == 1
    exported = client.get("/registry/export.xlsx").content
    again = run(world, exported)
    assert again.ok and again.created == 0 and again.updated == 0
    assert AuditEvent.objects.filter(action="organization.export", actor=world["a"].users["office"]).exists()


def test_export_cells_that_look_like_formulas_stay_text(world, login):
    from registry.organizations import organization_update

    a = world["a"]
    organization_update(actor=a.users["office"], organization=a.orgs["dept"], note='=HYPERLINK("x")')
    sheet = load_workbook(io.BytesIO(login(a.users["office"]).get("/registry/export.xlsx").content)).active
    cells = [row[8] for row in sheet.iter_rows(min_row=2)]
    formula = next(c for c in cells if c.value == '=HYPERLINK("x")')
    assert formula.data_type == "s" and formula.quotePrefix


def test_import_page_checks_then_confirms(world, login):
    client = login(world["a"].users["office"])
    page = client.post("/registry/import/", {"file": _upload(organizations_xlsx(GOOD))})
    text = page.content.decode()
    assert "检查通过" in text and "将新增 <strong>4</strong> 个" in text
    assert not Organization.objects.filter(code="T02").exists()  # nothing before confirming
    token = page.context["token"]
    done = client.post("/registry/import/", {"confirm": "1", "token": token})
    assert done.status_code == 302
    assert Organization.objects.filter(code="T02", authority=world["a"].authority).exists()
    assert "导入完成：新增 4 个" in client.get("/registry/").content.decode()


def test_the_checked_file_is_erased_once_imported(world, login, settings):
    """The file waiting for confirmation holds the registry's names: once imported it is
    overwritten, not only unlinked (a second name for it reads zeros)."""
    import os

    client = login(world["a"].users["office"])
    data = organizations_xlsx(GOOD)
    token = client.post("/registry/import/", {"file": _upload(data)}).context["token"]
    pending = settings.DATA_DIR / "tmp" / f"import-{token}.xlsx"
    witness = settings.DATA_DIR / "witness.xlsx"
    os.link(pending, witness)
    assert client.post("/registry/import/", {"confirm": "1", "token": token}).status_code == 302
    assert not pending.exists() and witness.read_bytes() == bytes(len(data))


def test_import_page_lists_row_errors(world, login):
    client = login(world["a"].users["office"])
    bad = organizations_xlsx([["X1", "甲", "县直部门"] + [""] * 6, ["X1", "乙", "县直部门"] + [""] * 6])
    text = client.post("/registry/import/", {"file": _upload(bad)}).content.decode()
    assert "文件未导入" in text and "第 3 行" in text and "与第 2 行重复" in text


def test_api_import_answers_errors_or_counts(world):
    from conftest import token_client

    c = token_client(world["a"].users["office"])
    bad = c.post("/api/v1/organizations/import", {"file": _upload(organizations_xlsx([["X1", "甲", "无此类"]]))})
    assert bad.status_code == 422
    error = bad.json()["errors"][0]
    assert (error["row"], error["column"]) == (2, "单位类别") and "“无此类”不在类别列表中" in error["message"]
    good = c.post("/api/v1/organizations/import", {"file": _upload(organizations_xlsx(GOOD))})
    assert good.status_code == 200 and good.json()["created"] == 4


def _upload(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(
        "名册.xlsx", data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


def test_each_organisation_an_import_writes_has_its_own_audit_event(world):
    run(world, organizations_xlsx(GOOD))
    created = AuditEvent.objects.filter(action="organization.create", detail__via="import")
    assert sorted(created.values_list("object_repr", flat=True)) == sorted(r[1] for r in GOOD)
    edited = [list(r) for r in GOOD]
    edited[1][1] = "石门镇下湾社区"
    run(world, organizations_xlsx(edited))
    update = AuditEvent.objects.get(action="organization.update", detail__via="import")
    assert update.object_repr == "石门镇下湾社区"
    assert update.detail["changes"] == {"name": ["石门镇下湾村", "石门镇下湾社区"]}


def test_oversized_upload_is_refused_before_reading(world, login, settings):
    settings.XUNCHA = {**settings.XUNCHA, "IMPORT_MAX_BYTES": 1000}
    client = login(world["a"].users["office"])
    text = client.post("/registry/import/", {"file": _upload(organizations_xlsx(GOOD))}).content.decode()
    assert "文件过大" in text
    assert not Organization.objects.filter(code="T02").exists()
