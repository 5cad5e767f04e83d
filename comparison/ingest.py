"""A department's file → the canonical columns → one Parquet file, and a validation report.

Layer 1 of decision 0008. ``dataset_look`` answers what a file is (format and encoding from
its content, never its name), its headers, the guessed mapping and a few rows;
``dataset_normalise`` reads the whole file, normalises it and writes the Parquet file.

Reading and normalising run inside DuckDB over whole columns: CSV with ``read_csv`` (every
column as text, strict, so that a ragged row is an error), Parquet with ``read_parquet``,
.xlsx with openpyxl in read-only mode streamed into a DuckDB table in Arrow batches (after
the zip checks). GBK/GB18030 files are transcoded to UTF-8 in a streaming pass first.
The SQL for IDs, dates and credit codes is in ``comparison.ids``, the name keys come from
the character table of ``comparison.names``, joined in DuckDB.

Columns of the Parquet file (all present in every file, NULL where the file lacks them):
``NORMALISED_COLUMNS``. ``*_raw`` beside a date (and the amount) holds the text that could
not be read, else NULL.
"""

# ruff: noqa: S608 (the queries are built from this module's and comparison.ids's own fragments; a file's path
# enters only as a quoted literal, ids.sql_text, and a Parquet column's name only as a quoted identifier)
from __future__ import annotations

import codecs
import contextlib
import csv
import itertools
import math
import os
import re
import tempfile
import zipfile
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
from django.conf import settings

from core.files import sniff

from . import ids
from .fields import BY_KEY, FIELDS, mapping_guess
from .names import char_table

NORMALISED_COLUMNS: tuple[tuple[str, str], ...] = (
    ("row_no", "BIGINT"),
    ("id_raw", "VARCHAR"),
    ("id_status", "VARCHAR"),
    ("id_number", "VARCHAR"),
    ("name", "VARCHAR"),
    ("name_norm", "VARCHAR"),
    ("name_key", "VARCHAR"),
    ("sex", "VARCHAR"),
    ("birth_date", "DATE"),
    ("start_date", "DATE"),
    ("end_date", "DATE"),
    ("death_date", "DATE"),
    ("pay_month", "DATE"),
    ("amount", "DECIMAL(18,2)"),
    ("year", "INTEGER"),
    ("credit_code", "VARCHAR"),
    ("credit_code_valid", "BOOLEAN"),
    ("unit", "VARCHAR"),
    ("subsidy_kind", "VARCHAR"),
    ("company", "VARCHAR"),
    ("position", "VARCHAR"),
    ("township", "VARCHAR"),
    ("village", "VARCHAR"),
    ("household", "VARCHAR"),
    ("plate", "VARCHAR"),
    ("property", "VARCHAR"),
    ("birth_date_raw", "VARCHAR"),
    ("start_date_raw", "VARCHAR"),
    ("end_date_raw", "VARCHAR"),
    ("death_date_raw", "VARCHAR"),
    ("pay_month_raw", "VARCHAR"),
    ("amount_raw", "VARCHAR"),
)
DATE_FIELDS = ("birth_date", "start_date", "end_date", "death_date", "pay_month")
TEXT_FIELDS = ("unit", "subsidy_kind", "company", "position", "plate", "property")
SPACELESS_FIELDS = ("township", "village", "household")

_MB = 1024 * 1024
_PREFIX_BYTES = 256 * 1024
_CHUNK_BYTES = 4 * _MB
_BATCH_ROWS = 50_000
_ZIP_MAX_ENTRIES = 10_000
_ZIP_MAX_RATIO = 200
_NOT_SUPPORTED = "只接受 CSV（UTF-8 或 GBK/GB18030 编码）、Excel（.xlsx）或 Parquet 文件。"


class DatasetError(ValueError):
    """A file that cannot be read; .message is Chinese and names the row, field and reason."""

    def __init__(self, message: str, *, row: int | None = None, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.row = row
        self.field = field


@dataclass
class FileLook:
    format: str  # "csv" | "xlsx" | "parquet", detected from the content, never the name
    encoding: str | None  # "utf-8", "utf-8-sig", "gb18030" for csv
    headers: list[str]
    guess: dict[str, str]  # header -> field key (fields.mapping_guess)
    sample: list[list[str]]  # the first 5 data rows, as text
    header_row: int = 1  # the header's row as Excel shows it (2 below a title row); data follow it


# ---------------------------------------------------------------- the file as a whole


def _size_text(n: int) -> str:
    if n >= _MB:
        return f"{n / _MB:.0f} MB" if n % _MB == 0 else f"{n / _MB:.1f} MB"
    if n >= 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n} 字节"


def _size_check(path: Path) -> None:
    if not path.is_file():
        raise DatasetError("找不到文件。")
    size = path.stat().st_size
    limit = settings.XUNCHA["DATASET_MAX_BYTES"]
    if size > limit:
        raise DatasetError(f"文件过大：不能超过 {_size_text(limit)}（本文件 {_size_text(size)}）。")
    if size == 0:
        raise DatasetError("文件是空的。")


