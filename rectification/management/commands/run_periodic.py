"""The scheduler: enqueue the daily background tasks once a day; ``manage.py db_worker`` runs them.

On start it enqueues today's tasks, then checks every ``--interval`` minutes whether a new
day has begun (or a task of today failed and may be tried again). ``--once`` enqueues
today's tasks and exits (for cron, or a systemd timer). It only queues; if no worker runs,
the tasks wait in the database until one does.
"""

from __future__ import annotations

import signal
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from rectification.jobs import daily_enqueue


class Command(BaseCommand):
    help = "定时任务调度：每天将整改督促等日常任务放入后台队列（由 db_worker 执行）。"

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="只放入今天的任务一次，然后退出。")
        parser.add_argument(
            "--interval", type=float, default=10.0, help="检查间隔（分钟，默认 10）：跨日后放入新一天的任务。"
        )

    def handle(self, *args, once: bool = False, interval: float = 10.0, **options):
        if interval <= 0:
            raise CommandError("--interval 须大于 0。")
        self.running = True
        if not once:
            for sig in (signal.SIGINT, signal.SIGTERM):
                signal.signal(sig, self._stop)
        while True:
            close_old_connections()
            for path in daily_enqueue():
                self.stdout.write(f"已放入后台队列：{path}")
            close_old_connections()
            if once:
                return
            deadline = time.monotonic() + interval * 60
            while self.running and time.monotonic() < deadline:
                time.sleep(min(1.0, max(0.0, deadline - time.monotonic())))
            if not self.running:
                self.stdout.write("定时任务调度已停止。")
                return

    def _stop(self, signum, frame):
        self.running = False
