"""``manage.py dataset_check PATH [--map 表头=field_key ...]``.

Reads a department's file as ``comparison.ingest`` would store it and prints the validation
report as one JSON object (UTF-8, Chinese as is) on stdout. Nothing is written. A file that
cannot be read ends with its Chinese message on stderr and a non-zero exit status.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from comparison.fields import BY_KEY
from comparison.ingest import DatasetError, dataset_look, dataset_normalise


class Command(BaseCommand):
    help = "检查一个数据文件：打印校验报告（JSON），不保存任何内容"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="数据文件（CSV、Excel .xlsx 或 Parquet）")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="表头=字段",
            help="指定字段对应，可重复；字段为 " + "、".join(BY_KEY),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        mapping = self._mapping(options["map"])
        try:
            if mapping is not None:
                # The columns the user did not name keep their guessed field.
                guess = dataset_look(path).guess
                taken = set(mapping.values())
                mapping = {**{h: k for h, k in guess.items() if k not in taken and h not in mapping}, **mapping}
            report = dataset_normalise(path, mapping=mapping)
        except DatasetError as e:
            raise CommandError(e.message) from e
        except OSError as e:
            raise CommandError(f"无法读取文件：{e.strerror or e}") from e
        self.stdout.write(json.dumps(report, ensure_ascii=False, default=str))

    def _mapping(self, pairs: list[str]) -> dict[str, str] | None:
        if not pairs:
            return None
        mapping: dict[str, str] = {}
        for pair in pairs:
            header, sep, key = pair.partition("=")
            if not sep or not header.strip():
                raise CommandError(f"--map 的写法应为 表头=字段，而不是“{pair}”")
            key = key.strip()
            if key and key not in BY_KEY:
                raise CommandError(f"--map {pair}：没有字段“{key}”；可用的字段：{'、'.join(BY_KEY)}")
            mapping[header.strip()] = key
        return mapping
