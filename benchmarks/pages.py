"""Page benchmark: server time and SQL query counts of the main list pages.

What it measures, in-process through Django's test client (full middleware stack, no network):

- the median server time of ~30 requests to the registry list (``/registry/``, as ``qh_office``),
  the workbench (``/``, as ``qh_office``), the audit list (``/audit/``, as ``qh_auditor``) and the
  term's coverage page (``/planning/terms/<id>/coverage/``) and a team page (``/planning/teams/<id>/``),
  both as ``qh_office``,
  and its ratio to a trivial ``HttpResponse("ok")`` view behind the same middleware and login;
- the number of SQL queries of each page at ``?per_page=10`` and ``?per_page=100``. They must be
  equal: a page of 100 rows must cost no more queries than a page of 10 (no N+1).

It loads the demo county (``load_demo --scale N``) into a fresh temporary data directory, which is
deleted at the end. With ``DATABASE_URL`` set it writes to that database instead (with a warning).

Run from the project root:  .venv/bin/python benchmarks/pages.py --scale 10   (or: make benchmark)
Exit code 1 if any page's query counts differ, else 0.
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--scale", type=int, default=10, help="demo organisation multiplier (default 10)")
parser.add_argument("--repeat", type=int, default=30, help="timed requests per page (default 30)")
parser.add_argument("--sql", action="store_true", help="print the SQL of each page at per_page=100")
args = parser.parse_args()

# The data directory must be set before the settings module is imported.
data_dir = tempfile.mkdtemp(prefix="xuncha-bench-")
os.environ["XUNCHA_DATA_DIR"] = data_dir
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xuncha.settings")
if os.environ.get("DATABASE_URL"):
    print("WARNING: DATABASE_URL is set: the demo data will be written to that database.", file=sys.stderr)

# WhiteNoise warns that STATIC_ROOT does not exist; it serves from the finders here (harmless).
warnings.filterwarnings("ignore", message="No directory at")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import clear_url_caches, path  # noqa: E402

import xuncha.urls  # noqa: E402
from core.models import AuditEvent, User  # noqa: E402
from planning.models import Team, Term  # noqa: E402
from registry.models import Organization  # noqa: E402


def minimal(request):
    return HttpResponse("ok")


xuncha.urls.urlpatterns.append(path("__bench_minimal__/", minimal))
clear_url_caches()

PAGES = [  # (label, url, account)
    ("minimal view", "/__bench_minimal__/", "qh_office"),
    ("registry list", "/registry/", "qh_office"),
    ("workbench", "/", "qh_office"),
    ("audit list", "/audit/", "qh_auditor"),
]


def client_for(username):
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def median_times(clients):
    """Median ms per page. Requests go round-robin over the pages so that noise from other
    processes on the machine hits every page alike and the ratios stay comparable."""
    for _ in range(3):  # warm-up: templates, caches, connection
        for url, client in clients:
            client.get(url)
    times = [[] for _ in clients]
    for _ in range(args.repeat):
        for (url, client), samples in zip(clients, times, strict=True):
            start = time.perf_counter()
            response = client.get(url)
            samples.append(time.perf_counter() - start)
            assert response.status_code == 200, (url, response.status_code)
    return [statistics.median(samples) * 1000 for samples in times]


def query_count(client, url, per_page):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"{url}?per_page={per_page}")
    assert response.status_code == 200, (url, response.status_code)
    if args.sql and per_page == 100:
        print(f"\n-- SQL of {url}?per_page=100 ({len(ctx.captured_queries)} queries)")
        for q in ctx.captured_queries:
            print(f"[{q['time']}s] {q['sql']}")
    return len(ctx.captured_queries)


def main():
    call_command("migrate", verbosity=0)
    call_command("load_demo", scale=args.scale, stdout=open(os.devnull, "w"))  # noqa: SIM115
    accounts = (Path(data_dir) / "demo-accounts.txt").read_text(encoding="utf-8").split()
    assert "qh_office" in accounts and "qh_auditor" in accounts, "demo accounts missing"
    term = Term.objects.get(authority__code="MH-QH")
    PAGES.append(("coverage", f"/planning/terms/{term.pk}/coverage/", "qh_office"))
    team = Team.objects.get(round__term=term, round__number=7, name="第一巡察组")
    PAGES.append(("team", f"/planning/teams/{team.pk}/", "qh_office"))

    clients = [(url, client_for(username)) for _, url, username in PAGES]
    medians = median_times(clients)
    rows, ok = [], True
    for (label, url, _), (_, client), ms in zip(PAGES, clients, medians, strict=True):
        q10, q100 = query_count(client, url, 10), query_count(client, url, 100)
        ok &= q10 == q100
        rows.append((label, url, ms, q10, q100))

    base = rows[0][2]
    print(f"database: {connection.vendor}   scale: {args.scale}   ", end="")
    print(f"organisations: {Organization.objects.count()}   audit events: {AuditEvent.objects.count()}")
    print(f"median of {args.repeat} requests per page (round-robin) after 3 warm-up rounds\n")
    head = f"{'page':<14} | {'url':<20} | {'median ms':>9} | {'ratio':>6} | {'q@10':>5} | {'q@100':>5} | equal"
    print(head)
    print("-" * len(head))
    for label, url, ms, q10, q100 in rows:
        equal = "yes" if q10 == q100 else "NO"
        print(f"{label:<14} | {url:<20} | {ms:9.2f} | {ms / base:6.1f} | {q10:5d} | {q100:5d} | {equal}")
    if not ok:
        print("\nFAIL: a page's query count grows with the page size (N+1 queries).")
    return 0 if ok else 1


if __name__ == "__main__":
    try:
        status = main()
    finally:
        connection.close()
        shutil.rmtree(data_dir, ignore_errors=True)
    sys.exit(status)
