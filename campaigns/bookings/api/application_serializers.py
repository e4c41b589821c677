"""Applications to open calls as the API reads and writes them. Money in minor units."""

from rest_framework import serializers

from aux.api.serializers import StrictModelSerializer, StrictSerializer
from campaigns.briefs.models import Brief

from ..masking import mask_unless
from ..models import Application
from ..selectors import contacts_visible

MAX_MINOR = 10**11


class ApplicationSerializer(StrictModelSerializer):
    """An application with the applicant's place in the brief's ranking (null: not ranked)."""

    brief = serializers.PrimaryKeyRelatedField(read_only=True)
    artist = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    offer = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    match_score = serializers.FloatField(read_only=True, allow_null=True, default=None)
    match_rank = serializers.IntegerField(read_only=True, allow_null=True, default=None)

    class Meta:
        model = Application
        fields = [
            "id", "brief", "artist", "pitch", "links", "proposed_fee", "currency", "status",
            "decline_reason", "offer", "match_score", "match_rank", "created_at", "decided_at",
        ]  # fmt: skip
        read_only_fields = fields

    def to_representation(self, application: Application) -> dict:
        """The pitch and the decline reason masked until a contract from it is signed."""
        data = super().to_representation(application)
        visible = contacts_visible(application)
        for field in ("pitch", "decline_reason"):
            data[field] = mask_unless(data[field], visible=visible)
        return data


class ApplicationCreateSerializer(StrictSerializer):
    brief = serializers.PrimaryKeyRelatedField(queryset=Brief.objects.all())
    pitch = serializers.CharField(max_length=2000)
    links = serializers.ListField(
        child=serializers.URLField(max_length=500), max_length=10, required=False, default=list
    )
    proposed_fee = serializers.IntegerField(
        min_value=1, max_value=MAX_MINOR, help_text="Minor units, in the brief's currency."
    )


class ApplicationDeclineSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class ApplicationAcceptSerializer(StrictSerializer):
    message = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
