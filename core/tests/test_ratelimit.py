"""The rate counter (core.ratelimit): a limit per key and window, in the cache."""

from django.core.cache.backends.locmem import LocMemCache

from core import ratelimit
from core.ratelimit import rate_take


def test_uses_past_the_limit_are_refused_per_key_and_window(monkeypatch):
    now = [1_000_000.0]
    monkeypatch.setattr(ratelimit.time, "time", lambda: now[0])
    assert [rate_take("a", 3, 60) for _ in range(5)] == [True, True, True, False, False]
    assert rate_take("b", 3, 60)  # another key counts on its own
    now[0] += 60  # the next window starts afresh
    assert [rate_take("a", 3, 60) for _ in range(4)] == [True, True, True, False]


class Expiring(LocMemCache):
    """A cache whose counters expire between ``add`` and ``incr``."""

    def incr(self, key, delta=1, version=None):
        self.delete(key, version=version)
        return super().incr(key, delta, version)


def test_a_counter_that_expired_between_add_and_incr_starts_again(monkeypatch):
    stub = Expiring("expiring", {})
    monkeypatch.setattr(ratelimit, "cache", stub)
    monkeypatch.setattr(ratelimit.time, "time", lambda: 130.0)
    assert rate_take("c", 1, 60)
    assert stub.get("xuncha:rate:c:2") == 1  # counted once, in the window of 120-179 s
