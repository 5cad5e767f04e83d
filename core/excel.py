"""Excel in and out, safely.

Reading refuses anything that is not a modest .xlsx before openpyxl parses
it (zip bombs, other zips, renamed files); writing keeps text that looks like
a formula as text, so an exported ledger cannot run anything when opened.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Sequence

from django.conf import settings
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class SpreadsheetRejected(Exception):
    """The file as a whole cannot be read; the message is for the user, in Chinese."""


def read_rows(data: bytes) -> list[tuple]:
    """The first sheet's rows as tuples of cell values.

    Raises ``SpreadsheetRejected`` for files too large, not .xlsx, zip bombs,
    or more rows than the import limit.
    """
    cfg = settings.XUNCHA
    if len(data) > cfg["IMPORT_MAX_BYTES"]:
        raise SpreadsheetRejected(f"文件过大：不能超过 {cfg['IMPORT_MAX_BYTES'] // (1024 * 1024)} MB。")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise SpreadsheetRejected("文件不是有效的 Excel 工作簿（.xlsx）。请用模板填写后上传。")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
            total = sum(i.file_size for i in infos)
            if (
                len(infos) > 2000
                or total > cfg["IMPORT_MAX_UNCOMPRESSED_BYTES"]
                or any(
                    i.compress_size and i.file_size / i.compress_size > 200 and i.file_size > 1024 * 1024 for i in infos
                )
            ):
                raise SpreadsheetRejected("文件解压后异常庞大（疑似压缩炸弹），已拒绝。")
    except zipfile.BadZipFile as e:
        raise SpreadsheetRejected("文件已损坏，无法读取。") from e
    if "xl/workbook.xml" not in names:
        raise SpreadsheetRejected("文件不是有效的 Excel 工作簿（.xlsx）。请用模板填写后上传。")
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        ws = wb.worksheets[0]
        rows = []
        for row in ws.iter_rows(values_only=True):
            rows.append(row)
            if len(rows) > cfg["IMPORT_MAX_ROWS"] + 1:
                raise SpreadsheetRejected(f"行数过多：一次最多导入 {cfg['IMPORT_MAX_ROWS']} 行。")
        wb.close()
    except SpreadsheetRejected:
        raise
    except Exception as e:  # openpyxl raises many kinds on malformed input
        raise SpreadsheetRejected("文件内容无法解析为 Excel 工作簿，请检查后重新上传。") from e
    return rows


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(cell):
    """Keep text that a spreadsheet would run as a formula as text, unchanged: stored as a
    string with Excel's keep-as-text flag (the cell reads back exactly as written)."""
    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def write_workbook(
    *,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence],
    required: Sequence[str] = (),
    choices: dict[str, Sequence[str]] | None = None,
    notes: Sequence[str] = (),
    footer: str = "",
) -> bytes:
    """An .xlsx with a bold header row, column widths for Chinese text,
    drop-down lists for ``choices`` columns and an instructions sheet.

    ``footer`` (for exports: user, time, trace id) is the export watermark: it
    goes into the printed page footer and the file's properties, not into the
    data, so that an exported sheet can be imported again as it is.
    """
    wb = Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)  # a new workbook opens on its one worksheet
    ws.title = title[:31]
    ws.append(list(headers))
    fill = PatternFill("solid", fgColor="DDE7F3")
    for idx, name in enumerate(headers, start=1):
        cell = ws.cell(row=1, column=idx)
        cell.font = Font(bold=True, color="B00000" if name in required else "000000")
        cell.fill = fill
        cell.alignment = Alignment(horizontal="center")
        ws.column_dimensions[get_column_letter(idx)].width = max(14, len(name) * 3)
    ws.freeze_panes = "A2"
    for row in rows:
        ws.append(list(row))
        for cell in ws[ws.max_row]:
            safe_cell(cell)
    if choices:
        lists = wb.create_sheet("选项")
        for col, (name, values) in enumerate(choices.items(), start=1):
            lists.cell(row=1, column=col, value=name)
            for r, v in enumerate(values, start=2):
                lists.cell(row=r, column=col, value=v)
            letter = get_column_letter(col)
            dv = DataValidation(
                type="list", formula1=f"=选项!${letter}$2:${letter}${len(values) + 1}", allow_blank=True
            )
            dv.error, dv.errorTitle = "请从下拉列表中选择。", "输入有误"
            ws.add_data_validation(dv)
            target = get_column_letter(list(headers).index(name) + 1)
            dv.add(f"{target}2:{target}5000")
    return workbook_bytes(wb, ws, notes=notes, footer=footer)


def workbook_bytes(wb: Workbook, ws, *, notes: Sequence[str] = (), footer: str = "") -> bytes:
    """The finished file: an instructions sheet of ``notes``, and ``footer`` (the export
    watermark) in the printed footer of ``ws`` and the file's properties, not in the data."""
    if notes:
        info = wb.create_sheet("填写说明")
        info.column_dimensions["A"].width = 100
        for line in notes:
            info.append([line])
    if footer:
        ws.oddFooter.center.text = footer
        wb.properties.description = footer
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
