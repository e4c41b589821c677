"""In-app notifications, their e-mail delivery markers, and per-user channel preferences."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .messages import render


class Kind(models.TextChoices):
    """Every event a user can be told about. The value is what services pass to `notify`."""

    OFFER_RECEIVED = "offer.received", _("Offer received")
    OFFER_COUNTERED = "offer.countered", _("Offer countered")
    OFFER_ACCEPTED = "offer.accepted", _("Offer accepted")
    OFFER_DECLINED = "offer.declined", _("Offer declined")
    OFFER_WITHDRAWN = "offer.withdrawn", _("Offer withdrawn")
    OFFER_EXPIRED = "offer.expired", _("Offer expired")
    CONTRACT_READY = "contract.ready", _("Contract ready to sign")
    CONTRACT_SIGNED_BY_OTHER = "contract.signed_by_other", _("Contract signed by the other side")
    CONTRACT_ACTIVE = "contract.active", _("Contract active")
    CONTRACT_FUNDED = "contract.funded", _("Contract funded")
    CONTRACT_CANCEL_REQUESTED = "contract.cancel_requested", _("Contract cancellation requested")
    CONTRACT_CANCELLED = "contract.cancelled", _("Contract cancelled")
    CONTRACT_SETTLEMENT_PROPOSED = "contract.settlement_proposed", _("Settlement proposed")
    CONTRACT_SETTLEMENT_DECLINED = "contract.settlement_declined", _("Settlement declined")
    CONTRACT_SETTLED = "contract.settled", _("Contract ended by settlement")
    CONTRACT_COMPLETED = "contract.completed", _("Contract completed")
    DELIVERABLE_SUBMITTED = "deliverable.submitted", _("Deliverable submitted")
    DELIVERABLE_APPROVED = "deliverable.approved", _("Deliverable approved")
    DELIVERABLE_CHANGES_REQUESTED = "deliverable.changes_requested", _("Changes requested")
    DELIVERABLE_OVERDUE = "deliverable.overdue", _("Deliverable overdue")
    PAYOUT_SENT = "payout.sent", _("Payout sent")
    PAYOUT_FAILED = "payout.failed", _("Payout failed")
    DISPUTE_OPENED = "dispute.opened", _("Dispute opened")
    DISPUTE_RESPONDED = "dispute.responded", _("Dispute answered")
    DISPUTE_RESOLVED = "dispute.resolved", _("Dispute resolved")
    MESSAGE_NEW = "message.new", _("New message")
    REVIEW_RECEIVED = "review.received", _("Review received")
    TEAM_INVITATION = "team.invitation", _("Team invitation")
    BRIEF_MATCH = "brief.match", _("New brief that ranks you well")
    APPLICATION_RECEIVED = "application.received", _("Application to an open call received")
    APPLICATION_DECLINED = "application.declined", _("Application declined")
    DELIVERABLE_REVIEW_REMINDER = "deliverable.review_reminder", _("Review window ending soon")
    VERIFICATION_DECIDED = "verification.decided", _("Verification decided")


class Channel(models.TextChoices):
    """How a user wants one kind delivered."""

    IN_APP = "in_app", _("In the site only")
    EMAIL_IMMEDIATE = "email_immediate", _("In the site and by e-mail at once")
    DAILY_DIGEST = "daily_digest", _("In the site and in a daily e-mail digest")
    OFF = "off", _("Off")


class Notification(models.Model):
    """One thing one user is told about. Created only after the triggering change committed.

    `channel` is the delivery chosen when it was created (preferences may change later);
    `emailed_at` marks an immediate e-mail as sent and `digest_sent_at` a digest that included it,
    so a retried task never sends the same item twice.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=40, choices=Kind.choices)
    channel = models.CharField(
        max_length=20, choices=Channel.choices, default=Channel.IN_APP, editable=False
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    target_content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    target_object_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("target_content_type", "target_object_id")
    # The English message with %(name)s placeholders (a msgid in the catalogue) and its values;
    # `message` renders both in the active language, so each reader sees their own language.
    text = models.CharField(max_length=300)
    params = models.JSONField(default=dict, blank=True)
    url = models.CharField(max_length=500, blank=True, help_text="Site path of the object.")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    digest_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The list page and API: a user's newest first.
            models.Index(fields=["recipient", "-created_at"], name="notif_recipient_created"),
            # The bell: count of a user's unread rows (partial index, stays small).
            models.Index(
                fields=["recipient"], condition=Q(read_at__isnull=True), name="notif_unread"
            ),
            # The daily digest: rows waiting for it.
            models.Index(
                fields=["recipient"],
                condition=Q(channel="daily_digest", digest_sent_at__isnull=True),
                name="notif_digest_pending",
            ),
            models.Index(fields=["target_content_type", "target_object_id"], name="notif_target"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.recipient}: {self.text}"

    @property
    def message(self) -> str:
        """The text in the active language (see aux.notifications.messages)."""
        return render(self.text, self.params)

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """A user's chosen channel for one kind. Without a row the kind's default applies."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=40, choices=Kind.choices)
    channel = models.CharField(max_length=20, choices=Channel.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notifpref_unique_user_kind")
        ]
        ordering = ["user_id", "kind"]

    def __str__(self) -> str:
        return f"{self.user} · {self.kind}: {self.channel}"


class PeriodicSend(models.Model):
    """One message a periodic job sent for one period: to `recipient`, or to staff when empty.

    The job records it in the transaction that sends, before sending (services.
    periodic_send_claim). The unique constraints make a second run for the same period (a second
    scheduler, a redelivered task, a run by hand) find the row and send nothing: a daily digest or
    a reminder reaches each person once per period however often its job runs.
    """

    job = models.CharField(max_length=60)
    period = models.CharField(max_length=40)  # e.g. "2026-12-08" for a daily job
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    sent_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["job", "period", "recipient"],
                condition=Q(recipient__isnull=False),
                name="periodicsend_once_per_recipient",
            ),
            models.UniqueConstraint(
                fields=["job", "period"],
                condition=Q(recipient__isnull=True),
                name="periodicsend_once_to_staff",
            ),
        ]
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"{self.job} · {self.period} · {self.recipient_id or 'staff'}"
