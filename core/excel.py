"""Excel in and out, safely.

Reading refuses anything that is not a modest .xlsx before openpyxl parses
it (zip bombs, other zips, renamed files); writing keeps text that looks like
a formula as text, so an exported ledger cannot run anything when opened.

Two things Excel does to a cell are caught here for every import:

- a formula is read as a ``Formula`` (its text), never as its cached result or as a
  blank; the importer reports it with ``FORMULA_MESSAGE``;
- a long code (ID number, credit code, organisation code) typed into a cell of the
  General format is stored as a number, and Excel keeps only 15 significant digits
  (913607001234567890 becomes 913607001234567936; leading zeros go too). ``code_text``
  refuses such a cell, or its scientific-notation text (9.13607E+17), with a message
  that says so and how to fix the column. Templates and exports format code columns
  as text (``TEXT_FORMAT``), so that what is typed there stays as typed.
"""

from __future__ import annotations

import io
import re
import unicodedata
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


class Formula(str):
    """A cell that holds a formula, as its text (``=SUM(B2:D2)``). Imports refuse it: what
    the formula computes is not in the file (or not necessarily current)."""


FORMULA_MESSAGE = "单元格含公式“{formula}”，导入不读取公式的结果。请复制该列后“选择性粘贴—数值”（粘贴为数值），再上传。"


def formula_message(value: Formula) -> str:
    shown = value if len(value) <= 40 else value[:40] + "…"
    return FORMULA_MESSAGE.format(formula=shown)


def read_rows(data: bytes) -> list[tuple]:
    """The first sheet's rows as tuples of cell values; a formula cell is a ``Formula``.

    Raises ``SpreadsheetRejected`` for files too large, not .xlsx, zip bombs,
    or more rows than the import limit.
    """
    return read_sheets(data)[0]


def read_sheets(data: bytes, *, also: Sequence[str] = ()) -> tuple[list[tuple], dict[str, list[tuple]]]:
    """``read_rows`` of the first sheet, and the rows of each sheet named in ``also`` that the
    file has (hidden sheets included: an export keeps its version there)."""
    _check_container(data)
    cfg = settings.XUNCHA
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        rows = _sheet_rows(wb.worksheets[0], cfg["IMPORT_MAX_ROWS"] + 1)
        extra = {name: _sheet_rows(wb[name], cfg["IMPORT_MAX_ROWS"] + 2) for name in also if name in wb.sheetnames}
        wb.close()
    except SpreadsheetRejected:
        raise
    except Exception as e:  # openpyxl raises many kinds on malformed input
        raise SpreadsheetRejected("文件内容无法解析为 Excel 工作簿，请检查后重新上传。") from e
    return rows, extra


def _sheet_rows(ws, limit: int) -> list[tuple]:
    rows = []
    for row in ws.iter_rows():
        rows.append(tuple(_value(c) for c in row))
        if len(rows) > limit:
            raise SpreadsheetRejected(f"行数过多：一次最多导入 {settings.XUNCHA['IMPORT_MAX_ROWS']} 行。")
    return rows


def _value(cell):
    value = cell.value
    if getattr(cell, "data_type", None) == "f" and value is not None:
        return Formula(getattr(value, "text", None) or str(value))  # an array formula carries .text
    return value


def _check_container(data: bytes) -> None:
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


# Codes ----------------------------------------------------------------------------------

TEXT_FORMAT = "@"  # Excel's 文本 format: what is typed is kept as typed
EXCEL_DIGITS = 15  # the significant digits Excel keeps of a number
_SCIENTIFIC = re.compile(r"[0-9]+(\.[0-9]*)?[eE][+]?[0-9]+")
FIX_CODE_COLUMN = (
    "请把该列的单元格格式设为“文本”，再重新输入或粘贴原始编码（不要从数字格式的单元格复制），然后重新上传。"
)


def code_text(value) -> tuple[str, str]:
    """A code cell (ID number, credit code, organisation code) as text, and "" or why it
    cannot be taken: Excel stored it as a number (so digits beyond the 15th, or leading
    zeros, are already gone) or its text is Excel's scientific notation of one. The
    message names neither row nor column: the importer adds them."""
    if value is None or isinstance(value, bool):
        return ("" if value is None else str(value)), ""
    if isinstance(value, int | float):
        shown = _number_text(value)
        digits = len(shown.lstrip("-").replace(".", ""))
        if digits > EXCEL_DIGITS or "e" in shown.lower():
            why = f"Excel 把它存成了数字（读到的是 {shown}），超过 {EXCEL_DIGITS} 位的数字末几位已经丢失，无法还原。"
        else:
            why = f"Excel 把它存成了数字（读到的是 {shown}），编码开头的 0 或较长编码的末几位会因此丢失。"
        return shown, why + FIX_CODE_COLUMN
    text = str(value).strip()
    if _SCIENTIFIC.fullmatch(text):
        return text, f"“{text}”是 Excel 显示长数字的科学计数法，原编码的末几位已经丢失，无法还原。" + FIX_CODE_COLUMN
    return text, ""


