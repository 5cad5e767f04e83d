"""``manage.py compare RULE --dataset ROLE=PATH [...] --out hits.csv [--engine duckdb|spark]``.

Runs a standard rule on department files as they were handed over (any encoding and format
``comparison.ingest`` reads, columns recognised from their headers) and writes the hits as a
UTF-8 CSV (``comparison.engines.hits_csv``). Nothing is stored: the normalised files and the
hits file live in a temporary directory removed on exit. Bad input ends with a Chinese
message and a non-zero exit status.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from comparison.engines import ENGINES, RunCancelled, hits_csv, rule_run
from comparison.ingest import DatasetError, dataset_normalise
from comparison.rules import STANDARD, RuleError


class Command(BaseCommand):
    help = "用标准比对规则比对数据文件，命中结果写入 CSV 文件（文件不保存）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("rule", help="规则：" + "、".join(STANDARD))
        parser.add_argument("--dataset", action="append", default=[], metavar="ROLE=PATH", help="数据集角色=文件路径")
        parser.add_argument("--out", help="命中结果 CSV 文件")
        parser.add_argument("--engine", help="比对引擎：duckdb（默认）或 spark")

    def handle(self, *args: Any, **options: Any) -> None:
        key = options["rule"]
        if key not in STANDARD:
            raise CommandError(f"未知的规则“{key}”；可用的规则：{'、'.join(STANDARD)}")
        definition = STANDARD[key]["definition"]
        if not options["out"]:
            raise CommandError("请用 --out 指定命中结果 CSV 文件")
        out = Path(options["out"])
        if not out.parent.is_dir():
            raise CommandError(f"结果文件所在的目录不存在：{out.parent}")
        engine = options["engine"] or settings.XUNCHA.get("COMPARISON_ENGINE") or "duckdb"
        if engine not in ENGINES:
            raise CommandError(f"不认识的比对引擎“{engine}”，应为 duckdb 或 spark")
        files = self._datasets(options["dataset"], definition)

        with tempfile.TemporaryDirectory(prefix="xuncha-compare-") as tmp:
            work = Path(tmp)
            normalised = {}
            for role, path in files.items():
                label = definition["roles"][role]["label"]
                try:
                    report = dataset_normalise(path, out=work / f"{role}.parquet")
                except (DatasetError, OSError) as e:
                    raise CommandError(f"数据集 {role}（{label}，{path}）：{e}") from e
                normalised[role] = work / f"{role}.parquet"
                self.stderr.write(f"{role}（{label}）：读取 {report.get('rows', 0)} 行")
            try:
                stats = rule_run(definition, normalised, out=work / "hits.parquet", engine=engine)
            except (RuleError, RunCancelled) as e:
                raise CommandError(str(e)) from e
            written = work / "hits.csv"
            hits_csv(work / "hits.parquet", written, definition)
            shutil.move(written, out)
        self.stdout.write(f"{STANDARD[key]['name']}：命中 {stats.hits} 条，已写入 {out}")

    def _datasets(self, given: list[str], definition: dict[str, Any]) -> dict[str, Path]:
        roles = definition["roles"]
        files: dict[str, Path] = {}
        for item in given:
            role, sep, path = item.partition("=")
            if not sep or not role or not path:
                raise CommandError(f"--dataset 应写作 角色=文件路径，而不是“{item}”")
            if role not in roles:
                raise CommandError(f"规则不使用数据集“{role}”；应为：{'、'.join(roles)}")
            if role in files:
                raise CommandError(f"数据集“{role}”给了两次")
            file = Path(path)
            if not file.is_file():
                raise CommandError(f"数据集 {role} 的文件不存在或无法读取：{path}")
            files[role] = file
        missing = [f"{r}（{spec['label']}）" for r, spec in roles.items() if r not in files]
        if missing:
            raise CommandError(f"缺少数据集：{'、'.join(missing)}；请用 --dataset 角色=文件路径 给出")
        return files
