"""A formula typed into the 民主测评 tally (a total, a count computed from another sheet) is
reported as a formula with its row and column, never read as blank or as a number; real
.xlsx files through the service, the page and the API."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import token_client
from onsite.surveys import survey_create, survey_results_import
from onsite.tests.test_surveys import HEADER, xlsx

pytestmark = pytest.mark.django_db
WITH_FORMULAS = xlsx(
    HEADER,
    ["领导班子总体评价", 20, "=38-20-5-3", 5, 3],
    ['=CONCAT("选人","用人")', 30, 6, 0, 0],
)


def _survey(world):
    a = world["a"]
    return survey_create(
        actor=a.users["team_member"],
        inspection=a.inspection,
        kind="evaluation",
        title="领导班子民主测评",
        held_on=datetime.date(2026, 1, 8),
        handed_out=40,
        returned=38,
    )


def test_formulas_are_named_by_row_and_column_and_nothing_is_written(world):
    survey = _survey(world)
    with pytest.raises(ValidationError) as e:
        survey_results_import(actor=world["a"].users["team_member"], survey=survey, data=WITH_FORMULAS)
    assert e.value.message_dict["file"] == [
        "第 2 行“较好”列：单元格含公式“=38-20-5-3”，导入不读取公式的结果。"
        "请复制该列后“选择性粘贴—数值”（粘贴为数值），再上传。",
        '第 3 行“测评项目”列：单元格含公式“=CONCAT("选人","用人")”，导入不读取公式的结果。'
        "请复制该列后“选择性粘贴—数值”（粘贴为数值），再上传。",
    ]
    survey.refresh_from_db()
    assert not (survey.results or {}).get("rows")


def test_a_formula_in_the_header_is_named_too(world):
    survey = _survey(world)
    with pytest.raises(ValidationError) as e:
        survey_results_import(
            actor=world["a"].users["team_member"],
            survey=survey,
            data=xlsx(["测评项目", "好", '="较"&"好"'], ["甲", 1, 1]),
        )
    assert e.value.message_dict["file"][0].startswith("第 1 行第 C 列：单元格含公式")


def test_the_page_and_the_api_report_the_formula(world, login):
    survey = _survey(world)
    page = login(world["a"].users["team_member"]).post(
        f"/onsite/surveys/{survey.pk}/results/", {"file": SimpleUploadedFile("测评结果.xlsx", WITH_FORMULAS)}
    )
    assert "第 2 行“较好”列：单元格含公式“=38-20-5-3”" in page.content.decode()
    r = token_client(world["a"].users["team_member"]).post(
        f"/api/v1/surveys/{survey.pk}/results", {"file": SimpleUploadedFile("结果.xlsx", WITH_FORMULAS)}
    )
    assert r.status_code == 422 and "粘贴为数值" in r.json()["errors"]["file"][0]
