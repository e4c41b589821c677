"""Personal data writes: the export archive, closing an account, the retention schedule.

Export and erasure follow aux.privacy.inventory, which names every model that can point at a
person (tests walk the model graph against it).
"""

import io
import json
import logging
import secrets
import zipfile
from datetime import timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.apps import apps
from django.conf import settings
from django.core import serializers, signing
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from artists.models import Artist, ArtistVerificationRequest
from aux.audit.models import AuditEvent
from aux.audit.services import audit_record
from aux.dispatch import enqueue_on_commit
from aux.errors import ConflictError
from aux.notifications.models import Notification, NotificationPreference
from aux.users.models import User
from brands.models import BrandVerificationRequest, Invitation, Membership
from campaigns.bookings.models import (
    Application,
    Attachment,
    Contract,
    Message,
    Offer,
    OfferRevision,
    Review,
    ReviewReport,
    Signature,
)
from campaigns.bookings.services import offer_decline
from campaigns.briefs.models import Match, MatchCuration, MatchExposure, MatchOutcome
from campaigns.reporting.models import MilestoneResult
from payments.models import ContractSplit, LedgerEntry, WebhookEvent
from payments.statements import statement_pdf_bytes, yearly_statement

from .inventory import INVENTORY
from .models import ExportArchive, RetentionRun
from .selectors import account_close_blockers, rows_of

logger = logging.getLogger(__name__)

EXPORT_SALT = "aux.privacy.export"
REMOVED_TEXT = "[removed: the author closed their account]"


# --- export ---------------------------------------------------------------------------------------


@transaction.atomic
def export_request(*, user: User, requested_by: User) -> ExportArchive:
    """Queue one archive of everything AUX holds about `user` (built by privacy.export_build).

    An archive still being prepared is returned instead of a second one, so a double click or a
    retried API call queues one build.
    """
    User.objects.select_for_update().filter(pk=user.pk).first()
    pending = ExportArchive.objects.filter(user=user, status=ExportArchive.Status.PENDING).first()
    if pending is not None:
        return pending
    archive = ExportArchive.objects.create(user=user, requested_by=requested_by)
    audit_record(actor=requested_by, verb="privacy.export_requested", target=archive)
    from .tasks import export_build as export_build_task  # the task module imports this one

    enqueue_on_commit(export_build_task, archive.pk)
    return archive


def _export_files(user: User) -> list[tuple[str, Any]]:
    """(archive path, FieldFile) of the files the person uploaded or signed."""
    files = []
    for artist in Artist.objects.filter(user=user).exclude(photo=""):
        files.append((f"files/photo/{artist.photo.name.rsplit('/', 1)[-1]}", artist.photo))
    for att in Attachment.objects.filter(uploaded_by=user).exclude(file=""):
        files.append((f"files/attachments/{att.pk}-{att.original_name}", att.file))
    for contract in rows_of(user=user, label="campaigns.Contract").exclude(pdf=""):
        files.append((f"files/contracts/contract-{contract.pk}.pdf", contract.pdf))
    for result in MilestoneResult.objects.filter(reported_by=user).exclude(screenshot=""):
        files.append((f"files/results/{result.pk}-{result.screenshot.name.rsplit('/', 1)[-1]}",
                      result.screenshot))  # fmt: skip
    return files


