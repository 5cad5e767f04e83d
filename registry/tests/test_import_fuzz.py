"""Fuzzing the import: whatever the file holds, the answer is the rows' problems or a
clean write, never a crash and never a partial write."""

import io
import zipfile

from hypothesis import given, settings
from hypothesis import strategies as st

from core.tests.fuzzing import FUZZ as FUZZ_SHARED
from registry.importing import COLUMNS, organizations_import
from registry.models import Organization
from registry.tests.factories import organizations_xlsx

CELL = st.one_of(
    st.none(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=False),
    st.sampled_from(
        [
            "T01",
            "T01-V01",
            "D001",
            "县直部门",
            "村(社区)",
            "已合并",
            "已撤销",
            "正常",
            "2024-02-30",
            "2024年6月1日",
            "=1+1",
            "",
            " ",
            "X1",
            "X2",
        ]
    ),
    st.text(max_size=30),
)
ROWS = st.lists(st.lists(CELL, min_size=0, max_size=len(COLUMNS) + 2), max_size=12)
FUZZ = settings(FUZZ_SHARED, max_examples=max(60, FUZZ_SHARED.max_examples))


def _snapshot():
    return sorted(Organization.objects.values_list("authority_id", "code", "name", "parent_id", "status", "ended_on"))


@FUZZ
@given(rows=ROWS)
def test_random_rows_give_errors_or_a_whole_write(world, rows):
    a = world["a"]
    before = _snapshot()
    cleaned = [[c if not isinstance(c, str) else c.replace("\x00", "") for c in row] for row in rows]
    try:
        data = organizations_xlsx(cleaned)
    except Exception:  # openpyxl refuses some characters when writing: not our input
        return
    result = organizations_import(actor=a.users["office"], authority=a.authority, data=data)
    if result.ok:
        # Every row that holds something was written (created, updated or found unchanged).
        filled = [r for r in cleaned if any(c is not None and str(c).strip() for c in r[: len(COLUMNS)])]
        assert result.created + result.updated + result.unchanged == len(filled)
    else:
        assert all(e.message for e in result.errors)
        assert _snapshot() == before


@FUZZ
@given(blob=st.binary(max_size=4096))
def test_random_bytes_are_refused_cleanly(world, blob):
    a = world["a"]
    before = _snapshot()
    result = organizations_import(actor=a.users["office"], authority=a.authority, data=blob)
    assert not result.ok and result.errors[0].row == 0
    assert _snapshot() == before


@FUZZ
@given(
    names=st.lists(
        st.sampled_from(["xl/workbook.xml", "xl/worksheets/sheet1.xml", "[Content_Types].xml", "a"]),
        min_size=1,
        max_size=4,
    ),
    body=st.binary(max_size=512),
)
def test_random_zips_are_refused_cleanly(world, names, body):
    a = world["a"]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name in dict.fromkeys(names):
            zf.writestr(name, body)
    result = organizations_import(actor=a.users["office"], authority=a.authority, data=buf.getvalue())
    assert not result.ok
