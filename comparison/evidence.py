"""A hit's evidence as an Excel workbook (数据比对线索), the file a confirmed hit carries to the
team as an attachment of its inspection (``comparison.hits.hit_confirm``).

The first sheet is the hit's summary: the person, the rule (name and version), the run's date,
how the person was matched (exact, or fuzzy with its probability and the fields that agreed,
and the warning when only the name and birth date agreed), the datasets it came from and the
figures of the rule (periods, months, amounts). Then one sheet per dataset role with the
evidence rows, their row numbers in the department's file and every canonical field any of
them holds. IDs are written as text (``@``) so that Excel never turns them into numbers, and
every text cell is formula-neutralised (``core.excel.safe_cell``).

The same columns serve the hit's page (``evidence_tables``), so that the page and the file
show the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from comparison.engines import NAME_BIRTH_ONLY, agreed_label
from comparison.fields import FIELDS
from comparison.models import Hit
from core.excel import safe_cell, workbook_bytes

ID_STATUS_LABELS = {
    "valid": "有效",
    "upgraded_15": "15 位已升级为 18 位",
    "repaired": "已修正格式",
    "bad_checksum": "校验位错误",
    "excel_number": "被 Excel 转为数字",
    "missing": "缺失",
    "invalid": "无效",
}
# Columns of an evidence row: the row in the file, then the canonical fields, then the ID as
# written and its status. Text columns that hold IDs or codes are written as text.
LEAD_COLUMNS = (("row_no", "原文件行号"),)
TAIL_COLUMNS = (("id_raw", "身份证号（原文）"), ("id_status", "身份证号状态"))
TEXT_KEYS = {"id_number", "id_raw", "credit_code", "household", "property", "plate"}
SHEET_FORBIDDEN = str.maketrans({c: "" for c in "[]:*?/\\"})
HEADER_FILL = PatternFill("solid", fgColor="DDE7F3")


@dataclass(frozen=True)
class EvidenceTable:
    """One role's evidence rows: its label, the dataset it came from, the column labels and
    the rows' values in that order (text, as shown)."""

    role: str
    label: str
    source: str
    headers: list[str]
    keys: list[str]
    rows: list[list[str]]

    @property
    def pairs(self) -> list[list[tuple[str, str]]]:
        """Each row as (label, value) pairs, for the page."""
        return [list(zip(self.headers, row, strict=True)) for row in self.rows]


def match_text(hit: Hit) -> str:
    """精确匹配（身份证号一致）, or 模糊匹配 with its probability and the fields that agreed."""
    if hit.match == Hit.Match.FUZZY:
        probability = "" if hit.probability is None else f"，匹配概率 {hit.probability:.4f}"
        return f"模糊匹配{probability}；一致字段：{agreed_label(hit.agreed, hit.name_birth_only)}"
    return "精确匹配（身份证号一致）"


def _value(key: str, value: Any) -> str:
    if value is None:
        return ""
    if key == "id_status":
        return ID_STATUS_LABELS.get(str(value), str(value))
    return str(value)


def role_sources(hit: Hit) -> dict[str, str]:
    """``{role: "甲县民政局低保名单 第1版（低保.csv）"}`` for the run's datasets (names only)."""
    from comparison.models import Dataset

    ids = {int(v) for v in (hit.run.datasets or {}).values()}
    found = {d.pk: d for d in Dataset.objects.filter(pk__in=ids).select_related("source")}
    out = {}
    for role, pk in (hit.run.datasets or {}).items():
        d = found.get(int(pk))
        out[role] = f"{d.source.name} 第{d.version}版（{d.file_name}）" if d else "数据集已删除"
    return out


