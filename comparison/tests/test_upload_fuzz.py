"""Fuzzing the datasets' upload: whatever a department's file holds (CSV in any encoding,
.xlsx, Parquet, or none of them), a version is stored whole or the file is refused with a
reason, never a crash, never a version or a file left half-written."""

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from django.conf import settings
from django.core.exceptions import ValidationError
from hypothesis import example, given
from hypothesis import strategies as st

from comparison import datasets as dataset_services
from comparison.models import Dataset
from comparison.tests.factories import csv_bytes, source_name, upload
from core.tests.fuzzing import CELL, FUZZ, ZIP_NAMES, leftover_files, workbook, zip_of

HEADERS = st.lists(
    st.sampled_from(
        ["身份证号", "公民身份号码", "姓名", "户主姓名", "享受起始时间", "发放月份", "金额", "乡镇", "", "备注"]
    ),
    min_size=1,
    max_size=6,
)
TEXT = st.text(alphabet=st.characters(blacklist_characters=',\r\n"', blacklist_categories=["Cs"]), max_size=20)


def _store(world, name: str, data: bytes):
    """Upload as the data officer; answer the dataset or None when refused (checked clean)."""
    a = world["a"]
    before = Dataset.objects.count()
    try:
        return dataset_services.dataset_create(
            actor=a.users["data_officer"], source_name=source_name(world), upload=upload(name, data)
        )
    except ValidationError as e:
        assert all(m.strip() for ms in e.message_dict.values() for m in ms)
        assert Dataset.objects.count() == before
        pending = Path(settings.DATA_DIR) / "tmp" / "comparison"
        assert leftover_files(pending) == []  # a direct upload is not kept once refused
        return None


@FUZZ
@given(headers=HEADERS, rows=st.lists(st.lists(TEXT, min_size=1, max_size=6), max_size=8), gbk=st.booleans())
@example(headers=["身份证号", "姓名"], rows=[["110101199003074518", "张三"]], gbk=False)  # stored
def test_random_csv_files_are_stored_whole_or_refused(world, headers, rows, gbk):
    encoding = "gb18030" if gbk else "utf-8"
    data = csv_bytes(headers, [r[: len(headers)] for r in rows], encoding=encoding)
    stored = _store(world, "低保名册.csv", data)
    if headers == ["身份证号", "姓名"] and rows == [["110101199003074518", "张三"]]:
        assert stored is not None
    if stored is not None:
        assert stored.rows <= len(rows)
        assert pq.read_table(dataset_services.dataset_file(stored)).num_rows == stored.rows


@FUZZ
@given(rows=st.lists(st.lists(CELL, max_size=6), max_size=8))
def test_random_workbooks_are_stored_whole_or_refused(world, rows):
    data = workbook([["身份证号", "姓名", "金额"], *rows])
    if data is not None:
        _store(world, "低保名册.xlsx", data)


@FUZZ
@given(blob=st.binary(max_size=4096), suffix=st.sampled_from([".csv", ".xlsx", ".parquet", ".txt", ""]))
def test_random_bytes_are_refused_or_read_as_text(world, blob, suffix):
    _store(world, f"名册{suffix}", blob)


@FUZZ
@given(names=ZIP_NAMES, body=st.binary(max_size=512))
def test_random_zips_named_xlsx_are_refused(world, names, body):
    assert _store(world, "名册.xlsx", zip_of(names, body)) is None


@FUZZ
@given(values=st.lists(st.one_of(st.none(), st.text(max_size=12)), min_size=1, max_size=5))
def test_parquet_files_of_any_text_are_stored_whole_or_refused(world, values):
    import io

    buf = io.BytesIO()
    pq.write_table(pa.table({"身份证号": values, "姓名": values}), buf)
    _store(world, "名册.parquet", buf.getvalue())


@FUZZ
@given(tail=st.binary(min_size=1, max_size=8), gbk=st.booleans())
def test_a_long_file_that_goes_bad_after_its_first_bytes_is_refused_naming_the_row(world, tail, gbk):
    """The encoding is chosen from the file's first bytes; what cannot be read further on
    names its row."""
    from comparison import ingest

    line = "110101199003074518,张三\r\n".encode("gb18030" if gbk else "utf-8")
    body = "身份证号,姓名\r\n".encode("gb18030" if gbk else "utf-8") + line * (ingest._PREFIX_BYTES // len(line) + 10)
    _store(world, "低保名册.csv", body + tail)


def test_a_long_utf8_file_with_blank_lines_and_a_bad_byte_at_its_end_names_the_row(world):
    """The case hypothesis found: blank lines send the file through Python's CSV reader, which
    met the bad byte before DuckDB's own check did."""
    from comparison import ingest

    line = "110101199003074518,张三\r\n".encode()
    count = ingest._PREFIX_BYTES // len(line) + 10
    body = "身份证号,姓名\r\n".encode() + line * count + b"\n\x80"
    a = world["a"]
    try:
        dataset_services.dataset_create(
            actor=a.users["data_officer"], source_name=source_name(world), upload=upload("低保名册.csv", body)
        )
    except ValidationError as e:
        text = " ".join(m for ms in e.message_dict.values() for m in ms)
        assert f"第 {count + 3} 行" in text, text
    else:
        raise AssertionError("a file with an undecodable byte was stored")
