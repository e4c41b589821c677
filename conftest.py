"""Shared pytest fixtures: one user per role, a clean cache, Celery eager unless a test says not."""

import os

# Browser tests drive a live server from Playwright's sync API, which runs an event loop in the
# test thread; Django refuses ORM calls there unless told it is fine (it is: one thread).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest

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
def staff_user(db):
    return UserFactory(role="staff", is_staff=True, is_superuser=True)
