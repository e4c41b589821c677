"""A real Celery worker process against the test run's Redis server (started by `make test`)."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def redis_url() -> str:
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("integration tests need REDIS_URL: run them with `make test`")
    return url


@pytest.fixture(scope="session")
def smtp_sink():
    """A real local SMTP server (aiosmtpd) that the worker's e-mail goes to; keeps what it got."""
    from tests.notifications.smtp import SmtpSink

    with SmtpSink() as sink:
        yield sink


@pytest.fixture(scope="session")
def worker_snapshot_dir(tmp_path_factory) -> Path:
    """The worker's matching snapshot directory (never the checkout's var/snapshot): a test that
    ranks on the worker points settings.AUX_SNAPSHOT_DIR here too."""
    return tmp_path_factory.mktemp("worker-snapshot")


@pytest.fixture(scope="session")
def celery_worker(redis_url, django_db_setup, django_db_blocker, smtp_sink, worker_snapshot_dir):
    """Start `celery worker` as a subprocess on the test database; stop it after the session."""
    from aux.celery import app

    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        # The worker must see the rows the tests commit: point it at pytest's test database.
        "DATABASE_URL": (
            f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
            if "postgresql" in db["ENGINE"]
            else f"sqlite:///{db['NAME']}"
        ),
        "REDIS_URL": redis_url,
        "EMAIL_URL": smtp_sink.url,
        "AUX_SNAPSHOT_DIR": str(worker_snapshot_dir),
    }
    log = open(ROOT / "var" / "celery-worker.log", "w") if (ROOT / "var").is_dir() else None  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "aux", "worker", "--pool=solo",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=WARNING",
         "-n", f"test-{os.getpid()}@%h"],
        cwd=ROOT, env=env, stdout=log or subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"celery worker exited with {proc.returncode}")
            if app.control.ping(timeout=0.5):
                break
        else:
            raise RuntimeError("celery worker did not answer a ping within 30 s")
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        if log:
            log.close()


@pytest.fixture
def real_broker(celery_worker):
    """Send tasks through Redis to the worker instead of running them eagerly."""
    from aux.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield app
    app.conf.task_always_eager = previous
