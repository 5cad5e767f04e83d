"""The office plans a round in a real browser: a new round, a target, a team, a conflict, coverage.

Uses the fixtures of ``test_registry_browser`` (Debian's chromium, the demo county in the
live server's database) and saves ``coverage.png`` and ``team-conflict.png``.
"""

import re

import pytest

from tests_browser.test_registry_browser import (  # noqa: F401  (fixtures)
    DESKTOP,
    Problems,
    _shot,
    browser,
    demo,
    expect,
)

pytestmark = [pytest.mark.browser]


def test_office_plans_a_round_and_sees_coverage_change(browser, demo, live_server):  # noqa: F811
    from planning.models import Inspector, InspectorDeclaration, Round
    from registry.models import Organization

    # 胡静 once worked on loan at 县统计局 and declared it: the check must find it.
    target = Organization.objects.get(name="县统计局")
    InspectorDeclaration.objects.create(
        inspector=Inspector.objects.get(name="胡静"), organization=target, reason="2023年曾借调县统计局工作"
    )

    page = browser.new_context(locale="zh-CN", viewport=DESKTOP).new_page()
    problems = Problems(page)
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "qh_office")
    page.fill("#id_password", demo["qh_office"])
    page.click("button[type=submit]")

    page.click("text=全覆盖进度")
    expect(page.locator("h1")).to_contain_text("届内巡察全覆盖")
    row = page.locator("tr", has_text="县统计局")
    expect(row).to_contain_text("未安排")
    expect(page.locator(".x-card", has_text="尚有")).to_contain_text("其中 11 个已列入计划")

    # A new round: the number follows on.
    page.fill("#id_entry_on", "2027-02-15")
    page.fill("#id_onsite_end_on", "2027-03-20")
    page.click("button:has-text('新增轮次')")
    expect(page.locator("h1")).to_have_text("十六届县委第8轮")
    assert Round.objects.filter(number=8).exists()

    # A target for it.
    page.select_option("#id_organization", label="县统计局")
    page.click("button:has-text('列入本轮')")
    expect(page.locator(".alert-success")).to_contain_text("已将“县统计局”列入第8轮")

    # A team, given the target, and a person with a conflict.
    page.fill("input[name=name]", "第五巡察组")
    page.click("button:has-text('新增巡察组')")
    expect(page.locator("h1")).to_contain_text("第五巡察组")
    page.click("button:has-text('交由本组巡察')")
    expect(page.locator(".x-card", has_text="巡察对象")).to_contain_text("县统计局")
    page.select_option("#id_inspector", label="胡静")
    page.click("button:has-text('加入本组')")
    warning = page.locator(".alert-warning")
    expect(warning).to_contain_text("本人申报：2023年曾借调县统计局工作")
    _shot(page, "team-conflict.png")
    page.fill("#id_decision_reason", "借调时间短且已结束，经巡察办研究同意参加")
    page.click("button:has-text('加入本组')")
    expect(page.locator(".alert-success")).to_contain_text("已将胡静加入第五巡察组")
    expect(page.locator("tr", has_text="胡静")).to_contain_text("经研究同意")

    # The preparation documents of the new inspection: the notice downloads as Word; the
    # authorisation decision waits for a leader, and says so.
    page.click(".x-card >> text=县统计局")
    expect(page.locator("h2", has_text="准备阶段文书")).to_be_visible()
    with page.expect_download() as info:
        page.locator("tr", has_text="巡察公告").locator("a", has_text="下载 Word").click()
    download = info.value
    assert download.suggested_filename == "县统计局-巡察公告.docx"
    from docx import Document

    text = "\n".join(p.text.replace("\n", "") for p in Document(download.path()).paragraphs)  # titles in lines
    assert "中共青禾县委第五巡察组关于巡察县统计局党组织的公告" in text
    assert "2027年2月15日至2027年3月20日" in text
    page.locator("tr", has_text="组长授权任职及任务分工的决定").locator("a", has_text="下载 Word").click()
    expect(page.locator(".alert-danger")).to_contain_text("第五巡察组尚未确定组长，不能生成组长授权任职决定。")
    _shot(page, "inspection-documents.png")

    # Coverage now counts 县统计局 as planned in round eight.
    page.click("text=全覆盖进度")
    expect(page.locator("tr", has_text="县统计局")).to_contain_text("已列入第8轮")
    expect(page.locator(".x-card", has_text="尚有")).to_contain_text("其中 12 个已列入计划")
    expect(page.locator(".x-card", has_text="尚有")).to_contain_text(re.compile("第7、8轮"))
    _shot(page, "coverage.png")
    assert problems.items == []
