"""How much the public reporting channel takes, and the office's view of a flood.

A client (``core.ratelimit.client_tag``: a keyed hash of its address, never the address)
may send a few reports an hour to one inspection; all clients together may send
``PUBLIC_SUBMISSIONS_PER_HOUR``. Past that the channel pauses until the hour ends: the
first refusal in the hour is audited (``petition.flood``), the petitions page shows the
pause to whoever may designate intake, and they can lift it (``petition.flood_lift``).
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from core import access
from core.audit import audit_record
from core.ratelimit import RateLimited, rate_clear, rate_take, rate_used, window_ends
from planning.models import Inspection

WINDOW = 3600


def _flood_key(inspection: Inspection) -> str:
    return f"submit:{inspection.pk}"


def public_submit_take(inspection: Inspection, client: str) -> None:
    """Count one report from ``client``; raises ``RateLimited`` past the client's or the
    inspection's limit for the hour."""
    cfg = settings.XUNCHA
    if not rate_take(f"submit:{inspection.pk}:{client}", int(cfg["PUBLIC_SUBMISSIONS_PER_CLIENT_PER_HOUR"]), WINDOW):
        raise RateLimited("您本小时提交的反映较多，请稍后再试，或通过值班电话、邮政信箱反映。")
    if not rate_take(_flood_key(inspection), int(cfg["PUBLIC_SUBMISSIONS_PER_HOUR"]), WINDOW):
        if rate_take(f"flood-noted:{inspection.pk}", 1, WINDOW):
            audit_record(
                actor=None,
                action="petition.flood",
                outcome="denied",
                obj=inspection,
                authority=inspection.authority,
                detail={"limit": int(cfg["PUBLIC_SUBMISSIONS_PER_HOUR"])},
            )
        raise RateLimited("当前提交较多，请稍后再试，或通过值班电话、邮政信箱反映。")


def public_channel_state(*, actor, inspection: Inspection) -> dict:
    """This hour's online reports to the inspection, for whoever designates intake:
    ``received``, ``limit``, ``paused`` (the limit reached) and ``until`` (when the hour
    ends, local time)."""
    access.require(actor, "petition.designate_intake", inspection)
    limit = int(settings.XUNCHA["PUBLIC_SUBMISSIONS_PER_HOUR"])
    received = rate_used(_flood_key(inspection), WINDOW)
    until = timezone.localtime(window_ends(WINDOW))
    return {"received": received, "limit": limit, "paused": received >= limit, "until": until}


def public_channel_lift(*, actor, inspection: Inspection) -> int:
    """Reopen a paused channel for another ``PUBLIC_SUBMISSIONS_PER_HOUR`` reports this hour;
    returns how many the hour had taken. Audited."""
    access.require(actor, "petition.designate_intake", inspection)
    received = rate_clear(_flood_key(inspection), WINDOW)
    rate_clear(f"flood-noted:{inspection.pk}", WINDOW)
    audit_record(actor=actor, action="petition.flood_lift", obj=inspection, detail={"received": received})
    return received
