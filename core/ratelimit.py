"""Rate limiting, one way for every stage: a counter per key and fixed window, in the cache.

``rate_take`` counts one use and says whether it is within the limit; a service that
refuses raises ``RateLimited`` with a Chinese message for the person, which the page shows
and the API answers as 429 (code ``rate_limited``). Keys name no person and no address.

The count is as exact as the cache's ``incr``: atomic in Redis and Memcached, under one
process's lock in the local-memory cache, but a read and a write in the file and database
caches, where concurrent uses may be counted once. The window is fixed (it starts on a
multiple of its length), so up to twice the limit can pass across a window's boundary.
"""

from __future__ import annotations

import time

from django.core.cache import cache

PREFIX = "xuncha:rate:"


class RateLimited(Exception):
    """Too many uses in the window; the message is for the person who tried."""


def rate_take(key: str, limit: int, window: int) -> bool:
    """Count one use of ``key`` in the current window of ``window`` seconds (in the cache);
    False when the ``limit`` is already reached. Keys name no person and no address."""
    name = f"{PREFIX}{key}:{int(time.time() // window)}"
    cache.add(name, 0, timeout=window + 5)
    try:
        used = cache.incr(name)
    except ValueError:  # expired between add and incr
        cache.set(name, 1, timeout=window + 5)
        used = 1
    return used <= limit
