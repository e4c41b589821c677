"""/healthz names the part that is down and answers 503."""

import pytest
from django.test import override_settings

from aux.celery import app

pytestmark = pytest.mark.django_db

UNREACHABLE = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def test_healthz_in_eager_mode_is_ok_without_broker_or_worker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["broker"]["status"] == "eager"
    assert "queues" not in response.json()  # no broker, no queue: tasks run in the web process


@pytest.fixture
def unreachable_redis():
    """Celery's broker and Django's cache both pointed at a port where no Redis listens."""
    saved = app.conf.task_always_eager, app.conf.broker_url
    app.conf.task_always_eager, app.conf.broker_url = False, UNREACHABLE
    # As aux/settings.py configures it with REDIS_URL: the cache itself hides the outage.
    redis_cache = {"default": {"BACKEND": "django_redis.cache.RedisCache",
                               "LOCATION": UNREACHABLE,
                               "OPTIONS": {"IGNORE_EXCEPTIONS": True}}}  # fmt: skip
    try:
        with override_settings(CACHES=redis_cache):
            yield
    finally:
        app.conf.task_always_eager, app.conf.broker_url = saved


def test_healthz_is_503_and_names_redis_parts_when_redis_is_unreachable(client, unreachable_redis):
    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert {"cache", "broker", "worker"} <= set(body["down"])
    assert body["checks"]["database"]["status"] == "ok"
    assert "Redis unreachable" in body["checks"]["cache"]["error"]
    assert "queues" not in body


def test_healthz_refuses_post(client):
    assert client.post("/healthz").status_code == 405
