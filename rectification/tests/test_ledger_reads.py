"""The ledger import says what it reads: the columns it ignores, the cells of those that no
longer agree with the platform, formulas as formulas, and an export older than a task's
latest progress refused row by row instead of overwriting it. Real .xlsx files through the
service, the page and the API; the export's drop-down list refuses other values and its
short columns fit their longest value."""

import io

import pytest
from openpyxl import load_workbook

from conftest import token_client
from rectification import tasks as task_services
from rectification.ledger import VERSION_SHEET, ledger_import
from rectification.models import ProgressReport, RectificationTask
from rectification.tests.factories import plan
from rectification.tests.test_ledger import download, edit, sheet, tasks_of, upload, with_evidence

pytestmark = pytest.mark.django_db


def _errors(result):
    return {(e.row, e.column): e.message for e in result.errors}


def _warnings(result):
    return {(e.row, e.column): e.message for e in result.warnings}


def test_ignored_columns_and_changed_cells_of_them_are_reported(world, login):
    p = plan(world)
    first, second = tasks_of(p)
    unit = login(world["a"].users["unit_liaison"])
    data = edit(
        download(unit, p),
        {
            first.pk: {"整改进展": "已修订接待办法。", "完成时限": "2099-12-31", "整改措施": "改成别的措施"},
            second.pk: {"责任部门": "综合科"},
        },
    )
    ws = load_workbook(io.BytesIO(data)).worksheets[0]
    ws.cell(row=2, column=13, value="备注")  # a column of the user's own
    buf = io.BytesIO()
    ws.parent.save(buf)
    preview = upload(unit, p, buf.getvalue())
    result = preview.context["result"]
    assert result.ok and len(result.changes) == 1
    assert result.ignored_columns == [
        "序号",
        "问题",
        "整改措施",
        "整改阶段",
        "完成时限",
        "责任领导",
        "责任部门",
        "状态",
        "销号日期",
        "备注",
    ]
    warnings = _warnings(result)
    assert set(warnings) == {(3, "完成时限"), (3, "整改措施"), (4, "责任部门")}
    assert "填写为“2099-12-31”" in warnings[(3, "完成时限")] and "不会修改“完成时限”" in warnings[(3, "完成时限")]
    assert "填写为“综合科”，与平台上的“办公室”不同" in warnings[(4, "责任部门")]
    page = preview.content.decode()
    assert (
        "以下列不会导入（以平台为准）：序号、问题、整改措施、整改阶段、完成时限、责任领导、责任部门、状态、销号日期、备注"
        in page
    )
    assert "第 3 行" in page and "不会修改“整改措施”" in page and "本台账导出于" in page
    # Confirmed: the progress is taken, the platform's columns are not.
    token = preview.context["token"]
    assert unit.post(f"/rectification/plans/{p.pk}/ledger/import/", {"confirm": "1", "token": token}).status_code == 302
    first.refresh_from_db()
    assert first.progress == "已修订接待办法。" and first.measure != "改成别的措施" and first.deadline.year != 2099


def test_an_old_export_does_not_overwrite_newer_progress(world, login):
    p = plan(world)
    first, second = tasks_of(p)
    with_evidence(world, first, text="旧进展：已起草制度。")
    unit = login(world["a"].users["unit_liaison"])
    old = download(unit, p)
    # After the export, newer progress is reported on the task page.
    task_services.task_progress(actor=world["a"].users["unit_liaison"], task=first, text="新进展：制度已印发。")
    reports = ProgressReport.objects.count()

    # The old file's own edit of that task: refused, the conflict named on its row.
    r = upload(unit, p, edit(old, {first.pk: {"整改进展": "旧文件里改写的进展。"}, second.pk: {"整改进展": "好的"}}))
    result = r.context["result"]
    assert not result.ok and list(_errors(result)) == [(3, "整改进展")]
    message = _errors(result)[(3, "整改进展")]
    assert (
        message.startswith("冲突：本台账导出于")
        and "新进展：制度已印发。" in message
        and "请重新导出整改台账" in message
    )
    page = r.content.decode()
    assert "文件未导入" in page and "冲突" in page and 'name="confirm"' not in page
    assert ProgressReport.objects.count() == reports

    # The row left as exported: the newer progress stays; the other row is taken.
    r = upload(unit, p, edit(old, {second.pk: {"整改进展": "已制定议事规则。"}}))
    result = r.context["result"]
    assert result.ok and [c.task.pk for c in result.changes] == [second.pk]
    assert "保留平台上的新进展" in _warnings(result)[(3, "整改进展")]
    unit.post(f"/rectification/plans/{p.pk}/ledger/import/", {"confirm": "1", "token": r.context["token"]})
    first.refresh_from_db()
    assert first.progress == "新进展：制度已印发。"
    assert RectificationTask.objects.get(pk=second.pk).progress == "已制定议事规则。"

    # The API refuses the same conflict with 422 and the row's message.
    api = token_client(world["a"].users["unit_liaison"])
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = edit(old, {first.pk: {"整改进展": "旧文件里改写的进展。"}})
    r = api.post(f"/api/v1/rectification-plans/{p.pk}/ledger", {"file": SimpleUploadedFile("台账.xlsx", bad)})
    assert r.status_code == 422 and "冲突" in r.json()["errors"]["rows"][0]


