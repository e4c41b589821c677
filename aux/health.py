"""`/healthz`: is each part the site needs reachable? 200 when all are, 503 naming what is not;
with a broker, how many tasks wait in each queue (`queues`)."""

import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from redis.exceptions import RedisError

from aux.celery import app as celery_app


def _check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def _check_cache() -> str:
    redis = getattr(cache, "client", None)
    if redis is not None:  # django-redis answers as an empty cache while Redis is down: ask Redis
        try:
            redis.get_client(write=True).ping()
        except RedisError as exc:
            raise ConnectionError(f"Redis unreachable: {exc}") from exc
        return "ok"
    key = "healthz:probe"
    cache.set(key, "1", 10)
    if cache.get(key) != "1":
        raise RuntimeError("cache did not return the value just written")
    return "ok"


def _check_broker() -> str:
    if celery_app.conf.task_always_eager:
        return "eager"  # no broker configured: tasks run in the web process
    with celery_app.connection_for_write() as conn:
        try:
            conn.ensure_connection(max_retries=1, timeout=2)
        except Exception as exc:  # kombu wraps the transport's errors in OperationalError
            raise ConnectionError(f"{conn.transport_cls} broker unreachable: {exc}") from exc
    return "ok"


def _check_worker() -> str:
    if celery_app.conf.task_always_eager:
        return "eager"
    replies = celery_app.control.ping(timeout=settings.HEALTHZ_WORKER_TIMEOUT)
    if not replies:
        raise RuntimeError("no Celery worker answered the ping")
    return f"ok ({len(replies)} worker{'s' if len(replies) > 1 else ''})"


def _queue_backlog() -> dict[str, int]:
    """Messages waiting in each Celery queue (LLEN of its Redis list), in one round trip: a
    growing `payments` backlog means payouts wait for a worker."""
    names = [q.name for q in celery_app.conf.task_queues]
    with celery_app.connection_for_read() as conn:
        pipe = conn.default_channel.client.pipeline()
        for name in names:
            pipe.llen(name)
        return dict(zip(names, pipe.execute(), strict=True))


CHECKS: dict[str, Callable[[], str]] = {
    "database": _check_database,
    "cache": _check_cache,
    "broker": _check_broker,
    "worker": _check_worker,
}
# A check whose prerequisite is down is reported down without running (a ping through an
# unreachable broker would only wait for its retries to run out).
REQUIRES = {"worker": "broker"}


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    started = time.monotonic()
    results: dict[str, dict[str, str]] = {}
    healthy = True
    for name, check in CHECKS.items():
        needed = REQUIRES.get(name)
        if needed and results[needed]["status"] == "down":
            healthy = False
            results[name] = {"status": "down", "error": f"{needed} is down"}
            continue
        try:
            results[name] = {"status": check()}
        except Exception as exc:
            healthy = False
            results[name] = {"status": "down", "error": f"{type(exc).__name__}: {exc}"[:300]}
    body = {
        "status": "ok" if healthy else "down",
        "checks": results,
        "down": [name for name, r in results.items() if r["status"] == "down"],
    }
    if results["broker"]["status"] == "ok":
        try:
            body["queues"] = _queue_backlog()
        except Exception as exc:  # a backlog unknown is not an outage: the broker check says
            body["queues"] = {"error": f"{type(exc).__name__}: {exc}"[:300]}
    body["elapsed_ms"] = round((time.monotonic() - started) * 1000, 1)
    return JsonResponse(body, status=200 if healthy else 503)
