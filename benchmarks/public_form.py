"""Public channel benchmark: concurrent anonymous reporters against the served platform (issue 4).

Sets up its own installation in a temporary data directory (SQLite there, or the PostgreSQL
database of --database-url, which it writes to), migrates, loads the demo county, and serves it as
production does (gunicorn xuncha.wsgi on a free local port), the public submission limit raised
(XUNCHA_PUBLIC_SUBMISSIONS_PER_HOUR) to measure the platform, not the limiter. --clients threads
then submit to one inspection in preparation for --seconds, each again as soon as answered: a page
client GETs /p/<public_id>/ (CSRF cookie and token) and POSTs the multipart form, every
--attach-every-th time with a tiny PNG; an API client POSTs JSON to
/api/v1/public/inspections/<public_id>/petitions. --mode mixed: half the clients of each kind.

Prints submissions attempted and accepted (a receipt code came back), errors by kind and the
exceptions in the server's log, accepted per second, CPU used, the submit request's latency
(p50/p95/p99/max), and "lost: N": receipt codes received whose hash is not in the database.
Exit code 1 if any accepted submission (or its PNG) is missing or the audit chain is broken.

Run from the project root:  .venv/bin/python benchmarks/public_form.py   (50 clients, 60 s)
"""

import argparse
import base64
import contextlib
import http.client
import json
import os
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
parser.add_argument("--clients", type=int, default=50, help="concurrent submitters (default 50)")
parser.add_argument("--seconds", type=float, default=60, help="duration of the run (default 60)")
parser.add_argument("--mode", choices=["page", "api", "mixed"], default="mixed", help="page, API or half each")
parser.add_argument("--attach-every", type=int, default=4, help="a PNG with every Nth page submission (default 4)")
parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes (default 4)")
parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker (default 4)")
parser.add_argument("--database-url", help="run against this PostgreSQL database (it is written to!) instead of SQLite")
parser.add_argument("--keep", action="store_true", help="keep the temporary data directory (printed) at the end")
args = parser.parse_args()

# The environment is set before the settings are imported, and gunicorn inherits it.
data_dir = tempfile.mkdtemp(prefix="xuncha-bench-public-")
os.environ["XUNCHA_DATA_DIR"] = data_dir
os.environ["XUNCHA_PUBLIC_SUBMISSIONS_PER_HOUR"] = "1000000000"
os.environ["XUNCHA_ALLOWED_HOSTS"] = "127.0.0.1"
os.environ["DJANGO_SETTINGS_MODULE"] = os.environ.get("DJANGO_SETTINGS_MODULE", "xuncha.settings")
os.environ.pop("DATABASE_URL", None)
if args.database_url:
    os.environ["DATABASE_URL"] = args.database_url

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402

from core.audit import audit_verify_chain  # noqa: E402
from onsite.models import Petition  # noqa: E402
from onsite.petitions import IDENTITY_FIELDS, PUBLIC_STAGES, receipt_hash  # noqa: E402
from planning.models import Inspection  # noqa: E402

# A 1x1 PNG (valid: the platform sniffs the content).
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
TOKEN_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CODE_RE = re.compile(r'class="p-code"[^>]*>([^<]+)<')
ALERT_RE = re.compile(r'class="alert alert-danger"[^>]*>([^<]+)<')
CONTENT = "某单位负责人在工程招标中涉嫌违规指定供应商，时间为去年三月，地点在单位会议室。" * 3
FORM = {"content": CONTENT, "accused": "张某（副局长）", "anonymous": "1"} | dict.fromkeys(IDENTITY_FIELDS, "")


