"""Reading and normalising a department's file (comparison.ingest): every kind of dirt the
offices meet, and the broken files, each with its Chinese message and nothing left behind."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pytest

from comparison.ingest import NORMALISED_COLUMNS, DatasetError, dataset_look, dataset_normalise
from comparison.names import name_keys

from .dirt import (
    credit_code,
    excel_zeros,
    files_in,
    fullwidth,
    garbage,
    id15,
    id18,
    write_csv,
    write_parquet,
    write_xlsx,
    wrong_check,
    zip_bomb_xlsx,
)

VALID = id18()  # 11010519491231002X
OTHER = id18("320102", "19800517", "123")


def run(path: Path, tmp_path: Path, **kwargs: Any) -> tuple[dict, dict[int, dict]]:
    """The report, and the Parquet file's rows by row number."""
    out = tmp_path / "out" / "data.parquet"
    report = dataset_normalise(path, out=out, **kwargs)
    assert files_in(out.parent) == ["data.parquet"]  # nothing else left beside it
    rel = duckdb.sql(f"SELECT * FROM read_parquet('{out}')")
    columns = rel.columns
    assert columns == [c for c, _ in NORMALISED_COLUMNS]
    rows = {r[0]: dict(zip(columns, r, strict=True)) for r in rel.fetchall()}
    return report, rows


def refused(path: Path, tmp_path: Path, **kwargs: Any) -> DatasetError:
    out = tmp_path / "refused" / "data.parquet"
    with pytest.raises(DatasetError) as caught:
        dataset_normalise(path, out=out, **kwargs)
    assert not out.parent.exists()  # nothing partial, no scratch, not even the folder it made
    return caught.value


# ---------------------------------------------------------------- IDs


def test_every_kind_of_id_gets_its_status_and_the_usable_ones_one_canonical_form(tmp_path):
    ids = [
        VALID,  # 2 valid
        id15(VALID),  # 3 the same person's 15-digit ID
        fullwidth(VALID),  # 4 full-width digits and X
        " 1101 0519 4912 3100 2x ",  # 5 spaces and lower-case x
        "'" + VALID,  # 6 Excel's leading apostrophe
        '"' + OTHER + '"',  # 7 stray quotes (inside the field)
        wrong_check(VALID),  # 8 check digit fails
        "4.10105194912E+17",  # 9 Excel's scientific notation
        "4.1e17",  # 10
        VALID[:17] + "0.0",  # 11 a trailing .0 (18 digits)
        excel_zeros(),  # 12 18 digits ending in 000, check fails
        "",  # 13 missing
        "无",  # 14 missing, said so
        "12345",  # 15 wrong length
        "11010519491231002Y",  # 16 wrong character
        id15(VALID) + ".0",  # 17 a 15-digit number is exact
    ]
    rows = [["身份证号码", "姓名"]] + [[v, "张伟"] for v in ids]
    report, out = run(write_csv(tmp_path / "ids.csv", rows), tmp_path)

    status = {n: out[n]["id_status"] for n in out}
    assert status == {
        2: "valid",
        3: "upgraded_15",
        4: "repaired",
        5: "repaired",
        6: "repaired",
        7: "repaired",
        8: "bad_checksum",
        9: "excel_number",
        10: "excel_number",
        11: "excel_number",
        12: "excel_number",
        13: "missing",
        14: "missing",
        15: "invalid",
        16: "invalid",
        17: "upgraded_15",
    }
    for n in (2, 3, 4, 5, 6, 17):
        assert out[n]["id_number"] == VALID
    assert out[7]["id_number"] == OTHER
    for n in range(8, 17):
        assert out[n]["id_number"] is None
    assert out[5]["id_raw"] == " 1101 0519 4912 3100 2x "  # as in the file
    assert out[9]["id_raw"] == "4.10105194912E+17"
    assert report["rows"] == 16
    assert (report["id_valid"], report["id_upgraded_15"], report["id_repaired"]) == (1, 2, 4)
    assert (report["id_bad_checksum"], report["id_excel_number"], report["id_missing"], report["id_invalid"]) == (
        1,
        4,
        2,
        2,
    )
    assert report["examples"]["excel_number"] == [9, 10, 11, 12]
    assert report["examples"]["missing"] == [13, 14]
    assert report["examples"]["bad_checksum"] == [8]
    assert "valid" not in report["examples"]


