"""Data comparison's records for tests, built with the real services from real files (CSV
written here, read by ``comparison.ingest``) on top of the shared ``world`` fixture.

``dataset(w, "a", "welfare")`` gives county ``key``'s welfare list (低保名单) uploaded by its
data officer, ``dataset(w, "a", "payroll")`` its payroll (财政供养人员名单); the same record on
each call. ``run(w, "a")`` starts ``welfare_vs_payroll`` over the two (queued), ``execute=True``
runs it to its end through ``runs.run_execute``: one hit, 张伟 (welfare since 2022, on the
payroll since 2020 and still), and not 王芳 (whose payroll ended before her welfare began).
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from comparison import datasets as dataset_services
from comparison import runs as run_services
from comparison.models import Dataset, Rule, Run

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id18(body: str) -> str:
    """An 18-character ID with its check digit (GB 11643) for a 17-digit body."""
    total = sum(int(d) * w for d, w in zip(body, _WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


ZHANG = id18("33010219800101001")  # 张伟: the hit
WANG = id18("33010219850202002")  # 王芳: payroll ended before her welfare began
LI = id18("33010219900303003")  # 李娜: welfare only

WELFARE_HEADERS = ["姓名", "身份证号", "救助类别", "享受起始时间", "享受终止时间", "乡镇"]
WELFARE_ROWS = [
    ["张伟", ZHANG, "低保", "2022-01-01", "", "青禾镇"],
    ["王芳", WANG, "低保", "2021年3月1日", "", "青禾镇"],
    ["李娜", LI, "特困", "2020/5/1", "2023-12-31", "白沙镇"],
]
PAYROLL_HEADERS = ["姓名", "身份证号", "工作单位", "入职日期", "离职日期"]
PAYROLL_ROWS = [
    ["张伟", ZHANG, "县农业农村局", "2020-05-01", ""],
    ["王芳", WANG, "县教育局", "2010-09-01", "2019-06-30"],
]
KINDS = {
    "welfare": ("民政局低保名单", "县民政局", WELFARE_HEADERS, WELFARE_ROWS),
    "payroll": ("财政供养人员名单", "县财政局", PAYROLL_HEADERS, PAYROLL_ROWS),
}
RULE = "welfare_vs_payroll"
RULE_NAME = "财政供养人员违规享受低保、特困"


def csv_bytes(headers: list[str], rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    lines = [",".join(headers), *(",".join(r) for r in rows)]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/csv")


def source_name(w: dict, key: str = "a", kind: str = "welfare") -> str:
    """The source's name, with the county's: what only county ``key``'s officer may see."""
    return f"{w[key].authority.name}{KINDS[kind][0]}"


def kind_upload(kind: str = "welfare", encoding: str = "utf-8") -> SimpleUploadedFile:
    _, _, headers, rows = KINDS[kind]
    return upload(f"{KINDS[kind][0]}.csv", csv_bytes(headers, rows, encoding))


def dataset(w: dict, key: str = "a", kind: str = "welfare") -> Dataset:
    """County ``key``'s dataset of ``kind`` (welfare, payroll), version 1."""
    name = source_name(w, key, kind)
    found = Dataset.objects.filter(source__authority=w[key].authority, source__name=name).first()
    if found:
        return found
    return dataset_services.dataset_create(
        actor=w[key].users["data_officer"], source_name=name, upload=kind_upload(kind), department=KINDS[kind][1]
    )


def run(w: dict, key: str = "a", *, execute: bool = False) -> Run:
    """County ``key``'s run of welfare_vs_payroll over its two datasets (queued, or run to its end)."""
    found = Run.objects.filter(authority=w[key].authority).first()
    if found is None:
        found = run_services.run_start(
            actor=w[key].users["data_officer"],
            rule_key=RULE,
            datasets={"welfare": dataset(w, key, "welfare"), "payroll": dataset(w, key, "payroll")},
        )
    if execute and found.status == Run.Status.QUEUED:
        run_services.run_execute(found.pk)
        found.refresh_from_db()
    return found


def own_rule(w: dict, key: str = "a") -> Rule:
    """County ``key``'s own rule (the standard welfare rule without the kind condition)."""
    from comparison.rules import STANDARD

    found = Rule.objects.filter(authority=w[key].authority).first()
    if found:
        return found
    definition: dict[str, Any] = {**STANDARD[RULE]["definition"]}
    definition["where"] = [c for c in definition["where"] if c.get("op") == "overlap"]
    return Rule.objects.create(
        authority=w[key].authority,
        key="welfare_any_payroll",
        version=1,
        name=f"{w[key].authority.name}任何救助与财政供养重叠",
        description="不限救助类别。",
        definition=definition,
        created_by=w[key].users["data_officer"],
    )
