from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from aux.money import Currency
from campaigns.briefs.models import Brief

from .terms import DEFAULT_POLICY, CancellationPolicy

# --- Bookings: offers, contracts, milestones, messages, reviews, disputes ------------------------


class Side(models.TextChoices):
    """The two parties of a booking."""

    BRAND = "brand", _("Brand")
    ARTIST = "artist", _("Artist")


class Offer(models.Model):
    """A brand's offer to one artist for one brief, negotiated by revisions until it closes.

    Status sent → (countered ↔ sent)* → accepted | declined | withdrawn | expired (→ sent when
    the brand renews it), changed only by campaigns.bookings.services (offer_*), which checks
    ALLOWED_TRANSITIONS and whose turn it is (`awaiting`). The current terms are mirrored from
    `current_revision` for lists and queries; every revision is kept in OfferRevision. At most
    one open offer per (brief, artist).
    """

    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        COUNTERED = "countered", _("Countered")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("Expired")

    OPEN_STATUSES = (Status.SENT, Status.COUNTERED)
    ALLOWED_TRANSITIONS: dict[str, set[str]] = {
        Status.SENT: {
            Status.COUNTERED, Status.ACCEPTED, Status.DECLINED, Status.WITHDRAWN, Status.EXPIRED
        },
        Status.COUNTERED: {
            Status.SENT, Status.ACCEPTED, Status.DECLINED, Status.WITHDRAWN, Status.EXPIRED
        },
        Status.ACCEPTED: set(),
        Status.DECLINED: set(),
        Status.WITHDRAWN: set(),
        # Only the brand's renewal (campaigns.bookings.services.offer_renew) reopens an expired
        # offer.
        Status.EXPIRED: {Status.SENT},
    }  # fmt: skip

    brief = models.ForeignKey(Brief, on_delete=models.PROTECT, related_name="offers")
    artist = models.ForeignKey("artists.Artist", on_delete=models.PROTECT, related_name="offers")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SENT)
    awaiting = models.CharField(
        max_length=8, choices=Side.choices, default=Side.ARTIST, blank=True,
        help_text="Whose answer the offer waits for (empty once closed).",
    )  # fmt: skip
    expires_at = models.DateTimeField()
    currency = models.CharField(max_length=3, choices=Currency.choices, default=Currency.EUR)
    total = models.PositiveBigIntegerField(default=0, help_text="Minor units.")
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    usage_channels = models.JSONField(default=list, blank=True)
    usage_territories = models.JSONField(default=list, blank=True, help_text="ISO-3166 codes.")
    usage_term_months = models.PositiveSmallIntegerField(default=12)
    exclusivity_category = models.ForeignKey(
        "brands.BrandCategory", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    exclusivity_months = models.PositiveSmallIntegerField(null=True, blank=True)
    message = models.TextField(blank=True)
    cancellation_policy = models.CharField(
        max_length=10, choices=CancellationPolicy.choices, default=DEFAULT_POLICY
    )
    deposit_bps = models.PositiveSmallIntegerField(
        default=0, help_text="The artist's deposit share of live fees when this was written."
    )
    current_revision = models.ForeignKey(
        "OfferRevision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    below_min_fee = models.BooleanField(
        default=False, help_text="A line of the current revision is below the artist's minimum."
    )
    decline_reason = models.CharField(max_length=500, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["brief", "artist"],
                condition=Q(status__in=["sent", "countered"]),
                name="offer_one_open_per_brief_artist",
                violation_error_message=_("This artist already has an open offer for the brief."),
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="offer_dates",
                violation_error_message=_("The work must end on or after its start date."),
            ),
        ]
        indexes = [models.Index(fields=["status", "expires_at"], name="offer_status_expiry_idx")]

    def __str__(self) -> str:
        return f"Offer #{self.pk}: {self.brief} → {self.artist}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class OfferRevision(models.Model):
    """One version of an offer's terms, as proposed by one side. Never edited after creation.

    Revision 1 is the brand's offer; each counter adds the next number. The lines hold the fees.
    """

    TERM_FIELDS = (
        "currency", "total", "start_date", "end_date", "usage_channels", "usage_territories",
        "usage_term_months", "exclusivity_category", "exclusivity_months", "message",
        "cancellation_policy", "deposit_bps",
    )  # fmt: skip

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveSmallIntegerField()
    author_side = models.CharField(max_length=8, choices=Side.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    currency = models.CharField(max_length=3, choices=Currency.choices, default=Currency.EUR)
    total = models.PositiveBigIntegerField(default=0, help_text="Minor units: the lines' sum.")
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    usage_channels = models.JSONField(default=list, blank=True)
    usage_territories = models.JSONField(default=list, blank=True)
    usage_term_months = models.PositiveSmallIntegerField(default=12)
    exclusivity_category = models.ForeignKey(
        "brands.BrandCategory", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    exclusivity_months = models.PositiveSmallIntegerField(null=True, blank=True)
    message = models.TextField(blank=True)
    cancellation_policy = models.CharField(
        max_length=10, choices=CancellationPolicy.choices, default=DEFAULT_POLICY
    )
    deposit_bps = models.PositiveSmallIntegerField(
        default=0, help_text="The artist's deposit share of live fees when this was written."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["offer_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["offer", "number"], name="offer_revision_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.offer} rev {self.number} ({self.author_side})"


class OfferLine(models.Model):
    """One deliverable of a revision with its fee (minor units, for the whole line).

    `min_fee` snapshots the artist's stated minimum for the line (× quantity) when it was written,
    so the "below the artist's minimum" flag stays true to what both sides saw.
    """

    revision = models.ForeignKey(OfferRevision, on_delete=models.CASCADE, related_name="lines")
    deliverable_type = models.ForeignKey(
        "artists.DeliverableType", on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1)])
    notes = models.CharField(max_length=240, blank=True)
    fee = models.PositiveBigIntegerField(help_text="Minor units, for the whole line.")
    due_date = models.DateField(null=True, blank=True)
    min_fee = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["revision_id", "id"]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.deliverable_type}: {self.fee}"

    @property
    def below_min_fee(self) -> bool:
        return self.min_fee is not None and self.fee < self.min_fee