def test_sex_and_birth_date_come_from_the_columns_else_from_the_id(tmp_path):
    woman = id18("110105", "19491231", "002")  # 17th digit 2: a woman
    man = id18("320102", "19800517", "123")  # 17th digit 3: a man
    rows = [
        ["身份证号", "姓名", "性别", "出生日期"],
        [woman, "甲", "", ""],
        [man, "乙", "", "1980.05.18"],
        [man, "丙", "F", ""],
        ["", "丁", "男", "无从查起"],
        [woman, "戊", "1", ""],
    ]
    _report, out = run(write_csv(tmp_path / "p.csv", rows), tmp_path)
    assert [out[n]["sex"] for n in range(2, 7)] == ["女", "男", "女", "男", "男"]
    assert out[2]["birth_date"] == date(1949, 12, 31)
    assert out[3]["birth_date"] == date(1980, 5, 18)  # the column wins
    assert out[4]["birth_date"] == date(1980, 5, 17)
    assert out[5]["birth_date"] is None
    assert out[5]["birth_date_raw"] == "无从查起"


# ---------------------------------------------------------------- encodings and formats

PEOPLE = [["身份证号", "姓名", "乡镇"], [VALID, "張偉", "城关镇"], [OTHER, "欧阳 娜娜", "西 河 乡"]]


@pytest.mark.parametrize(
    ("options", "encoding"),
    [
        ({}, "utf-8"),
        ({"bom": True}, "utf-8-sig"),
        ({"encoding": "gbk", "newline": "\r\n"}, "gb18030"),
        ({"encoding": "gb18030", "delimiter": "\t"}, "gb18030"),
    ],
)
def test_csv_in_each_encoding_reads_the_same(tmp_path, options, encoding):
    report, out = run(write_csv(tmp_path / "p.csv", PEOPLE, **options), tmp_path)
    assert (report["format"], report["encoding"]) == ("csv", encoding)
    assert report["mapping"] == {"身份证号": "id_number", "姓名": "name", "乡镇": "township"}
    assert out[2]["name"] == "張偉"
    assert out[2]["name_norm"] == "张伟"
    assert out[3]["name_norm"] == "欧阳娜娜"
    assert out[3]["township"] == "西河乡"
    assert out[2]["id_status"] == out[3]["id_status"] == "valid"


def test_gb18030_beyond_gbk_is_read(tmp_path):
    rows = [["姓名", "村（社区）"], ["王㐀", "𠀀村"]]  # characters GBK does not have
    report, out = run(write_csv(tmp_path / "p.csv", rows, encoding="gb18030"), tmp_path)
    assert report["encoding"] == "gb18030"
    assert (out[2]["name"], out[2]["village"]) == ("王㐀", "𠀀村")


def test_a_name_duckdb_would_read_as_a_pattern(tmp_path):
    report, out = run(write_csv(tmp_path / "名单[终]*.csv", PEOPLE), tmp_path)
    assert report["rows"] == 2 and out[2]["id_number"] == VALID
    xlsx = write_xlsx(tmp_path / "名单{1}?.xlsx", PEOPLE)
    assert run(xlsx, tmp_path)[0]["rows"] == 2


def test_xlsx_ids_as_numbers_and_as_text_and_dates_as_cells(tmp_path):
    rows = [
        ["公民身份号码", "姓名", "入职日期", "金额"],
        [VALID, "甲", datetime(2022, 9, 7), 1234.5],  # text: valid
        [int(VALID[:17] + "1"), "乙", 44811, 12],  # an 18-digit number: unusable
        [4.10105194912e17, "丙", "2022年9月7日", "¥1,000元"],  # a float, as Excel keeps it
        [int(id15(VALID)), "丁", date(2022, 9, 7), None],  # a 15-digit number is exact
    ]
    path = write_xlsx(tmp_path / "p.data", rows)  # the name says nothing
    report, out = run(path, tmp_path)
    assert report["format"] == "xlsx" and report["encoding"] is None
    assert [out[n]["id_status"] for n in range(2, 6)] == ["valid", "excel_number", "excel_number", "upgraded_15"]
    assert out[5]["id_number"] == VALID
    assert {out[n]["start_date"] for n in range(2, 6)} == {date(2022, 9, 7)}
    assert [out[n]["amount"] for n in range(2, 6)] == [Decimal("1234.50"), Decimal("12.00"), Decimal("1000.00"), None]


