"""`/api/v1/brands/...`: who sees what, who may change what, and errors in the one JSON shape."""

import pytest
from django.core import mail
from rest_framework.test import APIClient

from aux.audit.models import AuditEvent
from brands.models import Brand, Invitation, Membership
from tests.brands.factories import BrandFactory, MembershipFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db


def _as(api: APIClient, user) -> APIClient:
    api.force_authenticate(user)
    return api


def _assert_error_shape(response, status: int) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert isinstance(body["detail"], str) and body["detail"]
    return body


def test_list_shows_only_the_brands_the_user_belongs_to(api, brand, brand_viewer):
    BrandFactory(name="Someone Else")
    body = _as(api, brand_viewer).get("/api/v1/brands/").json()
    assert body["count"] == 1
    [item] = body["results"]
    assert item["slug"] == brand.slug
    assert item["my_role"] == "viewer"
    assert item["member_count"] == 1


def test_list_needs_a_signed_in_user(api):
    response = api.get("/api/v1/brands/")
    _assert_error_shape(response, response.status_code)
    assert response.status_code in (401, 403)


def test_post_creates_a_brand_with_the_caller_as_owner(api):
    user = UserFactory(role="brand")
    response = _as(api, user).post(
        "/api/v1/brands/",
        {"name": "Fizz Cola", "category": "beverages", "website": "https://fizz.example"},
        format="json",
    )
    assert response.status_code == 404  # the category does not exist yet
    assert "category" in response.json()["errors"]

    response = api.post("/api/v1/brands/", {"name": "Fizz Cola"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["my_role"] == "owner"
    brand = Brand.objects.get(slug=response.json()["slug"])
    assert Membership.objects.get(brand=brand).user == user


def test_an_artist_cannot_create_a_brand(api, artist_user):
    response = _as(api, artist_user).post("/api/v1/brands/", {"name": "X"}, format="json")
    _assert_error_shape(response, 403)
    assert not Brand.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "Ok", "website": "not a url"}, "website"),
        ({"name": 12, "website": ["x"]}, "website"),
        ({"name": "x" * 500}, "name"),
    ],
)
def test_bad_brand_input_is_a_400_naming_the_field(api, payload, field):
    response = _as(api, UserFactory(role="brand")).post("/api/v1/brands/", payload, format="json")
    body = _assert_error_shape(response, 400)
    assert field in body["errors"]


def test_a_non_member_sees_only_the_public_fields(api, brand, brand_owner):
    members_only = {"verified_at", "my_role", "member_count", "created_at", "updated_at"}
    public = api.get(f"/api/v1/brands/{brand.slug}/").json()
    # One shape for everyone (as the schema says): the members' fields are there, but null.
    assert {k for k, v in public.items() if v is not None} <= {
        "slug", "name", "category", "website", "description", "logo", "verified",
    }  # fmt: skip
    assert all(public[k] is None for k in members_only)
    stranger = _as(api, UserFactory(role="brand")).get(f"/api/v1/brands/{brand.slug}/").json()
    assert all(stranger[k] is None for k in members_only)
    owner = _as(api, brand_owner).get(f"/api/v1/brands/{brand.slug}/").json()
    assert owner["my_role"] == "owner" and owner["member_count"] >= 1 and owner["created_at"]


def test_a_member_sees_their_role(api, brand, brand_viewer):
    body = _as(api, brand_viewer).get(f"/api/v1/brands/{brand.slug}/").json()
    assert body["my_role"] == "viewer"


def test_unknown_brand_is_a_404_in_the_error_shape(api):
    _assert_error_shape(api.get("/api/v1/brands/nope/"), 404)


