"""Daily background work of the core (run by ``manage.py run_periodic`` with the others)."""

from __future__ import annotations

import logging

from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def audit_daily(on: str | None = None) -> dict:
    """Purge the events past retention (``core.audit_retention``, which verifies the chain
    first), then anchor the chain's head outside the database; a broken chain is neither purged
    nor anchored, and fails the task, so that the scheduler's log shows it."""
    from core.audit import audit_anchor
    from core.audit_retention import audit_purge

    purge = audit_purge()  # verifies the whole chain first: a broken one is neither purged nor anchored
    anchored = audit_anchor()
    logger.info("audit chain anchored at %s; purged %s", anchored, purge.count if purge else 0)
    return {"on": on, "anchored": anchored, "purged": purge.count if purge else 0}
