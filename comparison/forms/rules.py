"""The form of an office's own rule, for a data officer who does not write code: the name,
one or two datasets (a name users see and the fields it must have), how the two are linked
(the same person, or equal fields, or both) or, with one dataset, what counts as a duplicate,
up to ``ROWS`` conditions (blank rows are ignored), and what a hit shows.

The form builds the rule definition of decision 0008 (``definition``) in ``clean``; the
service (``comparison.office_rules``) checks it, and ``place_error`` puts the service's
Chinese message next to the part it is about (a condition's number is the row's number
among the rows filled in: it is mapped back to the row on the page).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from comparison import rules
from comparison.fields import FIELDS

ROWS = 8
SLOTS = ("1", "2")
SLOT_NAMES = {"1": "数据集一", "2": "数据集二"}
CHECK = forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"})
FIELD_CHOICES = [(f.key, f.label) for f in FIELDS]
REF_CHOICES = [
    ("", "—"),
    *((SLOT_NAMES[s], [(f"{s}.{f.key}", f"{SLOT_NAMES[s]}·{f.label}") for f in FIELDS]) for s in SLOTS),
]
OP_CHOICES = [
    ("", "—"),
    ("eq", "等于"),
    ("ne", "不等于"),
    ("in", "属于（逗号分隔）"),
    ("not_in", "不属于（逗号分隔）"),
    ("contains", "包含"),
    ("empty", "为空"),
    ("not_empty", "不为空"),
    ("gt", "大于"),
    ("ge", "不小于"),
    ("lt", "小于"),
    ("le", "不大于"),
    ("overlap", "期间重叠"),
    ("months_after", "晚于至少N个月"),
    ("before", "早于"),
    ("after", "晚于"),
]
LINK_CHOICES = [
    ("person", "同一人：按身份证号匹配（可选模糊匹配）"),
    ("fields", "字段相同：下面勾选的字段在两个数据集中都相同（如户号和村）"),
    ("person_or_fields", "同一人，或下面勾选的字段相同（如本人或同户家庭成员）"),
    ("duplicate", "重复（只用一个数据集）：同一人且下面勾选的字段相同的记录出现多次"),
]
VALUE_OPS = {"eq", "ne", "gt", "ge", "lt", "le"}
LIST_OPS = {"in", "not_in", "contains"}
SPLIT = re.compile(r"[,，、;；]")
ROW_PARTS = ("field", "field_end", "op", "value", "other", "other_end", "blank_ok")


def _ref_field(required: bool = False) -> forms.ChoiceField:
    return forms.ChoiceField(choices=REF_CHOICES, required=required)


class RuleForm(forms.Form):
    name = forms.CharField(label="规则名称", max_length=100)
    description = forms.CharField(
        label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text="这条规则查什么、依据是什么。"
    )
    label_1 = forms.CharField(
        label="数据集一的名称",
        max_length=50,
        widget=forms.TextInput(attrs={"placeholder": "例：低保名单"}),
        help_text="发起比对时按这个名称选择数据集。",
    )
    fields_1 = forms.MultipleChoiceField(label="数据集一应有的字段", choices=FIELD_CHOICES, widget=CHECK)
    label_2 = forms.CharField(
        label="数据集二的名称",
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "例：机动车登记信息"}),
        help_text="只比对一个数据集（查重复）时留空。",
    )
    fields_2 = forms.MultipleChoiceField(
        label="数据集二应有的字段", choices=FIELD_CHOICES, widget=CHECK, required=False
    )
    link = forms.ChoiceField(label="关联方式", choices=LINK_CHOICES, widget=forms.RadioSelect, initial="person")
    fuzzy_on = forms.BooleanField(
        label="身份证号缺失或不可用时，按姓名、出生日期、性别、乡镇模糊匹配", required=False, initial=True
    )
    fuzzy = forms.DecimalField(
        label="模糊匹配的最低匹配概率",
        required=False,
        initial=Decimal("0.99"),
        min_value=Decimal("0.5"),
        max_value=Decimal("0.9999"),
        decimal_places=4,
        help_text="0.5 至 0.9999，越高越严格；常用 0.99。",
    )
    link_fields = forms.MultipleChoiceField(
        label="相同的字段（字段相同时）", choices=FIELD_CHOICES, widget=CHECK, required=False
    )
    group_fields = forms.MultipleChoiceField(
        label="同一人且相同的字段（重复时）", choices=FIELD_CHOICES, widget=CHECK, required=False
    )
    min_count = forms.IntegerField(
        label="至少出现次数（重复时）", min_value=2, max_value=1000, initial=2, required=False
    )
    show = forms.MultipleChoiceField(
        label="命中时展示的字段",
        choices=[(value, label) for _, group in REF_CHOICES[1:] for value, label in group],
        widget=CHECK,
        required=False,
        help_text="姓名、身份证号和证据行总会展示。",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i in range(1, ROWS + 1):
            self.fields[f"cond_{i}_field"] = _ref_field()
            self.fields[f"cond_{i}_field_end"] = _ref_field()
            self.fields[f"cond_{i}_op"] = forms.ChoiceField(choices=OP_CHOICES, required=False)
            self.fields[f"cond_{i}_value"] = forms.CharField(max_length=200, required=False)
            self.fields[f"cond_{i}_other"] = _ref_field()
            self.fields[f"cond_{i}_other_end"] = _ref_field()
            self.fields[f"cond_{i}_blank_ok"] = forms.BooleanField(required=False)
        self.definition: dict[str, Any] | None = None
        self.roles: dict[str, str] = {}  # slot → role key
        self.where_rows: list[int] = []  # the row of each condition, in order

    # The page ---------------------------------------------------------------------------------

    def dataset_fields(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"label_{s}"], self[f"fields_{s}"]) for s in SLOTS]

    def choice_groups(self) -> list[forms.BoundField]:
        return [self["link_fields"], self["group_fields"]]

    def rows(self) -> list[dict[str, Any]]:
        """The condition rows for the template: ``{"n": 1, "field": BoundField, …, "errors": [...]}``."""
        out = []
        for i in range(1, ROWS + 1):
            row: dict[str, Any] = {"n": i, **{part: self[f"cond_{i}_{part}"] for part in ROW_PARTS}}
            row["errors"] = [e for part in ROW_PARTS for e in self.errors.get(f"cond_{i}_{part}", [])]
            out.append(row)
        return out

    # Building the definition ------------------------------------------------------------------

    def _role_key(self, label: str, taken: set[str], slot: str) -> str:
        from pypinyin import lazy_pinyin

        key = re.sub(r"[^a-z0-9_]+", "_", "_".join(lazy_pinyin(label)).lower()).strip("_")[:28]
        if not key or not key[0].isalpha():
            key = f"data{slot}"
        while key in taken:
            key = f"{key[:26]}_{slot}"
        return key

    def _ref(self, i: int, part: str, what: str) -> str | None:
        value = self.cleaned_data.get(f"cond_{i}_{part}") or ""
        if not value:
            self.add_error(f"cond_{i}_{part}", f"第{i}行条件：请选择{what}。")
            return None
        slot, name = value.split(".", 1)
        if slot not in self.roles:
            self.add_error(f"cond_{i}_{part}", f"第{i}行条件：规则中没有{SLOT_NAMES[slot]}，请先填写它的名称。")
            return None
        return f"{self.roles[slot]}.{name}"

    def _condition(self, i: int) -> dict[str, Any] | None:
        data = self.cleaned_data
        op = data.get(f"cond_{i}_op") or ""
        filled = [p for p in ROW_PARTS if p != "blank_ok" and data.get(f"cond_{i}_{p}")]
        if not filled:
            return None
        if not op:
            self.add_error(f"cond_{i}_op", f"第{i}行条件：请选择比较方式。")
            return None
        value = (data.get(f"cond_{i}_value") or "").strip()
        blank_ok = bool(data.get(f"cond_{i}_blank_ok"))
        if op == "overlap":
            refs = [
                self._ref(i, "field", "第一个期间的起始日期"),
                self._ref(i, "field_end", "第一个期间的终止日期"),
                self._ref(i, "other", "第二个期间的起始日期"),
                self._ref(i, "other_end", "第二个期间的终止日期"),
            ]
            if None in refs:
                return None
            return {"op": op, "left": refs[:2], "right": refs[2:]}
        first = self._ref(i, "field", "字段")
        if op in ("months_after", "before", "after"):
            second = self._ref(i, "other", "用来比较的另一个字段")
            if first is None or second is None:
                return None
            if op != "months_after":
                return {"op": op, "left": first, "right": second, **({"if_present": True} if blank_ok else {})}
            if not re.fullmatch(r"[0-9]{1,3}", value):
                self.add_error(f"cond_{i}_value", f"第{i}行条件：“晚于至少N个月”的值应为月数 N（0 至 999 的整数）。")
                return None
            cond = {"op": op, "month": first, "date": second, "min": int(value)}
            return {**cond, "if_empty": True} if blank_ok else cond
        if first is None:
            return None
        cond = {"op": op, "field": first}
        if op in VALUE_OPS or op in LIST_OPS:
            if not value:
                self.add_error(f"cond_{i}_value", f"第{i}行条件：“{dict(OP_CHOICES)[op]}”需要填写值。")
                return None
            if op in LIST_OPS:
                values = [v.strip() for v in SPLIT.split(value) if v.strip()]
                if op == "contains" and len(values) == 1:
                    cond["value"] = values[0]
                else:
                    cond["values"] = values
            else:
                cond["value"] = value
        if blank_ok and op not in ("empty", "not_empty"):
            cond["if_present"] = True
        return cond

    def _fuzzy(self, data: dict[str, Any]) -> float | None:
        if not data.get("fuzzy_on"):
            return None
        if data.get("fuzzy") is None:
            self.add_error("fuzzy", "请填写模糊匹配的最低匹配概率，或取消模糊匹配。")
            return None
        return float(data["fuzzy"])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.errors:
            return data
        labels = {s: (data.get(f"label_{s}") or "").strip() for s in SLOTS}
        taken: set[str] = set()
        roles: dict[str, Any] = {}
        for slot in SLOTS:
            if not labels[slot]:
                continue
            fields = data.get(f"fields_{slot}") or []
            if not fields:
                self.add_error(f"fields_{slot}", f"请勾选{SLOT_NAMES[slot]}应有的字段。")
            key = self._role_key(labels[slot], taken, slot)
            taken.add(key)
            self.roles[slot] = key
            roles[key] = {"label": labels[slot], "fields": list(fields)}
        if not labels["2"] and data.get("fields_2"):
            self.add_error("label_2", "勾选了数据集二的字段，请填写数据集二的名称；只用一个数据集时请取消这些勾选。")
        if len(roles) == 2 and labels["1"] == labels["2"]:
            self.add_error("label_2", "两个数据集的名称不能相同。")
        link = data.get("link")
        definition: dict[str, Any] = {"roles": roles}
        if link == "duplicate":
            if len(roles) == 2:
                self.add_error("link", "“重复”只用于一个数据集：请清空数据集二，或选择其他关联方式。")
            group = data.get("group_fields") or []
            if not group:
                self.add_error("group_fields", "查重复时请勾选同一人还须相同的字段（例如补贴类型和年度）。")
            definition["group"] = {
                "by": [f"{self.roles.get('1', 'data1')}.{f}" for f in group],
                "min_count": data.get("min_count") or 2,
            }
            fuzzy = self._fuzzy(data)
            if fuzzy is not None:  # rows without a usable ID join a person by Splink's match
                definition["group"]["fuzzy"] = fuzzy
        else:
            if len(roles) != 2:
                self.add_error("label_2", "关联需要两个数据集：请填写数据集二，或把关联方式选为“重复”。")
            on: Any = "person"
            if link in ("fields", "person_or_fields"):
                chosen = data.get("link_fields") or []
                if not chosen:
                    self.add_error("link_fields", "请勾选两个数据集中应相同的字段。")
                on = list(chosen) if link == "fields" else ["person", list(chosen)]
            fuzzy = self._fuzzy(data) if link != "fields" else None
            definition["link"] = {"left": self.roles.get("1"), "right": self.roles.get("2"), "on": on, "fuzzy": fuzzy}
        where = []
        for i in range(1, ROWS + 1):
            cond = self._condition(i)
            if cond is not None:
                where.append(cond)
                self.where_rows.append(i)
        definition["where"] = where
        show = []
        for value in data.get("show") or []:
            slot, name = value.split(".", 1)
            if slot not in self.roles:
                self.add_error("show", f"规则中没有{SLOT_NAMES[slot]}，不能展示它的“{rules.field_label(name)}”。")
                continue
            show.append(f"{self.roles[slot]}.{name}")
        definition["show"] = show
        if not self.errors:
            self.definition = definition
        return data

    # The service's answer ----------------------------------------------------------------------

    def place_error(self, error: ValidationError) -> None:
        """Put a service's ``ValidationError`` next to the part it names: a condition on its row,
        a dataset on its fields, the link, the grouping, what a hit shows; else above the form."""
        slot_of = {key: slot for slot, key in self.roles.items()}
        for key, messages in error.message_dict.items():
            for message in messages:
                for role, slot in slot_of.items():
                    message = message.replace(f"数据集“{role}”", f"“{SLOT_NAMES[slot]}”")
                target = key if key in self.fields else None
                found = re.match(r"^条件第(\d+)条：", message)
                if key == "definition" and found and int(found.group(1)) <= len(self.where_rows):
                    row = self.where_rows[int(found.group(1)) - 1]
                    message = f"第{row}行条件：{message[found.end() :]}"
                    target = f"cond_{row}_field"
                elif key == "definition":
                    prefixes = {"关联": "link", "分组": "group_fields", "展示": "show"}
                    target = next((f for p, f in prefixes.items() if message.startswith(p)), None)
                    for role, slot in slot_of.items():
                        if message.startswith(f"“{SLOT_NAMES[slot]}”") or role in message.split("：")[0]:
                            target = f"fields_{slot}"
                self.add_error(target, message)


def initial_from(rule: Any) -> tuple[dict[str, Any], bool]:
    """A stored rule as the form's initial values, and whether the form can show all of it (a
    rule posted to the API may say more than the form can: custom labels, more rows…)."""
    definition = rule.definition
    roles = list((definition.get("roles") or {}).items())
    link = definition.get("link") or {}
    if link:
        roles.sort(key=lambda item: 0 if item[0] == link.get("left") else 1)
    slot_of = {role: SLOTS[n] for n, (role, _) in enumerate(roles[:2])}
    lossless = len(roles) <= 2

    def ref(value: str) -> str:
        role, name = rules.split_ref(value)
        return f"{slot_of.get(role, '1')}.{name}"

    initial: dict[str, Any] = {"name": rule.name, "description": rule.description}
    for role, spec in roles[:2]:
        initial[f"label_{slot_of[role]}"] = spec.get("label", "")
        initial[f"fields_{slot_of[role]}"] = list(spec.get("fields") or [])
    group = definition.get("group")
    if group:
        initial["link"] = "duplicate"
        initial["group_fields"] = [rules.split_ref(r)[1] for r in group.get("by") or []]
        initial["min_count"] = group.get("min_count", 2)
        initial["fuzzy_on"] = bool(group.get("fuzzy"))
        if group.get("fuzzy"):
            initial["fuzzy"] = Decimal(str(group["fuzzy"]))
        lossless = lossless and not group.get("labels")
    elif link:
        alternatives = rules.link_alternatives(link.get("on", "person"))
        plain = [a for a in alternatives if a != "person"]
        if alternatives == ["person"]:
            initial["link"] = "person"
        elif "person" in alternatives:
            initial["link"] = "person_or_fields"
        else:
            initial["link"] = "fields"
        lossless = lossless and len(plain) <= 1
        initial["link_fields"] = list(plain[0]) if plain else []
        initial["fuzzy_on"] = bool(link.get("fuzzy"))
        if link.get("fuzzy"):
            initial["fuzzy"] = Decimal(str(link["fuzzy"]))
    where = definition.get("where") or []
    lossless = lossless and len(where) <= ROWS
    for i, cond in enumerate(where[:ROWS], start=1):
        op = cond.get("op")
        initial[f"cond_{i}_op"] = op
        lossless = lossless and not cond.get("labels")
        if op == "overlap":
            initial[f"cond_{i}_field"], initial[f"cond_{i}_field_end"] = (ref(x) for x in cond["left"])
            initial[f"cond_{i}_other"], initial[f"cond_{i}_other_end"] = (ref(x) for x in cond["right"])
        elif op == "months_after":
            initial[f"cond_{i}_field"], initial[f"cond_{i}_other"] = ref(cond["month"]), ref(cond["date"])
            initial[f"cond_{i}_value"] = str(cond.get("min", ""))
            initial[f"cond_{i}_blank_ok"] = bool(cond.get("if_empty"))
        elif op in ("before", "after"):
            initial[f"cond_{i}_field"], initial[f"cond_{i}_other"] = ref(cond["left"]), ref(cond["right"])
            initial[f"cond_{i}_blank_ok"] = bool(cond.get("if_present"))
        else:
            initial[f"cond_{i}_field"] = ref(cond["field"])
            values = cond.get("values")
            initial[f"cond_{i}_value"] = "，".join(str(v) for v in values) if values else str(cond.get("value", ""))
            initial[f"cond_{i}_blank_ok"] = bool(cond.get("if_present"))
    show = []
    for item in definition.get("show") or []:
        value = item.get("field") if isinstance(item, dict) else item
        show.append(ref(value))
        label = item.get("label") if isinstance(item, dict) else None
        role, name = rules.split_ref(value)
        default = rules.field_label(name)
        if len(roles) == 2:
            default = f"{dict(roles)[role].get('label')}·{default}"
        if label and label != default:
            lossless = False
    initial["show"] = show
    return initial, lossless
