"""Cancellation terms and deposits on the bookings side: the one table of policies, offers and
counter-offers that choose one, the contract that prints it, the API and the pages."""

import itertools
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from campaigns.bookings import services
from campaigns.bookings.models import Contract
from campaigns.bookings.terms import (
    POLICIES,
    CancellationPolicy,
    deposit_parts,
    notice_band,
    owed_to_artist,
    policy_rows,
)
from tests.campaigns.factories import (
    booking_artist,
    booking_brief,
    make_active_contract,
    make_offer,
)

pytestmark = pytest.mark.django_db


# --- The table ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "band"), [(60, 0), (30, 0), (29, 1), (14, 1), (13, 2), (0, 2), (-3, 2), (None, 0)]
)
def test_notice_is_counted_in_whole_days_to_the_first_date(days, band):
    today = date(2026, 6, 1)
    first = None if days is None else today + timedelta(days=days)
    assert notice_band(first_date=first, today=today) == band


def test_every_policy_costs_more_the_later_and_the_stricter_it_is():
    order = [POLICIES[p] for p in CancellationPolicy]
    for p in order:
        assert list(p.brand_owes) == sorted(p.brand_owes)  # later = more
        assert list(p.artist_owes) == sorted(p.artist_owes)
    for looser, stricter in itertools.pairwise(order):
        assert all(a <= b for a, b in zip(looser.brand_owes, stricter.brand_owes, strict=True))
    assert [r["brand_owes"] for r in policy_rows("strict")] == ["50%", "75%", "100%"]


@pytest.mark.parametrize(
    ("policy", "side", "band", "expected"),
    [
        # Work handed in is owed in full; the share applies to the rest (half up, to the cent).
        ("flexible", "brand", 0, 10_000),
        ("moderate", "brand", 1, 10_000 + 15_000),
        ("strict", "brand", 2, 10_000 + 30_000),
        ("moderate", "artist", 2, 10_000 - 3_000),
        ("strict", "artist", 2, 10_000 - 7_500),
        ("flexible", "artist", 2, 10_000),
    ],
)
def test_what_the_artist_is_owed_by_the_terms(policy, side, band, expected):
    assert owed_to_artist(policy=policy, side=side, band=band, handed_in=10_000,
                          not_handed_in=30_000) == expected  # fmt: skip


@pytest.mark.parametrize(
    ("amounts", "live", "bps"),
    [([100_001, 33_333, 7], [True, True, False], 2_500), ([3, 3, 3], [True] * 3, 5_000),
     ([90_000], [False], 2_500), ([199_999, 1], [True, True], 3_333)],
)  # fmt: skip
def test_the_deposit_parts_add_up_to_the_cent_and_stay_on_live_work(amounts, live, bps):
    parts = deposit_parts(deposit_bps=bps, amounts=amounts, live=live)
    live_total = sum(a for a, is_live in zip(amounts, live, strict=True) if is_live)
    assert sum(parts) == (live_total * bps + 5_000) // 10_000
    assert all(p == 0 for p, is_live in zip(parts, live, strict=True) if not is_live)
    assert all(p <= a for p, a in zip(parts, amounts, strict=True))


# --- Offers and contracts ----------------------------------------------------------------------


def test_the_offer_chooses_the_terms_a_counter_changes_them_and_the_contract_prints_them(
    brand_manager, brand
):
    brief = booking_brief(brand)
    artist = booking_artist(deposit_bps=2_500)
    offer = make_offer(actor=brand_manager, brief=brief, artist=artist,
                       cancellation_policy="strict")  # fmt: skip
    assert (offer.cancellation_policy, offer.deposit_bps) == ("strict", 2_500)
    offer = services.offer_counter(actor=artist.user, offer=offer, cancellation_policy="moderate")
    assert offer.current_revision.cancellation_policy == "moderate"
    contract = services.offer_accept(actor=brand_manager, offer=offer).contract
    assert (contract.cancellation_policy, contract.deposit_amount) == ("moderate", 50_000)
    assert "Policy: moderate" in contract.terms_text
    assert "if the Brand cancels, it owes 50% of the fee" in contract.terms_text
    assert "Deposit: 25% of the fees of live work, €500" in contract.terms_text


