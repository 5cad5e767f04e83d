"""What the import and upload fuzz tests share: cells a clerk's workbook may hold, random
workbooks and zips, and the bounded example counts that keep `make test` quick."""

import io
import os
import zipfile

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from openpyxl import Workbook

# `make test` draws the same examples every run (derandomized), so that CI passes or fails on
# the code alone; `make fuzz` draws new ones, many more (XUNCHA_FUZZ_RANDOM=1).
RANDOM = os.environ.get("XUNCHA_FUZZ_RANDOM") == "1"
FUZZ = settings(
    max_examples=400 if RANDOM else 40,
    derandomize=not RANDOM,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

CELL = st.one_of(
    st.none(),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=True, allow_infinity=False),
    st.sampled_from(["", " ", "=1+1", '=HYPERLINK("x")', "2024-02-30", "2024年6月1日", "110101199003074518", "是"]),
    st.text(max_size=24),
)


def workbook(rows: list[list]) -> bytes | None:
    """``rows`` as an .xlsx, or None where openpyxl refuses a character (not our input)."""
    wb = Workbook()
    try:
        for row in rows:
            wb.active.append([c.replace("\x00", "") if isinstance(c, str) else c for c in row])
        buf = io.BytesIO()
        wb.save(buf)
    except Exception:  # noqa: BLE001  (openpyxl's IllegalCharacterError and kin)
        return None
    return buf.getvalue()


ZIP_NAMES = st.lists(
    st.sampled_from(["xl/workbook.xml", "xl/worksheets/sheet1.xml", "[Content_Types].xml", "word/document.xml", "a"]),
    min_size=1,
    max_size=4,
)


def zip_of(names: list[str], body: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name in dict.fromkeys(names):
            zf.writestr(name, body)
    return buf.getvalue()


def leftover_files(*folders) -> list[str]:
    return sorted(str(p) for folder in folders if folder.exists() for p in folder.rglob("*") if p.is_file())
