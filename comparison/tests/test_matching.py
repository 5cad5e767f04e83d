"""Matching people: exact on the canonical ID, then Splink's fixed model on DuckDB."""

import random
from pathlib import Path

import pytest

from comparison.engines import DuckDBEngine, agreed_label
from comparison.matching import links
from comparison.tests.normalised import id_check, id_make, person, write_normalised


def _links(tmp_path: Path, left: list[dict], right: list[dict], fuzzy: float | None = 0.99) -> list[dict]:
    engine = DuckDBEngine(tmp_path)
    try:
        engine.register("a", write_normalised(tmp_path / "a.parquet", left))
        engine.register("b", write_normalised(tmp_path / "b.parquet", right))
        links(engine, "a", "b", fuzzy=fuzzy)
        return engine.arrow("SELECT * FROM links ORDER BY left_row, right_row").to_pylist()
    finally:
        engine.close()


def test_exact_on_the_canonical_id_only_when_no_threshold(tmp_path: Path) -> None:
    left = [person("张伟", id_make(1)), person("王芳", None, birth_date="1980-01-01", township="城关镇")]
    right = [person("张 偉", id_make(1)), person("王芳", id_make(3), township="城关镇")]
    found = _links(tmp_path, left, right, fuzzy=None)
    assert found == [
        {
            "left_row": 1,
            "right_row": 1,
            "match": "exact",
            "probability": None,
            "agreed": "id_number",
            "name_birth_only": False,
        }
    ]


def test_missing_id_matched_by_name_birth_and_township_with_its_probability(tmp_path: Path) -> None:
    left = [person("王芳", None, birth_date="1980-01-01", sex="女", township="城关镇")]
    right = [person("王芳", id_make(2), birth_date="1980-01-01", sex="女", township="城关镇")]
    [pair] = _links(tmp_path, left, right)
    assert pair["match"] == "fuzzy"
    assert 0.99 <= pair["probability"] <= 1 and round(pair["probability"], 4) == pair["probability"]
    assert pair["agreed"] == "name,birth_date,sex,township"
    assert pair["name_birth_only"] is False


def test_homophone_surname_and_traditional_characters_match(tmp_path: Path) -> None:
    left = [
        person("章伟", None, birth_date="1980-05-05", sex="男", township="河口镇"),  # 张 written 章
        person("曾 小紅", "330127198106060011", status="bad_checksum", birth_date="1981-06-06", sex="女",
               township="城关镇"),
    ]  # fmt: skip
    right = [
        person("张伟", id_make(5, "19800505"), sex="男", township="河口镇"),
        person("增小红", id_make(7, "19810606"), sex="女", township="城关镇"),
    ]
    found = _links(tmp_path, left, right)
    assert [(p["left_row"], p["right_row"], p["match"]) for p in found] == [(1, 1, "fuzzy"), (2, 2, "fuzzy")]
    assert all(p["probability"] >= 0.99 and p["agreed"].startswith("name,birth_date") for p in found)


def test_namesakes_differing_in_sex_or_township_are_not_matched(tmp_path: Path) -> None:
    left = [
        person("李娜", None, birth_date="1982-03-03", sex="女", township="城关镇"),
        person("李娜", None, birth_date="1982-03-03", sex="男", township="河口镇"),
    ]
    right = [
        person("李娜", id_make(9, "19820303"), sex="男", township="城关镇"),  # sex differs from row 1
        person("李娜", id_make(11, "19820303"), sex="女", township="白沙镇"),  # township differs from both
    ]
    found = _links(tmp_path, left, right)
    # Row 2 (男, 河口镇) and right 1 (男, 城关镇): township differs. Nothing agrees beyond name and birth.
    assert found == []


def test_name_and_birth_alone_are_flagged(tmp_path: Path) -> None:
    left = [person("赵敏", None, birth_date="1987-07-07")]
    right = [person("赵敏", id_make(13, "19870707"), sex=None)]
    right[0]["sex"] = None
    [pair] = _links(tmp_path, left, right)
    assert pair["agreed"] == "name,birth_date"
    assert pair["name_birth_only"] is True


def test_two_usable_ids_that_differ_are_two_people(tmp_path: Path) -> None:
    left = [person("杨勇", id_make(15, "19860606"), township="城关镇")]
    right = [person("杨勇", id_make(17, "19860606"), township="城关镇")]  # same name, birth, sex, township
    assert _links(tmp_path, left, right) == []


