"""Running a rule on normalised Parquet files, on DuckDB or Spark, into a Parquet file of hits.

``rule_run`` reads one normalised file per role (``comparison.ingest``), links the people
(``comparison.matching``), applies the rule (``comparison.compile``) and stores the hits: ONE
Parquet file with a row per hit (per person; per person and group for a grouped rule), its
columns ``HIT_SCHEMA``. ``summary`` holds the figures the hit shows under their Chinese labels
(``rules.summary_labels``), ``evidence`` the evidence rows of each role, as JSON text. Both
are built by the same code (``comparison.store``, Arrow compute) from the same evidence rows
whichever engine ran, so that the two engines give identical files.

DuckDB runs in-process with its spill files in a temporary directory beside ``out``. Spark
uses ``settings.XUNCHA["SPARK_MASTER"]`` (env ``XUNCHA_SPARK_MASTER`` without Django settings,
``local[*]`` by default) and one SparkSession per process, reused by every run; one run at a
time uses it. Env ``XUNCHA_SPARK_JAVA_OPTIONS`` adds options to the driver's JVM.
"""

# ruff: noqa: S608 (queries are built from validated role names and compile's fragments; a file's path enters
# only as a quoted literal)
from __future__ import annotations

import csv
import json
import os
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from comparison import matching
from comparison.compile import pairs_sql, quote
from comparison.rules import (
    RuleError,
    field_label,
    link_alternatives,
    rule_validate,
    split_ref,
    summary_labels,
)
from comparison.store import hits_table

ENGINES = ("duckdb", "spark")
REQUIRED_COLUMNS = (
    "row_no",
    "id_status",
    "id_number",
    "name",
    "name_norm",
    "name_key",
    "birth_date",
    "sex",
    "township",
)
HIT_SCHEMA = pa.schema(
    [
        ("person", pa.string()),
        ("id_number", pa.string()),
        ("name", pa.string()),
        ("match", pa.string()),
        ("probability", pa.float64()),
        ("agreed", pa.string()),
        ("name_birth_only", pa.bool_()),
        ("group_key", pa.string()),
        ("summary", pa.string()),
        ("evidence", pa.string()),
    ]
)
NAME_BIRTH_ONLY = "仅姓名和出生日期一致"


class RunCancelled(Exception):
    """The run was cancelled between two phases; nothing was written."""


@dataclass
class RunStats:
    phases: dict[str, float] = field(default_factory=dict)  # seconds: read, normalise, match, rule, store
    rows: dict[str, int] = field(default_factory=dict)  # role → rows read
    hits: int = 0
    engine: str = "duckdb"


class Engine:
    """What matching and running need of an engine."""

    dialect = ""

    def register(self, name: str, path: Path) -> int:
        raise NotImplementedError

    def table(self, name: str, sql: str, *, keep: bool = True) -> None:
        """Make ``name`` from ``sql``; ``keep``: materialised, as it is read more than once."""
        raise NotImplementedError

    def view(self, name: str, sql: str) -> None:
        """Name ``sql`` without computing it (for readers that may never read it)."""
        raise NotImplementedError

    def scalar(self, sql: str) -> Any:
        raise NotImplementedError

    def arrow(self, sql: str) -> pa.Table:
        raise NotImplementedError

    def columns(self, name: str) -> list[str]:
        raise NotImplementedError

    def splink_api(self) -> Any:
        raise NotImplementedError

    def close(self) -> None:
        pass


class DuckDBEngine(Engine):
    dialect = "duckdb"

    def __init__(self, temp_dir: Path) -> None:
        self.con = duckdb.connect(":memory:")
        self.con.execute(f"SET temp_directory = '{str(temp_dir).replace(chr(39), chr(39) * 2)}'")
        self.con.execute("SET preserve_insertion_order = false")

    def register(self, name: str, path: Path) -> int:
        source = str(path).replace("'", "''")
        self.con.execute(f"CREATE OR REPLACE VIEW {quote(name, 'duckdb')} AS SELECT * FROM read_parquet('{source}')")
        return pq.ParquetFile(path).metadata.num_rows

    def table(self, name: str, sql: str, *, keep: bool = True) -> None:
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}")

    def view(self, name: str, sql: str) -> None:
        self.con.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS {sql}")

    def scalar(self, sql: str) -> Any:
        rows = self.con.execute(sql).fetchall()
        return rows[0][0] if rows else None

    def arrow(self, sql: str) -> pa.Table:
        return self.con.sql(sql).to_arrow_table()

    def columns(self, name: str) -> list[str]:
        return [r[0] for r in self.con.execute(f"DESCRIBE {quote(name, 'duckdb')}").fetchall()]

    def splink_api(self) -> Any:
        from splink import DuckDBAPI

        return DuckDBAPI(connection=self.con)

    def close(self) -> None:
        self.con.close()


