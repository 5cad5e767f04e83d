"""The security administrator creates accounts and grants roles on scopes."""

from core.models import RoleAssignment, User


def test_secadmin_creates_an_account_and_grants_a_team_role(world, login):
    a = world["a"]
    client = login(a.users["secadmin"])
    form = client.get("/accounts/new/")
    initial = form.context["form"].initial["password"]
    r = client.post(
        "/accounts/new/",
        {"authority": a.authority.pk, "username": "zhang_san", "full_name": "张三", "password": initial},
    )
    new = User.objects.get(username="zhang_san")
    assert r.status_code == 302 and new.authority == a.authority and new.must_change_password
    r = client.post(
        f"/accounts/{new.pk}/", {"role": "team_member", "authority": a.authority.pk, "scope_id": a.inspection.pk}
    )
    assert r.status_code == 302
    assert RoleAssignment.objects.filter(user=new, role="team_member", scope_id=a.inspection.pk).exists()
    page = client.get(f"/accounts/{new.pk}/").content.decode()
    assert "巡察组成员" in page and a.orgs["dept"].name in page


def test_form_errors_show_next_to_the_field_and_keep_the_input(world, login):
    a = world["a"]
    client = login(a.users["secadmin"])
    empty = client.post("/accounts/new/", {"authority": a.authority.pk, "username": "li_si", "full_name": ""})
    assert "这个字段是必填项" in empty.content.decode() and 'value="li_si"' in empty.content.decode()
    r = client.post(
        "/accounts/new/",
        {
            "authority": a.authority.pk,
            "username": a.users["office"].username,
            "full_name": "李四",
            "password": "weakweak",
        },
    )
    text = r.content.decode()
    assert "该账号已存在" in text and "字母、数字和符号" in text
    assert f'value="{a.users["office"].username}"' in text and 'value="李四"' in text
    assert 'class="form-control is-invalid"' in text


def test_team_role_needs_an_inspection_of_the_same_authority(world, login):
    a, b = world["a"], world["b"]
    client = login(a.users["secadmin"])
    target = a.users["nobody"]
    missing = client.post(f"/accounts/{target.pk}/", {"role": "team_member", "authority": a.authority.pk})
    assert "请选择巡察" in missing.content.decode() or "该角色须指定范围" in missing.content.decode()
    foreign = client.post(
        f"/accounts/{target.pk}/", {"role": "team_member", "authority": a.authority.pk, "scope_id": b.inspection.pk}
    )
    assert foreign.status_code == 200
    assert not RoleAssignment.objects.filter(user=target).exists()


def test_role_form_offers_the_scopes_of_the_chosen_role(world, login):
    a = world["a"]
    client = login(a.users["secadmin"])
    url = f"/accounts/{a.users['nobody'].pk}/role-form/?role=unit_liaison&authority={a.authority.pk}"
    text = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "被巡察单位" in text and a.orgs["dept"].name in text and world["b"].orgs["dept"].name not in text


def test_revoke_and_deactivate(world, login):
    a = world["a"]
    client = login(a.users["secadmin"])
    member = a.users["team_member"]
    ra = member.role_assignments.get()
    client.post(f"/accounts/{member.pk}/roles/{ra.pk}/revoke/")
    assert not member.role_assignments.exists()
    client.post(f"/accounts/{member.pk}/toggle-active/")
    assert not User.objects.get(pk=member.pk).is_active


def test_secadmin_cannot_deactivate_itself(world, login):
    me = world["a"].users["secadmin"]
    client = login(me)
    r = client.post(f"/accounts/{me.pk}/toggle-active/", follow=True)
    assert "不能停用自己的账号" in r.content.decode()
    assert User.objects.get(pk=me.pk).is_active


def test_reset_password_shows_a_new_one_once(world, login):
    import html
    import re

    from django.test import Client

    a = world["a"]
    client = login(a.users["secadmin"])
    r = client.post(f"/accounts/{a.users['office'].pk}/reset-password/", follow=True)
    new_password = html.unescape(re.search(r"的密码为：(\S+) ", r.content.decode()).group(1))
    assert "已重置" not in client.get(f"/accounts/{a.users['office'].pk}/").content.decode()  # shown once
    assert User.objects.get(pk=a.users["office"].pk).must_change_password
    assert "messages" not in client.cookies  # kept on the server, not in a cookie
    fresh = Client()
    fresh.post("/login/", {"username": a.users["office"].username, "password": new_password})
    assert fresh.get("/").url == "/password/"  # the new password works, and must be changed first


def test_secadmin_cannot_grant_itself_a_role(world, login):
    me = world["a"].users["secadmin"]
    r = login(me).post(f"/accounts/{me.pk}/", {"role": "auditor", "authority": world["a"].authority.pk})
    assert "不能给自己授权" in r.content.decode()
    assert set(me.role_assignments.values_list("role", flat=True)) == {"secadmin"}


def test_administrator_roles_stand_alone(world, login):
    a = world["a"]
    client = login(a.users["secadmin"])
    auditor, office = a.users["auditor"], a.users["office"]
    r = client.post(f"/accounts/{auditor.pk}/", {"role": "office", "authority": a.authority.pk})
    assert "三员分立" in r.content.decode()
    r = client.post(f"/accounts/{office.pk}/", {"role": "sysadmin", "authority": a.authority.pk})
    assert "三员分立" in r.content.decode()
    assert set(office.role_assignments.values_list("role", flat=True)) == {"office"}


def test_administrators_passwords_are_not_reset_from_the_page(world, login):
    a = world["a"]
    old = a.users["auditor"].password
    r = login(a.users["secadmin"]).post(f"/accounts/{a.users['auditor'].pk}/reset-password/", follow=True)
    assert "三员分立" in r.content.decode()
    assert User.objects.get(pk=a.users["auditor"].pk).password == old


def test_the_same_authority_wide_role_cannot_be_stored_twice(world):
    import pytest
    from django.db import IntegrityError, transaction

    a = world["a"]
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=a.users["office"], role="office", authority=a.authority)


def test_city_secadmin_manages_county_accounts_but_not_the_reverse(world, login):
    from conftest import PASSWORD, make_user
    from core.services import user_create

    city_sec = make_user(world["city"], "city_sec", "secadmin")
    assert login(city_sec).get(f"/accounts/{world['a'].users['office'].pk}/").status_code == 200
    city_user = user_create(actor=None, authority=world["city"], username="city_x", full_name="市", password=PASSWORD)
    assert login(world["a"].users["secadmin"]).get(f"/accounts/{city_user.pk}/").status_code == 404


def test_account_names_are_checked(world, login):
    a = world["a"]
    r = login(a.users["secadmin"]).post(
        "/accounts/new/",
        {"authority": a.authority.pk, "username": "bad name!", "full_name": "某", "password": "Ok-pass-2026!"},
    )
    assert r.status_code == 200 and "is-invalid" in r.content.decode()
    assert not User.objects.filter(username="bad name!").exists()