class Contract(models.Model):
    """The agreement made when an offer is accepted: frozen terms text, its SHA-256, signatures.

    Status draft → active (once both sides signed) → completed | cancelled | disputed. The terms
    are rendered once from the versioned template `template_version` and never change; each
    Signature records the hash its signer saw. Funding fields belong to the payments issue.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Awaiting signatures")
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")
        DISPUTED = "disputed", _("Disputed")

    ALLOWED_TRANSITIONS: dict[str, set[str]] = {
        Status.DRAFT: {Status.ACTIVE, Status.CANCELLED},
        Status.ACTIVE: {Status.COMPLETED, Status.CANCELLED, Status.DISPUTED},
        Status.DISPUTED: {Status.ACTIVE, Status.COMPLETED, Status.CANCELLED},
        Status.COMPLETED: set(),
        Status.CANCELLED: set(),
    }

    offer = models.OneToOneField(Offer, on_delete=models.PROTECT, related_name="contract")
    brief = models.ForeignKey(Brief, on_delete=models.PROTECT, related_name="contracts")
    brand = models.ForeignKey("brands.Brand", on_delete=models.PROTECT, related_name="contracts")
    artist = models.ForeignKey("artists.Artist", on_delete=models.PROTECT, related_name="contracts")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    template_version = models.CharField(max_length=20)
    terms_text = models.TextField()
    terms_sha256 = models.CharField(max_length=64)
    currency = models.CharField(max_length=3, choices=Currency.choices, default=Currency.EUR)
    total = models.PositiveBigIntegerField(help_text="Minor units.")
    # Frozen from the accepted revision (campaigns.bookings.terms): printed in the signed text.
    cancellation_policy = models.CharField(
        max_length=10, choices=CancellationPolicy.choices, default=DEFAULT_POLICY
    )
    deposit_bps = models.PositiveSmallIntegerField(default=0)
    deposit_amount = models.PositiveBigIntegerField(
        default=0, help_text="Minor units paid to the artist on funding (Σ milestones' parts)."
    )
    signed_at = models.DateTimeField(null=True, blank=True, help_text="When both had signed.")
    # Cancellation by agreement: each side asks; the second request cancels. A request lapses
    # when the contract changes (a signature, funding, a deliverable's step) and expires after
    # AUX_CANCEL_REQUEST_TTL_HOURS (campaigns.bookings.services.contracts); one without a time is
    # expired.
    cancel_requested_by = models.CharField(max_length=8, choices=Side.choices, blank=True)
    cancel_requested_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=500, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # Filled by the payments issue (escrow funding).
    funded = models.BooleanField(default=False)
    funded_at = models.DateTimeField(null=True, blank=True)
    pdf = models.FileField(upload_to="contracts/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Contract #{self.pk}: {self.brand} × {self.artist}"

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None


class Signature(models.Model):
    """One side's signature: who typed which full name, when, from where, over which text hash."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="signatures")
    party = models.CharField(max_length=8, choices=Side.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    full_name = models.CharField(max_length=150)
    signed_at = models.DateTimeField(auto_now_add=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)
    terms_sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["contract_id", "signed_at"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "party"], name="signature_once_per_party")
        ]

    def __str__(self) -> str:
        return f"{self.full_name} for the {self.party} on {self.contract}"


