"""Escrow, payouts, splits, the double-entry ledger and Stripe webhooks.

Money is integer minor units with an ISO currency. Every Stripe object we create has a row here
first, with a unique `idempotency_key` that is also sent to Stripe, so a retry can never create a
second charge, transfer or refund. Rows change only through payments.services.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aux.money import Currency
from aux.numbers import format_bps_percent


class PaymentAccount(models.Model):
    """A payee's Stripe Connect (Express) account and what Stripe last told us about it.

    Keyed to the user who is paid (an artist's own user, or a collaborator in a split), not to the
    Artist model, so a split can pay band members and producers directly. The flags come from the
    account object (creation, refresh, `account.updated`); `stripe_updated` is the `created` time
    of the newest event applied, so an older event arriving late never overwrites a newer state.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payment_account"
    )
    stripe_account_id = models.CharField(max_length=64, unique=True)
    charges_enabled = models.BooleanField(default=False)
    payouts_enabled = models.BooleanField(default=False)
    details_submitted = models.BooleanField(default=False)
    transfers_active = models.BooleanField(default=False)
    requirements_due = models.JSONField(default=list, blank=True)
    country = models.CharField(max_length=2, blank=True)
    stripe_updated = models.PositiveBigIntegerField(default=0, help_text="Unix time of the state.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user_id"]

    def __str__(self) -> str:
        return f"{self.stripe_account_id} ({self.user})"

    @property
    def can_receive(self) -> bool:
        """Transfers to this account will succeed."""
        return self.payouts_enabled and self.transfers_active


class PayoutSplit(models.Model):
    """How an artist's fees are shared among payees, in basis points summing to exactly 10,000.

    proposed → active once every payee confirmed (the previous active split is then superseded).
    A contract signed while a split is active freezes its shares (ContractPayee); later changes
    apply to new contracts only.
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Waiting for confirmations")
        ACTIVE = "active", _("Active")
        SUPERSEDED = "superseded", _("Superseded")

    artist = models.ForeignKey("artists.Artist", on_delete=models.CASCADE, related_name="splits")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PROPOSED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    activated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["artist"], condition=Q(status="active"), name="split_one_active"
            )
        ]

    def __str__(self) -> str:
        return f"Split #{self.pk} of {self.artist} ({self.status})"


class SplitPayee(models.Model):
    """One payee's share of a split; applies only once the payee confirmed it."""

    split = models.ForeignKey(PayoutSplit, on_delete=models.CASCADE, related_name="payees")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=60, blank=True, help_text="Band member, producer, ...")
    share_bps = models.PositiveIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(10_000)], help_text="Basis points."
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["split_id", "-share_bps", "id"]
        constraints = [
            models.UniqueConstraint(fields=["split", "user"], name="split_payee_once"),
            models.CheckConstraint(
                condition=Q(share_bps__gte=1, share_bps__lte=10_000), name="split_payee_bps"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.share_bps / 100:.2f}%"


class ContractPayee(models.Model):
    """The split in force when the contract was signed, frozen: who is paid which share.

    Without an active split the artist's own user is the only payee (10,000 bps).
    """

    contract = models.ForeignKey(
        "campaigns.Contract", on_delete=models.CASCADE, related_name="payees"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    share_bps = models.PositiveIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(10_000)]
    )
    split = models.ForeignKey(
        PayoutSplit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["contract_id", "-share_bps", "user_id"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "user"], name="contract_payee_once"),
            models.CheckConstraint(
                condition=Q(share_bps__gte=1, share_bps__lte=10_000), name="contract_payee_bps"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.share_bps} bps of contract #{self.contract_id}"


class ContractSplit(models.Model):
    """A co-owner's share of one contract's fees, proposed by the artist, accepted by the co-owner.

    The artist invites an e-mail address with a share (basis points, 1..9,999); the artist keeps
    the rest. pending → accepted (the co-owner signed in with that address and can receive
    payouts) | withdrawn (the artist changed or removed it) | lapsed (both sides signed before
    the co-owner accepted: the share stays with the artist). Splits change only while the
    contract awaits signatures; at signing the accepted ones are frozen into ContractPayee, which
    is what payouts follow. Rows change only through payments.services.contract_splits.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Invited")
        ACCEPTED = "accepted", _("Accepted")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        LAPSED = "lapsed", _("Lapsed")

    contract = models.ForeignKey(
        "campaigns.Contract", on_delete=models.CASCADE, related_name="splits"
    )
    email = models.EmailField(help_text="The invited co-owner's address (lower case).")
    share_bps = models.PositiveIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(9_999)], help_text="Basis points."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="contract_splits", help_text="The co-owner, once accepted.",
    )  # fmt: skip
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True, help_text="Withdrawn or lapsed.")

    class Meta:
        ordering = ["contract_id", "-share_bps", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "email"], condition=Q(status__in=["pending", "accepted"]),
                name="contract_split_open_once",
            ),
            models.CheckConstraint(
                condition=Q(share_bps__gte=1, share_bps__lte=9_999), name="contract_split_bps"
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.email} {self.share_bps / 100:.2f}% of contract #{self.contract_id}"

    @property
    def share_percent(self) -> str:
        return f"{self.share_bps / 100:.2f}"

    @property
    def share_label(self) -> str:
        """`30%`, `33.33%` (fr `30 %`, `33,33 %`): exact, in the page's language."""
        return format_bps_percent(self.share_bps)


