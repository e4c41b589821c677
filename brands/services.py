"""Brand writes: the brand itself, its team (memberships) and invitations by e-mail.

Every function here checks the actor's role, locks the rows it changes and records an audit
event. Team changes lock the brand row first, so two owners acting at once are serialised and the
"a brand always keeps an owner" rule cannot be broken by a race.
"""

import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext as _

from aux.audit.services import audit_record
from aux.dispatch import enqueue_on_commit
from aux.errors import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError
from aux.images import validate_and_resize_image
from aux.notifications import messages
from aux.notifications.services import notify
from aux.users.models import User
from aux.users.selectors import email_is_verified
from aux.utils import unique_slug

from .models import Brand, BrandCategory, Invitation, Membership
from .selectors import brand_role

EDITABLE_FIELDS = ("name", "category", "website", "description", "logo")


def _require_role(*, user: User, brand: Brand, roles: tuple[str, ...], action: str) -> str:
    role = brand_role(user=user, brand=brand)
    if role not in roles:
        raise PermissionDeniedError(
            gettext("Only a brand %(items)s can %(action)s.")
            % {"items": " or ".join(roles), "action": action}
        )
    return role


def _lock_brand(brand: Brand) -> Brand:
    return Brand.objects.select_for_update().get(pk=brand.pk)


def _owner_count(brand: Brand) -> int:
    return Membership.objects.filter(brand=brand, role=Membership.Role.OWNER).count()


@transaction.atomic
def brand_create(
    *,
    owner: User,
    name: str,
    category: BrandCategory | None = None,
    website: str = "",
    description: str = "",
) -> Brand:
    """Create a brand with `owner` as its first owner member. A brand always has an owner.

    Only brand accounts create brands (artists and staff act through their own tools).
    """
    if owner.role != User.Role.BRAND:
        raise PermissionDeniedError(gettext("Only a brand account can create a brand."))
    brand = Brand(
        name=name.strip(),
        slug=unique_slug(Brand, name),
        category=category,
        website=website.strip(),
        description=description.strip(),
    )
    brand.full_clean()
    brand.save()
    Membership.objects.create(user=owner, brand=brand, role=Membership.Role.OWNER)
    audit_record(actor=owner, verb="brand.created", target=brand, name=brand.name)
    return brand


@transaction.atomic
def brand_update(*, actor: User, brand: Brand, data: dict[str, Any]) -> Brand:
    """Change the brand's public details. Owners and managers only; viewers only read.

    `data` holds the fields to change (any of name, category, website, description, logo). A logo
    is checked by its content and re-encoded (aux.images); a falsy logo removes the current one.
    """
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ApplicationError(
            gettext("These fields cannot be changed here."),
            errors={f: ["Not an editable field."] for f in sorted(unknown)},
        )
    _require_role(
        user=actor,
        brand=brand,
        roles=(Membership.Role.OWNER, Membership.Role.MANAGER),
        action="edit the brand",
    )
    brand = _lock_brand(brand)
    changed: list[str] = []
    for field, value in data.items():
        if field == "logo":
            continue
        if isinstance(value, str):
            value = value.strip()
        if getattr(brand, field) != value:
            setattr(brand, field, value)
            changed.append(field)
    new_logo = None
    if "logo" in data:
        if data["logo"]:
            try:
                new_logo = validate_and_resize_image(data["logo"])
            except ValidationError as exc:
                raise ValidationError({"logo": exc.messages}) from exc
            changed.append("logo")
        elif brand.logo:
            brand.logo = ""
            changed.append("logo")
    brand.full_clean(exclude=["logo"])
    if new_logo is not None:
        brand.logo.save(new_logo.name, new_logo, save=False)
    if changed:
        brand.save()
        audit_record(actor=actor, verb="brand.updated", target=brand, fields=sorted(changed))
    return brand


@transaction.atomic
def brand_set_verified(*, actor: User, brand: Brand, verified: bool) -> Brand:
    """Staff mark a brand verified (recording who and when) or take the mark away.

    Setting the state the brand already has changes nothing and records nothing.
    """
    if not actor.is_staff:
        raise PermissionDeniedError(gettext("Only staff can verify brands."))
    brand = _lock_brand(brand)
    if brand.verified == verified:
        return brand
    brand.verified = verified
    brand.verified_at = timezone.now() if verified else None
    brand.verified_by = actor if verified else None
    brand.save(update_fields=["verified", "verified_at", "verified_by", "updated_at"])
    audit_record(
        actor=actor, verb="brand.verified" if verified else "brand.unverified", target=brand
    )
    return brand


def invitation_link(invitation: Invitation) -> str:
    path = reverse("brands:invitation", kwargs={"token": invitation.token})
    return settings.SITE_URL.rstrip("/") + path


