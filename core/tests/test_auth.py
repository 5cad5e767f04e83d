import pytest
from django.test import Client, override_settings

from conftest import PASSWORD
from core.models import AuditEvent


def _post_login(client, username, password, ip="10.0.0.1"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_login_page_is_chinese_and_logs_in(world):
    client = Client()
    page = client.get("/login/")
    assert "巡察工作平台" in page.content.decode() and "登 录" in page.content.decode()
    user = world["a"].users["office"]
    response = _post_login(client, user.username, PASSWORD)
    assert response.status_code == 302 and response.url == "/"
    assert "工作台" in client.get("/").content.decode()


def test_wrong_password_says_so_in_chinese(world):
    response = _post_login(Client(), world["a"].users["office"].username, "nope")
    assert "账号或密码不正确" in response.content.decode()


def test_five_failures_lock_that_account_from_that_address_only(world):
    """Counted per account and address together: a colleague behind the same office address
    signs in, and so does the account's owner from their own desk; the guesser stays locked,
    even with the right password."""
    users = world["a"].users
    office = users["office"].username
    for i in range(5):
        _post_login(Client(), office, f"wrong-{i}", ip="10.9.9.9")
    response = _post_login(Client(), office, PASSWORD, ip="10.9.9.9")
    assert "已锁定" in response.content.decode()
    assert AuditEvent.objects.filter(action="auth.locked", actor_username=office).exists()
    assert _post_login(Client(), users["office_head"].username, PASSWORD, ip="10.9.9.9").status_code == 302
    assert _post_login(Client(), office, PASSWORD, ip="10.0.1.1").status_code == 302


def test_guessing_one_account_from_many_addresses_locks_it(world, settings):
    user = world["a"].users["office"]
    for i in range(settings.XUNCHA["LOCKOUT_ACCOUNT_FAILURES"]):
        _post_login(Client(), user.username, f"wrong-{i}", ip=f"10.0.{i // 4}.{i % 4 + 1}")  # 4 tries an address
    response = _post_login(Client(), user.username, PASSWORD, ip="10.8.8.8")
    assert "已锁定" in response.content.decode()


def test_guessing_many_accounts_from_one_address_locks_the_address(world, settings):
    users = world["a"].users
    keys = ["office", "leading_group", "sysadmin", "auditor", "secadmin", "team_member", "unit_liaison"]
    for i in range(settings.XUNCHA["LOCKOUT_ADDRESS_FAILURES"]):
        _post_login(Client(), users[keys[i % len(keys)]].username, f"wrong-{i}", ip="10.7.7.7")
    assert "已锁定" in _post_login(Client(), users["office_head"].username, PASSWORD, ip="10.7.7.7").content.decode()
    assert _post_login(Client(), users["office_head"].username, PASSWORD, ip="10.7.7.8").status_code == 302


def test_api_token_and_its_failures_count_toward_lockout(world):
    user = world["a"].users["office"]
    client = Client()
    good = client.post(
        "/api/v1/auth/token", {"username": user.username, "password": PASSWORD}, content_type="application/json"
    )
    assert good.status_code == 200
    token = good.json()["token"]
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["username"] == user.username and me.json()["roles"] == ["office"]
    for i in range(5):
        r = client.post(
            "/api/v1/auth/token", {"username": user.username, "password": f"bad{i}"}, content_type="application/json"
        )
        assert r.status_code == 401
    locked = client.post(
        "/api/v1/auth/token", {"username": user.username, "password": PASSWORD}, content_type="application/json"
    )
    assert locked.status_code == 401 and "锁定" in locked.json()["detail"]
    # The token endpoint and the login page count the same failures (the test client's address).
    assert "已锁定" in _post_login(Client(), user.username, PASSWORD, ip="127.0.0.1").content.decode()


def test_bad_token_is_refused(world):
    r = Client().get("/api/v1/organizations", headers={"Authorization": "Bearer not-a-token"})
    assert r.status_code == 401


@pytest.mark.parametrize(
    "password, reason",
    [
        ("short1!", "至少"),
        ("onlyletters!!", "字母、数字和符号"),
        ("12345678901", "字母、数字和符号"),
        ("abcdefgh123", "字母、数字和符号"),
    ],
)
def test_password_rules(world, login, password, reason):
    client = login(world["a"].users["office"])
    r = client.post("/password/", {"old_password": PASSWORD, "new_password": password, "new_password2": password})
    assert r.status_code == 200
    assert reason in r.content.decode()


def test_password_history_forbids_reuse(world, login):
    user = world["a"].users["office"]
    client = login(user)
    pw = [PASSWORD, "New-pass-0001!", "New-pass-0002!"]
    for old, new in zip(pw, pw[1:], strict=False):
        r = client.post("/password/", {"old_password": old, "new_password": new, "new_password2": new})
        assert r.status_code == 302, r.content.decode()[:300]
    r = client.post("/password/", {"old_password": pw[-1], "new_password": PASSWORD, "new_password2": PASSWORD})
    assert "最近 5 次" in r.content.decode()


def test_new_account_must_change_password_first(world):
    from core.services import user_create

    a = world["a"]
    user_create(actor=a.users["secadmin"], authority=a.authority, username="fresh", full_name="新人", password=PASSWORD)
    client = Client()
    _post_login(client, "fresh", PASSWORD)
    r = client.get("/registry/")
    assert r.status_code == 302 and r.url == "/password/"


@override_settings(XUNCHA={**__import__("django.conf").conf.settings.XUNCHA, "PASSWORD_MAX_AGE_DAYS": 0})
def test_expired_password_forces_a_change(world):
    client = Client()
    _post_login(client, world["a"].users["office"].username, PASSWORD)
    assert client.get("/").url == "/password/"


def test_no_superuser_is_created_anywhere(world):
    from core.models import User

    assert not User.objects.filter(is_superuser=True).exists()


def test_passwords_are_hashed_with_argon2_in_production():
    from xuncha import settings as production

    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_idle_session_ends_after_fifteen_minutes(world, login, monkeypatch):
    import time

    client = login(world["a"].users["office"])
    assert client.get("/").status_code == 200
    start = time.time()
    monkeypatch.setattr(time, "time", lambda: start + 14 * 60)
    assert client.get("/").status_code == 200  # activity within the window keeps the session
    monkeypatch.setattr(time, "time", lambda: start + 14 * 60 + 15 * 60 + 5)
    r = client.get("/registry/")
    assert r.status_code == 302 and r.url.startswith("/login/")
    assert "自动退出" in client.get(r.url).content.decode()


def test_api_token_is_refused_while_a_password_change_is_due(world):
    from core.services import user_create

    a = world["a"]
    user_create(actor=a.users["secadmin"], authority=a.authority, username="fresh", full_name="新人", password=PASSWORD)
    r = Client().post(
        "/api/v1/auth/token", {"username": "fresh", "password": PASSWORD}, content_type="application/json"
    )
    assert r.status_code == 401 and "修改密码" in r.json()["detail"]


def test_tokens_die_with_a_password_reset(world):
    from core.services import user_reset_password

    a = world["a"]
    c = Client()
    token = c.post(
        "/api/v1/auth/token",
        {"username": a.users["office"].username, "password": PASSWORD},
        content_type="application/json",
    ).json()["token"]
    auth = {"Authorization": f"Bearer {token}"}
    assert c.get("/api/v1/me", headers=auth).status_code == 200
    user_reset_password(actor=a.users["secadmin"], user=a.users["office"], password="Reset-pass-2026!")
    assert c.get("/api/v1/me", headers=auth).status_code == 401


def test_lockouts_reach_the_auditors(world, login):
    from conftest import make_user

    a = world["a"]
    for i in range(6):
        _post_login(Client(), a.users["office"].username, f"wrong-{i}", ip="10.1.1.1")
    for _ in range(2):
        _post_login(Client(), "no_such_user", "x", ip="10.2.2.2")
    county = login(a.users["auditor"]).get("/audit/?action=auth.locked").content.decode()
    assert a.users["office"].username in county
    root_auditor = make_user(world["city"], "city_auditor", "auditor")
    city = login(root_auditor).get("/audit/?action=auth.login_failed&per_page=100").content.decode()
    assert "no_such_user" in city
    assert "no_such_user" not in login(a.users["auditor"]).get("/audit/?per_page=100").content.decode()


def test_proxy_header_names_the_client(world, settings):
    settings.XUNCHA_PROXY_IP_HEADER = "HTTP_X_REAL_IP"
    Client().post(
        "/login/", {"username": "someone", "password": "x"}, REMOTE_ADDR="10.0.0.254", HTTP_X_REAL_IP="192.0.2.7"
    )
    assert AuditEvent.objects.filter(action="auth.login_failed").latest("seq").ip == "192.0.2.7"
