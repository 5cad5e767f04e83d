"""Rate limiting, one way for every stage: a counter per key and fixed window, in the database.

``rate_take`` counts one use and says whether it is within the limit; a service that refuses
raises ``RateLimited`` with a Chinese message for the person, which the page shows and the
API answers as 429 (code ``rate_limited``).

The count is exact across processes and servers: one row per key and window
(``RateCounter``), created if missing (INSERT … ON CONFLICT DO NOTHING) and raised by one
conditional UPDATE (``count < limit``) that the database applies to the row one writer at a
time, so a limit of N lets exactly N uses through however many workers ask at once. The
window is fixed (it starts on a multiple of its length).

``rate_miss`` and ``rate_wait`` give a growing delay: past a few free misses in the window,
each further miss doubles the time the client must wait before trying again.

Keys name no person and no address: a public client is ``client_tag(request)``, a keyed
hash of its address that changes every day and lives only as long as its counters.
"""

from __future__ import annotations

import math
import time
from datetime import UTC, datetime

from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac

from core.middleware import client_ip
from core.models import RateCounter


class RateLimited(Exception):
    """Too many uses in the window; the message is for the person who tried."""


def _now() -> float:
    return time.time()


def _window(key: str, window: int) -> tuple[str, datetime]:
    """The counter's row name in the current window, and when that window ends."""
    index = int(_now() // window)
    return f"{key}:{index}", datetime.fromtimestamp((index + 1) * window, UTC)


def window_ends(window: int) -> datetime:
    """When the current window of ``window`` seconds ends."""
    return _window("", window)[1]


def _ensure(name: str, ends: datetime) -> None:
    """The window's row exists; a new window first clears the rows whose windows have passed."""
    if RateCounter.objects.filter(key=name).exists():
        return
    now = datetime.fromtimestamp(_now(), UTC)
    RateCounter.objects.filter(expires_at__lt=now).delete()
    RateCounter.objects.bulk_create(
        [RateCounter(key=name, count=0, last_at=now, expires_at=ends)], ignore_conflicts=True
    )


def rate_take(key: str, limit: int, window: int) -> bool:
    """Count one use of ``key`` in the current window of ``window`` seconds; False (and not
    counted) when the ``limit`` is already reached."""
    name, ends = _window(key, window)
    _ensure(name, ends)
    now = datetime.fromtimestamp(_now(), UTC)
    return RateCounter.objects.filter(key=name, count__lt=limit).update(count=F("count") + 1, last_at=now) == 1


def rate_used(key: str, window: int) -> int:
    """How many uses of ``key`` the current window has counted."""
    name, _ = _window(key, window)
    return RateCounter.objects.filter(key=name).values_list("count", flat=True).first() or 0


def rate_clear(key: str, window: int) -> int:
    """Start ``key``'s current window afresh; returns the count it had."""
    name, _ = _window(key, window)
    used = rate_used(key, window)
    RateCounter.objects.filter(key=name).delete()
    return used


def rate_miss(key: str, window: int) -> None:
    """Count one miss of ``key`` (no limit), for ``rate_wait``."""
    name, ends = _window(key, window)
    _ensure(name, ends)
    now = datetime.fromtimestamp(_now(), UTC)
    RateCounter.objects.filter(key=name).update(count=F("count") + 1, last_at=now)


def rate_wait(key: str, window: int, *, free: int, cap: int) -> int:
    """Seconds the client must still wait after its last miss: nothing for the first ``free``
    misses in the window, then 2, 4, 8 … seconds, at most ``cap``."""
    name, _ = _window(key, window)
    row = RateCounter.objects.filter(key=name).values_list("count", "last_at").first()
    if row is None or row[0] <= free:
        return 0
    delay = min(2 ** min(row[0] - free, 30), cap)
    left = row[1].timestamp() + delay - _now()
    return max(0, math.ceil(left))


def client_tag(request) -> str:
    """The public client, for its counters: a keyed hash of its address and today's date, so
    that no address is stored and yesterday's counters cannot be linked to today's."""
    day = timezone.localdate().isoformat()
    return salted_hmac("xuncha.ratelimit.client", f"{day}|{client_ip(request) or '-'}").hexdigest()[:24]
