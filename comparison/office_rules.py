"""The office's own comparison rules (本机构规则): written in a form (or posted to the API)
as a rule definition (decision 0008), checked, and stored as versions.

A rule is a chain of ``Rule`` rows with one ``key`` in an authority; rows are never edited:
``rule_create`` writes version 1, ``rule_revise`` writes version n+1 under the same key, and a
run keeps the version it ran (``comparison.runs``). Each write is the data officer's step
``rule.write``, is checked with ``rules.rule_validate`` and by ``rule_check`` (a field a
condition, the link, the grouping or the display names must be one the dataset was declared
to hold), and is audited (``rule.write``).

``rule_text`` renders a definition in Chinese for the pages (datasets, link, conditions,
grouping, what a hit shows): nobody is shown JSON.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, QuerySet
from django.http import Http404
from django.utils.text import slugify

from comparison import rules
from comparison.datasets import officer_authority
from comparison.models import Rule
from core import access
from core.audit import audit_record

STEP = "rule.write"
RESERVED = {"new"}  # a page's path under /comparison/rules/
KEY_RE = re.compile(r"^[a-z][a-z0-9_-]{1,59}$")


# Who and what ---------------------------------------------------------------------------------


def may_write(user: Any) -> bool:
    return access.may_somewhere(user, STEP)


def rules_own_for(*, user: Any) -> QuerySet[Rule]:
    """Every version of the office's own rules in the user's sight (the data officer's own authority)."""
    return access.restrict(Rule.objects.select_related("created_by"), user)


def rules_latest(*, user: Any) -> list[Rule]:
    """Each own rule at its latest version, with ``versions`` (how many) set on it, by name."""
    seen = rules_own_for(user=user)
    counts = {row["key"]: (row["v"], row["n"]) for row in seen.values("key").annotate(v=Max("version"), n=Count("id"))}
    latest = []
    for rule in seen.filter(key__in=counts.keys()):
        version, n = counts[rule.key]
        if rule.version == version:
            rule.versions = n  # type: ignore[attr-defined]  # for the list page
            latest.append(rule)
    return sorted(latest, key=lambda r: (r.name, r.key))


def rule_versions(*, user: Any, key: str) -> list[Rule]:
    """The versions of own rule ``key``, newest first; ``Http404`` when there is none in sight."""
    found = list(rules_own_for(user=user).filter(key=key).order_by("-version"))
    if not found:
        raise Http404
    return found


# Checking ---------------------------------------------------------------------------------------


def _invalid(message: str, field: str = "definition", code: str = "invalid") -> ValidationError:
    return ValidationError({field: [ValidationError(message, code=code)]})


def _declared(rule: dict[str, Any], part: str, ref: str) -> None:
    role, name = rules.split_ref(ref)
    fields = rule["roles"][role].get("fields") or []
    if fields and name in rules.BY_KEY and name not in fields and name != "id_number":
        label = rule["roles"][role]["label"]
        raise rules.RuleError(
            f"{part}：数据集“{label}”没有“{rules.field_label(name)}”这一字段，请在该数据集应有的字段中勾选，或改选其他字段"
        )


def _condition_refs(cond: dict[str, Any]) -> list[str]:
    op = cond["op"]
    if op == "overlap":
        return [*cond["left"], *cond["right"]]
    if op == "months_after":
        return [cond["month"], cond["date"]]
    if op in ("before", "after"):
        return [cond["left"], cond["right"]]
    return [cond["field"]]


def rule_check(definition: Any) -> dict[str, Any]:
    """A definition checked by ``rules.rule_validate`` and against the fields each dataset is
    declared to hold; answers it with its defaults filled in. Raises ``RuleError``."""
    rule = rules.rule_validate(definition)
    for n, cond in enumerate(rule["where"], start=1):
        for ref in _condition_refs(cond):
            _declared(rule, f"条件第{n}条", ref)
    for ref in (rule.get("group") or {}).get("by") or []:
        _declared(rule, "分组", ref)
    link = rule.get("link")
    if link:
        for alt in rules.link_alternatives(link["on"]):
            if alt != "person":
                for name in alt:
                    for role in (link["left"], link["right"]):
                        _declared(rule, "关联", f"{role}.{name}")
    for n, item in enumerate(rule["show"], start=1):
        _declared(rule, f"展示第{n}项", item["field"])
    return rule


def _checked(name: str, description: str, definition: Any) -> tuple[str, str, dict[str, Any]]:
    name = (name or "").strip()
    description = (description or "").strip()
    if not name:
        raise _invalid("请填写规则名称。", "name")
    if len(name) > 100:
        raise _invalid("规则名称不能超过 100 个字。", "name")
    try:
        rule = rule_check(definition)
    except rules.RuleError as e:
        raise _invalid(str(e)) from e
    return name, description, rule


def key_for(name: str, taken: set[str]) -> str:
    """A key for a new rule: its name in pinyin (``di-bao-yu-che-liang``), unique in ``taken``
    and never a standard rule's."""
    from pypinyin import lazy_pinyin

    base = slugify("-".join(lazy_pinyin(name)))[:50].strip("-") or "rule"
    if not base[0].isalpha():
        base = f"rule-{base}"[:50]
    key, n = base, 2
    while key in taken or key in rules.STANDARD or key in RESERVED:
        key, n = f"{base}-{n}", n + 1
    return key


# Writing ---------------------------------------------------------------------------------------


def rule_create(*, actor: Any, name: str, description: str, definition: dict[str, Any], key: str | None = None) -> Rule:
    """Version 1 of a new rule of the actor's authority; ``key`` is made from the name unless given."""
    authority = officer_authority(actor, STEP)
    name, description, rule = _checked(name, description, definition)
    own = Rule.objects.filter(authority=authority)
    if own.filter(name=name).exists() or name in {r["name"] for r in rules.STANDARD.values()}:
        raise _invalid(f"已有名为“{name}”的规则，请换一个名称，或修改原规则。", "name", "duplicate")
    taken = set(own.values_list("key", flat=True))
    if key is None:
        key = key_for(name, taken)
    elif not KEY_RE.match(key):
        raise _invalid("规则标识应为小写英文字母开头的字母、数字、下划线或连字符（2 至 60 个）。", "key")
    elif key in taken or key in rules.STANDARD or key in RESERVED:
        raise _invalid(f"规则标识“{key}”已被使用。", "key", "duplicate")
    try:
        with transaction.atomic():
            created = Rule.objects.create(
                authority=authority,
                key=key,
                version=1,
                name=name,
                description=description,
                definition=rule,
                created_by=actor,
            )
            audit_record(actor=actor, action=STEP, obj=created, detail={"key": key, "version": 1, "name": name})
    except IntegrityError:
        raise _invalid("该规则刚被他人写入，请刷新后重试。", "key", "stale") from None
    return created


def rule_revise(*, actor: Any, rule: Rule, name: str, description: str, definition: dict[str, Any]) -> Rule:
    """Version n+1 of ``rule`` (any of its versions), under the same key; earlier versions stay
    as they were, and the runs that ran them keep saying so."""
    access.require(actor, STEP, rule)
    name, description, checked = _checked(name, description, definition)
    try:
        with transaction.atomic():
            chain = Rule.objects.select_for_update().filter(authority_id=rule.authority_id, key=rule.key)
            latest = chain.order_by("-version").first()
            assert latest is not None
            if (latest.name, latest.description, latest.definition) == (name, description, checked):
                raise _invalid("规则未作任何修改。", "__all__")
            other = Rule.objects.filter(authority_id=rule.authority_id, name=name).exclude(key=rule.key)
            if other.exists() or name in {r["name"] for r in rules.STANDARD.values()}:
                raise _invalid(f"已有名为“{name}”的规则，请换一个名称。", "name", "duplicate")
            revised = Rule.objects.create(
                authority_id=rule.authority_id,
                key=rule.key,
                version=latest.version + 1,
                name=name,
                description=description,
                definition=checked,
                created_by=actor,
            )
            audit_record(
                actor=actor,
                action=STEP,
                obj=revised,
                detail={"key": rule.key, "version": revised.version, "name": name, "previous": latest.version},
            )
    except IntegrityError:
        raise _invalid("该规则刚被他人修改，请刷新后重试。", "__all__", "stale") from None
    return revised


# In Chinese ---------------------------------------------------------------------------------------

OP_WORDS = {
    "eq": "等于",
    "ne": "不等于",
    "gt": "大于",
    "ge": "不小于",
    "lt": "小于",
    "le": "不大于",
    "in": "属于",
    "not_in": "不属于",
    "contains": "包含",
    "empty": "为空",
    "not_empty": "不为空",
    "overlap": "期间重叠",
    "months_after": "晚于至少N个月",
    "before": "早于",
    "after": "晚于",
}


@dataclass
class RuleText:
    """A definition in Chinese: one line per part."""

    datasets: list[tuple[str, str]] = field(default_factory=list)  # (label, its fields)
    link: str = ""
    group: str = ""
    conditions: list[str] = field(default_factory=list)
    show: list[str] = field(default_factory=list)


def _q(text: Any) -> str:
    return f"“{text}”"


def _ref_text(rule: dict[str, Any], ref: str) -> str:
    role, name = rules.split_ref(ref)
    spec = rule["roles"].get(role) or {}
    label = rules.field_label(name) if (name in rules.BY_KEY or name in rules.EXTRA_FIELDS) else name
    if len(rule["roles"]) == 1:
        return _q(label)
    return f"{spec.get('label') or role}的{_q(label)}"


def condition_text(rule: dict[str, Any], cond: dict[str, Any]) -> str:
    op = str(cond.get("op"))
    if op == "overlap":
        (ls, le), (rs, re_) = cond["left"], cond["right"]
        return (
            f"{_ref_text(rule, ls)}至{_ref_text(rule, le)}的期间，与{_ref_text(rule, rs)}至{_ref_text(rule, re_)}"
            "的期间有重叠（终止日期为空视为至今）"
        )
    if op == "months_after":
        text = f"{_ref_text(rule, cond['month'])}比{_ref_text(rule, cond['date'])}晚至少 {cond['min']} 个月"
        return text + ("（前者为空时也算）" if cond.get("if_empty") else "")
    if op in ("before", "after"):
        text = f"{_ref_text(rule, cond['left'])}{OP_WORDS[op]}{_ref_text(rule, cond['right'])}"
        return text + ("（任一为空时不限）" if cond.get("if_present") else "")
    subject = _ref_text(rule, cond["field"])
    if op in ("empty", "not_empty"):
        return f"{subject}{OP_WORDS[op]}"
    values = cond.get("values")
    if values:
        shown = "、".join(_q(v) for v in values)
        text = f"{subject}{OP_WORDS[op]}{shown}{'之一' if len(values) > 1 else ''}"
    else:
        text = f"{subject}{OP_WORDS.get(op, op)}{_q(cond.get('value'))}"
    return text + ("（该字段为空时不限）" if cond.get("if_present") else "")


def _fields_text(names: list[str]) -> str:
    return "、".join(rules.field_label(n) if n in rules.BY_KEY else n for n in names)


def rule_text(definition: dict[str, Any]) -> RuleText:
    """A stored (validated) definition in Chinese."""
    rule = definition
    text = RuleText()
    for spec in (rule.get("roles") or {}).values():
        text.datasets.append((spec.get("label", ""), _fields_text(spec.get("fields") or []) or "（未列出）"))
    link = rule.get("link")
    if link:
        roles = rule["roles"]
        pair = f"{roles[link['left']]['label']}与{roles[link['right']]['label']}"
        ways = []
        for alt in rules.link_alternatives(link.get("on", "person")):
            if alt == "person":
                fuzzy = link.get("fuzzy")
                how = (
                    "先按身份证号精确匹配，身份证号缺失或不可用时按姓名、出生日期、性别、乡镇模糊匹配"
                    f"（匹配概率不低于 {fuzzy}）"
                    if fuzzy
                    else "只按身份证号精确匹配"
                )
                ways.append(f"是同一人（{how}）")
            else:
                ways.append(f"{'、'.join(_q(rules.field_label(f)) for f in alt)}均相同")
        text.link = f"{pair}：{'，或'.join(ways)}"
    group = rule.get("group")
    if group:
        by = "、".join(_ref_text(rule, ref) for ref in group.get("by") or [])
        fuzzy = group.get("fuzzy")
        who = f"按身份证号，身份证号缺失或不可用时按姓名等模糊匹配，匹配概率不低于 {fuzzy}" if fuzzy else "按身份证号"
        text.group = f"同一人（{who}）且{by}均相同的记录不少于 {group.get('min_count', 2)} 条"
    text.conditions = [condition_text(rule, c) for c in rule.get("where") or []]
    for item in rule.get("show") or []:
        ref = str(item.get("field") if isinstance(item, dict) else item)
        label = item.get("label") if isinstance(item, dict) else None
        text.show.append(label or _ref_text(rule, ref).strip("“”"))
    return text


@dataclass
class StandardRule:
    key: str
    name: str
    description: str
    text: RuleText


def standard_rules() -> list[StandardRule]:
    """The standard library (read-only), each rendered in Chinese."""
    return [
        StandardRule(key, r["name"], r.get("description", ""), rule_text(rules.rule_validate(r["definition"])))
        for key, r in rules.STANDARD.items()
    ]
