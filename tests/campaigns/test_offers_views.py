"""Booking pages: offer form, offer page with its timeline, contract page, dashboards."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.formats import date_format

from campaigns.bookings import services
from campaigns.bookings.models import Offer
from campaigns.bookings.selectors import add_months
from tests.campaigns.factories import (
    booking_artist,
    make_exclusive_contract,
    make_offer,
)

pytestmark = pytest.mark.django_db


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


def _form_data(brief, artist, **extra) -> dict:
    return {
        "artist": artist.slug, "fee_0": "2000", "fee_1": "900", "start_date": brief.start_date,
        "end_date": brief.end_date, "usage_channels": ["social"], "usage_territories": "DE, FR",
        "usage_term_months": 12, "expires_in_days": 7, **extra,
    }  # fmt: skip


def test_the_brand_picks_the_expiry_on_the_form_and_the_artist_sees_the_time_left(
    brand_manager, brief, artist
):
    client = client_for(brand_manager)
    url = f"/briefs/{brief.pk}/offers/new/?artist={artist.slug}"
    assert b'name="expires_in_days" value="7"' in client.get(url).content
    response = client.post(url, _form_data(brief, artist, expires_in_days=3))
    offer = Offer.objects.get()
    assert response.status_code == 302
    assert timedelta(days=3) - timedelta(minutes=1) < offer.expires_at - timezone.now()
    page = client_for(artist.user).get(f"/bookings/offers/{offer.pk}/").content.decode()
    assert "3 days left" in page
    assert "3 days left" in client_for(artist.user).get("/artists/dashboard/").content.decode()


def test_an_expiry_beyond_thirty_days_is_a_form_error(brand_manager, brief, artist):
    url = f"/briefs/{brief.pk}/offers/new/?artist={artist.slug}"
    page = client_for(brand_manager).post(url, _form_data(brief, artist, expires_in_days=45))
    assert page.status_code == 200 and not Offer.objects.exists()
    assert b"less than or equal to 30" in page.content


def test_the_offer_form_warns_of_an_exclusivity_and_sends_only_once_confirmed(
    brand_manager, brief, artist
):
    make_exclusive_contract(artist=artist, start=brief.start_date, months=6)
    until = date_format(add_months(brief.start_date, 6), "j M Y")
    warning = f"This offer would break the artist&#x27;s Beverages exclusivity until {until}."
    client = client_for(brand_manager)
    url = f"/briefs/{brief.pk}/offers/new/?artist={artist.slug}"
    page = client.get(url).content.decode()
    assert warning in page and 'name="confirm_exclusivity_conflict"' in page
    page = client.post(url, _form_data(brief, artist))
    assert page.status_code == 200 and not Offer.objects.filter(brief=brief).exists()
    assert "confirm to send it anyway" in page.content.decode()
    response = client.post(url, _form_data(brief, artist, confirm_exclusivity_conflict="on"))
    offer = Offer.objects.get(brief=brief)
    assert response.status_code == 302
    # The artist is told too, on the offer page.
    page = client_for(artist.user).get(f"/bookings/offers/{offer.pk}/").content.decode()
    assert f"This offer breaks your Beverages exclusivity until {until}." in page


def test_no_exclusivity_warning_when_the_work_is_outside_it(brand_manager, brief, artist):
    make_exclusive_contract(artist=artist, start=brief.end_date + timedelta(days=1))
    page = client_for(brand_manager).get(f"/briefs/{brief.pk}/offers/new/?artist={artist.slug}")
    assert b"exclusivity until" not in page.content
    assert b'name="confirm_exclusivity_conflict"' not in page.content


def test_the_brand_renews_an_expired_offer_from_its_page_in_one_click(
    brand_manager, brand_viewer, brief, artist
):
    offer = make_offer(actor=brand_manager, brief=brief, artist=artist, expires_in_days=1)
    Offer.objects.filter(pk=offer.pk).update(expires_at=timezone.now() - timedelta(hours=1))
    services.offers_expire_due()
    brand = client_for(brand_manager)
    page = brand.get(f"/bookings/offers/{offer.pk}/").content.decode()
    assert "Renew the offer" in page and f'action="/bookings/offers/{offer.pk}/renew/"' in page
    for other in (artist.user, brand_viewer):
        assert (
            b"Renew the offer" not in client_for(other).get(f"/bookings/offers/{offer.pk}/").content
        )
    # The artist cannot renew it for the brand.
    client_for(artist.user).post(f"/bookings/offers/{offer.pk}/renew/", {"expires_in_days": 7})
    offer.refresh_from_db()
    assert offer.status == Offer.Status.EXPIRED
    # The one click posts the form as shown: the default expiry.
    response = brand.post(f"/bookings/offers/{offer.pk}/renew/", {"expires_in_days": "7"},
                          follow=True)  # fmt: skip
    offer.refresh_from_db()
    assert offer.status == Offer.Status.SENT
    assert "Offer renewed: 7 days left." in response.content.decode()
    page = client_for(artist.user).get(f"/bookings/offers/{offer.pk}/").content.decode()
    assert "7 days left" in page


def test_offer_page_names_usage_channels_and_countries_in_the_pages_language(
    brand_manager, brief, artist
):
    offer = make_offer(actor=brand_manager, brief=brief, artist=artist)
    Offer.objects.filter(pk=offer.pk).update(
        usage_channels=["events", "social"], usage_territories=["DE", "FR"]
    )
    client = client_for(brand_manager)
    page = client.get(f"/bookings/offers/{offer.pk}/").content.decode()
    assert "Live events, Social media · Germany, France" in page
    assert "events, social" not in page
    client.cookies["django_language"] = "fr"
    page = client.get(f"/bookings/offers/{offer.pk}/").content.decode()
    assert "Allemagne, France" in page
