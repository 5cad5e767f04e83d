import io

import pytest
from django.core.management import CommandError, call_command

from core.models import Authority, RoleAssignment, User


def _run(*args):
    out = io.StringIO()
    call_command("authority_setup", *args, stdout=out)
    return out.getvalue()


def test_authority_setup_creates_the_three_administrators_once(db):
    text = _run("--code", "QH", "--name", "青禾县巡察办", "--level", "county")
    authority = Authority.objects.get(code="QH")
    for role in ("sysadmin", "secadmin", "auditor"):
        user = User.objects.get(username=f"qh_{role}")
        assert user.must_change_password and user.authority == authority
        assert list(RoleAssignment.objects.filter(user=user).values_list("role", flat=True)) == [role]
        password = text.split(f"账号 qh_{role}  初始密码 ")[1].split()[0]
        assert user.check_password(password)
    again = _run("--code", "QH", "--name", "青禾县巡察办", "--level", "county")
    assert "未作改动" in again and "初始密码" not in again
    assert User.objects.count() == 3


def test_authority_setup_under_a_parent(db):
    _run("--code", "MH", "--name", "明湖市巡察办", "--level", "city")
    _run("--code", "MH-QH", "--name", "青禾县巡察办", "--level", "county", "--parent", "MH")
    county = Authority.objects.get(code="MH-QH")
    assert county.parent.code == "MH" and county.path.startswith(county.parent.path)
    with pytest.raises(CommandError, match="不存在"):
        _run("--code", "X", "--name", "X", "--level", "county", "--parent", "NOPE")
