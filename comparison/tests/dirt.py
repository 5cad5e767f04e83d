"""Helpers that write the files departments really hand over, dirt included: CSV in UTF-8,
UTF-8 with BOM, GBK and GB18030; .xlsx with IDs as numbers; Parquet; a zip bomb dressed as
.xlsx; binary garbage. And IDs and credit codes with correct check characters."""

from __future__ import annotations

import io
import random
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from openpyxl import Workbook

from comparison.ids import credit_check_char, id_check_char

_FULL = str.maketrans("0123456789Xx", "０１２３４５６７８９Ｘｘ")


def id18(region: str = "110105", birth: str = "19491231", seq: str = "002") -> str:
    """A valid 18-character ID."""
    body = region + birth + seq
    return body + id_check_char(body)


def id15(valid18: str) -> str:
    """The 15-digit form of an ID issued before 1999 (no century, no check character)."""
    return valid18[:6] + valid18[8:17]


def wrong_check(valid18: str) -> str:
    """The same ID with a check character that fails."""
    for c in "0123456789X":
        if c != valid18[17]:
            return valid18[:17] + c
    raise AssertionError


def excel_zeros(region: str = "110105", birth: str = "19491231") -> str:
    """18 digits ending in 000 whose check fails: what Excel leaves of an ID it read as a number."""
    for k in range(10):
        body = f"{region}{birth}{k}00"
        if id_check_char(body) != "0":
            return body + "0"
    raise AssertionError


def fullwidth(text: str) -> str:
    return text.translate(_FULL)


def credit_code(body17: str = "91350100M000100Y4") -> str:
    """A valid unified social credit code (GB 32100-2015)."""
    return body17 + credit_check_char(body17)


def write_csv(
    path: Path,
    rows: list[list[Any]],
    *,
    encoding: str = "utf-8",
    bom: bool = False,
    delimiter: str = ",",
    newline: str = "\n",
) -> Path:
    """Rows (the header first) as a CSV; a cell containing the delimiter, a quote or a newline
    is quoted."""

    def cell(value: Any) -> str:
        text = "" if value is None else str(value)
        if any(c in text for c in (delimiter, '"', "\n", "\r")):
            text = '"' + text.replace('"', '""') + '"'
        return text

    text = "".join(delimiter.join(cell(v) for v in row) + newline for row in rows)
    data = text.encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def write_xlsx(path: Path, rows: list[list[Any]]) -> Path:
    """Rows as the first sheet of a workbook, each value with its own type (a number stays
    a number, a date a date)."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def write_parquet(path: Path, columns: dict[str, list[Any]], types: dict[str, pa.DataType] | None = None) -> Path:
    types = types or {}
    table = pa.table({k: pa.array(v, type=types.get(k)) for k, v in columns.items()})
    pq.write_table(table, path)
    return path


def zip_bomb_xlsx(path: Path, megabytes: int = 8) -> Path:
    """A .xlsx in every outward respect whose sheet inflates a thousandfold."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        z.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook/>')
        z.writestr("xl/worksheets/sheet1.xml", b" " * (megabytes * 1024 * 1024))
    path.write_bytes(buf.getvalue())
    return path


def garbage(path: Path, size: int = 4096, seed: int = 12) -> Path:
    """Random bytes, NULs included: no text in any encoding."""
    rng = random.Random(seed)
    path.write_bytes(bytes(rng.randrange(256) for _ in range(size)) + b"\x00")
    return path


def files_in(directory: Path) -> list[str]:
    """Every file and directory under ``directory`` (hidden ones too), relative names."""
    return sorted(str(p.relative_to(directory)) for p in directory.rglob("*"))


__all__ = [
    "credit_code",
    "date",
    "excel_zeros",
    "files_in",
    "fullwidth",
    "garbage",
    "id15",
    "id18",
    "write_csv",
    "write_parquet",
    "write_xlsx",
    "wrong_check",
    "zip_bomb_xlsx",
]