class Submitter(threading.Thread):
    """One reporter: submits, and again, until the deadline. Keeps one keep-alive connection."""

    def __init__(self, n, kind, port, public_id, deadline):
        super().__init__(daemon=True)
        self.n, self.kind, self.port, self.public_id, self.deadline = n, kind, port, public_id, deadline
        self.conn, self.cookies, self.count = None, SimpleCookie(), 0
        self.latencies, self.errors = [], Counter()
        self.codes, self.with_png = [], []  # receipt codes; those sent with an attachment

    def request(self, method, url, body=None, headers=None):
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={m.value}" for k, m in self.cookies.items())
        try:
            self.conn.request(method, url, body=body, headers=headers)
            response = self.conn.getresponse()
            data = response.read()
        except Exception:
            self.conn.close()
            self.conn = None
            raise
        for header in response.headers.get_all("Set-Cookie") or ():
            self.cookies.load(header)
        return response.status, data

    def submit_page(self):
        url = f"/p/{self.public_id}/"
        status, page = self.request("GET", url)
        if status != 200:
            return f"page GET {status}", None, 0
        token = TOKEN_RE.search(page.decode())
        if not token:
            return "page GET without csrf token", None, 0
        fields = {"csrfmiddlewaretoken": token.group(1), "subject": f"基准测试反映 {self.n}-{self.count}", **FORM}
        png = self.count % args.attach_every == 0
        boundary = uuid.uuid4().hex
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
            for k, v in fields.items()
        ]
        if png:
            head = f'--{boundary}\r\nContent-Disposition: form-data; name="attachments"; filename="证据.png"\r\n'
            parts.append(f"{head}Content-Type: image/png\r\n\r\n".encode() + PNG + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        start = time.perf_counter()
        status, page = self.request("POST", url, body, headers)
        elapsed = time.perf_counter() - start
        if status != 200:
            return f"page POST {status}", None, elapsed
        text = page.decode()
        code = CODE_RE.search(text)
        if not code:
            alert = ALERT_RE.search(text)
            return f"page POST 200 without code: {alert.group(1).strip() if alert else '?'}", None, elapsed
        if png:
            self.with_png.append(code.group(1))
        return None, code.group(1), elapsed

    def submit_api(self):
        payload = {"subject": f"基准测试反映 {self.n}-{self.count}", "content": "接口提交的反映内容。" * 5}
        url, body = f"/api/v1/public/inspections/{self.public_id}/petitions", json.dumps(payload).encode()
        start = time.perf_counter()
        status, data = self.request("POST", url, body, {"Content-Type": "application/json"})
        elapsed = time.perf_counter() - start
        if status != 201:
            return f"api POST {status}", None, elapsed
        return None, json.loads(data)["receipt_code"], elapsed

    def run(self):
        while time.monotonic() < self.deadline:
            self.count += 1
            try:
                error, code, elapsed = self.submit_page() if self.kind == "page" else self.submit_api()
            except Exception as e:  # noqa: BLE001 - every failure is counted by its kind
                error, code, elapsed = f"{self.kind}: {type(e).__name__}", None, 0
            if elapsed:
                self.latencies.append(elapsed)
            if code:
                self.codes.append(code)
            else:
                self.errors[error] += 1


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tree_cpu(pid):
    """CPU seconds used so far by a process and its children (Linux /proc): gunicorn's workers."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if stat.parent.name == str(pid) or fields[1] == str(pid):
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def wait_until_up(port, public_id, server):
    for _ in range(200):  # a minute
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}: see gunicorn.log (--keep)")
        with contextlib.suppress(OSError):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", f"/p/{public_id}/")
            if conn.getresponse().status == 200:
                return
        time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer within a minute: see gunicorn.log (--keep)")


def main():
    print(f"data directory: {data_dir}   database: {connection.vendor}")
    call_command("migrate", verbosity=0)
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    inspection = Inspection.objects.filter(stage__in=PUBLIC_STAGES).order_by("pk").first()
    assert inspection is not None, "no inspection open to the public in the demo"
    before = Petition.objects.filter(inspection=inspection).count()
    connection.close()  # the server's workers do all the writing from here

    port = free_port()
    cmd = [str(ROOT / ".venv/bin/gunicorn"), "xuncha.wsgi", "--bind", f"127.0.0.1:{port}"]
    cmd += ["--workers", str(args.workers), "--threads", str(args.threads), "--log-level", "warning"]
    print("serving:", " ".join(cmd))
    log = open(Path(data_dir) / "gunicorn.log", "wb")  # noqa: SIM115
    server = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_until_up(port, inspection.public_id, server)
        kinds = {"page": ["page"], "api": ["api"], "mixed": ["page", "api"]}[args.mode]
        print(f"inspection: {inspection} (/p/{inspection.public_id}/)   clients: {args.clients} ({args.mode})")
        print("load average before the run: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
        start, cpu, server_cpu = time.monotonic(), resource.getrusage(resource.RUSAGE_SELF), tree_cpu(server.pid)
        clients = [
            Submitter(n, kinds[n % len(kinds)], port, inspection.public_id, start + args.seconds)
            for n in range(args.clients)
        ]
        for c in clients:
            c.start()
        for c in clients:
            c.join()
        elapsed, now = time.monotonic() - start, resource.getrusage(resource.RUSAGE_SELF)
        client_cpu = now.ru_utime + now.ru_stime - cpu.ru_utime - cpu.ru_stime
        server_cpu = tree_cpu(server.pid) - server_cpu
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()

    codes = [code for c in clients for code in c.codes]
    errors = sum((c.errors for c in clients), Counter())
    attempted = sum(c.count for c in clients)
    print(f"\nran {elapsed:.1f} s   attempted: {attempted}   accepted: {len(codes)}   errors: {errors.total()}")
    for kind, n in errors.most_common():
        print(f"  {n:6d}  {kind}")
    logged = (Path(data_dir) / "gunicorn.log").read_text(errors="replace").splitlines()
    for line, n in Counter(x for x in logged if re.match(r"[\w.]+(Error|Exception): ", x)).most_common():
        print(f"  {n:6d}  in the server log: {line[:150]}")
    print(f"throughput: {len(codes) / elapsed:.1f} accepted/s")
    per = server_cpu / max(1, len(codes)) * 1000
    print(f"CPU seconds: server {server_cpu:.0f} ({per:.0f} ms per accepted), clients {client_cpu:.0f}, ", end="")
    print(f"of {elapsed * os.cpu_count():.0f} on {os.cpu_count()} cores (others' processes share them)")
    for kind in ["all", *kinds] if len(kinds) > 1 else kinds:
        ms = sorted(x * 1000 for c in clients if kind in ("all", c.kind) for x in c.latencies)
        if len(ms) >= 2:
            q = statistics.quantiles(ms, n=100, method="inclusive")
            print(f"submit latency ms ({kind}, {len(ms)}): p50 {q[49]:.0f}   p95 {q[94]:.0f}   ", end="")
            print(f"p99 {q[98]:.0f}   max {ms[-1]:.0f}")

    # Every receipt code a client received must open a stored petition (by its hash), with its PNG.
    rows = Petition.objects.filter(inspection=inspection).annotate(n=Count("attachments"))
    stored = dict(rows.values_list("receipt_code_hash", "n"))
    hashes = [receipt_hash(code) for code in codes]
    lost = sum(h not in stored for h in hashes) + len(hashes) - len(set(hashes))  # a repeated code is lost too
    png = [receipt_hash(code) for c in clients for code in c.with_png]
    png_stored = sum(stored.get(h, 0) >= 1 for h in png)
    print(f"petitions stored by the run: {rows.count() - before}   with the PNG: {png_stored} of {len(png)} sent")
    checked, broken = audit_verify_chain()
    print(f"audit chain: {checked} events, {'intact' if broken is None else 'BROKEN: ' + broken.reason}")
    print(f"lost: {lost}")
    return 1 if lost or png_stored != len(png) or broken is not None else 0


if __name__ == "__main__":
    status = 1
    try:
        status = main()
    finally:
        connection.close()
        if args.keep:
            print(f"kept: {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)
    sys.exit(status)