def export_archive_bytes(*, user: User) -> bytes:
    """The zip: data.json (every inventory model's rows of the person, by model label), README,
    the files they uploaded or signed, and a yearly earnings statement per year with payouts."""
    data: dict[str, list] = {}
    for label, entry in INVENTORY.items():
        if not entry.paths:
            continue
        rows = serializers.serialize("python", rows_of(user=user, label=label))
        for row in rows:
            for secret in entry.secret_fields:
                row["fields"].pop(secret, None)
        data[label] = rows
    document = {
        "generated_at": timezone.now(),
        "user": user.pk,
        "operator": settings.AUX_OPERATOR_NAME,
        "data": data,
        "not_exported": {label: e.excluded for label, e in INVENTORY.items() if not e.paths},
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("data.json", json.dumps(document, cls=DjangoJSONEncoder, indent=2))
        zf.writestr("README.txt", render_to_string("privacy/export_readme.txt", {"user": user}))
        for name, field in _export_files(user):
            try:
                with field.open("rb") as fh:
                    zf.writestr(name, fh.read())
            except OSError:
                logger.warning("export of user %s: file %s is missing", user.pk, field.name)
        years = LedgerEntry.objects.filter(user=user, account=LedgerEntry.Account.ARTIST_PAID)
        for day in years.dates("created_at", "year"):
            statement = yearly_statement(user=user, year=day.year)
            zf.writestr(f"files/statements/statement-{day.year}.pdf",
                        statement_pdf_bytes(statement))  # fmt: skip
    return buffer.getvalue()


def export_link(archive: ExportArchive) -> str:
    """The signed download path of an archive (checked again with its age on download)."""
    token = signing.TimestampSigner(salt=EXPORT_SALT).sign(str(archive.pk))
    return reverse("privacy:export_download", kwargs={"token": token})


def export_from_token(*, token: str) -> ExportArchive | None:
    """The archive a signed link points at, or None (bad signature, too old, gone, not ready)."""
    max_age = timedelta(hours=settings.AUX_EXPORT_TTL_HOURS)
    try:
        pk = signing.TimestampSigner(salt=EXPORT_SALT).unsign(token, max_age=max_age)
    except signing.BadSignature:
        return None
    archive = ExportArchive.objects.filter(pk=pk, status=ExportArchive.Status.READY).first()
    if archive is None or archive.expires_at <= timezone.now():
        return None
    return archive


def export_build(*, archive_id: int) -> ExportArchive | None:
    """Build a pending archive, store it and e-mail its owner the link. Safe to run twice: an
    archive that is no longer pending is left alone."""
    with transaction.atomic():
        archive = (
            ExportArchive.objects.select_for_update().select_related("user")
            .filter(pk=archive_id).first()
        )  # fmt: skip
        if archive is None or archive.status != ExportArchive.Status.PENDING:
            return archive
        content = export_archive_bytes(user=archive.user)
        archive.file.save(f"{secrets.token_hex(16)}.zip", ContentFile(content), save=False)
        archive.size = len(content)
        archive.status = ExportArchive.Status.READY
        archive.ready_at = timezone.now()
        archive.expires_at = archive.ready_at + timedelta(hours=settings.AUX_EXPORT_TTL_HOURS)
        archive.save(update_fields=["file", "size", "status", "ready_at", "expires_at"])
        audit_record(actor=None, verb="privacy.export_ready", target=archive, size=archive.size)
    _export_email(archive)
    return archive


def _export_email(archive: ExportArchive) -> None:
    user = archive.user
    with translation.override(user.email_language):
        subject = gettext("Your AUX data export is ready")
        body = render_to_string(
            "privacy/export_ready.txt",
            {
                "user": user,
                "link": settings.SITE_URL.rstrip("/") + export_link(archive),
                "hours": settings.AUX_EXPORT_TTL_HOURS,
            },
        )
    EmailMessage(subject, body, None, [user.email]).send()


# --- erasure --------------------------------------------------------------------------------------


def pseudonym(user: User) -> str:
    """What a closed account is called from now on (in the site's default language)."""
    if user.role == User.Role.ARTIST:
        return f"Former artist #{user.pk}"
    if user.role == User.Role.BRAND:
        return f"Former brand user #{user.pk}"
    return f"Former user #{user.pk}"


def _scrub(value: Any, needles: list[str], replacement: str) -> Any:
    """`value` (JSON) with every string that is one of `needles` (audit details and notification
    parameters hold names and addresses as whole values) or contains the e-mail address (the
    first needle) replaced. Whole values only: a short name must not clobber other text."""
    if isinstance(value, str):
        folded = value.strip().lower()
        hit = folded in {n.lower() for n in needles} or needles[0].lower() in folded
        return replacement if hit else value
    if isinstance(value, list):
        return [_scrub(v, needles, replacement) for v in value]
    if isinstance(value, dict):
        return {k: _scrub(v, needles, replacement) for k, v in value.items()}
    return value


def _scrub_json(model, field: str, needles: list[str], replacement: str) -> int:
    """Replace the person's identifiers in one JSON field wherever they appear (audit details,
    notification parameters of other people's notifications)."""
    q = Q()
    for needle in needles:
        q |= Q(**{f"{field}__icontains": needle})
    changed = 0
    for row in model.objects.filter(q).only("pk", field):
        model.objects.filter(pk=row.pk).update(
            **{field: _scrub(getattr(row, field), needles, replacement)}
        )
        changed += 1
    return changed


@transaction.atomic
def account_close(*, user: User) -> User:
    """Close the account: erase or anonymise the person's data, keep what the law or an open
    obligation requires (aux.privacy.inventory says what and why).

    Refused (ConflictError, listing what is left) while money is in flight, a dispute is open or
    the person is a brand's last owner. The user row stays, anonymised and inactive, because the
    books and contracts point at it. Stripe connected accounts are left to Stripe's retention.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.closed_at is not None:
        return user
    blockers = account_close_blockers(user=user)
    if blockers:
        raise ConflictError(
            gettext("Your account cannot be closed yet: %(reasons)s")
            % {"reasons": " ".join(blockers)},
            errors={"account": blockers},
        )
    name = pseudonym(user)
    artist = Artist.objects.filter(user=user).first()
    # The e-mail address first (_scrub matches it inside longer strings too).
    needles = [user.email, *(n for n in (user.name, artist.stage_name if artist else "") if n)]

    # Open offers to the artist are declined (the brand is told) before the profile goes.
    for offer in Offer.objects.filter(artist__user=user, status__in=Offer.OPEN_STATUSES):
        offer_decline(actor=user, offer=offer, reason="")

    if artist is not None:
        if artist.photo:
            artist.photo.delete(save=False)
        artist.stage_name = name
        artist.slug = f"former-artist-{user.pk}"
        artist.bio = artist.city = artist.search_tags = ""
        artist.country = ""
        artist.languages = []
        artist.followers = {}
        artist.monthly_listeners = 0
        artist.engagement_rate = 0
        artist.save()
        artist.genres.clear()
        artist.moods.clear()
        artist.refused_categories.clear()
        for related in ("rates", "unavailabilities", "media_links", "audience_shares",
                        "age_shares"):  # fmt: skip
            getattr(artist, related).all().delete()
        Match.objects.filter(artist=artist).delete()
        MatchCuration.objects.filter(artist=artist).delete()
        MatchExposure.objects.filter(artist=artist).delete()
        MatchOutcome.objects.filter(artist=artist).delete()
        Application.objects.filter(artist=artist).update(pitch=REMOVED_TEXT, links=[])

    for att in Attachment.objects.filter(uploaded_by=user, message__isnull=False):
        att.file.delete(save=False)
        att.delete()
    Message.objects.filter(author=user).update(body=REMOVED_TEXT)
    OfferRevision.objects.filter(author=user).exclude(message="").update(message=REMOVED_TEXT)
    Offer.objects.filter(created_by=user).exclude(message="").update(message=REMOVED_TEXT)
    Review.objects.filter(author=user).update(text="")
    Review.objects.filter(replied_by=user).update(reply=REMOVED_TEXT)
    ReviewReport.objects.filter(reporter=user).update(reason=REMOVED_TEXT)
    ArtistVerificationRequest.objects.filter(artist__user=user).update(links=[])
    BrandVerificationRequest.objects.filter(requested_by=user).update(contact_name="")
    Signature.objects.filter(Q(user=user) | Q(contract__artist__user=user)).update(
        ip=None, user_agent=""
    )
    for archive in ExportArchive.objects.filter(user=user):
        archive.file.delete(save=False)
        archive.delete()
    Membership.objects.filter(user=user).delete()
    Invitation.objects.filter(email__iexact=user.email).delete()
    Notification.objects.filter(recipient=user).delete()
    NotificationPreference.objects.filter(user=user).delete()
    EmailAddress.objects.filter(user=user).delete()
    apps.get_model("authtoken", "Token").objects.filter(user=user).delete()
    _scrub_json(AuditEvent, "data", needles, name)
    _scrub_json(Notification, "params", needles, name)

    user.name = name
    old_email, user.email = user.email, f"closed-{user.pk}-{secrets.token_hex(4)}@invalid"
    # Splits of the books stay (who was paid which share), under the anonymised address; pending
    # invitations to the person lapse.
    splits = ContractSplit.objects.filter(Q(user=user) | Q(email__iexact=old_email))
    splits.filter(status=ContractSplit.Status.PENDING).update(status=ContractSplit.Status.WITHDRAWN)
    splits.update(email=user.email)
    user.language = ""
    user.set_unusable_password()  # also ends every session (their hash no longer matches)
    user.is_active = False
    user.closed_at = timezone.now()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    audit_record(actor=None, verb="privacy.account_closed", target=user)
    return user


# --- retention ------------------------------------------------------------------------------------


def _delete_files(queryset, field: str) -> None:
    for row in queryset:
        getattr(row, field).delete(save=False)


def _rule_messages_after_end(cutoff) -> int:
    ended = [Contract.Status.COMPLETED, Contract.Status.CANCELLED]
    over = Q(offer__contract__status__in=ended) & (
        Q(offer__contract__completed_at__lt=cutoff) | Q(offer__contract__cancelled_at__lt=cutoff)
    )
    without_contract = Q(offer__contract__isnull=True, offer__closed_at__lt=cutoff)
    messages = Message.objects.filter(over | without_contract)
    _delete_files(Attachment.objects.filter(message__in=messages).exclude(file=""), "file")
    count = messages.count()
    Attachment.objects.filter(message__in=messages).delete()
    messages.delete()
    return count


def _rule_unverified_signups(cutoff) -> int:
    """Accounts whose address was never confirmed (they never could sign in), with the profile
    or brand sign-up created for them when nothing else points at it yet."""
    users = (
        User.objects.filter(
            date_joined__lt=cutoff, last_login__isnull=True, is_staff=False,
            closed_at__isnull=True, emailaddress__verified=False,
        )
        .exclude(emailaddress__verified=True)
        .distinct()
    )  # fmt: skip
    count = 0
    for user in users:
        artist = Artist.objects.filter(user=user).first()
        if artist is not None and (artist.offers.exists() or artist.contracts.exists()):
            continue
        brands = [m.brand for m in Membership.objects.filter(user=user).select_related("brand")]
        if any(b.briefs.exists() or b.memberships.exclude(user=user).exists() for b in brands):
            continue
        if artist is not None:
            artist.delete()
        for brand in brands:
            brand.delete()
        user.delete()
        count += 1
    return count


def _rule_read_notifications(cutoff) -> int:
    return Notification.objects.filter(read_at__lt=cutoff).delete()[0]


def _rule_webhook_events(cutoff) -> int:
    return WebhookEvent.objects.filter(received_at__lt=cutoff, processed_at__isnull=False).delete()[
        0
    ]


RETENTION_RULES = {
    "messages_after_end": _rule_messages_after_end,
    "unverified_signups": _rule_unverified_signups,
    "read_notifications": _rule_read_notifications,
    "webhook_events": _rule_webhook_events,
}


@transaction.atomic
def retention_apply(*, now=None) -> RetentionRun:
    """Apply the retention schedule (settings.AUX_RETENTION_DAYS) and delete export archives past
    their expiry; record what each rule removed. Idempotent: a second run removes nothing new."""
    now = now or timezone.now()
    removed = {}
    for rule, days in settings.AUX_RETENTION_DAYS.items():
        if days > 0:
            removed[rule] = RETENTION_RULES[rule](now - timedelta(days=days))
    expired = ExportArchive.objects.filter(expires_at__lt=now).exclude(
        status=ExportArchive.Status.EXPIRED
    )
    _delete_files(expired.exclude(file=""), "file")
    removed["export_archives"] = expired.update(status=ExportArchive.Status.EXPIRED, file="")
    run = RetentionRun.objects.create(removed=removed, total=sum(removed.values()))
    audit_record(actor=None, verb="privacy.retention_applied", target=run, **removed)
    return run
