"""Questionnaires and democratic evaluations: copies handed out and returned, and the
tallies imported from a real .xlsx, checked row by row, all or nothing."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from conftest import token_client
from core.models import AuditEvent
from onsite.models import Survey
from onsite.surveys import survey_create, survey_results_import, survey_table, survey_update

HEADER = ["测评项目", "好", "较好", "一般", "差"]


def xlsx(*rows) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


GOOD = xlsx(
    HEADER,
    ["领导班子总体评价", 20, 10, 5, 3],
    ["落实全面从严治党主体责任", 15, 15, 6, 2],
    ["选人用人工作", 30, 6, 0, None],  # an empty cell counts 0
)


def _survey(world, **fields):
    a = world["a"]
    values = {
        "kind": "evaluation",
        "title": "领导班子民主测评",
        "held_on": datetime.date(2026, 1, 8),
        "handed_out": 40,
        "returned": 38,
        **fields,
    }
    return survey_create(actor=a.users["team_member"], inspection=a.inspection, **values)


def _import(world, survey, data):
    return survey_results_import(actor=world["a"].users["team_member"], survey=survey, data=data)


def _errors(world, survey, data) -> list[str]:
    with pytest.raises(ValidationError) as e:
        _import(world, survey, data)
    return e.value.message_dict["file"]


# Copies


def test_returned_cannot_exceed_handed_out(world):
    with pytest.raises(ValidationError) as e:
        _survey(world, returned=41)
    assert e.value.message_dict == {"returned": ["收回份数不能多于发放份数。"]}
    with pytest.raises(ValidationError) as e:
        _survey(world, kind="", title=" ", held_on=None, handed_out=None)
    assert e.value.message_dict == {
        "kind": ["请选择类型（问卷调查或民主测评）。"],
        "title": ["请填写名称。"],
        "held_on": ["请填写日期。"],
        "handed_out": ["请填写发放份数。"],
    }
    assert not Survey.objects.exists()


def test_the_page_form_answers_next_to_the_field(world, login):
    a = world["a"]
    r = login(a.users["team_member"]).post(
        f"/onsite/inspections/{a.inspection.pk}/surveys/",
        {"kind": "evaluation", "title": "民主测评", "held_on": "2026-01-08", "handed_out": "30", "returned": "31"},
    )
    assert r.status_code == 200 and "收回份数不能多于发放份数。" in r.content.decode()
    assert 'value="民主测评"' in r.content.decode()


# The import


def test_a_good_file_is_imported_with_shares_and_rates(world, login):
    survey = _survey(world)
    _import(world, survey, GOOD)
    survey.refresh_from_db()
    assert survey.results == {
        "options": ["好", "较好", "一般", "差"],
        "rows": [
            ["领导班子总体评价", 20, 10, 5, 3],
            ["落实全面从严治党主体责任", 15, 15, 6, 2],
            ["选人用人工作", 30, 6, 0, 0],
        ],
    }
    table = survey_table(survey)
    first = table.rows[0]
    assert table.rate_label == "好评率" and first.total == 38
    assert [share for _, share in first.cells] == ["52.6%", "26.3%", "13.2%", "7.9%"]
    assert first.rate == "78.9%" and table.rows[2].rate == "100.0%"
    event = AuditEvent.objects.get(action="survey.results_import", object_id=str(survey.pk))
    assert event.detail["items"] == 3 and event.detail["replaced"] is False
    page = login(world["a"].users["leading_group"]).get(f"/onsite/surveys/{survey.pk}/").content.decode()
    assert "落实全面从严治党主体责任" in page and "52.6%" in page and "好评率" in page and "78.9%" in page
    assert "导入统计结果" not in page  # the leading group reads only


def test_a_new_import_replaces_the_previous_results(world):
    survey = _survey(world)
    _import(world, survey, GOOD)
    _import(world, survey, xlsx(["问题", "满意", "基本满意", "不满意"], ["对本单位作风建设是否满意", 25, 10, 3]))
    survey.refresh_from_db()
    assert survey.results["options"] == ["满意", "基本满意", "不满意"] and len(survey.results["rows"]) == 1
    assert survey_table(survey).rows[0].rate == "65.8%"  # 满意 only: 基本满意 is not counted as favourable
    events = AuditEvent.objects.filter(action="survey.results_import").order_by("seq")
    assert [e.detail["replaced"] for e in events] == [False, True]


def test_bad_cells_are_named_by_row_and_column_and_nothing_is_written(world):
    survey = _survey(world)
    _import(world, survey, GOOD)
    bad = xlsx(
        HEADER,
        ["领导班子总体评价", 20, 10, 5, 3],
        ["落实全面从严治党主体责任", 15, -1, 6, 2],
        ["选人用人工作", 3.5, "很多", 0, 0],
        [None, 1, 1, 1, 1],
        ["领导班子总体评价", 1, 1, 1, 1],
        ["作风建设", 1, 1, 1, 1, 9],
    )
    assert _errors(world, survey, bad) == [
        "第 3 行“较好”列：须为不小于 0 的整数，现为“-1”。",
        "第 4 行“好”列：须为不小于 0 的整数，现为“3.5”。",
        "第 4 行“较好”列：须为不小于 0 的整数，现为“很多”。",
        "第 5 行“测评项目”列：不能为空。",
        "第 6 行“测评项目”列：“领导班子总体评价”与第 2 行重复。",
        "第 7 行第 F 列：该列没有列名（选项），请删除或补上列名。",
    ]
    survey.refresh_from_db()
    assert survey.results["rows"][0] == ["领导班子总体评价", 20, 10, 5, 3] and len(survey.results["rows"]) == 3
    assert AuditEvent.objects.filter(action="survey.results_import").count() == 1


def test_too_many_votes_for_the_copies_returned(world):
    survey = _survey(world, returned=30)
    errors = _errors(world, survey, GOOD)
    assert errors == [
        "第 2 行：“领导班子总体评价”各选项合计 38 份，多于收回的 30 份。",
        "第 3 行：“落实全面从严治党主体责任”各选项合计 38 份，多于收回的 30 份。",
        "第 4 行：“选人用人工作”各选项合计 36 份，多于收回的 30 份。",
    ]
    survey.refresh_from_db()
    assert survey.results == {}


def test_too_many_rows(world, settings):
    settings.XUNCHA = {**settings.XUNCHA, "IMPORT_MAX_ROWS": 5}
    survey = _survey(world)
    data = xlsx(HEADER, *[[f"项目{i}", 1, 0, 0, 0] for i in range(10)])
    assert _errors(world, survey, data) == ["行数过多：一次最多导入 5 行。"]
    survey.refresh_from_db()
    assert survey.results == {}


def test_a_wrong_header(world):
    survey = _survey(world)
    assert _errors(world, survey, xlsx(["姓名", "好", "", "差"], ["张三", 1, 1, 1])) == [
        "第 1 行第 A 列：应为“测评项目”或“问题”，现为“姓名”。请使用下载的模板。",
        "第 1 行第 C 列：选项名称不能为空。",
    ]
    assert _errors(world, survey, xlsx(["测评项目"], ["总体评价"])) == [
        "第 1 行：缺少选项列（如 好、较好、一般、差），请使用下载的模板。"
    ]
    assert _errors(world, survey, xlsx(HEADER)) == ["文件中没有测评项目行：请从第 2 行起每行填写一个项目。"]
    survey.refresh_from_db()
    assert survey.results == {}


@pytest.mark.parametrize(
    "data",
    [b"%PDF-1.4\n%%EOF\n", "测评项目,好,较好\n总体评价,1,2\n".encode(), b""],
    ids=["pdf", "csv renamed", "empty"],
)
def test_a_file_that_is_not_excel(world, data):
    survey = _survey(world)
    assert _errors(world, survey, data) == ["文件不是有效的 Excel 工作簿（.xlsx）。请用模板填写后上传。"]
    survey.refresh_from_db()
    assert survey.results == {}


def test_the_import_on_the_page(world, login):
    survey = _survey(world)
    client = login(world["a"].users["team_member"])
    url = f"/onsite/surveys/{survey.pk}/results/"
    bad = xlsx(HEADER, ["领导班子总体评价", 20, "x", 5, 3])
    r = client.post(url, {"file": SimpleUploadedFile("测评结果.xlsx", bad)})
    assert r.status_code == 200
    assert "第 2 行“较好”列：须为不小于 0 的整数，现为“x”。" in r.content.decode()
    r = client.post(url, {})
    assert "请选择要导入的 Excel 文件。" in r.content.decode()
    r = client.post(url, {"file": SimpleUploadedFile("测评结果.xlsx", GOOD)}, follow=True)
    assert "已导入 3 个项目的统计结果，原有结果已被替换。" in r.content.decode()
    assert "52.6%" in r.content.decode()


def test_returned_stays_above_the_imported_totals(world):
    survey = _survey(world)
    _import(world, survey, GOOD)
    with pytest.raises(ValidationError) as e:
        survey_update(actor=world["a"].users["office"], survey=survey, returned=37)
    assert e.value.message_dict == {
        "returned": ["已导入的统计结果中“领导班子总体评价”合计 38 份，收回份数不能少于此数。"]
    }
    survey_update(actor=world["a"].users["office"], survey=survey, handed_out=45, returned=39)
    survey.refresh_from_db()
    assert (survey.handed_out, survey.returned) == (45, 39)


def test_the_template_has_the_default_options_and_imports_once_filled(world, login):
    survey = _survey(world)
    r = login(world["a"].users["team_member"]).get("/onsite/surveys/template.xlsx")
    assert r.status_code == 200 and "attachment" in r["Content-Disposition"]
    wb = load_workbook(io.BytesIO(r.content))
    sheet = wb.worksheets[0]
    assert [c.value for c in sheet[1]] == HEADER
    # Example rows: the common items, counts left to fill; as downloaded, each is refused.
    examples = [r[0] for r in sheet.iter_rows(min_row=2, values_only=True) if r[0]]
    assert examples[:2] == ["领导班子总体评价", "贯彻落实党中央决策部署"] and len(examples) == 6
    assert sheet.column_dimensions["A"].width >= 2 * len("落实全面从严治党主体责任")
    refused = _errors(world, survey, r.content)
    assert refused[0] == (
        "第 2 行：“领导班子总体评价”各选项的份数都未填写。请填写份数（没有人选择的填 0）；不测评此项请整行删除。"
    )
    assert len(refused) == 6
    # Filled in: the first row's counts typed, the other examples deleted.
    for column, count in zip("BCDE", (20, 10, 5, 3), strict=True):
        sheet[f"{column}2"] = count
    sheet.delete_rows(3, 5)
    buf = io.BytesIO()
    wb.save(buf)
    _import(world, survey, buf.getvalue())
    survey.refresh_from_db()
    assert survey.results["rows"] == [["领导班子总体评价", 20, 10, 5, 3]]
    r = token_client(world["a"].users["team_member"]).get("/api/v1/surveys/template.xlsx?kind=questionnaire")
    assert r.status_code == 200
    assert [c.value for c in load_workbook(io.BytesIO(r.content)).worksheets[0][1]] == [
        "问题",
        "好",
        "较好",
        "一般",
        "差",
    ]


# The API


def test_api_surveys_and_import(world):
    a = world["a"]
    api = token_client(a.users["team_member"])
    body = {
        "inspection_id": a.inspection.pk,
        "kind": "evaluation",
        "title": "领导班子民主测评",
        "held_on": "2026-01-08",
        "handed_out": 40,
        "returned": 41,
    }
    r = api.post("/api/v1/surveys", body, content_type="application/json")
    assert r.status_code == 422 and r.json()["errors"] == {"returned": ["收回份数不能多于发放份数。"]}
    body["returned"] = 38
    r = api.post("/api/v1/surveys", body, content_type="application/json")
    assert r.status_code == 201
    survey_id = r.json()["id"]
    bad = xlsx(HEADER, ["领导班子总体评价", 20, 10, 5, 30])
    r = api.post(f"/api/v1/surveys/{survey_id}/results", {"file": SimpleUploadedFile("结果.xlsx", bad)})
    assert r.status_code == 422
    assert r.json()["errors"]["file"] == ["第 2 行：“领导班子总体评价”各选项合计 65 份，多于收回的 38 份。"]
    r = api.post(f"/api/v1/surveys/{survey_id}/results", {"file": SimpleUploadedFile("结果.xlsx", GOOD)})
    assert r.status_code == 200, r.content
    table = r.json()["table"]
    assert table["rate_label"] == "好评率" and table["rows"][0]["shares"][0] == "52.6%"
    assert table["rows"][0]["rate"] == "78.9%"
    listing = token_client(a.users["leading_group"]).get(f"/api/v1/surveys?inspection_id={a.inspection.pk}").json()
    assert listing["count"] == 1 and listing["items"][0]["results"]["rows"][0][0] == "领导班子总体评价"
    r = token_client(a.users["leading_group"]).post(
        f"/api/v1/surveys/{survey_id}/results", {"file": SimpleUploadedFile("结果.xlsx", GOOD)}
    )
    assert r.status_code == 403


def test_the_empty_list_says_what_to_do(world, login):
    a = world["a"]
    page = login(a.users["team_member"]).get(f"/onsite/inspections/{a.inspection.pk}/surveys/").content.decode()
    assert "尚无问卷调查或民主测评，点击“新增”登记发放和收回份数，再在页面填写或导入统计结果。" in page
    survey = _survey(world)
    page = login(a.users["team_member"]).get(f"/onsite/surveys/{survey.pk}/").content.decode()
    assert "尚无统计结果，请在下方直接填写，或下载模板填写后导入。" in page


def test_the_list_costs_the_same_for_more_surveys(world, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    a = world["a"]
    client, api = login(a.users["team_member"]), token_client(a.users["team_member"])
    urls = ((client, f"/onsite/inspections/{a.inspection.pk}/surveys/"), (api, "/api/v1/surveys"))

    def queries():
        counts = []
        for c, url in urls:
            with CaptureQueriesContext(connection) as ctx:
                assert c.get(url).status_code == 200
            counts.append(len(ctx))
        return counts

    for i in range(2):
        _import(world, _survey(world, title=f"测评{i}"), GOOD)
    queries()  # the first request of a session costs a few queries more
    few = queries()
    for i in range(10):
        _survey(world, title=f"问卷{i}", kind="questionnaire")
    assert queries() == few


# Counts typed on the page (issue 13)


def _enter_url(survey):
    return f"/onsite/surveys/{survey.pk}/results/enter/"


def test_the_page_offers_the_example_items_to_fill(world, login):
    survey = _survey(world)
    page = login(world["a"].users["team_member"]).get(f"/onsite/surveys/{survey.pk}/").content.decode()
    assert "在页面填写统计结果" in page
    for item in ("领导班子总体评价", "选人用人工作", "作风建设"):
        assert f'name="item" value="{item}"' in page
    for option in ("好", "较好", "一般", "差"):
        assert f'<input type="hidden" name="option" value="{option}">' in page


def test_counts_entered_on_the_page_become_the_results(world, login):
    survey = _survey(world)
    client = login(world["a"].users["team_member"])
    body = {
        "option": ["好", "较好", "一般", "差"],
        "item": ["领导班子总体评价", "作风建设", ""],
        "count_0": ["20", "15", ""],
        "count_1": ["10", "12", ""],
        "count_2": ["5", "", ""],
        "count_3": ["1", "0", ""],
    }
    r = client.post(_enter_url(survey), body, follow=True)
    page = r.content.decode()
    assert "已保存 2 个项目的统计结果，原有结果已被替换。" in page
    survey.refresh_from_db()
    assert survey.results == {
        "options": ["好", "较好", "一般", "差"],
        "rows": [["领导班子总体评价", 20, 10, 5, 1], ["作风建设", 15, 12, 0, 0]],
    }
    assert "好评率" in page and "83.3%" in page  # (20 + 10) / 36
    # The table comes back with what is stored, to correct.
    assert 'name="item" value="作风建设"' in page and 'name="item" value="选人用人工作"' not in page
    assert AuditEvent.objects.filter(action="survey.results_enter", object_id=str(survey.pk)).exists()


def test_wrong_counts_on_the_page_are_named_and_nothing_is_saved(world, login):
    survey = _survey(world, returned=30)
    client = login(world["a"].users["team_member"])
    body = {
        "option": ["好", "较好", "一般", "差"],
        "item": ["领导班子总体评价", "作风建设", "选人用人工作"],
        "count_0": ["20", "十", ""],
        "count_1": ["10", "1", ""],
        "count_2": ["5", "", ""],
        "count_3": ["1", "0", ""],
    }
    r = client.post(_enter_url(survey), body)
    page = r.content.decode()
    assert r.status_code == 200
    assert "第 1 项：“领导班子总体评价”各选项合计 36 份，多于收回的 30 份。" in page
    assert "第 2 项“好”列：须为不小于 0 的整数，现为“十”。" in page
    assert (
        "第 3 项：“选人用人工作”各选项的份数都未填写。请填写份数（没有人选择的填 0）；不测评此项请清空该项目名称。"
        in page
    )
    assert 'value="十"' in page  # what was typed comes back
    survey.refresh_from_db()
    assert not survey.results


def test_the_leading_group_cannot_enter_counts(world, login):
    survey = _survey(world)
    body = {"option": ["好"], "item": ["领导班子总体评价"], "count_0": ["3"]}
    r = login(world["a"].users["leading_group"]).post(_enter_url(survey), body)
    assert r.status_code == 403
    survey.refresh_from_db()
    assert not survey.results
