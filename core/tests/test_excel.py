"""core.excel: what Excel does to a cell, caught for every import (a formula read as a
formula; a code stored as a number refused with how to fix the column), and what every
template gets (drop-down lists that refuse other values, widths that fit, code columns as
text). Real .xlsx files written and read back with openpyxl."""

import io

from openpyxl import Workbook, load_workbook

from core.excel import Formula, code_text, fit_width, read_rows, write_workbook


def _xlsx(*rows) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_a_formula_reads_as_a_formula_and_text_that_looks_like_one_stays_text():
    data = write_workbook(title="t", headers=["甲", "乙"], rows=[["=1+1", "x"]])
    wb = load_workbook(io.BytesIO(data))
    wb.active["B2"] = "=SUM(1,2)"
    buf = io.BytesIO()
    wb.save(buf)
    rows = read_rows(buf.getvalue())
    assert rows[1] == ("=1+1", "=SUM(1,2)")
    assert not isinstance(rows[1][0], Formula)  # written as text by safe_cell
    assert isinstance(rows[1][1], Formula)


def test_code_cells_stored_as_numbers_are_refused_with_the_fix():
    (value,) = read_rows(_xlsx([913607001234567890]))[0]
    text, problem = code_text(value)
    assert text == "913607001234567936"
    assert "Excel 把它存成了数字（读到的是 913607001234567936）" in problem and "末几位已经丢失" in problem
    assert "单元格格式设为“文本”" in problem
    assert "开头的 0" in code_text(123)[1]
    assert "科学计数法" in code_text(" 9.13607E+17 ")[1]
    assert code_text("000123") == ("000123", "")
    assert code_text("913607001234567890") == ("913607001234567890", "")
    assert code_text(None) == ("", "")


def test_templates_enforce_lists_fit_widths_and_keep_codes_as_text():
    data = write_workbook(
        title="名册",
        headers=["编码", "名称", "类别"],
        rows=[["001", "中共青禾县财政局机关委员会国库支付中心党支部", "县直部门"]],
        choices={"类别": ["县直部门", "乡镇(街道)"]},
        text_columns=["编码"],
    )
    wb = load_workbook(io.BytesIO(data))
    ws = wb.worksheets[0]
    (dv,) = ws.data_validations.dataValidation
    assert dv.showErrorMessage and dv.errorStyle == "stop" and dv.errorTitle == "输入有误"
    assert dv.error == "“类别”只能从下拉列表中选择：县直部门、乡镇(街道)"
    assert ws.column_dimensions["B"].width >= 2 * len("中共青禾县财政局机关委员会国库支付中心党支部")
    assert (ws["A2"].value, ws["A2"].data_type, ws["A2"].number_format) == ("001", "s", "@")
    assert ws.column_dimensions["A"].number_format == "@" and ws["A3"].number_format == "@"
    assert fit_width(["ab"], minimum=1) == 4 and fit_width(["财政局"], minimum=1) == 8
