"""Booking pages: offer form, offer page with its timeline, contract page, dashboards."""

import pytest
from django.test import Client

from campaigns import services
from campaigns.models import Offer
from tests.campaigns.factories import booking_artist, booking_brief, make_offer

pytestmark = pytest.mark.django_db


@pytest.fixture
def brief(brand):
    return booking_brief(brand, social=True)


@pytest.fixture
def artist():
    return booking_artist()


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_manager_makes_an_offer_from_the_form_prefilled_at_the_artists_minimum(
    brand_manager, brief, artist
):
    client = client_for(brand_manager)
    url = f"/briefs/{brief.pk}/offers/new/?artist={artist.slug}"
    page = client.get(url)
    assert page.status_code == 200
    assert (
        b'name="fee_0" value="2000"' in page.content and b'name="fee_1" value="900"' in page.content
    )
    response = client.post(url, {
        "artist": artist.slug, "fee_0": "1500", "fee_1": "900", "start_date": brief.start_date,
        "end_date": brief.end_date, "usage_channels": ["social"], "usage_territories": "DE, FR",
        "usage_term_months": 12, "message": "Hello",
    })  # fmt: skip
    offer = Offer.objects.get()
    assert response.status_code == 302 and response.url == f"/bookings/offers/{offer.pk}/"
    assert offer.total == 240_000 and offer.below_min_fee
    page = client.get(response.url)
    assert b"below the artist" in page.content


def test_offer_page_shows_the_timeline_with_what_changed_and_masks_contacts(
    brand_manager, brief, artist
):
    offer = make_offer(actor=brand_manager, brief=brief, artist=artist)
    services.offer_counter(actor=artist.user, offer=offer, usage_term_months=6)
    services.message_post(actor=artist.user, offer=offer, body="call me on +49 151 23456789")
    page = client_for(brand_manager).get(f"/bookings/offers/{offer.pk}/")
    html = page.content.decode()
    assert "Revision 2 by the Artist" in html
    assert "<del>12 months</del> → <ins>6 months</ins>" in html
    assert "23456789" not in html and "hidden until the contract is signed" in html
    assert 'style="' not in html and "<script>" not in html


def test_pages_of_a_booking_are_404_for_strangers(brand_manager, brief, artist):
    offer = make_offer(actor=brand_manager, brief=brief, artist=artist)
    contract = services.offer_accept(actor=artist.user, offer=offer).contract
    stranger = client_for(booking_artist().user)
    assert stranger.get(f"/bookings/offers/{offer.pk}/").status_code == 404
    assert stranger.get(f"/bookings/contracts/{contract.pk}/").status_code == 404
    assert stranger.post(f"/bookings/offers/{offer.pk}/withdraw/").status_code == 404


def test_both_sign_on_the_contract_page_and_the_artist_submits(brand_manager, brief, artist):
    offer = make_offer(actor=brand_manager, brief=brief, artist=artist)
    brand_client, artist_client = client_for(brand_manager), client_for(artist.user)
    response = artist_client.post(f"/bookings/offers/{offer.pk}/accept/")
    contract = Offer.objects.get(pk=offer.pk).contract
    assert response.url == f"/bookings/contracts/{contract.pk}/"
    page = artist_client.get(response.url)
    assert contract.terms_sha256.encode() in page.content
    for client, user in ((brand_client, brand_manager), (artist_client, artist.user)):
        client.post(f"/bookings/contracts/{contract.pk}/sign/",
                    {"full_name": user.name, "confirm": "on",
                     "terms_sha256": contract.terms_sha256})  # fmt: skip
    contract.refresh_from_db()
    assert contract.status == "active"
    type(contract).objects.filter(pk=contract.pk).update(funded=True)  # paid: see tests/payments
    show = contract.milestones.get(is_social=False)
    artist_client.post(f"/bookings/milestones/{show.pk}/submit/",
                       {"note": "Played", "links": "https://video.example/1"})  # fmt: skip
    show.refresh_from_db()
    assert show.status == "submitted"
    page = brand_client.get("/brands/dashboard/")
    assert b"Awaiting your approval" in page.content


def test_artist_dashboard_lists_offers_waiting_for_an_answer(brand_manager, brief, artist):
    make_offer(actor=brand_manager, brief=brief, artist=artist)
    page = client_for(artist.user).get("/artists/dashboard/")
    assert b"your answer" in page.content and brief.title.encode() in page.content
