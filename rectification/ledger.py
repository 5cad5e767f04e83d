"""The rectification ledger (整改台账): every task a user may see, filtered, exported to
Excel in the columns offices use, and the unit's bulk progress report by importing its
plan's ledger back.

- ``ledger_tasks`` narrows ``tasks.tasks_for`` by a ``LedgerFilter`` (round,
  organisation, status, phase, overdue, responsible office, search text).
- ``ledger_export`` and ``plan_ledger_export`` write the .xlsx: a title row with the
  organisation and date, a frozen header, wrapped text, dates as dates, the task id in the
  last column so that the import matches rows safely. Text that a spreadsheet would run as
  a formula (beginning with = + - @) is written as text, never as a formula.
- ``ledger_import`` (the unit's liaison, approved plan) takes only 整改进展 and 申请销号:
  every row is checked first, and the changed rows are reported through
  ``tasks.task_progress`` in one transaction, all or nothing. It says what it does not
  read: the other columns are listed as ignored, and a cell of one of them that no longer
  agrees with the platform is reported (a warning: the import cannot change it). A
  formula in a column it reads is refused as a formula.
- Each export carries its version in a hidden sheet (``VERSION_SHEET``): the export time
  and each task's latest progress report. A row that would change a task whose progress
  was reported after the export is refused (the conflict shown per row), so an old file
  never overwrites newer progress.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from core import access
from core.audit import audit_record, export_trace
from core.documents import cn_date
from core.excel import (
    Formula,
    SpreadsheetRejected,
    fit_width,
    formula_message,
    list_validation,
    read_sheets,
    safe_cell,
    workbook_bytes,
)
from rectification.models import ProgressReport, RectificationPlan, RectificationTask
from rectification.tasks import PROGRESS_MAX, overdue_q, state_label, task_progress, tasks_for

TaskStatus = RectificationTask.Status

# The offices' columns, in their order; 被巡察单位 only in a ledger of several units.
COLUMNS = [
    "序号",
    "问题",
    "整改措施",
    "整改阶段",
    "完成时限",
    "责任领导",
    "责任部门",
    "整改进展",
    "申请销号",
    "状态",
    "销号日期",
    "任务编号",
]
UNIT_COLUMN = "被巡察单位"
WIDTHS = {
    "序号": 6,
    UNIT_COLUMN: 20,
    "问题": 28,
    "整改措施": 40,
    "整改阶段": 10,
    "完成时限": 12,
    "责任领导": 10,
    "责任部门": 14,
    "整改进展": 40,
    "申请销号": 9,
    "状态": 9,
    "销号日期": 12,
    "任务编号": 9,
}
DATE_COLUMNS = ("完成时限", "销号日期")
# Short columns widened to their longest value (the long ones wrap).
FIT_COLUMNS = (UNIT_COLUMN, "整改阶段", "责任领导", "责任部门", "状态")
# What the import reads; every other column is reported as ignored.
READ_COLUMNS = ("任务编号", "整改进展", "申请销号")
# Columns the platform owns: a cell that no longer agrees with it is reported.
LOCKED_COLUMNS = tuple(c for c in [UNIT_COLUMN, *COLUMNS] if c not in READ_COLUMNS and c != "序号")
VERSION_SHEET = "导出版本"
YES, NO = "是", "否"
MAX_IMPORT_ROWS = 1000


# Reads -----------------------------------------------------------------------------------


@dataclass
class LedgerFilter:
    round_id: int | None = None
    organization_id: int | None = None
    status: str = ""
    phase: str = ""
    overdue: bool = False
    office: str = ""
    search: str = ""


def ledger_tasks(*, user, filters: LedgerFilter | None = None, plan: RectificationPlan | None = None) -> QuerySet:
    """The tasks ``user`` may see, narrowed by ``filters``, in ledger order (unit, number)."""
    qs = tasks_for(user=user, plan=plan)
    f = filters or LedgerFilter()
    if f.round_id:
        qs = qs.filter(plan__inspection__round_id=f.round_id)
    if f.organization_id:
        qs = qs.filter(plan__inspection__organization_id=f.organization_id)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.phase:
        qs = qs.filter(phase=f.phase)
    if f.overdue:
        qs = qs.filter(overdue_q())
    if f.office:
        qs = qs.filter(responsible_office=f.office)
    if f.search.strip():
        text = f.search.strip()
        qs = qs.filter(
            Q(measure__icontains=text)
            | Q(finding__title__icontains=text)
            | Q(progress__icontains=text)
            | Q(responsible_leader__icontains=text)
            | Q(responsible_office__icontains=text)
            | Q(plan__inspection__organization__name__icontains=text)
        )
    return qs.order_by("plan__inspection__organization__name", "plan_id", "number", "id")


def completed_label(task: RectificationTask) -> str:
    """申请销号 as the ledger shows it: 是 once the unit has asked to close (or it is closed)."""
    return YES if task.status in (TaskStatus.REPORTED, TaskStatus.VERIFIED) else NO


# Export ----------------------------------------------------------------------------------


def _clean_text(value: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def _put(cell, value) -> None:
    """Write ``value``; text beginning with = + - @ stays text (never a formula), shown as
    typed (the quote prefix tells Excel and WPS to keep it text when the cell is edited)."""
    if isinstance(value, str):
        value = _clean_text(value)
        cell.value = value
        safe_cell(cell)
    else:
        cell.value = value


def _row(task: RectificationTask, index: int, with_unit: bool) -> dict:
    values = {
        "序号": index,
        UNIT_COLUMN: task.plan.inspection.organization.name,
        "问题": task.finding.title,
        "整改措施": task.measure,
        "整改阶段": task.get_phase_display(),
        "完成时限": task.deadline,
        "责任领导": task.responsible_leader,
        "责任部门": task.responsible_office,
        "整改进展": task.progress,
        "申请销号": completed_label(task),
        "状态": state_label(task),
        "销号日期": task.verified_on,
        "任务编号": task.pk,
    }
    if not with_unit:
        values.pop(UNIT_COLUMN)
    return values


def progress_stamps(task_ids) -> dict[int, int]:
    """Each task's latest progress report (its id; tasks without one are absent): the
    version an export records and an import compares."""
    rows = ProgressReport.objects.filter(task_id__in=list(task_ids)).values_list("task_id", "id")
    out: dict[int, int] = {}
    for task_id, report_id in rows:
        out[task_id] = max(out.get(task_id, 0), report_id)
    return out


def ledger_workbook(*, title: str, tasks, with_unit: bool, footer: str = "", numbered_by_task: bool = True) -> bytes:
    """The ledger as .xlsx: title row, frozen header, widths, wrapped text, dates as dates,
    and the export's version in the hidden ``VERSION_SHEET``."""
    tasks = list(tasks)
    headers = list(COLUMNS)
    if with_unit:
        headers.insert(1, UNIT_COLUMN)
    wb = Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)  # a new workbook opens on its one worksheet
    ws.title = "整改台账"
    last = get_column_letter(len(headers))
    ws.merge_cells(f"A1:{last}1")
    _put(ws["A1"], title)
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 30
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    fill = PatternFill("solid", fgColor="DDE7F3")
    for col, name in enumerate(headers, start=1):
        cell = ws.cell(row=2, column=col, value=name)
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.border = border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        width = WIDTHS.get(name, 14)
        if name in FIT_COLUMNS:
            longest = fit_width([name, *(_row(t, 0, True)[name] for t in tasks)], maximum=60)
            width = max(width, longest)
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "A3"
    wrap = Alignment(vertical="top", wrap_text=True)
    count = 0
    for index, task in enumerate(tasks, start=1):
        values = _row(task, task.number if numbered_by_task else index, with_unit)
        r = index + 2
        for col, name in enumerate(headers, start=1):
            data_cell = ws.cell(row=r, column=col)
            _put(data_cell, values[name])
            data_cell.alignment = wrap
            data_cell.border = border
            if name in DATE_COLUMNS:
                data_cell.number_format = "yyyy-mm-dd"
            if name == "任务编号":
                data_cell.font = Font(color="808080")
        count = index
    # 申请销号: a drop-down of 是/否 (what the import accepts).
    letter = get_column_letter(headers.index("申请销号") + 1)
    dv = list_validation(f'"{YES},{NO}"', message=f"“申请销号”只能填写“{YES}”或“{NO}”，请从下拉列表中选择。")
    ws.add_data_validation(dv)
    dv.add(f"{letter}3:{letter}{max(count, 1) + 2}")
    ws.print_title_rows = "1:2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    page_setup_properties = ws.sheet_properties.pageSetUpPr
    assert page_setup_properties is not None  # openpyxl gives every new worksheet's properties one
    page_setup_properties.fitToPage = True
    _version_sheet(wb, tasks)
    return workbook_bytes(wb, ws, notes=NOTES, footer=footer)