def test_an_unknown_policy_is_refused(brand_manager, brand):
    with pytest.raises(ValidationError) as exc:
        make_offer(actor=brand_manager, brief=booking_brief(brand), artist=booking_artist(),
                   cancellation_policy="lenient")  # fmt: skip
    assert "cancellation_policy" in exc.value.message_dict


def test_offers_default_to_moderate_terms_and_no_deposit(brand_manager, brand):
    offer = make_offer(actor=brand_manager, brief=booking_brief(brand), artist=booking_artist())
    assert (offer.cancellation_policy, offer.deposit_bps) == ("moderate", 0)
    contract = services.offer_accept(actor=offer.artist.user, offer=offer).contract
    assert contract.deposit_amount == 0 and "Deposit: none." in contract.terms_text


# --- API ---------------------------------------------------------------------------------------


def test_the_api_takes_the_policy_and_shows_the_terms_in_words(brand_manager, brand):
    api = APIClient()
    api.force_authenticate(brand_manager)
    artist = booking_artist(deposit_bps=2_500)
    brief = booking_brief(brand)
    data = {"brief": brief.pk, "artist": artist.slug, "cancellation_policy": "lenient"}
    bad = api.post("/api/v1/offers/", data, format="json")
    assert bad.status_code == 400 and "cancellation_policy" in bad.json()["errors"]
    made = api.post("/api/v1/offers/", {**data, "cancellation_policy": "flexible"}, format="json")
    assert made.status_code == 201, made.json()
    body = made.json()
    assert (body["cancellation_policy"], body["deposit_bps"]) == ("flexible", 2_500)
    assert body["cancellation_terms"]["rows"][2] == {
        "notice": "under 14 days before",
        "brand_owes": "50%",
        "artist_owes": "0%",
    }
    contract = make_active_contract(brand_user=brand_manager, brief=booking_brief(brand),
                                    artist=artist)  # fmt: skip
    got = api.get(f"/api/v1/contracts/{contract.pk}/").json()
    assert (got["deposit_bps"], got["deposit_amount"]) == (2_500, 50_000)
    assert got["cancellation_terms"]["policy"] == "moderate"
    assert {m["deposit_amount"] for m in got["milestones"]} == {50_000}


def test_the_artist_sets_the_deposit_share_on_the_profile_api_from_0_to_50(artist_user):
    api = APIClient()
    api.force_authenticate(artist_user)
    assert (
        api.patch("/api/v1/artists/me/", {"deposit_percent": 25}, format="json").json()[
            "deposit_percent"
        ]
        == 25
    )
    bad = api.patch("/api/v1/artists/me/", {"deposit_percent": 51}, format="json")
    assert bad.status_code == 400 and "deposit_percent" in bad.json()["errors"]
    assert artist_user.artist.__class__.objects.get(user=artist_user).deposit_bps == 2_500


# --- Pages -------------------------------------------------------------------------------------


def test_both_sides_read_the_terms_and_the_deposit_on_the_contract_page(
    client, brand_manager, brand
):
    artist = booking_artist(deposit_bps=2_500)
    contract = make_active_contract(brand_user=brand_manager, brief=booking_brief(brand),
                                    artist=artist)  # fmt: skip
    for user in (brand_manager, artist.user):
        client.force_login(user)
        html = client.get(reverse("bookings:contract_detail", args=[contract.pk])).content.decode()
        assert "Cancellation terms: Moderate" in html
        assert "The brand cancels: it owes" in html
        assert "Deposit: €500 (25% of the fees of live work)" in html
    assert Contract.objects.get(pk=contract.pk).cancellation_policy == "moderate"


def test_the_offer_form_explains_the_three_policies_and_the_artists_deposit(
    client, brand_manager, brand
):
    artist = booking_artist(deposit_bps=2_500)
    brief = booking_brief(brand)
    client.force_login(brand_manager)
    url = reverse("campaigns:offer_new", args=[brief.pk]) + f"?artist={artist.slug}"
    html = client.get(url).content.decode()
    for label in ("Flexible", "Moderate", "Strict"):
        assert label in html
    assert "This artist asks for a deposit of 25% of the fees of live work" in html
