"""rule_run: checks before running, progress and cancelling, the hits file (its text) and its CSV."""

import csv
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from comparison.engines import HIT_SCHEMA, RunCancelled, hits_csv, hits_iter, rule_run
from comparison.rules import STANDARD, RuleError
from comparison.tests.normalised import id_make, person, write_normalised

RULE = STANDARD["welfare_vs_payroll"]["definition"]


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    welfare = [
        person("张伟", id_make(1), subsidy_kind="低保", start_date="2020-01-01", township="城关镇"),
        person("王芳", None, birth_date="1981-02-02", subsidy_kind="低保", start_date="2021-01-01"),
        person("=HYPERLINK(1)", id_make(5), subsidy_kind="低保", start_date="2021-01-01"),
    ]
    payroll = [
        person("张伟", id_make(1), unit="县财政局", start_date="2015-01-01"),
        person("王芳", id_make(3, "19810202"), unit="县教育局", start_date="2019-01-01", sex=None),
        person("=HYPERLINK(1)", id_make(5), unit="-某局", start_date="2019-01-01"),
    ]
    return {
        "welfare": write_normalised(tmp_path / "welfare.parquet", welfare),
        "payroll": write_normalised(tmp_path / "payroll.parquet", payroll),
    }


def test_a_run_writes_one_parquet_file_of_hits_with_stats_and_progress(tmp_path: Path, files: dict) -> None:
    seen: list[tuple[str, int, int]] = []
    out = tmp_path / "out" / "hits.parquet"
    stats = rule_run(RULE, files, out=out, progress=lambda *p: seen.append(p))
    assert stats.engine == "duckdb" and stats.hits == 3
    assert stats.rows == {"welfare": 3, "payroll": 3}
    assert set(stats.phases) == {"read", "normalise", "match", "rule", "store"}
    assert [p[0] for p in seen][0] == "read" and seen[-1] == ("store", 3, 3)
    assert {p[0] for p in seen} == {"read", "match", "rule", "store"}
    assert pq.read_schema(out).equals(HIT_SCHEMA)
    assert [p.name for p in out.parent.iterdir()] == ["hits.parquet"]  # the temporary directory is gone
    wang = next(h for h in hits_iter(out) if h["name"] == "王芳")
    assert wang["name_birth_only"] is True and wang["match"] == "fuzzy"


