"""A member of the public reports a problem from a phone, anonymously, and later reads the
team's reply with the receipt code; the internal note stays internal.

Saves ``public-report-phone.png`` and ``public-receipt-phone.png``.
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

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
    b"\x00\x00\x00\x0cIDATx\x9cc8q\xe2\x04\x00\x04\xb4\x02Y\x16.\x81@\x00\x00\x00\x00IEND\xaeB`\x82"
)


def test_anonymous_report_and_follow_up(browser, demo, live_server, tmp_path):  # noqa: F811
    from onsite.models import Petition
    from planning.models import Inspection

    inspection = Inspection.objects.get(round__number=7, organization__name="县委办公室")
    photo = tmp_path / "现场照片.png"
    photo.write_bytes(PNG)

    phone = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    problems = Problems(phone)
    phone.goto(f"{live_server.url}/p/{inspection.public_id}/")
    expect(phone.locator("body")).to_contain_text("县委办公室")
    expect(phone.locator("body")).not_to_contain_text("工作台")  # no staff shell
    phone.fill("#id_subject", "某科室负责人违规发放补贴")
    phone.fill("#id_content", "2025年下半年，县委办公室某科室以加班为名，违规向本科室人员发放补贴，每人每月五百元。")
    phone.set_input_files("input[type=file][name=attachments]", str(photo))
    _shot(phone, "public-report-phone.png", full_page=True)
    phone.click("button:has-text('提交')")
    code = phone.locator(".p-code").inner_text().replace(" ", "").strip()
    assert len(code) >= 16
    expect(phone.locator(".alert-warning")).to_contain_text("查询码只显示这一次")
    petition = Petition.objects.get(subject="某科室负责人违规发放补贴")
    assert petition.anonymous and petition.channel == "online" and petition.attachments.count() == 1
    assert code not in str(Petition.objects.filter(pk=petition.pk).values().first())  # only a hash is kept

    # A team member replies, and keeps a note for the team.
    staff = browser.new_context(locale="zh-CN", viewport=DESKTOP).new_page()
    staff_problems = Problems(staff)
    staff.goto(f"{live_server.url}/login/")
    staff.fill("#id_username", "qh_member")
    staff.fill("#id_password", demo["qh_member"])
    staff.click("button[type=submit]")
    staff.goto(f"{live_server.url}/onsite/inspections/{inspection.pk}/petitions/")
    staff.click("text=某科室负责人违规发放补贴")
    expect(staff.locator("dd", has_text="匿名")).to_be_visible()
    staff.fill("textarea[name=body]", "已收到您的反映，巡察组将认真核查。")
    staff.click("button:has-text('答复反映人')")
    staff.fill("textarea[name=body]", "拟调阅该科室2025年补贴发放台账。")
    staff.click("button:has-text('记为内部记录')")
    expect(staff.locator("body")).to_contain_text("拟调阅该科室2025年补贴发放台账")

    # The reporter comes back with the code.
    phone.goto(f"{live_server.url}/p/receipt/")
    phone.fill("input[name=code]", code)
    phone.click("button:has-text('查看答复')")
    expect(phone.locator("body")).to_contain_text("已收到您的反映，巡察组将认真核查。")
    expect(phone.locator("body")).not_to_contain_text("拟调阅")
    _shot(phone, "public-receipt-phone.png", full_page=True)
    assert problems.items == [] and staff_problems.items == []
