"""Data comparison in a real browser (issue 12): the data officer uploads two departments' files,
fixes the one column the guesser did not know, runs a rule and watches its progress, confirms a
hit to an inspection; a member of that inspection's team finds it on the desk and cites its
evidence in a working paper.

The run is queued for the background worker (the database backend of ``settings.TASKS``, as in
production); the test runs that worker (``manage.py db_worker --batch``) while the run's page is
open and checks that the page's polling turns 排队中 into 已完成 without a reload.

Saves ``comparison-mapping.png``, ``comparison-run.png`` and ``comparison-desk.png``.
"""

import signal

import pytest
from django.core.management import call_command
from django.utils import timezone

from demo.comparison import REGION, _csv, _id
from tests_browser.test_onsite_browser import _login
from tests_browser.test_registry_browser import (  # noqa: F401  (fixtures)
    Problems,
    _shot,
    browser,
    demo,
    expect,
)

pytestmark = [pytest.mark.browser]

RULE = "财政供养人员违规享受低保、特困"
WELFARE_SOURCE = "县民政局救助对象名单"
PAYROLL_SOURCE = "县财政局在编人员名单"
START_HEADER = "救助开始日期"  # not among fields.FIELDS' headers: the officer maps it by hand

# People of this test's own files, none of them in the demo's.
ZOU = _id(f"{REGION}19790615031")  # 邹立新: 低保 since 2022, on 县委办公室's payroll since 2018 (the hit confirmed)
GONG15 = f"{REGION}830914062"  # 龚雪梅's old 15-digit ID, as civil affairs keeps it
GONG = _id(f"{REGION}19830914062")  # the same person on the payroll (a hit, left to review)
QIAN = _id(f"{REGION}19700308042")  # 钱玉珍: 特困 ended before she joined the payroll (not a hit)
SUN = _id(f"{REGION}19661001011")  # 孙国庆: 低保, not on the payroll (not a hit)
YAN = _id(f"{REGION}19770520071")  # 严志远: on the payroll only

WELFARE_FILE = (
    "救助对象名单（2025年3月）.csv",
    ["序号", "姓名", "性别", "出生日期", "身份证号码", "救助类别", "乡镇", START_HEADER, "享受终止时间"],
    [
        ["1", "邹立新", "男", "1979-06-15", ZOU, "低保", "青禾镇", "2022年4月1日", ""],
        ["2", "龚雪梅", "女", "1983-09-14", GONG15, "低保", "石门镇", "2023/1/1", ""],
        ["3", "钱玉珍", "女", "1970-03-08", QIAN, "特困", "柳溪乡", "2019-01-01", "2020-06-30"],
        ["4", "孙国庆", "男", "1966-10-01", SUN, "低保", "白云乡", "2021-07-01", ""],
    ],
)
PAYROLL_FILE = (
    "在编人员信息（2025年）.csv",
    ["姓名", "身份证号", "工作单位", "入职日期", "离职日期"],
    [
        ["邹立新", ZOU, "县委办公室", "2018-03-01", ""],
        ["龚雪梅", GONG, "县人民医院", "2016-08-01", ""],
        ["钱玉珍", QIAN, "县农业农村局", "2021-05-01", ""],
        ["严志远", YAN, "县财政局", "2009-09-01", ""],
    ],
)


def _write(tmp_path, spec, encoding):
    """The file as the department hands it over, on disk for the page's file input."""
    name, headers, rows = spec
    path = tmp_path / "uploads" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(_csv(headers, rows).decode("utf-8-sig").encode(encoding))
    return path


def _upload(page, base, *, source, department, path):
    page.goto(f"{base}/comparison/datasets/upload/")
    page.fill("#id_source", source)
    page.fill("#id_department", department)
    page.set_input_files("#id_file", str(path))
    page.click("button:has-text('上传并检查')")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"确认数据集 · {path.name}")


def _section(page, heading):
    """The card titled ``heading``."""
    return page.locator("section.x-card").filter(has=page.get_by_role("heading", name=heading, exact=True))


def _worker():
    """What ``make run`` starts beside the server: run every queued task, then stop.

    The command installs its own SIGINT/SIGTERM handlers (for a graceful stop); pytest's are
    put back afterwards."""
    kept = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    finally:
        for s, handler in kept.items():
            signal.signal(s, handler)


