"""Public reviews: double-blind publication, pages and API of the artist and the brand, the
reviewed side's single answer, reports and staff hiding."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from aux.audit.models import AuditEvent
from aux.errors import ConflictError, NotFoundError, PermissionDeniedError
from campaigns.bookings import services
from campaigns.bookings.models import Contract, Review, ReviewReport
from campaigns.reviews import services as review_services
from campaigns.reviews.selectors import reviews_of_artist, reviews_of_brand
from tests.campaigns.factories import booking_artist, booking_brief, make_active_contract
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def contract(brand, brand_manager):
    artist = booking_artist()
    c = make_active_contract(brand_user=brand_manager, brief=booking_brief(brand), artist=artist)
    Contract.objects.filter(pk=c.pk).update(status=Contract.Status.COMPLETED)
    c.refresh_from_db()
    return c


def _age(review: Review, days: int) -> None:
    Review.objects.filter(pk=review.pk).update(created_at=timezone.now() - timedelta(days=days))


def test_a_review_stays_hidden_until_the_other_side_has_written_theirs(
    client, contract, brand_manager
):
    artist = contract.artist
    services.review_create(actor=brand_manager, contract=contract, rating=4, text="Great show.")
    page = reverse("artists:detail", args=[artist.slug])
    assert "Great show." not in client.get(page).text
    assert "No reviews yet." in client.get(page).text
    assert client.get(f"/api/v1/artists/{artist.slug}/reviews/").json()["count"] == 0
    # The reviewed artist does not read it on the contract either, page or API.
    client.force_login(artist.user)
    assert (
        "Great show."
        not in client.get(reverse("bookings:contract_detail", args=[contract.pk])).text
    )
    assert client.get(f"/api/v1/contracts/{contract.pk}/reviews/").json() == []

    services.review_create(actor=artist.user, contract=contract, rating=5, text="Smooth brand.")
    html = client.get(page).text
    assert "Great show." in html and "4.0 out of 5" in html and "1 review" in html
    assert "No reviews yet." not in html
    brand_page = client.get(reverse("brands:detail", args=[contract.brand.slug])).text
    assert "Smooth brand." in brand_page and "5.0 out of 5" in brand_page
    assert len(client.get(f"/api/v1/contracts/{contract.pk}/reviews/").json()) == 2


def test_a_lone_review_is_published_after_the_blind_period_and_closes_the_other_side(
    contract, brand_manager, settings
):
    settings.AUX_REVIEW_BLIND_DAYS = 14
    review = services.review_create(actor=brand_manager, contract=contract, rating=3)
    _age(review, 13)
    assert not reviews_of_artist(artist=contract.artist).exists()
    _age(review, 15)
    assert list(reviews_of_artist(artist=contract.artist)) == [review]
    # Writing after reading the other side's review would defeat the double-blind.
    with pytest.raises(ConflictError, match="ended"):
        services.review_create(actor=contract.artist.user, contract=contract, rating=1)


def test_no_review_means_no_rating_rather_than_an_invented_one(client, brand):
    artist = booking_artist()
    html = client.get(reverse("artists:detail", args=[artist.slug])).text
    assert "No reviews yet." in html and "out of 5" not in html
    body = client.get(f"/api/v1/artists/{artist.slug}/reviews/").json()
    assert body["count"] == 0 and body["average"] is None and body["results"] == []
    assert "No reviews yet." in client.get(reverse("brands:detail", args=[brand.slug])).text
    assert client.get("/api/v1/artists/nobody-here/reviews/").status_code == 404
    assert client.get("/api/v1/brands/nobody-here/reviews/").status_code == 404


def _both_reviewed(contract, brand_manager):
    about_artist = services.review_create(
        actor=brand_manager, contract=contract, rating=4, text="Good"
    )
    about_brand = services.review_create(
        actor=contract.artist.user, contract=contract, rating=2, text="Late pay"
    )
    return about_artist, about_brand


def test_only_the_reviewed_side_answers_and_only_once(
    client, contract, brand_manager, brand_viewer
):
    lone = services.review_create(actor=brand_manager, contract=contract, rating=4, text="Good")
    with pytest.raises(NotFoundError):  # not published yet: nobody may answer it
        review_services.review_reply(actor=contract.artist.user, review=lone, text="Thanks")
    about_brand = services.review_create(actor=contract.artist.user, contract=contract, rating=2)
    with pytest.raises(PermissionDeniedError):  # its author
        review_services.review_reply(actor=brand_manager, review=lone, text="Me again")
    with pytest.raises(PermissionDeniedError):  # brand viewers read, they do not act
        review_services.review_reply(actor=brand_viewer, review=about_brand, text="Sorry")
    review_services.review_reply(actor=contract.artist.user, review=lone, text="Thank you!")
    with pytest.raises(ConflictError):
        review_services.review_reply(actor=contract.artist.user, review=lone, text="Again")
    html = client.get(reverse("artists:detail", args=[contract.artist.slug])).text
    assert "Thank you!" in html and f"Answer from {contract.artist.stage_name}" in html
    results = client.get(f"/api/v1/artists/{contract.artist.slug}/reviews/").json()["results"]
    assert results[0]["reply"] == "Thank you!"
    assert results[0]["author_name"] == contract.brand.name
    # The brand answers through the API.
    client.force_login(brand_manager)
    answer = client.post(f"/api/v1/reviews/{about_brand.pk}/answer/", {"text": "Paid now."},
                         content_type="application/json")  # fmt: skip
    assert answer.status_code == 200 and answer.json()["reply"] == "Paid now."
    again = client.post(f"/api/v1/reviews/{about_brand.pk}/answer/", {"text": "x"},
                        content_type="application/json")  # fmt: skip
    assert again.status_code == 409


def test_the_answer_page_shows_errors_and_publishes(client, contract, brand_manager):
    about_artist, _ = _both_reviewed(contract, brand_manager)
    client.force_login(contract.artist.user)
    url = reverse("reviews:reply", args=[about_artist.pk])
    page = client.get(reverse("artists:detail", args=[contract.artist.slug])).text
    assert url in page
    bad = client.post(url, {"text": "  "})
    assert bad.status_code == 400 and "This field is required." in bad.text
    done = client.post(url, {"text": "Thanks, see you soon."})
    assert done.status_code == 302 and done.url.endswith("#reviews")
    assert "Thanks, see you soon." in client.get(done.url).text


def test_anyone_signed_in_reports_once_and_staff_hide_the_review(
    client, contract, brand_manager, staff_user
):
    about_artist, _ = _both_reviewed(contract, brand_manager)
    url = f"/api/v1/reviews/{about_artist.pk}/report/"
    assert (
        client.post(url, {"reason": "Insulting words"}, content_type="application/json").status_code
        == 401
    )
    client.force_login(UserFactory(role="artist"))
    short = client.post(url, {"reason": "bad"}, content_type="application/json")
    assert short.status_code == 400 and "reason" in short.json()["errors"]
    assert (
        client.post(url, {"reason": "Insulting words"}, content_type="application/json").status_code
        == 201
    )
    assert (
        client.post(url, {"reason": "Insulting words"}, content_type="application/json").status_code
        == 409
    )
    report = ReviewReport.objects.get()
    # The staff queue: hiding needs a reason, then takes the review off the page, API and average.
    client.force_login(staff_user)
    change = reverse("admin:campaigns_reviewreport_change", args=[report.pk])
    assert "Insulting words" in client.get(change).text
    refused = client.post(change, {"decision": "hide", "note": ""})
    assert refused.status_code == 200 and "Say why the review is hidden." in refused.text
    assert client.post(change, {"decision": "hide", "note": "Insults"}).status_code == 302
    report.refresh_from_db()
    assert report.outcome == ReviewReport.Outcome.HIDDEN
    assert not reviews_of_artist(artist=contract.artist).exists()
    assert reviews_of_brand(brand=contract.brand).count() == 1  # the other side's stays
    body = client.get(f"/api/v1/artists/{contract.artist.slug}/reviews/").json()
    assert body["count"] == 0 and body["average"] is None
    assert AuditEvent.objects.filter(verb="review.hidden", actor=staff_user).exists()


def test_the_report_page_shows_errors(client, contract, brand_manager):
    about_artist, _ = _both_reviewed(contract, brand_manager)
    client.force_login(UserFactory(role="brand"))
    url = reverse("reviews:report", args=[about_artist.pk])
    bad = client.post(url, {"reason": "meh"})
    assert bad.status_code == 400 and "at least 10 characters" in bad.text
    assert client.post(url, {"reason": "Not a real booking"}).status_code == 302
    assert ReviewReport.objects.filter(review=about_artist).count() == 1


def test_the_public_review_list_reads_in_a_fixed_number_of_queries(
    client, contract, brand_manager, django_assert_max_num_queries
):
    _both_reviewed(contract, brand_manager)
    with django_assert_max_num_queries(4):
        assert client.get(f"/api/v1/artists/{contract.artist.slug}/reviews/").status_code == 200


def test_the_engine_rates_an_artist_from_published_reviews_only(contract, brand_manager):
    from campaigns.briefs import snapshot_store

    artist = contract.artist
    services.review_create(actor=brand_manager, contract=contract, rating=4)
    assert snapshot_store.artist_records([artist.pk])[0].get("rating") is None  # blind still
    services.review_create(actor=artist.user, contract=contract, rating=1)  # about the brand
    assert snapshot_store.artist_records([artist.pk])[0]["rating"] == 4.0
    columns = snapshot_store._columns(artist.pk, artist.pk)
    assert [float(r) for r in columns.rating] == [4.0]
    never = booking_artist()
    assert snapshot_store.artist_records([never.pk])[0].get("rating") is None
