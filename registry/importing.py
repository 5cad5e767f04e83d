"""The registry's Excel template, export and import.

``organizations_import`` checks every row first and writes nothing unless the
whole file is good; it updates by code, so the same file twice changes nothing.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from core import access
from core.audit import audit_record, export_trace
from core.excel import Formula, SpreadsheetRejected, code_text, formula_message, read_rows, write_workbook
from core.models import Authority
from registry.models import CODE_RE, Organization, OrganizationKind
from registry.organizations import organization_snapshot, status_errors

COLUMNS = [
    "单位编码",
    "单位名称",
    "单位类别",
    "上级单位编码",
    "状态",
    "成立日期",
    "撤销或并入日期",
    "并入单位编码",
    "备注",
]
REQUIRED = ["单位编码", "单位名称", "单位类别"]
# Codes: formatted as text in the template and the export; a number cell is refused.
CODE_COLUMNS = ["单位编码", "上级单位编码", "并入单位编码"]
FIELD_COLUMN = {
    "code": "单位编码",
    "name": "单位名称",
    "kind": "单位类别",
    "parent": "上级单位编码",
    "status": "状态",
    "established_on": "成立日期",
    "ended_on": "撤销或并入日期",
    "merged_into": "并入单位编码",
    "note": "备注",
}
STATUS_BY_LABEL = {label: value for value, label in Organization.Status.choices}


@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def template_bytes(authority: Authority) -> bytes:
    """The empty template: code columns as text, drop-down lists that refuse other values,
    the name column as wide as the longest name in the registry."""
    kinds = list(OrganizationKind.objects.filter(authority=authority).values_list("name", flat=True))
    orgs = Organization.objects.filter(authority=authority)
    return write_workbook(
        title="党组织名册",
        headers=COLUMNS,
        rows=[],
        required=REQUIRED,
        choices={"单位类别": kinds, "状态": list(STATUS_BY_LABEL)},
        notes=_notes(kinds),
        text_columns=CODE_COLUMNS,
        width_hints={"单位名称": orgs.values_list("name", flat=True), "单位编码": orgs.values_list("code", flat=True)},
    )


def export_bytes(*, actor, authority: Authority, queryset) -> bytes:
    """The registry as an .xlsx in the template's layout (re-importable); audited as an export.

    ``queryset`` must already be narrowed to what ``actor`` may see (``organizations_for``).
    """
    qs = queryset.select_related("kind", "parent", "merged_into")
    rows = [
        [
            o.code,
            o.name,
            o.kind.name,
            o.parent.code if o.parent_id else "",
            o.get_status_display(),
            o.established_on,
            o.ended_on,
            o.merged_into.code if o.merged_into_id else "",
            o.note,
        ]
        for o in qs
    ]

    footer = export_trace(actor)
    data = write_workbook(
        title="党组织名册",
        headers=COLUMNS,
        rows=rows,
        required=REQUIRED,
        choices={
            "单位类别": list(OrganizationKind.objects.filter(authority=authority).values_list("name", flat=True)),
            "状态": list(STATUS_BY_LABEL),
        },
        notes=_notes([]),
        footer=footer,
        text_columns=CODE_COLUMNS,
    )
    audit_record(actor=actor, action="organization.export", authority=authority, detail={"rows": len(rows)})
    return data


def _notes(kinds: list[str]) -> list[str]:
    return [
        "党组织名册导入说明",
        "1. 第一行为列名，请勿修改；红色列为必填。每行一个党组织。",
        "2. 单位编码在本机构内唯一；再次导入时按单位编码更新已有单位，相同内容不会重复写入。",
        "3. 上级单位编码填写上级党组织的单位编码（如村党组织填写所属乡镇党委的编码），可引用本表或系统中已有的单位。",
        "4. 状态填写：正常、已合并、已撤销；留空视为正常。",
        "   已合并须填写撤销或并入日期和并入单位编码，已撤销须填写撤销或并入日期。",
        "5. 日期格式：2025-09-30。",
        "   单位编码等编码列已设为“文本”格式，请保持；若编码被 Excel 存成了数字（显示为 9.13607E+17 之类，"
        "或开头的 0 不见了），导入会拒绝该行，请把该列设为“文本”后重新输入。",
        *(["6. 单位类别可选：" + "、".join(kinds)] if kinds else []),
        "7. 导入前系统会逐行检查，只要有一处错误，整个文件都不会写入。",
    ]


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value) -> datetime.date | None | str:
    """A date, None for empty, or an error message."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    m = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", text)
    if m:
        try:
            return datetime.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            pass
    return f"“{text}”不是有效日期，请按 2025-09-30 的格式填写。"


