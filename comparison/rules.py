"""Comparison rules as data (decision 0008): validation, the labels a hit shows, the standard library.

A rule is a JSON object::

    {"roles": {role: {"label": 中文名, "fields": [...]}, ...},     # one or two datasets
     "link": {"left": role, "right": role, "on": ..., "fuzzy": 0.99 | null},  # two roles
     "where": [condition, ...],
     "group": {"by": ["role.field", ...], "min_count": 2, "fuzzy": 0.99 | null} | null,  # one role
     "show": ["role.field" | {"field": "role.field", "label": 中文}, ...]}

A group counts the rows of one person by canonical ID; with ``group.fuzzy`` a row without a
usable ID joins the person its Splink match above that threshold names (the hit is then fuzzy).
``link.on`` is ``"person"`` (the same person: exact on the canonical ID, then fuzzy with Splink
above ``fuzzy`` when that is set), a list of fields that must be equal on both sides
(``["household", "village"]``), or a list of such alternatives, any of which links
(``["person", ["household", "village"]]``).

Conditions name fields as ``role.field``. A field against a value: ``eq``, ``ne``, ``gt``,
``ge``, ``lt``, ``le`` (``value``), ``in``, ``not_in`` (``values``), ``contains`` (``value``, or
``values``: any of them), ``empty``, ``not_empty``; ``if_present: true`` lets an empty field
pass. Two fields: ``overlap`` (``left``/``right``: [start, end]; an empty start or end is open;
both ends count, so periods that meet on one day overlap and periods that only follow each
other do not), ``months_after`` (``month`` at least ``min`` calendar months after ``date``,
counted as year*12+month; ``if_empty: true`` lets an empty month pass, as an end still running),
``before``, ``after`` (``left`` earlier/later than ``right``; ``if_present`` as above).
Optional ``labels`` name what a condition adds to a hit's summary: ``overlap`` [left, right],
``months_after`` {"months": …, "amount": …}; ``group`` {"count": …, "amount": …}.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from typing import Any

from comparison.fields import BY_KEY


class RuleError(ValueError):
    """A rule definition, or the datasets given to it, that cannot run; the message is Chinese."""


# Fields a condition may name beyond the canonical ones: what normalising adds.
EXTRA_FIELDS: dict[str, tuple[str, str]] = {
    "id_status": ("身份证号状态", "text"),
    "name_norm": ("规范姓名", "text"),
    "name_key": ("姓名拼音键", "text"),
    "credit_code_valid": ("信用代码有效", "bool"),
    "row_no": ("行号", "int"),
}
VALUE_OPS = {"eq", "ne", "gt", "ge", "lt", "le", "in", "not_in", "contains", "empty", "not_empty"}
PAIR_OPS = {"overlap", "months_after", "before", "after"}
OPS = VALUE_OPS | PAIR_OPS
DATE_KINDS = {"date", "month"}
_ROLE_RE = re.compile(r"^[a-z][a-z0-9_]{0,30}$")


def field_label(field: str) -> str:
    if field in BY_KEY:
        return BY_KEY[field].label
    return EXTRA_FIELDS[field][0]


def field_kind(field: str) -> str:
    if field in BY_KEY:
        return BY_KEY[field].kind
    return EXTRA_FIELDS[field][1]


def split_ref(ref: str) -> tuple[str, str]:
    role, _, field = ref.partition(".")
    return role, field


def link_alternatives(on: Any) -> list[str | list[str]]:
    """``link.on`` as a list of alternatives, each ``"person"`` or a list of fields."""
    if on == "person":
        return ["person"]
    if isinstance(on, list) and on and all(isinstance(x, str) and x != "person" for x in on):
        return [list(on)]
    return list(on)


def _ref(part: str, roles: dict[str, Any], ref: Any, kinds: set[str] | None = None) -> str:
    if not isinstance(ref, str) or "." not in ref:
        raise RuleError(f"{part}：字段应写作“数据集.字段”，而不是“{ref}”")
    role, field = split_ref(ref)
    if role not in roles:
        raise RuleError(f"{part}：字段“{ref}”所属的数据集“{role}”不在规则的数据集中")
    if field not in BY_KEY and field not in EXTRA_FIELDS:
        raise RuleError(f"{part}：字段“{ref}”不存在")
    if kinds is not None and field_kind(field) not in kinds:
        raise RuleError(f"{part}：字段“{ref}”（{field_label(field)}）不是日期，不能用于日期比较")
    return ref


def _value(part: str, field: str, value: Any) -> Any:
    kind = field_kind(field)
    label = field_label(field)
    if kind in DATE_KINDS:
        text = str(value)
        try:
            dt.date.fromisoformat(text + "-01" if len(text) == 7 else text)
        except ValueError:
            raise RuleError(f"{part}：“{label}”的值“{value}”不是日期（应写作 2023-05-01 或 2023-05）") from None
        return text
    if kind in {"amount", "year", "int"}:
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise RuleError(f"{part}：“{label}”的值“{value}”不是数字")
        try:
            number = float(value)
        except ValueError:
            raise RuleError(f"{part}：“{label}”的值“{value}”不是数字") from None
        if kind != "amount" and number != int(number):
            raise RuleError(f"{part}：“{label}”的值“{value}”不是整数")
        return value
    if kind == "bool":
        if not isinstance(value, bool):
            raise RuleError(f"{part}：“{label}”的值应为 true 或 false")
        return value
    if not isinstance(value, str) or not value:
        raise RuleError(f"{part}：“{label}”的值应为非空文字")
    return value


def _condition(n: int, roles: dict[str, Any], cond: Any) -> None:
    part = f"条件第{n}条"
    if not isinstance(cond, dict):
        raise RuleError(f"{part}：应为一个对象")
    op = cond.get("op")
    if op not in OPS:
        raise RuleError(f"{part}：不认识的比较方式“{op}”")
    if op in VALUE_OPS:
        _ref(part, roles, cond.get("field"))
        field = split_ref(cond["field"])[1]
        if op in {"in", "not_in"} or (op == "contains" and "values" in cond):
            values = cond.get("values")
            if not isinstance(values, list) or not values:
                raise RuleError(f"{part}：“{op}”需要一组值（values）")
            for value in values:
                _value(part, field, value)
        elif op not in {"empty", "not_empty"}:
            if "value" not in cond:
                raise RuleError(f"{part}：“{op}”需要一个值（value）")
            _value(part, field, cond["value"])
        if op == "contains" and field_kind(field) not in {"text", "id", "credit_code", "sex"}:
            raise RuleError(f"{part}：“{field_label(field)}”不是文字，不能用“包含”")
    elif op == "overlap":
        for side in ("left", "right"):
            period = cond.get(side)
            if not isinstance(period, list) or len(period) != 2:
                raise RuleError(f"{part}：“overlap”的 {side} 应为 [起始日期, 终止日期]")
            for ref in period:
                _ref(part, roles, ref, DATE_KINDS)
            if split_ref(period[0])[0] != split_ref(period[1])[0]:
                raise RuleError(f"{part}：一个期间的起止日期应来自同一个数据集")
    elif op == "months_after":
        _ref(part, roles, cond.get("month"), DATE_KINDS)
        _ref(part, roles, cond.get("date"), DATE_KINDS)
        minimum = cond.get("min")
        if isinstance(minimum, bool) or not isinstance(minimum, int) or minimum < 0:
            raise RuleError(f"{part}：“months_after”的 min 应为不小于 0 的整数（月数）")
    else:
        _ref(part, roles, cond.get("left"), DATE_KINDS)
        _ref(part, roles, cond.get("right"), DATE_KINDS)


def rule_validate(definition: dict[str, Any]) -> dict[str, Any]:
    """Check a rule definition against the fields; answer it with its defaults filled in.

    Raises ``RuleError`` with a Chinese message naming the part at fault."""
    if not isinstance(definition, dict):
        raise RuleError("规则定义应为一个对象")
    rule = copy.deepcopy(definition)
    unknown = set(rule) - {"roles", "link", "where", "group", "show"}
    if unknown:
        raise RuleError(f"规则定义：不认识的部分“{'、'.join(sorted(unknown))}”")
    roles = rule.get("roles")
    if not isinstance(roles, dict) or not 1 <= len(roles) <= 2:
        raise RuleError("数据集：规则应使用一个或两个数据集")
    for role, spec in roles.items():
        if not isinstance(role, str) or not _ROLE_RE.match(role):
            raise RuleError(f"数据集：名称“{role}”应为小写英文字母开头的字母、数字或下划线")
        if not isinstance(spec, dict) or not isinstance(spec.get("label"), str) or not spec["label"].strip():
            raise RuleError(f"数据集“{role}”：缺少中文名称（label）")
        for field in spec.get("fields") or []:
            if field not in BY_KEY:
                raise RuleError(f"数据集“{role}”：字段“{field}”不存在")
    rule.setdefault("where", [])
    rule.setdefault("group", None)
    rule.setdefault("show", [])
    rule.setdefault("link", None)

    link = rule["link"]
    if len(roles) == 2:
        if not isinstance(link, dict):
            raise RuleError("关联：两个数据集的规则需要说明如何关联（link）")
        if link.get("left") not in roles or link.get("right") not in roles or link["left"] == link["right"]:
            raise RuleError("关联：left 和 right 应分别是规则的两个数据集")
        alternatives = link_alternatives(link.get("on", "person"))
        if not alternatives:
            raise RuleError('关联：on 应为 "person" 或一组字段')
        for alt in alternatives:
            if alt == "person":
                continue
            if not isinstance(alt, list) or not alt:
                raise RuleError('关联：on 应为 "person"、一组字段或它们的组合')
            for field in alt:
                if not isinstance(field, str) or field not in BY_KEY:
                    raise RuleError(f"关联：字段“{field}”不存在")
        link.setdefault("on", "person")
        if not _threshold_ok(link.setdefault("fuzzy", None)):
            raise RuleError("关联：模糊匹配阈值（fuzzy）应为 0 和 1 之间的小数，或留空表示只按身份证号精确匹配")
        if rule["group"] is not None:
            raise RuleError("分组：只有一个数据集的规则才能分组")
    else:
        if link is not None:
            raise RuleError("关联：只有一个数据集的规则不需要关联")
        group = rule["group"]
        if not isinstance(group, dict):
            raise RuleError("分组：一个数据集的规则需要分组（group），例如同一人同一补贴同一年")
        by = group.get("by")
        if not isinstance(by, list) or not by:
            raise RuleError("分组：by 应为一组字段")
        for ref in by:
            _ref("分组", roles, ref)
        min_count = group.setdefault("min_count", 2)
        if isinstance(min_count, bool) or not isinstance(min_count, int) or min_count < 2:
            raise RuleError("分组：min_count 应为不小于 2 的整数")
        if not _threshold_ok(group.setdefault("fuzzy", None)):
            raise RuleError("分组：模糊匹配阈值（fuzzy）应为 0 和 1 之间的小数，或留空表示只按身份证号分组")

    if not isinstance(rule["where"], list):
        raise RuleError("条件：应为一组条件")
    for n, cond in enumerate(rule["where"], start=1):
        _condition(n, roles, cond)

    if not isinstance(rule["show"], list):
        raise RuleError("展示：应为一组字段")
    shown = []
    for n, item in enumerate(rule["show"], start=1):
        ref = _ref(f"展示第{n}项", roles, item.get("field") if isinstance(item, dict) else item)
        label = item.get("label") if isinstance(item, dict) else None
        if label is not None and (not isinstance(label, str) or not label.strip()):
            raise RuleError(f"展示第{n}项：名称（label）应为非空文字")
        shown.append({"field": ref, "label": label or _default_label(rule, ref)})
    rule["show"] = shown
    labels = summary_labels(rule)
    if len(set(labels)) != len(labels):
        raise RuleError("展示：两项的名称相同，请为其中一项写一个不同的名称（label）")
    return rule


def _threshold_ok(value: Any) -> bool:
    return value is None or (not isinstance(value, bool) and isinstance(value, (int, float)) and 0 < value < 1)


def _default_label(rule: dict[str, Any], ref: str) -> str:
    role, field = split_ref(ref)
    if len(rule["roles"]) == 1:
        return field_label(field)
    return f"{rule['roles'][role]['label']}·{field_label(field)}"


def condition_labels(rule: dict[str, Any], cond: dict[str, Any]) -> list[str]:
    """The summary labels a condition adds to a hit (periods, months and amounts), in order."""
    labels = cond.get("labels")
    if cond["op"] == "overlap":
        if isinstance(labels, list) and len(labels) == 2:
            return [str(x) for x in labels]
        return [f"{rule['roles'][split_ref(cond[side][0])[0]]['label']}期间" for side in ("left", "right")]
    if cond["op"] == "months_after":
        labels = labels if isinstance(labels, dict) else {}
        role = split_ref(cond["month"])[0]
        out = [labels.get("months", "超期月份")]
        if _role_has_amount(rule, role):
            out.append(labels.get("amount", "超期金额"))
        return out
    return []


def group_labels(rule: dict[str, Any]) -> list[str]:
    group = rule.get("group")
    if not group:
        return []
    labels = group.get("labels") if isinstance(group.get("labels"), dict) else {}
    role = next(iter(rule["roles"]))
    out = [labels.get("count", "次数")]
    if _role_has_amount(rule, role):
        out.append(labels.get("amount", "金额合计"))
    return out


def _role_has_amount(rule: dict[str, Any], role: str) -> bool:
    fields = rule["roles"][role].get("fields")
    return not fields or "amount" in fields


def summary_labels(rule: dict[str, Any]) -> list[str]:
    """The keys of a hit's summary, in the order the CSV and the pages show them."""
    labels = [item["label"] for item in rule["show"]]
    for cond in rule["where"]:
        labels += condition_labels(rule, cond)
    return labels + group_labels(rule)


