"""Daily background work of the core (run by ``manage.py run_periodic`` with the others)."""

from __future__ import annotations

import logging

from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def audit_daily(on: str | None = None) -> dict:
    """Anchor the audit chain's head outside the database, then purge the events past
    retention (``core.audit_retention``); a broken chain is purged of nothing and fails the
    task, so that the scheduler's log shows it."""
    from core.audit import audit_anchor
    from core.audit_retention import audit_purge

    anchored = audit_anchor()
    purge = audit_purge()
    logger.info("audit chain anchored at %s; purged %s", anchored, purge.count if purge else 0)
    return {"on": on, "anchored": anchored, "purged": purge.count if purge else 0}
