"""Brand pages: team on the dashboard (htmx and plain POST), settings, public page, invitations."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from brands.models import Invitation, Membership
from tests.brands.factories import InvitationFactory, MembershipFactory
from tests.campaigns.factories import BriefFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_dashboard_shows_the_team_with_roles_and_owner_controls(client, brand, brand_owner):
    viewer = MembershipFactory(brand=brand, role="viewer").user
    InvitationFactory(brand=brand, email="pending@example.com")
    client.force_login(brand_owner)
    page = client.get(reverse("brands:dashboard")).content.decode()
    assert viewer.email in page
    assert "Viewer" in page
    assert "pending@example.com" in page
    assert reverse("brands:team_invite", args=[brand.slug]) in page
    assert "No briefs yet." in page


def test_a_viewer_sees_the_team_without_owner_controls(client, brand, brand_owner, brand_viewer):
    InvitationFactory(brand=brand, email="pending@example.com")
    client.force_login(brand_viewer)
    page = client.get(reverse("brands:dashboard")).content.decode()
    assert brand_owner.email in page
    assert reverse("brands:team_invite", args=[brand.slug]) not in page
    assert "pending@example.com" not in page


def test_htmx_invite_returns_the_team_section_with_the_new_invitation(
    client, brand, brand_owner, django_capture_on_commit_callbacks
):
    client.force_login(brand_owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("brands:team_invite", args=[brand.slug]),
            {"email": "pat@example.com", "role": "manager"},
            **HTMX,
        )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<section id="team-{brand.pk}"')
    assert "pat@example.com" in html and "Invitation sent" in html
    assert "<html" not in html
    assert len(mail.outbox) == 1


def test_plain_post_invite_redirects_back_to_the_dashboard(client, brand, brand_owner):
    client.force_login(brand_owner)
    response = client.post(
        reverse("brands:team_invite", args=[brand.slug]),
        {"email": "pat@example.com", "role": "viewer"},
    )
    assert response.status_code == 302
    assert response.url.startswith(reverse("brands:dashboard"))
    assert Invitation.objects.filter(email="pat@example.com").exists()


def test_an_invalid_invite_shows_the_reason_in_the_section(client, brand, brand_owner):
    client.force_login(brand_owner)
    response = client.post(
        reverse("brands:team_invite", args=[brand.slug]), {"email": "nope", "role": "x"}, **HTMX
    )
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert not Invitation.objects.exists()


def test_a_viewer_cannot_invite_from_the_page(client, brand, brand_viewer):
    client.force_login(brand_viewer)
    response = client.post(
        reverse("brands:team_invite", args=[brand.slug]), {"email": "x@example.com"}
    )
    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_another_brands_owner_gets_403_on_your_team_actions(client, brand, brand_viewer):
    stranger = MembershipFactory(role="owner").user
    membership = Membership.objects.get(user=brand_viewer)
    client.force_login(stranger)
    for url, data in [
        (reverse("brands:team_change_role", args=[brand.slug, membership.pk]), {"role": "owner"}),
        (reverse("brands:team_remove", args=[brand.slug, membership.pk]), {}),
        (reverse("brands:team", args=[brand.slug]), None),
    ]:
        response = client.post(url, data) if data is not None else client.get(url)
        assert response.status_code == 403, url
    assert Membership.objects.get(pk=membership.pk).role == "viewer"


def test_owner_changes_a_role_with_htmx(client, brand, brand_owner, brand_viewer):
    membership = Membership.objects.get(user=brand_viewer)
    client.force_login(brand_owner)
    response = client.post(
        reverse("brands:team_change_role", args=[brand.slug, membership.pk]),
        {"role": "manager"},
        **HTMX,
    )
    assert response.status_code == 200
    membership.refresh_from_db()
    assert membership.role == "manager"


def test_the_last_owner_leaving_shows_an_error_and_keeps_them(client, brand, brand_owner):
    membership = Membership.objects.get(user=brand_owner)
    client.force_login(brand_owner)
    response = client.post(reverse("brands:team_remove", args=[brand.slug, membership.pk]), **HTMX)
    assert response.status_code == 200
    assert "at least one owner" in response.content.decode()
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_a_viewer_leaving_is_sent_back_to_the_dashboard(client, brand, brand_owner, brand_viewer):
    membership = Membership.objects.get(user=brand_viewer)
    client.force_login(brand_viewer)
    response = client.post(reverse("brands:team_remove", args=[brand.slug, membership.pk]), **HTMX)
    assert response.headers["HX-Redirect"] == reverse("brands:dashboard")
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_owner_revokes_a_pending_invitation(client, brand, brand_owner):
    invitation = InvitationFactory(brand=brand)
    client.force_login(brand_owner)
    response = client.post(reverse("brands:team_revoke", args=[brand.slug, invitation.pk]))
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


# --- settings -----------------------------------------------------------------------------------


def test_manager_edits_the_brand_on_the_settings_page(client, brand, brand_manager):
    client.force_login(brand_manager)
    url = reverse("brands:settings", args=[brand.slug])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "name": "Renamed",
            "category": brand.category_id,
            "website": "https://renamed.example",
            "description": "Hello",
        },
    )
    assert response.status_code == 302
    brand.refresh_from_db()
    assert (brand.name, brand.website, brand.description) == (
        "Renamed",
        "https://renamed.example",
        "Hello",
    )


def test_settings_page_shows_field_errors(client, brand, brand_owner):
    client.force_login(brand_owner)
    response = client.post(
        reverse("brands:settings", args=[brand.slug]), {"name": "", "website": "nope"}
    )
    assert response.status_code == 200
    assert 'class="error"' in response.content.decode()


def test_settings_rejects_a_logo_that_is_not_an_image(
    client, brand, brand_owner, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    client.force_login(brand_owner)
    response = client.post(
        reverse("brands:settings", args=[brand.slug]),
        {
            "name": brand.name,
            "category": brand.category_id,
            "logo": SimpleUploadedFile("logo.jpg", b"MZ\x90\x00 not an image", "image/jpeg"),
        },
    )
    assert response.status_code == 200
    assert "valid image" in response.content.decode()
    brand.refresh_from_db()
    assert not brand.logo


def test_a_viewer_sees_settings_read_only_and_cannot_post(client, brand, brand_viewer):
    client.force_login(brand_viewer)
    url = reverse("brands:settings", args=[brand.slug])
    page = client.get(url).content.decode()
    assert "disabled" in page and "Save" not in page
    assert client.post(url, {"name": "Hijacked"}).status_code == 403
    brand.refresh_from_db()
    assert brand.name != "Hijacked"


def test_a_non_member_cannot_open_the_settings(client, brand, brand_owner):
    client.force_login(UserFactory(role="brand"))
    assert client.get(reverse("brands:settings", args=[brand.slug])).status_code == 403


# --- public page --------------------------------------------------------------------------------


def test_public_brand_page_shows_the_public_details_only(client, brand, brand_owner):
    brand.description = "Sparkling drinks since 1901."
    brand.website = "https://fizz.example"
    brand.verified = True
    brand.save()
    page = client.get(reverse("brands:detail", args=[brand.slug])).content.decode()
    assert brand.name in page
    assert "Sparkling drinks since 1901." in page
    assert "https://fizz.example" in page
    assert "verified" in page
    assert brand.category.name in page
    assert brand_owner.email not in page


def test_public_brand_page_is_404_for_an_unknown_slug(client):
    assert client.get(reverse("brands:detail", args=["nope"])).status_code == 404


# --- invitations ----------------------------------------------------------------------------


def _open_link(client, invitation):
    """Open the e-mailed link: the token goes into the session, the page has no token."""
    return client.get(reverse("brands:invitation", args=[invitation.token]), follow=True)


def test_anonymous_visitor_is_offered_signup_and_login_that_come_back(client, brand):
    invitation = InvitationFactory(brand=brand, email="pat@example.com")
    page = _open_link(client, invitation).content.decode()
    assert brand.name in page
    assert f"{reverse('account_signup')}?email=pat%40example.com" in page
    assert f"{reverse('account_login')}?next={reverse('brands:invitation_page')}" in page


def test_signed_in_invitee_accepts_and_lands_on_the_brand_dashboard(client, brand):
    invitation = InvitationFactory(brand=brand, email="pat@example.com", role="manager")
    pat = UserFactory(email="pat@example.com", role="brand")
    client.force_login(pat)
    assert "Join" in _open_link(client, invitation).content.decode()
    response = client.post(reverse("brands:invitation_page"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("brands:dashboard")
    assert brand.name in response.content.decode()
    assert Membership.objects.get(user=pat, brand=brand).role == "manager"


def test_the_wrong_account_is_told_which_address_the_invitation_is_for(client, brand):
    invitation = InvitationFactory(brand=brand, email="pat@example.com")
    client.force_login(UserFactory(email="mallory@example.com", role="brand"))
    assert "pat@example.com" in _open_link(client, invitation).content.decode()
    assert client.post(reverse("brands:invitation_page")).status_code == 403
    assert not Membership.objects.filter(user__email="mallory@example.com").exists()


def test_an_expired_invitation_page_says_so(client, brand):
    invitation = InvitationFactory(brand=brand, expired=True)
    assert "expired" in _open_link(client, invitation).content.decode()


def test_an_unknown_invitation_token_is_404(client):
    assert client.get(reverse("brands:invitation", args=["nope"])).status_code == 404


def _csrf(client: Client, url: str) -> str:
    match = re.search(
        r'name="csrfmiddlewaretoken" value="([^"]+)"', client.get(url).content.decode()
    )
    assert match
    return match.group(1)


def test_signing_up_through_an_invitation_joins_that_brand_as_a_brand_user(brand):
    client = Client(enforce_csrf_checks=True)
    invitation = InvitationFactory(brand=brand, email="pat@example.com", role="viewer")
    _open_link(client, invitation)
    signup = reverse("account_signup") + "?email=pat@example.com"
    page = client.get(signup).content.decode()
    assert f'name="invitation" value="{invitation.token}"' in page
    assert 'name="brand_name"' not in page
    response = client.post(
        reverse("account_signup"),
        {
            "csrfmiddlewaretoken": _csrf(client, signup),
            "invitation": invitation.token,
            "email": "pat@example.com",
            "password1": "a-long-unusual-passphrase",
            "password2": "a-long-unusual-passphrase",
            "name": "Pat",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("brands:dashboard")
    pat = Membership.objects.select_related("user").get(brand=brand, role="viewer").user
    assert pat.email == "pat@example.com" and pat.role == "brand"
    assert pat.memberships.count() == 1  # no brand of their own was created


def test_signing_up_through_an_invitation_with_another_email_is_a_form_error(brand):
    client = Client()
    invitation = InvitationFactory(brand=brand, email="pat@example.com")
    response = client.post(
        reverse("account_signup"),
        {
            "invitation": invitation.token,
            "email": "other@example.com",
            "password1": "a-long-unusual-passphrase",
            "password2": "a-long-unusual-passphrase",
            "name": "Other",
        },
    )
    assert response.status_code == 200
    assert "This invitation was sent to pat@example.com" in response.content.decode()
    assert not Membership.objects.filter(user__email="other@example.com").exists()


def test_dashboard_links_each_brief_and_offers_a_new_brief_to_editors_only(
    client, brand, brand_manager, brand_viewer
):
    brief = BriefFactory(brand=brand, title="Summer stages")
    new = f"{reverse('campaigns:brief_create')}?brand={brand.slug}"
    client.force_login(brand_manager)
    page = client.get(reverse("brands:dashboard")).content.decode()
    assert (
        f'<a href="{reverse("campaigns:brief_detail", args=[brief.pk])}">Summer stages</a>' in page
    )
    assert new in page and "New brief" in page
    client.force_login(brand_viewer)
    page = client.get(reverse("brands:dashboard")).content.decode()
    assert "Summer stages</a>" in page and new not in page
