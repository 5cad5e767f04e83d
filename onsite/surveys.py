"""Questionnaires and democratic evaluations (问卷调查、民主测评): copies handed out and
returned, and the result tallies imported from Excel.

The import reads an .xlsx whose first row is the header (the item column, then one column
per option, e.g. 好、较好、一般、差) and each following row an item with its counts. Every
cell is checked first; any problem is reported with its row, column and reason and nothing
is written. A good file replaces the previous results.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from openpyxl.utils import get_column_letter

from core import access
from core.audit import audit_record
from core.excel import Formula, SpreadsheetRejected, formula_message, read_rows, write_workbook
from onsite.fieldwork import inspection_check_open
from onsite.models import Survey
from planning.models import Inspection

DEFAULT_OPTIONS = ["好", "较好", "一般", "差"]
ITEM_HEADERS = ("测评项目", "问题", "测评项目/问题", "项目")
ITEM_HEADER_BY_KIND: dict[str, str] = {Survey.Kind.EVALUATION: "测评项目", Survey.Kind.QUESTIONNAIRE: "问题"}
# Options counted as favourable in the per-item rate (满意率 / 好评率).
FAVOURABLE = ("好", "较好", "非常满意", "满意", "比较满意", "较满意")
RATE_LABEL: dict[str, str] = {Survey.Kind.EVALUATION: "好评率", Survey.Kind.QUESTIONNAIRE: "满意率"}
MAX_OPTIONS, MAX_ITEMS, MAX_MESSAGES = 20, 500, 100
# The template's example rows: the items offices commonly ask about, counts left to fill.
EXAMPLE_ITEMS: dict[str, list[str]] = {
    Survey.Kind.EVALUATION: [
        "领导班子总体评价",
        "贯彻落实党中央决策部署",
        "落实全面从严治党主体责任",
        "执行民主集中制",
        "选人用人工作",
        "作风建设",
    ],
    Survey.Kind.QUESTIONNAIRE: [
        "对本单位党风廉政建设的总体评价",
        "对领导班子落实中央八项规定精神的评价",
        "对本单位选人用人工作的评价",
        "对本单位办事公开、服务群众的评价",
    ],
}
FIELDS = ("kind", "title", "held_on", "handed_out", "returned")


def surveys_for(*, user, inspection: Inspection | None = None):
    qs = Survey.objects.select_related("inspection__organization")
    if inspection is not None:
        qs = qs.filter(inspection=inspection)
    return access.restrict(qs, user, "view")


def _result_totals(results: dict) -> list[tuple[str, int]]:
    return [(row[0], sum(row[1:])) for row in (results or {}).get("rows", [])]


def _survey_errors(survey: Survey) -> dict:
    errors: dict[str, list] = {}  # messages or ValidationErrors, by field
    if survey.kind not in Survey.Kind.values:
        errors["kind"] = ["请选择类型（问卷调查或民主测评）。"]
    if not survey.title:
        errors["title"] = ["请填写名称。"]
    elif len(survey.title) > 200:
        errors["title"] = ["名称不超过 200 个字。"]
    if survey.held_on is None:
        errors["held_on"] = ["请填写日期。"]
    if survey.handed_out is None:
        errors["handed_out"] = ["请填写发放份数。"]
    elif survey.handed_out < 0:
        errors["handed_out"] = ["发放份数不能为负数。"]
    if survey.returned is None or survey.returned < 0:
        errors["returned"] = ["收回份数须为不小于 0 的整数。"]
    elif survey.handed_out is not None and survey.returned > survey.handed_out:
        errors["returned"] = ["收回份数不能多于发放份数。"]
    else:
        over = [(item, total) for item, total in _result_totals(survey.results) if total > survey.returned]
        if over:
            item, total = max(over, key=lambda x: x[1])
            errors["returned"] = [f"已导入的统计结果中“{item}”合计 {total} 份，收回份数不能少于此数。"]
    return errors


def survey_create(
    *,
    actor,
    inspection: Inspection,
    kind: str,
    title: str,
    held_on: datetime.date | None,
    handed_out: int | None,
    returned: int | None = 0,
) -> Survey:
    """A questionnaire or democratic evaluation of ``inspection``. The team or the office only."""
    inspection_check_open(actor=actor, inspection=inspection)
    # The unsaved survey may hold a missing date or count (None): _survey_errors refuses it
    # before anything is saved, with the same messages as survey_update.
    survey = Survey(  # type: ignore[misc]
        authority_id=inspection.authority_id,
        inspection=inspection,
        kind=kind,
        title=(title or "").strip(),
        held_on=held_on,
        handed_out=handed_out,
        returned=returned if returned is not None else 0,
        created_by=actor,
    )
    if errors := _survey_errors(survey):
        raise ValidationError(errors)
    with transaction.atomic():
        survey.save()
        audit_record(
            actor=actor,
            action="survey.create",
            obj=survey,
            authority=inspection.authority,
            detail={f: getattr(survey, f) for f in FIELDS},
        )
    return survey


def survey_update(*, actor, survey: Survey, **values) -> Survey:
    """Correct the kind, title, date or copies; the copies returned stay at least the largest
    item total of the imported results."""
    inspection_check_open(actor=actor, inspection=survey.inspection)
    before = {f: getattr(survey, f) for f in FIELDS}
    for key, value in values.items():
        if key in FIELDS:
            setattr(survey, key, value.strip() if isinstance(value, str) else value)
    if errors := _survey_errors(survey):
        for f, v in before.items():
            setattr(survey, f, v)
        raise ValidationError(errors)
    changes = {f: [before[f], getattr(survey, f)] for f in FIELDS if before[f] != getattr(survey, f)}
    with transaction.atomic():
        survey.save(update_fields=list(FIELDS))
        audit_record(
            actor=actor,
            action="survey.update",
            obj=survey,
            authority=survey.inspection.authority,
            detail={"changes": changes},
        )
    return survey


def survey_template_bytes(kind: str = Survey.Kind.EVALUATION) -> bytes:
    """The import template: the header filled in with the default options, and example rows
    (the common items, counts blank: a row left blank is refused, not read as zeros)."""
    item = ITEM_HEADER_BY_KIND.get(kind, "测评项目")
    examples = EXAMPLE_ITEMS.get(kind, EXAMPLE_ITEMS[Survey.Kind.EVALUATION])
    return write_workbook(
        title="测评结果",
        headers=[item, *DEFAULT_OPTIONS],
        rows=[[name, *([None] * len(DEFAULT_OPTIONS))] for name in examples],
        required=[item],
        notes=[
            "问卷和民主测评结果导入说明",
            f"1. 第一行为列名：第一列为“{item}”，其余各列为选项（默认 好、较好、一般、差，可按实际问卷修改或增减）。",
            "2. 从第二行起每行一个测评项目或问题，各选项列填写选择该项的份数（不小于 0 的整数），"
            "没有人选择的填 0 或留空。",
            "3. 每个项目各选项份数之和不能多于收回份数。",
            "4. 导入前系统会逐行检查，只要有一处错误，整个文件都不会写入；导入成功后替换原有统计结果。",
            "5. 请直接填写数字，不要使用公式（如 =SUM(…)）；含公式的单元格会被拒绝，请复制后粘贴为数值。",
            f"6. 模板已列出常用的{item}作为示例，可修改、增删；不测评的{item}请整行删除"
            "（各选项份数全部空白的行不会当作 0 导入，而会提示填写或删除）。",
        ],
    )


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _count(value) -> int | None:
    """A non-negative whole count; empty is 0; None when the cell holds anything else."""
    if value is None:
        return 0
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, float):
        return int(value) if value.is_integer() and value >= 0 else None
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return 0
        return int(text) if re.fullmatch(r"[0-9]{1,9}", text) else None
    return None


def _row(n: int, on_page: bool) -> str:
    """Row ``n`` of the sheet (the header is row 1), or on the page its item's place (第 1 项)."""
    return f"第 {n - 1} 项" if on_page else f"第 {n} 行"


