"""Brief pages: the step-by-step editor, lifecycle buttons, who sees what."""

import pytest
from django.urls import reverse

from campaigns.briefs.models import Brief
from tests.artists.factories import DeliverableTypeFactory, GenreFactory
from tests.brands.factories import BrandFactory, MembershipFactory
from tests.campaigns.factories import BriefDeliverableFactory, BriefFactory

pytestmark = pytest.mark.django_db


def test_manager_builds_a_brief_step_by_step_and_publishes_it(client, brand, brand_manager):
    dtype = DeliverableTypeFactory(name="DJ set", slug="dj-set")
    genre = GenreFactory(name="Techno", slug="techno")
    client.force_login(brand_manager)

    r = client.post(reverse("campaigns:brief_create"), {
        "brand": brand.slug, "title": "Runway sound", "objective": "launch",
        "description": "A DJ set for the show.", "visibility": "public"})  # fmt: skip
    brief = Brief.objects.get(title="Runway sound")
    assert r.url == reverse("campaigns:brief_edit", args=[brief.pk, "deliverables"])

    r = client.post(r.url, {
        "deliverables-TOTAL_FORMS": "1", "deliverables-INITIAL_FORMS": "0",
        "deliverables-MIN_NUM_FORMS": "0", "deliverables-MAX_NUM_FORMS": "20",
        "deliverables-0-deliverable_type": dtype.pk, "deliverables-0-quantity": "2",
        "deliverables-0-notes": "Paris"})  # fmt: skip
    assert r.url == reverse("campaigns:brief_edit", args=[brief.pk, "audience"])
    assert brief.deliverables.get().quantity == 2

    r = client.post(r.url, {
        "territories": ["FR", "DE"], "age_min": "18", "age_max": "34", "genres": [genre.pk],
        "emerging_percent": "40", "fairness": "fair"})  # fmt: skip
    assert r.url == reverse("campaigns:brief_edit", args=[brief.pk, "budget"])

    r = client.post(r.url, {
        "budget_min_major": "5000", "budget_max_major": "12000.50", "currency": "EUR",
        "start_date": "2027-03-01", "end_date": "2027-03-31"})  # fmt: skip
    assert r.url == reverse("campaigns:brief_detail", args=[brief.pk])
    brief.refresh_from_db()
    assert (brief.budget_min, brief.budget_max) == (500_000, 1_200_050)
    assert float(brief.emerging_share) == 0.4
    assert sorted(c.code for c in brief.territories) == ["DE", "FR"]

    page = client.get(r.url).content.decode()
    assert "Publish" in page
    client.post(reverse("campaigns:brief_publish", args=[brief.pk]))
    brief.refresh_from_db()
    assert brief.status == Brief.Status.PUBLISHED


def test_budget_step_shows_field_errors_and_keeps_the_draft(client, brand, brand_owner):
    brief = BriefFactory(brand=brand, budget_min=None, budget_max=None)
    client.force_login(brand_owner)
    r = client.post(reverse("campaigns:brief_edit", args=[brief.pk, "budget"]), {
        "budget_min_major": "900", "budget_max_major": "100", "currency": "EUR",
        "start_date": "2027-03-31", "end_date": "2027-03-01"})  # fmt: skip
    assert r.status_code == 200
    html = r.content.decode()
    assert "The maximum budget must be at least the minimum." in html
    assert "The campaign must end on or after its start date." in html
    brief.refresh_from_db()
    assert brief.budget_min is None


def test_publish_button_is_replaced_by_what_is_missing(client, brand, brand_owner):
    brief = BriefFactory(brand=brand)
    client.force_login(brand_owner)
    html = client.get(reverse("campaigns:brief_detail", args=[brief.pk])).content.decode()
    assert "Before publishing, add:" in html and "at least one deliverable" in html


def test_illegal_transition_from_the_page_is_a_message_not_an_error(client, brand, brand_owner):
    brief = BriefFactory(brand=brand)
    BriefDeliverableFactory(brief=brief)
    client.force_login(brand_owner)
    r = client.post(reverse("campaigns:brief_close", args=[brief.pk]), follow=True)
    assert r.status_code == 200
    assert "A draft brief cannot become closed." in r.content.decode()


def test_viewer_cannot_edit_and_outsider_cannot_see_a_draft(client, brand, brand_viewer):
    brief = BriefFactory(brand=brand)
    client.force_login(brand_viewer)
    r = client.get(reverse("campaigns:brief_edit", args=[brief.pk, "basics"]), follow=True)
    assert "Only the brand&#x27;s owners and managers can edit" in r.content.decode()

    outsider = MembershipFactory(brand=BrandFactory()).user
    client.force_login(outsider)
    assert client.get(reverse("campaigns:brief_detail", args=[brief.pk])).status_code == 404
    assert client.get(reverse("campaigns:brief_matches", args=[brief.pk])).status_code == 404


def test_artist_sees_published_briefs_only(client, brand, artist_user):
    published = BriefFactory(brand=brand, status=Brief.Status.PUBLISHED, title="Open call")
    BriefFactory(brand=brand, title="Secret draft")
    client.force_login(artist_user)
    html = client.get(reverse("campaigns:brief_list")).content.decode()
    assert "Open call" in html and "Secret draft" not in html
    assert client.get(reverse("campaigns:brief_detail", args=[published.pk])).status_code == 200
    assert client.get(reverse("campaigns:brief_matches", args=[published.pk])).status_code == 404


def test_unknown_step_is_404(client, brand, brand_owner):
    brief = BriefFactory(brand=brand)
    client.force_login(brand_owner)
    assert client.get(reverse("campaigns:brief_edit", args=[brief.pk, "nope"])).status_code == 404


def test_brief_list_bad_filter_shows_form_error_not_500(client, brand, brand_owner):
    client.force_login(brand_owner)
    r = client.get(reverse("campaigns:brief_list") + "?status=bogus")
    assert r.status_code == 200
    assert "Select a valid choice" in r.content.decode()