class Payment(models.Model):
    """The brand funding a contract: one Stripe PaymentIntent for the total plus the platform fee.

    A failed attempt stays as a row; a new attempt is a new row with a new key. At most one
    payment per contract succeeds (partial unique constraint).
    """

    class Status(models.TextChoices):
        REQUIRES_PAYMENT = "requires_payment", _("Awaiting payment")
        PROCESSING = "processing", _("Processing")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")
        CANCELED = "canceled", _("Canceled")

    contract = models.ForeignKey(
        "campaigns.Contract", on_delete=models.PROTECT, related_name="payments"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    amount = models.PositiveBigIntegerField(help_text="Contract total, minor units (to escrow).")
    fee = models.PositiveBigIntegerField(help_text="Platform fee charged to the brand.")
    fee_bps = models.PositiveIntegerField()
    currency = models.CharField(max_length=3, choices=Currency.choices)
    stripe_payment_intent_id = models.CharField(max_length=64, unique=True, null=True, blank=True)
    client_secret = models.CharField(max_length=200, blank=True)
    idempotency_key = models.CharField(max_length=100, unique=True)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.REQUIRES_PAYMENT
    )
    failure_message = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    succeeded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract"], condition=Q(status="succeeded"), name="payment_one_success"
            )
        ]

    def __str__(self) -> str:
        return f"Payment #{self.pk} for contract #{self.contract_id} ({self.status})"

    @property
    def gross(self) -> int:
        return self.amount + self.fee