def test_manager_patches_the_brand(api, brand, brand_manager):
    response = _as(api, brand_manager).patch(
        f"/api/v1/brands/{brand.slug}/", {"description": "Sparkling."}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["description"] == "Sparkling."


def test_viewer_cannot_patch_the_brand(api, brand, brand_viewer):
    response = _as(api, brand_viewer).patch(
        f"/api/v1/brands/{brand.slug}/", {"name": "Mine now"}, format="json"
    )
    _assert_error_shape(response, 403)
    brand.refresh_from_db()
    assert brand.name != "Mine now"


def test_non_member_cannot_patch_the_brand(api, brand, brand_owner):
    response = _as(api, MembershipFactory(role="owner").user).patch(
        f"/api/v1/brands/{brand.slug}/", {"name": "Mine now"}, format="json"
    )
    _assert_error_shape(response, 403)


def test_patch_with_a_bad_website_is_a_400(api, brand, brand_owner):
    response = _as(api, brand_owner).patch(
        f"/api/v1/brands/{brand.slug}/", {"website": "javascript:alert(1)"}, format="json"
    )
    assert "website" in _assert_error_shape(response, 400)["errors"]


def test_patch_with_a_non_image_logo_is_a_400(api, brand, brand_owner, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("logo.png", b"not an image at all", "image/png")
    response = _as(api, brand_owner).patch(
        f"/api/v1/brands/{brand.slug}/", {"logo": upload}, format="multipart"
    )
    assert "logo" in _assert_error_shape(response, 400)["errors"]


def test_members_list_is_for_members_only(api, brand, brand_owner, brand_viewer):
    body = _as(api, brand_viewer).get(f"/api/v1/brands/{brand.slug}/members/").json()
    assert {m["user"]["email"] for m in body["results"]} == {brand_owner.email, brand_viewer.email}
    response = _as(api, UserFactory(role="brand")).get(f"/api/v1/brands/{brand.slug}/members/")
    _assert_error_shape(response, 403)


def test_owner_invites_through_the_api(api, brand, brand_owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = _as(api, brand_owner).post(
            f"/api/v1/brands/{brand.slug}/invitations/",
            {"email": "pat@example.com", "role": "manager"},
            format="json",
        )
    assert response.status_code == 201, response.content
    assert response.json()["role"] == "manager"
    assert "token" not in response.json()
    assert mail.outbox[0].to == ["pat@example.com"]


def test_inviting_the_same_address_again_through_the_api_resends_it(
    api, brand, brand_owner, django_capture_on_commit_callbacks
):
    _as(api, brand_owner)
    url = f"/api/v1/brands/{brand.slug}/invitations/"
    with django_capture_on_commit_callbacks(execute=True):
        first = api.post(url, {"email": "pat@example.com"}, format="json")
        again = api.post(url, {"email": "pat@example.com"}, format="json")
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert Invitation.objects.count() == 1
    assert len(mail.outbox) == 2


@pytest.mark.parametrize(
    ("payload", "field"),
    [({"email": "nope"}, "email"), ({"email": "a@example.com", "role": "boss"}, "role")],
)
def test_bad_invitation_input_is_a_400(api, brand, brand_owner, payload, field):
    response = _as(api, brand_owner).post(
        f"/api/v1/brands/{brand.slug}/invitations/", payload, format="json"
    )
    assert field in _assert_error_shape(response, 400)["errors"]


def test_a_viewer_cannot_invite(api, brand, brand_viewer):
    response = _as(api, brand_viewer).post(
        f"/api/v1/brands/{brand.slug}/invitations/", {"email": "x@example.com"}, format="json"
    )
    _assert_error_shape(response, 403)


def test_owner_changes_a_role_through_the_api(api, brand, brand_owner, brand_viewer):
    membership = Membership.objects.get(user=brand_viewer)
    response = _as(api, brand_owner).patch(
        f"/api/v1/brands/{brand.slug}/members/{membership.pk}/", {"role": "manager"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["role"] == "manager"


def test_demoting_the_last_owner_is_a_409(api, brand, brand_owner):
    membership = Membership.objects.get(user=brand_owner)
    response = _as(api, brand_owner).patch(
        f"/api/v1/brands/{brand.slug}/members/{membership.pk}/", {"role": "viewer"}, format="json"
    )
    _assert_error_shape(response, 409)


def test_the_last_owner_leaving_is_a_409(api, brand, brand_owner):
    membership = Membership.objects.get(user=brand_owner)
    response = _as(api, brand_owner).delete(f"/api/v1/brands/{brand.slug}/members/{membership.pk}/")
    _assert_error_shape(response, 409)


def test_unknown_role_is_a_400(api, brand, brand_owner, brand_viewer):
    membership = Membership.objects.get(user=brand_viewer)
    response = _as(api, brand_owner).patch(
        f"/api/v1/brands/{brand.slug}/members/{membership.pk}/", {"role": 7}, format="json"
    )
    assert "role" in _assert_error_shape(response, 400)["errors"]


def test_owner_removes_a_member_through_the_api(api, brand, brand_owner, brand_viewer):
    membership = Membership.objects.get(user=brand_viewer)
    response = _as(api, brand_owner).delete(f"/api/v1/brands/{brand.slug}/members/{membership.pk}/")
    assert response.status_code == 204
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert AuditEvent.objects.filter(verb="brand.member_removed").exists()


def test_a_member_of_another_brand_is_not_found_under_this_one(api, brand, brand_owner):
    other = MembershipFactory(role="viewer")
    response = _as(api, brand_owner).delete(f"/api/v1/brands/{brand.slug}/members/{other.pk}/")
    _assert_error_shape(response, 404)
    assert Membership.objects.filter(pk=other.pk).exists()


def test_another_brands_owner_cannot_touch_your_team_through_the_api(
    api, brand, brand_owner, brand_viewer
):
    stranger = MembershipFactory(role="owner").user
    membership = Membership.objects.get(user=brand_viewer)
    url = f"/api/v1/brands/{brand.slug}/members/{membership.pk}/"
    _as(api, stranger)
    _assert_error_shape(api.patch(url, {"role": "owner"}, format="json"), 403)
    _assert_error_shape(api.delete(url), 403)
    assert Membership.objects.get(pk=membership.pk).role == "viewer"


def test_the_schema_documents_the_brand_endpoints(api):
    response = api.get("/api/schema/?format=json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/brands/"])
    assert {"get", "patch"} <= set(paths["/api/v1/brands/{slug}/"])
    assert {"patch", "delete"} <= set(paths["/api/v1/brands/{slug}/members/{member_id}/"])
    assert "409" in paths["/api/v1/brands/{slug}/members/{member_id}/"]["delete"]["responses"]


def test_owner_lists_and_revokes_pending_invitations(api, brand, brand_owner):
    _as(api, brand_owner).post(
        f"/api/v1/brands/{brand.slug}/invitations/", {"email": "a@x.com", "role": "viewer"}
    )
    listed = api.get(f"/api/v1/brands/{brand.slug}/invitations/").json()
    assert [i["email"] for i in listed["results"]] == ["a@x.com"]
    invitation_id = listed["results"][0]["id"]

    assert (
        api.delete(f"/api/v1/brands/{brand.slug}/invitations/{invitation_id}/").status_code == 204
    )
    assert Invitation.objects.get(pk=invitation_id).revoked_at is not None
    assert api.get(f"/api/v1/brands/{brand.slug}/invitations/").json()["count"] == 0
    again = api.delete(f"/api/v1/brands/{brand.slug}/invitations/{invitation_id}/")
    _assert_error_shape(again, 409)


def test_only_owners_see_or_revoke_invitations(api, brand, brand_owner, brand_manager):
    _as(api, brand_owner).post(
        f"/api/v1/brands/{brand.slug}/invitations/", {"email": "b@x.com", "role": "viewer"}
    )
    invitation = Invitation.objects.get(email="b@x.com")
    _as(api, brand_manager)
    _assert_error_shape(api.get(f"/api/v1/brands/{brand.slug}/invitations/"), 403)
    _assert_error_shape(
        api.delete(f"/api/v1/brands/{brand.slug}/invitations/{invitation.pk}/"), 403
    )
    outsider = MembershipFactory(brand=BrandFactory()).user
    _as(api, outsider)
    _assert_error_shape(
        api.delete(f"/api/v1/brands/{brand.slug}/invitations/{invitation.pk}/"), 403
    )
    assert Invitation.objects.get(pk=invitation.pk).revoked_at is None