class Milestone(models.Model):
    """One deliverable of a contract, paid on approval.

    pending → submitted (proof) → approved | changes_requested (→ submitted again); a submitted
    one may be disputed (staff resolve: approved or cancelled). approved → paid by the payments
    issue. A submitted milestone nobody answers is approved automatically after the review window.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUBMITTED = "submitted", _("Submitted")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        APPROVED = "approved", _("Approved")
        DISPUTED = "disputed", _("Disputed")
        PAID = "paid", _("Paid")
        CANCELLED = "cancelled", _("Cancelled")

    # pending / changes_requested → approved and submitted → cancelled happen only through an
    # accepted Settlement (the amount both sides agreed for the work done): milestone_approve
    # needs a submitted deliverable and contract_cancel refuses while one is handed in.
    ALLOWED_TRANSITIONS: dict[str, set[str]] = {
        Status.PENDING: {Status.SUBMITTED, Status.CANCELLED, Status.APPROVED},
        Status.SUBMITTED: {
            Status.APPROVED,
            Status.CHANGES_REQUESTED,
            Status.DISPUTED,
            Status.CANCELLED,
        },
        Status.CHANGES_REQUESTED: {Status.SUBMITTED, Status.CANCELLED, Status.APPROVED},
        Status.DISPUTED: {Status.APPROVED, Status.CANCELLED},
        Status.APPROVED: {Status.PAID},
        Status.PAID: set(),
        Status.CANCELLED: set(),
    }

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=200)
    deliverable_type = models.ForeignKey(
        "artists.DeliverableType", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    is_social = models.BooleanField(
        default=False, help_text="Needs the paid-partnership disclosure (#ad / platform label)."
    )
    amount = models.PositiveBigIntegerField(help_text="Minor units.")
    deposit_amount = models.PositiveBigIntegerField(
        default=0, help_text="Its part of the contract's deposit, paid on funding (minor units)."
    )
    currency = models.CharField(max_length=3, choices=Currency.choices, default=Currency.EUR)
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    proof_note = models.TextField(blank=True)
    proof_links = models.JSONField(default=list, blank=True)
    disclosure_confirmed = models.BooleanField(default=False)
    submitted_at = models.DateTimeField(null=True, blank=True)
    review_due_at = models.DateTimeField(null=True, blank=True)
    changes_reason = models.TextField(blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    auto_approved = models.BooleanField(default=False)
    approved_amount = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="What is paid: the amount, or less after a dispute."
    )
    overdue_flagged_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["contract_id", "due_date", "id"]
        indexes = [models.Index(fields=["status", "review_due_at"], name="milestone_review_idx")]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_status_display()})"

    @property
    def display_title(self) -> str:
        """The title in the page's language: the stored one is "2 × Live show" (English, written
        when the contract was made); its type's name is read again in the active language."""
        count, sep, _name = self.title.partition(" × ")
        if sep and count.isdigit() and self.deliverable_type_id:
            return f"{count} × {self.deliverable_type}"
        return self.title


