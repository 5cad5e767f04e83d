"""The rectification ledger (整改台账): the filtered list and its export, the plan's ledger in
the offices' columns with formula-looking text kept as text, and the unit's import of
progress: the round trip through a real .xlsx, all or nothing, errors named in Chinese."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from conftest import token_client
from core import menu
from core.models import AuditEvent
from rectification import tasks as task_services
from rectification.ledger import COLUMNS
from rectification.models import ProgressReport, RectificationTask
from rectification.tests.factories import pdf, plan, progress

pytestmark = pytest.mark.django_db
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# Helpers: what a user does with the file ------------------------------------------------------


def tasks_of(p):
    return list(RectificationTask.objects.filter(plan=p).order_by("number"))


def download(client, p) -> bytes:
    r = client.get(f"/rectification/plans/{p.pk}/ledger.xlsx")
    assert r.status_code == 200, r.content[:300]
    assert r["Content-Type"] == XLSX_TYPE
    return r.content


def sheet(data: bytes):
    return load_workbook(io.BytesIO(data)).worksheets[0]


def header(ws) -> list:
    return [c.value for c in ws[2]]


def edit(data: bytes, changes: dict) -> bytes:
    """Open the ledger with openpyxl and type into cells, as a user would in Excel:
    ``changes`` maps a task id to {column name: new value}."""
    wb = load_workbook(io.BytesIO(data))
    ws = wb.worksheets[0]
    names = header(ws)
    id_col = names.index("任务编号") + 1
    for row in range(3, ws.max_row + 1):
        task_id = ws.cell(row=row, column=id_col).value
        for column, value in changes.get(task_id, {}).items():
            ws.cell(row=row, column=names.index(column) + 1, value=value)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def upload(client, p, data: bytes, name="整改台账.xlsx"):
    return client.post(
        f"/rectification/plans/{p.pk}/ledger/import/", {"file": SimpleUploadedFile(name, data, content_type=XLSX_TYPE)}
    )


def confirm(client, p, preview):
    token = preview.context["token"]
    return client.post(f"/rectification/plans/{p.pk}/ledger/import/", {"confirm": "1", "token": token})


def with_evidence(world, task, text="已起草制度初稿。"):
    """Earlier progress with a file, so the unit may later ask to close the task."""
    return task_services.task_progress(
        actor=world["a"].users["unit_liaison"], task=task, text=text, completed=False, uploads=[pdf()]
    )


# The export ---------------------------------------------------------------------------------


def test_the_plans_ledger_has_the_offices_columns_title_and_dates(world, login):
    p = plan(world)
    first, second = tasks_of(p)
    progress(world, first, completed=True)
    task_services.task_verify(actor=world["a"].users["office"], task=first)
    ws = sheet(download(login(world["a"].users["office"]), p))
    assert header(ws) == COLUMNS
    title = ws["A1"].value
    assert world["a"].orgs["dept"].name in title and f"{timezone.localdate().year}年" in title
    assert ws.freeze_panes == "A3"
    assert ws.column_dimensions["C"].width >= 30 and ws["C3"].alignment.wrap_text
    rows = {r[-1]: r for r in ws.iter_rows(min_row=3, values_only=True)}
    done, open_ = rows[first.pk], rows[second.pk]
    assert done[:4] == (1, "公务接待超标准", first.measure, "集中整改")
    assert done[4] == datetime.datetime.combine(first.deadline, datetime.time())  # a date, not text
    assert ws["E3"].is_date and ws["K3"].is_date
    assert done[5:] == ("王书记", "办公室", "已完成制度修订。", "是", "已销号", done[10], first.pk)
    assert done[10].date() == timezone.localdate()
    assert open_[8:11] == ("否", "整改中", None)
    assert AuditEvent.objects.filter(action="rectification_ledger.export").count() == 1


def test_text_that_looks_like_a_formula_is_written_as_text(world, login):
    p = plan(world)
    first, second = tasks_of(p)
    RectificationTask.objects.filter(pk=first.pk).update(measure="=1+1", progress="-减少接待次数")
    RectificationTask.objects.filter(pk=second.pk).update(measure="+86 电话督办", progress="@全体 按期整改")
    data = download(login(world["a"].users["office"]), p)
    ws = sheet(data)
    cells = {c.value: c for row in ws.iter_rows(min_row=3) for c in row if isinstance(c.value, str)}
    for text in ("=1+1", "-减少接待次数", "+86 电话督办", "@全体 按期整改"):
        assert cells[text].data_type == "s", text
        assert cells[text].value == text
    # What a spreadsheet program stores: text, not a formula element.
    import zipfile

    xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml
    # Imported back untouched, nothing changes.
    unit = login(world["a"].users["unit_liaison"])
    r = upload(unit, p, download(unit, p))
    assert r.status_code == 200 and r.context["result"].ok and not r.context["result"].changes
    assert "没有需要更新的内容" in r.content.decode()


# The round trip -------------------------------------------------------------------------------


def test_round_trip_export_edit_import_changes_progress_and_status(world, login):
    p = plan(world)
    first, second = tasks_of(p)
    with_evidence(world, first)
    unit = login(world["a"].users["unit_liaison"])
    data = edit(
        download(unit, p),
        {
            first.pk: {"整改进展": "已修订公务接待管理办法并印发执行。", "申请销号": "是"},
            second.pk: {"整改进展": "已制定“三重一大”议事规则，正在组织学习。"},
        },
    )
    preview = upload(unit, p, data)
    page = preview.content.decode()
    assert preview.status_code == 200 and "检查通过" in page
    assert "已修订公务接待管理办法并印发执行。" in page and "新申请" in page
    # Nothing is written before the unit confirms.
    assert RectificationTask.objects.get(pk=first.pk).status == "in_progress"
    assert not AuditEvent.objects.filter(action="rectification_ledger.import").exists()

    done = confirm(unit, p, preview)
    assert done.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.progress) == ("reported", "已修订公务接待管理办法并印发执行。")
    assert (second.status, second.progress) == ("in_progress", "已制定“三重一大”议事规则，正在组织学习。")
    assert first.progress_reports.first().completed and first.progress_on == timezone.localdate()
    event = AuditEvent.objects.get(action="rectification_ledger.import")
    assert event.detail["updated"] == [1, 2] and event.detail["completed"] == [1]

    ledger = unit.get(done.url)
    text = ledger.content.decode()
    assert "导入完成：更新 2 项整改任务的进展（其中申请销号 1 项）" in text
    assert "待核验" in text and "已制定“三重一大”议事规则" in text

    # A blank 申请销号 with new progress keeps the task waiting for the office's check.
    blank = edit(download(unit, p), {first.pk: {"整改进展": "补充说明：制度已上墙公示。", "申请销号": None}})
    assert confirm(unit, p, upload(unit, p, blank)).status_code == 302
    first.refresh_from_db()
    assert (first.status, first.progress) == ("reported", "补充说明：制度已上墙公示。")
    data = download(unit, p)

    # The same file again changes nothing; the confirmed file is gone.
    again = upload(unit, p, data)
    assert not again.context["result"].changes and again.context["result"].unchanged == 2
    assert ProgressReport.objects.filter(task__plan=p).count() == 4
    stale = unit.post(
        f"/rectification/plans/{p.pk}/ledger/import/", {"confirm": "1", "token": preview.context["token"]}
    )
    assert stale.status_code == 302
    assert "待导入的文件已失效" in unit.get(stale.url).content.decode()


def test_one_bad_row_among_good_ones_writes_nothing_and_names_the_row(world, login):
    p = plan(world)
    first, second = tasks_of(p)
    other = tasks_of(plan(world, "b"))[0]
    unit = login(world["a"].users["unit_liaison"])
    wb = load_workbook(io.BytesIO(edit(download(unit, p), {first.pk: {"整改进展": "已整改到位。"}})))
    ws = wb.worksheets[0]
    # Row 4 (the second task): a bad 是/否; row 5: a task of another plan.
    ws["H4"], ws["I4"] = "正在推进。", "可以"
    ws.append([3, "其他问题", "措施", "集中整改", None, "李", "办", "进展", "否", "整改中", None, other.pk])
    buf = io.BytesIO()
    wb.save(buf)
    before = ProgressReport.objects.count()

    r = upload(unit, p, buf.getvalue())
    page = r.content.decode()
    assert r.status_code == 200 and "文件未导入" in page and 'name="confirm"' not in page
    errors = {(e.row, e.column): e.message for e in r.context["result"].errors}
    assert set(errors) == {(4, "申请销号"), (5, "任务编号")}
    assert "“可以”无效，只能填写“是”或“否”" in errors[(4, "申请销号")]
    assert "不是本整改方案的任务" in errors[(5, "任务编号")]
    assert "第 4 行" in page and "第 5 行" in page
    assert ProgressReport.objects.count() == before
    first.refresh_from_db()
    assert first.progress == "" and first.status == "in_progress"
    assert not AuditEvent.objects.filter(action="rectification_ledger.import").exists()


def test_every_kind_of_bad_row_is_named(world, login):
    p = plan(world)
    first, second = tasks_of(p)
    progress(world, first, completed=True)
    task_services.task_verify(actor=world["a"].users["office"], task=first)
    unit = login(world["a"].users["unit_liaison"])
    data = download(unit, p)
    # A verified task cannot take new progress; 申请销号 needs progress text.
    r = upload(
        unit, p, edit(data, {first.pk: {"整改进展": "再补充一点。"}, second.pk: {"整改进展": None, "申请销号": "是"}})
    )
    errors = {(e.row, e.column): e.message for e in r.context["result"].errors}
    assert "销号，不能再更新进展" in errors[(3, "整改进展")]
    assert "申请销号须填写整改进展" in errors[(4, "整改进展")]
    # 申请销号 without any evidence so far: refused, as the service refuses it.
    r = upload(unit, p, edit(data, {second.pk: {"整改进展": "已完成。", "申请销号": "是"}}))
    assert [(e.row, e.column) for e in r.context["result"].errors] == [(4, "申请销号")]
    assert "佐证材料" in r.context["result"].errors[0].message
    # Too long; an empty or duplicated task id.
    wb = load_workbook(io.BytesIO(edit(data, {second.pk: {"整改进展": "长" * 5001}})))
    ws = wb.worksheets[0]
    ws.append([9, "x", "y", None, None, None, None, "进展", "否", None, None, None])
    ws.append([9, "x", "y", None, None, None, None, "进展二", "否", None, None, second.pk])
    buf = io.BytesIO()
    wb.save(buf)
    errors = {(e.row, e.column): e.message for e in upload(unit, p, buf.getvalue()).context["result"].errors}
    assert "不能超过 5000 字（现有 5001 字）" in errors[(4, "整改进展")]
    assert "任务编号为空" in errors[(5, "任务编号")]
    assert "与第 4 行重复" in errors[(6, "任务编号")]
    assert second.progress_reports.count() == 0


def test_files_that_are_not_a_ledger_are_refused(world, login, settings):
    p = plan(world)
    unit = login(world["a"].users["unit_liaison"])
    r = upload(unit, p, b"not a workbook", name="台账.xls")
    assert "只能上传 .xlsx 格式" in r.content.decode()
    r = upload(unit, p, b"PK\x03\x04 broken")
    assert "整个文件" in r.content.decode() and not r.context["result"].ok
    wb = Workbook()
    wb.active.append(["序号", "问题"])
    buf = io.BytesIO()
    wb.save(buf)
    assert "找不到“任务编号”列" in upload(unit, p, buf.getvalue()).content.decode()
    wb = Workbook()
    wb.active.append(["任务编号", "整改进展", "申请销号"])
    for i in range(1001):
        wb.active.append([i + 1, "进展", "否"])
    buf = io.BytesIO()
    wb.save(buf)
    assert "一次最多导入 1000 行" in upload(unit, p, buf.getvalue()).content.decode()


def test_only_the_units_liaison_imports_and_only_an_approved_plan(world, login):
    p = plan(world)
    data = download(login(world["a"].users["office"]), p)
    assert upload(login(world["a"].users["office"]), p, data).status_code == 403
    assert login(world["a"].users["office"]).get(f"/rectification/plans/{p.pk}/ledger/import/").status_code == 403
    assert upload(login(world["b"].users["unit_liaison"]), p, data).status_code == 404
    assert upload(login(world["a"].users["team_leader"]), p, data).status_code == 403
    draft = plan(world, "b", status="submitted")
    b_unit = login(world["b"].users["unit_liaison"])
    r = upload(b_unit, draft, download(b_unit, draft))
    assert "整改方案待审核，批准后才能导入整改进展" in r.content.decode()


# The ledger page and its filters --------------------------------------------------------------


def test_the_page_and_its_export_follow_the_filter(world, login):
    p = plan(world)
    first, second = tasks_of(p)
    RectificationTask.objects.filter(pk=first.pk).update(
        deadline=timezone.localdate() - datetime.timedelta(days=3), responsible_office="县委办"
    )
    office = login(world["a"].users["office"])
    page = office.get("/rectification/ledger/").content.decode()
    assert first.measure in page and second.measure in page and "已逾期" in page

    def shown(query):
        text = office.get(f"/rectification/ledger/?{query}").content.decode()
        return {t.measure for t in (first, second) if t.measure in text}

    def exported(query):
        r = office.get(f"/rectification/ledger/export.xlsx?{query}")
        assert r["Content-Type"] == XLSX_TYPE
        values = {c for row in sheet(r.content).iter_rows(min_row=3, values_only=True) for c in row}
        return {t.measure for t in (first, second) if t.measure in values}

    for query, expected in (
        ("phase=ongoing", {second.measure}),
        ("overdue=on", {first.measure}),
        ("office=县委办", {first.measure}),
        ("q=三重一大", {second.measure}),
        (f"organization={world['a'].orgs['dept'].pk}&status=in_progress", {first.measure, second.measure}),
        (f"round={world['a'].inspection.round_id}&status=verified", set()),
    ):
        assert shown(query) == expected, query
        assert exported(query) == expected, query
    assert "没有符合条件的整改任务" in office.get("/rectification/ledger/?status=verified").content.decode()
    # The export carries the unit's name in its title when one unit is shown.
    ws = sheet(office.get("/rectification/ledger/export.xlsx?phase=ongoing").content)
    assert world["a"].orgs["dept"].name in ws["A1"].value
    # County B sees nothing of county A, on the page or in the file.
    other = login(world["b"].users["office"])
    assert first.measure not in other.get("/rectification/ledger/").content.decode()
    ws = sheet(other.get("/rectification/ledger/export.xlsx").content)
    assert ws.max_row <= 2


def test_the_units_ledger_offers_download_and_import_and_links_tasks(world, login):
    p = plan(world)
    unit = login(world["a"].users["unit_liaison"])
    page = unit.get("/rectification/ledger/").content.decode()
    assert f"/rectification/plans/{p.pk}/ledger.xlsx" in page
    assert f"/rectification/plans/{p.pk}/ledger/import/" in page
    # Each row links to its task's page (another part's page: only the link is checked).
    first = tasks_of(p)[0]
    assert f'href="{reverse("rectification:task", args=[first.pk])}"' in page
    office_page = login(world["a"].users["office"]).get("/rectification/ledger/").content.decode()
    assert f"/rectification/plans/{p.pk}/ledger/import/" not in office_page
    assert login(world["a"].users["nobody"]).get("/rectification/ledger/").status_code == 403


def test_menu_entry_for_those_who_see_tasks(world):
    labels = lambda user: [i.label for _, items in menu.menu_for(user) for i in items]  # noqa: E731
    assert "整改台账" in labels(world["a"].users["office"])
    assert "整改台账" in labels(world["a"].users["unit_liaison"])
    assert "整改台账" not in labels(world["a"].users["nobody"])


# The API contract ------------------------------------------------------------------------------


def test_api_exports_and_imports_the_ledger(world):
    p = plan(world)
    first, second = tasks_of(p)
    unit = token_client(world["a"].users["unit_liaison"])
    r = unit.get(f"/api/v1/rectification-plans/{p.pk}/ledger.xlsx")
    assert r.status_code == 200 and r["Content-Type"] == XLSX_TYPE
    assert header(sheet(r.content)) == COLUMNS
    data = edit(r.content, {second.pk: {"整改进展": "已完成议事规则修订。"}})
    url = f"/api/v1/rectification-plans/{p.pk}/ledger"

    dry = unit.post(f"{url}?dry_run=true", {"file": SimpleUploadedFile("台账.xlsx", data)})
    assert dry.status_code == 200 and dry.json()["dry_run"] and dry.json()["updated"] == 1
    assert RectificationTask.objects.get(pk=second.pk).progress == ""

    r = unit.post(url, {"file": SimpleUploadedFile("台账.xlsx", data)})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body.pop("ignored_columns")[:2] == ["序号", "问题"] and body.pop("warnings") == []
    assert body == {
        "dry_run": False,
        "updated": 1,
        "completed": 0,
        "unchanged": 1,
        "rows": [{"row": 4, "task_id": second.pk, "number": 2, "completed": False}],
    }
    assert RectificationTask.objects.get(pk=second.pk).progress == "已完成议事规则修订。"

    bad = unit.post(url, {"file": SimpleUploadedFile("台账.xlsx", edit(data, {first.pk: {"申请销号": "对"}}))})
    assert bad.status_code == 422
    assert bad.json()["errors"]["rows"] == ["第 3 行“申请销号”列：“对”无效，只能填写“是”或“否”。"]
    missing = unit.post(url)
    assert missing.status_code == 422 and "请上传整改台账" in missing.json()["errors"]["file"][0]

    assert (
        token_client(world["a"].users["office"]).post(url, {"file": SimpleUploadedFile("t.xlsx", data)}).status_code
        == 403
    )
    assert (
        token_client(world["b"].users["unit_liaison"])
        .post(url, {"file": SimpleUploadedFile("t.xlsx", data)})
        .status_code
        == 404
    )
    assert token_client(world["b"].users["office"]).get(f"{url}.xlsx").status_code == 404


def test_odd_filter_input_never_breaks_the_page_or_the_export(world, login):
    plan(world)
    office = login(world["a"].users["office"])
    for query in (
        "round=99999999999999999999999",
        "organization=abc&status=x&office=无此部门&overdue=maybe",
        "q=" + "查" * 300,
    ):
        assert office.get(f"/rectification/ledger/?{query}").status_code == 200
        assert office.get(f"/rectification/ledger/export.xlsx?{query}").status_code == 200
    assert office.get("/rectification/plans/99999999999999999999999/ledger.xlsx").status_code == 404


def test_tasks_of_a_plan_not_yet_approved_read_as_waiting_for_approval(world, login):
    p = plan(world, status="submitted")
    office = login(world["a"].users["office"])
    page = office.get("/rectification/ledger/").content.decode()
    assert "待方案批准" in page
    ws = sheet(office.get(f"/rectification/plans/{p.pk}/ledger.xlsx").content)
    states = [row[header(ws).index("状态")] for row in ws.iter_rows(min_row=3, values_only=True) if row[0]]
    assert states and set(states) == {"待方案批准"}
