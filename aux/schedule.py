"""Celery beat's schedule without beat: the demo runs its periodic tasks in one small process.

The demo (`make run`: SQLite, no Redis, eager Celery) has no beat, so the sweeps that redo lost
work and the nightly reconciliation never ran there. `manage.py run_schedule`, started in the
background by `make run`, runs the one schedule declared in settings (CELERY_BEAT_SCHEDULE) with
beat's own rules (`celery.schedules`): an entry is due one interval (or at the next crontab time)
after it last ran, counted from the start. Each due task goes through `aux.dispatch.enqueue`: in
eager mode it runs here (a failure is logged, the next run tries again); with a broker it is
queued, as beat would. Production runs `celery beat` instead (docker-compose.yml).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from celery.schedules import maybe_schedule
from django.conf import settings
from django.utils import timezone

from aux.celery import app
from aux.dispatch import enqueue

logger = logging.getLogger(__name__)


class Scheduler:
    """The entries of a beat schedule and when each last ran; `tick()` runs the due ones."""

    def __init__(
        self, *, schedule: dict[str, dict[str, Any]] | None = None, start: datetime | None = None
    ) -> None:
        schedule = settings.CELERY_BEAT_SCHEDULE if schedule is None else schedule
        self.entries = {
            name: (
                spec["task"], maybe_schedule(spec["schedule"], app=app),
                tuple(spec.get("args", ())), dict(spec.get("kwargs", {})),
            )
            for name, spec in schedule.items()
        }  # fmt: skip
        start = start or timezone.now()
        self.last_run = dict.fromkeys(self.entries, start)

    def due(self) -> list[str]:
        return [
            name
            for name, (_task, when, _args, _kwargs) in self.entries.items()
            if when.is_due(self.last_run[name]).is_due
        ]

    def seconds_to_next(self) -> float:
        """How long until the next entry is due (beat's estimate)."""
        waits = [entry[1].is_due(self.last_run[name]).next for name, entry in self.entries.items()]
        return max(min(waits, default=60.0), 0.0)

    def tick(self) -> list[str]:
        """Run (or queue) every due entry once; returns their names."""
        ran = []
        for name in self.due():
            task_name, _when, args, kwargs = self.entries[name]
            self.last_run[name] = timezone.now()
            app.loader.import_default_modules()  # the tasks modules (autodiscovered lazily)
            task = app.tasks.get(task_name)
            if task is None:
                logger.error("scheduled task %s (%s) does not exist", task_name, name)
                continue
            logger.info("running scheduled task %s (%s)", task_name, name)
            enqueue(task, *args, **kwargs)
            ran.append(name)
        return ran
