"""The rate counter (core.ratelimit): a limit per key and window, in database rows that
every worker shares."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from core import ratelimit
from core.models import RateCounter
from core.ratelimit import rate_clear, rate_miss, rate_take, rate_used, rate_wait

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def clock(monkeypatch):
    now = [1_000_000.0]
    monkeypatch.setattr(ratelimit, "_now", lambda: now[0])
    return now


def test_uses_past_the_limit_are_refused_per_key_and_window(clock):
    assert [rate_take("a", 3, 60) for _ in range(5)] == [True, True, True, False, False]
    assert rate_used("a", 60) == 3  # refusals are not counted
    assert rate_take("b", 3, 60)  # another key counts on its own
    clock[0] += 60  # the next window starts afresh
    assert [rate_take("a", 3, 60) for _ in range(4)] == [True, True, True, False]


def test_a_new_window_clears_the_rows_of_windows_that_have_passed(clock):
    rate_take("a", 3, 60)
    rate_take("b", 3, 3600)
    clock[0] += 120
    rate_take("c", 3, 60)
    assert sorted(k.split(":")[0] for k in RateCounter.objects.values_list("key", flat=True)) == ["b", "c"]


def test_clearing_starts_the_window_afresh(clock):
    for _ in range(3):
        rate_take("a", 3, 60)
    assert not rate_take("a", 3, 60)
    assert rate_clear("a", 60) == 3
    assert rate_take("a", 3, 60)


def test_the_wait_doubles_with_each_miss_past_the_free_ones(clock):
    waits = []
    for _ in range(6):
        rate_miss("m", 3600)
        waits.append(rate_wait("m", 3600, free=2, cap=10))
    assert waits == [0, 0, 2, 4, 8, 10]  # capped at 10 s
    clock[0] += 4
    assert rate_wait("m", 3600, free=2, cap=10) == 6
    clock[0] += 6
    assert rate_wait("m", 3600, free=2, cap=10) == 0


WORKER = """
import os, sys, time
import django
os.environ["DJANGO_SETTINGS_MODULE"] = "xuncha.settings"
django.setup()
from core.ratelimit import rate_take
at, limit, each = float(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
time.sleep(max(0.0, at - time.time()))
print(sum(rate_take("together", limit, 3600) for _ in range(each)))
"""


def _database_url(tmp_path) -> str:
    """The database the worker processes share: this test's on PostgreSQL; on SQLite (whose
    test database is in memory, one process's) a file like production's, migrated first."""
    s = connection.settings_dict
    if connection.vendor == "postgresql":
        return f"postgres://{s['USER']}:{s['PASSWORD'] or ''}@{s['HOST']}:{s['PORT']}/{s['NAME']}"
    url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    env = {**os.environ, "DATABASE_URL": url, "XUNCHA_DATA_DIR": str(tmp_path)}
    subprocess.run([sys.executable, "manage.py", "migrate", "core", "-v", "0"], env=env, check=True, cwd=ROOT)
    return url


@pytest.mark.django_db(transaction=True)
def test_a_limit_of_n_lets_exactly_n_through_from_many_workers_at_once(tmp_path):
    """Worker processes (as gunicorn's are), each with its own connection, take from one
    counter at the same moment; exactly the limit passes."""
    limit, workers, each = 25, 6, 10
    url = _database_url(tmp_path)
    env = {**os.environ, "DATABASE_URL": url, "XUNCHA_DATA_DIR": str(tmp_path)}
    at = time.time() + 8
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(at), str(limit), str(each)],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(workers)
    ]
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0] * workers, [err for _, err in results]
    assert sum(int(out) for out, _ in results) == limit
    if connection.vendor == "postgresql":
        assert rate_used("together", 3600) == limit