_SPARK: Any = None
_SPARK_LOCK = threading.Lock()


def spark_master() -> str:
    from django.conf import settings

    if settings.configured:
        return str(settings.XUNCHA.get("SPARK_MASTER") or "local[*]")
    return os.environ.get("XUNCHA_SPARK_MASTER", "local[*]")


def spark_session() -> Any:
    """The process's SparkSession, made on first use."""
    global _SPARK
    if _SPARK is None or _SPARK.sparkContext._jsc is None:
        from pyspark.sql import SparkSession

        master = spark_master()
        builder = (
            SparkSession.builder.master(master)
            .appName("xuncha-comparison")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.ui.showConsoleProgress", "false")
        )
        java_options = os.environ.get("XUNCHA_SPARK_JAVA_OPTIONS", "")
        if java_options:  # e.g. -XX:TieredStopAtLevel=1: a quicker start for short runs (the tests)
            builder = builder.config("spark.driver.extraJavaOptions", java_options)
        if master.startswith("local"):  # one partition a core; adaptive execution merges small ones
            cores = str(os.cpu_count() or 2)
            builder = builder.config("spark.sql.shuffle.partitions", cores).config("spark.default.parallelism", cores)
        _SPARK = builder.getOrCreate()
        _SPARK.sparkContext.setLogLevel("ERROR")
    return _SPARK


class SparkEngine(Engine):
    dialect = "spark"

    def __init__(self) -> None:
        self.spark = spark_session()
        self.views: list[str] = []
        self.cached: list[Any] = []

    def register(self, name: str, path: Path) -> int:
        frame = self.spark.read.parquet(str(path))
        frame.createOrReplaceTempView(name)
        self.views.append(name)
        return pq.ParquetFile(path).metadata.num_rows

    def table(self, name: str, sql: str, *, keep: bool = True) -> None:
        if not keep:  # a view: Spark plans it into the queries that read it
            self.spark.sql(sql).createOrReplaceTempView(name)
            self.views.append(name)
            return
        frame = self.spark.sql(sql).persist()
        frame.count()
        frame.createOrReplaceTempView(name)
        self.views.append(name)
        self.cached.append(frame)

    def view(self, name: str, sql: str) -> None:
        self.spark.sql(sql).createOrReplaceTempView(name)
        self.views.append(name)

    def scalar(self, sql: str) -> Any:
        rows = self.spark.sql(sql).collect()
        return rows[0][0] if rows else None

    def arrow(self, sql: str) -> pa.Table:
        return self.spark.sql(sql).toArrow()

    def columns(self, name: str) -> list[str]:
        return list(self.spark.table(name).columns)

    def splink_api(self) -> Any:
        from splink import SparkAPI

        return SparkAPI(spark_session=self.spark, break_lineage_method="persist", register_udfs_automatically=False)

    def close(self) -> None:
        for frame in self.cached:
            frame.unpersist()
        for name in self.views:
            self.spark.catalog.dropTempView(name)


def _engine(name: str, temp_dir: Path) -> Engine:
    if name == "duckdb":
        return DuckDBEngine(temp_dir)
    if name == "spark":
        return SparkEngine()
    raise RuleError(f"不认识的比对引擎“{name}”，应为 duckdb 或 spark")


