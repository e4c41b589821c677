"""Offers, contracts, milestones, messages and reviews as the API reads and writes them.

Money is in minor units (cents) with an ISO currency. Output and input serializers differ where
the workflow step takes other fields than the object shows.
"""

from datetime import datetime

from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy
from django_countries.serializer_fields import CountryField
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from artists.models import Artist, DeliverableType
from aux.api.fields import OptionalSlugRelatedField
from aux.api.serializers import StrictModelSerializer, StrictSerializer
from brands.models import BrandCategory
from campaigns.briefs.models import Brief

from ..masking import mask_contact_details, mask_unless
from ..models import (
    Attachment,
    Contract,
    Dispute,
    Message,
    Milestone,
    Offer,
    OfferLine,
    OfferRevision,
    Review,
    Settlement,
    Side,
    Signature,
)
from ..selectors import (
    contacts_visible,
    contract_money_summary,
    exclusivity_conflict_text,
    milestone_dispute,
    offer_exclusivity_conflicts,
    offer_time_left,
)
from ..services import (
    OFFER_EXPIRY_DAYS_MAX,
    OFFER_EXPIRY_DAYS_MIN,
    USAGE_CHANNELS,
    cancel_request_expired,
    cancel_request_expires_at,
    party_side,
    settlement_expired,
    settlement_expires_at,
)
from ..terms import POLICIES, CancellationPolicy, policy_rows

MAX_MINOR = 10**11


def blank_side() -> serializers.ChoiceField:
    """A read-only side that may be blank (DRF drops `allow_blank` from read-only model
    fields, and the schema would then say it never is)."""
    return serializers.ChoiceField(choices=Side.choices, allow_blank=True, read_only=True)


class OfferLineSerializer(StrictModelSerializer):
    deliverable_type = serializers.SlugRelatedField(
        slug_field="slug", queryset=DeliverableType.objects.all()
    )
    quantity = serializers.IntegerField(min_value=1, max_value=100, default=1)
    fee = serializers.IntegerField(min_value=1, max_value=MAX_MINOR, help_text="Minor units.")
    notes = serializers.CharField(max_length=240, required=False, allow_blank=True, default="")
    due_date = serializers.DateField(required=False, allow_null=True, default=None)
    min_fee = serializers.IntegerField(read_only=True, allow_null=True)
    below_min_fee = serializers.BooleanField(read_only=True)

    class Meta:
        model = OfferLine
        fields = ["deliverable_type", "quantity", "fee", "notes", "due_date", "min_fee",
                  "below_min_fee"]  # fmt: skip


class OfferRevisionSerializer(StrictModelSerializer):
    lines = OfferLineSerializer(many=True, read_only=True)
    exclusivity_category = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )

    class Meta:
        model = OfferRevision
        fields = [
            "number", "author_side", "currency", "total", "start_date", "end_date",
            "usage_channels", "usage_territories", "usage_term_months", "exclusivity_category",
            "exclusivity_months", "message", "cancellation_policy", "deposit_bps", "lines",
            "created_at",
        ]  # fmt: skip


class CancellationRowSerializer(StrictSerializer):
    notice = serializers.CharField(help_text="Days before the first date of the work, in words.")
    brand_owes = serializers.CharField(help_text="Share of the fee of work not handed in.")
    artist_owes = serializers.CharField(help_text="Share of the fee of work not handed in.")


class CancellationTermsSerializer(StrictSerializer):
    """The chosen policy in words (campaigns.bookings.terms), in the reader's language."""

    policy = serializers.ChoiceField(choices=CancellationPolicy.choices)
    label = serializers.CharField()
    summary = serializers.CharField()
    rows = CancellationRowSerializer(many=True)


def cancellation_terms(policy: str) -> dict:
    return {
        "policy": policy, "label": str(CancellationPolicy(policy).label),
        "summary": str(POLICIES[policy].summary), "rows": policy_rows(policy),
    }  # fmt: skip


class ExclusivityConflictSerializer(StrictSerializer):
    """An exclusivity the artist signed that this offer's work dates would break.

    `until`: the first day it no longer binds. `contract`: the artist's contract holding it,
    shown to the artist (and staff) only; the brand learns the category and the date, never
    which other brand or contract.
    """

    category = serializers.CharField(help_text="The brand category's slug.")
    category_name = serializers.CharField()
    until = serializers.DateField()
    contract = serializers.IntegerField(allow_null=True)
    message = serializers.CharField(help_text="The warning in words, in the user's language.")


