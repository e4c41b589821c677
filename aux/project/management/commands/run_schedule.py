"""Run the beat schedule of settings in this process (the demo's stand-in for `celery beat`)."""

import time
from datetime import UTC, datetime

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from aux.schedule import STANDBY_SECONDS, BeatLock, Scheduler


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
        lock = BeatLock()  # one scheduler per database (aux/schedule.py)
        self.stdout.write(f"running {len(scheduler.entries)} scheduled tasks; Ctrl-C stops")
        self.stdout.flush()
        try:
            while True:
                if lock.held():
                    scheduler.tick()
                    close_old_connections()
                    wait = scheduler.seconds_to_next()
                else:
                    wait = STANDBY_SECONDS
                time.sleep(min(max(wait, 1.0), max_sleep))
        except KeyboardInterrupt:
            return
        finally:
            lock.release()