def _parse(rows: list[tuple], returned: int, *, on_page: bool = False) -> tuple[list[str], list[list], list[str]]:
    """(options, result rows, messages). ``on_page``: the rows were typed on the page, and the
    messages name an item's place (第 2 项) rather than a sheet row."""
    errors: list[str] = []

    def _cell(n: int, column: str, message: str) -> str:
        return f"{_row(n, on_page)}“{column}”列：{message}"

    if not rows or not any(_text(v) for v in rows[0]):
        return [], [], ["文件为空或缺少列名行，请使用下载的模板。"]
    header = [_text(v) for v in rows[0]]
    while header and not header[-1]:
        header.pop()
    formulas = [(i, v) for i, v in enumerate(rows[0]) if isinstance(v, Formula)]
    if formulas:
        return [], [], [f"第 1 行第 {get_column_letter(i + 1)} 列：{formula_message(v)}" for i, v in formulas]
    item_header = header[0]
    if item_header not in ITEM_HEADERS:
        shown = f"“{item_header}”" if item_header else "空白"
        errors.append(f"第 1 行第 A 列：应为“测评项目”或“问题”，现为{shown}。请使用下载的模板。")
    options = header[1:]
    if not options:
        errors.append("第 1 行：缺少选项列（如 好、较好、一般、差），请使用下载的模板。")
    elif len(options) > MAX_OPTIONS:
        errors.append(f"第 1 行：选项最多 {MAX_OPTIONS} 个。")
    seen: set[str] = set()
    for i, name in enumerate(options, start=2):
        if not name:
            errors.append(f"第 1 行第 {get_column_letter(i)} 列：选项名称不能为空。")
        elif len(name) > 20:
            errors.append(f"第 1 行第 {get_column_letter(i)} 列：选项名称不超过 20 个字。")
        elif name in seen:
            errors.append(f"第 1 行第 {get_column_letter(i)} 列：选项“{name}”重复。")
        seen.add(name)
    if errors:
        return [], [], errors
    item_column = item_header
    parsed: list[list] = []
    first_row: dict[str, int] = {}
    for n, raw in enumerate(rows[1:], start=2):
        if not any(_text(v) for v in raw):
            continue
        item = _text(raw[0]) if raw else ""
        if raw and isinstance(raw[0], Formula):
            errors.append(_cell(n, item_column, formula_message(raw[0])))
        elif not item:
            errors.append(_cell(n, item_column, "不能为空。"))
        elif len(item) > 200:
            errors.append(_cell(n, item_column, "不超过 200 个字。"))
        elif item in first_row:
            errors.append(_cell(n, item_column, f"“{item}”与第 {first_row[item]} 行重复。"))
        else:
            first_row[item] = n
        counts: list[int] = []
        bad = False
        for i, option in enumerate(options, start=1):
            value = raw[i] if i < len(raw) else None
            count = None if isinstance(value, Formula) else _count(value)
            if isinstance(value, Formula):
                errors.append(_cell(n, option, formula_message(value)))
                bad = True
            elif count is None:
                errors.append(_cell(n, option, f"须为不小于 0 的整数，现为“{_text(value)}”。"))
                bad = True
            else:
                counts.append(count)
        for i in range(len(options) + 1, len(raw)):
            if _text(raw[i]):
                errors.append(
                    f"{_row(n, on_page)}第 {get_column_letter(i + 1)} 列：该列没有列名（选项），请删除或补上列名。"
                )
                bad = True
        blank = all(_text(raw[i] if i < len(raw) else None) == "" for i in range(1, len(options) + 1))
        if not bad and item and blank:
            drop = "清空该项目名称" if on_page else "整行删除"
            errors.append(
                f"{_row(n, on_page)}：“{item}”各选项的份数都未填写。"
                f"请填写份数（没有人选择的填 0）；不测评此项请{drop}。"
            )
        elif not bad and item and sum(counts) > returned:
            errors.append(f"{_row(n, on_page)}：“{item}”各选项合计 {sum(counts)} 份，多于收回的 {returned} 份。")
        parsed.append([item, *counts])
    if not parsed and not errors:
        errors.append(
            "没有填写测评项目：请至少填写一个项目及其份数。"
            if on_page
            else "文件中没有测评项目行：请从第 2 行起每行填写一个项目。"
        )
    elif len(parsed) > MAX_ITEMS:
        errors.append(f"测评项目过多：一次最多 {MAX_ITEMS} 项。")
    return options, parsed, errors


