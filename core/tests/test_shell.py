"""The page shell: the menu shows what the role may use; case screens carry the watermark."""

import datetime

import pytest
from django.utils import timezone

from core import workbench
from core.workbench import Todo

MENU = {
    "office": {"工作台", "党组织名册", "全覆盖进度", "时限设置"},
    "leading_group": {"工作台", "党组织名册", "全覆盖进度", "时限设置"},
    "team_member": {"工作台", "党组织名册"},
    "secadmin": {"工作台", "账号与授权"},
    "auditor": {"工作台", "审计日志"},
    "sysadmin": {"工作台", "系统状态"},
    "nobody": {"工作台"},
}
ALL_ENTRIES = {"工作台", "党组织名册", "全覆盖进度", "时限设置", "账号与授权", "审计日志", "系统状态"}


@pytest.mark.parametrize("role", MENU)
def test_menu_shows_only_what_the_role_may_use(world, login, role):
    page = login(world["a"].users[role]).get("/").content.decode()
    menu = page.split('class="x-menu"')[1].split("</nav>")[0]
    shown = {label for label in ALL_ENTRIES if f">{label}</a>" in menu}
    assert shown == MENU[role]


def test_case_screens_carry_the_watermark_with_name_and_time(world, login):
    user = world["a"].users["office"]
    page = login(user).get("/registry/").content.decode()
    stamp = timezone.localtime().strftime("%Y-%m-%d")
    assert 'class="x-watermark"' in page
    assert f'data-text="{user.display_name} {user.username} {stamp}' in page


def test_top_bar_names_the_authority_user_and_role(world, login):
    page = login(world["a"].users["office"]).get("/").content.decode()
    assert "甲县" in page and "测试mh_a_office" in page and "巡察办" in page and "退出" in page


def test_workbench_lists_registered_todos_with_warnings(world, login, monkeypatch):
    today = timezone.localdate()
    items = [
        Todo("审核整改方案", "/x/1/", today - datetime.timedelta(days=2)),
        Todo("报送巡察报告", "/x/2/", today + datetime.timedelta(days=3)),
        Todo("准备进驻通知", "/x/3/", today + datetime.timedelta(days=30)),
    ]
    monkeypatch.setattr(workbench, "_providers", [lambda user: items if user.username.endswith("office") else []])
    page = login(world["a"].users["office"]).get("/").content.decode()
    assert page.index("审核整改方案") < page.index("报送巡察报告") < page.index("准备进驻通知")
    assert 'href="/x/1/">审核整改方案' in page
    assert "已逾期</span>：1 项" in page and "7 日内到期</span>：1 项" in page
    other = login(world["a"].users["leading_group"]).get("/").content.decode()
    assert "审核整改方案" not in other and "暂无待办事项" in other


def test_a_refused_form_token_is_explained_in_chinese(db):
    from django.test import Client

    r = Client(enforce_csrf_checks=True).post("/login/", {"username": "x", "password": "y"})
    assert r.status_code == 403 and "页面已过期或浏览器禁用了 Cookie" in r.content.decode()
