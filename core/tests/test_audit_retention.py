"""Audit retention: events past six months leave the database for an archive, the chain is
re-anchored where it now starts, and a database writer still cannot remove events from the
start unseen."""

import stat
from datetime import datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from core.audit import AnchorCopyMissing, anchor_path, audit_verify_chain, event_digest
from core.audit_retention import ChainBrokenError, archive_read, audit_purge
from core.models import AuditChainHead, AuditEvent
from core.tests.test_audit import _verify


def _now_when_older_than(event, days=183):
    """A moment at which ``event`` and every later one are just within retention, and those
    before it past it."""
    return event.at + timedelta(days=days)


def _first_after(events, i):
    """The index, from ``i`` on, of an event later than the one before it (two events of one
    moment would both be kept or both purged)."""
    while events[i].at == events[i - 1].at:
        i += 1
    return i


def test_a_purge_archives_the_old_events_and_the_chain_still_verifies(world, settings):
    events = list(AuditEvent.objects.order_by("seq"))
    n = _first_after(events, 15)
    first_kept = events[n]
    purge = audit_purge(now=_now_when_older_than(first_kept))
    assert purge.count == n and purge.through_seq == first_kept.seq - 1
    remaining = AuditEvent.objects.order_by("seq")
    assert remaining.first().seq == first_kept.seq
    # The archive holds each removed event with its hashes, readable by its owner only.
    archived = archive_read(purge.archive)
    assert [e["seq"] for e in archived] == [e.seq for e in events[:n]]
    assert [e["hash"] for e in archived] == [e.hash for e in events[:n]]
    assert archived[3]["action"] == events[3].action
    assert stat.S_IMODE(purge.archive.stat().st_mode) == 0o600
    # The new start is in the anchor file and the head; the purge itself is an event.
    assert f"purged {purge.through_seq} {events[n - 1].hash} " in anchor_path().read_text()
    head = AuditChainHead.objects.get(pk=1)
    assert (head.base_seq, head.base_hash) == (purge.through_seq, events[n - 1].hash)
    event = AuditEvent.objects.get(action="audit.purge")
    assert event.detail["count"] == n and event.detail["retention_days"] == 183
    code, text = _verify()
    assert code == 0, text
    # The archive can be checked with the audit key, as the database's events are.
    kept_fields = {f.attname for f in AuditEvent._meta.concrete_fields}
    one = AuditEvent(**{k: v for k, v in archived[5].items() if k in kept_fields})
    one.at = datetime.fromisoformat(archived[5]["at"])
    assert event_digest(one) == events[5].hash


def test_nothing_within_six_months_is_purged_whatever_the_setting(world, settings):
    settings.XUNCHA = {**settings.XUNCHA, "AUDIT_RETENTION_DAYS": 30}
    newest = AuditEvent.objects.order_by("-seq").first()
    assert audit_purge(now=newest.at + timedelta(days=100)) is None
    assert audit_purge(now=newest.at + timedelta(days=179)) is None
    assert audit_purge(now=newest.at + timedelta(days=181)).through_seq == newest.seq


def test_a_second_purge_starts_where_the_first_ended(world):
    events = list(AuditEvent.objects.order_by("seq"))
    audit_purge(now=_now_when_older_than(events[5]))
    second = audit_purge(now=_now_when_older_than(events[12]))
    assert second.count == 7 and archive_read(second.archive)[0]["seq"] == events[5].seq
    assert audit_verify_chain()[1] is None


def test_removing_events_from_the_start_without_a_purge_is_detected(world):
    """A database writer deletes the oldest events and moves the chain's start past them, as a
    purge would: the anchor file has no record of it."""
    events = list(AuditEvent.objects.order_by("seq"))
    audit_purge(now=_now_when_older_than(events[5]))
    with connection.cursor() as cur:
        cur.execute("DELETE FROM core_auditevent WHERE seq <= %s", [events[9].seq])
        cur.execute(
            "UPDATE core_auditchainhead SET base_seq = %s, base_hash = %s WHERE id = 1", [events[9].seq, events[9].hash]
        )
    code, text = _verify()
    assert code == 1 and f"第 1 至 {events[9].seq} 号事件已不在" in text


def test_deleting_the_first_kept_event_after_a_purge_is_detected(world):
    events = list(AuditEvent.objects.order_by("seq"))
    audit_purge(now=_now_when_older_than(events[5]))
    with connection.cursor() as cur:
        cur.execute("DELETE FROM core_auditevent WHERE seq = %s", [events[5].seq])
    code, text = _verify()
    assert code == 1 and f"第 {events[5].seq} 号事件缺失" in text


def test_a_broken_chain_is_not_purged(world):
    events = list(AuditEvent.objects.order_by("seq"))
    with connection.cursor() as cur:
        cur.execute("UPDATE core_auditevent SET object_repr = %s WHERE seq = %s", ["改", events[2].seq])
    with pytest.raises(ChainBrokenError, match=f"第 {events[2].seq} 号事件"):
        audit_purge(now=_now_when_older_than(events[10]))
    assert AuditEvent.objects.count() == len(events)
    assert "purged" not in (anchor_path().read_text() if anchor_path().exists() else "")


def test_the_command_says_what_it_purged_and_refuses_a_broken_chain(world):
    out = StringIO()
    call_command("audit_purge", stdout=out)
    assert "没有超过保存期限（183 天）的审计事件" in out.getvalue()
    first = AuditEvent.objects.order_by("seq").first()
    with connection.cursor() as cur:
        cur.execute("UPDATE core_auditevent SET action = %s WHERE seq = %s", ["x", first.seq])
    err = StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("audit_purge", stdout=StringIO(), stderr=err)
    assert exit_.value.code == 1 and "未清理任何事件" in err.getvalue()


def test_with_a_copy_only_the_copy_attests_a_purge(world, settings, tmp_path):
    """Someone holding the database and this machine's data directory deletes events, moves
    the chain's start after them and writes a purge line into the local anchor file: the copy
    elsewhere has no such purge, so the deletion is reported."""
    settings.XUNCHA_AUDIT_ANCHOR_COPY = str(tmp_path / "anchors-copy.log")
    events = list(AuditEvent.objects.order_by("seq"))
    i, j = _first_after(events, 5), _first_after(events, 12)
    audit_purge(now=_now_when_older_than(events[i]))
    assert "purged" in (tmp_path / "anchors-copy.log").read_text()
    assert audit_verify_chain()[1] is None
    with connection.cursor() as cur:
        cur.execute("DELETE FROM core_auditevent WHERE seq < %s", [events[j].seq])
        cur.execute(
            "UPDATE core_auditchainhead SET base_seq = %s, base_hash = %s WHERE id = 1",
            [events[j - 1].seq, events[j - 1].hash],
        )
    with open(anchor_path(), "a") as f:
        f.write(f"purged {events[j - 1].seq} {events[j - 1].hash} 2026-12-06T00:00:00+00:00\n")
    code, text = _verify()
    assert code == 1 and f"第 1 至 {events[j - 1].seq} 号事件已不在" in text


def test_no_purge_without_the_copy(world, settings, tmp_path):
    settings.XUNCHA_AUDIT_ANCHOR_COPY = str(tmp_path / "not-mounted" / "anchors.log")
    events = list(AuditEvent.objects.order_by("seq"))
    with pytest.raises(AnchorCopyMissing):
        audit_purge(now=_now_when_older_than(events[_first_after(events, 5)]))
    assert AuditEvent.objects.count() == len(events)