def _format(path: Path) -> str:
    with open(path, "rb") as f:
        head = f.read(8)
        if head.startswith(b"PAR1"):
            return "parquet"
        if head.startswith(b"PK\x03\x04"):
            if sniff(f) == "xlsx":
                return "xlsx"
            raise DatasetError("文件是压缩包或 Word 文档，不是数据表。" + _NOT_SUPPORTED)
        if head.startswith(b"\xd0\xcf\x11\xe0"):
            raise DatasetError("文件是旧版 Excel（.xls）：请在 Excel 中另存为 .xlsx 或 CSV 后上传。")
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise DatasetError("文件是 UTF-16 编码：请另存为 UTF-8 或 GBK 编码的 CSV 后上传。")
        if sniff(f) is not None:
            raise DatasetError("文件不是数据表。" + _NOT_SUPPORTED)
    return "csv"


def _row_of(data: bytes, position: int, first_row: int = 1) -> int:
    return first_row + data[: max(position, 0)].count(b"\n")


def _undecodable(row: int) -> DatasetError:
    return DatasetError(
        f"第 {row} 行含有无法识别的字符：文件的编码不是 UTF-8、GBK 或 GB18030，或文件不是文本。" + _NOT_SUPPORTED,
        row=row,
    )


def _encoding(path: Path) -> str:
    """utf-8-sig (a BOM), utf-8 (the first bytes decode as UTF-8), else gb18030 (GBK's
    superset); bytes that are neither name their row."""
    with open(path, "rb") as f:
        head = f.read(_PREFIX_BYTES + 1)
    whole = len(head) <= _PREFIX_BYTES  # the file ends here: a sequence cut short is no character
    head = head[:_PREFIX_BYTES]
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if b"\x00" in head:
        row = _row_of(head, head.index(b"\x00"))
        raise DatasetError(f"第 {row} 行含有二进制内容：文件不是文本。" + _NOT_SUPPORTED, row=row)
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=whole)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        codecs.getincrementaldecoder("gb18030")().decode(head, final=whole)
    except UnicodeDecodeError as e:
        raise _undecodable(_row_of(head, e.start))
    return "gb18030"


def _decode_scan(path: Path, encoding: str, target: Path | None = None) -> None:
    """Decode the whole file in chunks (writing UTF-8 to ``target`` when given); the first
    undecodable byte names its row. Nothing is held in memory but one chunk."""
    decoder = codecs.getincrementaldecoder(encoding)()
    row = 1
    out = open(target, "wb") if target is not None else None  # noqa: SIM115
    try:
        with open(path, "rb") as src:
            while chunk := src.read(_CHUNK_BYTES):
                try:
                    text = decoder.decode(chunk)
                except UnicodeDecodeError as e:
                    raise _undecodable(_row_of(chunk, e.start, row))
                if "\x00" in text:
                    raise _undecodable(row + text[: text.index("\x00")].count("\n"))
                if out is not None:
                    out.write(text.encode("utf-8"))
                row += chunk.count(b"\n")
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                raise _undecodable(row)
    finally:
        if out is not None:
            out.close()


def _zip_check(path: Path) -> None:
    """Before openpyxl parses it: a .xlsx whose parts are too many, too large in all, or
    compressed beyond any real sheet (a zip bomb) is refused."""
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError):
        raise DatasetError("Excel 文件已损坏，无法读取。")
    total = sum(i.file_size for i in infos)
    if (
        len(infos) > _ZIP_MAX_ENTRIES
        or total > settings.XUNCHA["DATASET_MAX_UNCOMPRESSED_BYTES"]
        or any(i.compress_size and i.file_size / i.compress_size > _ZIP_MAX_RATIO and i.file_size > _MB for i in infos)
    ):
        raise DatasetError("文件解压后异常庞大（疑似压缩炸弹），已拒绝。")


# ---------------------------------------------------------------- cells as text


def _number_text(value: float | int | Decimal) -> str:
    """A number as the text it shows; 16 or more digits in scientific notation, which the ID
    rules recognise as a number Excel has already rounded."""
    if isinstance(value, float) and not math.isfinite(value):
        return ""
    if abs(float(value)) >= 1e15:
        return f"{float(value):.15E}"
    if isinstance(value, int):
        return str(value)
    if value == int(value):
        return str(int(value))
    return str(value) if isinstance(value, Decimal) else repr(value)


