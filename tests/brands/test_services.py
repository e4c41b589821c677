"""Brand services: invitations, roles, the last-owner rule, permissions and the audit trail."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from aux.audit.models import AuditEvent
from aux.errors import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError
from brands import services
from brands.models import Brand, Invitation, Membership
from tests.brands.factories import BrandFactory, InvitationFactory, MembershipFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db


def _invite(owner, brand, email="new@example.com", role="manager"):
    return services.invitation_create(actor=owner, brand=brand, email=email, role=role)


# --- brand_create / brand_update ------------------------------------------------------------


def test_brand_create_makes_the_caller_owner_and_records_it():
    user = UserFactory(role="brand")
    brand = services.brand_create(owner=user, name="Fizz Cola", website="https://fizz.example")
    assert brand.slug == "fizz-cola"
    assert Membership.objects.get(brand=brand, user=user).role == "owner"
    assert AuditEvent.objects.filter(verb="brand.created", target_id=str(brand.pk)).exists()


def test_brand_create_refuses_an_artist_account():
    with pytest.raises(PermissionDeniedError):
        services.brand_create(owner=UserFactory(role="artist"), name="Nope")
    assert not Brand.objects.exists()


def test_brand_create_avoids_slugs_the_brand_pages_use():
    brand = services.brand_create(owner=UserFactory(role="brand"), name="Dashboard")
    assert brand.slug != "dashboard"


def test_manager_updates_the_brand_and_the_change_is_audited(brand, brand_manager):
    services.brand_update(
        actor=brand_manager,
        brand=brand,
        data={"name": "New Name", "description": "We make drinks.", "website": ""},
    )
    brand.refresh_from_db()
    assert brand.name == "New Name"
    assert brand.description == "We make drinks."
    event = AuditEvent.objects.get(verb="brand.updated")
    assert event.actor == brand_manager
    assert event.data["fields"] == ["description", "name"]


def test_viewer_cannot_update_the_brand(brand, brand_viewer):
    with pytest.raises(PermissionDeniedError):
        services.brand_update(actor=brand_viewer, brand=brand, data={"name": "Hijacked"})
    brand.refresh_from_db()
    assert brand.name != "Hijacked"


def test_another_brands_owner_cannot_update_the_brand(brand):
    stranger = MembershipFactory(role="owner").user
    with pytest.raises(PermissionDeniedError):
        services.brand_update(actor=stranger, brand=brand, data={"name": "Hijacked"})


def test_brand_update_rejects_an_invalid_website(brand, brand_owner):
    with pytest.raises(ValidationError) as exc:
        services.brand_update(actor=brand_owner, brand=brand, data={"website": "not a url"})
    assert "website" in exc.value.message_dict


def test_brand_update_refuses_fields_that_are_not_editable(brand, brand_owner):
    with pytest.raises(ApplicationError) as exc:
        services.brand_update(actor=brand_owner, brand=brand, data={"verified": True})
    assert "verified" in exc.value.errors


def test_brand_logo_upload_rejects_a_file_that_is_not_an_image(
    brand, brand_owner, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    fake = SimpleUploadedFile("logo.png", b"<script>alert(1)</script>", "image/png")
    with pytest.raises(ValidationError) as exc:
        services.brand_update(actor=brand_owner, brand=brand, data={"logo": fake})
    assert "logo" in exc.value.message_dict
    brand.refresh_from_db()
    assert not brand.logo


def test_brand_logo_upload_stores_a_re_encoded_image(brand, brand_owner, settings, tmp_path):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    buf = io.BytesIO()
    Image.new("RGB", (1600, 400), "red").save(buf, format="PNG")
    upload = SimpleUploadedFile("logo.png", buf.getvalue(), "image/png")
    services.brand_update(actor=brand_owner, brand=brand, data={"logo": upload})
    brand.refresh_from_db()
    assert brand.logo.name.startswith("brands/logos/")
    with Image.open(brand.logo.path) as stored:
        assert max(stored.size) <= 800


# --- invitations ------------------------------------------------------------------------------


def test_owner_invites_by_email_and_the_email_carries_the_link(
    brand, brand_owner, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://aux.example"
    with django_capture_on_commit_callbacks(execute=True):
        invitation = _invite(brand_owner, brand, email="Pat@Example.com", role="manager")

    assert len(invitation.token) >= 40
    assert invitation.expires_at > timezone.now() + timedelta(days=6)
    assert invitation.invited_by == brand_owner
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["Pat@Example.com"]
    assert brand.name in message.subject
    assert f"https://aux.example/brands/invitations/{invitation.token}/" in message.body
    assert AuditEvent.objects.filter(verb="brand.invitation_created").exists()


def test_invitation_expiry_comes_from_the_setting(brand, brand_owner, settings):
    settings.AUX_INVITATION_TTL_DAYS = 2
    invitation = _invite(brand_owner, brand)
    assert invitation.expires_at < timezone.now() + timedelta(days=2, minutes=1)


def test_the_invitation_email_is_sent_only_after_commit(
    brand, brand_owner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        _invite(brand_owner, brand)
    assert len(callbacks) == 1  # deferred to commit, not sent inside the transaction
    assert mail.outbox == []


@pytest.mark.parametrize("role", ["manager", "viewer"])
def test_only_owners_can_invite(brand, role):
    member = MembershipFactory(brand=brand, role=role).user
    with pytest.raises(PermissionDeniedError):
        _invite(member, brand)
    assert not Invitation.objects.exists()


def test_another_brands_owner_cannot_invite_to_your_brand(brand, brand_owner):
    stranger = MembershipFactory(role="owner").user
    with pytest.raises(PermissionDeniedError):
        _invite(stranger, brand)


def test_inviting_an_existing_member_is_a_conflict(brand, brand_owner, brand_viewer):
    with pytest.raises(ConflictError) as exc:
        _invite(brand_owner, brand, email=brand_viewer.email.upper())
    assert "email" in exc.value.errors


def test_inviting_a_pending_address_again_resends_with_a_new_link(
    brand, brand_owner, django_capture_on_commit_callbacks
):
    """An invitation whose e-mail never arrived is not stuck behind "already invited"."""
    first = _invite(brand_owner, brand, email="pat@example.com", role="viewer")
    old_token = first.token
    with django_capture_on_commit_callbacks(execute=True):
        again = _invite(brand_owner, brand, email="PAT@example.com", role="manager")
    assert again.pk == first.pk and Invitation.objects.count() == 1
    assert again.token != old_token and again.role == "manager"
    assert len(mail.outbox) == 1 and again.token in mail.outbox[0].body
    assert AuditEvent.objects.filter(verb="brand.invitation_resent").exists()
    pat = UserFactory(email="pat@example.com", role="brand")
    with pytest.raises(NotFoundError):  # the previous link stopped working
        services.invitation_accept(user=pat, token=old_token)


def test_an_expired_invitation_does_not_block_a_new_one(brand, brand_owner):
    InvitationFactory(brand=brand, email="pat@example.com", expired=True)
    _invite(brand_owner, brand, email="pat@example.com")
    assert Invitation.objects.count() == 2


@pytest.mark.parametrize(
    ("email", "role", "field"),
    [("not-an-email", "viewer", "email"), ("ok@example.com", "admin", "role")],
)
def test_invitation_input_errors_name_the_field(brand, brand_owner, email, role, field):
    with pytest.raises(ApplicationError) as exc:
        _invite(brand_owner, brand, email=email, role=role)
    assert field in exc.value.errors


def test_accepting_creates_the_membership_with_the_invited_role(brand, brand_owner):
    invitation = _invite(brand_owner, brand, email="pat@example.com", role="manager")
    pat = UserFactory(email="pat@example.com", role="brand")

    membership = services.invitation_accept(user=pat, token=invitation.token)

    assert membership.brand == brand and membership.role == "manager"
    invitation.refresh_from_db()
    assert invitation.accepted_by == pat and invitation.accepted_at is not None
    assert AuditEvent.objects.filter(verb="brand.invitation_accepted", actor=pat).exists()


def test_accepting_twice_is_idempotent(brand, brand_owner):
    invitation = _invite(brand_owner, brand, email="pat@example.com")
    pat = UserFactory(email="pat@example.com", role="brand")
    first = services.invitation_accept(user=pat, token=invitation.token)
    second = services.invitation_accept(user=pat, token=invitation.token)
    assert first.pk == second.pk
    assert Membership.objects.filter(user=pat).count() == 1


def test_accepting_with_another_email_is_refused(brand, brand_owner):
    invitation = _invite(brand_owner, brand, email="pat@example.com")
    other = UserFactory(email="mallory@example.com", role="brand")
    with pytest.raises(PermissionDeniedError):
        services.invitation_accept(user=other, token=invitation.token)
    assert not Membership.objects.filter(user=other).exists()


def test_an_expired_invitation_cannot_be_accepted(brand):
    invitation = InvitationFactory(brand=brand, email="pat@example.com", expired=True)
    pat = UserFactory(email="pat@example.com", role="brand")
    with pytest.raises(ConflictError, match="expired"):
        services.invitation_accept(user=pat, token=invitation.token)


def test_a_revoked_invitation_cannot_be_accepted(brand, brand_owner):
    invitation = _invite(brand_owner, brand, email="pat@example.com")
    services.invitation_revoke(actor=brand_owner, invitation=invitation)
    pat = UserFactory(email="pat@example.com", role="brand")
    with pytest.raises(ConflictError, match="revoked"):
        services.invitation_accept(user=pat, token=invitation.token)
    assert AuditEvent.objects.filter(verb="brand.invitation_revoked").exists()


def test_a_used_invitation_cannot_be_used_by_someone_else(brand, brand_owner):
    invitation = _invite(brand_owner, brand, email="pat@example.com")
    pat = UserFactory(email="pat@example.com", role="brand")
    services.invitation_accept(user=pat, token=invitation.token)
    # Pat changes address; a new account on the old address cannot reuse the link.
    pat.email = "pat2@example.com"
    pat.save()
    twin = UserFactory(email="pat@example.com", role="brand", verified=False)
    with pytest.raises(ConflictError, match="already been used"):
        services.invitation_accept(user=twin, token=invitation.token)


def test_an_unknown_token_is_not_found():
    with pytest.raises(NotFoundError):
        services.invitation_accept(user=UserFactory(role="brand"), token="nope")


def test_an_artist_account_cannot_join_a_brand(brand, brand_owner):
    invitation = _invite(brand_owner, brand, email="artist@example.com")
    artist = UserFactory(email="artist@example.com", role="artist")
    with pytest.raises(ConflictError):
        services.invitation_accept(user=artist, token=invitation.token)


def test_revoking_an_accepted_invitation_is_a_conflict(brand, brand_owner):
    invitation = _invite(brand_owner, brand, email="pat@example.com")
    services.invitation_accept(
        user=UserFactory(email="pat@example.com", role="brand"), token=invitation.token
    )
    with pytest.raises(ConflictError):
        services.invitation_revoke(actor=brand_owner, invitation=invitation)


def test_a_manager_cannot_revoke_invitations(brand, brand_owner, brand_manager):
    invitation = _invite(brand_owner, brand)
    with pytest.raises(PermissionDeniedError):
        services.invitation_revoke(actor=brand_manager, invitation=invitation)


# --- roles and the last-owner rule -------------------------------------------------------------


def test_owner_changes_a_members_role_and_it_is_audited(brand, brand_owner, brand_viewer):
    membership = Membership.objects.get(user=brand_viewer)
    services.membership_change_role(actor=brand_owner, membership=membership, role="manager")
    membership.refresh_from_db()
    assert membership.role == "manager"
    event = AuditEvent.objects.get(verb="brand.member_role_changed")
    assert event.data == {"user": brand_viewer.email, "role": "manager", "previous": "viewer"}


def test_manager_cannot_change_roles(brand, brand_owner, brand_manager, brand_viewer):
    membership = Membership.objects.get(user=brand_viewer)
    with pytest.raises(PermissionDeniedError):
        services.membership_change_role(actor=brand_manager, membership=membership, role="owner")


def test_the_last_owner_cannot_be_demoted(brand, brand_owner):
    membership = Membership.objects.get(user=brand_owner)
    with pytest.raises(ConflictError):
        services.membership_change_role(actor=brand_owner, membership=membership, role="viewer")
    membership.refresh_from_db()
    assert membership.role == "owner"


def test_an_owner_can_step_down_once_there_is_another_owner(brand, brand_owner):
    MembershipFactory(brand=brand, role="owner")
    membership = Membership.objects.get(user=brand_owner)
    services.membership_change_role(actor=brand_owner, membership=membership, role="viewer")
    membership.refresh_from_db()
    assert membership.role == "viewer"


def test_the_last_owner_cannot_leave(brand, brand_owner):
    membership = Membership.objects.get(user=brand_owner)
    with pytest.raises(ConflictError):
        services.membership_remove(actor=brand_owner, membership=membership)
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_a_member_can_leave_by_themselves(brand, brand_owner, brand_viewer):
    membership = Membership.objects.get(user=brand_viewer)
    services.membership_remove(actor=brand_viewer, membership=membership)
    assert not Membership.objects.filter(user=brand_viewer).exists()
    assert AuditEvent.objects.filter(verb="brand.member_left", actor=brand_viewer).exists()


def test_owner_removes_a_member(brand, brand_owner, brand_manager):
    services.membership_remove(
        actor=brand_owner, membership=Membership.objects.get(user=brand_manager)
    )
    assert not Membership.objects.filter(user=brand_manager).exists()
    assert AuditEvent.objects.filter(verb="brand.member_removed").exists()


def test_a_viewer_cannot_remove_another_member(brand, brand_owner, brand_viewer):
    with pytest.raises(PermissionDeniedError):
        services.membership_remove(
            actor=brand_viewer, membership=Membership.objects.get(user=brand_owner)
        )


def test_another_brands_owner_cannot_touch_your_team(brand, brand_owner, brand_viewer):
    stranger = MembershipFactory(brand=BrandFactory(), role="owner").user
    membership = Membership.objects.get(user=brand_viewer)
    with pytest.raises(PermissionDeniedError):
        services.membership_change_role(actor=stranger, membership=membership, role="owner")
    with pytest.raises(PermissionDeniedError):
        services.membership_remove(actor=stranger, membership=membership)
    assert Membership.objects.get(pk=membership.pk).role == "viewer"


# --- verification (staff) ----------------------------------------------------------------------


def test_staff_verify_a_brand_recording_who_and_when(brand, staff_user):
    services.brand_set_verified(actor=staff_user, brand=brand, verified=True)
    brand.refresh_from_db()
    assert brand.verified and brand.verified_by == staff_user and brand.verified_at
    services.brand_set_verified(actor=staff_user, brand=brand, verified=False)
    brand.refresh_from_db()
    assert not brand.verified and brand.verified_at is None
    verbs = list(AuditEvent.objects.order_by("id").values_list("verb", flat=True))
    assert verbs == ["brand.verified", "brand.unverified"]


def test_a_brand_owner_cannot_verify_their_brand(brand, brand_owner):
    with pytest.raises(PermissionDeniedError):
        services.brand_set_verified(actor=brand_owner, brand=brand, verified=True)