class Message(models.Model):
    """One message in the thread of an offer (and of its contract, which shares the thread).

    The body is stored as typed; contact details are masked when shown until the contract is
    signed (campaigns.bookings.masking).
    """

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    side = models.CharField(max_length=8, choices=Side.choices)
    body = models.TextField(max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["offer_id", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.side} on {self.offer}: {self.body[:40]}"


class Attachment(models.Model):
    """A file attached to a thread message or to a deliverable submission (exactly one of them).

    Only campaigns.bookings.attachments.attachment_validate decides what is stored: images
    re-encoded without metadata, or PDFs that really start as PDFs, within
    AUX_MAX_ATTACHMENT_BYTES. The stored name is random; the file is only ever served by
    bookings:attachment_download, which checks that the user is a party to the booking (or
    staff), never by a public media URL.
    """

    file = models.FileField(upload_to="attachments/%Y/%m/", max_length=255)
    original_name = models.CharField(max_length=120)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(help_text="Bytes, as stored.")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    milestone = models.ForeignKey(
        Milestone, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(message__isnull=False, milestone__isnull=True)
                | Q(message__isnull=True, milestone__isnull=False),
                name="attachment_one_parent",
                violation_error_message=_("One message or one deliverable per file."),
            ),
        ]

    def __str__(self) -> str:
        return self.original_name


class Review(models.Model):
    """After a completed contract, each side rates the other once (1–5 with text).

    Double-blind: a review is public once both sides have written theirs, or
    AUX_REVIEW_BLIND_DAYS after it was written (the other side may no longer write then);
    campaigns.reviews.selectors.reviews_published decides at query time. The reviewed side may
    answer once (`reply`); staff may hide a review (after a report), which takes it off the pages,
    the API and the average.
    """

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="reviews")
    author_side = models.CharField(max_length=8, choices=Side.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    text = models.TextField(max_length=3000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    reply = models.TextField(max_length=2000, blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    hidden_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "author_side"], name="review_once_per_side"
            ),
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="review_rating_1_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rating}★ by the {self.author_side} on {self.contract}"


class ReviewReport(models.Model):
    """A signed-in user tells staff a review breaks the rules (once per user and review).

    Staff handle it in the admin queue: hide the review (campaigns.reviews.services.review_hide)
    or keep it; either way the report is closed with who and when.
    """

    class Outcome(models.TextChoices):
        OPEN = "open", _("Waiting for staff")
        HIDDEN = "hidden", _("Review hidden")
        KEPT = "kept", _("Review kept")

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)
    outcome = models.CharField(max_length=8, choices=Outcome.choices, default=Outcome.OPEN)
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "reporter"], name="review_report_once")
        ]

    def __str__(self) -> str:
        return f"Report on review {self.review_id} ({self.outcome})"


