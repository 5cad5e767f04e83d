"""``manage.py dataset_check PATH``: the validation report as one JSON object; a Chinese
message and a non-zero exit status for a file that cannot be read."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from .dirt import excel_zeros, files_in, id15, id18, write_csv, wrong_check

VALID = id18()


def check(*args: str) -> dict:
    out = io.StringIO()
    call_command("dataset_check", *args, stdout=out)
    text = out.getvalue()
    assert text.count("\n") <= 1  # one JSON object
    return json.loads(text)


def test_prints_the_report_of_a_gbk_file_and_writes_nothing(tmp_path):
    rows = [
        ["身份证号码", "姓名", "享受起始时间"],
        [VALID, "张伟", "2022年9月7日"],
        [id15(VALID), "張偉", "44811"],
        [VALID.lower().replace("x", "x "), "章伟", "去年"],
        [wrong_check(VALID), "曾伟", ""],
        [excel_zeros(), "增伟", "202209"],
        ["", "单伟", "2022.09.07"],
    ]
    folder = tmp_path / "in"
    folder.mkdir()
    path = write_csv(folder / "低保名单.csv", rows, encoding="gbk")
    report = check(str(path))
    assert (report["format"], report["encoding"], report["rows"]) == ("csv", "gb18030", 6)
    assert {k: report[k] for k in report if k.startswith("id_")} == {
        "id_valid": 1,
        "id_upgraded_15": 1,
        "id_repaired": 1,
        "id_bad_checksum": 1,
        "id_excel_number": 1,
        "id_missing": 1,
        "id_invalid": 0,
    }
    assert report["examples"]["excel_number"] == [6]
    assert report["dates"]["start_date"]["examples"] == [{"row": 4, "value": "去年"}]
    assert report["mapping"] == {"身份证号码": "id_number", "姓名": "name", "享受起始时间": "start_date"}
    assert files_in(folder) == ["低保名单.csv"]


def test_map_names_a_column_and_keeps_the_guessed_ones(tmp_path):
    path = write_csv(tmp_path / "p.csv", [["证照号", "姓名", "备注"], [VALID, "张伟", "无"]])
    report = check(str(path), "--map", "证照号=id_number", "--map", "备注=")
    assert report["mapping"] == {"姓名": "name", "证照号": "id_number"}
    assert report["id_valid"] == 1
    assert report["unmapped"] == ["备注"]
    with pytest.raises(CommandError, match="没有字段“身份”"):
        check(str(path), "--map", "证照号=身份")


def test_a_file_that_cannot_be_read_is_a_chinese_message(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text(f"身份证号,姓名\n{VALID},张伟\n{VALID},李娜,多余\n", encoding="utf-8")
    with pytest.raises(CommandError, match="第 3 行有 3 列，而表头有 2 列"):
        check(str(path))
    no_id = write_csv(tmp_path / "q.csv", [["单位", "金额"], ["某局", "12"]])
    with pytest.raises(CommandError, match="未找到身份证号或姓名列"):
        check(str(no_id))
    with pytest.raises(CommandError, match="找不到文件"):
        check(str(tmp_path / "none.csv"))


def test_the_exit_status_and_stderr_of_the_real_command(tmp_path):
    path = tmp_path / "p.csv"
    path.write_bytes(b"\x00\x01\x02garbage")
    manage = Path(__file__).resolve().parents[2] / "manage.py"
    done = subprocess.run(
        [sys.executable, str(manage), "dataset_check", str(path)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode != 0
    assert done.stdout == ""
    assert "含有二进制内容" in done.stderr