class OfferSerializer(StrictModelSerializer):
    """An offer with its current terms; the detail adds every revision (oldest first).

    `time_left`: while the offer can be answered, the time left in words ("3 days left",
    "expires in 5 hours"); "expired" once expired; empty once otherwise closed.
    """

    brief = serializers.PrimaryKeyRelatedField(read_only=True)
    brief_title = serializers.CharField(source="brief.title", read_only=True)
    brand = serializers.SlugRelatedField(source="brief.brand", slug_field="slug", read_only=True)
    artist = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    exclusivity_category = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )
    revision = serializers.IntegerField(source="current_revision.number", read_only=True)
    awaiting = blank_side()
    lines = serializers.SerializerMethodField()
    contract = serializers.SerializerMethodField()
    time_left = serializers.SerializerMethodField()
    cancellation_terms = serializers.SerializerMethodField()

    class Meta:
        model = Offer
        fields = [
            "id", "brief", "brief_title", "brand", "artist", "status", "awaiting", "expires_at",
            "time_left",
            "currency", "total", "start_date", "end_date", "usage_channels", "usage_territories",
            "usage_term_months", "exclusivity_category", "exclusivity_months", "message",
            "below_min_fee", "decline_reason", "revision", "lines", "contract", "created_at",
            "updated_at", "cancellation_policy", "cancellation_terms", "deposit_bps",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(CancellationTermsSerializer)
    def get_cancellation_terms(self, offer: Offer) -> dict:
        return cancellation_terms(offer.cancellation_policy)

    def get_lines(self, offer: Offer) -> list[dict]:
        if offer.current_revision is None:
            return []
        lines = offer.current_revision.lines.select_related("deliverable_type")
        return OfferLineSerializer(lines, many=True).data

    def to_representation(self, offer: Offer) -> dict:
        """Typed text (messages, line notes, decline reason) masked until signed."""
        data = super().to_representation(offer)
        visible = contacts_visible(offer)
        for holder in [data, *data.get("revisions", [])]:
            for field in ("message", "decline_reason"):
                if field in holder:
                    holder[field] = mask_unless(holder[field], visible=visible)
            for line in holder.get("lines", []):
                line["notes"] = mask_unless(line["notes"], visible=visible)
        return data

    def get_contract(self, offer: Offer) -> int | None:
        contract = getattr(offer, "contract", None) if offer.status == "accepted" else None
        return contract.pk if contract else None

    def get_time_left(self, offer: Offer) -> str:
        return offer_time_left(offer)


class OfferDetailSerializer(OfferSerializer):
    """The offer with every revision and the exclusivities its work dates would break (while
    it can be answered or renewed; needs the request in the context to say whose view)."""

    revisions = OfferRevisionSerializer(many=True, read_only=True)
    exclusivity_conflicts = serializers.SerializerMethodField()

    class Meta(OfferSerializer.Meta):
        fields = [*OfferSerializer.Meta.fields, "exclusivity_conflicts", "revisions"]
        read_only_fields = fields

    @extend_schema_field(ExclusivityConflictSerializer(many=True))
    def get_exclusivity_conflicts(self, offer: Offer) -> list[dict]:
        if not (offer.is_open or offer.status == Offer.Status.EXPIRED):
            return []
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is None:
            return []
        side = party_side(user, brand=offer.brief.brand, artist=offer.artist)
        shows_contract = side == Side.ARTIST or (side is None and user.is_staff)
        return [
            {
                "category": c.exclusivity_category.slug,
                "category_name": c.exclusivity_category.name,
                "until": c.exclusivity_until,
                "contract": c.pk if shows_contract else None,
                "message": exclusivity_conflict_text(c, side=side or Side.BRAND),
            }
            for c in offer_exclusivity_conflicts(offer=offer)
        ]


class OfferTermsInputSerializer(StrictSerializer):
    """Terms shared by a new offer and a counter-offer (all optional in a counter)."""

    lines = OfferLineSerializer(many=True, required=False, max_length=20)
    start_date = serializers.DateField(required=False)
    end_date = serializers.DateField(required=False)
    usage_channels = serializers.ListField(
        child=serializers.ChoiceField(choices=list(USAGE_CHANNELS.items())),
        required=False, max_length=len(USAGE_CHANNELS),
    )  # fmt: skip
    usage_territories = serializers.ListField(child=CountryField(), required=False,
                                              max_length=250)  # fmt: skip
    usage_term_months = serializers.IntegerField(min_value=1, max_value=120, required=False)
    exclusivity_category = OptionalSlugRelatedField(
        slug_field="slug", queryset=BrandCategory.objects.all(), required=False
    )
    exclusivity_months = serializers.IntegerField(
        min_value=1, max_value=60, required=False, allow_null=True
    )
    message = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    cancellation_policy = serializers.ChoiceField(
        choices=CancellationPolicy.choices, required=False,
        help_text="flexible, moderate (default) or strict: see cancellation_terms.",
    )  # fmt: skip
    expires_at = serializers.DateTimeField(required=False)

    def validate(self, attrs: dict) -> dict:
        start, end = attrs.get("start_date"), attrs.get("end_date")
        if start and end and end < start:
            raise serializers.ValidationError(
                {"end_date": gettext("The work must end on or after its start date.")}
            )
        return attrs


def expires_in_days_field() -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=OFFER_EXPIRY_DAYS_MIN, max_value=OFFER_EXPIRY_DAYS_MAX, required=False,
        help_text="How many days the artist has to answer (default: AUX_OFFER_TTL_DAYS).",
    )  # fmt: skip


