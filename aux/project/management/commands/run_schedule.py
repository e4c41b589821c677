"""Run the beat schedule of settings in this process (the demo's stand-in for `celery beat`)."""

import time
from datetime import UTC, datetime

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from aux.schedule import Scheduler


class Command(BaseCommand):
    help = (
        "Run the periodic tasks of CELERY_BEAT_SCHEDULE (sweeps, reconciliation, expiries) in "
        "this process: the demo has no celery beat. `make run` starts it next to the site."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="Run every entry once now, then exit."
        )
        parser.add_argument(
            "--max-sleep", type=float, default=30.0,
            help="Look at the schedule at least this often (seconds).",
        )  # fmt: skip

    def handle(self, *args, once: bool = False, max_sleep: float = 30.0, **options):
        if once:
            scheduler = Scheduler(start=datetime(2000, 1, 1, tzinfo=UTC))
            ran = scheduler.tick()
            close_old_connections()
            self.stdout.write(f"ran {len(ran)} scheduled tasks: {', '.join(ran)}")
            return
        scheduler = Scheduler()
        self.stdout.write(f"running {len(scheduler.entries)} scheduled tasks; Ctrl-C stops")
        self.stdout.flush()
        try:
            while True:
                scheduler.tick()
                close_old_connections()
                time.sleep(min(max(scheduler.seconds_to_next(), 1.0), max_sleep))
        except KeyboardInterrupt:
            return