def test_csv_has_the_id_first_and_chinese_columns(tmp_path: Path, files: dict) -> None:
    out = tmp_path / "hits.parquet"
    rule_run(RULE, files, out=out)
    assert hits_csv(out, tmp_path / "hits.csv", RULE) == 3
    with open(tmp_path / "hits.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0])[:5] == ["身份证号", "姓名", "匹配方式", "匹配概率", "一致字段"]
    assert list(rows[0])[5:] == ["救助类别", "乡镇", "供养单位", "享受期间", "供养期间"]
    by_name = {r["姓名"]: r for r in rows}
    assert by_name["张伟"]["身份证号"] == id_make(1) and by_name["张伟"]["匹配方式"] == "精确"
    wang = by_name["王芳"]
    assert wang["身份证号"] == id_make(3, "19810202") and wang["匹配方式"] == "模糊"
    assert wang["匹配概率"] == "0.9993"
    assert wang["一致字段"] == "姓名、出生日期（仅姓名和出生日期一致）"
    # A spreadsheet would run a formula: neutralised; a negative-looking text too.
    assert "'=HYPERLINK(1)" in by_name and by_name["'=HYPERLINK(1)"]["供养单位"] == "'-某局"


def test_a_missing_or_extra_role_or_bad_file_is_refused_in_chinese(tmp_path: Path, files: dict) -> None:
    out = tmp_path / "hits.parquet"
    with pytest.raises(RuleError, match="缺少数据集：payroll（财政供养人员名单）"):
        rule_run(RULE, {"welfare": files["welfare"]}, out=out)
    with pytest.raises(RuleError, match="规则不使用这些数据集：cadres"):
        rule_run(RULE, {**files, "cadres": files["welfare"]}, out=out)
    with pytest.raises(RuleError, match="文件不存在"):
        rule_run(RULE, {**files, "payroll": tmp_path / "nope.parquet"}, out=out)
    (tmp_path / "text.parquet").write_text("姓名,身份证号\n", encoding="utf-8")
    with pytest.raises(RuleError, match="数据集“payroll”的文件无法读取"):
        rule_run(RULE, {**files, "payroll": tmp_path / "text.parquet"}, out=out)
    pq.write_table(pq.read_table(files["payroll"]).drop_columns(["unit"]), tmp_path / "no_unit.parquet")
    with pytest.raises(RuleError, match="数据集“payroll”的文件缺少列：unit"):
        rule_run(RULE, {**files, "payroll": tmp_path / "no_unit.parquet"}, out=out)
    with pytest.raises(RuleError, match="不认识的比对引擎"):
        rule_run(RULE, files, out=out, engine="oracle")
    assert not out.exists()


def test_cancelling_between_phases_writes_nothing(tmp_path: Path, files: dict) -> None:
    phases: list[str] = []
    out = tmp_path / "run" / "hits.parquet"
    with pytest.raises(RunCancelled):
        rule_run(
            RULE,
            files,
            out=out,
            progress=lambda phase, done, total: phases.append(phase),
            cancelled=lambda: "match" in phases,
        )
    assert phases == ["read", "read", "read", "match"]
    assert list(out.parent.iterdir()) == []  # neither the hits nor the temporary directory


def test_a_person_without_any_usable_id_gets_a_stable_key_and_an_empty_id_column(tmp_path: Path) -> None:
    rule = STANDARD["death_vs_pension"]["definition"]
    deaths = [person("郑丽", None, birth_date="1940-03-10", sex="女", township="河口镇", death_date="2022-12-10")]
    pensions = [
        person("鄭麗", "41012219400310", status="invalid", birth_date="1940-03-10", sex="女", township="河口镇",
               pay_month=f"2023-0{m}", amount="980.00")
        for m in (1, 2, 3)
    ]  # fmt: skip
    files = {
        "deaths": write_normalised(tmp_path / "deaths.parquet", deaths),
        "pensions": write_normalised(tmp_path / "pensions.parquet", pensions),
    }
    out = tmp_path / "hits.parquet"
    rule_run(rule, files, out=out)
    [hit] = list(hits_iter(out))
    assert hit["person"] == "deaths#1" and hit["id_number"] is None and hit["match"] == "fuzzy"
    assert hit["summary"]["死亡后发放月份"] == "2023-02、2023-03" and hit["summary"]["多发金额"] == "1960.00"
    hits_csv(out, tmp_path / "hits.csv", rule)
    with open(tmp_path / "hits.csv", encoding="utf-8", newline="") as handle:
        [row] = list(csv.DictReader(handle))
    assert row["身份证号"] == "" and row["姓名"] == "郑丽" and row["匹配方式"] == "模糊"


def test_one_person_is_one_hit_when_some_rows_lost_their_id(tmp_path: Path) -> None:
    rule = STANDARD["death_vs_pension"]["definition"]
    the_id = id_make(21, "19400310")
    deaths = [person("郑丽", None, birth_date="1940-03-10", sex="女", township="河口镇", death_date="2022-12-10")]
    pensions = [
        person("郑丽", the_id, sex="女", township="河口镇", pay_month="2023-02", amount="980.00"),
        person("郑丽", the_id[:17], status="invalid", birth_date="1940-03-10", sex="女", township="河口镇",
               pay_month="2023-03", amount="980.00"),
    ]  # fmt: skip
    files = {
        "deaths": write_normalised(tmp_path / "deaths.parquet", deaths),
        "pensions": write_normalised(tmp_path / "pensions.parquet", pensions),
    }
    rule_run(rule, files, out=tmp_path / "hits.parquet")
    [hit] = list(hits_iter(tmp_path / "hits.parquet"))
    assert hit["id_number"] == the_id
    assert hit["summary"]["死亡后发放月份"] == "2023-02、2023-03" and hit["summary"]["多发金额"] == "1960.00"


ODD = 'a"b\\c\nd\te\x01f\u2028g'  # what json escapes (quote, backslash, control characters) and what it does not


def _reference_rows(path: Path, rows: list[int]) -> list[dict]:
    """The evidence rows as the hits file must hold them: the file's non-empty columns but the
    matching keys (name_norm, name_key), dates ISO, amounts as text with 2 decimals."""
    out = []
    for row in pq.read_table(path).to_pylist():
        if row["row_no"] in rows:
            out.append({k: v.isoformat() if isinstance(v, dt.date) else f"{v:.2f}" if isinstance(v, Decimal) else v
                        for k, v in row.items() if v is not None and k not in ("name_norm", "name_key")})  # fmt: skip
    return out


def test_the_hits_text_is_json_of_the_rows_whatever_they_hold(tmp_path: Path) -> None:
    a, b = id_make(101), id_make(102)
    left = [
        person("甲", a, unit=ODD, start_date="2020-01-01", credit_code_valid=True, amount="12.50", pay_month="2023-02"),
        person("甲", a, unit="县\\局", end_date="2021-06-30", township="", credit_code_valid=False, amount="-3.05"),
        person("", b, unit=None, start_date="0099-01-02", end_date="0999-12-31", pay_month="0098-07"),
    ]
    right = [
        person("甲", a, unit="右一", start_date="2019-01-01"),
        person("甲", a, unit="右二", start_date="2021-01-01", end_date="2021-02-01"),
        person("乙", b, unit=ODD, start_date="0099-06-01"),
    ]
    files = {"l": write_normalised(tmp_path / "l.parquet", left), "r": write_normalised(tmp_path / "r.parquet", right)}
    rule = {
        "roles": {"l": {"label": '左"表'}, "r": {"label": "右\\表"}},
        "link": {"left": "l", "right": "r", "on": "person"},
        "where": [{"op": "overlap", "left": ["l.start_date", "l.end_date"], "right": ["r.start_date", "r.end_date"]}],
        "show": [
            {"field": "l.unit", "label": "单位"},
            {"field": "l.credit_code_valid", "label": "信用代码有效"},
            {"field": "l.amount", "label": "金额"},
            {"field": "l.pay_month", "label": "月份"},
            {"field": "l.township", "label": "乡镇"},
            {"field": "r.unit", "label": '右"单位'},
        ],
    }
    out = tmp_path / "hits.parquet"
    rule_run(rule, files, out=out)
    raw = pq.read_table(out).to_pylist()
    for hit in raw:  # the text is json.dumps's own: its separators, its escapes, UTF-8 kept as is
        for column in ("summary", "evidence"):
            assert hit[column] == json.dumps(json.loads(hit[column]), ensure_ascii=False)
    jia, yi = (hit for hit in hits_iter(out))
    assert jia["name"] == "甲" and yi["name"] == "乙"  # 乙's own row in l has an empty name
    assert jia["evidence"] == {"l": _reference_rows(files["l"], [1, 2]), "r": _reference_rows(files["r"], [1, 2])}
    assert jia["summary"] == {
        "单位": f"{ODD}、县\\局",
        "信用代码有效": "True、False",
        "金额": "12.50、-3.05",
        "月份": "2023-02",
        "乡镇": "",
        '右"单位': "右一、右二",
        '左"表期间': "2020-01-01至今、不详至2021-06-30",
        "右\\表期间": "2019-01-01至今、2021-01-01至2021-02-01",
    }
    assert yi["evidence"] == {"l": _reference_rows(files["l"], [3]), "r": _reference_rows(files["r"], [3])}
    assert yi["summary"]["单位"] == "" and yi["summary"]['右"单位'] == ODD
    assert yi["summary"]['左"表期间'] == "0099-01-02至0999-12-31" and yi["summary"]["右\\表期间"] == "0099-06-01至今"
    assert yi["summary"]["月份"] == dt.date(98, 7, 1).strftime("%Y-%m")  # as Python writes it


def test_months_after_come_sorted_once_each_an_open_one_last(tmp_path: Path) -> None:
    the_id = id_make(7, "19400310")
    deaths = [person("郑丽", the_id, death_date="2022-11-30")]
    welfare = [
        person("郑丽", the_id, end_date=None, subsidy_kind="低保", amount="1.10"),
        person("郑丽", the_id, end_date="2023-05-20", subsidy_kind="低保", amount="2.20"),
        person("郑丽", the_id, end_date="2023-02-01", subsidy_kind="低保"),
        person("郑丽", the_id, end_date="2023-05-20", subsidy_kind="低保", amount="3.30"),
        person("郑丽", the_id, end_date=None, subsidy_kind="低保"),
    ]
    files = {
        "deaths": write_normalised(tmp_path / "deaths.parquet", deaths),
        "welfare": write_normalised(tmp_path / "welfare.parquet", welfare),
    }
    rule = {
        "roles": {"deaths": {"label": "死亡"}, "welfare": {"label": "低保"}},
        "link": {"left": "deaths", "right": "welfare", "on": "person"},
        "where": [{"op": "months_after", "month": "welfare.end_date", "date": "deaths.death_date", "min": 2,
                   "if_empty": True, "labels": {"months": "享受至", "amount": "金额"}}],
    }  # fmt: skip
    rule_run(rule, files, out=tmp_path / "hits.parquet")
    [hit] = list(hits_iter(tmp_path / "hits.parquet"))
    assert hit["summary"] == {"享受至": "2023-02-01、2023-05-20、至今", "金额": "6.60"}
    assert [r["row_no"] for r in hit["evidence"]["welfare"]] == [1, 2, 3, 4, 5]


def test_a_row_linked_by_its_id_and_by_its_household_says_the_id_agreed_every_time(tmp_path: Path) -> None:
    """The same two rows are linked twice (link.on's alternatives); the hit shows one reason, always the same."""
    the_id = id_make(9)
    welfare = [person("孙强", the_id, subsidy_kind="低保", start_date="2020-01-01", village="东村", household="H1")]
    cadres = [person("孙强", the_id, position="主任", start_date="2019-01-01", village="东村", household="H1")]
    files = {
        "welfare": write_normalised(tmp_path / "welfare.parquet", welfare),
        "cadres": write_normalised(tmp_path / "cadres.parquet", cadres),
    }
    rule = STANDARD["welfare_vs_village_cadres"]["definition"]
    seen = set()
    for n in range(10):  # the engine answers the two links in either order
        rule_run(rule, files, out=tmp_path / f"hits{n}.parquet")
        [hit] = list(hits_iter(tmp_path / f"hits{n}.parquet"))
        seen.add((hit["match"], hit["agreed"]))
    assert seen == {("exact", "id_number")}


def test_a_linked_hit_shows_its_best_pair_and_a_group_its_weakest():
    """A person linked to two payroll rows, by a strong and by a weak fuzzy match, stands on
    the strong one (and is not flagged as matched on name and birth date alone); a group of
    subsidy rows, which needs every row, shows its weakest link."""
    import pyarrow as pa

    from comparison.engines import HIT_SCHEMA
    from comparison.rules import STANDARD, rule_validate
    from comparison.store import hits_table

    def table(rows: list[int]) -> pa.Table:
        n = len(rows)
        return pa.table(
            {
                "row_no": rows,
                "name": ["施建华"] * n,
                "start_date": [dt.date(2022, 1, 1)] * n,
                "end_date": pa.array([None] * n, pa.date32()),
            }
        )

    linked = rule_validate(STANDARD["welfare_vs_payroll"]["definition"])
    pairs = pa.table(
        {
            "person": ["welfare#2", "welfare#2"],
            "group_key": [None, None],
            "match": ["fuzzy", "fuzzy"],
            "probability": [0.991, 0.9999],
            "agreed": ["name,birth_date", "name,birth_date,sex"],
            "name_birth_only": [True, False],
            "welfare_row": [2, 2],
            "payroll_row": [5, 7],
        }
    )
    [hit] = hits_table(linked, pairs, {"welfare": table([2]), "payroll": table([5, 7])}, HIT_SCHEMA).to_pylist()
    assert (hit["probability"], hit["agreed"], hit["name_birth_only"]) == (0.9999, "name,birth_date,sex", False)

    grouped = rule_validate(STANDARD["duplicate_subsidy"]["definition"])
    role = next(iter(grouped["roles"]))
    pairs = pa.table(
        {
            "person": ["330000#1"] * 2,
            "group_key": ["耕地地力保护补贴|2024"] * 2,
            "match": ["fuzzy", "fuzzy"],
            "probability": [0.9999, 0.996],
            "agreed": ["name,birth_date,sex", "name,birth_date"],
            "name_birth_only": [False, True],
            f"{role}_row": [1, 2],
        }
    )
    [hit] = hits_table(grouped, pairs, {role: table([1, 2])}, HIT_SCHEMA).to_pylist()
    assert (hit["probability"], hit["name_birth_only"]) == (0.996, True)
