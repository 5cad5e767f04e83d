"""Fuzzing the ledger import: whatever a unit types into the ledger it downloaded (or sends
in its place), each row's progress is reported, or the file is refused naming rows, never a
crash and never part of a file."""

import io

from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from core.tests.fuzzing import CELL, FUZZ, ZIP_NAMES, zip_of
from rectification.ledger import ledger_import, plan_ledger_export
from rectification.models import ProgressReport
from rectification.tests.factories import plan

EDITS = st.lists(st.tuples(st.sampled_from(["任务编号", "整改进展", "申请销号"]), CELL), max_size=6)


def _ledger(world):
    p = plan(world)
    return p, plan_ledger_export(actor=world["a"].users["unit_liaison"], plan=p)[1]


def _import(world, p, data):
    before = ProgressReport.objects.count()
    result = ledger_import(actor=world["a"].users["unit_liaison"], plan=p, data=data, name="整改台账.xlsx")
    if result.ok:
        assert ProgressReport.objects.count() == before + len(result.changes)
    else:
        assert all(e.message.strip() for e in result.errors)
        assert ProgressReport.objects.count() == before  # nothing partial
    return result


@FUZZ
@given(edits=EDITS, row=st.integers(min_value=0, max_value=3))
def test_random_edits_of_the_ledger_are_reported_whole_or_refused(world, edits, row):
    p, data = _ledger(world)
    wb = load_workbook(io.BytesIO(data))
    ws = wb.worksheets[0]
    names = [c.value for c in ws[2]]
    for column, value in edits:
        try:
            ws.cell(row=3 + row, column=names.index(column) + 1, value=value)
        except Exception:  # noqa: BLE001  (a character openpyxl refuses to write: not our input)
            return
    buf = io.BytesIO()
    wb.save(buf)
    _import(world, p, buf.getvalue())


@FUZZ
@given(blob=st.binary(max_size=4096))
def test_random_bytes_are_refused(world, blob):
    p, _ = _ledger(world)
    assert not _import(world, p, blob).ok


@FUZZ
@given(names=ZIP_NAMES, body=st.binary(max_size=512))
def test_random_zips_are_refused(world, names, body):
    p, _ = _ledger(world)
    assert not _import(world, p, zip_of(names, body)).ok
