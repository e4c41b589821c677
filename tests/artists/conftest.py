"""Fixtures shared by the artists tests."""

import pytest

from tests.artists.factories import ArtistFactory


@pytest.fixture
def artist():
    """The artist whose own profile the profile tests edit."""
    return ArtistFactory(stage_name="Velvet Harbor", slug="velvet-harbor")


@pytest.fixture
def staff_client(client, staff_user):
    """The test client logged in as staff (the admin)."""
    client.force_login(staff_user)
    return client
