"""The synthetic county: valid people, files the ingest reads, noise of every kind, and a
ground truth that a naive recomputation in Python agrees with."""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from comparison.fields import mapping_guess
from comparison.ingest import dataset_normalise
from comparison.synthetic import HEADERS, ROLES, USABLE_NOISE, credit_check, id_check, synthetic_files

SCALE = {"welfare": 900, "payroll": 400, "deaths": 300, "pensions": 3600, "business": 900, "subsidies": 1500}
ENCODINGS = {"deaths": "gb18030", "subsidies": "gbk"}
FIELD_OF = {
    "name": "name",
    "id": "id_number",
    "sex": "sex",
    "birth": "birth_date",
    "township": "township",
    "village": "village",
    "kind": "subsidy_kind",
    "start": "start_date",
    "end": "end_date",
    "amount": "amount",
    "unit": "unit",
    "death": "death_date",
    "month": "pay_month",
    "company": "company",
    "credit": "credit_code",
    "position": "position",
    "year": "year",
}


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("county")
    noise = {"twins": 0.02}  # enough namesakes to see at this size
    return synthetic_files(out, people=4000, scale=SCALE, seed=7, noise=noise, encodings=ENCODINGS)


def rows_of(county: dict[str, Any], role: str) -> list[dict[str, str]]:
    with open(county["files"][role], encoding=ENCODINGS.get(role, "utf-8"), newline="") as handle:
        return list(csv.DictReader(handle))


def true_ids(county: dict[str, Any], role: str) -> list[str]:
    table = pq.read_table(county["row_truth"][role]).to_pydict()
    assert table["row_no"] == list(range(2, len(table["row_no"]) + 2))  # the header is line 1
    return table["id_number"]


def noise_of(county: dict[str, Any], role: str) -> list[str]:
    return pq.read_table(county["row_truth"][role]).to_pydict()["id_noise"]


def parse_date(text: str) -> dt.date | None:
    """A department's date in Python: 2022-09-07, 2022年09月07日, 2022.09.07, 2022/9/7, an
    Excel serial number."""
    if not text:
        return None
    if text.isdigit() and len(text) == 5:
        return dt.date(1899, 12, 30) + dt.timedelta(days=int(text))
    y, m, d = (int(p) for p in re.split(r"[-./年月日]", text)[:3])
    return dt.date(y, m, d)


def naive_id(text: str) -> str:
    """The ID as a person would repair it: half-width, no spaces, X upper case, 15 → 18."""
    text = text.translate(str.maketrans("０１２３４５６７８９Ｘ", "0123456789X")).replace(" ", "").upper()
    if re.fullmatch(r"\d{15}", text):
        body = text[:6] + "19" + text[6:]
        return body + id_check(body)
    return text


def test_the_people_have_valid_distinct_ids_consistent_with_birth_and_sex(county: dict[str, Any]) -> None:
    people = pq.read_table(county["people"]).to_pylist()
    assert len(people) == 4000
    ids = [p["id_number"] for p in people]
    assert len(set(ids)) == len(ids)
    for p in people:
        number = p["id_number"]
        assert re.fullmatch(r"4101\d{13}[\dX]", number)
        assert number[17] == id_check(number[:17])
        assert number[6:14] == p["birth_date"].strftime("%Y%m%d")
        assert dt.date(1940, 1, 1) <= p["birth_date"] <= dt.date(2000, 12, 31)
        assert p["sex"] == ("男" if int(number[16]) % 2 else "女")
    surnames = {p["name"][0] for p in people}
    assert {"张", "章", "曾", "单", "仇", "解", "王", "李", "陈"} <= surnames


def test_the_files_have_headers_the_ingest_recognises_and_their_encodings(county: dict[str, Any]) -> None:
    for role in ROLES:
        path = county["files"][role]
        raw = path.read_bytes()
        if role in ENCODINGS:
            with pytest.raises(UnicodeDecodeError):
                raw.decode("utf-8")
        headers = next(csv.reader([raw.decode(ENCODINGS.get(role, "utf-8")).splitlines()[0]]))
        expected = {header: FIELD_OF[col] for header, col in HEADERS[role]}
        assert mapping_guess(headers) == expected, role
        assert len(rows_of(county, role)) == county["rows"][role]


