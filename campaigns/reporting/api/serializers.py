"""Serializers of reporting: reported results (in/out), the brief report and artist earnings.

The report serializers describe the dicts built by campaigns.reporting.selectors so the schema is
true."""

from django.urls import reverse
from rest_framework import serializers

from aux.api.serializers import StrictModelSerializer, StrictSerializer

from ..models import MilestoneResult


class ResultSerializer(StrictModelSerializer):
    # The parties-only page of the screenshot (not a media URL), or null without one.
    screenshot = serializers.SerializerMethodField()

    class Meta:
        model = MilestoneResult
        fields = [
            "id", "milestone", "kind", "value", "evidence_url", "screenshot", "note", "status",
            "reported_at", "updated_at", "question", "questioned_at", "answer", "answered_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_screenshot(self, result: MilestoneResult) -> str | None:
        return reverse("reports:result_screenshot", args=[result.pk]) if result.screenshot else None


class ResultInputSerializer(StrictSerializer):
    kind = serializers.ChoiceField(choices=MilestoneResult.Kind.choices)
    value = serializers.IntegerField(min_value=0, max_value=10**12)
    evidence_url = serializers.URLField(max_length=500, required=False, allow_blank=True)
    screenshot = serializers.ImageField(required=False)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)


class QuestionInputSerializer(StrictSerializer):
    question = serializers.CharField(max_length=500)


class AnswerInputSerializer(StrictSerializer):
    answer = serializers.CharField(max_length=500, required=False, allow_blank=True)
    value = serializers.IntegerField(min_value=0, max_value=10**12, required=False)


class _BriefRef(StrictSerializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class _StateCount(StrictSerializer):
    status = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()


class _Deliverables(StrictSerializer):
    total = serializers.IntegerField()
    done = serializers.IntegerField()
    late = serializers.IntegerField()


class _KindTotal(StrictSerializer):
    kind = serializers.ChoiceField(choices=MilestoneResult.Kind.choices)
    label = serializers.CharField()
    total = serializers.IntegerField()


class _ArtistShare(StrictSerializer):
    artist_id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()
    emerging = serializers.BooleanField()
    contracts = serializers.IntegerField()
    spend = serializers.IntegerField(help_text="Minor units.")
    paid = serializers.IntegerField(help_text="Minor units.")
    spend_share = serializers.FloatField()
    results = serializers.DictField(child=serializers.IntegerField())
    results_total = serializers.IntegerField()
    results_share = serializers.FloatField()
    cost_per_1000_views = serializers.IntegerField(allow_null=True)
    cost_per_stream = serializers.IntegerField(allow_null=True)


class BriefReportSerializer(StrictSerializer):
    brief = _BriefRef()
    currency = serializers.CharField()
    budget_min = serializers.IntegerField(allow_null=True)
    budget_max = serializers.IntegerField(allow_null=True)
    spend = serializers.IntegerField(help_text="Sum of signed contracts' totals, minor units.")
    paid = serializers.IntegerField(
        help_text="Approved or paid deliverables and the deposits paid on funding, minor units."
    )
    deposits = serializers.IntegerField(help_text="Deposits paid on funding, minor units.")
    budget_left = serializers.IntegerField(allow_null=True)
    spend_share_of_budget = serializers.FloatField()
    contracts_total = serializers.IntegerField()
    contracts_by_state = _StateCount(many=True)
    deliverables = _Deliverables()
    results = _KindTotal(many=True)
    results_by_kind = serializers.DictField(child=serializers.IntegerField())
    results_total = serializers.IntegerField()
    cost_per_1000_views = serializers.IntegerField(allow_null=True)
    cost_per_stream = serializers.IntegerField(allow_null=True)
    artists = _ArtistShare(many=True)


class _EarningsTotal(StrictSerializer):
    currency = serializers.CharField()
    paid = serializers.IntegerField()
    deposits_paid = serializers.IntegerField(help_text="The deposits among `paid`.")
    payout_pending = serializers.IntegerField()
    in_escrow = serializers.IntegerField()
    expected = serializers.IntegerField()
    fees = serializers.IntegerField(help_text="Always 0: the platform fee is the brand's.")


class _EarningsMonth(StrictSerializer):
    month = serializers.CharField()
    currency = serializers.CharField()
    paid = serializers.IntegerField()


class _EarningsBrand(StrictSerializer):
    brand = serializers.CharField()
    slug = serializers.CharField()
    currency = serializers.CharField()
    paid = serializers.IntegerField()
    in_escrow = serializers.IntegerField()
    expected = serializers.IntegerField()


class EarningsSerializer(StrictSerializer):
    totals = _EarningsTotal(many=True)
    by_month = _EarningsMonth(many=True)
    by_brand = _EarningsBrand(many=True)
    platform_fee_paid_by = serializers.CharField()