def invitation_send_email(*, invitation_id: int) -> bool:
    """E-mail the invitation link to the invited address (the task `brands.send_invitation`).

    The link is sent by e-mail only: whoever opens it proves they read that mailbox. Nothing is
    sent for an invitation that is gone or no longer pending (False). SMTP errors propagate, so
    the task retries them.
    """
    invitation = (
        Invitation.objects.select_related("brand", "invited_by").filter(pk=invitation_id).first()
    )
    if invitation is None or not invitation_is_pending(invitation):
        return False
    context = {
        "invitation": invitation,
        "brand": invitation.brand,
        "link": invitation_link(invitation),
        "inviter": invitation.invited_by,
    }
    with translation.override(_invitation_language(invitation)):
        subject = _("Join %(brand)s on AUX") % {"brand": invitation.brand.name}
        body = render_to_string("brands/email/invitation.txt", context)
    EmailMessage(subject, body, None, [invitation.email]).send()
    return True


def invitation_is_pending(invitation: Invitation) -> bool:
    return (
        invitation.accepted_at is None
        and invitation.revoked_at is None
        and invitation.expires_at > timezone.now()
    )


def _invitation_language(invitation: Invitation) -> str:
    """An invitee who already has an account reads it in their language; someone new, in the
    language of the owner who invited them (they most likely share it)."""
    existing = User.objects.filter(email__iexact=invitation.email).only("language").first()
    if existing is not None and existing.language:
        return existing.language
    inviter = invitation.invited_by
    return inviter.email_language if inviter is not None else settings.LANGUAGE_CODE


def _queue_invitation_email(invitation: Invitation) -> None:
    from .tasks import send_invitation  # the task module imports this one

    enqueue_on_commit(send_invitation, invitation.pk)


@transaction.atomic
def invitation_create(*, actor: User, brand: Brand, email: str, role: str) -> Invitation:
    """An owner invites an e-mail address to the team with a role.

    The invitation carries a random token, expires after AUX_INVITATION_TTL_DAYS days and is
    e-mailed (text body with the link) by a task queued once the transaction commits, which
    retries SMTP errors. Inviting an address that already has a pending invitation sends it
    again: a new token (the previous link stops working), a new expiry and the role given now,
    so an e-mail that never arrived is never stuck. Inviting a member is a ConflictError.
    """
    _require_role(user=actor, brand=brand, roles=(Membership.Role.OWNER,), action="invite members")
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ApplicationError(
            gettext("Enter a valid e-mail address."),
            errors={"email": [gettext("Enter a valid e-mail address.")]},
        ) from exc
    if role not in Membership.Role.values:
        raise ApplicationError(
            gettext("Unknown role %(role)s.") % {"role": repr(role)},
            errors={
                "role": [
                    gettext("Choose one of: %(items)s.")
                    % {"items": ", ".join(Membership.Role.values)}
                ]
            },
        )
    brand = _lock_brand(brand)
    if Membership.objects.filter(brand=brand, user__email__iexact=email).exists():
        raise ConflictError(
            gettext("%(email)s is already a member of %(name)s.")
            % {"email": email, "name": brand.name},
            errors={"email": [gettext("Already a member of this brand.")]},
        )
    now = timezone.now()
    expires_at = now + timedelta(days=settings.AUX_INVITATION_TTL_DAYS)
    invitation = (
        Invitation.objects.select_for_update()
        .filter(
            brand=brand,
            email__iexact=email,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=now,
        )
        .order_by("-created_at")
        .first()
    )
    if invitation is not None:
        invitation.token = secrets.token_urlsafe(32)
        invitation.role = role
        invitation.invited_by = actor
        invitation.expires_at = expires_at
        invitation.full_clean()
        invitation.save(update_fields=["token", "role", "invited_by", "expires_at"])
        audit_record(
            actor=actor, verb="brand.invitation_resent", target=brand, email=email, role=role
        )
    else:
        invitation = Invitation(
            brand=brand,
            email=email,
            role=role,
            token=secrets.token_urlsafe(32),
            invited_by=actor,
            expires_at=expires_at,
        )
        invitation.full_clean()
        invitation.save()
        audit_record(
            actor=actor, verb="brand.invitation_created", target=brand, email=email, role=role
        )
    _queue_invitation_email(invitation)
    _notify_invitee(actor=actor, brand=brand, invitation=invitation)
    return invitation


def _notify_invitee(*, actor: User, brand: Brand, invitation: Invitation) -> None:
    """An invitee whose account has the invited address *verified* also sees it in the site.

    The notification carries no token and no link to accept: the link travels by e-mail only,
    so an account that merely typed the address at signup learns nothing it could use.
    """
    from allauth.account.models import EmailAddress

    invitee_ids = list(
        EmailAddress.objects.filter(
            email__iexact=invitation.email, verified=True, user__is_active=True
        ).values_list("user_id", flat=True)
    )
    if not invitee_ids:
        return

    notify(
        recipients=invitee_ids,
        kind="team.invitation",
        actor=actor,
        target=invitation,
        text=gettext_noop("%(actor)s invited you to join %(brand)s as %(role)s"),
        params={
            "actor": str(actor),
            "brand": brand.name,
            "role": messages.label(Membership.Role(invitation.role).label),
        },
        url=reverse("brands:invitation_page"),
    )


