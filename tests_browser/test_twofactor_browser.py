"""The second factor in a real browser, as production has it on: the office's first sign-in
leads to setting up a phone (the QR code shows under the Content-Security-Policy, the key
is typed into the "phone" from the page), the recovery codes show once, and the next sign-in
asks for the phone's code, on a phone's screen as well."""

import re
import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP

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


def _phone_code(secret: str, steps_ahead: int = 0) -> str:
    """What an authenticator app given the page's key shows."""
    text = secret.replace(" ", "")
    totp = TOTP(b32decode(text + "=" * (-len(text) % 8)))
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def _password_step(context, live_server, accounts):
    page = context.new_page()
    problems = Problems(page)
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "qh_office")
    page.fill("#id_password", accounts["qh_office"])
    page.click("button[type=submit]")
    return page, problems


def test_the_office_sets_up_a_phone_and_signs_in_with_it(browser, demo, live_server, settings):  # noqa: F811
    settings.XUNCHA_OTP_REQUIRED = True
    context = browser.new_context(locale="zh-CN", viewport=DESKTOP)
    page, problems = _password_step(context, live_server, demo)
    expect(page).to_have_url(re.compile(r"/two-factor/$"))
    expect(page.get_by_text("本平台要求两步验证")).to_be_visible()
    qr = page.locator("img.x-otp-qr")
    expect(qr).to_be_visible()
    assert page.evaluate("document.querySelector('img.x-otp-qr').naturalWidth") > 100  # drawn, not blocked
    _shot(page, "two-factor-setup.png")
    # Any other page leads back here until the phone is set up.
    page.goto(f"{live_server.url}/planning/inspections/")
    expect(page).to_have_url(re.compile(r"/two-factor/$"))
    secret = page.locator("code.x-otp-secret").inner_text()
    page.fill("#id_code", _phone_code(secret))
    page.get_by_role("button", name="启用").click()
    expect(page.get_by_text("两步验证已启用")).to_be_visible()
    codes = page.locator("ol.x-otp-codes code").all_inner_texts()
    assert len(codes) == 10 and all(re.fullmatch(r"[0-9A-Z]{5}-[0-9A-Z]{5}", c) for c in codes)
    _shot(page, "two-factor-codes.png")
    page.get_by_role("link", name="我已保存，进入工作台").click()
    expect(page.locator("h1")).to_contain_text("工作台")
    assert problems.items == []
    context.close()

    # The next sign-in, on a phone: the password, then the phone's code.
    context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True)
    page, problems = _password_step(context, live_server, demo)
    expect(page).to_have_url(re.compile(r"/login/verify/$"))
    code_input = page.locator("#id_code")
    expect(code_input).to_be_focused()
    assert code_input.get_attribute("autocomplete") == "one-time-code"
    _shot(page, "two-factor-verify-phone.png")
    scroll_width, width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll_width <= width
    code_input.fill("000000" if _phone_code(secret, 1) != "000000" else "111111")
    page.click("button[type=submit]")
    expect(page.get_by_role("alert")).to_contain_text("验证码不正确")
    time.sleep(1.1)  # the phone's wait after a wrong code
    page.fill("#id_code", _phone_code(secret, 1))
    page.click("button[type=submit]")
    expect(page).to_have_url(re.compile(r"/$"))
    assert problems.items == []
    context.close()
