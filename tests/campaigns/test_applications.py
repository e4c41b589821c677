"""Open calls: who may apply (the brief's hard filters), once; the brand converts or declines;
pages, API, notifications and the 409s of the application state machine."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from artists.models import Unavailability
from aux.audit.models import AuditEvent
from aux.errors import ConflictError, NotFoundError, PermissionDeniedError
from aux.notifications.models import Notification
from campaigns.bookings import services
from campaigns.bookings.models import Application, Offer
from campaigns.briefs.matching_service import matches_recompute
from campaigns.briefs.models import Brief, MatchCuration
from tests.brands.factories import BrandFactory, MembershipFactory
from tests.campaigns.factories import booking_artist, booking_brief, make_offer

pytestmark = pytest.mark.django_db


@pytest.fixture
def brief(open_call_brief):
    """This module's brief is an open call."""
    return open_call_brief


def apply(artist, brief, **kw):
    values = {"pitch": "Two festival shows and a post series.", "proposed_fee": 320_000}
    return services.application_create(actor=artist.user, brief=brief, **{**values, **kw})


@pytest.fixture
def application(artist, brief):
    return apply(artist, brief, links=["https://example.com/live"])


# --- eligibility and applying ---------------------------------------------------------------


def test_an_artist_who_passes_the_filters_applies_and_the_brands_deciders_are_told(
    brand_manager, brand_viewer, artist, brief, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        app = apply(artist, brief, links=["https://example.com/a"])
    assert app.status == Application.Status.PENDING
    assert (app.proposed_fee, app.currency, app.links) == (
        320_000,
        "EUR",
        ["https://example.com/a"],
    )
    told = set(Notification.objects.filter(kind="application.received").values_list(
        "recipient_id", flat=True))  # fmt: skip
    assert told == {brand_manager.pk}  # viewers do not decide
    assert AuditEvent.objects.filter(verb="application.create", target_id=str(app.pk)).exists()


def _no_rate(artist, brief):
    artist.rates.filter(deliverable_type__slug="social-post").delete()


def _unavailable(artist, brief):
    Unavailability.objects.create(
        artist=artist, start=brief.start_date - timedelta(days=1), end=brief.start_date
    )


def _refuses(artist, brief):
    artist.refused_categories.add(brief.brand.category)


def _too_dear(artist, brief):
    artist.rates.update(min_fee=1_000_000)  # 2 shows + 3 posts = €50,000 > €20,000 budget


def _hidden(artist, brief):
    MatchCuration.objects.create(brief=brief, artist=artist, hidden=True)


@pytest.mark.parametrize(
    ("make_ineligible", "reason"),
    [
        (_no_rate, "do not offer Social post"),
        (_unavailable, "unavailable"),
        (_refuses, "refuse work for brands in this category"),
        (_too_dear, "above the brief's budget"),
        (_hidden, "excluded"),
    ],
)
def test_an_artist_removed_by_a_hard_filter_cannot_apply_and_is_told_why(
    artist, brief, make_ineligible, reason
):
    assert services.application_eligibility(brief=brief, artist=artist) == []
    make_ineligible(artist, brief)
    reasons = services.application_eligibility(brief=brief, artist=artist)
    assert len(reasons) == 1 and reason in reasons[0]
    with pytest.raises(PermissionDeniedError) as exc:
        apply(artist, brief)
    assert exc.value.errors == {"brief": reasons}
    assert not Application.objects.exists()


def test_fees_in_another_currency_are_converted_before_the_budget_check(artist, brief):
    artist.rates.update(currency="GBP", min_fee=400_000)  # 5 × £4,000 ≈ €23,400 > €20,000
    assert (
        "above the brief's budget"
        in services.application_eligibility(brief=brief, artist=artist)[0]
    )
    artist.rates.update(min_fee=300_000)  # ≈ €17,550
    assert services.application_eligibility(brief=brief, artist=artist) == []


def test_an_artist_applies_only_once_per_brief(artist, brief, application):
    with pytest.raises(ConflictError, match="already applied"):
        apply(artist, brief, proposed_fee=1)


def test_applications_need_a_published_open_call(artist, brand):
    closed_call = booking_brief(brand, open_call=False)
    with pytest.raises(ConflictError, match="not an open call"):
        apply(artist, closed_call)
    draft = booking_brief(brand, open_call=True)
    Brief.objects.filter(pk=draft.pk).update(status=Brief.Status.CLOSED)
    draft.refresh_from_db()
    with pytest.raises(ConflictError, match="closed"):
        apply(artist, draft)


def test_only_artists_apply_and_pitch_and_fee_are_checked(brand_manager, artist, brief):
    with pytest.raises(PermissionDeniedError):
        services.application_create(actor=brand_manager, brief=brief, pitch="x", proposed_fee=1)
    with pytest.raises(ValidationError) as exc:
        apply(artist, brief, pitch="  ", proposed_fee=0, links=["ftp://nope"])
    assert set(exc.value.message_dict) == {"pitch", "proposed_fee", "links"}


def test_a_private_brief_cannot_be_an_open_call(brand_manager, brand):
    brief = booking_brief(brand, visibility=Brief.Visibility.PRIVATE)
    with pytest.raises(ValidationError):
        services.brief_open_call_set(actor=brand_manager, brief=brief, open_call=True)
    Brief.objects.filter(pk=brief.pk).update(open_call=True)
    brief.refresh_from_db()
    with pytest.raises(NotFoundError):
        apply(booking_artist(), brief)


def test_only_owners_and_managers_open_a_call(brand_viewer, brand_owner, brand):
    brief = booking_brief(brand)
    with pytest.raises(PermissionDeniedError):
        services.brief_open_call_set(actor=brand_viewer, brief=brief, open_call=True)
    assert services.brief_open_call_set(actor=brand_owner, brief=brief, open_call=True).open_call


# --- convert and decline ----------------------------------------------------------------------


def test_converting_makes_an_offer_prefilled_with_the_proposed_fee(
    brand_manager, artist, application
):
    offer = services.application_convert(actor=brand_manager, application=application)
    assert offer.status == Offer.Status.SENT and offer.awaiting == "artist"
    assert offer.total == 320_000
    fees = [ln.fee for ln in offer.current_revision.lines.order_by("id")]
    # Spread like the artist's minimums (€2,000 shows : €900 posts), the remainder on the last.
    assert fees == [220_689, 99_311] and sum(fees) == 320_000
    application.refresh_from_db()
    assert application.status == Application.Status.CONVERTED and application.offer == offer
    assert application.decided_by == brand_manager


def test_declining_keeps_the_reason_and_tells_the_artist(
    brand_manager, artist, application, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.application_decline(
            actor=brand_manager, application=application, reason="Looking for a DJ."
        )
    application.refresh_from_db()
    assert application.status == Application.Status.DECLINED
    assert application.decline_reason == "Looking for a DJ."
    note = Notification.objects.get(kind="application.declined")
    assert note.recipient == artist.user


@pytest.mark.parametrize("first", ["convert", "decline"])
@pytest.mark.parametrize("then", ["convert", "decline"])
def test_a_decided_application_cannot_be_decided_again(brand_manager, application, first, then):
    steps = {"convert": services.application_convert, "decline": services.application_decline}
    steps[first](actor=brand_manager, application=application)
    with pytest.raises(ConflictError, match="cannot become"):
        steps[then](actor=brand_manager, application=application)


def test_converting_when_the_artist_already_has_an_open_offer_changes_nothing(
    brand_manager, artist, brief, application
):
    make_offer(actor=brand_manager, brief=brief, artist=artist)
    with pytest.raises(ConflictError, match="open offer"):
        services.application_convert(actor=brand_manager, application=application)
    application.refresh_from_db()
    assert application.status == Application.Status.PENDING and application.offer is None


def test_viewers_other_brands_and_the_artist_cannot_convert_or_decline(
    brand_viewer, artist, application
):
    other = MembershipFactory(brand=BrandFactory(), role="owner").user
    for user in (brand_viewer, other, artist.user):
        for step in (services.application_convert, services.application_decline):
            with pytest.raises(PermissionDeniedError):
                step(actor=user, application=application)


# --- pages ------------------------------------------------------------------------------------


def test_artist_applies_through_the_brief_page(client, artist, brief):
    client.force_login(artist.user)
    detail = client.get(reverse("campaigns:brief_detail", args=[brief.pk])).content.decode()
    apply_url = reverse("campaigns:application_new", args=[brief.pk])
    assert apply_url in detail
    response = client.post(apply_url, {"pitch": "Hi!", "links": "https://example.com/x",
                                       "proposed_fee_major": "3200.50"})  # fmt: skip
    assert response.status_code == 302
    app = Application.objects.get()
    assert (app.proposed_fee, app.links) == (320_050, ["https://example.com/x"])
    detail = client.get(reverse("campaigns:brief_detail", args=[brief.pk])).content.decode()
    assert "Your application" in detail and apply_url not in detail


def test_the_apply_page_lists_what_the_artist_lacks(client, artist, brief):
    _refuses(artist, brief)
    client.force_login(artist.user)
    page = client.get(reverse("campaigns:application_new", args=[brief.pk])).content.decode()
    assert "refuse work for brands in this category" in page and "Send application" not in page


def test_brand_sees_applicants_beside_the_matches_with_their_score_and_converts_one(
    client, brand_manager, artist, brief, application
):
    matches_recompute(brief=brief)
    client.force_login(brand_manager)
    page = client.get(reverse("campaigns:brief_matches", args=[brief.pk])).content.decode()
    assert 'id="applicants"' in page and artist.stage_name in page
    rank = brief.matches.get(artist=artist)
    assert f"#{rank.rank} · {rank.score:.2f}" in page
    response = client.post(
        reverse("campaigns:application_action", args=[brief.pk, application.pk, "convert"])
    )
    offer = Offer.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "bookings:offer_detail", args=[offer.pk]
    )


def test_brand_declines_from_the_match_page(client, brand_manager, brief, application):
    client.force_login(brand_manager)
    url = reverse("campaigns:application_action", args=[brief.pk, application.pk, "decline"])
    client.post(url, {"reason": "Not this time."})
    application.refresh_from_db()
    assert application.status == "declined" and application.decline_reason == "Not this time."
    again = client.post(url, follow=True).content.decode()
    assert "cannot become" in again


def test_brand_opens_and_stops_the_call_from_the_brief_page(client, brand_manager, brand):
    brief = booking_brief(brand)
    client.force_login(brand_manager)
    url = reverse("campaigns:brief_open_call", args=[brief.pk])
    assert url in client.get(reverse("campaigns:brief_detail", args=[brief.pk])).content.decode()
    client.post(url, {"open_call": "1"})
    brief.refresh_from_db()
    assert brief.open_call
    client.post(url, {"open_call": "0"})
    brief.refresh_from_db()
    assert not brief.open_call


# --- API --------------------------------------------------------------------------------------


def test_api_apply_then_accept_into_an_offer(api, brand_manager, artist, brief):
    api.force_authenticate(artist.user)
    created = api.post(
        "/api/v1/applications/",
        {"brief": brief.pk, "pitch": "Me!", "links": ["https://example.com/a"],
         "proposed_fee": 300_000},
        format="json",
    )  # fmt: skip
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["status"] == "pending" and body["artist"] == artist.slug
    assert body["match_score"] is None
    again = api.post("/api/v1/applications/", {"brief": brief.pk, "pitch": "Me again",
                                               "proposed_fee": 1}, format="json")  # fmt: skip
    assert again.status_code == 409 and "already applied" in again.json()["detail"]

    api.force_authenticate(brand_manager)
    listed = api.get(f"/api/v1/applications/?brief={brief.pk}").json()
    assert [a["id"] for a in listed["results"]] == [body["id"]]
    accepted = api.post(f"/api/v1/applications/{body['id']}/accept/", {}, format="json")
    assert accepted.status_code == 201, accepted.json()
    assert accepted.json()["total"] == 300_000 and accepted.json()["status"] == "sent"
    twice = api.post(f"/api/v1/applications/{body['id']}/accept/", {}, format="json")
    assert twice.status_code == 409 and "turned into an offer" in twice.json()["detail"]
    declined = api.post(f"/api/v1/applications/{body['id']}/decline/", {}, format="json")
    assert declined.status_code == 409


def test_api_scopes_applications_and_refuses_by_role(api, brand_viewer, artist, application):
    other_artist = booking_artist()
    api.force_authenticate(other_artist.user)
    assert api.get("/api/v1/applications/").json()["results"] == []
    assert api.get(f"/api/v1/applications/{application.pk}/").status_code == 404
    assert api.post(f"/api/v1/applications/{application.pk}/decline/").status_code == 404
    api.force_authenticate(brand_viewer)
    assert api.get(f"/api/v1/applications/{application.pk}/").status_code == 200
    refused = api.post(f"/api/v1/applications/{application.pk}/accept/", {}, format="json")
    assert refused.status_code == 403
    api.force_authenticate(artist.user)
    assert api.post(f"/api/v1/applications/{application.pk}/decline/").status_code == 403
    api.force_authenticate(None)
    assert api.get("/api/v1/applications/").status_code in (401, 403)


def test_api_ineligible_artist_gets_403_with_the_reasons(api, artist, brief):
    _no_rate(artist, brief)
    api.force_authenticate(artist.user)
    response = api.post("/api/v1/applications/", {"brief": brief.pk, "pitch": "x",
                                                  "proposed_fee": 5}, format="json")  # fmt: skip
    assert response.status_code == 403
    assert "Social post" in response.json()["errors"]["brief"][0]


def test_api_bad_input_is_a_400_in_the_one_error_shape(api, artist, brief):
    api.force_authenticate(artist.user)
    response = api.post("/api/v1/applications/", {"brief": brief.pk, "proposed_fee": 0},
                        format="json")  # fmt: skip
    assert response.status_code == 400
    assert {"pitch", "proposed_fee"} <= set(response.json()["errors"])
