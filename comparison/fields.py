"""The canonical fields of a dataset, and the Chinese headers departments use for them.

Every file a department hands over is read into these columns (``comparison.ingest``);
rules and matching speak only of them. A header is recognised after removing spaces,
full-width brackets and a trailing colon; the officer confirms or corrects the guess once
per source (``Source.mapping``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    kind: str  # "id" | "text" | "date" | "month" | "amount" | "year" | "credit_code" | "sex"
    headers: tuple[str, ...]


FIELDS: tuple[Field, ...] = (
    Field(
        "id_number", "身份证号", "id", ("身份证号", "身份证号码", "公民身份号码", "证件号码", "身份证", "身份证件号码")
    ),
    Field("name", "姓名", "text", ("姓名", "人员姓名", "户主姓名", "名字")),
    Field("sex", "性别", "sex", ("性别",)),
    Field("birth_date", "出生日期", "date", ("出生日期", "出生年月日")),
    Field("unit", "单位", "text", ("单位", "工作单位", "单位名称")),
    Field(
        "start_date",
        "起始日期",
        "date",
        ("入职日期", "享受起始时间", "参加工作时间", "起始日期", "开始日期", "登记日期"),
    ),
    Field("end_date", "终止日期", "date", ("离职日期", "享受终止时间", "终止日期", "结束日期", "注销日期")),
    Field("death_date", "死亡日期", "date", ("死亡日期", "死亡时间")),
    Field("pay_month", "发放月份", "month", ("发放月份", "发放年月", "待遇所属期")),
    Field("amount", "金额", "amount", ("金额", "发放金额", "补贴金额", "发放金额（元）", "金额（元）")),
    Field("subsidy_kind", "补贴类型", "text", ("补贴类型", "补贴项目", "救助类别", "保障类别", "待遇类型")),
    Field("year", "年度", "year", ("年度", "年份")),
    Field("credit_code", "统一社会信用代码", "credit_code", ("统一社会信用代码", "信用代码")),
    Field("company", "企业名称", "text", ("企业名称", "市场主体名称", "主体名称")),
    Field("position", "职务/身份", "text", ("职务/身份", "职务", "身份", "任职类型", "人员类型")),
    Field("township", "乡镇", "text", ("乡镇", "乡镇（街道）", "乡镇街道", "所属乡镇")),
    Field("village", "村（社区）", "text", ("村(社区)", "村（社区）", "村社区", "村", "社区", "所属村")),
    Field("household", "户号", "text", ("户号", "家庭编号")),
    Field("plate", "号牌号码", "text", ("号牌号码", "车牌号", "车牌号码")),
    Field("property", "不动产单元号", "text", ("不动产单元号", "不动产权证号", "房产证号")),
)
BY_KEY = {f.key: f for f in FIELDS}


def header_clean(header: object) -> str:
    text = "" if header is None else str(header)
    text = text.replace("\ufeff", "").replace("(", "（").replace(")", "）")
    return re.sub(r"[\s:：*]+", "", text)


_ALIASES = {header_clean(h): f.key for f in FIELDS for h in f.headers}


def mapping_guess(headers: list[str]) -> dict[str, str]:
    """Header (as in the file) → field key, for the headers recognised; each field once."""
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for header in headers:
        key = _ALIASES.get(header_clean(header))
        if key and key not in taken:
            mapping[header] = key
            taken.add(key)
    return mapping
