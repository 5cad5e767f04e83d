"""Synthetic county data for data comparison, with ground truth.

``synthetic_files`` generates, inside DuckDB (vectorised SQL, no Python loop per row), a
population of people of one county (valid 18-digit IDs, GB 11643 check digit; birth dates
1940–2000; sex in the 17th digit; common surnames and given names; township and village)
and the files its departments hand over (``welfare``, ``payroll``, ``deaths``, ``pensions``,
``business``, ``subsidies``) as CSV files with the usual Chinese headers
(``comparison.fields``). Hits of the four standard rules are planted, beside near-misses
that must not be hits, and the ground truth is computed from the clean data by person
(never from the noisy file text).

Noise is applied on the file side only, at configurable rates (``DEFAULT_NOISE``): IDs with
a typo (bad check digit), 15-digit IDs (people born before 2000), full-width digits, spaces
inside, lower-case x, missing IDs, IDs that Excel turned into numbers ("4.10102199001011E+17"
and 18 digits ending 000); names with homophones (张↔章, 曾↔增, 仇↔邱, 解↔谢…), traditional
characters (張, 陳, 劉…) and spaces inside; and namesakes: different people with the same
name and birth date (different township or sex), whose rows carry unusable IDs half the
time, so that a matcher on name and birth date alone would link them.

``row_truth[role]`` is a Parquet file of ``row_no`` (numbered as ``comparison.ingest``
numbers rows: the line of the file, the header being line 1, so the first data row is 2),
the true ``id_number``, and the noise applied to the row's ID and name (``id_noise``,
``name_noise``).
"""

# ruff: noqa: S608 (queries are built from this module's constants and numbers; a path enters quoted by _sql_str)
from __future__ import annotations

import math
import shutil
from pathlib import Path
from typing import Any

import duckdb

ROLES = ("welfare", "payroll", "deaths", "pensions", "business", "subsidies")
RULES = ("welfare_vs_payroll", "death_vs_pension", "payroll_vs_business", "duplicate_subsidy")

DEFAULT_NOISE: dict[str, float] = {
    # ID noise: shares of rows, mutually exclusive (one kind per row at most).
    "id_missing": 0.01,
    "id_typo": 0.005,
    "id_15": 0.02,  # only people born before 2000
    "id_fullwidth": 0.005,
    "id_spaces": 0.005,
    "id_excel_sci": 0.003,  # not for IDs ending X (Excel keeps those as text)
    "id_excel_000": 0.003,
    "id_lower_x": 0.3,  # share of the IDs ending X written with a lower-case x
    # Name noise: shares of rows, mutually exclusive.
    "name_homophone": 0.01,
    "name_traditional": 0.01,
    "name_spaces": 0.01,
    # Namesakes: share of people of a role's population given the name and birth date of a
    # person of the linked role (different ID; different township, or different sex).
    "twins": 0.003,
    # Share of the namesakes' rows, and of planted hits' rows on one side, given an unusable
    # ID (missing, typo or Excel-mangled): the matcher has to work without the ID.
    "twin_unusable": 0.5,
    "hit_unusable": 0.1,
    # Dates written as Excel serial numbers (44811 for 2022-09-07).
    "date_excel_serial": 0.002,
}
CLEAN: dict[str, float] = dict.fromkeys(DEFAULT_NOISE, 0.0)

# Planted cases per rule: a share of the payroll rows (welfare_vs_payroll,
# payroll_vs_business), of the dead pensioners (death_vs_pension), of the subsidy rows.
PLANT = {"welfare_vs_payroll": 0.02, "payroll_vs_business": 0.02, "death_vs_pension": 0.4, "duplicate_subsidy": 0.01}

# The people of the county, by person number (pid / people): who may appear where.
# Namesakes of payroll people are placed among welfare and business people; namesakes of
# living pensioners among the dead who drew no pension.
_SEGMENTS = {"payroll": (0.0, 0.10), "business": (0.10, 0.35), "welfare": (0.35, 0.60), "pensions": (0.60, 0.90)}
_DEAD = (0.90, 1.0)