def rule_run(
    definition: dict[str, Any],
    datasets: dict[str, Path],
    *,
    out: Path,
    engine: str = "duckdb",
    progress: Callable[[str, int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> RunStats:
    """Run a rule on normalised Parquet files (role → path); write the hits to ``out``.

    Raises ``RuleError`` (Chinese) for a bad definition, a missing or extra role, an unreadable
    file; ``RunCancelled`` when ``cancelled()`` answers true between phases. ``out`` is written
    whole or not at all."""
    rule = rule_validate(definition)
    if engine not in ENGINES:
        raise RuleError(f"不认识的比对引擎“{engine}”，应为 duckdb 或 spark")
    missing = [r for r in rule["roles"] if r not in datasets]
    if missing:
        names = "、".join(f"{r}（{rule['roles'][r]['label']}）" for r in missing)
        raise RuleError(f"缺少数据集：{names}")
    extra = [r for r in datasets if r not in rule["roles"]]
    if extra:
        raise RuleError(f"规则不使用这些数据集：{'、'.join(extra)}；应为：{'、'.join(rule['roles'])}")
    for role, path in datasets.items():
        if not Path(path).is_file():
            raise RuleError(f"数据集“{role}”的文件不存在：{path}")

    def step(phase: str, done: int, total: int) -> None:
        if cancelled is not None and cancelled():
            raise RunCancelled
        if progress is not None:
            progress(phase, done, total)

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    stats = RunStats(engine=engine, phases={"read": 0.0, "normalise": 0.0, "match": 0.0, "rule": 0.0, "store": 0.0})
    lock = _SPARK_LOCK if engine == "spark" else threading.Lock()
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".compare-") as tmp, lock:
        eng = _engine(engine, Path(tmp))
        try:
            needed = rule_fields(rule)
            step("read", 0, len(rule["roles"]))
            started = time.perf_counter()
            for i, role in enumerate(rule["roles"], start=1):
                stats.rows[role] = _register(eng, role, Path(datasets[role]), needed[role])
                step("read", i, len(rule["roles"]))
            stats.phases["read"] = time.perf_counter() - started

            started = time.perf_counter()
            link, group = rule.get("link"), rule.get("group")
            if link and "person" in link_alternatives(link["on"]):
                step("match", 0, 1)
                matching.links(eng, link["left"], link["right"], fuzzy=link.get("fuzzy"))
            elif group and group.get("fuzzy"):
                step("match", 0, 1)
                role = quote(next(iter(rule["roles"])), eng.dialect)
                eng.table("g_ided", f"SELECT * FROM {role} WHERE id_number IS NOT NULL", keep=False)
                eng.table("g_noid", f"SELECT * FROM {role} WHERE id_number IS NULL", keep=False)
                matching.links(eng, "g_ided", "g_noid", fuzzy=group["fuzzy"])
            stats.phases["match"] = time.perf_counter() - started
            step("rule", 0, 1)

            started = time.perf_counter()
            eng.table("pairs", pairs_sql(rule, eng.dialect))
            stats.phases["rule"] = time.perf_counter() - started
            step("store", 0, 1)

            started = time.perf_counter()
            pairs = eng.arrow("SELECT * FROM pairs")
            evidence = {
                role: eng.arrow(
                    f"SELECT {', '.join(quote(c, eng.dialect) for c in evidence_columns(Path(datasets[role])))} "
                    f"FROM {quote(role, eng.dialect)} WHERE row_no IN "
                    f"(SELECT {quote(role + '_row', eng.dialect)} FROM pairs)"
                )
                for role in rule["roles"]
            }
            hits = hits_table(rule, pairs, evidence, HIT_SCHEMA)
            step("store", 0, hits.num_rows)
            partial = Path(tmp) / "hits.parquet"
            pq.write_table(hits, partial)
            os.replace(partial, out)
            stats.hits = hits.num_rows
            stats.phases["store"] = time.perf_counter() - started
            if progress is not None:
                progress("store", hits.num_rows, hits.num_rows)
        finally:
            eng.close()
    return stats


# Columns a normalised file holds for matching only: an evidence row is the department's row
# (its row number, its fields, the ID as written and its status), not the engine's keys.
MATCHING_COLUMNS = frozenset({"name_norm", "name_key"})


def evidence_columns(path: Path) -> list[str]:
    """The columns of a normalised Parquet file an evidence row carries, in the file's order:
    all but the matching keys and those empty in every row (by the file's statistics; a
    column without them is kept). The evidence is the same either way, as an evidence row
    leaves out its empty values; reading 10 columns instead of 32 is what it saves."""
    meta = pq.ParquetFile(path).metadata
    columns = []
    for i in range(meta.num_columns):
        name = meta.schema.column(i).name
        if name in MATCHING_COLUMNS:
            continue
        stats = [meta.row_group(g).column(i).statistics for g in range(meta.num_row_groups)]
        if any(s is None or not s.has_null_count for s in stats) or sum(s.null_count for s in stats) < meta.num_rows:
            columns.append(name)
    return columns or ["row_no"]


def rule_fields(rule: dict[str, Any]) -> dict[str, set[str]]:
    """Role → the fields a validated rule reads of it (conditions, group, show, field links)."""
    refs: list[str] = [item["field"] for item in rule["show"]]
    for cond in rule["where"]:
        for key in ("field", "month", "date"):
            if isinstance(cond.get(key), str):
                refs.append(cond[key])
        for key in ("left", "right"):
            value = cond.get(key)
            refs += value if isinstance(value, list) else [value] if isinstance(value, str) else []
    refs += (rule.get("group") or {}).get("by", [])
    fields: dict[str, set[str]] = {role: set() for role in rule["roles"]}
    for ref in refs:
        role, name = split_ref(ref)
        fields[role].add(name)
    link = rule.get("link")
    if link:
        for alt in link_alternatives(link["on"]):
            if alt != "person":
                fields[link["left"]].update(alt)
                fields[link["right"]].update(alt)
    return fields


def _register(eng: Engine, role: str, path: Path, needed: set[str]) -> int:
    try:
        rows = eng.register(role, path)
        columns = set(eng.columns(role))
    except Exception as exc:  # an engine's own error on a file that is not Parquet
        raise RuleError(f"数据集“{role}”的文件无法读取（应为规范化后的 Parquet 文件）：{path.name}") from exc
    missing = [c for c in (*REQUIRED_COLUMNS, *sorted(needed)) if c not in columns]
    if missing:
        raise RuleError(f"数据集“{role}”的文件缺少列：{'、'.join(missing)}")
    return rows


def hits_iter(path: Path) -> Iterator[dict[str, Any]]:
    """The hits of a run's file, one dict each, ``summary`` and ``evidence`` parsed from JSON."""
    parquet = pq.ParquetFile(path)
    for batch in parquet.iter_batches(batch_size=2000):
        for hit in batch.to_pylist():
            hit["summary"] = json.loads(hit["summary"])
            hit["evidence"] = json.loads(hit["evidence"])
            yield hit


_MATCH = {"exact": "精确", "fuzzy": "模糊"}


def agreed_label(agreed: str | None, name_birth_only: bool = False) -> str:
    """``name,birth_date`` → 姓名、出生日期 (and the warning when only those agreed); ``id``
    (``matching.AGREED_LABELS``) → 身份证号相近."""
    labels = "、".join(matching.AGREED_LABELS.get(f) or field_label(f) for f in (agreed or "").split(",") if f)
    return f"{labels}（{NAME_BIRTH_ONLY}）" if name_birth_only else labels


def _cell(value: Any) -> str:
    """Text a spreadsheet opens as text: a leading = + - @ that is not a number is neutralised."""
    text = "" if value is None else str(value)
    if text[:1] in "=+-@" and text:
        try:
            float(text)
        except ValueError:
            return "'" + text
    return text


def hits_csv(path: Path, out_csv: Path, definition: dict[str, Any]) -> int:
    """Write the hits as UTF-8 CSV with a header, first column 身份证号; answer the rows written."""
    labels = summary_labels(rule_validate(definition))
    count = 0
    with open(out_csv, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["身份证号", "姓名", "匹配方式", "匹配概率", "一致字段", *labels])
        for hit in hits_iter(path):
            probability = hit["probability"]
            writer.writerow(
                [
                    hit["id_number"] or "",
                    _cell(hit["name"]),
                    _MATCH.get(hit["match"], hit["match"]),
                    "" if probability is None else f"{probability:.4f}",
                    agreed_label(hit["agreed"], hit["name_birth_only"]),
                    *(_cell(hit["summary"].get(label, "")) for label in labels),
                ]
            )
            count += 1
    return count