class Refund(models.Model):
    """Unspent escrow (plus its proportional share of the fee) returned to the brand.

    `key` says why (contract cancelled, dispute decided) and makes the refund happen once.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    contract = models.ForeignKey(
        "campaigns.Contract", on_delete=models.PROTECT, related_name="refunds"
    )
    amount = models.PositiveBigIntegerField(help_text="From escrow, minor units.")
    fee_amount = models.PositiveBigIntegerField(help_text="Platform fee returned with it.")
    currency = models.CharField(max_length=3, choices=Currency.choices)
    reason = models.CharField(max_length=200)
    idempotency_key = models.CharField(max_length=100, unique=True)
    stripe_refund_id = models.CharField(max_length=64, unique=True, null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    failure_message = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    succeeded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Refund #{self.pk} of contract #{self.contract_id} ({self.status})"

    @property
    def total(self) -> int:
        return self.amount + self.fee_amount


class Payout(models.Model):
    """One Stripe Transfer of (a payee's share of) an approved milestone's amount, or of the
    contract's deposit (no milestone: paid once on funding, campaigns.bookings.terms).

    The idempotency key is derived from the milestone (or the contract's deposit) and the payee,
    so any number of task runs creates one transfer. pending → sent | failed (a failed one can be
    retried by staff).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", pgettext_lazy("payout", "Sent")  # "envoyé": the offer's "Sent" is "envoyée"
        FAILED = "failed", _("Failed")

    milestone = models.ForeignKey(
        "campaigns.Milestone", null=True, blank=True, on_delete=models.PROTECT,
        related_name="payouts", help_text="Empty for the deposit.",
    )  # fmt: skip
    contract = models.ForeignKey(
        "campaigns.Contract", on_delete=models.PROTECT, related_name="payouts"
    )
    payee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payouts"
    )
    stripe_account_id = models.CharField(max_length=64)
    amount = models.PositiveBigIntegerField(validators=[MinValueValidator(1)])
    currency = models.CharField(max_length=3, choices=Currency.choices)
    idempotency_key = models.CharField(max_length=100, unique=True)
    stripe_transfer_id = models.CharField(max_length=64, unique=True, null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    failure_message = models.CharField(max_length=500, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["milestone", "payee"], name="payout_once_per_payee"),
            models.UniqueConstraint(
                fields=["contract", "payee"],
                condition=Q(milestone__isnull=True),
                name="payout_deposit_once_per_payee",
            ),
            models.CheckConstraint(condition=Q(amount__gte=1), name="payout_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"Payout #{self.pk} {self.amount} {self.currency} to {self.payee} ({self.status})"


class LedgerTransaction(models.Model):
    """One money movement: entries that sum to zero per currency. Append-only.

    `key` is unique and derived from what caused it ("fund:<payment>", "payout:<payout>", ...),
    so recording the same movement twice is impossible.
    """

    class Kind(models.TextChoices):
        FUNDING = "funding", _("Contract funded")
        PAYOUT = "payout", _("Payout to artist")
        DEPOSIT = "deposit", _("Deposit to artist")
        REFUND = "refund", _("Refund to brand")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    key = models.CharField(max_length=100, unique=True)
    contract = models.ForeignKey(
        "campaigns.Contract", on_delete=models.PROTECT, related_name="ledger_transactions"
    )
    payment = models.ForeignKey(Payment, null=True, blank=True, on_delete=models.PROTECT)
    payout = models.ForeignKey(Payout, null=True, blank=True, on_delete=models.PROTECT)
    refund = models.ForeignKey(Refund, null=True, blank=True, on_delete=models.PROTECT)
    memo = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.key})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("Ledger transactions are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Ledger transactions are append-only.")

    @property
    def description(self) -> str:
        """What the movement was, in the page's language (the memo is English, or the refund's
        reason as typed)."""
        if self.kind == self.Kind.PAYOUT and self.payout_id:
            return _("%(deliverable)s: paid") % {"deliverable": self.payout.milestone.display_title}
        if self.kind == self.Kind.FUNDING:
            return _("Contract #%(n)s funded") % {"n": self.contract_id}
        return self.memo or str(self.get_kind_display())


class LedgerEntry(models.Model):
    """One line of a transaction: `amount` (signed, minor units) added to one account's balance.

    Accounts: brand_cash (what brands paid, negative), escrow (per contract, never negative),
    platform_fee (our revenue), artist_paid (per payee), refunds (returned to brands).
    """

    class Account(models.TextChoices):
        BRAND_CASH = "brand_cash", _("Brand cash")
        ESCROW = "escrow", _("Contract escrow")
        PLATFORM_FEE = "platform_fee", _("Platform fee revenue")
        ARTIST_PAID = "artist_paid", _("Artist paid")
        REFUNDS = "refunds", _("Refunds to brand")

    transaction = models.ForeignKey(
        LedgerTransaction, on_delete=models.PROTECT, related_name="entries"
    )
    account = models.CharField(max_length=14, choices=Account.choices)
    contract = models.ForeignKey(
        "campaigns.Contract", on_delete=models.PROTECT, related_name="ledger_entries"
    )
    brand = models.ForeignKey("brands.Brand", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="ledger_entries", help_text="The payee, on artist_paid lines.",
    )  # fmt: skip
    amount = models.BigIntegerField(help_text="Signed minor units.")
    currency = models.CharField(max_length=3, choices=Currency.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "ledger entries"
        indexes = [models.Index(fields=["contract", "account"], name="ledger_contract_account")]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="ledger_entry_nonzero"),
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.amount:+d} {self.currency}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("Ledger entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Ledger entries are append-only.")


class WebhookEvent(models.Model):
    """A Stripe event we received: inserted first (unique id), processed once.

    `processed_at` stays empty while its object is not known here yet (an event that overtook our
    own commit); the reconciliation task processes such events again.
    """

    stripe_event_id = models.CharField(max_length=100, unique=True)
    type = models.CharField(max_length=100)
    created = models.PositiveBigIntegerField(default=0, help_text="Stripe's event time (Unix).")
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    result = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.type} {self.stripe_event_id}"


class IdempotencyNamespace(models.Model):
    """One random prefix for every Idempotency-Key this database sends to Stripe (one row, pk 1).

    Our keys are derived from row ids (`aux-fund-c12-a1`, `aux-account-u5`) so that a retry after
    a crash sends the same key. A database restored from a backup or started over while the Stripe
    account stays would reuse those ids, and Stripe would replay another object's answer for 24 h:
    the new user #5 handed the Express account of a former user #5. The prefix is drawn with the
    first key a database sends and is gone with its data, so a database that starts over draws a
    new one."""

    value = models.CharField(max_length=16, unique=True)

    def __str__(self) -> str:
        return self.value
