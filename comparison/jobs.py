"""Background tasks of data comparison (django-tasks, the database backend of ``settings.TASKS``).

``comparison.runs.run_start`` queues ``run_task`` for a run; ``manage.py db_worker`` (which
``make run`` starts beside the server) runs it: ``comparison.runs.run_execute`` does the work
and records progress, cancelling, failure and the hits on the run itself.
"""

from __future__ import annotations

import logging

from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def run_task(run_id: int) -> dict:
    """Run comparison run ``run_id`` to its end."""
    from comparison.runs import run_execute

    status = run_execute(run_id)
    logger.info("comparison run %s: %s", run_id, status)
    return {"run": run_id, "status": status}
