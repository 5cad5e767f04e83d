"""Spark gives exactly the hits DuckDB gives, for every standard rule (local mode).

Skipped where pyspark is not installed (``make install-spark``); ``make test-spark`` runs these
alone. One SparkSession serves the module and is stopped at its end.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("pyspark")

import pyarrow.parquet as pq  # noqa: E402

from comparison import engines  # noqa: E402
from comparison.engines import rule_run  # noqa: E402
from comparison.rules import STANDARD  # noqa: E402
from comparison.tests.normalised import STANDARD_EXPECTED, standard_datasets  # noqa: E402

pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, dict[str, Path]]]:
    with pytest.MonkeyPatch.context() as patch:
        # The JIT's quick tier only: these runs are short, and it halves their time.
        patch.setenv("XUNCHA_SPARK_JAVA_OPTIONS", "-XX:TieredStopAtLevel=1")
        yield standard_datasets(tmp_path_factory.mktemp("planted"))
    if engines._SPARK is not None:
        engines._SPARK.stop()
        engines._SPARK = None


@pytest.mark.parametrize("key", list(STANDARD))
def test_spark_hits_are_duckdbs(planted: dict, tmp_path: Path, key: str) -> None:
    definition = STANDARD[key]["definition"]
    duck = rule_run(definition, planted[key], out=tmp_path / "duckdb.parquet", engine="duckdb")
    spark = rule_run(definition, planted[key], out=tmp_path / "spark.parquet", engine="spark")
    assert spark.engine == "spark" and spark.rows == duck.rows and spark.hits == duck.hits
    ours = pq.read_table(tmp_path / "spark.parquet")
    theirs = pq.read_table(tmp_path / "duckdb.parquet")
    assert ours.schema.equals(theirs.schema)
    assert ours.to_pylist() == theirs.to_pylist()
    names = {h["name"] + (f"|{h['group_key']}" if h["group_key"] else "") for h in ours.to_pylist()}
    assert names == STANDARD_EXPECTED[key]


def test_spark_reads_unusable_ids_as_duckdb_does(planted: dict, tmp_path: Path) -> None:
    """The ID hints of fuzzy matching (matching.py, ids.id_hint_sql) and every level of their
    comparison give the same pairs, probabilities and agreed fields on both engines."""
    from comparison.matching import links
    from comparison.tests.normalised import id_make, person, write_normalised
    from comparison.tests.test_matching import YANG, _excel, _typed

    his = id_make(356, "19690810", area="410122")
    hers = id_make(582, "19690810", area="410122")
    dirty = f"'{_typed(his, 3)[:6]}　{_typed(his, 3)[6:]} ".replace("1", "１")
    swapped = his[:14] + his[15] + his[14] + his[16:]
    typed = {
        "bad_checksum": [_typed(his, 17), swapped, dirty, _typed(hers, 16)],  # rows 1-4
        "excel_number": [_excel(his), his[:15] + "000", _excel(hers), "4.1E+16"],  # rows 5-8
        "missing": [None],  # row 9
    }
    left = [person("杨怡", raw, status=status, **YANG) for status, raws in typed.items() for raw in raws]
    right = [person("杨义", his, **YANG), person("杨义", _typed(his, 14), status="bad_checksum", **YANG)]
    found = {}
    for name in ("duckdb", "spark"):
        engine = engines._engine(name, tmp_path)
        try:
            engine.register("a", write_normalised(tmp_path / "a.parquet", left))
            engine.register("b", write_normalised(tmp_path / "b.parquet", right))
            links(engine, "a", "b", fuzzy=0.99)
            hints = engine.arrow("SELECT row_no, id_hint FROM fz_left ORDER BY row_no").to_pylist()
            pairs = engine.arrow("SELECT * FROM links ORDER BY left_row, right_row").to_pylist()
            found[name] = (hints, pairs)
        finally:
            engine.close()
    assert found["spark"] == found["duckdb"]
    hints, pairs = found["duckdb"]
    assert [h["id_hint"] for h in hints] == [
        _typed(his, 17), swapped, _typed(his, 3), _typed(hers, 16),
        "410122196908104", his[:15] + "000", str((int(hers) + 500) // 1000), None, None,
    ]  # fmt: skip
    agreed = {(p["left_row"], p["right_row"]): p["agreed"] for p in pairs}
    everything = "name,birth_date,sex,township"
    # Right 1 is his valid ID; right 2 his ID typed wrong at the 14th digit, so rows also
    # mangled are a digit or two from it (neutral), and rows 2, 4 and 7 too far from it.
    assert agreed == {
        **{(row, 1): everything + ",id" for row in (1, 2, 3, 5, 6)},
        **{(row, 2): everything for row in (1, 3, 5, 6)},
        **{(row, right): everything for row in (8, 9) for right in (1, 2)},
    }