def survey_results_import(*, actor, survey: Survey, data: bytes) -> Survey:
    """Replace the survey's results with the tallies of an .xlsx (``data``), all or nothing.

    Raises ``ValidationError`` on ``file`` with one message per problem, each naming the row
    and column (at most ``MAX_MESSAGES`` are listed); nothing is written then.
    """
    inspection_check_open(actor=actor, inspection=survey.inspection)
    try:
        rows = read_rows(data)
    except SpreadsheetRejected as e:
        raise ValidationError({"file": [ValidationError(str(e), code="file_rejected")]}) from e
    options, parsed, errors = _parse(rows, survey.returned)
    if errors:
        raise ValidationError({"file": [ValidationError(m, code="file_rejected") for m in _capped(errors)]})
    return _results_save(actor, survey, options, parsed, action="survey.results_import")


def _capped(errors: list[str]) -> list[str]:
    if len(errors) > MAX_MESSAGES:
        return [*errors[:MAX_MESSAGES], f"另有 {len(errors) - MAX_MESSAGES} 处问题未列出。"]
    return errors


def _results_save(actor, survey: Survey, options: list[str], parsed: list[list], *, action: str) -> Survey:
    previous = survey.results or {}
    with transaction.atomic():
        survey.results = {"options": options, "rows": parsed}
        survey.save(update_fields=["results"])
        audit_record(
            actor=actor,
            action=action,
            obj=survey,
            authority=survey.inspection.authority,
            detail={
                "options": options,
                "items": len(parsed),
                "replaced": bool(previous.get("rows")),
                "previous_items": len(previous.get("rows", [])),
            },
        )
    return survey


