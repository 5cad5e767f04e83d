"""``manage.py compare`` end to end on raw department files."""

import csv
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from comparison.tests.normalised import id_make

ZHANG, WANG, LI = id_make(1, "19800101"), id_make(3, "19810202"), id_make(5, "19500315")


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def raw(tmp_path: Path) -> dict[str, Path]:
    return {
        # UTF-8 with BOM; Excel-style dates; one ID written in lower case x-less 15 digits is not needed here.
        "welfare": _write(
            tmp_path / "低保名单.csv",
            "姓名,身份证号码,保障类别,享受起始时间,享受终止时间,乡镇,性别,出生日期\n"
            f"张伟,{ZHANG},低保,2020年01月01日,,城关镇,男,1980-01-01\n"
            "王芳,,低保,2021/3/1,,河口镇,女,1981-02-02\n"
            f"李娜,{id_make(7, '19820303')},低保,2018.01.01,2019.12.31,城关镇,女,1982-03-03\n",
            "utf-8-sig",
        ),
        # GBK, as many departments export.
        "payroll": _write(
            tmp_path / "财政供养.csv",
            "人员姓名,公民身份号码,工作单位,入职日期,离职日期,性别,出生日期,乡镇\n"
            f"张伟,{ZHANG},县财政局,2015-01-01,,男,1980-01-01,城关镇\n"
            f"王芳,{WANG},县教育局,2019-01-01,,女,1981-02-02,河口镇\n"
            f"李娜,{id_make(7, '19820303')},县卫健局,2020-01-01,,女,1982-03-03,城关镇\n",
            "gbk",
        ),
        "deaths": _write(tmp_path / "死亡.csv", f"姓名,身份证号,死亡日期\n李明,{LI},2023.03.15\n"),
        "pensions": _write(
            tmp_path / "养老金.csv",
            "姓名,证件号码,发放月份,发放金额\n" + "".join(f"李明,{LI},2023-0{m},1500.50\n" for m in (3, 4, 5, 6)),
        ),
    }


def test_welfare_vs_payroll_from_raw_files(tmp_path: Path, raw: dict[str, Path]) -> None:
    out = tmp_path / "hits.csv"
    call_command("compare", "welfare_vs_payroll", "--dataset", f"welfare={raw['welfare']}",
                 "--dataset", f"payroll={raw['payroll']}", "--out", str(out))  # fmt: skip
    rows = {r["身份证号"]: r for r in _rows(out)}
    assert set(rows) == {ZHANG, WANG}  # 李娜's welfare ended before she joined the payroll
    assert rows[ZHANG]["匹配方式"] == "精确" and rows[ZHANG]["供养单位"] == "县财政局"
    assert rows[ZHANG]["享受期间"] == "2020-01-01至今"
    assert rows[WANG]["匹配方式"] == "模糊" and float(rows[WANG]["匹配概率"]) >= 0.99
    assert rows[WANG]["一致字段"] == "姓名、出生日期、性别、乡镇"


def test_death_vs_pension_from_raw_files(tmp_path: Path, raw: dict[str, Path]) -> None:
    out = tmp_path / "hits.csv"
    call_command("compare", "death_vs_pension", "--dataset", f"deaths={raw['deaths']}",
                 "--dataset", f"pensions={raw['pensions']}", "--out", str(out))  # fmt: skip
    [row] = _rows(out)
    assert row["身份证号"] == LI and row["死亡后发放月份"] == "2023-05、2023-06" and row["多发金额"] == "3001.00"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope", "--out", "{out}"], "未知的规则“nope”"),
        (["welfare_vs_payroll", "--dataset", "welfare={welfare}", "--out", "{out}"], "缺少数据集：payroll"),
        (
            ["welfare_vs_payroll", "--dataset", "welfare={welfare}", "--dataset", "payroll={payroll}",
             "--dataset", "deaths={deaths}", "--out", "{out}"],
            "规则不使用数据集“deaths”",
        ),
        (["welfare_vs_payroll", "--dataset", "welfare={welfare}", "--dataset", "payroll={missing}", "--out", "{out}"],
         "文件不存在"),
        (["welfare_vs_payroll", "--dataset", "welfare", "--out", "{out}"], "角色=文件路径"),
        (["welfare_vs_payroll", "--dataset", "welfare={welfare}", "--dataset", "payroll={payroll}",
          "--engine", "oracle", "--out", "{out}"], "不认识的比对引擎"),
        (["welfare_vs_payroll", "--dataset", "welfare={welfare}", "--dataset", "payroll={payroll}"], "--out"),
    ],
)  # fmt: skip
def test_bad_input_is_refused_in_chinese(tmp_path: Path, raw: dict[str, Path], args: list[str], message: str) -> None:
    out = tmp_path / "hits.csv"
    names = {**{k: str(v) for k, v in raw.items()}, "out": str(out), "missing": str(tmp_path / "无.csv")}
    with pytest.raises(CommandError, match=message):
        call_command("compare", *[a.format(**names) for a in args])
    assert not out.exists()


def test_an_unreadable_file_names_the_dataset(tmp_path: Path, raw: dict[str, Path]) -> None:
    broken = _write(tmp_path / "坏文件.csv", "单位,金额\n县财政局,100\n")  # no name or ID column
    out = tmp_path / "hits.csv"
    with pytest.raises(CommandError, match="数据集 payroll（财政供养人员名单"):
        call_command("compare", "welfare_vs_payroll", "--dataset", f"welfare={raw['welfare']}",
                     "--dataset", f"payroll={broken}", "--out", str(out))  # fmt: skip
    assert not out.exists()


def test_exit_status(tmp_path: Path, raw: dict[str, Path]) -> None:
    manage = Path(__file__).resolve().parents[2] / "manage.py"
    done = subprocess.run(
        [sys.executable, str(manage), "compare", "duplicate_subsidy", "--out", str(tmp_path / "h.csv")],
        capture_output=True,
        text=True,
    )
    assert done.returncode != 0 and "缺少数据集：subsidies（补贴发放名单）" in done.stderr