def _version_sheet(wb: Workbook, tasks: list[RectificationTask]) -> None:
    """The hidden sheet an import reads the export's version from: the export time, then
    each task and its latest progress report (0 for none)."""
    stamps = progress_stamps(t.pk for t in tasks)
    version = wb.create_sheet(VERSION_SHEET)
    version.sheet_state = "hidden"
    version.append(["导出时间", timezone.now().isoformat(timespec="seconds")])
    version.append(["任务编号", "进展版本"])
    for task in tasks:
        version.append([task.pk, stamps.get(task.pk, 0)])


NOTES = [
    "整改台账填写说明",
    "1. 被巡察单位可在本表中批量更新“整改进展”和“申请销号”两列，然后在平台“整改台账—导入进展”上传。",
    "2. 其他列（问题、整改措施、完成时限、责任领导、责任部门、状态等）以平台为准，导入时不会读取。",
    "3. “任务编号”列用于匹配整改任务，请勿修改或删除；可以删除不需要更新的行。",
    f"4. “申请销号”填写“{YES}”或“{NO}”；填“{YES}”须写明整改进展，且此前已在平台上传过佐证材料。",
    "5. 已销号的任务不能再更新进展；未修改的行不会重复报告。",
    "6. 导入时逐行检查，发现任何问题整个文件都不会导入，请按提示修改后重新上传。",
    f"7. 本文件含隐藏的“{VERSION_SHEET}”工作表，记录导出时间和各任务当时的进展，请勿删除。"
    "导出之后平台上又报告了进展的任务，导入时会提示冲突、不会被旧内容覆盖，请重新导出后填写。",
    "8. 请直接填写文字，不要使用公式；含公式的单元格导入时会被拒绝。",
]


