"""`/api/v1/briefs/`: permissions, bad input, lifecycle actions."""

import pytest

from campaigns.briefs.models import Brief
from tests.artists.factories import DeliverableTypeFactory, GenreFactory
from tests.brands.factories import BrandFactory, MembershipFactory
from tests.campaigns.factories import BriefDeliverableFactory, BriefFactory

pytestmark = pytest.mark.django_db


def _payload(brand, **overrides) -> dict:
    dtype = DeliverableTypeFactory(name="Live show", slug="live-show")
    genre = GenreFactory(name="House", slug="house")
    return {
        "brand": brand.slug,
        "title": "Summer stages",
        "description": "Three festival shows.",
        "objective": "live_event",
        "territories": ["DE", "FR"],
        "genres": [genre.slug],
        "budget_min": 500_000,
        "budget_max": 2_000_000,
        "currency": "EUR",
        "start_date": "2027-06-01",
        "end_date": "2027-08-31",
        "emerging_share": "0.40",
        "deliverables": [{"deliverable_type": dtype.slug, "quantity": 3}],
        **overrides,
    }


def test_manager_creates_publishes_and_closes_a_brief(api, brand, brand_manager):
    api.force_authenticate(brand_manager)
    created = api.post("/api/v1/briefs/", _payload(brand), format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["status"] == "draft"
    assert body["deliverables"] == [{"deliverable_type": "live-show", "quantity": 3, "notes": ""}]
    assert body["territories"] == ["DE", "FR"]

    published = api.post(f"/api/v1/briefs/{body['id']}/publish/")
    assert published.status_code == 200
    assert published.json()["status"] == "published"
    closed = api.post(f"/api/v1/briefs/{body['id']}/close/")
    assert closed.json()["status"] == "closed"
    again = api.post(f"/api/v1/briefs/{body['id']}/publish/")
    assert again.status_code == 409
    assert "cannot become published" in again.json()["detail"]


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"budget_min": 900, "budget_max": 100}, "budget_max"),
        ({"start_date": "2027-09-01", "end_date": "2027-08-01"}, "end_date"),
        ({"emerging_share": "1.5"}, "emerging_share"),
        ({"emerging_share": "-0.1"}, "emerging_share"),
        ({"territories": ["XX"]}, "territories.0"),
        ({"budget_min": -5}, "budget_min"),
        ({"deliverables": [{"deliverable_type": "live-show", "quantity": 0}]},
         "deliverables.0.quantity"),
        ({"title": ""}, "title"),
        ({"objective": "world-domination"}, "objective"),
    ],
)  # fmt: skip
def test_bad_input_is_a_400_naming_the_field(api, brand, brand_owner, override, field):
    api.force_authenticate(brand_owner)
    response = api.post("/api/v1/briefs/", _payload(brand, **override), format="json")
    assert response.status_code == 400
    body = response.json()
    assert field in body["errors"], body
    assert body["detail"]
    assert not Brief.objects.exists()


def test_a_reference_to_no_such_object_is_a_404_naming_the_field(api, brand, brand_owner):
    api.force_authenticate(brand_owner)
    response = api.post("/api/v1/briefs/", _payload(brand, genres=["no-such-genre"]), format="json")
    assert response.status_code == 404
    assert "genres" in response.json()["errors"]
    assert not Brief.objects.exists()


def test_another_brand_cannot_see_a_draft_or_its_matches(api, brand):
    draft = BriefFactory(brand=brand)
    outsider = MembershipFactory(brand=BrandFactory()).user
    api.force_authenticate(outsider)

    assert api.get(f"/api/v1/briefs/{draft.pk}/").status_code == 404
    assert api.get(f"/api/v1/briefs/{draft.pk}/matches/").status_code == 404
    assert api.patch(f"/api/v1/briefs/{draft.pk}/", {"title": "x"}).status_code == 404
    assert draft.pk not in [b["id"] for b in api.get("/api/v1/briefs/").json()["results"]]


def test_published_public_brief_is_readable_but_its_matches_are_the_brands(api, brand, artist_user):
    brief = BriefFactory(brand=brand, status=Brief.Status.PUBLISHED)
    api.force_authenticate(artist_user)
    assert api.get(f"/api/v1/briefs/{brief.pk}/").status_code == 200
    assert api.get(f"/api/v1/briefs/{brief.pk}/matches/").status_code == 403
    assert api.patch(f"/api/v1/briefs/{brief.pk}/", {"title": "x"}).status_code == 403


def test_viewer_reads_but_cannot_write(api, brand, brand_viewer):
    brief = BriefFactory(brand=brand)
    api.force_authenticate(brand_viewer)
    assert api.get(f"/api/v1/briefs/{brief.pk}/").status_code == 200
    assert api.get(f"/api/v1/briefs/{brief.pk}/matches/").status_code == 200
    response = api.patch(f"/api/v1/briefs/{brief.pk}/", {"title": "x"}, format="json")
    assert response.status_code == 403
    assert "owners and managers" in response.json()["detail"]
    assert api.post("/api/v1/briefs/", _payload(brand), format="json").status_code == 403


def test_anonymous_gets_401_or_403(api):
    assert api.get("/api/v1/briefs/").status_code in (401, 403)


def test_only_drafts_are_deleted_and_published_briefs_give_409(api, brand, brand_owner):
    draft = BriefFactory(brand=brand)
    published = BriefFactory(brand=brand, status=Brief.Status.PUBLISHED)
    api.force_authenticate(brand_owner)
    assert api.delete(f"/api/v1/briefs/{draft.pk}/").status_code == 204
    response = api.delete(f"/api/v1/briefs/{published.pk}/")
    assert response.status_code == 409
    assert Brief.objects.filter(pk=published.pk).exists()


def test_patch_replaces_deliverables_and_keeps_other_fields(api, brand, brand_owner):
    brief = BriefFactory(brand=brand, title="Keep me")
    BriefDeliverableFactory(brief=brief)
    other = DeliverableTypeFactory(name="Social post", slug="social-post")
    api.force_authenticate(brand_owner)
    response = api.patch(
        f"/api/v1/briefs/{brief.pk}/",
        {"deliverables": [{"deliverable_type": "social-post", "quantity": 5}]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["title"] == "Keep me"
    assert [(d.deliverable_type, d.quantity) for d in brief.deliverables.all()] == [(other, 5)]


def test_publishing_an_incomplete_brief_is_a_409_listing_what_is_missing(api, brand, brand_owner):
    brief = BriefFactory(brand=brand)
    api.force_authenticate(brand_owner)
    response = api.post(f"/api/v1/briefs/{brief.pk}/publish/")
    assert response.status_code == 409
    assert response.json()["errors"]["brief"] == ["at least one deliverable"]


def test_list_filters_by_status(api, brand, brand_owner):
    BriefFactory(brand=brand, status=Brief.Status.PUBLISHED)
    BriefFactory(brand=brand)
    api.force_authenticate(brand_owner)
    body = api.get("/api/v1/briefs/?status=draft").json()
    assert body["count"] == 1
    assert api.get("/api/v1/briefs/?status=bogus").status_code == 400
