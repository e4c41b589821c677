"""/healthz reports how many tasks wait in each Celery queue (Redis LLEN), the four of settings."""

import pytest
from kombu import Queue

from aux.celery import app, ping

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

QUEUE = "aux-backlog-test"  # no worker consumes it


@pytest.fixture
def idle_queue(redis_url):
    """A fifth declared queue that no worker takes (the session worker's queues are fixed)."""
    previous = (app.conf.task_queues, app.conf.task_always_eager)
    app.conf.task_queues, app.conf.task_always_eager = [*previous[0], Queue(QUEUE)], False
    try:
        yield QUEUE
    finally:
        with app.connection_for_write() as conn:
            conn.default_channel.client.delete(QUEUE)
        app.conf.task_queues, app.conf.task_always_eager = previous


def test_healthz_reports_the_backlog_of_each_queue(client, idle_queue):
    for _ in range(3):
        ping.apply_async(queue=idle_queue, ignore_result=True)

    body = client.get("/healthz").json()

    assert set(body["queues"]) == {"payments", "matching", "email", "default", idle_queue}
    assert body["queues"][idle_queue] == 3
    assert all(isinstance(n, int) for n in body["queues"].values())
