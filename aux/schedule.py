"""The one scheduler of the periodic jobs: celery beat in production, run_schedule in the demo.

**One at a time per database.** Two schedulers (`--scale beat=2`, or a second compose project
on the same PostgreSQL) would queue every periodic job twice. Both schedulers here hold a
PostgreSQL advisory lock (BeatLock) on a connection of their own, and only the holder runs
entries; the others stand by and take over within STANDBY_SECONDS when the holder stops (its
session ends, and PostgreSQL releases the lock). Production points celery beat at
`SingleBeatScheduler` (CELERY_BEAT_SCHEDULER). The jobs are idempotent per period besides (the
digest and staff e-mails: aux.notifications PeriodicSend), so a takeover that runs a job again
early sends nothing twice.

**The demo** (`make run`: SQLite, no Redis, eager Celery) has no beat, so the sweeps that redo
lost work and the nightly reconciliation never ran there. `manage.py run_schedule`, started in the
background by `make run`, runs the one schedule declared in settings (CELERY_BEAT_SCHEDULE) with
beat's own rules (`celery.schedules`): an entry is due one interval (or at the next crontab time)
after it last ran, counted from the start. Each due task goes through `aux.dispatch.enqueue`: in
eager mode it runs here (a failure is logged, the next run tries again); with a broker it is
queued, as beat would; it takes the same lock. Production runs `celery beat` instead
(docker-compose.yml).
"""

from __future__ import annotations

import contextlib
import logging
from datetime import datetime
from typing import Any

from celery.beat import PersistentScheduler
from celery.schedules import maybe_schedule
from django.conf import settings
from django.db import DatabaseError, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from aux.celery import app
from aux.dispatch import enqueue

logger = logging.getLogger(__name__)

# pg_try_advisory_lock's key for "the scheduler" ("AUXB"); one key space per database.
BEAT_LOCK_KEY = 0x41555842
STANDBY_SECONDS = 15.0  # how often a scheduler without the lock asks for it again


class BeatLock:
    """The scheduler's PostgreSQL advisory lock, held on a connection of its own (nothing else
    runs on it, so no transaction or connection clean-up elsewhere releases the lock by accident).

    `held()` answers whether this process may run the schedule now: it takes the lock when free
    and tells if it still has it. With SQLite (the demo) there is one process: always yes.
    """

    def __init__(self) -> None:
        self._connection: BaseDatabaseWrapper | None = None

    def held(self) -> bool:
        if connections["default"].vendor != "postgresql":
            return True
        try:
            if self._connection is None:
                self._connection = connections.create_connection("default")
            with self._connection.cursor() as cursor:
                # Ask for it only when this session does not have it: each success counts once
                # more, and the lock would outlive releasing it once.
                cursor.execute(
                    "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory'"
                    " AND pid = pg_backend_pid() AND classid = 0 AND objid = %s"
                    " AND objsubid = 1 AND granted)"
                    " OR pg_try_advisory_lock(%s)",
                    [BEAT_LOCK_KEY, BEAT_LOCK_KEY],
                )
                return bool(cursor.fetchone()[0])
        except DatabaseError:
            # PostgreSQL restarted or is unreachable: the lock went with the session. Stand by
            # and start over on a new connection next time.
            logger.warning("scheduler lock: the database is unreachable; standing by")
            self.release()
            return False

    def release(self) -> None:
        """Give the lock up and close its session: another scheduler takes over."""
        if self._connection is not None:
            with contextlib.suppress(DatabaseError):  # a dead session released it already
                # At once: a closing session's locks go only when its server process ends.
                with self._connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock_all()")
                self._connection.close()
            self._connection = None


class SingleBeatScheduler(PersistentScheduler):
    """celery beat's own scheduler, running entries only while it holds the BeatLock."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.lock = BeatLock()
        self._was_holding: bool | None = None  # the first tick says which it is
        super().__init__(*args, **kwargs)

    def tick(self, *args: Any, **kwargs: Any) -> float:
        holding = self.lock.held()
        if holding != self._was_holding:
            logger.info("scheduler: %s", "running the schedule" if holding else "standing by")
            self._was_holding = holding
        if not holding:
            return STANDBY_SECONDS
        return super().tick(*args, **kwargs)

    def close(self) -> None:
        super().close()
        self.lock.release()


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