_REGIONS = "410122" * 8 + "410102410103410104410105410181410182410183410184"
_SURNAMES = (
    "王王王王王李李李李李张张张张张刘刘刘刘陈陈陈陈杨杨杨黄黄赵赵吴吴周周徐徐孙孙马马朱胡郭何林高罗郑梁谢宋唐许"
    "韩冯邓曹彭曾曾曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹"
    "薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴莫孔向汤章章单单仇仇解解"
)
_GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂华玉兰红建国文辉林鹏飞宇浩婷雪梅琳凤云峰斌波宁亮成春海东"
    "志庆荣新利金燕萍晶玲德福生龙元全胜学祥才发武贵山光天民永健世广义兴良秋菊芬桃佳欣怡俊博鑫磊丹瑞豪"
)
# Homophones a clerk typing pinyin picks: the surname's (read as a surname: 曾 zeng,
# 单 shan, 仇 qiu, 解 xie) and the given name's.
_SURNAME_FROM, _SURNAME_TO = "张章曾增王汪李黎刘柳徐许单仇邱解谢杨陈周", "章张增曾汪王黎李柳刘许徐善邱仇谢解阳晨舟"
_GIVEN_FROM, _GIVEN_TO = "伟丽明静军芳红娟华英", "卫莉铭敬君方宏鹃化瑛"
_SIMPLIFIED = "张陈刘东华赵杨黄吴孙马郑谢许韩冯邓叶苏吕卢钟谭陆贾韦邹龙贺顾龚钱严汤伟强军红丽国兰凤云杰涛艳静辉刚鹏飞阳"
_TRADITIONAL = (
    "張陳劉東華趙楊黃吳孫馬鄭謝許韓馮鄧葉蘇呂盧鍾譚陸賈韋鄒龍賀顧龔錢嚴湯偉強軍紅麗國蘭鳳雲傑濤艷靜輝剛鵬飛陽"
)
_TOWNSHIPS = [
    "城关镇", "东关街道", "西关街道", "南关街道", "新华街道", "柳林镇", "石桥镇", "双河镇",
    "白沙镇", "龙泉乡", "高山乡", "永安镇", "红星乡", "青龙镇", "官渡镇", "刘集镇",
]  # fmt: skip
_VILLAGES = [
    "李庄村", "王庄村", "张湾村", "河西村", "河东村", "东村", "西村", "前营村",
    "后营村", "新庄村", "高庄村", "刘寨村", "陈楼村", "杨屯村", "大树村", "柳园村",
]  # fmt: skip
_UNITS = [
    "县教育局", "县财政局", "县人民医院", "城关镇人民政府", "县第一高级中学", "县公安局", "县自然资源局",
    "县农业农村局", "县民政局", "县人力资源和社会保障局", "县卫生健康委员会", "县住房和城乡建设局",
    "县市场监督管理局", "县水利局", "县交通运输局", "柳林镇中心小学",
]  # fmt: skip
_SUBSIDY_KINDS = ["耕地地力保护补贴", "农机购置补贴", "高龄津贴", "残疾人两项补贴", "种粮一次性补贴"]
_COMPANY_WORDS = "恒信华宇鑫源顺达兴隆金泰宏图瑞丰天成佳禾盛世永和万通博远中原豫丰绿野康达"
_INDUSTRIES = ["商贸", "农业科技", "建筑工程", "物流", "餐饮管理", "建材", "农资", "养殖", "劳务", "电子科技"]
_MARKET_POSITIONS = ["法定代表人", "股东", "监事"]

# Canonical headers of each file, as the department writes them: header → clean column.
HEADERS: dict[str, list[tuple[str, str]]] = {
    "welfare": [
        ("姓名", "name"), ("身份证号码", "id"), ("性别", "sex"), ("出生日期", "birth"),
        ("乡镇（街道）", "township"), ("村(社区)", "village"), ("救助类别", "kind"),
        ("享受起始时间", "start"), ("享受终止时间", "end"), ("发放金额", "amount"),
    ],
    "payroll": [
        ("姓名", "name"), ("公民身份号码", "id"), ("性别", "sex"), ("出生日期", "birth"), ("乡镇", "township"),
        ("工作单位", "unit"), ("入职日期", "start"), ("离职日期", "end"),
    ],
    "deaths": [
        ("姓名", "name"), ("身份证号", "id"), ("性别", "sex"), ("出生日期", "birth"), ("乡镇", "township"),
        ("村（社区）", "village"), ("死亡日期", "death"),
    ],
    "pensions": [
        ("姓名", "name"), ("证件号码", "id"), ("性别", "sex"), ("出生日期", "birth"), ("乡镇", "township"),
        ("发放月份", "month"), ("发放金额", "amount"),
    ],
    "business": [
        ("企业名称", "company"), ("统一社会信用代码", "credit"), ("登记日期", "start"), ("姓名", "name"),
        ("身份证件号码", "id"), ("性别", "sex"), ("出生日期", "birth"), ("乡镇", "township"),
        ("职务/身份", "position"),
    ],
    "subsidies": [
        ("姓名", "name"), ("身份证", "id"), ("性别", "sex"), ("出生日期", "birth"), ("乡镇", "township"),
        ("村(社区)", "village"), ("补贴项目", "kind"), ("年度", "year"), ("补贴金额", "amount"),
    ],
}  # fmt: skip
# How each department writes its dates.
_DATE_FORMATS = {
    "welfare": "%Y年%m月%d日",
    "payroll": "%Y/%-m/%-d",
    "deaths": "%Y.%m.%d",
    "pensions": "%Y-%m-%d",
    "business": "%Y-%m-%d",
    "subsidies": "%Y-%m-%d",
}
_DATE_COLUMNS = ("birth", "start", "end", "death")

_GB11643_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_GB32100_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_GB32100_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_GB11714_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def id_check(first17: str) -> str:
    """The GB 11643 check character of the first 17 digits of an ID."""
    total = sum(int(d) * w for d, w in zip(first17, _GB11643_WEIGHTS, strict=True))
    return "10X98765432"[total % 11]


def credit_check(first17: str) -> str:
    """The GB 32100 check character of the first 17 characters of a credit code."""
    total = sum(_GB32100_CHARS.index(c) * w for c, w in zip(first17, _GB32100_WEIGHTS, strict=True))
    return _GB32100_CHARS[(31 - total % 31) % 31]


def _sql_list(items: list[str]) -> str:
    return "[" + ", ".join("'" + item.replace("'", "''") + "'" for item in items) + "]"