def test_parquet_with_a_numeric_id_column(tmp_path):
    path = write_parquet(
        tmp_path / "p.bin",
        {
            "证件号码": [int(VALID[:17] + "1"), int(id15(OTHER))],
            "姓名": ["甲", "乙"],
            "死亡日期": [date(2023, 3, 15), None],
            "待遇所属期": ["2023-05", "202304"],
        },
        types={"证件号码": pa.int64()},
    )
    report, out = run(path, tmp_path)
    assert report["format"] == "parquet"
    assert out[2]["id_status"] == "excel_number"
    assert (out[3]["id_status"], out[3]["id_number"]) == ("upgraded_15", OTHER)
    assert out[2]["death_date"] == date(2023, 3, 15)
    assert (out[2]["pay_month"], out[3]["pay_month"]) == (date(2023, 5, 1), date(2023, 4, 1))


# ---------------------------------------------------------------- dates, amounts, codes, names


def test_each_date_form_and_the_unreadable_ones(tmp_path):
    forms = [
        ("2022-09-07", date(2022, 9, 7)),
        ("2022年09月07日", date(2022, 9, 7)),
        ("2022年9月7日", date(2022, 9, 7)),
        ("2022.09.07", date(2022, 9, 7)),
        ("2022/9/7", date(2022, 9, 7)),
        ("20220907", date(2022, 9, 7)),
        ("2022-09-07 08:30:00", date(2022, 9, 7)),
        ("202209", date(2022, 9, 1)),
        ("2022-09", date(2022, 9, 1)),
        ("2022年9月", date(2022, 9, 1)),
        ("44811", date(2022, 9, 7)),
        ("２０２２－０９－０７", date(2022, 9, 7)),
        ("去年秋天", None),
        ("2022-13-45", None),
        ("", None),
    ]
    rows = [["姓名", "享受起始时间", "发放月份"]] + [["甲", text, text] for text, _ in forms]
    report, out = run(write_csv(tmp_path / "d.csv", rows), tmp_path)
    for n, (text, expected) in enumerate(forms, start=2):
        assert out[n]["start_date"] == expected, text
        month = expected.replace(day=1) if expected else None
        assert out[n]["pay_month"] == month, text
    assert out[14]["start_date_raw"] == "去年秋天"
    assert out[2]["start_date_raw"] is None
    assert report["dates"]["start_date"] == {
        "read": 12,
        "unreadable": 2,
        "examples": [{"row": 14, "value": "去年秋天"}, {"row": 15, "value": "2022-13-45"}],
    }
    assert set(report["dates"]) == {"start_date", "pay_month"}


def test_amounts_years_credit_codes_and_text_fields(tmp_path):
    good = credit_code()
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    rows = [
        ["统一社会信用代码", "企业名称", "金额", "年度", "户号", "职务", "姓名"],
        [f" {good.lower()} ", " 某某商贸有限公司 ", "¥1,234.5元", "2023年", "0012 3", "法定代表人", "甲"],
        [bad, "乙公司", "12", "2023", "", "股东", "乙"],
        ["ABC", "", "十二元", "", "", "", "丙"],
    ]
    report, out = run(write_csv(tmp_path / "c.csv", rows), tmp_path)
    assert (out[2]["credit_code"], out[2]["credit_code_valid"]) == (good, True)
    assert out[3]["credit_code_valid"] is False and out[4]["credit_code_valid"] is False
    assert out[2]["company"] == "某某商贸有限公司"
    assert out[2]["household"] == "00123"
    assert (out[2]["amount"], out[2]["year"]) == (Decimal("1234.50"), 2023)
    assert (out[4]["amount"], out[4]["amount_raw"]) == (None, "十二元")
    assert report["credit_codes"]["valid"] == 1 and report["credit_codes"]["invalid"] == 2
    assert report["credit_codes"]["examples"][0] == {"row": 3, "value": bad}
    assert report["amounts"]["unreadable"] == 1


