"""The audit chain keyed with the installation's audit key (HMAC-SHA256, decision 0002).

The events already written carry plain SHA-256 hashes. This migration checks that chain as
it stands and, for the intact part from the first event, writes the keyed hashes; an event
from the first break on keeps its hash, so that ``audit_verify`` still reports the break
instead of the migration laundering it.
"""

import hashlib
import hmac
import json
from datetime import UTC

from django.conf import settings
from django.db import migrations

GENESIS = "0" * 64


def _payload(e) -> bytes:
    fields = [
        e.seq, e.at.astimezone(UTC).isoformat(), e.authority_id, e.actor_id, e.actor_username, e.roles, e.ip,
        e.action, e.object_type, e.object_id, e.object_repr, e.outcome, e.detail, e.trace_id, e.prev_hash,
    ]  # fmt: skip
    return json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode("utf-8")


def rekey(apps, schema_editor):
    AuditEvent = apps.get_model("core", "AuditEvent")
    AuditChainHead = apps.get_model("core", "AuditChainHead")
    key = settings.AUDIT_KEY.encode("utf-8")
    old_prev, new_prev, expected = GENESIS, GENESIS, 1
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=2000):
        if event.seq != expected or event.prev_hash != old_prev:
            return  # a break: left for audit_verify to report
        if hashlib.sha256(_payload(event)).hexdigest() != event.hash:
            return
        old_prev, expected = event.hash, expected + 1
        event.prev_hash = new_prev
        event.hash = hmac.new(key, _payload(event), hashlib.sha256).hexdigest()
        # The model refuses save() on an event; the historical model's queryset is plain.
        AuditEvent.objects.filter(pk=event.pk).update(prev_hash=event.prev_hash, hash=event.hash)
        new_prev = event.hash
    AuditChainHead.objects.filter(pk=1, last_seq=expected - 1, last_hash=old_prev).update(last_hash=new_prev)


class Migration(migrations.Migration):
    dependencies = [("core", "0005_alter_roleassignment_role")]
    operations = [migrations.RunPython(rekey, migrations.RunPython.noop)]