def plan_ledger_export(*, actor, plan: RectificationPlan) -> tuple[str, bytes]:
    """The ledger of one plan (file name, .xlsx) for those who may see the plan."""
    access.check(actor, "view", plan)
    tasks = list(ledger_tasks(user=actor, plan=plan))
    name = plan.inspection.organization.name
    today = timezone.localdate()
    title = f"{name}巡察整改台账（{plan.inspection.round}，截至{cn_date(today)}）"
    data = ledger_workbook(title=title, tasks=tasks, with_unit=False, footer=export_trace(actor))
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="rectification_ledger.export",
            obj=plan,
            authority=plan.authority,
            detail={"tasks": len(tasks)},
        )
    return f"{name}整改台账{today:%Y%m%d}.xlsx", data


def ledger_export(*, actor, filters: LedgerFilter | None = None) -> tuple[str, bytes]:
    """The ledger of every task ``actor`` may see under ``filters`` (file name, .xlsx)."""
    tasks = list(ledger_tasks(user=actor, filters=filters))
    units = {t.plan.inspection.organization.name for t in tasks}
    today = timezone.localdate()
    head = next(iter(units)) if len(units) == 1 else ""
    title = f"{head}巡察整改台账（截至{cn_date(today)}）"
    data = ledger_workbook(
        title=title, tasks=tasks, with_unit=len(units) != 1, footer=export_trace(actor), numbered_by_task=False
    )
    f = filters or LedgerFilter()
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="rectification_ledger.export",
            detail={"tasks": len(tasks), "filters": {k: v for k, v in vars(f).items() if v}},
        )
    return f"{head}整改台账{today:%Y%m%d}.xlsx", data


# Import ----------------------------------------------------------------------------------