def _typed(the_id: str, position: int) -> str:
    """The ID with the digit at ``position`` (1-based) typed one higher: its check then fails."""
    digit = str((int(the_id[position - 1]) + 1) % 10)
    return the_id[: position - 1] + digit + the_id[position:]


def _swap(the_id: str, position: int) -> str:
    """The ID with the digits at ``position`` and the next swapped (they must differ)."""
    assert the_id[position - 1] != the_id[position]
    return the_id[: position - 1] + the_id[position] + the_id[position - 1] + the_id[position + 1 :]


def _excel(the_id: str) -> str:
    """The ID as Excel shows a long number: 15 significant digits, rounded (4.10102199001011E+17)."""
    digits = str((int(the_id) + 500) // 1000)
    return f"{digits[0]}.{digits[1:].rstrip('0')}E+17"


YANG = {"birth_date": "1969-08-10", "sex": "女", "township": "白沙镇"}


def test_homophones_whose_ids_say_two_people_are_not_matched(tmp_path: Path) -> None:
    # 杨怡 on the welfare list and 杨义 on the payroll: pinyin, birth date, sex and township agree.
    yang_yi = id_make(356, "19690810", area="410122")  # 杨义's ID, valid
    yang_yi_other = id_make(582, "19690810", area="410122")  # 杨怡's own, typed with one digit wrong
    left = [person("杨怡", _typed(yang_yi_other, 16), status="bad_checksum", **YANG)]
    right = [person("杨义", yang_yi, **YANG)]
    assert _links(tmp_path, left, right) == []
    # Her ID typed in Excel is as plain: its 15 digits are not his.
    left = [person("杨怡", _excel(yang_yi_other), status="excel_number", **YANG)]
    assert _links(tmp_path, left, right) == []
    # Even namesakes agreeing on everything are two people when their IDs say so.
    left = [person("杨义", _typed(yang_yi_other, 16), status="bad_checksum", **YANG)]
    assert _links(tmp_path, left, right) == []
    # Without an ID on her row there is nothing against the match: as before the ID hint.
    left = [person("杨怡", None, **YANG)]
    [pair] = _links(tmp_path, left, right)
    assert (pair["probability"], pair["agreed"]) == (0.9991, "name,birth_date,sex,township")


@pytest.mark.parametrize(
    ("typed", "status"),
    [
        (lambda i: _typed(i, 17), "bad_checksum"),  # one digit wrong
        (lambda i: _typed(i, 3), "bad_checksum"),
        (lambda i: _typed(i, 10), "bad_checksum"),
        (lambda i: _swap(i, 15), "bad_checksum"),  # two digits swapped
        (lambda i: _swap(i, 8), "bad_checksum"),
        (lambda i: _swap(i, 12), "bad_checksum"),
        (lambda i: f"'{_typed(i, 17)[:6]}　{_typed(i, 17)[6:]} ".replace("1", "１"), "bad_checksum"),  # and dirt
        (_excel, "excel_number"),
        (lambda i: i[:15] + "000", "excel_number"),  # the digits Excel keeps, written out
        (lambda i: str((int(i) + 500) // 1000) + "000", "excel_number"),  # rounded
    ],
)
def test_a_person_whose_id_is_mistyped_or_mangled_by_excel_is_matched_and_the_id_counts(
    tmp_path: Path, typed, status: str
) -> None:
    yang_yi = id_make(356, "19690810", area="410122")
    assert id_check(yang_yi[:15] + "00") != "0"  # Excel's 000 fails the check (else it would be valid)
    left = [person("杨怡", typed(yang_yi), status=status, **YANG)]  # the same person, her name a homophone
    right = [person("杨义", yang_yi, **YANG)]
    [pair] = _links(tmp_path, left, right)
    assert pair["probability"] >= 0.999 and pair["agreed"] == "name,birth_date,sex,township,id"
    assert agreed_label(pair["agreed"]) == "姓名、出生日期、性别、乡镇、身份证号相近"


def test_a_real_id_ending_000_typed_wrong_is_still_near(tmp_path: Path) -> None:
    # Its check fails and it ends 000, so ingest calls it excel_number; it is one digit off.
    the_id = next(i for i in (id_make(n, "19550726", area="410105") for n in range(1000)) if i.endswith("000"))
    left = [person("吕洋英", _typed(the_id, 14), status="excel_number", **YANG)]
    right = [person("吕洋英", the_id, **YANG)]
    [pair] = _links(tmp_path, left, right)
    assert pair["agreed"] == "name,birth_date,sex,township,id"


def test_a_near_id_does_not_overturn_a_differing_sex_or_township(tmp_path: Path) -> None:
    the_id = id_make(13, "19870707")
    left = [
        person("赵敏", _typed(the_id, 17), status="bad_checksum", birth_date="1987-07-07", sex="女", township="城关镇"),
        person("赵敏", _excel(the_id), status="excel_number", birth_date="1987-07-07", sex="男", township="河口镇"),
    ]
    right = [person("赵敏", the_id, sex="女", township="河口镇")]
    assert _links(tmp_path, left, right) == []


def test_two_ids_both_mangled_a_digit_apart_neither_help_nor_hinder(tmp_path: Path) -> None:
    the_id = id_make(356, "19690810", area="410122")
    left = [person("杨怡", _excel(the_id), status="excel_number", **YANG)]
    right = [person("杨义", _typed(the_id, 14), status="bad_checksum", **YANG)]  # and one digit wrong
    [pair] = _links(tmp_path, left, right)
    assert (pair["probability"], pair["agreed"]) == (0.9991, "name,birth_date,sex,township")


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏飞建国文辉斌宇浩凯晶晨阳欣怡佳琪"
HOMOPHONES = {"张": "章", "曾": "增", "徐": "许", "肖": "萧", "吴": "伍", "杨": "阳"}
TRADITIONAL = {"张": "張", "陈": "陳", "刘": "劉", "黄": "黃", "赵": "趙", "伟": "偉", "红": "紅", "丽": "麗"}
TOWNS = ["城关镇", "河口镇", "白沙镇", "青山乡", "石桥镇", "大同乡", "新华街道", "南山乡"]


def _noise_model(seed: int, n: int) -> tuple[list[dict], list[dict], set[tuple[int, int]]]:
    """People on the left; some of them again on the right with dirty IDs and names, and
    namesakes (same name and birth date, another township or sex, no usable ID)."""
    rng = random.Random(seed)
    people = []
    for i in range(n):
        birth = f"{rng.randint(1940, 2000)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        people.append({"id": id_make(i, birth, area=f"3301{i // 1000:02d}"), "name": name,
                       "birth": f"{birth[:4]}-{birth[4:6]}-{birth[6:]}", "sex": rng.choice("男女"),
                       "town": rng.choice(TOWNS)})  # fmt: skip

    def row(p: dict, status: str, name: str | None = None, **extra: object) -> dict:
        raw = p["id"] if status != "bad_checksum" else p["id"][:-2] + str((int(p["id"][-2]) + 1) % 10) + p["id"][-1]
        fields = {"birth_date": p["birth"], "sex": p["sex"], "township": p["town"], **extra}
        return person(name or p["name"], None if status == "missing" else raw, status=status, **fields)

    left = []
    for p in people:
        left.append(row(p, rng.choices(["valid", "missing", "bad_checksum"], [0.85, 0.1, 0.05])[0]))
    right, truth = [], set()
    for i in rng.sample(range(n), n // 3):
        p = people[i]
        name = p["name"]
        if rng.random() < 0.15 and name[0] in HOMOPHONES:
            name = HOMOPHONES[name[0]] + name[1:]
        elif rng.random() < 0.15:
            name = "".join(TRADITIONAL.get(c, c) for c in name)
        elif rng.random() < 0.1:
            name = name[0] + " " + name[1:]
        status = rng.choices(["valid", "missing", "bad_checksum", "excel_number"], [0.7, 0.15, 0.1, 0.05])[0]
        right.append(row(p, status, name))
        truth.add((i + 1, len(right)))
    for i in rng.sample(range(n), n // 10):  # namesakes
        p = dict(people[i])
        if rng.random() < 0.5:
            p["town"] = rng.choice([t for t in TOWNS if t != p["town"]])
        else:
            p["sex"] = "男" if p["sex"] == "女" else "女"
        right.append(row(p, rng.choice(["missing", "bad_checksum"])))
    return left, right, truth


@pytest.mark.parametrize("seed", [1, 2])
def test_precision_and_recall_on_the_noise_model(tmp_path: Path, seed: int) -> None:
    left, right, truth = _noise_model(seed, 3000)
    found = {(p["left_row"], p["right_row"]) for p in _links(tmp_path, left, right)}
    correct = len(found & truth)
    precision, recall = correct / len(found), correct / len(truth)
    assert precision >= 0.995, (precision, sorted(found - truth)[:5])
    assert recall >= 0.995, (recall, sorted(truth - found)[:5])