def organizations_import(*, actor, authority: Authority, data: bytes, dry_run: bool = False) -> ImportResult:
    """Check every row of an .xlsx; unless ``dry_run`` and if all rows are good, write them.

    Returns the row errors (nothing written) or the counts. Raises
    ``PermissionDenied`` unless ``actor`` is the office of ``authority``.
    """
    access.check_authority(actor, "change", Organization, authority)
    result = ImportResult()
    try:
        rows = read_rows(data)
    except SpreadsheetRejected as e:
        result.errors.append(RowError(0, "", str(e)))
        return result
    parsed = _parse(rows, authority, result)
    if result.errors:
        return result
    with transaction.atomic():
        _apply(actor, authority, parsed, result)
        if dry_run:
            transaction.set_rollback(True)
        else:
            audit_record(
                actor=actor,
                action="organization.import",
                authority=authority,
                detail={"created": result.created, "updated": result.updated, "unchanged": result.unchanged},
            )
    return result


def _parse(rows: list[tuple], authority: Authority, result: ImportResult) -> list[dict]:
    err = result.errors
    if not rows or not any(_text(v) for v in rows[0]):
        err.append(RowError(1, "", "文件为空或缺少列名行，请使用下载的模板。"))
        return []
    header = [_text(v) for v in rows[0]]
    while header and not header[-1]:
        header.pop()
    for name in REQUIRED:
        if name not in header:
            err.append(RowError(1, name, f"缺少必填列“{name}”，请使用下载的模板。"))
    for name in header:
        if name and name not in COLUMNS:
            err.append(RowError(1, name, f"无法识别的列“{name}”，可用的列为：{'、'.join(COLUMNS)}。"))
    if len(set(h for h in header if h)) != len([h for h in header if h]):
        err.append(RowError(1, "", "列名重复，请使用下载的模板。"))
    if err:
        return []
    index = {name: header.index(name) for name in COLUMNS if name in header}
    kinds = {k.name: k for k in OrganizationKind.objects.filter(authority=authority)}
    existing = dict(Organization.objects.filter(authority=authority).values_list("code", "parent__code"))
    parsed: list[dict] = []
    first_row_of: dict[str, int] = {}
    for n, raw in enumerate(rows[1:], start=2):
        cells = {name: (raw[i] if i < len(raw) else None) for name, i in index.items()}
        if not any(_text(v) for v in cells.values()):
            continue
        rec: dict[str, Any] = {"row": n}
        bad: set[str] = set()  # columns already reported on this row
        start = len(err)
        for column, value in cells.items():
            if isinstance(value, Formula):
                err.append(RowError(n, column, formula_message(value)))
                bad.add(column)
            elif column in CODE_COLUMNS:
                problem = code_text(value)[1]
                if problem:
                    err.append(RowError(n, column, problem))
                    bad.add(column)
        if bad:
            cells = {k: (None if k in bad else v) for k, v in cells.items()}
        code = _text(cells.get("单位编码"))
        name = _text(cells.get("单位名称"))
        if not code:
            err.append(RowError(n, "单位编码", "单位编码不能为空。"))
        elif not CODE_RE.match(code):
            err.append(RowError(n, "单位编码", f"单位编码“{code}”只能由字母、数字、点、横线和下划线组成，最长 40 位。"))
        elif code in first_row_of:
            err.append(RowError(n, "单位编码", f"单位编码“{code}”与第 {first_row_of[code]} 行重复。"))
        else:
            first_row_of[code] = n
        if not name:
            err.append(RowError(n, "单位名称", "单位名称不能为空。"))
        elif len(name) > 100:
            err.append(RowError(n, "单位名称", "单位名称不能超过 100 个字。"))
        kind_name = _text(cells.get("单位类别"))
        if not kind_name:
            err.append(RowError(n, "单位类别", "单位类别不能为空。"))
        elif kind_name not in kinds:
            err.append(RowError(n, "单位类别", f"单位类别“{kind_name}”不在类别列表中，可选：{'、'.join(kinds)}。"))
        status_label = _text(cells.get("状态")) or "正常"
        if status_label not in STATUS_BY_LABEL:
            err.append(RowError(n, "状态", f"状态“{status_label}”无效，可选：正常、已合并、已撤销。"))
        dates = {}
        for key in ("established_on", "ended_on"):
            value = _date(cells.get(FIELD_COLUMN[key]))
            if isinstance(value, str):
                err.append(RowError(n, FIELD_COLUMN[key], value))
                value = None
            dates[key] = value
        rec.update(
            code=code,
            name=name,
            kind=kinds.get(kind_name),
            parent=_text(cells.get("上级单位编码")),
            status=STATUS_BY_LABEL.get(status_label),
            merged_into=_text(cells.get("并入单位编码")),
            note=_text(cells.get("备注"))[:200],
            **dates,
        )
        if rec["status"]:
            for key, messages in status_errors(
                rec["status"], dates["established_on"], dates["ended_on"], rec["merged_into"]
            ).items():
                err.extend(RowError(n, FIELD_COLUMN[key], m) for m in messages)
        if bad:
            # A cell refused as it stands is reported once, not again as empty.
            first = start + len(bad)
            err[first:] = [e for e in err[first:] if e.column not in bad]
        parsed.append(rec)
    if not parsed and not err:
        err.append(RowError(2, "", "文件中没有数据行。"))
    known = set(existing) | set(first_row_of)
    for rec in parsed:
        for key in ("parent", "merged_into"):
            ref = rec[key]
            if ref and ref == rec["code"]:
                err.append(RowError(rec["row"], FIELD_COLUMN[key], "不能引用单位自身。"))
            elif ref and ref not in known:
                err.append(RowError(rec["row"], FIELD_COLUMN[key], f"单位编码“{ref}”在本表和系统中都不存在。"))
    # The tree after the import must have no cycle.
    parents = {**{c: p for c, p in existing.items() if p}, **{r["code"]: r["parent"] for r in parsed if r["code"]}}
    parents = {c: p for c, p in parents.items() if p}
    reported: set[str] = set()
    for rec in parsed:
        chain, node = [rec["code"]], parents.get(rec["code"])
        while node and node not in chain and len(chain) < 10_000:
            chain.append(node)
            node = parents.get(node)
        if node and node == rec["code"] and rec["code"] not in reported:
            reported.update(chain)
            err.append(RowError(rec["row"], "上级单位编码", f"上级关系形成循环：{' → '.join(chain + [node])}。"))
    return parsed