def _sql_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _macros(con: duckdb.DuckDBPyConnection, seed: int) -> None:
    digits = " + ".join(f"CAST(substr(s, {i + 1}, 1) AS INTEGER) * {w}" for i, w in enumerate(_GB11643_WEIGHTS))
    credit = " + ".join(
        f"(instr('{_GB32100_CHARS}', substr(s, {i + 1}, 1)) - 1) * {w}" for i, w in enumerate(_GB32100_WEIGHTS)
    )
    org = " + ".join(f"CAST(substr(s, {i + 1}, 1) AS INTEGER) * {w}" for i, w in enumerate(_GB11714_WEIGHTS))
    con.execute(f"CREATE OR REPLACE TEMP MACRO u(x, salt) AS (hash(x, {seed}, salt) % 1000003)::DOUBLE / 1000003")
    con.execute(f"CREATE OR REPLACE TEMP MACRO h(x, salt, n) AS (hash(x, {seed}, salt) % n)::BIGINT")
    con.execute(f"CREATE OR REPLACE TEMP MACRO id_check(s) AS substr('10X98765432', (({digits}) % 11) + 1, 1)")
    con.execute(
        "CREATE OR REPLACE TEMP MACRO credit_check(s) AS "
        f"substr('{_GB32100_CHARS}', ((31 - ({credit}) % 31) % 31) + 1, 1)"
    )
    con.execute(
        "CREATE OR REPLACE TEMP MACRO org_check(s) AS "
        f"CASE 11 - ({org}) % 11 WHEN 10 THEN 'X' WHEN 11 THEN '0' ELSE CAST(11 - ({org}) % 11 AS VARCHAR) END"
    )
    con.execute("CREATE OR REPLACE TEMP MACRO ym(d) AS year(d) * 12 + month(d)")


def _noise_rates(noise: dict[str, float] | None) -> dict[str, float]:
    rates = dict(DEFAULT_NOISE)
    if noise:
        unknown = sorted(set(noise) - set(DEFAULT_NOISE))
        if unknown:
            raise ValueError(f"unknown noise kinds: {', '.join(unknown)}")
        rates.update({k: float(v) for k, v in noise.items()})
    for key, value in rates.items():
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"noise rate {key} must be between 0 and 1, not {value}")
    return rates


