"""Celery round trip through a real Redis broker and worker; /healthz with everything up."""

import pytest

from aux.celery import ping

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def test_a_task_sent_through_redis_runs_on_the_worker_and_returns_its_result(real_broker):
    result = ping.delay()
    assert result.get(timeout=10) == "pong"
    assert result.successful()


def test_healthz_reports_every_part_ok_when_database_redis_and_worker_are_up(client, real_broker):
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["down"] == []
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["cache"]["status"] == "ok"
    assert body["checks"]["broker"]["status"] == "ok"
    assert body["checks"]["worker"]["status"].startswith("ok (")