def confirm_exclusivity_field() -> serializers.BooleanField:
    return serializers.BooleanField(
        required=False, default=False,
        help_text="Send even though the work would break an exclusivity the artist signed "
        "with another brand of your category. Without it such an offer is refused with 409 and "
        "the conflicts under errors.confirm_exclusivity_conflict.",
    )  # fmt: skip


class OfferCreateSerializer(OfferTermsInputSerializer):
    """A new offer. The expiry is `expires_in_days` (1 to 30) or `expires_at` (within 30 days),
    not both; without either, AUX_OFFER_TTL_DAYS."""

    brief = serializers.PrimaryKeyRelatedField(queryset=Brief.objects.all())
    artist = serializers.SlugRelatedField(slug_field="slug", queryset=Artist.objects.all())
    expires_in_days = expires_in_days_field()
    confirm_exclusivity_conflict = confirm_exclusivity_field()

    def validate(self, attrs: dict) -> dict:
        attrs = super().validate(attrs)
        if "expires_at" in attrs and "expires_in_days" in attrs:
            raise serializers.ValidationError(
                {"expires_in_days": gettext("Give the expiry in days or as a date, not both.")}
            )
        return attrs


class RenewInputSerializer(StrictSerializer):
    """Renew an expired offer for `expires_in_days` (default: AUX_OFFER_TTL_DAYS)."""

    expires_in_days = expires_in_days_field()
    confirm_exclusivity_conflict = confirm_exclusivity_field()


class DeclineSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class SignatureSerializer(StrictModelSerializer):
    class Meta:
        model = Signature
        fields = ["party", "full_name", "signed_at", "terms_sha256"]


class AttachmentSerializer(StrictModelSerializer):
    """A file of a message or a deliverable; `url` is the party-only download (not media)."""

    url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "original_name", "content_type", "size", "created_at", "url"]
        read_only_fields = fields

    def get_url(self, attachment: Attachment) -> str:
        return reverse("bookings:attachment_download", args=[attachment.pk])


AUX_STAFF = gettext_lazy("AUX staff")