def survey_entry_rows(survey: Survey, *, blank: int = 3) -> tuple[list[str], list[list]]:
    """What the page's entry table starts from: the options and rows of the stored results, or
    the default options and the example items with counts to fill; then ``blank`` empty rows."""
    results = survey.results or {}
    options = list(results.get("options") or DEFAULT_OPTIONS)
    rows = [list(r) for r in results.get("rows") or []]
    if not rows:
        examples = EXAMPLE_ITEMS.get(survey.kind, EXAMPLE_ITEMS[Survey.Kind.EVALUATION])
        rows = [[item, *([""] * len(options))] for item in examples]
    return options, rows + [["", *([""] * len(options))] for _ in range(blank)]


def survey_results_enter(*, actor, survey: Survey, options: list[str], rows: list[list]) -> Survey:
    """Replace the survey's results with counts typed on the page: ``rows`` are ``[item, count,
    …]`` as typed (text), one count per option; rows left wholly blank are skipped. The same
    checks as the import, all or nothing; ``ValidationError`` on ``results`` with one message per
    problem, each naming the item's place (第 2 项) and option."""
    inspection_check_open(actor=actor, inspection=survey.inspection)
    item = ITEM_HEADER_BY_KIND.get(survey.kind, "测评项目")
    sheet = [(item, *options), *(tuple(r) for r in rows)]
    options, parsed, errors = _parse(sheet, survey.returned, on_page=True)
    if errors:
        raise ValidationError({"results": _capped(errors)})
    return _results_save(actor, survey, options, parsed, action="survey.results_enter")


def survey_results_import_upload(*, actor, survey: Survey, upload) -> Survey:
    """``survey_results_import`` of an uploaded file (pages and API), refusing one over the
    import size cap before reading it into memory."""
    if upload is None:
        raise ValidationError({"file": [ValidationError("请选择要导入的 Excel 文件。", code="file_rejected")]})
    inspection_check_open(actor=actor, inspection=survey.inspection)
    limit = settings.XUNCHA["IMPORT_MAX_BYTES"]
    if upload.size > limit:
        raise ValidationError(
            {"file": [ValidationError(f"文件过大：不能超过 {limit // (1024 * 1024)} MB。", code="file_rejected")]}
        )
    return survey_results_import(actor=actor, survey=survey, data=upload.read())


@dataclass
class ResultRow:
    item: str
    cells: list[tuple[int, str]]  # (count, share of the item's total)
    total: int
    rate: str | None  # share of the favourable options


@dataclass
class ResultTable:
    options: list[str]
    rows: list[ResultRow]
    rate_label: str | None


def _share(part: int, whole: int) -> str:
    return f"{part * 100 / whole:.1f}%" if whole else "—"


def survey_table(survey: Survey) -> ResultTable | None:
    """The imported tallies with each option's share of the item's answers and, where the
    options include favourable ones (好、较好, 满意 …), their combined share."""
    results = survey.results or {}
    options, rows = results.get("options") or [], results.get("rows") or []
    if not rows:
        return None
    favourable = [i for i, o in enumerate(options) if o in FAVOURABLE]
    table = ResultTable(options, [], RATE_LABEL.get(survey.kind) if favourable else None)
    for item, *counts in rows:
        total = sum(counts)
        rate = _share(sum(counts[i] for i in favourable), total) if favourable else None
        table.rows.append(ResultRow(item, [(c, _share(c, total)) for c in counts], total, rate))
    return table
