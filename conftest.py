"""Shared pytest fixtures: one user per role, a clean cache, Celery eager unless a test says not."""

import logging
import os

# Browser tests drive a live server from Playwright's sync API, which runs an event loop in the
# test thread; Django refuses ORM calls there unless told it is fine (it is: one thread).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# DEBUG is off by default (aux/settings.py); the suite runs as the local demo (scripts/test.sh sets
# it too). Subprocesses (gunicorn, the Celery worker) inherit it unless a test says DEBUG=0.
os.environ.setdefault("DEBUG", "1")

import pytest
from django.conf import settings
from django.utils import translation
from rest_framework.test import APIClient

from tests.artists.factories import ArtistFactory
from tests.brands.factories import BrandFactory, MembershipFactory
from tests.users.factories import UserFactory


@pytest.fixture(autouse=True)
def _clean_cache():
    """allauth's rate limits live in the cache: start every test with a clean one."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _celery_eager(request):
    """Unit tests run tasks in-process; integration tests opt out and use the real worker."""
    from aux.celery import app

    if request.node.get_closest_marker("integration"):
        yield
        return
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


class _EagerTaskFailures(logging.Handler):
    """Collects the failures aux.dispatch.enqueue logs (and swallows) for tasks run eagerly."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.msg.startswith("eager task"):
            self.records.append(record)


@pytest.fixture(autouse=True)
def _eager_task_failures_fail_the_test(request):
    """In eager mode a failing task is logged, not raised (the request that queued it already
    saved its change; aux/dispatch.py): without this, a test whose task crashed would pass. A test
    that expects a task to fail says so with @pytest.mark.task_failure_expected."""
    handler = _EagerTaskFailures()
    logger = logging.getLogger("aux.dispatch")
    logger.addHandler(handler)
    yield
    logger.removeHandler(handler)
    if handler.records and not request.node.get_closest_marker("task_failure_expected"):
        lines = [handler.format(r) for r in handler.records]
        pytest.fail("a task run eagerly raised:\n" + "\n\n".join(lines), pytrace=False)


@pytest.fixture(autouse=True)
def _english_after_each_test():
    """A request through LocaleMiddleware leaves its language active in the thread: put the
    default back so a French page test never turns the next test's messages French."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _snapshot_dir(settings, tmp_path):
    """Each test gets its own matching snapshot directory (never the demo's var/snapshot)."""
    settings.AUX_SNAPSHOT_DIR = str(tmp_path / "snapshot")
    settings.AUX_MATCHING_DEBOUNCE_SECONDS = 0


@pytest.fixture
def artist_user(db):
    return ArtistFactory().user


@pytest.fixture
def brand(db):
    return BrandFactory()


@pytest.fixture
def brand_owner(brand):
    return MembershipFactory(brand=brand, role="owner").user


@pytest.fixture
def brand_manager(brand):
    return MembershipFactory(brand=brand, role="manager").user


@pytest.fixture
def brand_viewer(brand):
    return MembershipFactory(brand=brand, role="viewer").user


@pytest.fixture
def api():
    """An API client, anonymous until a test authenticates it."""
    return APIClient()


@pytest.fixture
def staff_user(db):
    return UserFactory(role="staff", is_staff=True, is_superuser=True)
