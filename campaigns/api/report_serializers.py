"""Serializers of reporting: reported results (in/out), the brief report and artist earnings.

The report serializers describe the dicts built by campaigns.reporting so the schema is true."""

from rest_framework import serializers

from ..models import MilestoneResult


class ResultSerializer(serializers.ModelSerializer):
    screenshot = serializers.ImageField(read_only=True, use_url=True)

    class Meta:
        model = MilestoneResult
        fields = [
            "id", "milestone", "kind", "value", "evidence_url", "screenshot", "note", "status",
            "reported_at", "updated_at", "question", "questioned_at", "answer", "answered_at",
        ]  # fmt: skip
        read_only_fields = fields


class ResultInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=MilestoneResult.Kind.choices)
    value = serializers.IntegerField(min_value=0, max_value=10**12)
    evidence_url = serializers.URLField(max_length=500, required=False, allow_blank=True)
    screenshot = serializers.ImageField(required=False)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)


class QuestionInputSerializer(serializers.Serializer):
    question = serializers.CharField(max_length=500)


class AnswerInputSerializer(serializers.Serializer):
    answer = serializers.CharField(max_length=500, required=False, allow_blank=True)
    value = serializers.IntegerField(min_value=0, max_value=10**12, required=False)


class _BriefRef(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class _StateCount(serializers.Serializer):
    status = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()


class _Deliverables(serializers.Serializer):
    total = serializers.IntegerField()
    done = serializers.IntegerField()
    late = serializers.IntegerField()


class _KindTotal(serializers.Serializer):
    kind = serializers.ChoiceField(choices=MilestoneResult.Kind.choices)
    label = serializers.CharField()
    total = serializers.IntegerField()


class _ArtistShare(serializers.Serializer):
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


class BriefReportSerializer(serializers.Serializer):
    brief = _BriefRef()
    currency = serializers.CharField()
    budget_min = serializers.IntegerField(allow_null=True)
    budget_max = serializers.IntegerField(allow_null=True)
    spend = serializers.IntegerField(help_text="Sum of signed contracts' totals, minor units.")
    paid = serializers.IntegerField(help_text="Approved or paid deliverables, minor units.")
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


class _EarningsTotal(serializers.Serializer):
    currency = serializers.CharField()
    paid = serializers.IntegerField()
    payout_pending = serializers.IntegerField()
    in_escrow = serializers.IntegerField()
    expected = serializers.IntegerField()
    fees = serializers.IntegerField(help_text="Always 0: the platform fee is the brand's.")


class _EarningsMonth(serializers.Serializer):
    month = serializers.CharField()
    currency = serializers.CharField()
    paid = serializers.IntegerField()


class _EarningsBrand(serializers.Serializer):
    brand = serializers.CharField()
    slug = serializers.CharField()
    currency = serializers.CharField()
    paid = serializers.IntegerField()
    in_escrow = serializers.IntegerField()
    expected = serializers.IntegerField()


class EarningsSerializer(serializers.Serializer):
    totals = _EarningsTotal(many=True)
    by_month = _EarningsMonth(many=True)
    by_brand = _EarningsBrand(many=True)
    platform_fee_paid_by = serializers.CharField()
