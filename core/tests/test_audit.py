import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connection

from core.audit import audit_verify_chain
from core.models import AuditEvent


def _verify():
    """Run the real command; answer (exit code, what it printed)."""
    from io import StringIO

    out, err = StringIO(), StringIO()
    try:
        call_command("audit_verify", stdout=out, stderr=err)
    except SystemExit as e:
        return e.code, out.getvalue() + err.getvalue()
    return 0, out.getvalue() + err.getvalue()


def test_intact_chain_verifies(world):
    code, text = _verify()
    assert code == 0
    assert "哈希链无断点" in text
    assert AuditEvent.objects.count() > 20


def test_edit_with_raw_sql_is_detected(world):
    target = AuditEvent.objects.order_by("seq")[10]
    with connection.cursor() as cur:
        cur.execute("UPDATE core_auditevent SET object_repr = %s WHERE id = %s", ["被篡改", target.pk])
    code, text = _verify()
    assert code == 1
    assert f"第 {target.seq} 号事件的内容已被改动" in text


def test_edit_that_also_rewrites_the_hash_breaks_the_next_link(world):
    target = AuditEvent.objects.order_by("seq")[5]
    with connection.cursor() as cur:
        cur.execute("UPDATE core_auditevent SET hash = %s WHERE id = %s", ["f" * 64, target.pk])
    code, text = _verify()
    assert code == 1
    assert f"第 {target.seq} 号" in text


def test_deleted_row_is_detected(world):
    target = AuditEvent.objects.order_by("seq")[7]
    with connection.cursor() as cur:
        cur.execute("DELETE FROM core_auditevent WHERE id = %s", [target.pk])
    code, text = _verify()
    assert code == 1
    assert f"第 {target.seq} 号事件缺失" in text


def test_deleted_newest_row_is_detected(world):
    last = AuditEvent.objects.order_by("-seq").first()
    with connection.cursor() as cur:
        cur.execute("DELETE FROM core_auditevent WHERE id = %s", [last.pk])
    code, text = _verify()
    assert code == 1
    assert "末尾事件已被删除" in text


def test_events_cannot_be_changed_or_deleted_through_the_orm(world):
    event = AuditEvent.objects.first()
    event.object_repr = "x"
    with pytest.raises(PermissionDenied):
        event.save()
    with pytest.raises(PermissionDenied):
        event.delete()
    with pytest.raises(PermissionDenied):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionDenied):
        AuditEvent.objects.update(object_repr="x")
    assert audit_verify_chain()[1] is None


def test_event_carries_actor_role_address_and_outcome(world, login):
    a = world["a"]
    client = login(a.users["office"])
    client.post(
        "/registry/new/", {"code": "D900", "name": "县新设局", "kind": a.orgs["dept"].kind_id, "status": "active"}
    )
    event = AuditEvent.objects.filter(action="organization.create").order_by("-seq").first()
    assert event.actor == a.users["office"]
    assert event.roles == "office"
    assert event.ip == "127.0.0.1"
    assert event.authority == a.authority
    assert event.object_repr == "县新设局"
    assert event.outcome == "success"
    assert len(event.trace_id) == 32


def test_login_failure_and_logout_are_recorded(world, login):
    from django.test import Client

    user = world["a"].users["office"]
    Client().post("/login/", {"username": user.username, "password": "wrong-Pass-1!"})
    failed = AuditEvent.objects.filter(action="auth.login_failed").latest("seq")
    assert failed.actor_username == user.username and failed.outcome == "failure"
    client = login(user)
    assert AuditEvent.objects.filter(action="auth.login", actor=user).exists()
    client.post("/logout/")
    assert AuditEvent.objects.filter(action="auth.logout", actor=user).exists()


def test_permission_changes_are_recorded(world, login):
    a = world["a"]
    client = login(a.users["secadmin"])
    target = a.users["nobody"]
    client.post(f"/accounts/{target.pk}/", {"role": "leading_group", "authority": a.authority.pk})
    event = AuditEvent.objects.filter(action="role.assign").latest("seq")
    assert event.actor == a.users["secadmin"]
    assert event.detail["role"] == "leading_group"