def test_name_keys_agree_across_homophones_and_scripts_and_with_the_python_function(tmp_path):
    long_name = "穆罕默德·阿卜杜勒·热合曼·买买提"  # longer than the pivot: the other path
    names = [
        "张伟",
        "章伟",
        "曾小明",
        "增小明",
        "張偉",
        " 单\u3000田芳 ",
        "阿卜杜拉•艾则孜",
        "仇 华",
        "Li Ming",
        long_name,
    ]
    rows = [["姓名"]] + [[n] for n in names]
    _report, out = run(write_csv(tmp_path / "n.csv", rows), tmp_path)
    got = {out[n]["name"]: (out[n]["name_norm"], out[n]["name_key"]) for n in out}
    assert got["张伟"][1] == got["章伟"][1] == got["張偉"][1] == "zhangwei"
    assert got["曾小明"][1] == got["增小明"][1] == "zengxiaoming"  # 曾 as a surname
    assert got["張偉"][0] == got["张伟"][0] == "张伟"
    assert got["单\u3000田芳"] == ("单田芳", "shantianfang")
    assert got["阿卜杜拉•艾则孜"][0] == "阿卜杜拉·艾则孜"
    assert got["仇 华"] == ("仇华", "qiuhua")
    assert got[long_name][1].startswith("muhanmode")
    for name, keys in got.items():
        assert name_keys(name) == keys


# ---------------------------------------------------------------- mapping and looking


def test_look_detects_the_format_from_the_content_and_shows_five_rows(tmp_path):
    rows = [["人员姓名", "身份证", "备注"]] + [[f"人{i}", VALID, ""] for i in range(8)]
    look = dataset_look(write_csv(tmp_path / "named.xlsx", rows, encoding="gbk"))
    assert (look.format, look.encoding) == ("csv", "gb18030")
    assert look.headers == ["人员姓名", "身份证", "备注"]
    assert look.guess == {"人员姓名": "name", "身份证": "id_number"}
    assert look.sample == [[f"人{i}", VALID, ""] for i in range(5)]
    xlsx = dataset_look(write_xlsx(tmp_path / "named.csv", rows[:3]))
    assert xlsx.format == "xlsx" and xlsx.sample[0] == ["人0", VALID, ""]


def test_a_mapping_names_columns_the_guess_missed(tmp_path):
    rows = [["证照号", "户主", "备注"], [VALID, "张伟", "x"]]
    path = write_csv(tmp_path / "m.csv", rows)
    error = refused(path, tmp_path)
    assert error.message == "未找到身份证号或姓名列：请在字段对应中指定"
    report, out = run(path, tmp_path, mapping={"证照号": "id_number", "户主": "name"})
    assert out[2]["id_number"] == VALID and out[2]["name"] == "张伟"
    assert report["unmapped"] == ["备注"]
    assert "没有“户籍”列" in refused(path, tmp_path, mapping={"户籍": "name"}).message
    twice = refused(path, tmp_path, mapping={"证照号": "name", "户主": "name"})
    assert "“姓名”同时对应了“证照号”和“户主”两列" in twice.message


# ---------------------------------------------------------------- broken files


