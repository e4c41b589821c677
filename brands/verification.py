"""A brand's request to be verified, staff's decision, and the badge the public page shows.

The evidence: the company website's domain, which must be the requester's e-mail domain (the
address was confirmed at sign-up, so the requester reads a mailbox of the company), the company
registration number and a contact person. Staff approve (the brand is marked verified through
brand_set_verified) or refuse with a reason; the requester is notified either way.

The first part is what brand and artist verification share, next to the requests' common model
(brands.models.VerificationRequestBase): saving a request, recording and announcing staff's
decision, the latest request and the badge. artists.verification uses it (artists sit above
brands).
"""

import re
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Manager, Model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from aux.audit.services import audit_record
from aux.errors import ConflictError, PermissionDeniedError
from aux.notifications import messages
from aux.notifications.models import Kind
from aux.notifications.services import notify
from aux.users.models import User

from .models import Brand, BrandVerificationRequest, Membership, VerificationRequestBase
from .services import _lock_brand, _require_role, brand_set_verified

# --- What artist and brand verification share (artists.verification uses it too) ----------------


def verification_request_save(request: VerificationRequestBase) -> None:
    """Save a new request; one already waiting for staff (the one-pending constraint of each
    request model) is a ConflictError."""
    try:
        with transaction.atomic():
            request.save()
    except IntegrityError as exc:
        raise ConflictError(
            gettext("A verification request is already waiting for staff.")
        ) from exc


def verification_decision_record[R: VerificationRequestBase](
    *, actor: User, request: R, approve: bool, reason: str
) -> R:
    """Lock a waiting request and record staff's decision: approved, or refused with a reason.
    A decided request is a ConflictError; a refusal without a reason a ValidationError."""
    request = type(request).objects.select_for_update().get(pk=request.pk)
    Status = VerificationRequestBase.Status
    if request.status != Status.PENDING:
        raise ConflictError(gettext("This request has already been decided."))
    reason = (reason or "").strip()
    if not approve and not reason:
        raise ValidationError({"decision_reason": gettext("Say why the request is refused.")})
    request.status = Status.APPROVED if approve else Status.REFUSED
    request.decided_at, request.decided_by = timezone.now(), actor
    request.decision_reason = reason[:1000]
    request.save(update_fields=["status", "decided_at", "decided_by", "decision_reason"])
    return request


def verification_decision_announce(
    *, actor: User, request: VerificationRequestBase, subject: Model, name: str, url: str
) -> None:
    """Audit staff's decision on `subject` (`<model>.verification_<status>`) and tell the
    requester, with the reason of a refusal."""
    reason = request.decision_reason
    audit_record(
        actor=actor, verb=f"{subject._meta.model_name}.verification_{request.status}",
        target=subject, request=request.pk, reason=reason,
    )  # fmt: skip
    Status = VerificationRequestBase.Status
    notify(
        recipients=[request.requested_by] if request.requested_by else [],
        kind=Kind.VERIFICATION_DECIDED, actor=actor, target=subject,
        text=gettext_noop("Verification of %(name)s: %(status)s. %(reason)s")
        if reason else gettext_noop("Verification of %(name)s: %(status)s."),
        params={"name": name, "status": messages.label(Status(request.status).label),
                "reason": reason},
        url=url,
    )  # fmt: skip


def verification_latest[R: VerificationRequestBase](requests: Manager[R]) -> R | None:
    """The latest of a brand's or an artist's requests (`x.verification_requests`)."""
    return requests.order_by("-created_at", "-id").first()


def verification_badge[R: VerificationRequestBase](
    *, subject: Model, describe: Callable[[R], str | None]
) -> dict | None:
    """What the public page says of a verified brand or artist: when, and what staff checked
    (`describe` of the approved request, else that staff checked the identity)."""
    if not subject.verified:
        return None
    approved = (
        subject.verification_requests.filter(status=VerificationRequestBase.Status.APPROVED)
        .order_by("-decided_at")
        .first()
    )
    what = describe(approved) if approved else None
    return {"at": subject.verified_at, "what": what or gettext("identity checked by AUX staff")}


# --- The brand's verification -------------------------------------------------------------------