def test_every_kind_of_dirt_is_in_the_files(county: dict[str, Any]) -> None:
    text = "".join(county["files"][r].read_bytes().decode(ENCODINGS.get(r, "utf-8")) for r in ROLES)
    assert re.search(r",4\.\d{1,14}E\+17,", text)  # Excel's scientific notation
    assert re.search(r",4101\d{11}000,", text)  # Excel's 15 significant digits
    assert re.search(r",4101\d{11},", text)  # 15-digit IDs
    assert re.search(r",\d{17}x,", text)  # lower-case x
    assert re.search(r",４１０１[０-９]{13}[０-９Ｘ],", text)  # full-width digits
    assert re.search(r",4101\d\d \d{8} \d{3}[\dX],", text)  # spaces inside
    assert re.search(r"[張陳劉趙楊黃吳孫馬鄭謝許韓]", text)  # traditional characters
    assert re.search(r",[\u4e00-\u9fff][ \u3000][\u4e00-\u9fff]{1,2},", text)  # a space inside a name
    assert re.search(r",[增汪黎柳邱谢善][\u4e00-\u9fff]{1,2},", text)  # homophone surnames
    kinds = {kind for r in ROLES for kind in county["id_noise"][r]}
    assert kinds == {"clean", "missing", "typo", "id15", "fullwidth", "spaces", "excel_sci", "excel_000", "lower_x"}
    # The noise on each row is what the row map says; usable IDs repair to the truth.
    for role in ("welfare", "pensions"):
        for row, truth, noise in zip(
            rows_of(county, role), true_ids(county, role), noise_of(county, role), strict=True
        ):
            header = HEADERS[role][1][0]
            repaired = naive_id(row[header])
            if noise in USABLE_NOISE:
                assert repaired == truth
            elif noise == "missing":
                assert row[header] == ""
            else:
                assert not (len(repaired) == 18 and repaired[17] == id_check(repaired[:17]))


def test_the_validation_report_counts_what_was_planted(county: dict[str, Any], tmp_path: Path) -> None:
    for role in ("welfare", "deaths"):
        report = dataset_normalise(county["files"][role], out=tmp_path / f"{role}.parquet")
        noise = county["id_noise"][role]
        assert report["rows"] == county["rows"][role]
        assert report["id_valid"] == noise.get("clean", 0)
        assert report["id_upgraded_15"] == noise.get("id15", 0)
        assert report["id_repaired"] == sum(noise.get(k, 0) for k in ("fullwidth", "spaces", "lower_x"))
        assert report["id_bad_checksum"] == noise.get("typo", 0)
        assert report["id_excel_number"] == noise.get("excel_sci", 0) + noise.get("excel_000", 0)
        assert report["id_missing"] == noise.get("missing", 0)
        assert all(d["unreadable"] == 0 for d in report["dates"].values()), report["dates"]


def test_credit_codes_carry_a_valid_check_character(county: dict[str, Any]) -> None:
    codes = {row["统一社会信用代码"] for row in rows_of(county, "business")}
    assert len(codes) == SCALE["business"] // 3
    for code in codes:
        assert re.fullmatch(r"91\d{14}[\dX][0-9A-HJ-NPQRTUWXY]", code)
        assert code[17] == credit_check(code[:17])


def _by_person(county: dict[str, Any], role: str) -> dict[str, list[dict[str, str]]]:
    people: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row, person in zip(rows_of(county, role), true_ids(county, role), strict=True):
        people[person].append(row)
    return people


