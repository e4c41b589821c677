"""The Celery app. Without REDIS_URL tasks run eagerly in the web process (the demo default)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aux.settings")

app = Celery("aux")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["campaigns.briefs", "campaigns.bookings"])  # sub-packages of one app


@app.task(name="aux.ping")
def ping() -> str:
    """Round trip used by the health check and the worker integration test."""
    return "pong"
