from rest_framework import serializers

from aux.api.fields import PercentField
from aux.api.serializers import StrictModelSerializer, StrictSerializer

from ..models import ContractSplit, LedgerEntry, Payout


class FundingSerializer(StrictSerializer):
    """What a client needs to pay: the PaymentIntent's client secret and the amounts."""

    payment_id = serializers.IntegerField()
    status = serializers.CharField()
    payment_intent = serializers.CharField()
    client_secret = serializers.CharField()
    publishable_key = serializers.CharField()
    stripe_js = serializers.CharField(help_text="Stripe.js URL (the local fake in test mode).")
    amount = serializers.IntegerField(help_text="Contract total, minor units (to escrow).")
    fee = serializers.IntegerField(help_text="Platform fee, minor units.")
    fee_bps = serializers.IntegerField()
    gross = serializers.IntegerField(help_text="What the card is charged.")
    currency = serializers.CharField()
    test_mode = serializers.BooleanField()


class PayoutSerializer(StrictModelSerializer):
    milestone_title = serializers.CharField(source="milestone.title", read_only=True)

    class Meta:
        model = Payout
        fields = [
            "id", "contract", "milestone", "milestone_title", "payee", "amount", "currency",
            "status", "stripe_transfer_id", "failure_message", "created_at", "sent_at",
        ]  # fmt: skip
        read_only_fields = fields


class LedgerLineSerializer(StrictModelSerializer):
    kind = serializers.CharField(source="transaction.kind", read_only=True)
    memo = serializers.CharField(source="transaction.memo", read_only=True)

    class Meta:
        model = LedgerEntry
        fields = ["id", "kind", "memo", "account", "contract", "amount", "currency", "created_at"]
        read_only_fields = fields


class OnboardInputSerializer(StrictSerializer):
    return_url = serializers.URLField(required=False, max_length=500)
    refresh_url = serializers.URLField(required=False, max_length=500)


class OnboardSerializer(StrictSerializer):
    url = serializers.URLField(help_text="Send the artist here to finish onboarding.")
    stripe_account_id = serializers.CharField()
    payouts_enabled = serializers.BooleanField()
    requirements_due = serializers.ListField(child=serializers.CharField())


class ContractSplitSerializer(StrictModelSerializer):
    """One co-owner's share of a contract (percent with two decimals) and its state."""

    share = serializers.CharField(source="share_percent", read_only=True, help_text="Percent.")

    class Meta:
        model = ContractSplit
        fields = ["id", "contract", "email", "share", "status", "created_at", "accepted_at"]
        read_only_fields = fields


class ContractSplitsSerializer(StrictSerializer):
    """A contract's splits as the caller may see them: brand members learn only that the fees
    are shared (`has_splits`), never with whom or how much (`splits` empty, `artist_share`
    null); a co-owner sees their own line."""

    contract = serializers.IntegerField()
    has_splits = serializers.BooleanField()
    editable = serializers.BooleanField(
        help_text="Splits change only while the contract awaits signatures."
    )
    frozen = serializers.BooleanField(help_text="Signed: the payees are fixed.")
    artist_share = serializers.CharField(allow_null=True, help_text="Percent, or null.")
    splits = ContractSplitSerializer(many=True)


class CoOwnerInputSerializer(StrictSerializer):
    email = serializers.EmailField()
    share = PercentField(help_text="Percent, more than 0 and less than 100.")


class ContractSplitsInputSerializer(StrictSerializer):
    """The whole proposal: the artist's own share and each co-owner's; together 100%."""

    artist_share = PercentField()
    co_owners = CoOwnerInputSerializer(many=True, max_length=10)