def test_officer_compares_and_the_team_cites_the_hit(browser, demo, live_server, tmp_path):  # noqa: F811
    from comparison.models import Dataset, Hit, Run
    from onsite.models import WorkingPaper
    from planning.models import Inspection

    base = live_server.url
    xwb = Inspection.objects.get(
        authority__code="MH-QH", round__number=7, organization__code="D001", kind="regular"
    )  # round seven's inspection of 县委办公室, qh_member's
    officer = _login(browser, live_server, demo, "qh_data")
    problems = Problems(officer)

    # 1. The civil-affairs list (GB18030): one header the guesser does not know.
    welfare = _write(tmp_path, WELFARE_FILE, "gb18030")
    _upload(officer, base, source=WELFARE_SOURCE, department="县民政局", path=welfare)
    expect(officer.locator(".x-page-title")).to_contain_text("编码：GBK/GB18030")
    start = officer.get_by_label(START_HEADER, exact=True)
    expect(start).to_have_value("")  # 不使用
    expect(officer.get_by_label("享受终止时间", exact=True)).to_have_value("end_date")
    expect(officer.get_by_label("身份证号码", exact=True)).to_have_value("id_number")
    report = _section(officer, "校验结果")
    expect(report.locator(".x-figure", has_text="读取行数")).to_contain_text("4")
    expect(report.locator("tr", has_text="15 位已升级为 18 位").locator("td").nth(1)).to_have_text("1")
    expect(report.locator("p", has_text="未使用的列")).to_have_text(f"未使用的列：序号、{START_HEADER}")
    expect(report.locator("tr", has_text="起始日期")).to_have_count(0)

    start.select_option(label="起始日期")
    officer.click("button:has-text('按此对应关系重新检查')")
    start = officer.get_by_label(START_HEADER, exact=True)
    expect(start).to_have_value("start_date")
    dates = report.locator("tr", has_text="起始日期")
    expect(dates.locator("td").nth(1)).to_have_text("4")  # 已识别: 2022年4月1日, 2023/1/1, …
    expect(dates.locator("td").nth(2)).to_have_text("0")
    expect(report.locator("p", has_text="未使用的列")).to_have_text("未使用的列：序号")
    _shot(officer, "comparison-mapping.png", full_page=True)
    officer.click("button:has-text('确认并保存')")
    expect(officer.locator(".alert-success")).to_contain_text(f"已保存“{WELFARE_SOURCE}”第 1 版，共 4 行。")
    stored = Dataset.objects.get(source__authority=xwb.authority, source__name=WELFARE_SOURCE)
    assert stored.source.mapping[START_HEADER] == "start_date"

    # 2. The payroll (UTF-8): every header known, confirmed as guessed.
    payroll = _write(tmp_path, PAYROLL_FILE, "utf-8")
    _upload(officer, base, source=PAYROLL_SOURCE, department="县财政局", path=payroll)
    expect(officer.locator(".x-page-title")).to_contain_text("编码：UTF-8")
    expect(officer.get_by_label("入职日期", exact=True)).to_have_value("start_date")
    expect(officer.get_by_label("工作单位", exact=True)).to_have_value("unit")
    officer.click("button:has-text('确认并保存')")
    expect(officer.locator(".alert-success")).to_contain_text(f"已保存“{PAYROLL_SOURCE}”第 1 版，共 4 行。")

    # 3. A run of the standard rule over the two: queued, shown so, until the worker takes it.
    officer.goto(f"{base}/comparison/runs/new/")
    officer.select_option("#id_rule", label=f"{RULE}（第1版）")
    officer.click("button:has-text('选择')")
    officer.select_option("#id_role_welfare", label=f"{WELFARE_SOURCE}（第1版）")
    officer.select_option("#id_role_payroll", label=f"{PAYROLL_SOURCE}（第1版）")
    officer.click("button:has-text('开始比对')")
    expect(officer.locator(".alert-success")).to_contain_text(f"已提交比对任务“{RULE}”，进度见下方。")
    run = Run.objects.filter(authority=xwb.authority).latest("pk")
    assert run.status == Run.Status.QUEUED
    progress = officer.locator("#run-progress")
    expect(progress.locator(".x-tag")).to_have_text("排队中")
    expect(progress).to_contain_text("排队中，等待后台运行…")
    expect(progress.get_by_role("progressbar", name="比对进度")).to_be_visible()

    officer.evaluate("window.__sameDocument = true")
    polls = []
    officer.on("response", lambda r: polls.append(r) if r.url.endswith(f"/runs/{run.pk}/progress/") else None)
    with officer.expect_response(lambda r: r.url.endswith(f"/runs/{run.pk}/progress/")) as first:
        pass  # the page polls every 2 s while the run is queued
    assert "排队中" in first.value.text()

    _worker()
    run.refresh_from_db()
    assert run.status == Run.Status.DONE and run.hit_count == 2, (run.status, run.error)
    expect(progress.locator(".x-tag")).to_have_text("已完成")
    expect(progress.locator(".x-figure", has_text="命中")).to_contain_text("2")
    expect(progress.locator(".x-figure", has_text="精确匹配")).to_contain_text("2")
    expect(progress.get_by_role("progressbar")).to_have_count(0)
    expect(progress).to_contain_text(f"结束于 {timezone.localtime(run.finished_at):%Y-%m-%d %H:%M:%S}")
    assert officer.evaluate("window.__sameDocument") is True, "the run's page was reloaded, not updated in place"
    assert polls and all(p.request.headers.get("hx-request") == "true" for p in polls)
    _shot(officer, "comparison-run.png", full_page=True)

    # 4. The hits: 邹立新 confirmed to round seven's inspection of 县委办公室.
    progress.get_by_role("link", name="查看命中结果").click()
    rows = officer.locator("table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="龚雪梅")).to_contain_text(GONG)  # found by the 15-digit ID, upgraded
    zou = rows.filter(has_text="邹立新")
    expect(zou).to_contain_text("待研判")
    zou.get_by_role("link", name="邹立新").click()
    expect(officer.locator("body")).to_contain_text("精确匹配（身份证号一致）")
    expect(_section(officer, "证据")).to_contain_text("县委办公室")
    choice = officer.locator("#id_inspection")
    choice.select_option(value=str(xwb.pk))
    expect(choice.locator("option:checked")).to_have_text(str(xwb))
    officer.fill("#id_note", "请核实邹立新2022年4月起享受低保期间在县委办公室任职的情况。")
    officer.click("button:has-text('确认并移交')")
    expect(officer.locator(".alert-success")).to_contain_text(f"已将线索移交“{xwb}”")
    expect(officer.locator(".x-page-title .x-tag")).to_have_text("已移交巡察组")
    hit = Hit.objects.get(run=run, name="邹立新")
    assert hit.state == Hit.State.CONFIRMED and hit.inspection_id == xwb.pk and hit.attachment_id
    assert Hit.objects.get(run=run, name="龚雪梅").state == Hit.State.NEW

    # 5. The team member: the lead on the desk, then a working paper citing its evidence.
    member = _login(browser, live_server, demo, "qh_member")
    member_problems = Problems(member)
    member.goto(f"{base}/onsite/inspections/{xwb.pk}/")
    card = member.locator("section.x-card", has=member.get_by_role("heading", name="数据比对线索（待核实）"))
    lead = card.get_by_role("link", name=f"邹立新 · {RULE}")
    expect(lead).to_be_visible()
    _shot(member, "comparison-desk.png", full_page=True)
    lead.click()
    expect(member.get_by_role("heading", level=1)).to_have_text(f"邹立新 · {RULE}")
    expect(member.locator(".x-page-title .x-tag")).to_have_text("待核实")
    expect(member.locator("body")).to_contain_text("请核实邹立新2022年4月起享受低保期间在县委办公室任职的情况。")
    member.get_by_role("link", name="据此起草工作底稿").click()
    expect(member.get_by_role("heading", level=1)).to_have_text("新增底稿")
    attachment = hit.attachment
    cited = member.get_by_label(attachment.name, exact=False)
    expect(cited).to_be_checked()
    checked = member.locator("input[name=attachments]:checked")
    expect(checked).to_have_count(1)  # the demo's leads (周德明, 施建华) are offered, not cited
    title = "县委办公室干部邹立新违规享受低保"
    member.fill("#id_title", title)
    member.fill("#id_facts", "经数据比对，邹立新自2018年3月在县委办公室任职，2022年4月起同时享受城乡低保，至今未停发。")
    member.fill("#id_rule", "《社会救助暂行办法》第十一条")
    member.click("button:has-text('保存')")
    expect(member.locator(".alert-success")).to_contain_text("底稿已保存为草稿")
    evidence = _section(member, "证据")
    expect(evidence.get_by_role("link", name=attachment.name)).to_be_visible()
    expect(evidence).not_to_contain_text("尚未关联证据")
    paper = WorkingPaper.objects.get(inspection=xwb, title=title)
    assert list(paper.attachments.values_list("pk", flat=True)) == [attachment.pk]
    assert paper.author.username == "qh_member"

    assert problems.items == [] and member_problems.items == []
