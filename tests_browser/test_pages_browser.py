"""Issue 13's pages in a real browser: what a clerk sees on the forms.

- the transfer form offers only what it accepts for the kind chosen, and a refused form says
  why at its top as well as beside the field;
- every file input reads 选择文件/未选择文件, also where a page renders a bare one;
- a long select gets a filter box, usable from the keyboard;
- after a bulk add of document requests, the untouched form shows no error.
"""

import pytest

from tests_browser.test_registry_browser import (  # noqa: F401  (fixtures)
    DESKTOP,
    Problems,
    browser,
    demo,
    expect,
)

pytestmark = [pytest.mark.browser]


def _login(browser, live_server, demo, username):  # noqa: F811
    page = browser.new_context(locale="en-US", viewport=DESKTOP).new_page()  # English: the browser's own words
    page.on("dialog", lambda dialog: dialog.accept())
    problems = Problems(page)
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", demo[username])
    page.click("button[type=submit]")
    return page, problems


def test_forms_offer_what_they_accept_and_read_in_chinese(browser, demo, live_server):  # noqa: F811
    from core.models import User
    from planning.models import Inspection
    from rectification.models import RectificationPlan, RectificationTask
    from rectification.tasks import may_report

    # The transfer form: 问题线索 go to the discipline commission alone, without findings.
    inspection = Inspection.objects.filter(findings__isnull=False, authority__code="MH-QH").distinct().first()
    head, problems = _login(browser, live_server, demo, "qh_office_head")
    head.goto(f"{live_server.url}/results/inspections/{inspection.pk}/transfers/")
    findings = head.locator("fieldset:has(legend:text('问题'))")
    expect(findings).to_be_visible()
    head.select_option("select[name=kind]", value="leads")
    expect(findings).to_be_hidden()
    visible = head.locator("select[name=receiver] option:not([hidden])").all_inner_texts()
    assert visible and all("纪委监委" in t for t in visible[1:]), visible
    head.select_option("select[name=kind]", value="findings")
    expect(findings).to_be_visible()
    visible = head.locator("select[name=receiver] option:not([hidden])").all_inner_texts()
    assert not any("纪委监委" in t or "组织部" in t for t in visible[1:]), visible

    # Refused: the reason at the top of the form, and beside the field.
    head.select_option("select[name=kind]", value="")
    head.fill("input[name=sent_on]", "")
    head.click("button:has-text('移交')")
    summary = head.locator("#new .x-form-errors")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("提交未成功")
    expect(summary).to_contain_text("移交日期")
    expect(head.locator("#new .invalid-feedback").first).to_be_visible()

    # A long select (the parent organisation, some 50 towns and departments) can be searched.
    head.goto(f"{live_server.url}/registry/new/")
    box = head.locator("select[name=parent]").locator("xpath=preceding-sibling::input[@type='search']")
    expect(box).to_be_visible()
    box.fill("青禾镇")
    shown = head.locator("select[name=parent] option:not([hidden])").all_inner_texts()
    assert len(shown) >= 2 and all("青禾镇" in t for t in shown[1:]), shown
    box.press("Enter")
    assert "青禾镇" in head.locator("select[name=parent] option:checked").inner_text()
    assert problems.items == [], problems.items

    # A file input a page renders bare reads in Chinese too (the unit's progress report).
    task = next(
        t
        for t in RectificationTask.objects.filter(plan__status=RectificationPlan.Status.APPROVED).exclude(
            status=RectificationTask.Status.VERIFIED
        )
        for u in User.objects.filter(username__in=list(demo))
        if may_report(u, t) and (unit := u)
    )
    page, unit_problems = _login(browser, live_server, demo, unit.username)
    page.goto(f"{live_server.url}/rectification/tasks/{task.pk}/")
    picker = page.locator("#progress .x-file")
    expect(picker).to_contain_text("选择文件")
    expect(picker).to_contain_text("未选择文件")
    expect(page.locator("#progress")).not_to_contain_text("No file chosen")
    page.set_input_files("#id_files", [{"name": "整改照片.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4"}])
    expect(picker).to_contain_text("整改照片.pdf")
    assert unit_problems.items == [], unit_problems.items


