"""Offers, contracts and milestones over HTTP: the workflow, 409s, permissions, error shape."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.formats import date_format
from rest_framework.test import APIClient

from campaigns.bookings import services
from campaigns.bookings.models import Offer
from campaigns.bookings.selectors import add_months
from tests.brands.factories import MembershipFactory
from tests.campaigns.factories import (
    booking_artist,
    make_active_contract,
    make_exclusive_contract,
)
from tests.campaigns.test_offers import ACTION_SIDES, ACTIONS, ALLOWED, put_in_state

pytestmark = pytest.mark.django_db


def as_user(api: APIClient, user) -> APIClient:
    api.force_authenticate(user)
    return api


def test_brand_offers_artist_counters_brand_accepts_both_sign_over_the_api(
    api, brand_manager, brief, artist
):
    created = as_user(api, brand_manager).post(
        "/api/v1/offers/",
        {"brief": brief.pk, "artist": artist.slug, "usage_channels": ["social", "web"],
         "message": "Would love to have you."},
        format="json",
    )  # fmt: skip
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["total"] == 290_000 and body["awaiting"] == "artist"
    assert [ln["fee"] for ln in body["lines"]] == [200_000, 90_000]
    oid = body["id"]

    countered = as_user(api, artist.user).post(
        f"/api/v1/offers/{oid}/counter/",
        {"lines": [{"deliverable_type": "live-show", "quantity": 2, "fee": 250_000}]},
        format="json",
    )
    assert countered.status_code == 200, countered.json()
    assert countered.json()["status"] == "countered" and countered.json()["total"] == 250_000
    assert [r["author_side"] for r in countered.json()["revisions"]] == ["brand", "artist"]

    accepted = as_user(api, brand_manager).post(f"/api/v1/offers/{oid}/accept/")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    cid = accepted.json()["contract"]

    contract = as_user(api, brand_manager).get(f"/api/v1/contracts/{cid}/").json()
    assert contract["status"] == "draft" and len(contract["milestones"]) == 1
    signed = api.post(f"/api/v1/contracts/{cid}/sign/",
                      {"full_name": brand_manager.name, "confirm": True,
                       "terms_sha256": contract["terms_sha256"]}, format="json",
                      HTTP_USER_AGENT="pytest-agent")  # fmt: skip
    assert signed.status_code == 200, signed.json()
    again = api.post(f"/api/v1/contracts/{cid}/sign/",
                     {"full_name": brand_manager.name, "confirm": True}, format="json")  # fmt: skip
    assert again.status_code == 409 and "already signed" in again.json()["detail"]
    signed = as_user(api, artist.user).post(
        f"/api/v1/contracts/{cid}/sign/", {"full_name": artist.user.name, "confirm": True},
        format="json",
    )  # fmt: skip
    assert signed.json()["status"] == "active"
    assert {s["party"] for s in signed.json()["signatures"]} == {"brand", "artist"}


@pytest.mark.parametrize("side", ["artist", "brand"])
@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("state", [s.value for s in Offer.Status])
def test_offer_actions_answer_200_409_or_403_by_the_state_table(
    state, action, side, api, brand_manager, artist, offer
):
    offer = put_in_state(offer, state)
    user = artist.user if side == "artist" else brand_manager
    payload = {"usage_term_months": 3} if action == "counter" else {}
    response = as_user(api, user).post(
        f"/api/v1/offers/{offer.pk}/{action}/", payload, format="json"
    )
    body = response.json()
    assert set(body) >= ({"detail", "errors"} if response.status_code != 200 else {"status"})
    if (state, action, side) in ALLOWED:
        assert response.status_code == 200, body
        assert body["status"] == ALLOWED[(state, action, side)]
    elif side not in ACTION_SIDES[action]:
        assert response.status_code == 403
    else:
        assert response.status_code == 409
        assert Offer.Status(state).label.lower() in body["detail"]


@pytest.mark.parametrize("who", ["anonymous", "other_brand", "other_artist", "viewer"])
def test_roles_on_every_offer_endpoint(who, api, brand, offer):
    user = {
        "anonymous": None,
        "other_brand": lambda: MembershipFactory(role="owner").user,
        "other_artist": lambda: booking_artist().user,
        "viewer": lambda: MembershipFactory(brand=brand, role="viewer").user,
    }[who]
    if user is not None:
        api.force_authenticate(user())
    detail = api.get(f"/api/v1/offers/{offer.pk}/")
    listing = api.get("/api/v1/offers/")
    actions = [api.post(f"/api/v1/offers/{offer.pk}/{a}/", {}, format="json")
               for a in ACTIONS]  # fmt: skip
    if who == "anonymous":
        assert {detail.status_code, listing.status_code} <= {401, 403}
        assert all(r.status_code in (401, 403) for r in actions)
    elif who == "viewer":
        assert detail.status_code == 200 and listing.json()["count"] == 1
        assert all(r.status_code == 403 for r in actions)
    else:
        assert detail.status_code == 404 and listing.json()["count"] == 0
        assert all(r.status_code == 404 for r in actions)
    offer.refresh_from_db()
    assert offer.status == Offer.Status.SENT


def test_bad_offer_input_is_a_400_with_field_errors(api, brand_manager, brief, artist):
    response = as_user(api, brand_manager).post(
        "/api/v1/offers/",
        {"brief": brief.pk, "artist": artist.slug, "usage_channels": ["moon"],
         "lines": [{"deliverable_type": "live-show", "fee": -5}], "usage_term_months": 0},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert {"usage_channels.0", "lines.0.fee", "usage_term_months"} <= set(errors)


def test_a_viewer_cannot_create_an_offer(api, brand, brief, artist):
    viewer = MembershipFactory(brand=brand, role="viewer").user
    response = as_user(api, viewer).post(
        "/api/v1/offers/", {"brief": brief.pk, "artist": artist.slug}, format="json"
    )
    assert response.status_code == 403


def test_milestone_endpoints_answer_409_out_of_order_and_404_to_strangers(
    api, brand_manager, brief, artist
):
    contract = make_active_contract(brand_user=brand_manager, brief=brief, artist=artist)
    show = contract.milestones.get(is_social=False)
    url = f"/api/v1/milestones/{show.pk}"
    early = as_user(api, brand_manager).post(f"{url}/approve/")
    assert early.status_code == 409 and "pending" in early.json()["detail"]
    assert as_user(api, booking_artist().user).get(f"{url}/").status_code == 404
    submitted = as_user(api, artist.user).post(
        f"{url}/submit/", {"note": "Done", "links": ["https://video.example/1"]}, format="json"
    )
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    bad = api.post(f"{url}/submit/", {"links": ["not a url"]}, format="json")
    assert bad.status_code == 400 and "links.0" in bad.json()["errors"]
    changes = as_user(api, brand_manager).post(f"{url}/request-changes/", {"reason": "Logo"},
                                               format="json")  # fmt: skip
    assert changes.json()["status"] == "changes_requested"
    review = api.post(f"/api/v1/contracts/{contract.pk}/reviews/", {"rating": 5}, format="json")
    assert review.status_code == 409 and "active" in review.json()["detail"]


def test_messages_hide_contact_details_until_the_contract_is_signed(
    api, brand_manager, artist, offer
):
    url = f"/api/v1/offers/{offer.pk}/messages/"
    posted = as_user(api, artist.user).post(url, {"body": "Mail me: me@artist.example"},
                                            format="json")  # fmt: skip
    assert posted.status_code == 201
    thread = as_user(api, brand_manager).get(url).json()["results"]
    assert "me@artist.example" not in thread[0]["body"] and "hidden" in thread[0]["body"]
    from campaigns.bookings import services

    contract = services.offer_accept(actor=artist.user, offer=offer).contract
    for user in (brand_manager, artist.user):
        services.contract_sign(actor=user, contract=contract, full_name=user.name, confirm=True)
    thread = api.get(url).json()["results"]
    assert thread[0]["body"] == "Mail me: me@artist.example"


def test_an_offer_stripe_could_not_charge_is_a_400_on_lines(api, brand_manager, brief, artist):
    response = as_user(api, brand_manager).post(
        "/api/v1/offers/",
        {"brief": brief.pk, "artist": artist.slug,
         "lines": [{"deliverable_type": "live-show", "fee": 99_999_999}]},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400
    assert "Stripe" in " ".join(response.json()["errors"]["lines"])


# --- the brand picks the expiry; renewal; exclusivity conflicts ----------------------------------


def test_post_offers_takes_expires_in_days_and_the_offer_says_the_time_left(
    api, brand_manager, brief, artist
):
    created = as_user(api, brand_manager).post(
        "/api/v1/offers/", {"brief": brief.pk, "artist": artist.slug, "expires_in_days": 3},
        format="json",
    )  # fmt: skip
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["time_left"] == "3 days left" and body["exclusivity_conflicts"] == []
    offer = Offer.objects.get(pk=body["id"])
    assert timedelta(days=3) - timedelta(minutes=1) < offer.expires_at - timezone.now()
    listing = as_user(api, artist.user).get("/api/v1/offers/").json()["results"]
    assert listing[0]["time_left"] == "3 days left"


@pytest.mark.parametrize("payload", [
    {"expires_in_days": 0}, {"expires_in_days": 31},
    {"expires_in_days": 3, "expires_at": "2030-01-01T00:00:00Z"},
    {"expires_at": "2099-01-01T00:00:00Z"},
])  # fmt: skip
def test_an_expiry_outside_one_to_thirty_days_is_a_400(payload, api, brand_manager, brief, artist):
    response = as_user(api, brand_manager).post(
        "/api/v1/offers/", {"brief": brief.pk, "artist": artist.slug, **payload}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) & {"expires_in_days", "expires_at"}
    assert not Offer.objects.exists()


def test_the_brand_renews_an_expired_offer_over_the_api(api, brand_manager, artist, offer):
    url = f"/api/v1/offers/{offer.pk}/renew/"
    early = as_user(api, brand_manager).post(url, {}, format="json")
    assert early.status_code == 409 and "only an expired offer" in early.json()["detail"]
    Offer.objects.filter(pk=offer.pk).update(expires_at=timezone.now() - timedelta(minutes=5))
    services.offers_expire_due()
    assert as_user(api, artist.user).post(url, {}, format="json").status_code == 403
    bad = as_user(api, brand_manager).post(url, {"expires_in_days": 45}, format="json")
    assert bad.status_code == 400 and "expires_in_days" in bad.json()["errors"]
    unknown = api.post(url, {"days": 5}, format="json")
    assert unknown.status_code == 400
    renewed = api.post(url, {"expires_in_days": 5}, format="json")
    assert renewed.status_code == 200, renewed.json()
    body = renewed.json()
    assert body["status"] == "sent" and body["awaiting"] == "artist"
    assert body["time_left"] == "5 days left"
    accepted = as_user(api, artist.user).post(f"/api/v1/offers/{offer.pk}/accept/")
    assert accepted.json()["status"] == "accepted"


def test_an_offer_breaking_an_exclusivity_is_a_409_unless_confirmed_and_lists_the_conflicts(
    api, brand_manager, brief, artist
):
    held = make_exclusive_contract(artist=artist, start=brief.start_date, months=6)
    until = add_months(brief.start_date, 6)
    payload = {"brief": brief.pk, "artist": artist.slug}
    refused = as_user(api, brand_manager).post("/api/v1/offers/", payload, format="json")
    assert refused.status_code == 409
    body = refused.json()
    assert "confirm to send it anyway" in body["detail"]
    assert body["errors"]["confirm_exclusivity_conflict"] == [
        f"This offer would break the artist's Beverages exclusivity until "
        f"{date_format(until, 'j M Y')}."
    ]
    assert not Offer.objects.filter(brief=brief).exists()
    created = api.post("/api/v1/offers/", {**payload, "confirm_exclusivity_conflict": True},
                       format="json")  # fmt: skip
    assert created.status_code == 201
    (conflict,) = created.json()["exclusivity_conflicts"]
    # The brand learns the category and the date, not the other brand's contract.
    assert conflict["category"] == "beverages" and conflict["until"] == until.isoformat()
    assert conflict["contract"] is None
    oid = created.json()["id"]
    seen = as_user(api, artist.user).get(f"/api/v1/offers/{oid}/").json()
    (conflict,) = seen["exclusivity_conflicts"]
    assert conflict["contract"] == held.pk
    assert conflict["message"].startswith("This offer breaks your Beverages exclusivity")