def test_the_export_carries_its_version_in_a_hidden_sheet(world, login):
    p = plan(world)
    first, second = tasks_of(p)
    report = with_evidence(world, first)
    wb = load_workbook(io.BytesIO(download(login(world["a"].users["office"]), p)))
    version = wb[VERSION_SHEET]
    assert version.sheet_state == "hidden" and wb.worksheets[0].title == "整改台账"
    assert version["A1"].value == "导出时间" and version["B1"].value
    assert {r[0]: r[1] for r in version.iter_rows(min_row=3, values_only=True)} == {first.pk: report.pk, second.pk: 0}


def test_a_file_without_a_version_is_taken_with_a_warning(world, login):
    p = plan(world)
    first, _ = tasks_of(p)
    unit = login(world["a"].users["unit_liaison"])
    wb = load_workbook(io.BytesIO(edit(download(unit, p), {first.pk: {"整改进展": "进展。"}})))
    del wb[VERSION_SHEET]
    buf = io.BytesIO()
    wb.save(buf)
    result = ledger_import(actor=world["a"].users["unit_liaison"], plan=p, data=buf.getvalue(), dry_run=True)
    assert result.ok and len(result.changes) == 1
    assert "没有导出版本" in result.warnings[0].message and result.warnings[0].row == 0


def test_formulas_are_reported_as_formulas(world, login):
    p = plan(world)
    first, second = tasks_of(p)
    unit = login(world["a"].users["unit_liaison"])
    data = edit(
        download(unit, p),
        {first.pk: {"整改进展": '=CONCAT("已","整改")'}, second.pk: {"整改措施": "=C3", "整改进展": "已整改。"}},
    )
    r = upload(unit, p, data)
    result = r.context["result"]
    assert _errors(result) == {
        (3, "整改进展"): '单元格含公式“=CONCAT("已","整改")”，导入不读取公式的结果。'
        "请复制该列后“选择性粘贴—数值”（粘贴为数值），再上传。"
    }
    assert "单元格含公式“=C3”" in _warnings(result)[(4, "整改措施")]
    assert "粘贴为数值" in r.content.decode()
    assert RectificationTask.objects.get(pk=first.pk).progress == ""


def test_the_export_enforces_its_list_and_fits_long_values(world, login):
    p = plan(world)
    first, _ = tasks_of(p)
    office_name = "县住房和城乡建设局村镇建设与人居环境整治股"
    RectificationTask.objects.filter(pk=first.pk).update(responsible_office=office_name)
    ws = sheet(download(login(world["a"].users["office"]), p))
    (dv,) = ws.data_validations.dataValidation
    assert dv.showErrorMessage and dv.errorStyle == "stop" and dv.errorTitle == "输入有误"
    assert "只能填写“是”或“否”" in dv.error and str(dv.sqref) == "I3:I4"
    assert ws.column_dimensions["G"].width >= 2 * len(office_name)  # 责任部门


def test_the_api_lists_ignored_columns_and_warnings(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    p = plan(world)
    first, _ = tasks_of(p)
    api = token_client(world["a"].users["unit_liaison"])
    exported = api.get(f"/api/v1/rectification-plans/{p.pk}/ledger.xlsx").content
    data = edit(exported, {first.pk: {"整改进展": "已整改。", "责任领导": "张副局长"}})
    r = api.post(
        f"/api/v1/rectification-plans/{p.pk}/ledger?dry_run=true", {"file": SimpleUploadedFile("台账.xlsx", data)}
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["updated"] == 1 and "问题" in body["ignored_columns"] and "整改进展" not in body["ignored_columns"]
    (warning,) = body["warnings"]
    assert (warning["row"], warning["column"]) == (3, "责任领导") and "张副局长" in warning["message"]
