"""Queue Celery tasks from a request without letting a broker outage break the request.

With Redis down, a bare `task.delay()` raises after the commit (a 500 for a change that was
saved) or, because it also subscribes to the result backend on the same Redis, hangs for about
20 s first. `enqueue` sends with a short publish retry and without a result subscription (the web
process never reads task results), and on a broker error logs what was not queued and returns
False. The work is not lost: each kind is picked up again by a periodic sweep (payouts and
refunds: `payments.sweep`; contract PDFs and brief rankings: `campaigns.sweep`; immediate
e-mails: `notifications.sweep`; the matching snapshot: the nightly rebuild), or the caller tells
the user (the admin's "recompute" action).
"""

from __future__ import annotations

import logging
from typing import Any

from celery import Task
from django.db import transaction
from kombu.exceptions import OperationalError
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# About half a second in all before giving up on an unreachable broker (kombu's policy keys).
PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2,
                        "interval_max": 0.2}  # fmt: skip
BROKER_ERRORS = (OperationalError, RedisError, OSError)


def enqueue(task: Task, *args: Any, countdown: float | None = None, **kwargs: Any) -> bool:
    """Send `task(*args, **kwargs)` to the workers; False (and an error logged) if the broker is
    unreachable. In eager mode (no broker: the demo, most tests) the task runs here, and its
    failure is logged, not raised: the change that queued it is already saved, and the sweep or
    the user retries it as with a worker."""
    if task.app.conf.task_always_eager:
        try:
            task.apply_async(args, kwargs, countdown=countdown)
        except Exception:
            logger.exception("eager task %s args=%r kwargs=%r failed", task.name, args, kwargs)
            return False
        return True
    try:
        task.apply_async(
            args, kwargs, countdown=countdown, ignore_result=True,
            retry=True, retry_policy=PUBLISH_RETRY_POLICY,
        )  # fmt: skip
    except BROKER_ERRORS as exc:
        logger.error(
            "broker unreachable, task not queued: %s args=%r kwargs=%r (%s: %s); a periodic "
            "sweep or the user retries it",
            task.name, args, kwargs, type(exc).__name__, exc,
        )  # fmt: skip
        return False
    return True


def enqueue_on_commit(task: Task, *args: Any, **kwargs: Any) -> None:
    """`enqueue` once the current transaction commits (nothing if it rolls back)."""
    transaction.on_commit(lambda: enqueue(task, *args, **kwargs))