def test_no_false_error_after_a_bulk_add(browser, demo, live_server):  # noqa: F811
    from planning.models import Inspection

    inspection = Inspection.objects.get(round__number=7, stage="onsite", team__name="第一巡察组")
    member, problems = _login(browser, live_server, demo, "qh_member")
    member.goto(f"{live_server.url}/onsite/inspections/{inspection.pk}/document-requests/")
    member.fill("#bulk textarea[name=titles]", "2026年度公务接待审批单\n2026年度差旅费报销凭证")
    member.fill("#bulk input[name=requested_on]", "2026-11-30")
    member.click("#bulk button:has-text('全部添加')")
    expect(member.locator(".alert-success")).to_contain_text("已添加 2 项调阅资料。")
    expect(member.locator("body")).not_to_contain_text("这个字段是必填项")
    assert member.locator(".invalid-feedback, .x-form-errors, .is-invalid").count() == 0
    member.locator("tr:has-text('2026年度公务接待审批单') button:has-text('标记收到')").click()
    expect(member.locator(".alert-success")).to_contain_text("已标记为收到")
    assert member.locator(".invalid-feedback, .x-form-errors, .is-invalid").count() == 0
    assert problems.items == [], problems.items


def test_the_walk_of_a_round_would_see_an_error_a_page_shows(browser, demo, live_server):  # noqa: F811
    """The end-to-end walk counts every error a page shows (Problems(shown_errors=True)): a
    refused sign-in and a refused form are seen, a hidden message and a clean page are not."""
    page = browser.new_context(locale="zh-CN", viewport=DESKTOP).new_page()
    problems = Problems(page, shown_errors=True)
    page.goto(f"{live_server.url}/login/")
    assert problems.items == []  # the sign-in page as it opens
    page.fill("#id_username", "qh_member")
    page.fill("#id_password", "not-the-password")
    page.click("button[type=submit]")
    expect(page.locator(".alert-danger")).to_be_visible()
    assert [i for i in problems.items if i.startswith("console error: error shown: /login/")], problems.items

    member = browser.new_context(locale="zh-CN", viewport=DESKTOP).new_page()
    problems = Problems(member, shown_errors=True)
    member.goto(f"{live_server.url}/login/")
    member.fill("#id_username", "qh_member")
    member.fill("#id_password", demo["qh_member"])
    member.click("button[type=submit]")
    expect(member.locator("h1")).to_be_visible()
    assert problems.items == []
    from planning.models import Inspection

    inspection = Inspection.objects.get(round__number=7, stage="onsite", team__name="第一巡察组")
    member.goto(f"{live_server.url}/onsite/inspections/{inspection.pk}/document-requests/")
    member.click("#bulk button:has-text('全部添加')")  # nothing typed: refused
    expect(member.locator(".invalid-feedback, .x-form-errors").first).to_be_visible()
    assert any("error shown: /onsite/" in i for i in problems.items), problems.items


def test_confirmations_ask_under_the_content_security_policy(browser, demo, live_server):  # noqa: F811
    """No inline script runs (the policy allows the site's own files only): a form marked
    data-confirm asks, sends nothing when the answer is no, and is sent when it is yes; the
    page breaks no rule of the policy (a violation is a console error Problems collects)."""
    from onsite.models import Interview
    from planning.models import Inspection

    inspection = Inspection.objects.get(round__number=7, stage="onsite", team__name="第一巡察组")
    leader, problems = _login(browser, live_server, demo, "qh_leader")
    asked = []
    answer = {"accept": False}

    def on_dialog(dialog):
        asked.append(dialog.message)
        dialog.accept() if answer["accept"] else dialog.dismiss()

    page = leader.context.new_page()
    page.on("dialog", on_dialog)
    problems2 = Problems(page)
    response = page.goto(f"{live_server.url}/onsite/inspections/{inspection.pk}/interviews/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    before = Interview.objects.filter(inspection=inspection).count()
    page.click("button:has-text('从领导班子名单生成')")
    page.wait_for_timeout(500)
    assert asked and "现任领导班子成员" in asked[0]
    # No: nothing was sent (the answer would have said what it added, or that all were there).
    assert page.locator(".alert").count() == 0
    answer["accept"] = True
    page.click("button:has-text('从领导班子名单生成')")
    expect(page.locator(".alert", has_text="领导班子")).to_be_visible()
    assert len(asked) == 2 and Interview.objects.filter(inspection=inspection).count() >= before
    assert problems.items == [] and problems2.items == [], problems.items + problems2.items