class Settlement(models.Model):
    """A proposal to end a funded contract by agreement: the artist is paid `artist_amount` for
    the work done, the rest of the unspent escrow goes back to the brand.

    One side proposes, the other accepts or declines. Status open → accepted | declined |
    superseded (a new proposal replaced it) | lapsed (the contract changed under it: a
    deliverable was submitted, approved or disputed). An open proposal older than
    AUX_CANCEL_REQUEST_TTL_HOURS has expired and cannot be accepted. On acceptance the unpaid
    deliverables are approved for their share of the amount (paid by the payout machinery) or
    cancelled, and the contract is cancelled (the refund of the rest follows).
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        SUPERSEDED = "superseded", _("Replaced by a new proposal")
        LAPSED = "lapsed", _("Lapsed")

    ALLOWED_TRANSITIONS: dict[str, set[str]] = {
        Status.OPEN: {Status.ACCEPTED, Status.DECLINED, Status.SUPERSEDED, Status.LAPSED},
        Status.ACCEPTED: set(),
        Status.DECLINED: set(),
        Status.SUPERSEDED: set(),
        Status.LAPSED: set(),
    }

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="settlements")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_by_side = models.CharField(max_length=8, choices=Side.choices)
    artist_amount = models.PositiveBigIntegerField(
        help_text="Minor units paid to the artist for the work done; the rest is refunded."
    )
    currency = models.CharField(max_length=3, choices=Currency.choices, default=Currency.EUR)
    note = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract"], condition=Q(status="open"), name="settlement_one_open"
            )
        ]

    def __str__(self) -> str:
        return f"Settlement of {self.contract} ({self.status})"


class Dispute(models.Model):
    """A disagreement over a submitted milestone, opened by either side, decided by staff.

    Decisions: approve (pay in full), partial (pay `amount`), cancel (nothing paid; refund).
    `reason` is the opener's statement; the other side may add its own statement once, while
    the dispute is open (`respondent_statement`). Both sides read all of it, the deliverable's
    files (the evidence) and, once resolved, staff's written decision with what each side gets.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved")

    class Decision(models.TextChoices):
        APPROVE = "approve", _("Approve in full")
        PARTIAL = "partial", _("Approve a partial amount")
        CANCEL = "cancel", _("Cancel and refund")

    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="disputes")
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_by_side = models.CharField(max_length=8, choices=Side.choices)
    reason = models.TextField(max_length=3000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    decision = models.CharField(max_length=10, choices=Decision.choices, blank=True)
    decision_text = models.TextField(blank=True)
    amount = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="Minor units awarded to the artist (null: cancelled)."
    )
    respondent_statement = models.TextField(
        max_length=3000, blank=True, help_text="The other side's statement (once, while open)."
    )
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    respondent_statement_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["status", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["milestone"], condition=Q(status="open"), name="dispute_one_open"
            )
        ]

    def __str__(self) -> str:
        return f"Dispute on {self.milestone} ({self.status})"

    @property
    def respondent_side(self) -> str:
        """The side that did not open the dispute (the one that may answer it)."""
        return Side.BRAND if self.opened_by_side == Side.ARTIST else Side.ARTIST

    def get_respondent_side_display(self) -> str:
        return str(Side(self.respondent_side).label)

    @property
    def awarded_to_artist(self) -> int | None:
        """Minor units the decision pays the artist (None while open)."""
        if self.status != self.Status.RESOLVED:
            return None
        return self.amount or 0

    @property
    def refunded_to_brand(self) -> int | None:
        """Minor units of the disputed amount returned to the brand (None while open)."""
        awarded = self.awarded_to_artist
        return None if awarded is None else self.milestone.amount - awarded


class Application(models.Model):
    """An artist's answer to an open-call brief: a pitch, links and the fee they propose.

    One per (brief, artist). Status pending → converted (the brand turned it into an offer,
    `offer` points at it) | declined (with an optional reason); only campaigns.bookings.services
    (application_*) changes it, checking ALLOWED_TRANSITIONS.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DECLINED = "declined", _("Declined")
        CONVERTED = "converted", _("Turned into an offer")

    ALLOWED_TRANSITIONS: dict[str, set[str]] = {
        Status.PENDING: {Status.DECLINED, Status.CONVERTED},
        Status.DECLINED: set(),
        Status.CONVERTED: set(),
    }

    brief = models.ForeignKey(Brief, on_delete=models.CASCADE, related_name="applications")
    artist = models.ForeignKey(
        "artists.Artist", on_delete=models.CASCADE, related_name="applications"
    )
    pitch = models.TextField(max_length=2000)
    links = models.JSONField(default=list, blank=True)
    proposed_fee = models.PositiveBigIntegerField(
        validators=[MinValueValidator(1)], help_text="Minor units, in the brief's currency."
    )
    currency = models.CharField(max_length=3, choices=Currency.choices, default=Currency.EUR)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decline_reason = models.CharField(max_length=500, blank=True)
    offer = models.OneToOneField(
        Offer, null=True, blank=True, on_delete=models.SET_NULL, related_name="application"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["brief", "artist"],
                name="application_once_per_brief_artist",
                violation_error_message=_("You have already applied to this brief."),
            ),
            models.CheckConstraint(
                condition=Q(proposed_fee__gte=1), name="application_fee_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.artist} → {self.brief} ({self.status})"
