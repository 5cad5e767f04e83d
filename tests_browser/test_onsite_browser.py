"""The on-site work in a real browser: a report from a phone reaches the team, which triages it,
writes a working paper on it and approves it; the finding and the figures show on the desk.

Saves ``paper-review.png`` and ``onsite-desk.png``.
"""

import pytest

from tests_browser.test_registry_browser import (  # noqa: F401  (fixtures)
    DESKTOP,
    PHONE,
    Problems,
    _shot,
    browser,
    demo,
    expect,
)

pytestmark = [pytest.mark.browser]

SUBJECT = "专项资金被挪作办公经费"


def _login(browser, live_server, demo, username):  # noqa: F811
    page = browser.new_context(locale="zh-CN", viewport=DESKTOP).new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", demo[username])
    page.click("button[type=submit]")
    return page


def test_a_report_becomes_a_finding(browser, demo, live_server):  # noqa: F811
    from onsite.models import Finding, FocusArea, Petition
    from planning.models import Inspection

    inspection = Inspection.objects.get(round__number=7, stage="onsite", team__name="第一巡察组")
    leaf = str(
        FocusArea.objects.filter(taxonomy__authority=inspection.authority, name="违反中央八项规定精神")
        .order_by("-taxonomy__version")
        .values_list("pk", flat=True)
        .first()
    )
    before = Finding.objects.filter(inspection=inspection).count()

    # An anonymous report from a phone.
    phone = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    problems = Problems(phone)
    phone.goto(f"{live_server.url}/p/{inspection.public_id}/")
    phone.fill("#id_subject", SUBJECT)
    phone.fill("#id_content", "2026年5月，该局将乡村振兴专项资金20万元转入单位账户，用于购置办公设备和支付接待费用。")
    phone.click("button:has-text('提交')")
    expect(phone.locator(".p-code")).to_be_visible()

    # A team member triages it and writes a working paper on it.
    member = _login(browser, live_server, demo, "qh_member")
    member_problems = Problems(member)
    member.goto(f"{live_server.url}/onsite/inspections/{inspection.pk}/petitions/")
    member.click(f"text={SUBJECT}")
    member.check("label:has-text('属于受理范围') >> xpath=preceding-sibling::input")
    member.check("label:has-text('廉洁纪律') >> xpath=preceding-sibling::input")
    member.select_option("#id_focus_area", value=leaf)
    member.click("button:has-text('保存分办')")
    expect(member.locator(".alert-success")).to_be_visible()
    assert Petition.objects.get(subject=SUBJECT).status == "in_scope"

    member.goto(f"{live_server.url}/onsite/inspections/{inspection.pk}/working-papers/")
    member.click("text=新增底稿")
    member.fill("#id_title", "挪用专项资金用于办公经费")
    member.fill("#id_facts", "经调阅2026年5月会计凭证，该局将乡村振兴专项资金20万元用于购置办公设备和接待。")
    member.fill("#id_rule", "《中华人民共和国预算法》第五十七条")
    member.check(f"label:has-text('{SUBJECT}') >> xpath=preceding-sibling::input")
    member.click("button:has-text('保存')")
    member.click("button:has-text('提交审核')")
    expect(member.locator("body")).to_contain_text("待审核")

    # The team leader approves it: the finding is born.
    leader = _login(browser, live_server, demo, "qh_leader")
    leader_problems = Problems(leader)
    leader.goto(f"{live_server.url}/onsite/inspections/{inspection.pk}/working-papers/")
    leader.click("text=挪用专项资金用于办公经费")
    leader.select_option("#id_focus_area", value=leaf)
    leader.select_option("#id_severity", label="严重")
    leader.fill("#id_amount", "200000")
    _shot(leader, "paper-review.png", full_page=True)
    leader.click("button:has-text('审核通过')")
    expect(leader.locator("body")).to_contain_text("已审核")
    assert Finding.objects.filter(inspection=inspection).count() == before + 1

    leader.goto(f"{live_server.url}/onsite/inspections/{inspection.pk}/findings/")
    expect(leader.locator("body")).to_contain_text("挪用专项资金用于办公经费")
    leader.goto(f"{live_server.url}/onsite/inspections/{inspection.pk}/")
    found = leader.locator(".x-figure", has_text="发现问题")
    expect(found).to_contain_text(str(before + 1))
    _shot(leader, "onsite-desk.png", full_page=True)
    assert problems.items == [] and member_problems.items == [] and leader_problems.items == []