def _people(con: duckdb.DuckDBPyConnection, n: int, scale: dict[str, int], rates: dict[str, float]) -> dict[str, Any]:
    """The population table ``people``; answers the segment bounds used by the files."""
    seg = {role: (int(lo * n), int(hi * n)) for role, (lo, hi) in _SEGMENTS.items()}
    dead = (int(_DEAD[0] * n), n)
    pay_lo, pay_hi = seg["payroll"]
    pay_used = max(1, min(pay_hi - pay_lo, scale["payroll"]))
    pen_lo, pen_hi = seg["pensions"]
    pensioners = min(math.ceil(scale["pensions"] / 12), pen_hi - pen_lo)
    dead_pensioners = min(scale["deaths"] // 2, pensioners // 2)
    alive_pensioners = max(1, pensioners - dead_pensioners)
    bus_lo, bus_hi = seg["business"]
    wel_lo, wel_hi = seg["welfare"]
    twins = rates["twins"]
    nt = len(_TOWNSHIPS)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE base AS
        SELECT pid,
               substr({_sql_str(_REGIONS)}, 1 + 6 * h(pid, 'region', {len(_REGIONS) // 6}), 6) AS region,
               DATE '1940-01-01' + h(pid, 'birth', 22281)::INTEGER AS birth,
               u(pid, 'sex') < 0.5 AS male,
               substr({_sql_str(_SURNAMES)}, 1 + h(pid, 'surname', {len(_SURNAMES)}), 1)
                 || substr({_sql_str(_GIVEN)}, 1 + h(pid, 'given1', {len(_GIVEN)}), 1)
                 || CASE WHEN u(pid, 'given_len') < 0.3 THEN ''
                         ELSE substr({_sql_str(_GIVEN)}, 1 + h(pid, 'given2', {len(_GIVEN)}), 1) END AS name,
               h(pid, 'township', {nt}) AS township_no,
               h(pid, 'village', {len(_VILLAGES)}) AS village_no,
               CASE
                 WHEN pid >= {wel_lo} AND pid < {wel_hi} AND ut < {twins}
                   THEN {pay_lo} + h(pid, 'partner', {pay_used})
                 WHEN pid >= {bus_lo} AND pid < {bus_hi} AND ut < {twins}
                   THEN {pay_lo} + h(pid, 'partner', {pay_used})
                 WHEN pid >= {dead[0]} AND ut < {twins}
                   THEN {pen_lo} + {dead_pensioners} + h(pid, 'partner', {alive_pensioners})
               END AS twin_of
        FROM (SELECT range AS pid, u(range, 'twin') AS ut FROM range({n}))
    """)
    # A namesake takes its partner's name and birth date, and differs in township or in sex.
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE person0 AS
        SELECT b.pid, b.region, b.twin_of,
               coalesce(p.birth, b.birth) AS birth,
               coalesce(p.name, b.name) AS name,
               CASE WHEN p.pid IS NULL THEN b.male
                    WHEN u(b.pid, 'twin_kind') < 0.5 THEN p.male ELSE NOT p.male END AS male,
               CASE WHEN p.pid IS NULL THEN b.township_no
                    WHEN u(b.pid, 'twin_kind') < 0.5 THEN (p.township_no + 1 + h(b.pid, 'twin_town', {nt - 1})) % {nt}
                    ELSE p.township_no END AS township_no,
               b.village_no
        FROM base b LEFT JOIN base p ON p.pid = b.twin_of
    """)
    # Sequence numbers unique per region, birth date and sex (odd for men, GB 11643).
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE people AS
        WITH numbered AS (
          SELECT *, row_number() OVER (PARTITION BY region, birth, male ORDER BY pid) - 1 AS rn
          FROM person0
        ), id17 AS (
          SELECT *, region || strftime(birth, '%Y%m%d')
                    || lpad(CAST(2 * ((rn + h(region || birth::VARCHAR, 'seq', 500)) % 500)
                                 + CASE WHEN male THEN 1 ELSE 0 END AS VARCHAR), 3, '0') AS s17
          FROM numbered
        )
        SELECT pid, s17 || id_check(s17) AS id_number, name, CASE WHEN male THEN '男' ELSE '女' END AS sex,
               birth AS birth_date,
               {_sql_list(_TOWNSHIPS)}[township_no + 1] AS township,
               {_sql_list(_VILLAGES)}[village_no + 1] AS village,
               twin_of, rn
        FROM id17
    """)
    if con.execute("SELECT max(rn) FROM people").fetchone()[0] >= 500:  # type: ignore[index]
        raise ValueError("too many people for one county: sequence numbers exhausted")
    return {
        "seg": seg,
        "dead": dead,
        "pensioners": pensioners,
        "dead_pensioners": dead_pensioners,
    }


def _roles(
    con: duckdb.DuckDBPyConnection, scale: dict[str, int], layout: dict[str, Any], rates: dict[str, float]
) -> None:
    """One clean table per role (``r_<role>``): row_no, pid, the role's clean columns, ``force``."""
    seg = layout["seg"]
    pay_lo, pay_hi = seg["payroll"]
    n_pay = scale["payroll"]
    hit_unusable = rates["hit_unusable"]

    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE r_payroll AS
        WITH rows AS (
          SELECT k, {pay_lo} + k % {max(1, pay_hi - pay_lo)} AS pid FROM range({n_pay}) t(k)
        ), dated AS (
          SELECT r.k, r.pid, p.birth_date,
                 greatest(DATE '1985-01-01' + h(r.k, 'pay_start', 14000)::INTEGER,
                          (p.birth_date + INTERVAL 18 YEAR)::DATE) AS start
          FROM rows r JOIN people p USING (pid)
        )
        SELECT k + 1 AS row_no, pid,
               {_sql_list(_UNITS)}[h(k, 'unit', {len(_UNITS)}) + 1] AS unit,
               start,
               CASE WHEN u(k, 'pay_ended') < 0.3 AND start < DATE '2024-06-01'
                    THEN start + 1 + h(k, 'pay_end', greatest(1, DATE '2024-06-30' - start - 1))::INTEGER
               END AS "end",
               false AS force
        FROM dated
    """)

    # Welfare: planted rows against payroll rows (overlapping periods, and periods that
    # touch without overlapping), then the welfare people.
    planted_w = min(scale["welfare"], round(PLANT["welfare_vs_payroll"] * n_pay)) if n_pay else 0
    wel_lo, wel_hi = seg["welfare"]
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE r_welfare AS
        WITH planted AS (
          SELECT w.k, p.pid, p.start AS ps, p."end" AS pe,
                 CASE WHEN u(w.k, 'wp_kind') < 0.6 THEN 'hit'
                      WHEN u(w.k, 'wp_kind') < 0.8 OR p."end" IS NULL THEN 'before'
                      ELSE 'after' END AS plant
          FROM range({planted_w}) w(k) JOIN r_payroll p ON p.row_no = w.k + 1
        ), planted_dates AS (
          SELECT k, pid, plant,
                 CASE plant
                   WHEN 'hit' THEN ps + h(k, 'wp_s', greatest(1, coalesce(pe, DATE '2024-06-30') - ps))::INTEGER
                   WHEN 'before' THEN ps - 31 - h(k, 'wp_s', 2000)::INTEGER
                   ELSE pe + 1 END AS start,
                 ps AS ps
          FROM planted
        ), planted_ends AS (
          SELECT k, pid, plant, start,
                 CASE WHEN plant = 'before' THEN ps - 1
                      WHEN u(k, 'wp_open') < 0.5 THEN NULL
                      ELSE start + 30 + h(k, 'wp_e', 1000)::INTEGER END AS "end"
          FROM planted_dates
        ), background AS (
          SELECT k, {wel_lo} + (k - {planted_w}) % {max(1, wel_hi - wel_lo)} AS pid, NULL AS plant,
                 DATE '2010-01-01' + h(k, 'w_s', 5300)::INTEGER AS start
          FROM range({planted_w}, {scale["welfare"]}) t(k)
        )
        , united AS (
          SELECT k + 1 AS row_no, pid, plant, start, "end",
                 plant = 'hit' AND u(k, 'w_force') < {hit_unusable} AS force
          FROM planted_ends
          UNION ALL
          SELECT k + 1, pid, plant, start,
                 CASE WHEN u(k, 'w_open') < 0.5 THEN NULL ELSE start + 30 + h(k, 'w_e', 2000)::INTEGER END,
                 false
          FROM background
        )
        SELECT *, CASE WHEN u(row_no, 'w_kind') < 0.85 THEN '低保' ELSE '特困' END AS kind,
               CAST(300 + h(row_no, 'w_amt', 600) AS VARCHAR) || '.00' AS amount
        FROM united
    """)

    # Business: planted rows for payroll people (法定代表人/股东/监事, or 其他), then the
    # business people; three people a company.
    planted_b = min(scale["business"], round(PLANT["payroll_vs_business"] * n_pay)) if n_pay else 0
    bus_lo, bus_hi = seg["business"]
    words = _COMPANY_WORDS
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE r_business AS
        WITH rows AS (
          SELECT k,
                 CASE WHEN k < {planted_b}
                      THEN (SELECT pid FROM r_payroll WHERE row_no = ({planted_w} + k) % {max(1, n_pay)} + 1)
                      ELSE {bus_lo} + (k - {planted_b}) % {max(1, bus_hi - bus_lo)} END AS pid,
                 k < {planted_b} AS planted,
                 k // 3 AS c
          FROM range({scale["business"]}) t(k)
        ), codes AS (
          SELECT *, lpad(CAST((c * 7919 + 12345678) % 100000000 AS VARCHAR), 8, '0') AS org8 FROM rows
        ), codes17 AS (
          SELECT *, '91' || substr({_sql_str(_REGIONS)}, 1 + 6 * h(c, 'c_region', {len(_REGIONS) // 6}), 6)
                    || org8 || org_check(org8) AS c17
          FROM codes
        )
        SELECT k + 1 AS row_no, pid,
               CASE WHEN planted THEN 'planted' END AS plant,
               '中牟县' || substr('{words}', 1 + 2 * h(c, 'c_word', {len(words) // 2}), 2)
                 || {_sql_list(_INDUSTRIES)}[h(c, 'c_ind', {len(_INDUSTRIES)}) + 1] || '有限公司' AS company,
               c17 || credit_check(c17) AS credit,
               DATE '2005-01-01' + h(c, 'c_date', 7000)::INTEGER AS start,
               CASE WHEN planted AND u(k, 'b_pos') >= 0.7 THEN '其他'
                    WHEN planted THEN {_sql_list(_MARKET_POSITIONS)}[h(k, 'b_pos3', 3) + 1]
                    WHEN k % 3 = 0 THEN '法定代表人'
                    WHEN k % 3 = 1 THEN '股东'
                    WHEN u(k, 'b_sup') < 0.5 THEN '监事' ELSE '其他' END AS position,
               planted AND u(k, 'b_force') < {hit_unusable} AS force
        FROM codes17
    """)

    # Pensions: twelve months of 2024 a pensioner; deaths: the dead pensioners first (paid
    # until the month of death, one month after it (no hit), or two or more (a hit)), then
    # the dead who drew no pension.
    pen_lo, pen_hi = seg["pensions"]
    pensioners, dead_p = layout["pensioners"], layout["dead_pensioners"]
    dead_lo, dead_hi = layout["dead"]
    plant_d = PLANT["death_vs_pension"]
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE r_deaths AS
        SELECT *, plant = 'hit' AND u(row_no, 'd_force') < {hit_unusable} AS force FROM (
        SELECT k + 1 AS row_no,
               CASE WHEN k < {dead_p} THEN {pen_lo} + k
                    ELSE {dead_lo} + (k - {dead_p}) % {max(1, dead_hi - dead_lo)} END AS pid,
               CASE WHEN k >= {dead_p} THEN NULL
                    WHEN u(k, 'd_kind') < {plant_d / 2} THEN 'hit'
                    WHEN u(k, 'd_kind') < {plant_d} THEN 'one_month'
                    ELSE 'stopped' END AS plant,
               CASE WHEN k < {dead_p} THEN DATE '2024-01-01' + h(k, 'd_date', 270)::INTEGER
                    ELSE DATE '2015-01-01' + h(k, 'd_date', 3500)::INTEGER END AS death
        FROM range({scale["deaths"]}) t(k))
    """)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE r_pensions AS
        WITH rows AS (
          SELECT k, k // 12 AS j, {pen_lo} + (k // 12) % {max(1, pen_hi - pen_lo)} AS pid,
                 make_date(2024, (k % 12 + 1)::INTEGER, 1) AS month
          FROM range({min(scale["pensions"], pensioners * 12)}) t(k)
        )
        SELECT row_number() OVER (ORDER BY r.k) AS row_no, r.pid, r.month,
               CAST(1800 + h(r.j, 'p_amt', 3000) AS VARCHAR) || '.'
                 || lpad(CAST(h(r.j, 'p_cent', 100) AS VARCHAR), 2, '0') AS amount,
               false AS force
        FROM rows r LEFT JOIN r_deaths d ON d.row_no = r.j + 1 AND r.j < {dead_p}
        WHERE d.row_no IS NULL
           OR ym(r.month) <= ym(d.death) + CASE d.plant WHEN 'stopped' THEN 0 WHEN 'one_month' THEN 1
                                                        ELSE 2 + h(r.j, 'p_extra', 3) END
        ORDER BY r.k
    """)

    # Subsidies: three kinds a person in one year, then duplicates (same kind, same year: a
    # hit; same kind, the next year: not one).
    n_sub = scale["subsidies"]
    dup = min(n_sub // 4, round(PLANT["duplicate_subsidy"] * n_sub))
    n = layout["n"]
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE r_subsidies AS
        WITH rows AS (
          SELECT k,
                 CASE WHEN k < {n_sub - dup} THEN k ELSE 3 * (k - {n_sub - dup}) END AS src,
                 k >= {n_sub - dup} AS planted
          FROM range({n_sub}) t(k)
        ), shaped AS (
          SELECT k, planted, src // 3 AS s,
                 (h(src // 3, 's_kind', 5) + src % 3) % 5 AS kind_no,
                 2022 + h(src // 3, 's_year', 3)
                   + CASE WHEN planted AND u(k, 's_dup') >= 0.7 THEN 1 ELSE 0 END AS year,
                 CASE WHEN planted AND u(k, 's_dup') >= 0.7 THEN 'next_year' WHEN planted THEN 'hit' END AS plant
          FROM rows
        )
        SELECT k + 1 AS row_no, (s * 1000003 + 3) % {n} AS pid, plant,
               {_sql_list(_SUBSIDY_KINDS)}[kind_no + 1] AS kind, CAST(year AS VARCHAR) AS year,
               CAST(100 + h(k, 's_amt', 1500) AS VARCHAR) || '.00' AS amount,
               false AS force
        FROM shaped
    """)


_ID_NOISE = (  # kind, rate key, condition on the ID (none: any ID)
    ("missing", "id_missing", ""),
    ("typo", "id_typo", ""),
    ("id15", "id_15", "birth_date < DATE '2000-01-01'"),
    ("fullwidth", "id_fullwidth", ""),
    ("spaces", "id_spaces", ""),
    ("excel_sci", "id_excel_sci", "right(id_number, 1) <> 'X'"),
    ("excel_000", "id_excel_000", "right(id_number, 1) <> 'X'"),
)


# The noise kinds after which the ID is still usable (the ingest repairs or upgrades it).
USABLE_NOISE = ("clean", "id15", "fullwidth", "spaces", "lower_x")
_USABLE_SQL = "(" + ", ".join(f"'{k}'" for k in USABLE_NOISE) + ")"


def _id_noise_sql(rates: dict[str, float]) -> str:
    """SQL choosing the ID noise of a row (columns: id_number, birth_date, force, row_no, twin)."""
    whens, total = [], 0.0
    for kind, key, condition in _ID_NOISE:
        total += rates[key]
        extra = f" AND {condition}" if condition else ""
        whens.append(f"WHEN u_id < {total}{extra} THEN '{kind}'")
    if total > 1.0:
        raise ValueError("the ID noise rates add up to more than 1")
    forced = """CASE WHEN force_kind = 1 THEN 'typo'
                     WHEN right(id_number, 1) = 'X' OR force_kind = 0 THEN 'missing'
                     WHEN force_kind = 2 THEN 'excel_sci' ELSE 'excel_000' END"""
    cases = "\n".join(whens)
    return f"""CASE WHEN force OR (twin AND u(row_no, 'twin_force') < {rates["twin_unusable"]}) THEN {forced}
                    {cases}
                    WHEN right(id_number, 1) = 'X' AND u(row_no, 'lower_x') < {rates["id_lower_x"]} THEN 'lower_x'
                    ELSE 'clean' END"""


def _id_render_sql() -> str:
    """SQL writing an ID as the file has it (columns: id_number, id_noise, birth_date, row_no)."""
    typo_pos = "(1 + h(row_no, 'typo_pos', 17))"
    typo = (
        f"left(id_number, {typo_pos} - 1)"
        f" || CAST((CAST(substr(id_number, {typo_pos}, 1) AS INTEGER) + 1 + h(row_no, 'typo_d', 9)) % 10 AS VARCHAR)"
        f" || substr(id_number, {typo_pos} + 1)"
    )
    # Excel keeps 15 significant digits: the number shown as 4.10102199001011E+17, or
    # written out as 18 digits ending 000; an ID ending X stays text.
    r15 = "CAST((CAST(id_number AS HUGEINT) + 500) // 1000 AS VARCHAR)"
    sci = f"left({r15}, 1) || rtrim('.' || rtrim(substr({r15}, 2), '0'), '.') || 'E+17'"
    e000 = f"{r15} || '000'"
    return f"""CASE id_noise
      WHEN 'missing' THEN NULL
      WHEN 'typo' THEN {typo}
      WHEN 'id15' THEN left(id_number, 6) || substr(id_number, 9, 9)
      WHEN 'fullwidth' THEN translate(id_number, '0123456789X', '０１２３４５６７８９Ｘ')
      WHEN 'spaces' THEN left(id_number, 6) || ' ' || substr(id_number, 7, 8) || ' ' || substr(id_number, 15)
      WHEN 'excel_sci' THEN {sci}
      WHEN 'excel_000' THEN CASE WHEN id_check(left({e000}, 17)) = '0' THEN {sci} ELSE {e000} END
      WHEN 'lower_x' THEN lower(id_number)
      ELSE id_number END"""


def _name_noise_sql(rates: dict[str, float]) -> str:
    a = rates["name_homophone"]
    b = a + rates["name_traditional"]
    c = b + rates["name_spaces"]
    return f"""CASE WHEN u_name < {a} THEN 'homophone'
                    WHEN u_name < {b} THEN 'traditional'
                    WHEN u_name < {c} THEN 'spaces'
                    ELSE 'clean' END"""


def _name_render_sql() -> str:
    return f"""CASE name_noise
      WHEN 'homophone' THEN translate(left(name, 1), '{_SURNAME_FROM}', '{_SURNAME_TO}')
                            || translate(substr(name, 2), '{_GIVEN_FROM}', '{_GIVEN_TO}')
      WHEN 'traditional' THEN translate(name, '{_SIMPLIFIED}', '{_TRADITIONAL}')
      WHEN 'spaces' THEN left(name, 1) || CASE WHEN u(row_no, 'space_kind') < 0.5 THEN ' ' ELSE '　' END
                         || substr(name, 2)
      ELSE name END"""


def _date_sql(column: str, fmt: str, rates: dict[str, float], salt: str) -> str:
    return f"""CASE WHEN {column} IS NULL THEN NULL
                    WHEN u(row_no, '{salt}') < {rates["date_excel_serial"]}
                      THEN CAST({column} - DATE '1899-12-30' AS VARCHAR)
                    ELSE strftime({column}, '{fmt}') END"""


def _write_role(
    con: duckdb.DuckDBPyConnection, role: str, out: Path, truth_dir: Path, rates: dict[str, float], encoding: str
) -> dict[str, int]:
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE f AS
        WITH joined AS (
          SELECT r.*, p.id_number, p.name, p.sex, p.birth_date AS birth, p.birth_date, p.township, p.village,
                 p.twin_of IS NOT NULL AS twin, u(r.row_no, 'id_noise') AS u_id, u(r.row_no, 'name_noise') AS u_name,
                 h(r.row_no, 'force_kind', 4) AS force_kind
          FROM r_{role} r JOIN people p USING (pid)
        )
        SELECT *, {_id_noise_sql(rates)} AS id_noise, {_name_noise_sql(rates)} AS name_noise FROM joined
        ORDER BY row_no
    """)  # sorted once: the two files below are written in this (insertion) order
    fmt = _DATE_FORMATS[role]
    render = {
        "id": _id_render_sql(),
        "name": _name_render_sql(),
        "month": "strftime(month, '%Y%m')",
        "company": "company",
        "credit": "credit",
    }
    for col in _DATE_COLUMNS:
        render[col] = _date_sql(f'"{col}"', fmt, rates, f"date_{col}")
    select = ", ".join(f'{render.get(col, col)} AS "{header}"' for header, col in HEADERS[role])
    csv_path = out / f"{role}.csv"
    tmp = csv_path if encoding == "utf-8" else out / f".{role}.utf8.csv"
    con.execute(f"COPY (SELECT {select} FROM f) TO {_sql_str(str(tmp))} (HEADER, DELIMITER ',')")
    if tmp != csv_path:
        _transcode(tmp, csv_path, encoding)
        tmp.unlink()
    con.execute(
        f"COPY (SELECT row_no + 1 AS row_no, id_number, id_noise, name_noise, pid FROM f) "
        f"TO {_sql_str(str(truth_dir / f'{role}.parquet'))} (FORMAT parquet)"
    )
    con.execute(f"CREATE OR REPLACE TEMP TABLE n_{role} AS SELECT row_no, id_noise IN {_USABLE_SQL} AS usable FROM f")
    counts = con.execute("SELECT id_noise, count(*) FROM f GROUP BY ALL").fetchall()
    con.execute("DROP TABLE f")
    return {str(kind): int(count) for kind, count in counts}


def _transcode(src: Path, dst: Path, encoding: str) -> None:
    """Stream a UTF-8 file into another encoding (gbk, gb18030, utf-8-sig)."""
    with src.open(encoding="utf-8", newline="") as fin, dst.open("w", encoding=encoding, newline="") as fout:
        shutil.copyfileobj(fin, fout, 1 << 20)


def _truth(con: duckdb.DuckDBPyConnection) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """The hit persons per rule, and those among them hit by rows whose IDs are usable on
    every side (found by the exact ID; the others need the fuzzy match)."""
    queries = {
        # Overlapping periods; an empty end is open.
        "welfare_vs_payroll": """
            SELECT w.pid, nw.usable AND np.usable AS usable
            FROM r_welfare w JOIN r_payroll p USING (pid)
            JOIN n_welfare nw ON nw.row_no = w.row_no JOIN n_payroll np ON np.row_no = p.row_no
            WHERE w.kind IN ('低保', '特困')
              AND w.start <= coalesce(p."end", DATE '9999-12-31') AND p.start <= coalesce(w."end", DATE '9999-12-31')
        """,
        # A pension for a month two or more months after the month of death.
        "death_vs_pension": """
            SELECT d.pid, nd.usable AND ne.usable AS usable
            FROM r_deaths d JOIN r_pensions e USING (pid)
            JOIN n_deaths nd ON nd.row_no = d.row_no JOIN n_pensions ne ON ne.row_no = e.row_no
            WHERE ym(e.month) >= ym(d.death) + 2
        """,
        # On the payroll now (no end) and 法定代表人, 股东 or 监事 of a business.
        "payroll_vs_business": """
            SELECT p.pid, np.usable AND nb.usable AS usable
            FROM r_payroll p JOIN r_business b USING (pid)
            JOIN n_payroll np ON np.row_no = p.row_no JOIN n_business nb ON nb.row_no = b.row_no
            WHERE p."end" IS NULL AND b.position IN ('法定代表人', '股东', '监事')
        """,
        # The same kind of subsidy more than once in one year (usable: two rows with usable IDs).
        "duplicate_subsidy": """
            SELECT pid, count(*) FILTER (WHERE n.usable) >= 2 AS usable
            FROM r_subsidies s JOIN n_subsidies n USING (row_no)
            GROUP BY pid, kind, year HAVING count(*) >= 2
        """,
    }
    truth, exact = {}, {}
    for rule, query in queries.items():
        rows = con.execute(
            f"SELECT p.id_number, bool_or(q.usable) FROM ({query}) q JOIN people p USING (pid) GROUP BY ALL"
        ).fetchall()
        truth[rule] = {row[0] for row in rows}
        exact[rule] = {row[0] for row in rows if row[1]}
    return truth, exact


def _planted(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, set[str]]]:
    """The planted persons per rule: the near-misses (no hit) and the namesakes."""

    def ids(query: str) -> set[str]:  # (a near miss whose person is a hit by another row is left out)
        return {
            row[0] for row in con.execute(f"SELECT p.id_number FROM ({query}) q JOIN people p USING (pid)").fetchall()
        }

    return {
        "welfare_vs_payroll": {
            "near_misses": ids("SELECT pid FROM r_welfare WHERE plant IN ('before', 'after')"),
            "namesakes": ids("SELECT pid FROM r_welfare JOIN people USING (pid) WHERE twin_of IS NOT NULL"),
        },
        "death_vs_pension": {
            "near_misses": ids("SELECT pid FROM r_deaths WHERE plant = 'one_month'"),
            "namesakes": ids("SELECT pid FROM r_deaths JOIN people USING (pid) WHERE twin_of IS NOT NULL"),
        },
        "payroll_vs_business": {
            "near_misses": ids(
                "SELECT b.pid FROM r_business b JOIN r_payroll p USING (pid)"
                " WHERE b.plant = 'planted' AND (b.position = '其他' OR p.\"end\" IS NOT NULL)"
            ),
            "namesakes": ids("SELECT pid FROM r_business JOIN people USING (pid) WHERE twin_of IS NOT NULL"),
        },
        "duplicate_subsidy": {
            "near_misses": ids("SELECT pid FROM r_subsidies WHERE plant = 'next_year'"),
            "namesakes": set(),
        },
    }


def synthetic_files(
    out_dir: Path | str,
    *,
    people: int,
    scale: dict[str, int],
    seed: int = 1,
    noise: dict[str, float] | None = None,
    encodings: dict[str, str] | None = None,
    threads: int | None = None,
) -> dict[str, Any]:
    """Write the people table and one CSV file a role; answer the ground truth.

    ``scale`` gives the rows of each role's file (missing roles get 0 rows; the pensions
    file may come out shorter: payments stop at death). ``noise`` overrides
    ``DEFAULT_NOISE`` (``CLEAN`` for none). ``encodings`` writes a role's file in ``gbk``,
    ``gb18030`` or ``utf-8-sig`` instead of UTF-8.

    Answers ``{"files": {role: Path}, "truth": {rule: set of canonical IDs},
    "truth_exact": {rule: the hit persons reachable by usable IDs alone},
    "people": Path (Parquet), "row_truth": {role: Path (Parquet)}, "rows": {role: int},
    "id_noise": {role: {kind: rows}}, "planted": {rule: {"near_misses": set, "namesakes": set}},
    "noise": the rates used}``.
    """
    unknown = sorted(set(scale) - set(ROLES))
    if unknown:
        raise ValueError(f"unknown roles: {', '.join(unknown)}")
    if people < 100:
        raise ValueError("people must be at least 100")
    rates = _noise_rates(noise)
    sizes = {role: int(scale.get(role, 0)) for role in ROLES}
    encodings = encodings or {}
    for role, enc in encodings.items():
        if role not in ROLES or enc not in ("utf-8", "utf-8-sig", "gbk", "gb18030"):
            raise ValueError(f"bad encoding {enc!r} for {role!r}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    truth_dir = out / "truth"
    truth_dir.mkdir(exist_ok=True)
    con = duckdb.connect()
    try:
        con.execute("SET preserve_insertion_order = true")
        con.execute(f"SET temp_directory = {_sql_str(str(out / '.duckdb_tmp'))}")
        if threads:
            con.execute(f"SET threads = {int(threads)}")
        _macros(con, seed)
        layout = _people(con, people, sizes, rates)
        layout["n"] = people
        _roles(con, sizes, layout, rates)
        files, row_truth, rows, id_noise = {}, {}, {}, {}
        for role in ROLES:
            id_noise[role] = _write_role(con, role, out, truth_dir, rates, encodings.get(role, "utf-8"))
            files[role] = out / f"{role}.csv"
            row_truth[role] = truth_dir / f"{role}.parquet"
            rows[role] = sum(id_noise[role].values())
        people_path = out / "people.parquet"
        con.execute(
            "COPY (SELECT pid, id_number, name, sex, birth_date, township, village, twin_of FROM people ORDER BY pid) "
            f"TO {_sql_str(str(people_path))} (FORMAT parquet)"
        )
        truth, truth_exact = _truth(con)
        planted = _planted(con)
        for rule, cases in planted.items():
            cases["near_misses"] -= truth[rule]
    finally:
        con.close()
        shutil.rmtree(out / ".duckdb_tmp", ignore_errors=True)
    return {
        "files": files,
        "truth": truth,
        "truth_exact": truth_exact,
        "people": people_path,
        "row_truth": row_truth,
        "rows": rows,
        "id_noise": id_noise,
        "planted": planted,
        "noise": rates,
    }
