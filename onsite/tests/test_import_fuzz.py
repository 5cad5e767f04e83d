"""Fuzzing the survey results' import: whatever the workbook holds, the tallies are saved
whole or the file is refused with messages, never a crash and never a partial write."""

from django.core.exceptions import ValidationError
from hypothesis import example, given
from hypothesis import strategies as st

from core.tests.fuzzing import CELL, FUZZ, ZIP_NAMES, workbook, zip_of
from onsite.models import Survey
from onsite.surveys import survey_results_import
from onsite.tests.factories import survey as a_survey

HEADERS = st.lists(st.sampled_from(["测评项目", "好", "较好", "一般", "差", "满意", "", None]), max_size=6)
ROWS = st.lists(st.lists(CELL, max_size=7), max_size=10)


def _import(world, data):
    survey = a_survey(world)
    before = Survey.objects.get(pk=survey.pk).results
    try:
        saved = survey_results_import(actor=world["a"].users["team_member"], survey=survey, data=data)
    except ValidationError as e:
        messages = e.message_dict["file"]
        assert messages and all(m.strip() for m in messages)
        assert Survey.objects.get(pk=survey.pk).results == before  # nothing partial
        return None
    return saved


@FUZZ
@given(header=HEADERS, rows=ROWS)
@example(header=["测评项目", "好", "差"], rows=[["领导班子总体评价", 30, 8]])  # a file that is saved
def test_random_tallies_are_saved_whole_or_refused_with_messages(world, header, rows):
    data = workbook([header, *rows])
    if data is None:
        return
    saved = _import(world, data)
    if header == ["测评项目", "好", "差"] and rows == [["领导班子总体评价", 30, 8]]:
        assert saved is not None
    if saved is not None:
        stored = Survey.objects.get(pk=saved.pk).results
        assert stored["rows"] and all(len(r) == len(stored["options"]) + 1 for r in stored["rows"])


@FUZZ
@given(blob=st.binary(max_size=4096))
def test_random_bytes_are_refused(world, blob):
    assert _import(world, blob) is None


@FUZZ
@given(names=ZIP_NAMES, body=st.binary(max_size=512))
def test_random_zips_are_refused(world, names, body):
    assert _import(world, zip_of(names, body)) is None