def _number_text(value: int | float) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e30:
        return str(int(value))
    return str(value)


def text_width(value) -> int:
    """Display width in Excel's character units: a CJK character counts as two."""
    text = "" if value is None else str(value)
    longest = max((line for line in text.split("\n")), key=len, default="")
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in longest)


def fit_width(values: Iterable, *, minimum: int = 8, maximum: int = 60) -> int:
    """A column width that shows the longest of ``values`` whole (within the bounds)."""
    return max(minimum, min(maximum, max((text_width(v) for v in values), default=0) + 2))


def list_validation(formula: str, *, message: str) -> DataValidation:
    """A drop-down list that refuses anything else, with a Chinese error box."""
    dv = DataValidation(type="list", formula1=formula, allow_blank=True)
    dv.showErrorMessage = True
    dv.errorStyle = "stop"
    dv.errorTitle = "输入有误"
    dv.error = message
    dv.showInputMessage = True
    dv.promptTitle = "请选择"
    dv.prompt = "请从下拉列表中选择。"
    return dv


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
    text_columns: Sequence[str] = (),
    width_hints: dict[str, Iterable] | None = None,
) -> bytes:
    """An .xlsx with a bold header row, drop-down lists that refuse other values for
    ``choices`` columns, and an instructions sheet. Each column is as wide as its longest
    value (or of ``width_hints``: e.g. the organisation names a template will hold).
    ``text_columns`` (codes) are formatted as text, and their values written as text.

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
    rows = [list(row) for row in rows]
    hints = width_hints or {}
    text_at = {list(headers).index(name) for name in text_columns if name in headers}
    for idx, name in enumerate(headers, start=1):
        cell = ws.cell(row=1, column=idx)
        cell.font = Font(bold=True, color="B00000" if name in required else "000000")
        cell.fill = fill
        cell.alignment = Alignment(horizontal="center")
        column = [r[idx - 1] for r in rows if idx - 1 < len(r)]
        ws.column_dimensions[get_column_letter(idx)].width = fit_width(
            [name, name, *column, *hints.get(name, ())], minimum=10
        )
        if idx - 1 in text_at:
            ws.column_dimensions[get_column_letter(idx)].number_format = TEXT_FORMAT
    ws.freeze_panes = "A2"
    for row in rows:
        ws.append([str(v) if i in text_at and v is not None else v for i, v in enumerate(row)])
        for cell in ws[ws.max_row]:
            safe_cell(cell)
    # The text format on the template's empty rows too: a typed 000123 keeps its zeros.
    for i in text_at:
        for r in range(2, max(len(rows) + 1, TEMPLATE_ROWS) + 1):
            ws.cell(row=r, column=i + 1).number_format = TEXT_FORMAT
    if choices:
        lists = wb.create_sheet("选项")
        for col, (name, values) in enumerate(choices.items(), start=1):
            lists.cell(row=1, column=col, value=name)
            for r, v in enumerate(values, start=2):
                lists.cell(row=r, column=col, value=v)
            letter = get_column_letter(col)
            lists.column_dimensions[letter].width = fit_width([name, *values])
            if not values or name not in headers:
                continue
            dv = list_validation(
                f"=选项!${letter}$2:${letter}${len(values) + 1}",
                message=f"“{name}”只能从下拉列表中选择：{'、'.join(values)}"[:250],
            )
            ws.add_data_validation(dv)
            target = get_column_letter(list(headers).index(name) + 1)
            dv.add(f"{target}2:{target}5000")
    return workbook_bytes(wb, ws, notes=notes, footer=footer)


TEMPLATE_ROWS = 500  # rows of a template given the text format of their code columns


def workbook_bytes(wb: Workbook, ws, *, notes: Sequence[str] = (), footer: str = "") -> bytes:
    """The finished file: an instructions sheet of ``notes``, and ``footer`` (the export
    watermark) in the printed footer of ``ws`` and the file's properties, not in the data."""
    if notes:
        info = wb.create_sheet("填写说明")
        info.column_dimensions["A"].width = 100
        for line in notes:
            info.append([line])
    if footer:
        # In a footer "&" starts a formatting code (&P, &D …): doubled it prints itself. Excel
        # takes at most 255 characters of header and footer.
        ws.oddFooter.center.text = footer.replace("&", "&&")[:250]
        wb.properties.description = footer
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