@transaction.atomic
def invitation_accept(*, user: User, token: str) -> Membership:
    """The signed-in user takes the invitation behind `token` and joins the brand.

    The user's e-mail must be the invited one and verified (allauth's EmailAddress): an account
    that merely typed the address at signup cannot take the invitation. An expired, revoked or
    already used invitation is refused. Accepting twice (same user) returns the same membership.
    A user who is already a member keeps their current role.
    """
    invitation = (
        Invitation.objects.select_for_update().select_related("brand").filter(token=token).first()
    )
    if invitation is None:
        raise NotFoundError(gettext("This invitation link is not valid."))
    if invitation.accepted_at is not None:
        if invitation.accepted_by_id == user.pk:
            return Membership.objects.get(brand=invitation.brand, user=user)
        raise ConflictError(gettext("This invitation has already been used."))
    if invitation.revoked_at is not None:
        raise ConflictError(gettext("This invitation was revoked by the brand."))
    if invitation.expires_at <= timezone.now():
        raise ConflictError(gettext("This invitation has expired; ask the brand for a new one."))
    if user.email.lower() != invitation.email.lower():
        raise PermissionDeniedError(
            gettext("This invitation was sent to %(email)s; sign in with that address.")
            % {"email": invitation.email}
        )
    # Typing an address at signup proves nothing: only a confirmed one shows the mailbox is theirs.
    if not email_is_verified(user=user, email=invitation.email):
        raise PermissionDeniedError(
            gettext("Confirm your e-mail address %(email)s first, then accept the invitation.")
            % {"email": invitation.email}
        )
    if user.role != User.Role.BRAND:
        raise ConflictError(gettext("Only a brand account can join a brand team."))
    brand = _lock_brand(invitation.brand)
    membership = Membership.objects.filter(brand=brand, user=user).first()
    if membership is None:
        try:
            with transaction.atomic():
                membership = Membership.objects.create(brand=brand, user=user, role=invitation.role)
        except IntegrityError as exc:  # pragma: no cover - the brand lock makes this rare
            raise ConflictError(gettext("You are already a member of this brand.")) from exc
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit_record(
        actor=user,
        verb="brand.invitation_accepted",
        target=brand,
        email=invitation.email,
        role=membership.role,
    )
    return membership


@transaction.atomic
def invitation_revoke(*, actor: User, invitation: Invitation) -> Invitation:
    """An owner withdraws a pending invitation; its link stops working at once."""
    _require_role(
        user=actor,
        brand=invitation.brand,
        roles=(Membership.Role.OWNER,),
        action="revoke invitations",
    )
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ConflictError(
            gettext("This invitation was already accepted; remove the member instead.")
        )
    if invitation.revoked_at is not None:
        raise ConflictError(gettext("This invitation was already revoked."))
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor,
        verb="brand.invitation_revoked",
        target=invitation.brand,
        email=invitation.email,
    )
    return invitation


@transaction.atomic
def membership_change_role(*, actor: User, membership: Membership, role: str) -> Membership:
    """An owner gives a member another role. The last owner cannot be demoted."""
    if role not in Membership.Role.values:
        raise ApplicationError(
            gettext("Unknown role %(role)s.") % {"role": repr(role)},
            errors={
                "role": [
                    gettext("Choose one of: %(items)s.")
                    % {"items": ", ".join(Membership.Role.values)}
                ]
            },
        )
    _require_role(
        user=actor, brand=membership.brand, roles=(Membership.Role.OWNER,), action="change roles"
    )
    brand = _lock_brand(membership.brand)
    membership = Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
    if membership.role == role:
        return membership
    if membership.role == Membership.Role.OWNER and _owner_count(brand) <= 1:
        raise ConflictError(
            gettext("A brand needs at least one owner: make someone else owner first."),
            errors={"role": [gettext("The last owner cannot be demoted.")]},
        )
    previous = membership.role
    membership.role = role
    membership.full_clean()
    membership.save(update_fields=["role"])
    audit_record(
        actor=actor,
        verb="brand.member_role_changed",
        target=brand,
        user=membership.user.email,
        role=role,
        previous=previous,
    )
    return membership


@transaction.atomic
def membership_remove(*, actor: User, membership: Membership) -> None:
    """An owner removes a member, or a member leaves. The last owner can do neither."""
    leaving = membership.user_id == actor.pk
    if not leaving:
        _require_role(
            user=actor,
            brand=membership.brand,
            roles=(Membership.Role.OWNER,),
            action="remove members",
        )
    brand = _lock_brand(membership.brand)
    membership = (
        Membership.objects.select_for_update().select_related("user").filter(pk=membership.pk)
    ).first()
    if membership is None:
        raise NotFoundError(gettext("This person is no longer a member."))
    if membership.role == Membership.Role.OWNER and _owner_count(brand) <= 1:
        raise ConflictError(
            gettext("A brand needs at least one owner: make someone else owner first.")
        )
    email = membership.user.email
    membership.delete()
    audit_record(
        actor=actor,
        verb="brand.member_left" if leaving else "brand.member_removed",
        target=brand,
        user=email,
    )
