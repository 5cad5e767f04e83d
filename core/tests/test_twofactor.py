"""The second factor as a user meets it: set up a phone from the page's QR code (its key read
off the page, as the phone would), sign in with the phone's code or a recovery code, the
lockout counting wrong codes, the API's token asking for the code, and the security
administrator's reset."""

import re
import time
from base64 import b32decode
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from core.models import ApiToken, AuditEvent, RecoveryCodes
from core.twofactor import otp_enrol_confirm, otp_enrol_start


@pytest.fixture
def required(settings):
    settings.XUNCHA_OTP_REQUIRED = True


@pytest.fixture(autouse=True)
def _no_throttle(settings):
    """The phone's own wait after a wrong code (1, 2, 4 … s) is tested on its own below; the
    other tests type a right code straight after a wrong one."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def _code(key: bytes, steps_ahead: int = 0) -> str:
    """What an authenticator app shows now (or ``steps_ahead`` periods of 30 s later: a code
    is accepted once, and the next period's is still accepted, so a test can sign in twice
    within one period)."""
    totp = TOTP(key)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def _wrong(key: bytes) -> str:
    """Six digits the phone shows neither now nor in the next period."""
    shown = {_code(key, n) for n in (-1, 0, 1, 2)}
    return next(c for c in ("000000", "111111", "222222", "333333", "444444") if c not in shown)


def _device_key(user) -> bytes:
    return TOTPDevice.objects.get(user=user).bin_key


def _enrolled(user) -> list[str]:
    """Set up through the service, as the page does; returns the recovery codes. (Each later
    code in a test is a period ahead of the one before: a code is accepted once, and the
    device follows the phone's clock.)"""
    device = otp_enrol_start(user=user)
    return otp_enrol_confirm(user=user, code=_code(device.bin_key))


def _password(client, user, ip="10.0.0.1"):
    return client.post("/login/", {"username": user.username, "password": PASSWORD}, REMOTE_ADDR=ip)


def _verify(client, code, ip="10.0.0.1"):
    return client.post("/login/verify/", {"code": code}, REMOTE_ADDR=ip)


def test_setting_up_a_phone_from_the_page_when_required(world, required):
    user = world["a"].users["office"]
    client = Client()
    assert _password(client, user).status_code == 302
    # Every page leads to the set-up first.
    assert client.get("/").url == "/two-factor/"
    assert client.get("/planning/inspections/").url == "/two-factor/"
    page = client.get("/two-factor/").content.decode()
    assert "用手机设置两步验证" in page and "本平台要求两步验证" in page
    assert 'src="data:image/svg+xml' in page
    secret = re.search(r'<code class="x-otp-secret">([A-Z2-7 ]+)</code>', page).group(1)
    key = b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    # A reload shows the same key, so a phone that scanned it keeps working.
    assert secret in client.get("/two-factor/").content.decode()

    wrong = client.post("/two-factor/", {"code": _wrong(key)})
    assert "验证码不正确" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()

    done = client.post("/two-factor/", {"code": _code(key)}).content.decode()
    assert "两步验证已启用" in done and "恢复码只显示这一次" in done
    codes = re.findall(r"<code>([0-9A-Z]{5}-[0-9A-Z]{5})</code>", done)
    assert len(codes) == 10 and len(set(codes)) == 10
    # The codes are kept only as hashes.
    stored = RecoveryCodes.objects.get(user=user).digests
    assert len(stored) == 10 and not any(c.replace("-", "") in str(stored) for c in codes)
    assert AuditEvent.objects.filter(action="otp.enrol", actor_username=user.username).exists()
    # This session is verified: the pages open.
    assert client.get("/").status_code == 200

    # The next sign-in asks for the code after the password.
    fresh = Client()
    response = _password(fresh, user)
    assert response.url == "/login/verify/"
    assert fresh.get("/").url.startswith("/login/")  # not signed in yet
    assert "两步验证码" in fresh.get("/login/verify/").content.decode()
    assert _verify(fresh, _code(key, 1)).url == "/"
    assert fresh.get("/").status_code == 200


def test_a_recovery_code_signs_in_once(world):
    user = world["a"].users["team_member"]
    codes = _enrolled(user)
    client = Client()
    _password(client, user)
    assert _verify(client, codes[0].lower().replace("-", " ")).url == "/"
    event = AuditEvent.objects.filter(action="otp.recovery_used").latest("seq")
    assert event.detail == {"left": 9}
    again = Client()
    _password(again, user)
    assert "验证码不正确" in _verify(again, codes[0]).content.decode()
    assert _verify(again, codes[1]).url == "/"


def test_a_code_is_accepted_once(world):
    user = world["a"].users["team_member"]
    _enrolled(user)
    key = _device_key(user)
    first, second = Client(), Client()
    _password(first, user)
    code = _code(key, 1)
    assert _verify(first, code).url == "/"
    _password(second, user)
    assert "验证码不正确" in _verify(second, code).content.decode()


def test_an_account_with_a_phone_is_asked_for_it_even_where_not_required(world):
    user = world["a"].users["team_member"]
    _enrolled(user)
    client = Client()
    assert _password(client, user).url == "/login/verify/"
    # An account without one signs in with its password alone (the demo).
    assert _password(Client(), world["a"].users["office"]).url == "/"


def test_wrong_codes_count_toward_lockout_and_a_right_password_clears_nothing(world):
    """Otherwise a thief with the password could guess codes for ever, re-entering it each
    fourth guess."""
    user = world["a"].users["team_member"]
    _enrolled(user)
    key = _device_key(user)
    wrong = _wrong(key)
    for _ in range(2):
        client = Client()
        assert _password(client, user, ip="10.7.7.7").url == "/login/verify/"
        _verify(client, wrong, ip="10.7.7.7")
        _verify(client, wrong, ip="10.7.7.7")
    client = Client()
    _password(client, user, ip="10.7.7.7")
    _verify(client, wrong, ip="10.7.7.7")
    locked = _verify(client, _code(key, 1), ip="10.7.7.7").content.decode()
    assert "已锁定" in locked
    assert AuditEvent.objects.filter(action="auth.otp_failed", actor_username=user.username).count() == 5
    # The owner at their own desk still signs in.
    own = Client()
    _password(own, user, ip="10.0.2.2")
    assert _verify(own, _code(key, 1), ip="10.0.2.2").url == "/"


def test_after_a_wrong_code_the_phone_asks_to_wait_a_moment(world, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 1
    user = world["a"].users["team_member"]
    _enrolled(user)
    key = _device_key(user)
    client = Client()
    _password(client, user)
    _verify(client, _wrong(key))
    _verify(client, _wrong(key))  # refused: too soon, not counted
    waiting = _verify(client, _code(key, 1)).content.decode()
    assert "请 2 秒后再输入" in waiting or "请 1 秒后再输入" in waiting
    assert AuditEvent.objects.filter(action="auth.otp_failed").count() == 1
    time.sleep(2.1)
    assert _verify(client, _code(key, 1)).url == "/"


def test_the_code_step_expires(world):
    user = world["a"].users["team_member"]
    _enrolled(user)
    client = Client()
    _password(client, user)
    session = client.session
    session["xuncha_login_pending"]["at"] -= 301
    session.save()
    response = _verify(client, _code(_device_key(user), 1))
    assert response.url == "/login/"
    assert "验证已超时" in client.get("/login/").content.decode()
    assert client.get("/").url.startswith("/login/")


def test_the_code_step_without_a_password_leads_to_the_login(world):
    assert Client().get("/login/verify/").url == "/login/"
    assert Client().post("/login/verify/", {"code": "123456"}).url == "/login/"


def test_renewing_the_recovery_codes_needs_the_phone_and_voids_the_old(world):
    user = world["a"].users["team_member"]
    old = _enrolled(user)
    key = _device_key(user)
    client = Client()
    _password(client, user)
    _verify(client, _code(key, 1))
    page = client.get("/two-factor/").content.decode()
    assert "已启用" in page and "10 个" in page
    assert "验证码不正确" in client.post("/two-factor/", {"code": old[0]}).content.decode()
    renewed = client.post("/two-factor/", {"code": _code(key, 2)}).content.decode()
    new = re.findall(r"<code>([0-9A-Z]{5}-[0-9A-Z]{5})</code>", renewed)
    assert len(new) == 10 and not set(new) & set(old)
    assert AuditEvent.objects.filter(action="otp.recovery_renew").exists()
    other = Client()
    _password(other, user)
    assert "验证码不正确" in _verify(other, old[1]).content.decode()
    assert _verify(other, new[1]).url == "/"


def test_the_token_endpoint_asks_for_the_code(world, required):
    user = world["a"].users["team_member"]
    api = Client()

    def token(**extra):
        body = {"username": user.username, "password": PASSWORD, **extra}
        return api.post("/api/v1/auth/token", body, content_type="application/json")

    refused = token()
    assert refused.status_code == 401 and "两步验证" in refused.json()["detail"]
    _enrolled(user)
    key = _device_key(user)
    asked = token()
    assert asked.status_code == 401 and asked.json()["code"] == "otp_required"
    wrong = token(otp=_wrong(key))
    assert wrong.status_code == 401 and wrong.json()["code"] == "login_refused"
    given = token(otp=_code(key, 1))
    assert given.status_code == 200
    me = api.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {given.json()['token']}")
    assert me.json()["username"] == user.username


def test_the_security_administrator_resets_a_lost_phone(world, login, required):
    a = world["a"]
    user = a.users["team_member"]
    _enrolled(user)
    signed_in = Client()
    _password(signed_in, user)
    _verify(signed_in, _code(_device_key(user), 1))
    assert signed_in.get("/").status_code == 200
    ApiToken.objects.create(user=user, key_hash="0" * 64, expires_at=timezone.now() + timedelta(hours=1))

    admin = Client()
    _password(admin, a.users["secadmin"])
    _enrolled(a.users["secadmin"])  # the administrator's own session predates their phone
    assert admin.get("/").url == "/login/"  # and is ended: they sign in again with it
    _password(admin, a.users["secadmin"])
    _verify(admin, _code(_device_key(a.users["secadmin"]), 1))
    detail = admin.get(f"/accounts/{user.pk}/").content.decode()
    assert "重置两步验证" in detail and "剩余恢复码 10 个" in detail
    done = admin.post(f"/accounts/{user.pk}/reset-two-factor/", follow=True).content.decode()
    assert "已重置" in done and "未设置" in done
    assert not TOTPDevice.objects.filter(user=user).exists() and not RecoveryCodes.objects.filter(user=user).exists()
    event = AuditEvent.objects.get(action="otp.reset")
    assert event.actor_username == a.users["secadmin"].username and event.object_repr == str(user)
    # The session open on the lost phone ends, and so does any token got with its code: the
    # new phone is set up only after the password.
    assert signed_in.get("/").url.startswith("/login/")
    assert event.detail["sessions"] == 1
    assert not ApiToken.objects.filter(user=user).exists()
    again = Client()
    _password(again, user)
    assert again.get("/").url == "/two-factor/"

    # Not their own, nor another administrator's (三员分立).
    own = admin.post(f"/accounts/{a.users['secadmin'].pk}/reset-two-factor/", follow=True).content.decode()
    assert "不能重置自己的两步验证" in own
    other_admin = admin.post(f"/accounts/{a.users['auditor'].pk}/reset-two-factor/", follow=True).content.decode()
    assert "三员分立" in other_admin
    assert AuditEvent.objects.filter(action="otp.reset").count() == 1


def test_the_command_resets_an_administrators_phone(world):
    from django.core.management import call_command

    admin = world["a"].users["auditor"]
    _enrolled(admin)
    call_command("otp_reset", admin.username)
    assert not TOTPDevice.objects.filter(user=admin).exists()
    assert AuditEvent.objects.filter(action="otp.reset", object_repr=str(admin)).exists()


def test_the_api_refuses_a_session_that_has_not_set_up_its_phone(world, required):
    """The pages' session works for the API too (the pages' own HTMX calls): not before the
    second factor is set up where it is required."""
    user = world["a"].users["office"]
    client = Client()
    _password(client, user)
    assert client.get("/api/v1/me").status_code == 401
    client.get("/two-factor/")
    client.post("/two-factor/", {"code": _code(_device_key(user))})
    assert client.get("/api/v1/me").json()["username"] == user.username


def test_a_session_begun_before_the_phone_signs_in_again(world, required):
    user = world["a"].users["office"]
    before = Client()
    _password(before, user)
    _enrolled(user)  # in another session
    assert before.get("/login/").status_code == 200  # the login page itself, signed out
    assert before.get("/").url.startswith("/login/")


def test_check_deploy_warns_when_the_second_factor_is_off(settings):
    from django.core.checks import run_checks

    def ids():
        return {m.id for m in run_checks(include_deployment_checks=True, tags=["security"])}

    assert "xuncha.W001" in ids()  # tests run with it off, as the demo does
    settings.XUNCHA_OTP_REQUIRED = True
    assert "xuncha.W001" not in ids()


def test_renewing_the_codes_keeps_a_session_signed_in_with_one(world, required):
    user = world["a"].users["team_member"]
    codes = _enrolled(user)
    client = Client()
    _password(client, user)
    assert _verify(client, codes[0]).url == "/"
    renewed = client.post("/two-factor/", {"code": _code(_device_key(user), 1)}).content.decode()
    assert "恢复码只显示这一次" in renewed
    assert client.get("/").status_code == 200


def test_the_code_step_gives_a_new_session_key(world):
    user = world["a"].users["team_member"]
    _enrolled(user)
    client = Client()
    session = client.session  # a session key an attacker could have planted in the browser
    session["seen"] = True
    session.save()
    planted = session.session_key
    assert client.cookies["sessionid"].value == planted
    _password(client, user)
    assert client.session.get("xuncha_login_pending") and client.cookies["sessionid"].value != planted
