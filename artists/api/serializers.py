"""Read-side serializers of artist discovery: list cards, the public profile, the taxonomy.

Amounts are integer minor units with their currency, shares are numbers in [0, 1]. Everything is
read from prefetched relations (artists.selectors.artists_for_discovery): no query per artist.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from aux.api.serializers import StrictModelSerializer, StrictSerializer
from brands.models import BrandCategory

from ..models import AgeShare, Artist, AudienceShare, DeliverableType, Genre, MediaLink, Mood, Rate
from ..search import artist_fee_in_eur


class TagSerializer(StrictSerializer):
    slug = serializers.SlugField(read_only=True)
    name = serializers.CharField(read_only=True)


class GenreSerializer(StrictModelSerializer):
    class Meta:
        model = Genre
        fields = ["slug", "name"]


class MoodSerializer(StrictModelSerializer):
    class Meta:
        model = Mood
        fields = ["slug", "name"]


class DeliverableTypeSerializer(StrictModelSerializer):
    class Meta:
        model = DeliverableType
        fields = ["slug", "name", "description"]


class BrandCategorySerializer(StrictModelSerializer):
    class Meta:
        model = BrandCategory
        fields = ["slug", "name"]


class RateSerializer(StrictModelSerializer):
    """A minimum fee: the artist's price "from", in minor units of `currency`."""

    deliverable_type = TagSerializer(read_only=True)

    class Meta:
        model = Rate
        fields = ["deliverable_type", "min_fee", "currency"]


class MediaLinkSerializer(StrictModelSerializer):
    class Meta:
        model = MediaLink
        fields = ["kind", "title", "url"]


class AudienceShareSerializer(StrictModelSerializer):
    country = serializers.CharField(source="country.code", read_only=True)
    share = serializers.DecimalField(max_digits=5, decimal_places=4, coerce_to_string=False)

    class Meta:
        model = AudienceShare
        fields = ["country", "share"]


class AgeShareSerializer(StrictModelSerializer):
    share = serializers.DecimalField(max_digits=5, decimal_places=4, coerce_to_string=False)

    class Meta:
        model = AgeShare
        fields = ["bucket", "share"]


class ArtistListSerializer(StrictModelSerializer):
    """One search result: enough to draw a card and decide whether to open the profile."""

    url = serializers.HyperlinkedIdentityField(
        view_name="api-artist-detail", lookup_field="slug", read_only=True
    )
    country = serializers.CharField(source="country.code", read_only=True)
    genres = GenreSerializer(many=True, read_only=True)
    moods = MoodSerializer(many=True, read_only=True)
    is_emerging = serializers.BooleanField(read_only=True)
    photo = serializers.ImageField(read_only=True, allow_null=True, use_url=True)
    fee_from = serializers.SerializerMethodField(
        help_text="The lowest minimum fee (for the `deliverable` filter when given), or null."
    )

    class Meta:
        model = Artist
        fields = [
            "slug",
            "url",
            "stage_name",
            "city",
            "country",
            "languages",
            "genres",
            "moods",
            "monthly_listeners",
            "is_emerging",
            "verified",
            "photo",
            "fee_from",
        ]
        read_only_fields = fields

    @extend_schema_field(RateSerializer(allow_null=True))
    def get_fee_from(self, artist: Artist) -> dict | None:
        deliverable = self.context.get("deliverable_slug")
        rates = [
            r
            for r in artist.rates.all()
            if not deliverable or r.deliverable_type.slug == deliverable
        ]
        cheapest = min(rates, key=lambda r: artist_fee_in_eur(r.min_fee, r.currency), default=None)
        return RateSerializer(cheapest).data if cheapest else None


class AudienceSerializer(StrictSerializer):
    countries = AudienceShareSerializer(many=True, read_only=True, source="audience_shares")
    ages = AgeShareSerializer(many=True, read_only=True, source="age_shares")


class ArtistDetailSerializer(ArtistListSerializer):
    """The public profile: what any visitor or brand may see. No e-mail, no payout data."""

    rates = RateSerializer(many=True, read_only=True)
    media_links = MediaLinkSerializer(many=True, read_only=True)
    audience = AudienceSerializer(source="*", read_only=True)
    followers = serializers.DictField(child=serializers.IntegerField(), read_only=True)
    engagement_rate = serializers.DecimalField(
        max_digits=5, decimal_places=4, coerce_to_string=False, read_only=True
    )
    deposit_percent = serializers.SerializerMethodField()

    class Meta(ArtistListSerializer.Meta):
        fields = [
            *ArtistListSerializer.Meta.fields,
            "bio",
            "rates",
            "media_links",
            "audience",
            "followers",
            "engagement_rate",
            "deposit_percent",
            "updated_at",
        ]
        read_only_fields = fields

    def get_deposit_percent(self, artist: Artist) -> int:
        """The deposit the artist asks for: a share of the fees of live work, paid on funding."""
        return artist.deposit_bps // 100


class TaxonomySerializer(StrictSerializer):
    genres = GenreSerializer(many=True, read_only=True)
    moods = MoodSerializer(many=True, read_only=True)
    deliverable_types = DeliverableTypeSerializer(many=True, read_only=True)
    brand_categories = BrandCategorySerializer(many=True, read_only=True)


class ErrorSerializer(StrictSerializer):
    """The API's one error shape (aux/api/exceptions.py)."""

    detail = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