def evidence_tables(hit: Hit) -> list[EvidenceTable]:
    """The evidence rows of each role of the hit's rule, with the columns any row holds."""
    roles = (hit.run.definition or {}).get("roles") or {}
    sources = role_sources(hit)
    tables = []
    for role, rows in (hit.evidence or {}).items():
        rows = [r for r in rows if isinstance(r, dict)]
        present = {k for r in rows for k, v in r.items() if v not in (None, "")}
        columns = [
            *LEAD_COLUMNS,
            *((f.key, f.label) for f in FIELDS if f.key in present),
            *((k, label) for k, label in TAIL_COLUMNS if k in present),
        ]
        tables.append(
            EvidenceTable(
                role=role,
                label=str((roles.get(role) or {}).get("label") or role),
                source=sources.get(role, ""),
                headers=[label for _, label in columns],
                keys=[key for key, _ in columns],
                rows=[[_value(key, r.get(key)) for key, _ in columns] for r in rows],
            )
        )
    return tables


def summary_rows(hit: Hit, *, inspection_name: str = "", note: str = "") -> list[tuple[str, str]]:
    """The first sheet's rows (label, value)."""
    run = hit.run
    when = run.finished_at or run.started_at or run.created_at
    rows: list[tuple[str, str]] = [
        ("姓名", hit.name),
        ("身份证号", hit.id_number or "（无可用身份证号）"),
        ("比对规则", f"{run.rule_name}（{run.rule_key}，第 {run.rule_version} 版）"),
        ("比对日期", f"{when:%Y-%m-%d %H:%M}" if when else ""),
        ("匹配方式", hit.get_match_display()),
        ("匹配概率", "" if hit.probability is None else f"{hit.probability:.4f}"),
        ("一致字段", agreed_label(hit.agreed, hit.name_birth_only)),
    ]
    if hit.name_birth_only:
        rows.append(("提示", f"{NAME_BIRTH_ONLY}，须核实是否为同一人"))
    roles = (run.definition or {}).get("roles") or {}
    for role, source in role_sources(hit).items():
        rows.append((f"数据来源：{(roles.get(role) or {}).get('label') or role}", source))
    rows += [(str(k), "" if v is None else str(v)) for k, v in (hit.summary or {}).items()]
    if inspection_name:
        rows.append(("移交巡察", inspection_name))
    if note:
        rows.append(("移交说明", note))
    return rows


def _header(ws: Worksheet, headers: list[str]) -> None:
    ws.append(headers)
    for idx, name in enumerate(headers, start=1):
        cell = ws.cell(row=1, column=idx)
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
        cell.alignment = Alignment(horizontal="center")
        ws.column_dimensions[get_column_letter(idx)].width = max(14, len(name) * 3)
    ws.freeze_panes = "A2"


def _sheet_title(label: str, taken: set[str]) -> str:
    base = (label.translate(SHEET_FORBIDDEN).strip("'") or "证据")[:28]
    title, n = base, 2
    while title in taken:
        title, n = f"{base}{n}", n + 1
    taken.add(title)
    return title


def evidence_workbook(hit: Hit, *, inspection_name: str = "", note: str = "", footer: str = "") -> bytes:
    """The hit's evidence workbook (.xlsx bytes); ``footer`` is the export watermark."""
    wb = Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)  # a new workbook opens on its one worksheet
    ws.title = "线索摘要"
    taken = {ws.title}
    _header(ws, ["项目", "内容"])
    ws.column_dimensions["B"].width = 60
    for label, value in summary_rows(hit, inspection_name=inspection_name, note=note):
        ws.append([label, value])
        for cell in ws[ws.max_row]:
            safe_cell(cell)
            cell.number_format = "@"
    for table in evidence_tables(hit):
        sheet = wb.create_sheet(_sheet_title(table.label, taken))
        _header(sheet, table.headers)
        for row in table.rows:
            sheet.append(row)
            for key, cell in zip(table.keys, sheet[sheet.max_row], strict=True):
                safe_cell(cell)
                if key in TEXT_KEYS:
                    cell.number_format = "@"
        sheet.append([])
        sheet.append([f"来源：{table.source}"])
    return workbook_bytes(wb, ws, footer=footer)