def test_rows_of_nothing_are_skipped_and_the_others_keep_their_numbers(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text(f"身份证号,姓名,备注\n,,\n{VALID},张伟,\n,,\n,,备注而已\n,,\n", encoding="utf-8")
    report, out = run(path, tmp_path)
    assert sorted(out) == [3, 5]
    assert report["rows"] == 2 and report["examples"]["missing"] == [5]
    xlsx = write_xlsx(tmp_path / "p.xlsx", [["身份证号", "姓名"], [None, None], [VALID, "张伟"], [None, ""]])
    _report, out = run(xlsx, tmp_path)
    assert sorted(out) == [3]


def test_row_numbers_are_excels_with_blank_lines_and_line_breaks_in_cells(tmp_path):
    path = tmp_path / "p.csv"
    text = f'\n身份证号,姓名,备注\n{VALID},甲,\n\n\n{VALID},乙,"两行\n\n备注"\r\n\r\n{wrong_check(VALID)},丙,\n'
    path.write_text(text, encoding="utf-8")
    report, out = run(path, tmp_path)
    # Excel: 1 blank, 2 header, 3 甲, 4-5 blank, 6 乙 (one row however many lines), 7 blank, 8 丙
    assert {n: r["name"] for n, r in out.items()} == {3: "甲", 6: "乙", 8: "丙"}
    assert out[6]["unit"] is None and report["examples"]["bad_checksum"] == [8]
    path.write_text(text + f"{VALID},丁\n", encoding="utf-8")
    assert refused(path, tmp_path).message.startswith("第 9 行有 2 列")


def test_a_title_above_the_table_is_passed_over(tmp_path):
    rows = [
        ["某县2023年低保人员名单", "", ""],
        ["身份证号", "姓名", "乡镇"],
        [VALID, "张伟", "城关镇"],
        ["", "李娜", ""],
    ]
    for path in (write_csv(tmp_path / "t.csv", rows, encoding="gbk"), write_xlsx(tmp_path / "t.xlsx", rows)):
        report, out = run(path, tmp_path)
        assert report["header_row"] == 2 and report["mapping"]["身份证号"] == "id_number"
        assert sorted(out) == [3, 4] and out[3]["id_number"] == VALID
        assert report["examples"]["missing"] == [4]
        assert dataset_look(path).sample[0][:2] == [VALID, "张伟"]
    bare = tmp_path / "bare.csv"  # a title without the commas Excel adds
    bare.write_text(f"某县2023年低保人员名单\n身份证号,姓名\n{VALID},张伟\n{VALID},李娜,多余\n", encoding="utf-8")
    assert refused(bare, tmp_path).message.startswith("第 4 行有 3 列，而表头有 2 列")


def test_ragged_rows_are_named(tmp_path):
    more = tmp_path / "more.csv"
    more.write_text(f"身份证号,姓名\n{VALID},甲\n{VALID},乙,多余\n", encoding="utf-8")
    error = refused(more, tmp_path)
    assert error.row == 3
    assert error.message.startswith("第 3 行有 3 列，而表头有 2 列")
    fewer = tmp_path / "fewer.csv"
    fewer.write_text(f"身份证号,姓名,乡镇\n{VALID},甲,城关镇\n{VALID},乙,城关镇\n{VALID},丙\n", encoding="gbk")
    assert refused(fewer, tmp_path).message.startswith("第 4 行有 2 列，而表头有 3 列")
    keep = tmp_path / "datasets"
    keep.mkdir()
    (keep / "v1.parquet").write_bytes(b"an earlier version")
    with pytest.raises(DatasetError):
        dataset_normalise(fewer, out=keep / "v2.parquet")
    assert files_in(keep) == ["v1.parquet"]


def test_undecodable_bytes_name_their_row(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes("姓名,身份证号\n张伟,1\n".encode() + b"\xff\xfe\xff,2\n")
    error = refused(path, tmp_path)
    assert error.row == 3 and error.message.startswith("第 3 行含有无法识别的字符")
    late = tmp_path / "late.csv"  # UTF-8 for longer than the prefix looked at, then not
    late.write_bytes(("姓名,身份证号\n" + "张伟,1\n" * 40000).encode() + b"\xc0\xaf,2\n")
    assert refused(late, tmp_path).row == 40002


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: garbage(p), "含有二进制内容"),
        (lambda p: zip_bomb_xlsx(p), "疑似压缩炸弹"),
        (lambda p: p.write_bytes(b"") and p or p, "文件是空的"),
        (lambda p: p.write_text("\n\n", encoding="utf-8") and p, "文件是空的"),
        (lambda p: p.write_text("姓名,身份证号\n,\n", encoding="utf-8") and p, "文件只有表头，没有数据行"),
        (lambda p: p.write_bytes(b"%PDF-1.7\n...") and p, "文件不是数据表"),
        (lambda p: p.write_text("姓名\n张伟\n", encoding="utf-16") and p, "UTF-16"),
        (lambda p: p.write_bytes(b"PAR1 not really") and p, "Parquet 文件已损坏"),
    ],
    ids=["garbage", "zip-bomb", "empty", "blank-lines", "header-only", "pdf", "utf-16", "broken-parquet"],
)
def test_broken_files_are_refused_with_a_reason(tmp_path, make, message):
    path = tmp_path / "upload.csv"
    make(path)
    error = refused(path, tmp_path)
    assert message in error.message
    if "只有表头" in message:
        assert dataset_look(path).headers == ["姓名", "身份证号"]  # a look at it is fine
        return
    with pytest.raises(DatasetError):
        dataset_look(path)


def test_a_file_over_the_cap_is_refused_before_reading(tmp_path, settings):
    settings.XUNCHA = {**settings.XUNCHA, "DATASET_MAX_BYTES": 1024}
    path = write_csv(tmp_path / "big.csv", [["姓名"]] + [["张伟"]] * 200)
    assert refused(path, tmp_path).message.startswith("文件过大：不能超过 1 KB")


def test_an_xlsx_too_large_once_unzipped_is_refused(tmp_path, settings):
    settings.XUNCHA = {**settings.XUNCHA, "DATASET_MAX_UNCOMPRESSED_BYTES": 2000}
    path = write_xlsx(tmp_path / "p.xlsx", [["姓名"], ["张伟"]])
    assert "疑似压缩炸弹" in refused(path, tmp_path).message
