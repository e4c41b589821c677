"""Each dashboard belongs to one role: others get a 403, anonymous visitors the login page."""

import pytest
from django.urls import reverse

from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_anonymous_visitor_is_sent_to_login(client):
    for name in ("artists:dashboard", "brands:dashboard", "users:dashboard"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))


def test_artist_cannot_open_the_brand_dashboard(client, artist_user):
    client.force_login(artist_user)
    assert client.get(reverse("brands:dashboard")).status_code == 403
    assert client.get(reverse("artists:dashboard")).status_code == 200


def test_brand_member_cannot_open_the_artist_dashboard(client, brand_owner):
    client.force_login(brand_owner)
    assert client.get(reverse("artists:dashboard")).status_code == 403
    assert client.get(reverse("brands:dashboard")).status_code == 200


def test_brand_dashboard_shows_the_brand_and_its_team(client, brand, brand_owner, brand_viewer):
    client.force_login(brand_viewer)
    page = client.get(reverse("brands:dashboard")).content.decode()
    assert brand.name in page
    assert brand_owner.email in page or brand_owner.name in page
    assert "No briefs yet." in page


def test_staff_lands_on_the_admin(client):
    staff = UserFactory(role="staff", is_staff=True)
    client.force_login(staff)
    response = client.get(reverse("users:dashboard"))
    assert response.status_code == 302
    assert response.url == reverse("admin:index")
