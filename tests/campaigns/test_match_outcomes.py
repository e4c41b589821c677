"""Learning from outcomes: what a brand is shown (exposures: position, score, parts) and what
came of it (opened, shortlisted, offered, accepted, booked) are recorded by small hooks."""

import pytest
from django.urls import reverse

from campaigns.bookings import services as bookings
from campaigns.briefs import services
from campaigns.briefs.models import MatchExposure, MatchOutcome
from tests.brands.factories import MembershipFactory
from tests.campaigns.factories import booking_artist, booking_brief, make_offer
from tests.payments.stripe_server import stripe_api_fixture  # noqa: F401 (the fake Stripe)

pytestmark = pytest.mark.django_db


def outcomes(brief) -> set[tuple[int, str]]:
    return set(MatchOutcome.objects.filter(brief=brief).values_list("artist_id", "kind"))


def test_the_match_page_records_what_the_brand_was_shown_once_per_list(client, lifted):
    brief, _artists, _ = lifted
    viewer = MembershipFactory(brand=brief.brand, role="viewer").user
    client.force_login(viewer)
    url = reverse("campaigns:brief_matches", args=[brief.pk])
    assert client.get(url).status_code == 200
    shown = list(MatchExposure.objects.filter(brief=brief).order_by("position"))
    matches = list(brief.matches.order_by("rank"))
    assert [(e.artist_id, e.position) for e in shown] == [(m.artist_id, m.rank) for m in matches]
    assert shown[0].score == matches[0].score
    assert shown[0].parts["genre"] == matches[0].parts["genre"]["value"]
    assert shown[0].parts["language"] is None  # no data stays no data
    client.get(url)
    assert MatchExposure.objects.filter(brief=brief).count() == len(matches)  # same list


def test_staff_looking_at_a_list_is_not_an_exposure(client, lifted, staff_user):
    brief, _artists, _ = lifted
    client.force_login(staff_user)
    assert client.get(reverse("campaigns:brief_matches", args=[brief.pk])).status_code == 200
    assert not MatchExposure.objects.exists()


def test_opening_and_shortlisting_a_match_are_outcomes(client, lifted):
    brief, _artists, _ = lifted
    member = MembershipFactory(brand=brief.brand, role="viewer").user
    client.force_login(member)
    artist = brief.matches.order_by("rank").first().artist
    response = client.get(reverse("campaigns:match_open", args=[brief.pk, artist.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("artists:detail", args=[artist.slug])
    services.shortlist_toggle(actor=member, brief=brief, artist_id=artist.pk)
    services.shortlist_toggle(actor=member, brief=brief, artist_id=artist.pk)  # unstar
    services.shortlist_toggle(actor=member, brief=brief, artist_id=artist.pk)  # star again
    assert outcomes(brief) == {(artist.pk, "opened"), (artist.pk, "shortlisted")}


def test_offer_acceptance_and_signature_are_outcomes(brand, brand_manager):
    brief = booking_brief(brand)
    artist = booking_artist()
    offer = make_offer(actor=brand_manager, brief=brief, artist=artist)
    assert outcomes(brief) == {(artist.pk, "offered")}
    contract = bookings.offer_accept(actor=artist.user, offer=offer).contract
    assert outcomes(brief) == {(artist.pk, "offered"), (artist.pk, "accepted")}
    bookings.contract_sign(
        actor=brand_manager, contract=contract, full_name=brand_manager.name, confirm=True
    )
    assert (artist.pk, "booked") not in outcomes(brief)  # one signature is not a booking
    bookings.contract_sign(
        actor=artist.user, contract=contract, full_name=artist.user.name, confirm=True
    )
    assert (artist.pk, "booked") in outcomes(brief)