def cell_text(value: Any) -> str | None:
    """An .xlsx cell (openpyxl's value) as text; None for an empty cell."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float | Decimal):
        return _number_text(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def _header_text(value: Any) -> str:
    return (cell_text(value) or "").replace("\ufeff", "").strip(ids.WS_CHARS)


# ---------------------------------------------------------------- the three readers


def _csv_dialect(path: Path, encoding: str) -> str:
    with open(path, encoding=encoding, errors="replace", newline="") as f:
        line = f.readline()
    counts = {d: line.count(d) for d in (",", "\t", ";", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_records(path: Path, encoding: str, delim: str) -> Iterator[tuple[int, list[str]]]:
    """(row as Excel shows it: blank lines count, a quoted line break does not; fields) of
    each non-blank record, the header first."""
    with open(path, encoding=encoding, newline="") as f:
        for row, record in enumerate(csv.reader(f, delimiter=delim), start=1):
            if record:
                yield row, record


def _line_scan(path: Path) -> tuple[bool, bool]:
    """(whether two line breaks follow each other anywhere, whether the file mixes \\r\\n and
    \\n line ends): a quick look in C, before the slow path that only such files take."""
    tail, blank, crlf, lf = b"", False, False, False
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK_BYTES):
            data = tail + chunk
            blank = blank or b"\n\n" in data or b"\n\r\n" in data or (not tail and data.startswith((b"\n", b"\r\n")))
            pairs = data.count(b"\r\n")
            crlf = crlf or pairs > 0
            lf = lf or data.count(b"\n") > pairs
            tail = data[-2:]
    return blank, crlf and lf


def _unify_line_ends(path: Path, target: Path) -> None:
    """A copy of the file with every \\r\\n made \\n (DuckDB refuses a file that mixes them)."""
    with open(path, "rb") as src, open(target, "wb") as out:
        held = b""
        while chunk := src.read(_CHUNK_BYTES):
            data = held + chunk
            held = b"\r" if data.endswith(b"\r") else b""
            out.write(data[: len(data) - len(held)].replace(b"\r\n", b"\n"))
        out.write(held)


def _blank_lines(path: Path, encoding: str, delim: str, header_row: int) -> list[int]:
    """The blank lines after the header, which DuckDB skips: for each, the number of data
    records before it."""
    seen, after = 0, []
    with open(path, encoding=encoding, newline="") as f:
        for row, record in enumerate(csv.reader(f, delimiter=delim), start=1):
            if row <= header_row:
                continue
            if record:
                seen += 1
            else:
                after.append(seen)
    return after


def _title_above(first: list[str], second: list[str] | None) -> bool:
    """Whether the first row is a title above the table (one cell filled, the next row more),
    as offices put on their sheets: the header is then the second row."""
    return second is not None and sum(1 for v in first if v) <= 1 and sum(1 for v in second if v) >= 2


def _csv_headers(path: Path, encoding: str, delim: str) -> tuple[list[str], int]:
    """The header and its row (after blank lines, or below a title)."""
    found: list[tuple[int, list[str]]] = []
    for row, record in _csv_records(path, encoding, delim):
        found.append((row, [_header_text(h) for h in record]))
        if len(found) == 2:
            break
    if not found or not any(found[0][1]):
        raise DatasetError("文件是空的：第 1 行没有表头。", row=1)
    if _title_above(found[0][1], found[1][1] if len(found) == 2 else None):
        return found[1][1], found[1][0]
    return found[0][1], found[0][0]


def _csv_problem(path: Path, encoding: str, delim: str, width: int, header_row: int, message: str) -> DatasetError:
    """The row DuckDB refused, found again with the csv module, with its reason."""
    try:
        for row, record in _csv_records(path, encoding, delim):
            if row > header_row and len(record) != width:
                return DatasetError(
                    f"第 {row} 行有 {len(record)} 列，而表头有 {width} 列：该行多了或少了分隔符（或引号不配对）。",
                    row=row,
                )
    except (csv.Error, UnicodeDecodeError):
        pass
    line = re.search(r"Line: (\d+)", message)
    if line:
        row = int(line.group(1))
        return DatasetError(f"第 {row} 行格式有误（引号不配对或列数与表头不符），无法读取。", row=row)
    return DatasetError("文件格式有误（引号不配对或列数与表头不符），无法读取。")


class _Source:
    """A file opened as the DuckDB relation ``src`` (row_no, c0 … cN as text)."""

    def __init__(self, path: Path, work: Path):
        _size_check(path)
        self.path = path
        self.work = work
        if any(c in str(path) for c in "*?[]{}"):
            # DuckDB reads a path as a glob pattern: a name such as 名单[终].csv is linked to a plain one.
            self.path = work / "input"
            self.path.symlink_to(path.resolve())
        self.format = _format(path)
        self.encoding: str | None = None
        self.con = duckdb.connect(config={"temp_directory": str(work / "spill")})
        self.headers: list[str] = []
        self._csv_path = path
        self._delim = ","
        self._parquet_exprs: list[str] = []
        self._xlsx_open: Generator[tuple[Any, ...], None, None] | None = None
        self._xlsx_pending: list[tuple[Any, ...]] = []
        self.header_row = 1
        if self.format == "csv":
            self.encoding = _encoding(path)
            self._delim = _csv_dialect(path, self.encoding)
            self.headers, self.header_row = _csv_headers(path, self.encoding, self._delim)
        elif self.format == "xlsx":
            _zip_check(path)
            self.headers = self._xlsx_headers()
        else:
            self._parquet_open()

    def close(self) -> None:
        if self._xlsx_open is not None:
            self._xlsx_open.close()
        self.con.close()

    # CSV
    def _csv_load(self, columns: list[int]) -> None:
        assert self.encoding is not None
        if self.encoding == "gb18030":
            self._csv_path = self.work / "utf8.csv"
            _decode_scan(self.path, "gb18030", self._csv_path)
        encoding = "utf-8-sig" if self.encoding != "gb18030" else "utf-8"
        spec = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(self.headers))) + "}"
        chosen = ", ".join(f"c{i}" for i in columns)
        every = ", ".join(f"c{i}" for i in range(len(self.headers)))
        blank, mixed = _line_scan(self._csv_path)
        if mixed:
            unified = self.work / "lf.csv"
            _unify_line_ends(self._csv_path, unified)
            self._csv_path = unified
        try:
            after = _blank_lines(self._csv_path, encoding, self._delim, self.header_row) if blank else []
        except UnicodeDecodeError:  # past the prefix the encoding was chosen from: name the row
            _decode_scan(self._csv_path, encoding)
            raise
        first = self.header_row + 1  # the row of the first record DuckDB reads
        # The table keeps the file's order, so its rowid numbers the records (a window
        # function would cost as much again as the parsing). A row of nothing but delimiters
        # (Excel writes them after the data) is not a record, but keeps its number.
        try:
            self.con.execute(
                f"CREATE TEMP TABLE src_raw AS SELECT {chosen}, coalesce({every}, NULL) IS NULL AS _empty"
                f" FROM read_csv({ids.sql_text(str(self._csv_path))}, columns = {spec}, header = true,"
                f" auto_detect = false, delim = {ids.sql_text(self._delim)}, quote = '\"', escape = '\"',"
                f" skip = {self.header_row - 1}, strict_mode = true, null_padding = false, ignore_errors = false)"
            )
        except duckdb.Error as e:
            if self.encoding != "gb18030":
                _decode_scan(self._csv_path, "utf-8")
            raise _csv_problem(self._csv_path, encoding, self._delim, len(self.headers), self.header_row, str(e))
        if not after:
            self.con.execute(
                f"CREATE TEMP VIEW src AS SELECT rowid + {first} AS row_no, {chosen} FROM src_raw WHERE NOT _empty"
            )
            return
        # DuckDB skips blank lines; Excel counts them: add those before each record back.
        self.con.register("blank_lines", pa.table({"n": pa.array(after, pa.int64())}))
        self.con.execute(
            "CREATE TEMP TABLE blank_sums AS SELECT n, sum(count(*)) OVER (ORDER BY n) AS before"
            " FROM blank_lines GROUP BY n"
        )
        self.con.execute(
            f"CREATE TEMP TABLE src AS SELECT r.rowid + {first} + coalesce(b.before, 0) AS row_no,"
            f" {', '.join(f'r.c{i}' for i in columns)}"
            " FROM src_raw AS r ASOF LEFT JOIN blank_sums AS b ON r.rowid >= b.n WHERE NOT r._empty"
        )

    def _csv_sample(self) -> list[list[str]]:
        assert self.encoding is not None
        rows: list[list[str]] = []
        try:
            for row, record in _csv_records(self.path, self.encoding, self._delim):
                if row > self.header_row:
                    rows.append(record)
                if len(rows) == 5:
                    break
        except UnicodeDecodeError:
            pass
        return rows

    # .xlsx
    def _xlsx_rows(self) -> Generator[tuple[Any, ...], None, None]:
        from openpyxl import load_workbook

        handle = open(self.path, "rb")  # noqa: SIM115 (a file object: openpyxl then ignores the name's extension)
        try:
            wb = load_workbook(handle, read_only=True, data_only=True)
        except Exception:  # openpyxl raises many kinds on a malformed workbook
            handle.close()
            raise DatasetError("Excel 文件内容无法解析，请检查后重新上传。")
        try:
            ws = wb.worksheets[0]
            ws.reset_dimensions()
            yield from ws.iter_rows(values_only=True)
        except DatasetError:
            raise
        except Exception:
            raise DatasetError("Excel 文件内容无法解析，请检查后重新上传。")
        finally:
            wb.close()
            handle.close()

    def _xlsx_headers(self) -> list[str]:
        """The first row (the second below a title); the sheet stays open, its rows read on
        from there (one pass)."""
        self._xlsx_open = self._xlsx_rows()
        found: list[list[str]] = []
        for row in self._xlsx_open:
            self._xlsx_pending.append(row)
            found.append([_header_text(v) for v in row])
            if len(found) == 2:
                break
        if not found or not any(found[0]):
            self._xlsx_open.close()
            raise DatasetError("文件是空的：第 1 行没有表头。", row=1)
        self.header_row = 2 if _title_above(found[0], found[1] if len(found) == 2 else None) else 1
        headers = found[self.header_row - 1]
        self._xlsx_pending = self._xlsx_pending[self.header_row :]
        while headers and not headers[-1]:
            headers.pop()
        return headers

    def _xlsx_iter(self) -> Iterator[tuple[int, list[str | None]]]:
        width = len(self.headers)
        assert self._xlsx_open is not None  # opened by _xlsx_headers
        rows = itertools.chain(self._xlsx_pending, self._xlsx_open)
        for n, values in enumerate(rows, start=self.header_row + 1):
            texts = [cell_text(v) for v in values]
            if not any(t not in (None, "") for t in texts):
                continue
            for k in range(width, len(texts)):
                if texts[k] not in (None, ""):
                    from openpyxl.utils import get_column_letter

                    raise DatasetError(
                        f"第 {n} 行的 {get_column_letter(k + 1)} 列有内容，但这一列没有表头。",
                        row=n,
                    )
            yield n, (texts + [None] * width)[:width]

    def _xlsx_load(self, columns: list[int]) -> None:
        names = ["row_no", *(f"c{i}" for i in columns)]
        self.con.execute("CREATE TEMP TABLE src (row_no BIGINT" + "".join(f", c{i} VARCHAR" for i in columns) + ")")
        batch: list[tuple[int, list[str | None]]] = []

        def flush() -> None:
            arrays = [pa.array([r for r, _ in batch], pa.int64())]
            arrays += [pa.array([v[i] for _, v in batch], pa.string()) for i in columns]
            self.con.register("batch_rows", pa.Table.from_arrays(arrays, names=names))
            self.con.execute("INSERT INTO src SELECT * FROM batch_rows")
            self.con.unregister("batch_rows")
            batch.clear()

        for item in self._xlsx_iter():
            batch.append(item)
            if len(batch) >= _BATCH_ROWS:
                flush()
        if batch:
            flush()

    def _xlsx_sample(self) -> list[list[str]]:
        rows: list[list[str]] = []
        for _n, values in self._xlsx_iter():
            rows.append([v or "" for v in values])
            if len(rows) == 5:
                break
        return rows

    # Parquet
    def _parquet_open(self) -> None:
        source = f"read_parquet({ids.sql_text(str(self.path))}, file_row_number = true)"
        try:
            described = self.con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()
        except duckdb.Error:
            raise DatasetError("Parquet 文件已损坏，无法读取。")
        exprs = []
        for name, kind, *_ in described:
            if name == "file_row_number":
                continue
            self.headers.append(_header_text(name))
            col = '"' + str(name).replace('"', '""') + '"'
            if re.match(r"(TINY|SMALL|U|HUGE|BIG)?INT|INTEGER|DECIMAL|FLOAT|DOUBLE|REAL", kind):
                exprs.append(
                    f"CASE WHEN abs({col}::DOUBLE) >= 1e15 THEN printf('%.15E', {col}::DOUBLE)"
                    f" WHEN {col}::DOUBLE = trunc({col}::DOUBLE) THEN CAST(CAST({col} AS HUGEINT) AS VARCHAR)"
                    f" ELSE CAST({col} AS VARCHAR) END"
                )
            else:
                exprs.append(f"CAST({col} AS VARCHAR)")
        if not self.headers:
            raise DatasetError("文件是空的：没有任何列。")
        self._parquet_exprs = exprs
        self._parquet_source = source

    def _parquet_load(self, columns: list[int]) -> None:
        chosen = "".join(f", {self._parquet_exprs[i]} AS c{i}" for i in columns)
        self.con.execute(
            f"CREATE TEMP VIEW src AS SELECT file_row_number + 2 AS row_no{chosen} FROM {self._parquet_source}"
        )

    def _parquet_sample(self) -> list[list[str]]:
        exprs = ", ".join(self._parquet_exprs)
        try:
            rows = self.con.execute(f"SELECT {exprs} FROM {self._parquet_source} LIMIT 5").fetchall()
        except duckdb.Error:
            raise DatasetError("Parquet 文件已损坏，无法读取。")
        return [[v or "" for v in r] for r in rows]

    # both
    def load(self, columns: list[int]) -> None:
        if self.format == "csv":
            self._csv_load(columns)
        elif self.format == "xlsx":
            self._xlsx_load(columns)
        else:
            self._parquet_load(columns)

    def sample(self) -> list[list[str]]:
        if self.format == "csv":
            return self._csv_sample()
        if self.format == "xlsx":
            return self._xlsx_sample()
        return self._parquet_sample()


class _Work:
    """A scratch directory (beside ``out`` when given), removed with all it holds, each file
    overwritten first (``core.files.file_erase``)."""

    def __init__(self, near: Path | None):
        self._dir = tempfile.TemporaryDirectory(prefix=".dataset-", dir=near)
        self.path = Path(self._dir.name)

    def __enter__(self) -> Path:
        return self.path

    def __exit__(self, *exc: object) -> None:
        from core.files import file_erase

        for part in self.path.rglob("*"):  # decoded copies of personal data: erased, not only unlinked
            if part.is_file() and not part.is_symlink():
                file_erase(part)
        self._dir.cleanup()


# ---------------------------------------------------------------- public


def dataset_look(path: Path) -> FileLook:
    """What the file is, its headers, the guessed mapping and its first five rows."""
    path = Path(path)
    with _Work(None) as work:
        source = _Source(path, work)
        try:
            return FileLook(
                format=source.format,
                encoding=source.encoding,
                headers=source.headers,
                guess=mapping_guess(source.headers),
                sample=source.sample(),
                header_row=source.header_row,
            )
        finally:
            source.close()


def _mapping_check(headers: list[str], mapping: dict[str, str]) -> dict[str, int]:
    """field key → column index; refuses unknown headers and keys, a field twice, and a
    file with neither an ID nor a name."""
    position: dict[str, int] = {}
    for i, h in enumerate(headers):
        position.setdefault(h, i)
    columns: dict[str, int] = {}
    for header, key in mapping.items():
        if not key:
            continue
        if key not in BY_KEY:
            raise DatasetError(f"字段对应有误：“{header}”对应的字段“{key}”不存在。", field=key)
        if header not in position:
            raise DatasetError(f"字段对应有误：文件中没有“{header}”列。", field=key)
        if key in columns:
            other = headers[columns[key]]
            raise DatasetError(f"字段对应有误：“{BY_KEY[key].label}”同时对应了“{other}”和“{header}”两列。", field=key)
        columns[key] = position[header]
    if "id_number" not in columns and "name" not in columns:
        raise DatasetError("未找到身份证号或姓名列：请在字段对应中指定", field="id_number")
    return columns


def _normalise_sql(columns: dict[str, int]) -> str:
    """The query that answers ``NORMALISED_COLUMNS`` from ``src`` (and ``name_keys``)."""

    def col(key: str) -> str:
        return f"c{columns[key]}" if key in columns else "NULL::VARCHAR"

    t = ids.trim_sql
    s1 = [
        "row_no",
        f"NULLIF({col('id_number')}, '') AS id_raw",
        f"{ids.id_plain_sql(col('id_number'))} AS _plain",
        f"{t(col('name'))} AS name",
        f"upper({t(col('sex'))}) AS _sex",
        *(f"{col(k)} AS _c_{k}" for k in DATE_FIELDS),
        f"{t(col('amount'))} AS _amount",
        f"{t(col('year'))} AS _year",
        f"{ids.credit_clean_sql(col('credit_code'))} AS credit_code",
        *(f"{t(col(k))} AS {k}" for k in TEXT_FIELDS),
        *(f"{ids.spaceless_sql(col(k))} AS {k}" for k in SPACELESS_FIELDS),
    ]
    s2 = [
        "*",
        f"CASE WHEN _plain THEN id_raw ELSE {ids.id_clean_sql('id_raw')} END AS _idc",
        f"{ids.amount_sql('_amount')} AS amount",
        "TRY_CAST(regexp_replace(_year, '年$', '') AS INTEGER) AS year",
        f"{ids.credit_valid_sql('credit_code')} AS credit_code_valid",
    ]
    s3 = ["*", f"CASE WHEN _plain THEN 'x18' ELSE {ids.id_kind_sql('_idc')} END AS _idk"]
    s4 = ["*", f"{ids.id_body_sql('_idc', '_idk')} AS _idb"]
    s5 = ["*", f"{ids.id_check_sql(ids.id_digits_sql('_idb'))} AS _idch"]
    s6 = ["*", f"{ids.id_status_sql('id_raw', '_idc', '_idk', '_idb', '_idch')} AS id_status"]
    s7 = ["*", f"{ids.id_number_sql('id_status', '_idb', '_idch')} AS id_number"]
    from_id_birth = (
        "TRY_CAST(substr(id_number, 7, 4) || '-' || substr(id_number, 11, 2) || '-' || substr(id_number, 13, 2)"
        " AS DATE)"
    )
    final = {
        "row_no": "s.row_no",
        "id_raw": "id_raw",
        "id_status": "id_status",
        "id_number": "id_number",
        "name": "s.name",
        "name_norm": "k.name_norm",
        "name_key": "k.name_key",
        "sex": (
            "CASE WHEN _sex IN ('男', '男性', 'M', '1', 'MALE') THEN '男'"
            " WHEN _sex IN ('女', '女性', 'F', '2', 'FEMALE') THEN '女'"
            " WHEN id_number IS NOT NULL THEN CASE WHEN (ascii(substr(id_number, 17, 1)) - 48) % 2 = 1"
            " THEN '男' ELSE '女' END END"
        ),
        "birth_date": f"coalesce(d_birth_date.value, {from_id_birth})",
        "start_date": "d_start_date.value",
        "end_date": "d_end_date.value",
        "death_date": "d_death_date.value",
        "pay_month": "CAST(date_trunc('month', d_pay_month.value) AS DATE)",
        "amount": "amount",
        "year": "year",
        "credit_code": "credit_code",
        "credit_code_valid": "credit_code_valid",
        **{k: k for k in TEXT_FIELDS + SPACELESS_FIELDS},
        **{f"{k}_raw": f"CASE WHEN d_{k}.value IS NULL THEN d_{k}.text END" for k in DATE_FIELDS},
        "amount_raw": "CASE WHEN amount IS NULL THEN _amount END",
    }
    select = ", ".join(f"CAST({final[name]} AS {kind}) AS {name}" for name, kind in NORMALISED_COLUMNS)

    def stage(cols: list[str], inner: str) -> str:
        return f"(SELECT {', '.join(cols)} FROM {inner})"

    inner = "src"
    for cols in (s1, s2, s3, s4, s5, s6, s7):
        inner = stage(cols, inner)
    joins = "".join(
        f" LEFT JOIN date_dict AS d_{k} ON s._c_{k} = d_{k}.raw"
        if k in columns
        else f" LEFT JOIN date_none AS d_{k} ON true"
        for k in DATE_FIELDS
    )
    return f"SELECT {select} FROM {inner} AS s LEFT JOIN name_keys AS k ON s.name = k.name{joins}"


def _date_dict(con: duckdb.DuckDBPyConnection, columns: dict[str, int]) -> None:
    """The tables date_dict (raw, text, value) over the distinct texts of the date columns
    (a county's dates are a few thousand values, so the date forms are read once each),
    and date_none, one row of NULLs for a date the file lacks."""
    con.execute(
        "CREATE TEMP TABLE date_none AS SELECT NULL::VARCHAR AS raw, NULL::VARCHAR AS text, NULL::DATE AS value"
    )
    union = " UNION ".join(f"SELECT c{columns[k]} AS raw FROM src" for k in DATE_FIELDS if k in columns)
    if not union:
        con.execute("CREATE TEMP TABLE date_dict AS SELECT * FROM date_none WHERE false")
        return
    value = ids.date_sane_sql(ids.date_sql(ids.date_clean_sql("raw")))
    con.execute(
        f"CREATE TEMP TABLE date_dict AS SELECT raw, {ids.trim_sql('raw')} AS text, {value} AS value"
        f" FROM (SELECT DISTINCT raw FROM ({union})) WHERE raw IS NOT NULL"
    )


_PIVOT_CHARS = 12


def _name_keys(con: duckdb.DuckDBPyConnection, name_col: str | None) -> None:
    """The table name_keys (name, name_norm, name_key) over the distinct names of ``src``,
    from the character table of their distinct characters. The characters of a name are
    put back in order by position (a pivot of at most ``_PIVOT_CHARS`` aggregates, which
    needs no sort); longer names, rare, by an ordered string_agg."""
    if name_col is None:
        con.execute("CREATE TEMP TABLE name_keys (name VARCHAR, name_norm VARCHAR, name_key VARCHAR)")
        return
    con.execute(
        "CREATE TEMP TABLE names AS SELECT name, len(string_split(name, '')) AS n"
        f" FROM (SELECT DISTINCT {ids.trim_sql(name_col)} AS name FROM src) WHERE name IS NOT NULL"
    )
    chars = [r[0] for r in con.execute("SELECT DISTINCT unnest(string_split(name, '')) FROM names").fetchall()]
    schema = pa.schema([(column, pa.string()) for column in ("ch", "norm", "key", "skey")])
    con.register("chartab", pa.table(char_table(chars), schema=schema))
    longest = (con.execute("SELECT max(n) FROM names").fetchone() or (None,))[0] or 0

    def exploded(condition: str) -> str:
        return (
            "(SELECT name, unnest(string_split(name, '')) AS ch, unnest(range(1, n + 1)) AS pos"
            f" FROM names WHERE {condition}) AS p JOIN chartab AS c ON c.ch = p.ch"
        )

    width = min(longest, _PIVOT_CHARS)
    norm = " || ".join(f"coalesce(max(c.norm) FILTER (WHERE p.pos = {i}), '')" for i in range(1, width + 1))
    key = " || ".join(
        f"coalesce(max({'c.skey' if i == 1 else 'c.key'}) FILTER (WHERE p.pos = {i}), '')" for i in range(1, width + 1)
    )
    parts = []
    if width:
        parts.append(
            f"SELECT p.name, NULLIF({norm}, '') AS name_norm, NULLIF({key}, '') AS name_key"
            f" FROM {exploded(f'n <= {_PIVOT_CHARS}')} GROUP BY p.name"
        )
    if longest > _PIVOT_CHARS:
        parts.append(
            "SELECT p.name, NULLIF(string_agg(c.norm, '' ORDER BY p.pos), '') AS name_norm,"
            " NULLIF(string_agg(CASE WHEN p.pos = 1 THEN c.skey ELSE c.key END, '' ORDER BY p.pos), '') AS name_key"
            f" FROM {exploded(f'n > {_PIVOT_CHARS}')} GROUP BY p.name"
        )
    if not parts:
        parts.append("SELECT NULL::VARCHAR AS name, NULL::VARCHAR AS name_norm, NULL::VARCHAR AS name_key WHERE false")
    con.execute("CREATE TEMP TABLE name_keys AS " + " UNION ALL ".join(parts))


def _examples(value: Any) -> list[Any]:
    return list(value or [])


def _report(con: duckdb.DuckDBPyConnection, parquet: Path, columns: dict[str, int]) -> dict[str, Any]:
    source = f"read_parquet({ids.sql_text(str(parquet))})"
    aggs = ["count(*)"]
    for status in ids.ID_STATUSES:
        aggs.append(f"count(*) FILTER (WHERE id_status = '{status}')")
    for status in ids.ID_STATUSES:
        aggs.append(f"min(row_no, 5) FILTER (WHERE id_status = '{status}')")
    for key in DATE_FIELDS:
        aggs += [
            f"count({key})",
            f"count({key}_raw)",
            f"min_by(struct_pack(row := row_no, value := {key}_raw), row_no, 5) FILTER (WHERE {key}_raw IS NOT NULL)",
        ]
    aggs += [
        "count(*) FILTER (WHERE credit_code_valid)",
        "count(*) FILTER (WHERE NOT credit_code_valid)",
        "min_by(struct_pack(row := row_no, value := credit_code), row_no, 5) FILTER (WHERE NOT credit_code_valid)",
        "count(amount)",
        "count(amount_raw)",
        "min_by(struct_pack(row := row_no, value := amount_raw), row_no, 5) FILTER (WHERE amount_raw IS NOT NULL)",
    ]
    values = list(con.execute(f"SELECT {', '.join(aggs)} FROM {source}").fetchone() or ())
    rows = values.pop(0)
    report: dict[str, Any] = {"rows": rows}
    counts = values[: len(ids.ID_STATUSES)]
    firsts = values[len(ids.ID_STATUSES) : 2 * len(ids.ID_STATUSES)]
    values = values[2 * len(ids.ID_STATUSES) :]
    for status, n in zip(ids.ID_STATUSES, counts, strict=True):
        report[f"id_{status}"] = n
    report["examples"] = {s: _examples(f) for s, f in zip(ids.ID_STATUSES, firsts, strict=True) if s != "valid"}
    dates = {}
    for key in DATE_FIELDS:
        read, unreadable, examples = values[:3]
        values = values[3:]
        if key in columns:
            dates[key] = {"read": read, "unreadable": unreadable, "examples": _examples(examples)}
    report["dates"] = dates
    valid, invalid, examples, amount_read, amount_bad, amount_examples = values
    report["credit_codes"] = {"valid": valid, "invalid": invalid, "examples": _examples(examples)}
    if "amount" in columns:
        report["amounts"] = {"read": amount_read, "unreadable": amount_bad, "examples": _examples(amount_examples)}
    return report


def dataset_normalise(path: Path, *, mapping: dict[str, str] | None = None, out: Path | None = None) -> dict:
    """Read, map (``mapping`` header → field key, a falsy key leaves the column out; None:
    ``mapping_guess``) and normalise the file; write the Parquet file at ``out`` (in a
    scratch directory beside it, then one rename: nothing is left there on error) and
    answer the validation report, a JSON-serialisable dict:

    - ``rows``; ``id_valid``, ``id_upgraded_15``, ``id_repaired``, ``id_bad_checksum``,
      ``id_excel_number``, ``id_missing``, ``id_invalid`` (counts of ``id_status``);
      ``examples``: {status: the first five row numbers} for every status but valid;
    - ``dates``: {date field mapped: {"read", "unreadable", "examples": [{"row", "value"}]}}
      ("read" counts the rows with a date, for birth_date those taken from the ID too);
    - ``credit_codes``: {"valid", "invalid", "examples"}; ``amounts`` (when mapped) alike;
    - ``format``, ``encoding``, ``headers``, ``header_row`` (1, or 2 below a title row),
      ``mapping`` (used), ``unmapped`` (headers not used).

    Row numbers are those Excel shows: the header is row 1. Raises ``DatasetError``."""
    path = Path(path)
    if out is None:
        return _normalise(path, mapping, None)
    out = Path(out)
    made = not out.parent.exists()
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        return _normalise(path, mapping, out)
    except BaseException:
        if made:
            with contextlib.suppress(OSError):
                out.parent.rmdir()  # only if still empty
        raise


def _normalise(path: Path, mapping: dict[str, str] | None, out: Path | None) -> dict:
    with _Work(out.parent if out is not None else None) as work:
        source = _Source(path, work)
        try:
            used = dict(mapping) if mapping is not None else mapping_guess(source.headers)
            columns = _mapping_check(source.headers, used)
            source.load(sorted(set(columns.values())))
            _name_keys(source.con, f"c{columns['name']}" if "name" in columns else None)
            _date_dict(source.con, columns)
            written = work / "normalised.parquet"
            source.con.execute(
                f"COPY ({_normalise_sql(columns)}) TO {ids.sql_text(str(written))} (FORMAT parquet, COMPRESSION zstd)"
            )
            report = _report(source.con, written, columns)
            if report["rows"] == 0:
                raise DatasetError("文件只有表头，没有数据行。", row=2)
        except duckdb.Error as e:
            raise DatasetError(f"文件无法读取：{str(e).splitlines()[0]}")
        finally:
            source.close()
        mapped = {h: k for h, k in used.items() if k}
        report.update(
            {
                "format": source.format,
                "encoding": source.encoding,
                "headers": source.headers,
                "header_row": source.header_row,
                "mapping": mapped,
                "unmapped": [h for h in source.headers if h not in mapped],
            }
        )
        if out is not None:
            os.replace(written, out)  # the scratch directory is beside ``out``: one rename
    return report


__all__ = ["DatasetError", "FileLook", "dataset_look", "dataset_normalise", "NORMALISED_COLUMNS", "cell_text"]
assert {f.key for f in FIELDS} <= {c for c, _ in NORMALISED_COLUMNS}