_DOMAIN = re.compile(r"^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_REGISTRATION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ./-]{2,38}[A-Za-z0-9]$")
# Anyone can have an address there: it proves nothing about a company.
FREE_MAIL_DOMAINS = frozenset({
    "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "yahoo.com",
    "icloud.com", "me.com", "aol.com", "proton.me", "protonmail.com", "gmx.com", "gmx.de",
    "gmx.fr", "orange.fr", "free.fr", "laposte.net", "wanadoo.fr", "yandex.com", "mail.com",
})  # fmt: skip


def normalise_domain(value: str) -> str:
    """`https://www.Fizzwave.com/about` → `fizzwave.com`."""
    value = (value or "").strip().lower()
    value = re.sub(r"^[a-z][a-z0-9+.-]*://", "", value)
    value = value.split("/", 1)[0].split("?", 1)[0].split(":", 1)[0].rstrip(".")
    return value.removeprefix("www.")


def email_domain(email: str) -> str:
    return (email or "").rsplit("@", 1)[-1].strip().lower()


def _check_evidence(*, actor: User, domain: str, registration_number: str, contact_name: str):
    errors: dict[str, list[str]] = {}
    mail = email_domain(actor.email)
    if not _DOMAIN.match(domain):
        errors["website_domain"] = [
            gettext("Enter the domain of the company website, e.g. fizzwave.com.")
        ]
    elif domain in FREE_MAIL_DOMAINS:
        errors["website_domain"] = [
            gettext("%(domain)s is a public e-mail provider, not a company domain.")
            % {"domain": domain}
        ]
    elif not (mail == domain or mail.endswith("." + domain)):
        errors["website_domain"] = [
            gettext(
                "Your e-mail address (%(email)s) is not on %(domain)s. Ask a team member with "
                "an address on the company domain to send the request, or invite one."
            )
            % {"email": actor.email, "domain": domain}
        ]
    if not _REGISTRATION.match(registration_number):
        errors["registration_number"] = [
            gettext(
                "Enter the company registration number (4 to 40 letters, digits, spaces, "
                "dots, slashes or dashes)."
            )
        ]
    if len(contact_name) < 2:
        errors["contact_name"] = [gettext("Enter the name of a person staff can contact.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def brand_verification_request(
    *, actor: User, brand: Brand, website_domain: str, registration_number: str, contact_name: str
) -> BrandVerificationRequest:
    """An owner or manager asks staff to verify the brand. One request waits at a time; a
    verified brand needs none."""
    _require_role(
        user=actor, brand=brand, roles=(Membership.Role.OWNER, Membership.Role.MANAGER),
        action=gettext("ask for verification"),
    )  # fmt: skip
    brand = _lock_brand(brand)
    if brand.verified:
        raise ConflictError(gettext("This brand is already verified."))
    domain = normalise_domain(website_domain)
    registration_number = " ".join((registration_number or "").split())
    contact_name = " ".join((contact_name or "").split())
    _check_evidence(
        actor=actor, domain=domain, registration_number=registration_number,
        contact_name=contact_name,
    )  # fmt: skip
    request = BrandVerificationRequest(
        brand=brand, requested_by=actor, website_domain=domain,
        registration_number=registration_number, contact_name=contact_name[:120],
    )  # fmt: skip
    verification_request_save(request)
    audit_record(actor=actor, verb="brand.verification_requested", target=brand, request=request.pk)
    return request


@transaction.atomic
def brand_verification_decide(
    *, actor: User, request: BrandVerificationRequest, approve: bool, reason: str = ""
) -> BrandVerificationRequest:
    """Staff approve (the brand becomes verified) or refuse (a reason is required) a waiting
    request; the requester is told."""
    if not actor.is_staff:
        raise PermissionDeniedError(gettext("Only staff can verify brands."))
    request = verification_decision_record(
        actor=actor, request=request, approve=approve, reason=reason
    )
    if approve:
        brand_set_verified(actor=actor, brand=request.brand, verified=True)
    verification_decision_announce(
        actor=actor, request=request, subject=request.brand, name=request.brand.name,
        url=reverse("brands:verification", args=[request.brand.slug]),
    )  # fmt: skip
    return request


def brand_verification_latest(*, brand: Brand) -> BrandVerificationRequest | None:
    return verification_latest(brand.verification_requests)


def brand_verification_badge(*, brand: Brand) -> dict | None:
    """What the public page says of a verified brand: when, and what staff checked."""
    return verification_badge(
        subject=brand,
        describe=lambda approved: (
            gettext("company website domain %(domain)s, registration number and a contact person")
            % {"domain": approved.website_domain}
        ),
    )