def test_the_ground_truth_agrees_with_a_naive_recomputation(county: dict[str, Any]) -> None:
    far = dt.date(9999, 12, 31)
    welfare, payroll = _by_person(county, "welfare"), _by_person(county, "payroll")
    naive = set()
    for person, rows in welfare.items():
        for w in rows:
            for p in payroll.get(person, []):
                ws, we = parse_date(w["享受起始时间"]), parse_date(w["享受终止时间"]) or far
                ps, pe = parse_date(p["入职日期"]), parse_date(p["离职日期"]) or far
                if w["救助类别"] in ("低保", "特困") and ws <= pe and ps <= we:
                    naive.add(person)
    assert naive == county["truth"]["welfare_vs_payroll"]

    deaths, pensions = _by_person(county, "deaths"), _by_person(county, "pensions")
    naive = set()
    for person, rows in deaths.items():
        for d in rows:
            died = parse_date(d["死亡日期"])
            for e in pensions.get(person, []):
                month = int(e["发放月份"][:4]) * 12 + int(e["发放月份"][4:])
                if month >= died.year * 12 + died.month + 2:
                    naive.add(person)
    assert naive == county["truth"]["death_vs_pension"]

    business = _by_person(county, "business")
    naive = {
        person
        for person, rows in payroll.items()
        if any(not p["离职日期"] for p in rows)
        and any(b["职务/身份"] in ("法定代表人", "股东", "监事") for b in business.get(person, []))
    }
    assert naive == county["truth"]["payroll_vs_business"]

    counts: dict[tuple[str, str, str], int] = defaultdict(int)
    for person, rows in _by_person(county, "subsidies").items():
        for s in rows:
            counts[person, s["补贴项目"], s["年度"]] += 1
    assert {key[0] for key, n in counts.items() if n >= 2} == county["truth"]["duplicate_subsidy"]


def test_planted_hits_near_misses_and_namesakes(county: dict[str, Any]) -> None:
    truth, planted = county["truth"], county["planted"]
    for rule in truth:
        assert len(truth[rule]) >= 3, rule
        assert county["truth_exact"][rule] <= truth[rule]
        assert planted[rule]["near_misses"], rule
        assert not planted[rule]["near_misses"] & truth[rule], rule
    # Some hits can only be found without the ID.
    assert any(truth[r] - county["truth_exact"][r] for r in truth)
    # A near miss of welfare_vs_payroll: the periods touch (one ends the day before the other starts).
    welfare, payroll = _by_person(county, "welfare"), _by_person(county, "payroll")
    person = sorted(planted["welfare_vs_payroll"]["near_misses"])[0]
    days = {
        abs((parse_date(p["入职日期"]) - parse_date(w["享受终止时间"] or "9999-12-31")).days)
        for w in welfare[person]
        for p in payroll[person]
    } | {
        abs((parse_date(w["享受起始时间"]) - parse_date(p["离职日期"] or "9999-12-31")).days)
        for w in welfare[person]
        for p in payroll[person]
    }
    assert 1 in days
    # Namesakes: same name and birth date as a payroll person or a pensioner, another ID,
    # another township or sex; their rows often carry unusable IDs.
    people = {p["pid"]: p for p in pq.read_table(county["people"]).to_pylist()}
    twins = [p for p in people.values() if p["twin_of"] is not None]
    assert len(twins) > 20
    for twin in twins:
        other = people[twin["twin_of"]]
        assert (twin["name"], twin["birth_date"]) == (other["name"], other["birth_date"])
        assert twin["id_number"] != other["id_number"]
        assert (twin["township"] != other["township"]) != (twin["sex"] != other["sex"])
    assert planted["welfare_vs_payroll"]["namesakes"] and planted["death_vs_pension"]["namesakes"]


def test_the_same_seed_gives_the_same_files_and_bad_arguments_are_refused(tmp_path: Path) -> None:
    scale = {"welfare": 50, "payroll": 30}
    a = synthetic_files(tmp_path / "a", people=300, scale=scale, seed=3)
    b = synthetic_files(tmp_path / "b", people=300, scale=scale, seed=3)
    c = synthetic_files(tmp_path / "c", people=300, scale=scale, seed=4)
    assert a["files"]["welfare"].read_bytes() == b["files"]["welfare"].read_bytes()
    assert a["files"]["welfare"].read_bytes() != c["files"]["welfare"].read_bytes()
    assert a["rows"]["deaths"] == 0
    with pytest.raises(ValueError, match="unknown noise"):
        synthetic_files(tmp_path / "d", people=300, scale=scale, noise={"typos": 0.1})
    with pytest.raises(ValueError, match="unknown roles"):
        synthetic_files(tmp_path / "d", people=300, scale={"cadres": 10})
    with pytest.raises(ValueError, match="between 0 and 1"):
        synthetic_files(tmp_path / "d", people=300, scale=scale, noise={"id_typo": 2})