@dataclass
class RowError:
    row: int  # the Excel row number; 0 for the file as a whole
    column: str
    message: str

    @property
    def text(self) -> str:
        if not self.row:
            return self.message
        where = f"第 {self.row} 行" + (f"“{self.column}”列" if self.column else "")
        return f"{where}：{self.message}"


@dataclass
class RowChange:
    row: int
    task: RectificationTask
    text: str
    completed: bool
    before: str
    before_completed: bool


@dataclass
class LedgerImport:
    errors: list[RowError] = field(default_factory=list)
    changes: list[RowChange] = field(default_factory=list)
    unchanged: int = 0
    applied: bool = False
    ignored_columns: list[str] = field(default_factory=list)  # in the file, not read
    warnings: list[RowError] = field(default_factory=list)  # not refusals: what the import will not do
    exported_at: datetime.datetime | None = None  # the file's version, when it has one

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def completed(self) -> int:
        return sum(1 for c in self.changes if c.completed and not c.before_completed)

    def messages(self) -> dict[str, list[str]]:
        """The errors as a service's ``ValidationError`` carries them (for the API)."""
        out: dict[str, list[str]] = {}
        for e in self.errors:
            out.setdefault("rows" if e.row else "file", []).append(e.text)
        return out


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


def _task_id(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value > 0 else None
    if isinstance(value, float):
        return int(value) if value.is_integer() and value > 0 else None
    text = _text(value)
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None


def _header(rows: list[tuple]) -> tuple[int, dict[str, int]] | None:
    """The header row's index and its columns: the first of the top rows naming 任务编号."""
    for i, raw in enumerate(rows[:10]):
        names = [_text(v) for v in raw]
        if "任务编号" in names:
            return i, {name: names.index(name) for name in names if name}
    return None


# Which column a service's error field belongs to.
FIELD_COLUMN = {"text": "整改进展", "files": "申请销号", "task": "任务编号", "reported_on": ""}


def ledger_import(
    *, actor, plan: RectificationPlan, data: bytes, name: str = "", dry_run: bool = False
) -> LedgerImport:
    """Check every row of the plan's ledger; unless ``dry_run``, and only if every row is
    good, report the changed progress through ``task_progress`` in one transaction.

    Raises ``Http404`` if ``actor`` cannot see the plan, ``PermissionDenied`` unless it is
    the unit's liaison. Row problems come back in the result, nothing written.
    """
    access.require(actor, "task.report", plan)
    result = LedgerImport()
    err = result.errors
    plan = RectificationPlan.objects.select_related("inspection__organization").get(pk=plan.pk)
    if plan.status != RectificationPlan.Status.APPROVED:
        err.append(RowError(0, "", f"整改方案{plan.get_status_display()}，批准后才能导入整改进展。"))
        return result
    if name and not name.lower().endswith(".xlsx"):
        err.append(RowError(0, "", "只能导入 .xlsx 格式的 Excel 文件，请使用导出的整改台账填写。"))
        return result
    try:
        rows, sheets = read_sheets(data, also=[VERSION_SHEET])
    except SpreadsheetRejected as e:
        err.append(RowError(0, "", str(e)))
        return result
    found = _header(rows)
    if found is None:
        err.append(RowError(0, "", "找不到“任务编号”列。请使用从平台导出的整改台账填写，不要删除表头和“任务编号”列。"))
        return result
    top, columns = found
    if "整改进展" not in columns:
        err.append(RowError(top + 1, "", "缺少“整改进展”列，请使用从平台导出的整改台账填写。"))
        return result
    result.ignored_columns = [name for name in columns if name not in READ_COLUMNS]
    version = _version(sheets.get(VERSION_SHEET))
    if version is None:
        result.warnings.append(
            RowError(
                0,
                "",
                f"文件中没有导出版本（隐藏的“{VERSION_SHEET}”工作表），无法检查导出后平台上是否已有更新的进展。"
                "建议重新导出整改台账后填写。",
            )
        )
    else:
        result.exported_at = version[0]
    body = [(n, raw) for n, raw in enumerate(rows[top + 1 :], start=top + 2) if any(_text(v) for v in raw)]
    if len(body) > MAX_IMPORT_ROWS:
        err.append(RowError(0, "", f"行数过多：一次最多导入 {MAX_IMPORT_ROWS} 行。"))
        return result
    if not body:
        err.append(RowError(0, "", "文件中没有数据行。"))
        return result
    tasks = {
        t.pk: t
        for t in RectificationTask.objects.filter(plan=plan).select_related("finding", "plan__inspection__organization")
    }
    stamps = progress_stamps(tasks)
    with_evidence = set(
        RectificationTask.objects.filter(plan=plan, progress_reports__evidence__isnull=False).values_list(
            "pk", flat=True
        )
    )
    first_row: dict[int, int] = {}

    def cell(raw, name):
        i = columns.get(name)
        return raw[i] if i is not None and i < len(raw) else None

    for n, raw in body:
        raw_id = cell(raw, "任务编号")
        task_id = _task_id(raw_id)
        task = tasks.get(task_id) if task_id else None
        if not _text(raw_id):
            err.append(
                RowError(n, "任务编号", "任务编号为空。请勿修改或删除“任务编号”列；不需要更新的行可以整行删除。")
            )
            continue
        if task is None:
            err.append(
                RowError(n, "任务编号", f"任务编号“{_text(raw_id)}”不是本整改方案的任务，请使用本方案导出的台账。")
            )
            continue
        assert task_id is not None  # the task was found by it
        if task_id in first_row:
            err.append(RowError(n, "任务编号", f"任务编号“{task_id}”与第 {first_row[task_id]} 行重复。"))
            continue
        first_row[task_id] = n
        _check_locked(result, n, task, {name: cell(raw, name) for name in LOCKED_COLUMNS if name in columns})
        formulas = [name for name in ("整改进展", "申请销号") if isinstance(cell(raw, name), Formula)]
        for name in formulas:
            err.append(RowError(n, name, formula_message(cell(raw, name))))
        if formulas:
            continue
        text = _text(cell(raw, "整改进展"))
        flag = _text(cell(raw, "申请销号")) if "申请销号" in columns else ""
        before = _text(_clean_text(task.progress))
        before_completed = completed_label(task) == YES
        row_errors = len(err)
        if flag not in ("", YES, NO):
            err.append(RowError(n, "申请销号", f"“{flag}”无效，只能填写“{YES}”或“{NO}”。"))
            completed = before_completed
        else:
            completed = flag == YES if flag else before_completed  # a blank cell changes nothing
        if len(text) > PROGRESS_MAX:
            err.append(RowError(n, "整改进展", f"整改进展不能超过 {PROGRESS_MAX} 字（现有 {len(text)} 字）。"))
        if not text:
            if completed and not before_completed:
                err.append(RowError(n, "整改进展", "申请销号须填写整改进展。"))
            else:
                # Nothing reported on this row (an empty cell does not erase earlier progress).
                if len(err) == row_errors:
                    result.unchanged += 1
            continue
        changed = text != before or completed != before_completed
        if not changed:
            if len(err) == row_errors:
                result.unchanged += 1
            continue
        if version is not None and stamps.get(task.pk, 0) > version[1].get(task.pk, 0):
            if _as_exported(task, version[1].get(task.pk, 0), text, flag):
                # Not edited since the export: the platform's newer progress stays.
                result.warnings.append(
                    RowError(n, "整改进展", "导出后该任务已有新的进展，本行未改动，保留平台上的新进展。")
                )
                if len(err) == row_errors:
                    result.unchanged += 1
            else:
                err.append(RowError(n, "整改进展", _conflict(task, version[0])))
            continue
        if task.status == TaskStatus.VERIFIED:
            err.append(
                RowError(
                    n,
                    "整改进展",
                    f"该任务已于{task.verified_on:%Y-%m-%d}销号，不能再更新进展，请恢复原内容或删除该行。",
                )
            )
            continue
        if completed and task.pk not in with_evidence:
            err.append(
                RowError(n, "申请销号", "申请销号须附佐证材料：请先在整改任务页面上传佐证材料，再导入申请销号。")
            )
            continue
        if len(err) == row_errors:
            result.changes.append(RowChange(n, task, text, completed, before, before_completed))
    if err:
        result.changes = []
        return result
    _apply(actor, plan, result, dry_run)
    return result


def _version(rows: list[tuple] | None) -> tuple[datetime.datetime, dict[int, int]] | None:
    """The export time and each task's progress version from the hidden sheet, or None
    when the file has none (or it was edited beyond reading)."""
    if not rows or len(rows[0]) < 2 or _text(rows[0][0]) != "导出时间":
        return None
    try:
        exported = datetime.datetime.fromisoformat(_text(rows[0][1]))
    except ValueError:
        return None
    stamps: dict[int, int] = {}
    for raw in rows[2:]:
        task_id = _task_id(raw[0] if raw else None)
        stamp = raw[1] if len(raw) > 1 else None
        if task_id and isinstance(stamp, int | float) and not isinstance(stamp, bool):
            stamps[task_id] = int(stamp)
    return exported, stamps


def _as_exported(task: RectificationTask, stamp: int, text: str, flag: str) -> bool:
    """Whether a row still reads as the export wrote it: the progress of the report that was
    the latest then (``stamp``; none for 0), and its 申请销号 (or a blank)."""
    report = ProgressReport.objects.filter(pk=stamp, task=task).first() if stamp else None
    exported_text = _text(_clean_text(report.text)) if report else ""
    exported_flag = YES if report and report.completed else NO
    return text == exported_text and flag in ("", exported_flag)


def _conflict(task: RectificationTask, exported: datetime.datetime) -> str:
    """Why a row of an old export may not overwrite the task's newer progress."""
    latest = task.progress_reports.select_related("reported_by").order_by("-id").first()
    assert latest is not None  # a newer report than the export's is why we are here
    if timezone.is_naive(exported):
        exported = timezone.make_aware(exported)
    when, by = timezone.localtime(latest.created_at), latest.reported_by.display_name
    return (
        f"冲突：本台账导出于 {timezone.localtime(exported):%Y-%m-%d %H:%M}，此后 {by} 已于 "
        f"{when:%Y-%m-%d %H:%M} 报告了新的进展（“{_shown(latest.text)}”）。"
        "为免旧台账覆盖较新的进展，本行不能导入：请重新导出整改台账，在新台账中填写后上传。"
    )


def _shown(value) -> str:
    text = _text(value)
    return (text if len(text) <= 30 else text[:30] + "…") or "空白"


def _check_locked(result: LedgerImport, n: int, task: RectificationTask, cells: dict[str, Any]) -> None:
    """Warn of each cell of a column the import does not read that no longer agrees with
    the platform: the user may think they changed it."""
    platform = _row(task, task.number, True)
    for name, value in cells.items():
        if isinstance(value, Formula):
            result.warnings.append(RowError(n, name, formula_message(value) + "（此列导入时不读取。）"))
            continue
        typed, current = (
            _text(value),
            _text(_clean_text(platform[name]) if isinstance(platform[name], str) else platform[name]),
        )
        if typed != current:
            result.warnings.append(
                RowError(
                    n,
                    name,
                    f"填写为“{_shown(typed)}”，与平台上的“{_shown(current)}”不同；导入只读取整改进展和申请销号，"
                    f"不会修改“{name}”。如需调整，请联系巡察办在平台上修改。",
                )
            )


def _apply(actor, plan: RectificationPlan, result: LedgerImport, dry_run: bool) -> None:
    """Report every change, in one transaction: one refusal undoes them all."""
    with transaction.atomic():
        for change in result.changes:
            try:
                task_progress(actor=actor, task=change.task, text=change.text, completed=change.completed)
            except ValidationError as e:
                for key, messages in e.message_dict.items():
                    column = FIELD_COLUMN.get(key, "")
                    result.errors.extend(RowError(change.row, column, m) for m in messages)
        if result.errors or dry_run:
            transaction.set_rollback(True)
            return
        audit_record(
            actor=actor,
            action="rectification_ledger.import",
            obj=plan,
            authority=plan.authority,
            detail={
                "updated": [c.task.number for c in result.changes],
                "completed": [c.task.number for c in result.changes if c.completed],
                "unchanged": result.unchanged,
            },
        )
        result.applied = True