def _apply(actor, authority: Authority, parsed: list[dict], result: ImportResult) -> None:
    """Write the checked rows, with an audit event for each organisation created or changed."""
    qs = Organization.objects.filter(authority=authority).select_related("kind", "parent", "merged_into")
    by_code = {o.code: o for o in qs}
    before = {code: organization_snapshot(o) for code, o in by_code.items()}
    touched: dict[str, bool] = {}
    created: set[str] = set()
    for rec in parsed:
        org = by_code.get(rec["code"])
        values = {k: rec[k] for k in ("name", "kind", "status", "established_on", "ended_on", "note")}
        if org is None:
            org = Organization(authority=authority, code=rec["code"], **values)
            org.save()
            by_code[org.code] = org
            touched[org.code] = True
            created.add(org.code)
            result.created += 1
        else:
            changed = [k for k, v in values.items() if getattr(org, k) != v]
            for k in changed:
                setattr(org, k, values[k])
            if changed:
                org.save()
            touched[org.code] = bool(changed)
    for rec in parsed:
        org = by_code[rec["code"]]
        parent = by_code[rec["parent"]] if rec["parent"] else None
        merged = by_code[rec["merged_into"]] if rec["merged_into"] else None
        if org.parent_id != (parent.pk if parent else None) or org.merged_into_id != (merged.pk if merged else None):
            org.parent, org.merged_into = parent, merged
            org.save(update_fields=["parent", "merged_into", "updated_at"])
            touched[org.code] = True
    for code, was_touched in touched.items():
        if not was_touched:
            continue
        org, after = by_code[code], organization_snapshot(by_code[code])
        if code in created:
            audit_record(actor=actor, action="organization.create", obj=org, detail={**after, "via": "import"})
        else:
            diff = {k: [before[code][k], after[k]] for k in after if before[code][k] != after[k]}
            audit_record(actor=actor, action="organization.update", obj=org, detail={"changes": diff, "via": "import"})
    result.updated = sum(1 for code, changed in touched.items() if changed and code not in created)
    result.unchanged = len(parsed) - result.created - result.updated
