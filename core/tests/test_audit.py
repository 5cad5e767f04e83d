import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connection

from core.audit import GENESIS, anchor_path, audit_anchor, audit_verify_chain, event_digest
from core.models import AuditChainHead, AuditEvent


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


# The five tamperings of issue 14, each reported by its kind with a non-zero exit. A database
# writer is simulated with raw SQL, which is what the ORM's refusals leave them.


def _set(event_id, **columns):
    with connection.cursor() as cur:
        for column, value in columns.items():
            cur.execute(f"UPDATE core_auditevent SET {column} = %s WHERE id = %s", [value, event_id])


def _rewrite_from(start: int, *, key: str | None):
    """Recompute the hash of every event from ``start`` on, as a forger would, and move the
    head: with the installation's key (stolen) or with another."""
    prev = AuditEvent.objects.get(seq=start - 1).hash if start > 1 else GENESIS
    for event in AuditEvent.objects.filter(seq__gte=start).order_by("seq"):
        event.prev_hash = prev
        event.hash = event_digest(event, key=key)
        _set(event.pk, prev_hash=event.prev_hash, hash=event.hash)
        prev = event.hash
    AuditChainHead.objects.filter(pk=1).update(last_hash=prev)


def test_reordered_events_are_detected(world):
    first, second = AuditEvent.objects.order_by("seq")[8:10]
    _set(first.pk, seq=-1)
    _set(second.pk, seq=first.seq)
    _set(first.pk, seq=second.seq)
    code, text = _verify()
    assert code == 1 and "事件顺序被调换" in text
    assert f"第 {first.seq} 号事件的前序哈希指向第 {second.seq} 号事件" in text


def test_a_cut_tail_with_the_head_moved_back_is_detected_by_the_anchor(world):
    assert audit_anchor() == AuditEvent.objects.count()
    events = list(AuditEvent.objects.order_by("-seq")[:4])
    with connection.cursor() as cur:
        for event in events[:3]:
            cur.execute("DELETE FROM core_auditevent WHERE id = %s", [event.pk])
    AuditChainHead.objects.filter(pk=1).update(last_seq=events[3].seq, last_hash=events[3].hash)
    code, text = _verify()
    assert code == 1 and "末尾事件被删除" in text
    assert f"锚点文件记录的链尾已到第 {events[0].seq} 号事件，现存只到第 {events[3].seq} 号" in text


def test_a_chain_rewritten_without_the_key_is_detected(world):
    target = AuditEvent.objects.order_by("seq")[6]
    _set(target.pk, object_repr="被篡改")
    _rewrite_from(target.seq, key="a key the forger made up")
    code, text = _verify()
    assert code == 1 and "事件被改动" in text and f"第 {target.seq} 号事件的内容已被改动" in text


def test_a_chain_rewritten_with_the_stolen_key_is_detected_by_the_anchors(world):
    anchored = audit_anchor()
    target = AuditEvent.objects.order_by("seq")[6]
    _set(target.pk, object_repr="被篡改")
    _rewrite_from(target.seq, key=None)  # the installation's own key: every hash agrees with it
    assert audit_verify_chain()[1].kind == "rewritten"
    code, text = _verify()
    assert code == 1 and "哈希链被重写" in text and f"第 {anchored} 号事件与" in text


def test_the_key_and_the_anchors_live_outside_the_database(world, settings):
    import stat
    from pathlib import Path

    key = Path(settings.KEY_DIR) / "audit.key"
    assert key.read_text().strip() == settings.AUDIT_KEY and stat.S_IMODE(key.stat().st_mode) == 0o600
    assert settings.AUDIT_KEY not in repr(list(AuditEvent.objects.values()))
    code, text = _verify()  # an intact chain is anchored at its head
    assert code == 0 and "已记入锚点文件" in text
    head = AuditChainHead.objects.get(pk=1)
    line = anchor_path().read_text().splitlines()[-1].split()
    assert (int(line[0]), line[1]) == (head.last_seq, head.last_hash)
    assert stat.S_IMODE(anchor_path().stat().st_mode) == 0o600
    assert _verify()[0] == 0 and len(anchor_path().read_text().splitlines()) == 1  # not written twice


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


