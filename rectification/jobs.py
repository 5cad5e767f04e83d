"""Background tasks of rectification (django-tasks, the database backend of ``settings.TASKS``).

``manage.py run_periodic`` enqueues each task of ``DAILY`` once a day (``daily_enqueue``);
``manage.py db_worker`` runs what is queued. A task takes the day as an ISO date string
(task arguments are stored as JSON), so a run late in the night or retried the next
morning still works on the day it was meant for.
"""

from __future__ import annotations

import datetime
import logging

from django.utils import timezone
from django_tasks import task

from core.jobs import audit_daily

logger = logging.getLogger(__name__)
ATTEMPTS_PER_DAY = 3  # a daily task that failed is queued again, at most this many times a day


@task()
def reminders_daily(on: str | None = None) -> dict:
    """Raise the reminders due on ``on`` (default today): ``rectification.reminders.reminders_raise``."""
    from rectification.reminders import reminders_raise

    day = datetime.date.fromisoformat(on) if on else timezone.localdate()
    raised = reminders_raise(on=day)
    counts: dict[str, int] = {}
    for reminder in raised:
        counts[reminder.kind] = counts.get(reminder.kind, 0) + 1
    logger.info("reminders raised on %s: %s", day, counts or "none")
    return {"on": day.isoformat(), "raised": len(raised), "by_kind": counts}


# The tasks run_periodic enqueues once a day (the audit trail's anchor and purge among them).
DAILY = (reminders_daily, audit_daily)


def daily_enqueue(on: datetime.date | None = None) -> list[str]:
    """Enqueue each daily task for ``on`` (default today) unless it is queued, running or done
    for that day already (or failed ``ATTEMPTS_PER_DAY`` times); answers the paths enqueued.

    Safe to call as often as one likes: the scheduler calls it every few minutes, and a
    restart on the same day enqueues nothing new. The tasks themselves are idempotent too.
    """
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    day = (on or timezone.localdate()).isoformat()
    enqueued = []
    for job in DAILY:
        earlier = list(
            DBTaskResult.objects.filter(task_path=job.module_path, args_kwargs__kwargs__on=day).values_list(
                "status", flat=True
            )
        )
        failed = sum(1 for status in earlier if status == TaskResultStatus.FAILED)
        if len(earlier) > failed or failed >= ATTEMPTS_PER_DAY:
            continue
        job.enqueue(on=day)
        enqueued.append(job.module_path)
    return enqueued
