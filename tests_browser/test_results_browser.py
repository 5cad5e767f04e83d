"""Results in a real browser: the team's report goes through the whole approval chain, the
office gives feedback, the unit acknowledges it and reads its findings, a lead is transferred
to the discipline commission, which confirms receipt and answers with the outcome.

Saves ``report-chain.png``, ``unit-feedback.png`` and ``transfer-outcome.png``.
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


def _as(browser, live_server, demo, username, problems, shown_errors=False):  # noqa: F811
    page = browser.new_context(locale="zh-CN", viewport=DESKTOP).new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    problems.append(Problems(page, shown_errors))
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", demo[username])
    page.click("button[type=submit]")
    return page


def _decide(page, url, today, results_use=()):
    page.goto(url)
    page.check("#decision-approved")
    page.fill("#id_decided_on", today)
    for value in results_use:
        page.check(f"#use-{value}")
    page.click("button:has-text('记录审议意见')")
    expect(page.locator(".alert-success")).to_be_visible()


def test_report_chain_feedback_and_transfer(browser, demo, live_server):  # noqa: F811
    from django.utils import timezone

    from core.models import User
    from core.services import role_assign
    from planning.models import Inspection
    from results.models import InspectionReport, Transfer

    inspection = Inspection.objects.get(round__number=7, stage="onsite", team__name="第一巡察组")
    org = inspection.organization
    role_assign(
        actor=None,
        user=User.objects.get(username="qh_unit"),
        role="unit_liaison",
        authority=inspection.authority,
        scope_id=org.pk,
    )
    today = timezone.localdate().isoformat()
    report_url = f"{live_server.url}/results/inspections/{inspection.pk}/report/"
    problems: list = []

    # The team leader drafts the report from the findings, completes it and submits it.
    leader = _as(browser, live_server, demo, "qh_leader", problems)
    leader.goto(report_url)
    leader.click("button:has-text('起草报告')")
    leader.goto(report_url + "edit/")
    body = leader.locator("#id_body").input_value()
    assert "三、发现的主要问题" in body
    leader.fill("#id_body", re.sub(r"【请填写：[^】]*】", "该局党组总体能够贯彻落实县委决策部署。", body))
    leader.select_option("#id_ecology", label="持平")
    leader.select_option("#id_implementation", label="较好")
    leader.click("button:has-text('保存')")
    leader.goto(report_url)
    leader.click("button:has-text('提交审议')")
    _decide(leader, report_url, today)  # 组务会

    office = _as(browser, live_server, demo, "qh_office", problems)
    _decide(office, report_url, today)  # 组办会商
    leading = _as(browser, live_server, demo, "qh_leading", problems)
    _decide(leading, report_url, today)  # 领导小组会议
    head = _as(browser, live_server, demo, "qh_office_head", problems)
    _decide(head, report_url, today, results_use=("feedback", "discipline"))  # 书记专题会
    expect(head.locator("body")).to_contain_text("报告已审定")
    _shot(head, "report-chain.png", full_page=True)
    assert InspectionReport.objects.get(inspection=inspection).status == "approved"

    # The office gives feedback; the unit acknowledges it and then reads its findings.
    office.goto(f"{live_server.url}/results/inspections/{inspection.pk}/feedback/")
    office.fill("#id_issued_on", today)
    office.click("button:has-text('登记反馈')")
    expect(office.locator(".alert-success")).to_be_visible()
    unit = _as(browser, live_server, demo, "qh_unit", problems)
    unit.goto(f"{live_server.url}/results/unit/")
    unit.fill("input[name=acknowledged_on]", today)
    unit.fill("input[name=acknowledged_name]", "赵国庆")
    unit.click("button:has-text('登记签收')")
    expect(unit.locator(".alert-success")).to_be_visible()
    first = inspection.findings.order_by("id").first()
    expect(unit.locator("body")).to_contain_text(first.title)
    _shot(unit, "unit-feedback.png", full_page=True)

    # The team leader records a lead; the office head transfers it to the discipline commission.
    leader.goto(f"{live_server.url}/results/inspections/{inspection.pk}/leads/")
    leader.select_option("select[name=category]", value="discipline")
    leader.fill("input[name=name]", "钱卫国")
    leader.fill("input[name=post]", "县财政局副局长")
    leader.fill("textarea[name=details]", "涉嫌在专项资金分配中收受好处。")
    leader.click("button:has-text('保存线索')")
    expect(leader.locator("body")).to_contain_text("钱卫国")
    head.goto(f"{live_server.url}/results/inspections/{inspection.pk}/transfers/")
    head.select_option("select[name=kind]", value="leads")
    head.select_option("select[name=receiver]", label="青禾县纪委监委（纪委监委）")
    head.check("label:has-text('钱卫国') >> xpath=preceding-sibling::input")
    head.fill("input[name=sent_on]", today)
    head.click("button:has-text('移交')")
    expect(head.locator(".alert-success")).to_be_visible()
    transfer = Transfer.objects.get(inspection=inspection, kind="leads", leads__isnull=False)

    # The discipline commission confirms receipt and answers with the outcome.
    jw = _as(browser, live_server, demo, "qh_jw", problems)
    jw.goto(f"{live_server.url}/results/received/")
    jw.goto(f"{live_server.url}/results/transfers/{transfer.pk}/")
    expect(jw.locator("body")).to_contain_text("钱卫国")
    jw.fill("input[name=received_on]", today)
    jw.fill("input[name=received_name]", "马俊")
    jw.click("button:has-text('确认签收')")
    jw.select_option("select[name=outcome]", value="verifying")
    jw.fill("textarea[name=detail]", "已转案件监督管理室，正在初步核实。")
    jw.fill("input[name=outcome_on]", today)
    jw.click("button:has-text('反馈办理结果')")
    expect(jw.locator("body")).to_contain_text("初步核实")
    _shot(jw, "transfer-outcome.png", full_page=True)
    transfer.refresh_from_db()
    assert transfer.received_on and transfer.outcome == "verifying"
    assert all(p.items == [] for p in problems)