def test_the_head_is_anchored_as_every_hundredth_event_commits(world, django_capture_on_commit_callbacks):
    from core.audit import ANCHOR_EVERY, audit_anchors, audit_record

    assert not anchor_path().exists()
    start = AuditChainHead.objects.get(pk=1).last_seq
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(ANCHOR_EVERY - start % ANCHOR_EVERY):
            audit_record(actor=world["a"].users["office"], action="test.anchor")
    head = AuditChainHead.objects.get(pk=1)
    anchors = audit_anchors()
    assert head.last_seq % ANCHOR_EVERY == 0 and list(anchors) == [head.last_seq]
    assert anchors[head.last_seq][0] == head.last_hash


def _unkeyed():
    """Turn the chain back into what an installation before migration 0006 held: plain SHA-256."""
    import hashlib
    import importlib

    rekey = importlib.import_module("core.migrations.0006_audit_keyed_chain")
    prev = GENESIS
    for event in AuditEvent.objects.order_by("seq"):
        event.prev_hash = prev
        event.hash = hashlib.sha256(rekey._payload(event)).hexdigest()
        _set(event.pk, prev_hash=event.prev_hash, hash=event.hash)
        prev = event.hash
    AuditChainHead.objects.filter(pk=1).update(last_hash=prev)
    return rekey


def _historical_apps():
    from django.db.migrations.executor import MigrationExecutor

    return MigrationExecutor(connection).loader.project_state(("core", "0006_audit_keyed_chain")).apps


def test_the_upgrade_keys_an_intact_chain_and_leaves_a_broken_one_broken(world):
    rekey = _unkeyed()
    assert audit_verify_chain()[1].kind == "edited"  # unkeyed: no hash agrees with the key
    rekey.rekey(_historical_apps(), None)
    assert audit_verify_chain()[1] is None

    rekey = _unkeyed()
    target = AuditEvent.objects.order_by("seq")[9]
    _set(target.pk, object_repr="升级前被改动")
    rekey.rekey(_historical_apps(), None)
    checked, broken = audit_verify_chain()
    assert broken.seq == target.seq and checked == target.seq - 1  # keyed up to the break, reported at it


def test_a_copy_of_the_anchors_elsewhere_catches_a_forger_who_rewrites_the_local_file(world, settings, tmp_path):
    """The forger holds the key and this machine's data directory: they rewrite the chain and
    the anchor file to agree. The copy on another machine's share still disagrees."""
    settings.XUNCHA_AUDIT_ANCHOR_COPY = str(tmp_path / "share" / "anchors-qh.log")
    (tmp_path / "share").mkdir()
    anchored = audit_anchor()
    copy = (tmp_path / "share" / "anchors-qh.log").read_text()
    assert copy == anchor_path().read_text() and copy.startswith(f"{anchored} ")
    target = AuditEvent.objects.order_by("seq")[6]
    _set(target.pk, object_repr="被篡改")
    _rewrite_from(target.seq, key=None)
    head = AuditChainHead.objects.get(pk=1)
    anchor_path().write_text(f"{head.last_seq} {head.last_hash} 2026-12-06T00:00:00+00:00\n")
    code, text = _verify()
    assert code == 1 and "哈希链被重写" in text and f"第 {anchored} 号事件与" in text
    # Without the copy, the forgery would have passed.
    settings.XUNCHA_AUDIT_ANCHOR_COPY = ""
    assert audit_verify_chain()[1] is None


def test_a_missing_copy_fails_the_check_and_the_local_anchors_are_still_written(world, settings, tmp_path):
    settings.XUNCHA_AUDIT_ANCHOR_COPY = str(tmp_path / "not-mounted" / "anchors.log")
    assert audit_anchor() > 0 and anchor_path().exists()  # the copy failed to write; the local file has it
    code, text = _verify()
    assert code == 1 and "锚点副本的目录" in text and "是否已挂载" in text
