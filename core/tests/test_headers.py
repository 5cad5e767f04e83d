"""Headers every answer carries (issue 14): a Content-Security-Policy with no inline script on
every page, and a Permissions-Policy; and, so that the policy breaks nothing, no template holds
an inline script, an on… handler or a javascript: address (pages mark confirmations and
auto-submits with data- attributes that static/js/xuncha.js reads)."""

import re
from pathlib import Path

from django.test import Client

ROOT = Path(__file__).resolve().parents[2]
APPS = ("core", "registry", "planning", "onsite", "results", "rectification", "comparison", "templates")


def _templates():
    for app in APPS:
        yield from (ROOT / app).rglob("*.html")


def test_no_template_has_inline_script_or_handlers():
    found = []
    for path in _templates():
        text = path.read_text(encoding="utf-8")
        for pattern in (r"<script(?![^>]*\bsrc=)[^>]*>", r"\son[a-z]+\s*=", r"javascript:"):
            found += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in re.finditer(pattern, text, re.I)]
    assert found == []
    assert sum(1 for _ in _templates()) > 100  # the scan reads the templates


def test_pages_carry_the_policies_and_downloads_the_permissions_one(world, login):
    page = login(world["a"].users["office"]).get("/")
    policy = page["Content-Security-Policy"]
    script = next(part for part in policy.split("; ") if part.startswith("script-src"))
    assert script == "script-src 'self'" and "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert "camera=()" in page["Permissions-Policy"] and page["X-Frame-Options"] == "DENY"
    public = Client().get(f"/p/{world['a'].inspection.public_id}/")
    assert public.status_code == 200 and public["Content-Security-Policy"] == policy
    template = login(world["a"].users["office"]).get("/registry/template.xlsx")
    assert template.status_code == 200 and "Content-Security-Policy" not in template
    assert template["Permissions-Policy"] == page["Permissions-Policy"]


def test_the_sqlite_database_is_private(tmp_path, django_db_blocker):
    """A file database opened by the app is made mode 0600, and SQLite's WAL follows it."""
    import os
    import sqlite3
    import stat

    from django.db import connections
    from django.db.backends.sqlite3.base import DatabaseWrapper

    path = tmp_path / "x.sqlite3"
    sqlite3.connect(path).close()
    os.chmod(path, 0o644)
    settings_dict = {**connections["default"].settings_dict, "ENGINE": "django.db.backends.sqlite3", "NAME": str(path)}
    settings_dict["OPTIONS"] = {"init_command": "PRAGMA journal_mode=WAL"}
    wrapper = DatabaseWrapper(settings_dict, alias="private_test")
    with django_db_blocker.unblock(), wrapper.cursor() as cur:  # a database of its own, not the test's
        cur.execute("CREATE TABLE t (x)")
        cur.execute("INSERT INTO t VALUES (1)")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    wal = tmp_path / "x.sqlite3-wal"
    assert not wal.exists() or stat.S_IMODE(wal.stat().st_mode) == 0o600
    wrapper.close()