class DisputeSerializer(StrictModelSerializer):
    """A dispute as both parties read it: the opener's reason, the deliverable's files (the
    evidence), the other side's statement, and once resolved staff's written decision with the
    minor units awarded to the artist and refunded to the brand. Staff are named "AUX staff"."""

    opened_by_side = serializers.ChoiceField(choices=Side.choices, read_only=True)
    respondent_side = serializers.ChoiceField(choices=Side.choices, read_only=True)
    evidence = serializers.SerializerMethodField()
    decision = serializers.ChoiceField(
        choices=Dispute.Decision.choices, allow_blank=True, read_only=True
    )
    awarded_to_artist = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="Minor units; null while open."
    )
    refunded_to_brand = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="Minor units; null while open."
    )
    disputed_amount = serializers.IntegerField(source="milestone.amount", read_only=True)
    currency = serializers.CharField(source="milestone.currency", read_only=True)
    decided_by = serializers.SerializerMethodField()

    class Meta:
        model = Dispute
        fields = [
            "id", "status", "opened_by_side", "reason", "created_at", "evidence",
            "respondent_side", "respondent_statement", "respondent_statement_at", "decision",
            "decision_text", "disputed_amount", "awarded_to_artist", "refunded_to_brand",
            "currency", "decided_by", "resolved_at",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(AttachmentSerializer(many=True))
    def get_evidence(self, dispute: Dispute) -> list[dict]:
        return AttachmentSerializer(dispute.milestone.attachments.all(), many=True).data

    def get_decided_by(self, dispute: Dispute) -> str:
        """ "AUX staff" once decided (never a staff member's name), else empty."""
        return str(AUX_STAFF) if dispute.status == Dispute.Status.RESOLVED else ""


class MilestoneSerializer(StrictModelSerializer):
    contract = serializers.PrimaryKeyRelatedField(read_only=True)
    deliverable_type = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)
    dispute = serializers.SerializerMethodField()

    class Meta:
        model = Milestone
        fields = [
            "id", "contract", "title", "deliverable_type", "is_social", "amount", "currency",
            "due_date", "status", "proof_note", "proof_links", "disclosure_confirmed",
            "submitted_at", "review_due_at", "changes_reason", "approved_at", "auto_approved",
            "approved_amount", "overdue_flagged_at", "paid_at", "attachments", "dispute",
            "deposit_amount",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(DisputeSerializer(allow_null=True))
    def get_dispute(self, milestone: Milestone) -> dict | None:
        """The open dispute, else the latest decided one, else null."""
        dispute = milestone_dispute(milestone)
        return DisputeSerializer(dispute).data if dispute is not None else None


class SettlementSerializer(StrictModelSerializer):
    """A settlement proposal: `artist_amount` (minor units) paid to the artist, the rest of the
    unspent escrow refunded to the brand. An open one past `expires_at` is `expired`."""

    expires_at = serializers.SerializerMethodField()
    expired = serializers.SerializerMethodField()

    class Meta:
        model = Settlement
        fields = ["id", "proposed_by_side", "artist_amount", "currency", "note", "status",
                  "created_at", "answered_at", "expires_at", "expired"]  # fmt: skip
        read_only_fields = fields

    def get_expires_at(self, settlement: Settlement) -> datetime:
        return settlement_expires_at(settlement)

    def get_expired(self, settlement: Settlement) -> bool:
        return settlement.status == Settlement.Status.OPEN and settlement_expired(settlement)


class ContractSerializer(StrictModelSerializer):
    brand = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    artist = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    signatures = SignatureSerializer(many=True, read_only=True)
    milestones = MilestoneSerializer(many=True, read_only=True)
    pdf_ready = serializers.SerializerMethodField()
    cancel_requested_by = blank_side()
    cancel_request_expires_at = serializers.SerializerMethodField()
    cancel_request_expired = serializers.SerializerMethodField()
    settlement = serializers.SerializerMethodField()
    cancellation_terms = serializers.SerializerMethodField()

    class Meta:
        model = Contract
        fields = [
            "id", "offer", "brief", "brand", "artist", "status", "template_version",
            "terms_text", "terms_sha256", "currency", "total", "signed_at",
            "cancel_requested_by", "cancel_requested_at", "cancel_request_expires_at",
            "cancel_request_expired", "cancel_reason", "cancelled_at", "completed_at", "funded",
            "pdf_ready", "signatures", "milestones", "settlement", "created_at",
            "cancellation_policy", "cancellation_terms", "deposit_bps", "deposit_amount",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(CancellationTermsSerializer)
    def get_cancellation_terms(self, contract: Contract) -> dict:
        return cancellation_terms(contract.cancellation_policy)

    def get_pdf_ready(self, contract: Contract) -> bool:
        return bool(contract.pdf)

    def get_cancel_request_expires_at(self, contract: Contract) -> datetime | None:
        return cancel_request_expires_at(contract)

    def get_cancel_request_expired(self, contract: Contract) -> bool:
        return cancel_request_expired(contract)

    @extend_schema_field(SettlementSerializer(allow_null=True))
    def get_settlement(self, contract: Contract) -> dict | None:
        """The latest settlement proposal (open, or how the last one ended), or null."""
        latest = next(iter(contract.settlements.all()), None)  # prefetched, newest first
        return SettlementSerializer(latest).data if latest is not None else None

    def to_representation(self, contract: Contract) -> dict:
        """The cancel reason, typed before signing, is masked until signed."""
        data = super().to_representation(contract)
        data["cancel_reason"] = mask_unless(
            data["cancel_reason"], visible=contacts_visible(contract)
        )
        return data


class ContractMoneySerializer(StrictSerializer):
    """The escrow as both parties see it (minor units): funded = paid_to_artist +
    refunded_to_brand + in_escrow; fee_refunded is the platform fee returned with refunds;
    awarded_by_dispute / refunded_by_dispute: what staff's dispute decisions gave each side."""

    currency = serializers.CharField()
    funded = serializers.IntegerField()
    paid_to_artist = serializers.IntegerField()
    refunded_to_brand = serializers.IntegerField()
    fee_refunded = serializers.IntegerField()
    in_escrow = serializers.IntegerField()
    awarded_by_dispute = serializers.IntegerField()
    refunded_by_dispute = serializers.IntegerField()


class ContractDetailSerializer(ContractSerializer):
    """One contract with its money (`money`: null until a payment funded it)."""

    money = serializers.SerializerMethodField()

    class Meta(ContractSerializer.Meta):
        fields = [*ContractSerializer.Meta.fields, "money"]
        read_only_fields = fields

    @extend_schema_field(ContractMoneySerializer(allow_null=True))
    def get_money(self, contract: Contract) -> dict | None:
        money = contract_money_summary(contract=contract, milestones=contract.milestones.all())
        return ContractMoneySerializer(money).data if money is not None else None


class DisputeRespondInputSerializer(StrictSerializer):
    statement = serializers.CharField(
        max_length=3000, help_text="Your side of the dispute: once, while it is open."
    )


class SignInputSerializer(StrictSerializer):
    full_name = serializers.CharField(max_length=150)
    confirm = serializers.BooleanField()
    terms_sha256 = serializers.RegexField(r"^[0-9a-f]{64}$", required=False)

    @staticmethod
    def openapi_extra() -> dict:
        """For the schema (aux.api.schema): signing needs `confirm` true."""
        return {"properties": {"confirm": {"enum": [True]}}}


def _attachments_input() -> serializers.ListField:
    # Multipart only (repeat the `attachments` part per file). Content is checked by the
    # services (campaigns.bookings.attachments): images or PDFs, at most 5, each within the size
    # limit.
    return serializers.ListField(
        child=serializers.FileField(allow_empty_file=False), required=False, default=list,
        write_only=True,
        help_text="Up to 5 files (images or PDFs, checked by content), as multipart/form-data.",
    )  # fmt: skip


class SubmitInputSerializer(StrictSerializer):
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    links = serializers.ListField(child=serializers.URLField(max_length=500), required=False,
                                  max_length=10, default=list)  # fmt: skip
    disclosure_confirmed = serializers.BooleanField(required=False, default=False)
    attachments = _attachments_input()


class SettlementProposeInputSerializer(StrictSerializer):
    artist_amount = serializers.IntegerField(
        min_value=0, max_value=MAX_MINOR, required=False,
        help_text="Minor units paid to the artist for the work done; at most the unspent escrow "
        "of the open deliverables. The rest is refunded to the brand. Left out: what the "
        "contract's cancellation terms call for when your side ends it (the deposit counts).",
    )  # fmt: skip
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class SettlementAnswerInputSerializer(StrictSerializer):
    settlement = serializers.IntegerField(
        min_value=1, max_value=2**62, help_text="The id of the open proposal you answer."
    )


class ReasonInputSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=3000)


class MessageSerializer(StrictModelSerializer):
    """A message; contact details are masked until the contract is signed."""

    author_name = serializers.SerializerMethodField()
    body = serializers.CharField(max_length=5000)
    # Files are not masked (campaigns.bookings.attachments says why); only `body` is.
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = Message
        fields = ["id", "side", "author_name", "body", "attachments", "created_at"]
        read_only_fields = ["id", "side", "author_name", "attachments", "created_at"]

    def get_author_name(self, message: Message) -> str:
        return str(message.author) if message.author else ""

    def to_representation(self, message: Message) -> dict:
        data = super().to_representation(message)
        if not self.context.get("contacts_visible", False):
            data["body"] = mask_contact_details(data["body"])
        return data


class MessageInputSerializer(StrictSerializer):
    """A new message: text (JSON or multipart) and/or files (multipart `attachments`)."""

    body = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    attachments = _attachments_input()


class ReviewSerializer(StrictModelSerializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    text = serializers.CharField(max_length=3000, required=False, allow_blank=True, default="")

    class Meta:
        model = Review
        fields = ["id", "author_side", "rating", "text", "created_at"]
        read_only_fields = ["id", "author_side", "created_at"]