_WELFARE = {"label": "低保、特困人员名单", "fields": ["name", "subsidy_kind", "start_date", "end_date", "township"]}
_KINDS = {"op": "in", "field": "welfare.subsidy_kind", "values": ["低保", "特困"], "if_present": True}
_WELFARE_PERIOD = ["welfare.start_date", "welfare.end_date"]
_DEATHS = {"label": "死亡人员名单", "fields": ["name", "death_date"]}

STANDARD: dict[str, dict[str, Any]] = {
    "welfare_vs_payroll": {
        "name": "财政供养人员违规享受低保、特困",
        "description": "享受低保或特困供养的期间与在财政供养单位任职的期间（入职至离职，未离职为至今）重叠。",
        "hit": "领取低保、特困期间同时为财政供养人员",
        "definition": {
            "roles": {
                "welfare": _WELFARE,
                "payroll": {"label": "财政供养人员名单", "fields": ["name", "unit", "start_date", "end_date"]},
            },
            "link": {"left": "welfare", "right": "payroll", "on": "person", "fuzzy": 0.99},
            "where": [
                _KINDS,
                {
                    "op": "overlap",
                    "left": _WELFARE_PERIOD,
                    "right": ["payroll.start_date", "payroll.end_date"],
                    "labels": ["享受期间", "供养期间"],
                },
            ],
            "show": [
                {"field": "welfare.subsidy_kind", "label": "救助类别"},
                {"field": "welfare.township", "label": "乡镇"},
                {"field": "payroll.unit", "label": "供养单位"},
            ],
        },
    },
    "death_vs_pension": {
        "name": "死亡后冒领养老金",
        "description": "死亡当月的次月之后（死亡月份后第二个月起）仍有养老金发放：三月死亡，四月的发放不算，五月起算。",
        "hit": "死亡后仍在发放养老金，列出超期月份和多发金额",
        "definition": {
            "roles": {
                "deaths": _DEATHS,
                "pensions": {"label": "养老金发放明细", "fields": ["name", "pay_month", "amount"]},
            },
            "link": {"left": "deaths", "right": "pensions", "on": "person", "fuzzy": 0.99},
            "where": [
                {
                    "op": "months_after",
                    "month": "pensions.pay_month",
                    "date": "deaths.death_date",
                    "min": 2,
                    "labels": {"months": "死亡后发放月份", "amount": "多发金额"},
                }
            ],
            "show": [{"field": "deaths.death_date", "label": "死亡日期"}],
        },
    },
    "payroll_vs_business": {
        "name": "财政供养人员经商办企业",
        "description": "在职（未离职）的财政供养人员在登记的市场主体中任法定代表人、股东或监事。",
        "hit": "在职财政供养人员经商办企业",
        "definition": {
            "roles": {
                "payroll": {"label": "财政供养人员名单", "fields": ["name", "unit", "start_date", "end_date"]},
                "business": {
                    "label": "市场主体登记人员",
                    "fields": ["name", "company", "credit_code", "position"],
                },
            },
            "link": {"left": "payroll", "right": "business", "on": "person", "fuzzy": 0.99},
            "where": [
                {"op": "empty", "field": "payroll.end_date"},
                {"op": "contains", "field": "business.position", "values": ["法定代表人", "股东", "监事"]},
            ],
            "show": [
                {"field": "payroll.unit", "label": "供养单位"},
                {"field": "business.company", "label": "企业名称"},
                {"field": "business.credit_code", "label": "统一社会信用代码"},
                {"field": "business.position", "label": "职务/身份"},
            ],
        },
    },
    "duplicate_subsidy": {
        "name": "同一补贴重复发放",
        "description": "同一人同一年度同一类补贴发放了不止一次。",
        "hit": "同一人同年同类补贴重复领取",
        "definition": {
            "roles": {
                "subsidies": {
                    "label": "补贴发放名单",
                    "fields": ["name", "subsidy_kind", "year", "amount", "pay_month", "unit"],
                }
            },
            "group": {
                "by": ["subsidies.subsidy_kind", "subsidies.year"],
                "min_count": 2,
                "fuzzy": 0.99,
                "labels": {"count": "发放次数", "amount": "发放金额合计"},
            },
            "show": [
                {"field": "subsidies.subsidy_kind", "label": "补贴类型"},
                {"field": "subsidies.year", "label": "年度"},
                {"field": "subsidies.pay_month", "label": "发放月份"},
                {"field": "subsidies.unit", "label": "发放单位"},
            ],
        },
    },
    "welfare_vs_village_cadres": {
        "name": "村（社区）干部及其家庭违规享受低保、特困",
        "description": "村（社区）干部本人，或与其同村同户号的家庭，在其任职期间享受低保或特困供养。",
        "hit": "村干部本人或其家庭享受低保、特困",
        "definition": {
            "roles": {
                "welfare": {**_WELFARE, "fields": [*_WELFARE["fields"], "village", "household"]},
                "cadres": {
                    "label": "村（社区）干部名单",
                    "fields": ["name", "village", "household", "position", "start_date", "end_date"],
                },
            },
            "link": {"left": "welfare", "right": "cadres", "on": ["person", ["household", "village"]], "fuzzy": 0.99},
            "where": [
                _KINDS,
                {
                    "op": "overlap",
                    "left": _WELFARE_PERIOD,
                    "right": ["cadres.start_date", "cadres.end_date"],
                    "labels": ["享受期间", "任职期间"],
                },
            ],
            "show": [
                {"field": "welfare.subsidy_kind", "label": "救助类别"},
                {"field": "welfare.village", "label": "村（社区）"},
                {"field": "welfare.household", "label": "户号"},
                {"field": "cadres.name", "label": "村干部姓名"},
                {"field": "cadres.position", "label": "村干部职务"},
            ],
        },
    },
    "welfare_vs_vehicles": {
        "name": "享受低保、特困期间登记有机动车",
        "description": "享受低保或特困供养的期间内，本人名下登记有机动车（登记至注销，未注销为至今）。",
        "hit": "享受低保、特困期间名下有车",
        "definition": {
            "roles": {
                "welfare": _WELFARE,
                "vehicles": {"label": "机动车登记信息", "fields": ["name", "plate", "start_date", "end_date"]},
            },
            "link": {"left": "welfare", "right": "vehicles", "on": "person", "fuzzy": 0.99},
            "where": [
                _KINDS,
                {
                    "op": "overlap",
                    "left": _WELFARE_PERIOD,
                    "right": ["vehicles.start_date", "vehicles.end_date"],
                    "labels": ["享受期间", "车辆登记期间"],
                },
            ],
            "show": [
                {"field": "welfare.subsidy_kind", "label": "救助类别"},
                {"field": "welfare.township", "label": "乡镇"},
                {"field": "vehicles.plate", "label": "号牌号码"},
            ],
        },
    },
    "welfare_vs_property": {
        "name": "享受低保、特困期间登记有不动产",
        "description": "享受低保或特困供养的期间内，本人名下登记有不动产（登记至注销，未注销为至今）。",
        "hit": "享受低保、特困期间名下有房产",
        "definition": {
            "roles": {
                "welfare": _WELFARE,
                "properties": {
                    "label": "不动产登记信息",
                    "fields": ["name", "property", "start_date", "end_date"],
                },
            },
            "link": {"left": "welfare", "right": "properties", "on": "person", "fuzzy": 0.99},
            "where": [
                _KINDS,
                {
                    "op": "overlap",
                    "left": _WELFARE_PERIOD,
                    "right": ["properties.start_date", "properties.end_date"],
                    "labels": ["享受期间", "不动产登记期间"],
                },
            ],
            "show": [
                {"field": "welfare.subsidy_kind", "label": "救助类别"},
                {"field": "welfare.township", "label": "乡镇"},
                {"field": "properties.property", "label": "不动产单元号"},
            ],
        },
    },
    "death_vs_welfare": {
        "name": "死亡后仍享受低保、特困",
        "description": "死亡月份后第二个月起仍在享受低保或特困供养（享受终止时间为空，或在此之后）。",
        "hit": "死亡后仍享受低保、特困",
        "definition": {
            "roles": {"deaths": _DEATHS, "welfare": _WELFARE},
            "link": {"left": "deaths", "right": "welfare", "on": "person", "fuzzy": 0.99},
            "where": [
                _KINDS,
                {"op": "before", "left": "welfare.start_date", "right": "deaths.death_date", "if_present": True},
                {
                    "op": "months_after",
                    "month": "welfare.end_date",
                    "date": "deaths.death_date",
                    "min": 2,
                    "if_empty": True,
                    "labels": {"months": "享受至"},
                },
            ],
            "show": [
                {"field": "deaths.death_date", "label": "死亡日期"},
                {"field": "welfare.subsidy_kind", "label": "救助类别"},
                {"field": "welfare.township", "label": "乡镇"},
            ],
        },
    },
}
