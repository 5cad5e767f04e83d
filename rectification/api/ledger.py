"""API of the ledger: a plan's ledger as .xlsx, and the unit's import of progress from it
(multipart ``file``; all or nothing). Thin: the rules are in ``rectification.ledger``."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from ninja import File, Router, Schema
from ninja.files import UploadedFile

from core import access
from core.http import XLSX, attachment
from rectification.ledger import ledger_import, plan_ledger_export
from rectification.plans import plans_for

router = Router(tags=["整改"])
OPTIONAL_FILE = File(None)  # answered with a Chinese message when missing, after the access check


class ImportedRow(Schema):
    row: int
    task_id: int
    number: int
    completed: bool


class ImportWarning(Schema):
    row: int  # 0 for the file as a whole
    column: str
    message: str


class LedgerImportOut(Schema):
    dry_run: bool
    updated: int
    completed: int
    unchanged: int
    rows: list[ImportedRow]
    ignored_columns: list[str]  # in the file but not read (the platform's columns)
    warnings: list[ImportWarning]  # cells of those columns that differ from the platform; no version


@router.get("/rectification-plans/{int:plan_id}/ledger.xlsx", response={200: None})
def plan_ledger_get(request, plan_id: int):
    """The plan's ledger (整改台账) as .xlsx: 序号, 问题, 整改措施, 整改阶段, 完成时限, 责任领导,
    责任部门, 整改进展, 申请销号, 状态, 销号日期, 任务编号 (the import matches rows by it)."""
    plan = get_object_or_404(plans_for(user=request.user), pk=plan_id)
    name, data = plan_ledger_export(actor=request.user, plan=plan)
    return attachment(data, name, XLSX)


@router.post("/rectification-plans/{int:plan_id}/ledger", response=LedgerImportOut)
def plan_ledger_post(request, plan_id: int, dry_run: bool = False, file: UploadedFile | None = OPTIONAL_FILE):
    """The unit's liaison imports the filled-in ledger of its approved plan (multipart
    ``file``): only 整改进展 and 申请销号 are read; changed rows are reported as progress.
    Every row is checked first; any problem answers 422 with ``errors.rows`` (each naming
    the row and column) or ``errors.file``, and nothing is written: a formula in a read
    cell, or a row of an export older than the task's latest progress (a conflict).
    ``ignored_columns`` lists the columns not read, ``warnings`` the cells of those that no
    longer agree with the platform. ``dry_run`` checks only."""
    plan = get_object_or_404(plans_for(user=request.user), pk=plan_id)
    if not access.may(request.user, "task.report", plan):
        raise PermissionDenied
    if file is None:
        raise ValidationError({"file": [ValidationError("请上传整改台账（.xlsx 文件）。", code="file_rejected")]})
    result = ledger_import(actor=request.user, plan=plan, data=file.read(), name=file.name or "", dry_run=dry_run)
    if result.errors:
        # The rows and the file refused by their content: every message answers file_rejected.
        messages = result.messages()
        raise ValidationError({k: [ValidationError(m, code="file_rejected") for m in v] for k, v in messages.items()})
    return {
        "dry_run": dry_run,
        "updated": len(result.changes),
        "completed": result.completed,
        "unchanged": result.unchanged,
        "rows": [
            {"row": c.row, "task_id": c.task.pk, "number": c.task.number, "completed": c.completed}
            for c in result.changes
        ],
        "ignored_columns": result.ignored_columns,
        "warnings": [{"row": w.row, "column": w.column, "message": w.message} for w in result.warnings],
    }
