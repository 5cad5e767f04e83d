"""Small normalised Parquet files for the tests of rules, matching and the engines.

They have the columns ``comparison.ingest.dataset_normalise`` writes, all present (NULL where
a row gives nothing), so that these tests need not go through reading raw files.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from comparison.names import name_keys

SCHEMA = pa.schema(
    [
        ("row_no", pa.int64()),
        ("id_raw", pa.string()),
        ("id_status", pa.string()),
        ("id_number", pa.string()),
        ("name", pa.string()),
        ("name_norm", pa.string()),
        ("name_key", pa.string()),
        ("sex", pa.string()),
        ("birth_date", pa.date32()),
        ("start_date", pa.date32()),
        ("end_date", pa.date32()),
        ("death_date", pa.date32()),
        ("pay_month", pa.date32()),
        ("amount", pa.decimal128(18, 2)),
        ("year", pa.int32()),
        ("credit_code", pa.string()),
        ("credit_code_valid", pa.bool_()),
        ("unit", pa.string()),
        ("subsidy_kind", pa.string()),
        ("company", pa.string()),
        ("position", pa.string()),
        ("township", pa.string()),
        ("village", pa.string()),
        ("household", pa.string()),
        ("plate", pa.string()),
        ("property", pa.string()),
    ]
)
_DATES = {"birth_date", "start_date", "end_date", "death_date", "pay_month"}
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_USABLE = {"valid", "upgraded_15", "repaired"}


def id_check(first17: str) -> str:
    """The GB 11643 check character of the first 17 digits."""
    total = sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return "10X98765432"[total % 11]


def id_make(n: int, birth: str = "19800101", area: str = "330127") -> str:
    """A valid 18-character ID: area, birth date (YYYYMMDD), sequence ``n`` (3 digits)."""
    first17 = f"{area}{birth}{n % 1000:03d}"
    return first17 + id_check(first17)


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    text = str(value)
    if len(text) == 7:  # a month: "2023-05"
        text += "-01"
    return dt.date.fromisoformat(text)


def person(name: str, id_number: str | None = None, *, status: str | None = None, **fields: Any) -> dict[str, Any]:
    """A row: ``id_number`` is taken as canonical when its status is usable (valid by default)."""
    status = status or ("valid" if id_number else "missing")
    norm, key = name_keys(name)
    row: dict[str, Any] = {
        "id_raw": id_number,
        "id_status": status,
        "id_number": id_number if status in _USABLE else None,
        "name": name,
        "name_norm": norm,
        "name_key": key,
    }
    if id_number and status in _USABLE and "birth_date" not in fields:
        row["birth_date"] = f"{id_number[6:10]}-{id_number[10:12]}-{id_number[12:14]}"
    if id_number and status in _USABLE and "sex" not in fields:
        row["sex"] = "男" if int(id_number[16]) % 2 else "女"
    row.update(fields)
    return row


def write_normalised(path: Path, rows: list[dict[str, Any]]) -> Path:
    """Write ``rows`` (dicts of some of the columns) as a normalised Parquet file; row_no from 1."""
    columns: dict[str, list[Any]] = {f.name: [] for f in SCHEMA}
    for i, row in enumerate(rows, start=1):
        unknown = set(row) - set(columns)
        if unknown:
            raise KeyError(f"unknown columns {sorted(unknown)}")
        for name in columns:
            value = row.get(name)
            if name == "row_no":
                value = value or i
            elif name in _DATES:
                value = _date(value)
            elif name == "amount" and value is not None:
                value = Decimal(str(value)).quantize(Decimal("0.01"))
            columns[name].append(value)
    pq.write_table(pa.table(columns, schema=SCHEMA), path)
    return path


def _ids() -> dict[str, str]:
    births = {
        "张伟": "19800101", "王芳": "19810202", "李娜": "19820303", "刘洋": "19830404", "陈静": "19850312",
        "杨勇": "19860606", "赵敏": "19870707", "黄磊": "19880808", "周杰": "19500115", "吴刚": "19510220",
        "郑丽": "19400310", "孙强": "19700101", "马超": "19710202", "朱琳": "19720303", "胡军": "19730404",
        "林峰": "19900101", "何平": "19910202", "高山": "19920303", "罗兰": "19600101", "梁红": "19610202",
        "宋江": "19620303", "唐明": "19630404", "韩梅": "19640505", "冯雪": "19450101", "邓华": "19460202",
        "曹操": "19470303", "彭亮": "19480404",
    }  # fmt: skip
    return {name: id_make(i * 2 + 11, birth) for i, (name, birth) in enumerate(births.items())}


def standard_datasets(directory: Path) -> dict[str, dict[str, Path]]:
    """Small planted datasets for every standard rule: rule key → {role: normalised Parquet path}.

    ``STANDARD_EXPECTED`` names the people each rule must find; the others are near-misses."""
    ids = _ids()
    p = person
    directory.mkdir(parents=True, exist_ok=True)

    def write(name: str, rows: list[dict[str, Any]]) -> Path:
        return write_normalised(directory / f"{name}.parquet", rows)

    welfare = write(
        "welfare",
        [
            # 张伟: open periods on both sides, two welfare periods → one hit.
            p("张伟", ids["张伟"], subsidy_kind="低保", start_date="2020-01-01", township="城关镇"),
            p("张伟", ids["张伟"], subsidy_kind="低保", start_date="2016-01-01", end_date="2017-12-31",
              township="城关镇"),
            # 王芳: welfare ends the day before the payroll starts → no hit.
            p("王芳", ids["王芳"], subsidy_kind="低保", start_date="2018-01-01", end_date="2019-12-31"),
            # 李娜: the periods share one day → hit.
            p("李娜", ids["李娜"], subsidy_kind="特困", start_date="2018-01-01", end_date="2020-01-01"),
            # 刘洋: a kind the rule does not look at → no hit.
            p("刘洋", ids["刘洋"], subsidy_kind="医疗救助", start_date="2018-01-01"),
            # 陈静: no ID in the welfare list; name, birth, sex and township agree → fuzzy hit.
            p("陈静", None, birth_date="1985-03-12", sex="女", township="城关镇", subsidy_kind="低保",
              start_date="2021-01-01"),
            # 杨勇: a namesake with another valid ID on the payroll → no hit.
            p("杨勇", ids["杨勇"], subsidy_kind="低保", start_date="2018-01-01"),
            # 赵敏: kind not given (if_present) → hit.
            p("赵敏", ids["赵敏"], start_date="2018-01-01"),
            # 黄磊: the payroll ended before the welfare began → no hit.
            p("黄磊", ids["黄磊"], subsidy_kind="低保", start_date="2016-01-01"),
            # 林峰: household of a village cadre (何平), same village → hit in village cadres.
            p("林峰", ids["林峰"], subsidy_kind="低保", start_date="2019-01-01", village="东村", household="H001"),
            # 高山: the same household number in another village → no hit.
            p("高山", ids["高山"], subsidy_kind="低保", start_date="2019-01-01", village="西村", household="H001"),
            # 罗兰: has a car registered during the welfare period → vehicle hit; a house sold before → none.
            p("罗兰", ids["罗兰"], subsidy_kind="低保", start_date="2020-01-01", end_date="2021-12-31"),
            # 梁红: car registered after the welfare ended → no hit; a house during it → property hit.
            p("梁红", ids["梁红"], subsidy_kind="特困", start_date="2020-01-01", end_date="2021-12-31"),
            # 冯雪, 邓华, 曹操, 彭亮: welfare after death (death_vs_welfare).
            p("冯雪", ids["冯雪"], subsidy_kind="低保", start_date="2015-01-01"),
            p("邓华", ids["邓华"], subsidy_kind="低保", start_date="2015-01-01", end_date="2023-04-30"),
            p("曹操", ids["曹操"], subsidy_kind="特困", start_date="2015-01-01", end_date="2023-05-31"),
            p("彭亮", ids["彭亮"], subsidy_kind="低保", start_date="2023-06-01"),
        ],
    )  # fmt: skip
    payroll = write(
        "payroll",
        [
            p("张伟", ids["张伟"], unit="县财政局", start_date="2015-01-01"),
            p("王芳", ids["王芳"], unit="县教育局", start_date="2020-01-01"),
            p("李娜", ids["李娜"], unit="县卫健局", start_date="2020-01-01"),
            p("刘洋", ids["刘洋"], unit="县水利局", start_date="2010-01-01"),
            p("陈静", id_make(99, "19850312"), unit="城关镇政府", start_date="2019-01-01", township="城关镇",
              sex="女"),
            p("杨勇", id_make(98, "19860606"), unit="县公安局", start_date="2010-01-01"),
            p("赵敏", ids["赵敏"], unit="县民政局", start_date="2010-01-01", end_date="2025-01-01"),
            p("黄磊", ids["黄磊"], unit="县林业局", start_date="2010-01-01", end_date="2015-06-30"),
            # payroll_vs_business
            p("孙强", ids["孙强"], unit="县交通局", start_date="2000-01-01"),
            p("马超", ids["马超"], unit="县文旅局", start_date="2000-01-01", end_date="2022-06-30"),
            p("朱琳", ids["朱琳"], unit="县审计局", start_date="2000-01-01"),
            p("胡军", ids["胡军"], unit="县统计局", start_date="2000-01-01"),
        ],
    )  # fmt: skip
    business = write(
        "business",
        [
            p("孙强", ids["孙强"], company="某某商贸有限公司", credit_code="91330127MA2XXXXX1", position="法定代表人"),
            p("马超", ids["马超"], company="某某建材有限公司", position="股东"),
            p("朱琳", ids["朱琳"], company="某某餐饮有限公司", position="职工"),
            p("胡军", ids["胡军"], company="某某农业有限公司", position="执行董事兼监事"),
        ],
    )  # fmt: skip
    deaths = write(
        "deaths",
        [
            p("周杰", ids["周杰"], death_date="2023-03-15"),
            p("吴刚", ids["吴刚"], death_date="2023-03-31"),
            # 郑丽: no ID in the death list; found by name, birth date, sex and township.
            p("郑丽", None, birth_date="1940-03-10", sex="女", township="河口镇", death_date="2022-12-10"),
            p("冯雪", ids["冯雪"], death_date="2023-03-10"),
            p("邓华", ids["邓华"], death_date="2023-03-10"),
            p("曹操", ids["曹操"], death_date="2023-03-10"),
            p("彭亮", ids["彭亮"], death_date="2023-03-10"),
        ],
    )  # fmt: skip
    pensions = write(
        "pensions",
        [
            *(p("周杰", ids["周杰"], pay_month=f"2023-0{m}", amount="1500.50") for m in (3, 4, 5, 6)),
            *(p("吴刚", ids["吴刚"], pay_month=m, amount="1200.00") for m in ("2023-03", "2023-04")),
            p("郑丽", ids["郑丽"], pay_month="2023-01", amount="980.00", township="河口镇", sex="女"),
            p("郑丽", ids["郑丽"], pay_month="2023-02", amount="980.00", township="河口镇", sex="女"),
        ],
    )  # fmt: skip
    subsidies = write(
        "subsidies",
        [
            p("孙强", ids["孙强"], subsidy_kind="耕地地力保护补贴", year=2023, amount="300.00", pay_month="2023-04"),
            p("孙强", ids["孙强"], subsidy_kind="耕地地力保护补贴", year=2023, amount="300.00", pay_month="2023-09"),
            p("孙强", ids["孙强"], subsidy_kind="耕地地力保护补贴", year=2022, amount="300.00"),
            p("孙强", ids["孙强"], subsidy_kind="农机购置补贴", year=2023, amount="5000.00"),
            p("马超", ids["马超"], subsidy_kind="耕地地力保护补贴", year=2023, amount="280.00", township="城关镇"),
            # 马超 again, the ID lost: the same person by name, birth date, sex and township → fuzzy hit.
            p("马超", None, birth_date="1971-02-02", sex="男", township="城关镇", subsidy_kind="耕地地力保护补贴",
              year=2023, amount="280.00"),
            # 宋江 twice without an ID and no row with one: nobody to name → not grouped.
            *(p("宋江", None, birth_date="1962-03-03", sex="男", subsidy_kind="高龄津贴", year=2023) for _ in range(2)),
            *(p("朱琳", ids["朱琳"], subsidy_kind="生态公益林补偿", year=2023, amount="120.00") for _ in range(3)),
        ],
    )  # fmt: skip
    cadres = write(
        "cadres",
        [
            p("张伟", ids["张伟"], village="南村", household="H100", position="村委会主任", start_date="2018-01-01"),
            p("何平", ids["何平"], village="东村", household="H001", position="村党支部书记", start_date="2017-01-01"),
            p("唐明", ids["唐明"], village="西村", household="H777", position="村会计", start_date="2017-01-01"),
        ],
    )  # fmt: skip
    vehicles = write(
        "vehicles",
        [
            p("罗兰", ids["罗兰"], plate="浙A12345", start_date="2021-06-01"),
            p("梁红", ids["梁红"], plate="浙A54321", start_date="2022-02-01"),
        ],
    )  # fmt: skip
    properties = write(
        "properties",
        [
            p("罗兰", ids["罗兰"], property="330127001001GB00001F0001", start_date="2010-01-01", end_date="2019-12-31"),
            p("梁红", ids["梁红"], property="330127001001GB00002F0002", start_date="2021-03-01"),
        ],
    )  # fmt: skip
    return {
        "welfare_vs_payroll": {"welfare": welfare, "payroll": payroll},
        "death_vs_pension": {"deaths": deaths, "pensions": pensions},
        "payroll_vs_business": {"payroll": payroll, "business": business},
        "duplicate_subsidy": {"subsidies": subsidies},
        "welfare_vs_village_cadres": {"welfare": welfare, "cadres": cadres},
        "welfare_vs_vehicles": {"welfare": welfare, "vehicles": vehicles},
        "welfare_vs_property": {"welfare": welfare, "properties": properties},
        "death_vs_welfare": {"deaths": deaths, "welfare": welfare},
    }


# Rule → the names of the people (with the group for duplicate_subsidy) it must find.
STANDARD_EXPECTED: dict[str, set[str]] = {
    "welfare_vs_payroll": {"张伟", "李娜", "陈静", "赵敏"},
    "death_vs_pension": {"周杰", "郑丽"},
    "payroll_vs_business": {"孙强", "胡军"},
    "duplicate_subsidy": {"孙强|耕地地力保护补贴|2023", "朱琳|生态公益林补偿|2023", "马超|耕地地力保护补贴|2023"},
    "welfare_vs_village_cadres": {"张伟", "林峰"},
    "welfare_vs_vehicles": {"罗兰"},
    "welfare_vs_property": {"梁红"},
    "death_vs_welfare": {"冯雪", "曹操"},
}
