from django.utils.translation import gettext
from django_countries.serializer_fields import CountryField
from rest_framework import serializers

from artists.constants import LANGUAGE_CODES, MAX_LANGUAGES
from artists.models import DeliverableType, Genre, Mood
from aux.api.fields import ShareField
from aux.api.serializers import StrictModelSerializer
from brands.models import Brand

from ..models import Brief, BriefDeliverable, Match
from ..ranges import AGE_HIGHEST, AGE_LOWEST, RANGE_FIELDS, brief_range_errors


class BriefDeliverableSerializer(StrictModelSerializer):
    deliverable_type = serializers.SlugRelatedField(
        slug_field="slug", queryset=DeliverableType.objects.all()
    )
    quantity = serializers.IntegerField(min_value=1, max_value=100, default=1)

    class Meta:
        model = BriefDeliverable
        fields = ["deliverable_type", "quantity", "notes"]


class BriefSerializer(StrictModelSerializer):
    """A brief as read and written through the API. Money in minor units (cents)."""

    brand = serializers.SlugRelatedField(slug_field="slug", queryset=Brand.objects.all())
    genres = serializers.SlugRelatedField(
        slug_field="slug", queryset=Genre.objects.all(), many=True, required=False
    )
    moods = serializers.SlugRelatedField(
        slug_field="slug", queryset=Mood.objects.all(), many=True, required=False
    )
    territories = serializers.ListField(
        child=CountryField(), required=False, max_length=250, allow_empty=True
    )
    deliverables = BriefDeliverableSerializer(many=True, required=False, max_length=20)
    emerging_share = ShareField(required=False)
    budget_min = serializers.IntegerField(min_value=0, max_value=10**11, required=False,
                                          allow_null=True)  # fmt: skip
    budget_max = serializers.IntegerField(min_value=0, max_value=10**11, required=False,
                                          allow_null=True)  # fmt: skip
    languages = serializers.ListField(
        child=serializers.ChoiceField(choices=sorted(LANGUAGE_CODES)),
        required=False,
        max_length=MAX_LANGUAGES,
    )
    age_min = serializers.IntegerField(min_value=AGE_LOWEST, max_value=AGE_HIGHEST, required=False)
    age_max = serializers.IntegerField(min_value=AGE_LOWEST, max_value=AGE_HIGHEST, required=False)

    class Meta:
        model = Brief
        fields = [
            "id", "brand", "title", "description", "objective", "status", "visibility",
            "fairness", "territories", "age_min", "age_max", "audience_size", "languages", "genres",
            "moods", "budget_min",
            "budget_max", "currency", "start_date", "end_date", "emerging_share", "deliverables",
            "created_at", "updated_at", "submitted_at", "published_at", "closed_at",
            "matches_computed_at", "open_call",
        ]  # fmt: skip
        read_only_fields = [
            "id", "status", "created_at", "updated_at", "submitted_at", "published_at",
            "closed_at", "matches_computed_at", "open_call",
        ]  # fmt: skip

    def validate(self, attrs: dict) -> dict:
        # The range rules (campaigns.briefs.ranges, which the model's clean() asks too) as
        # field messages, checked on the brief as it would be after this change.
        instance = self.instance

        def value(name):
            return attrs.get(name, getattr(instance, name, None) if instance else None)

        errors = brief_range_errors({name: value(name) for name in RANGE_FIELDS})
        if instance is not None and "brand" in attrs and attrs["brand"] != instance.brand:
            errors["brand"] = gettext("A brief cannot move to another brand.")
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class MatchSerializer(StrictModelSerializer):
    """One ranked artist. `score` is on a 0–100 scale: the weighted average of the parts known
    for the artist × 100, plus any staff boost (points). `parts`: {name: {value (0–1, null when
    there is no data), weight, contribution (the points it adds to the score; 0 when unknown),
    known}}. `placed_by_fairness`: the fair-exposure rule placed it above an artist with a better
    score, to keep the share of emerging artists."""

    artist = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    stage_name = serializers.CharField(source="artist.stage_name", read_only=True)
    curation = serializers.SerializerMethodField()

    class Meta:
        model = Match
        fields = [
            "rank", "artist", "stage_name", "score", "parts", "emerging", "placed_by_fairness",
            "curation", "computed_at",
        ]  # fmt: skip

    def get_curation(self, match: Match) -> dict:
        return {"pinned": match.pinned, "boost": match.boost}
