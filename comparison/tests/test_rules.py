"""The standard rules on planted data (DuckDB), and the validation of rule definitions."""

import copy
from pathlib import Path

import pytest

from comparison.engines import hits_iter, rule_run
from comparison.rules import STANDARD, RuleError, rule_validate, summary_labels
from comparison.tests.normalised import STANDARD_EXPECTED, standard_datasets


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Path]]:
    return standard_datasets(tmp_path_factory.mktemp("planted"))


@pytest.fixture(scope="module")
def hits(planted: dict[str, dict[str, Path]], tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict]]:
    out_dir = tmp_path_factory.mktemp("hits")
    found = {}
    for key, rule in STANDARD.items():
        out = out_dir / f"{key}.parquet"
        rule_run(rule["definition"], planted[key], out=out)
        found[key] = list(hits_iter(out))
    return found


def _by_name(hits: list[dict]) -> dict[str, dict]:
    return {h["name"]: h for h in hits}


@pytest.mark.parametrize("key", list(STANDARD))
def test_each_standard_rule_finds_the_planted_people_and_not_the_near_misses(hits: dict, key: str) -> None:
    found = {h["name"] + (f"|{h['group_key']}" if h["group_key"] else "") for h in hits[key]}
    assert found == STANDARD_EXPECTED[key]
    people = [(h["person"], h["group_key"]) for h in hits[key]]
    assert len(people) == len(set(people)), "one hit per person (and group)"


def test_welfare_vs_payroll_periods_open_ends_touching_and_fuzzy(hits: dict) -> None:
    found = _by_name(hits["welfare_vs_payroll"])
    zhang = found["张伟"]
    assert zhang["match"] == "exact" and zhang["probability"] is None
    assert zhang["summary"]["享受期间"] == "2020-01-01至今、2016-01-01至2017-12-31"
    assert zhang["summary"]["供养期间"] == "2015-01-01至今"
    assert zhang["summary"]["供养单位"] == "县财政局"
    assert len(zhang["evidence"]["welfare"]) == 2 and len(zhang["evidence"]["payroll"]) == 1
    # One shared day is an overlap; the day after is not (王芳 is absent).
    assert found["李娜"]["summary"]["享受期间"] == "2018-01-01至2020-01-01"
    chen = found["陈静"]
    assert chen["match"] == "fuzzy" and chen["probability"] >= 0.99
    assert chen["id_number"] == chen["person"] and len(chen["id_number"]) == 18  # the payroll's ID
    assert chen["agreed"] == "name,birth_date,sex,township"
    assert chen["evidence"]["welfare"][0]["id_status"] == "missing"


def test_death_vs_pension_counts_from_the_second_month_after_death(hits: dict) -> None:
    found = _by_name(hits["death_vs_pension"])
    zhou = found["周杰"]  # died 2023-03-15: April paid is no hit, May and June are
    assert zhou["summary"] == {"死亡日期": "2023-03-15", "死亡后发放月份": "2023-05、2023-06", "多发金额": "3001.00"}
    assert sorted(r["pay_month"] for r in zhou["evidence"]["pensions"]) == ["2023-05-01", "2023-06-01"]
    assert "吴刚" not in found  # died 2023-03-31, paid for April only
    zheng = found["郑丽"]  # died 2022-12-10 without an ID in the list: February is the second month
    assert zheng["match"] == "fuzzy"
    assert zheng["summary"]["死亡后发放月份"] == "2023-02" and zheng["summary"]["多发金额"] == "980.00"


def test_payroll_vs_business_current_staff_in_the_positions(hits: dict) -> None:
    found = _by_name(hits["payroll_vs_business"])
    assert found["孙强"]["summary"]["企业名称"] == "某某商贸有限公司"
    assert found["孙强"]["summary"]["职务/身份"] == "法定代表人"
    assert found["胡军"]["summary"]["职务/身份"] == "执行董事兼监事"  # contains 监事


def test_duplicate_subsidy_one_hit_per_person_kind_and_year(hits: dict) -> None:
    found = {(h["name"], h["group_key"]): h for h in hits["duplicate_subsidy"]}
    sun = found["孙强", "耕地地力保护补贴|2023"]
    assert sun["summary"]["发放次数"] == 2 and sun["summary"]["发放金额合计"] == "600.00"
    assert sun["summary"]["发放月份"] == "2023-04、2023-09"
    assert sun["match"] == "exact"
    assert found["朱琳", "生态公益林补偿|2023"]["summary"]["发放次数"] == 3
    ma = found["马超", "耕地地力保护补贴|2023"]  # one of the two rows has no ID
    assert ma["match"] == "fuzzy" and ma["probability"] >= 0.99 and ma["agreed"] == "name,birth_date,sex,township"
    assert ma["summary"]["发放次数"] == 2 and ma["summary"]["发放金额合计"] == "560.00"
    assert [r["id_status"] for r in ma["evidence"]["subsidies"]] == ["valid", "missing"]


def test_welfare_vs_village_cadres_by_person_or_household(hits: dict) -> None:
    found = _by_name(hits["welfare_vs_village_cadres"])
    assert found["张伟"]["match"] == "exact" and found["张伟"]["agreed"] == "id_number"
    lin = found["林峰"]
    assert lin["agreed"] == "household,village"
    assert lin["summary"]["村干部姓名"] == "何平" and lin["summary"]["村干部职务"] == "村党支部书记"


def test_vehicles_property_and_death_vs_welfare(hits: dict) -> None:
    assert _by_name(hits["welfare_vs_vehicles"])["罗兰"]["summary"]["号牌号码"] == "浙A12345"
    assert _by_name(hits["welfare_vs_property"])["梁红"]["summary"]["不动产登记期间"] == "2021-03-01至今"
    found = _by_name(hits["death_vs_welfare"])
    assert found["冯雪"]["summary"]["享受至"] == "至今"
    assert found["曹操"]["summary"]["享受至"] == "2023-05-31"  # died in March, April's end is no hit (邓华)


def test_every_standard_rule_is_valid_and_labelled() -> None:
    for rule in STANDARD.values():
        checked = rule_validate(rule["definition"])
        assert rule["name"] and rule["description"] and rule["hit"]
        assert all(spec["label"] for spec in checked["roles"].values())
        assert summary_labels(checked)


def _bad(change: callable) -> str:
    definition = copy.deepcopy(STANDARD["welfare_vs_payroll"]["definition"])
    change(definition)
    with pytest.raises(RuleError) as error:
        rule_validate(definition)
    return str(error.value)


def test_validation_names_the_part_at_fault() -> None:
    assert _bad(lambda d: d["where"][1]["left"].__setitem__(0, "welfare.xxx")) == "条件第2条：字段“welfare.xxx”不存在"
    assert "条件第1条" in _bad(lambda d: d["where"][0].__setitem__("op", "like"))
    assert "不在规则的数据集中" in _bad(lambda d: d["where"][0].__setitem__("field", "cadres.subsidy_kind"))
    assert "不是日期" in _bad(lambda d: d["where"][1]["right"].__setitem__(0, "payroll.unit"))
    assert "阈值" in _bad(lambda d: d["link"].__setitem__("fuzzy", 1.5))
    assert "展示第1项" in _bad(lambda d: d["show"][0].__setitem__("field", "welfare.nope"))
    assert "label" in _bad(lambda d: d["roles"]["welfare"].pop("label"))
    assert "一个或两个" in _bad(lambda d: d.__setitem__("roles", {}))
    message = _bad(lambda d: d["where"].append({"op": "gt", "field": "welfare.start_date", "value": "昨天"}))
    assert message.startswith("条件第3条") and "不是日期" in message
