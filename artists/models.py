import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from aux.files import public_storage
from aux.money import Currency
from aux.translated_names import NamedInFrench
from aux.utils import validate_slug_not_reserved
from brands.models import VerificationRequestBase


class Genre(NamedInFrench):
    """A music genre of the seeded taxonomy (house, hip-hop, indie pop ...).

    `parent`: the broader genre it belongs to (reggaeton → latin, deep house → house →
    electronic). Matching gives partial credit to genres of the same family (the root of the
    branch)."""

    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
        help_text="The broader genre this one belongs to (matching: same family, partial credit).",
    )

    class Meta:
        ordering = ["name"]


class Mood(NamedInFrench):
    """A mood of the seeded taxonomy (euphoric, melancholic ...)."""

    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]


class DeliverableType(NamedInFrench):
    """Something a brand books: a live show, a social post, a playlist, a sync licence ..."""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    description = models.CharField(max_length=240, blank=True)

    class Meta:
        ordering = ["name"]


def emerging_since() -> int:
    """The earliest first-release year an emerging artist may have (0: no career limit)."""
    years = settings.AUX_EMERGING_MAX_CAREER_YEARS
    return dt.date.today().year - years if years else 0


def artist_is_emerging(*, listeners: int, followers: dict, first_release_year: int | None) -> bool:
    """Emerging: a small audience everywhere (monthly listeners and the followers summed over
    platforms both under AUX_EMERGING_MAX_LISTENERS) and, when the first release year is known,
    a short career (see emerging_since). The matching engine applies the same rule
    (campaigns.matching.engine.emerging_rows)."""
    limit = settings.AUX_EMERGING_MAX_LISTENERS
    since = emerging_since()
    return (
        listeners < limit
        and sum(int(v) for v in (followers or {}).values()) < limit
        and not (since and first_release_year and first_release_year < since)
    )


class ArtistQuerySet(models.QuerySet["Artist"]):
    def listed(self) -> "ArtistQuerySet":
        """Profiles shown in discovery: not those of a closed account (kept, anonymised, only
        while contracts point at them)."""
        return self.filter(user__closed_at__isnull=True)

    def _with_followers_total(self) -> "ArtistQuerySet":
        # a constant expression (no parameter): Σ of the followers per platform
        total = RawSQL(
            "(SELECT COALESCE(SUM(TRUNC(value::numeric)), 0)"
            " FROM jsonb_each_text(artists_artist.followers))",
            (),
            output_field=models.BigIntegerField(),
        )
        return self.alias(followers_total=total)

    @staticmethod
    def _emerging_q() -> Q:
        limit = settings.AUX_EMERGING_MAX_LISTENERS
        q = Q(monthly_listeners__lt=limit, followers_total__lt=limit)
        since = emerging_since()
        if since:
            q &= Q(first_release_year__isnull=True) | Q(first_release_year__gte=since)
        return q

    def emerging(self) -> "ArtistQuerySet":
        """See artist_is_emerging."""
        return self._with_followers_total().filter(self._emerging_q())

    def established(self) -> "ArtistQuerySet":
        return self._with_followers_total().exclude(self._emerging_q())


class Artist(models.Model):
    """An artist's public profile. `user` is empty for a profile imported but not yet claimed.

    "Emerging" is derived (see artist_is_emerging), never stored.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="artist",
    )
    stage_name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True, validators=[validate_slug_not_reserved])
    bio = models.TextField(blank=True, help_text="Markdown; rendered through a sanitiser.")
    city = models.CharField(max_length=80, blank=True)
    country = CountryField(blank=True)
    languages = models.JSONField(default=list, blank=True, help_text="ISO 639-1 codes.")
    photo = models.ImageField(upload_to="artists/photos/", blank=True, storage=public_storage)
    genres = models.ManyToManyField(Genre, blank=True, related_name="artists")
    moods = models.ManyToManyField(Mood, blank=True, related_name="artists")
    refused_categories = models.ManyToManyField(
        "brands.BrandCategory", blank=True, related_name="refusing_artists"
    )
    monthly_listeners = models.PositiveIntegerField(default=0)
    followers = models.JSONField(
        default=dict, blank=True, help_text="Followers per platform: {platform: count}."
    )
    engagement_rate = models.DecimalField(
        max_digits=5,
        decimal_places=4,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="Average engagement per post, 0–1.",
    )
    first_release_year = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
        help_text="Year of the artist's first release; with a small audience, tells an emerging "
        "artist from a veteran.",
    )
    verified = models.BooleanField(default=False)
    deposit_bps = models.PositiveSmallIntegerField(
        default=0, db_default=0, validators=[MaxValueValidator(5_000)],
        help_text="Share of the fee of live work paid on funding (basis points, 0–5,000).",
    )  # fmt: skip
    # Genre and mood names, denormalised so that one row holds everything discovery searches
    # (stage name, bio, tags): a GIN index cannot reach across the M2M tables. Kept up to date by
    # artists.services.artists_search_tags_refresh (see artists/search.py for why).
    search_tags = models.TextField(blank=True, default="", editable=False)
    # The artist's lowest minimum fee over all rates, converted to EUR (aux.money.convert, the
    # engine's rates): what discovery's "max fee" and "fee, lowest first" read through an index
    # instead of converting every rate of every artist. Kept up to date by
    # artists.services.artists_fees_refresh (see artists/search.py).
    lowest_fee_eur = models.PositiveIntegerField(null=True, blank=True, editable=False)
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArtistQuerySet.as_manager()

    class Meta:
        ordering = ["stage_name"]
        indexes = [
            models.Index(fields=["monthly_listeners"], name="artist_listeners_idx"),
            # The landing page's picks (artists_featured): 30 ms → 0.3 ms at 100k artists.
            models.Index(fields=["-verified", "-monthly_listeners"], name="artist_featured_idx"),
            # Discovery's "fee, lowest first" (nulls, i.e. no rate, last) and "max fee".
            models.Index(
                fields=["lowest_fee_eur", "-monthly_listeners", "id"], name="artist_fee_sort_idx"
            ),
            models.Index(fields=["country", "-monthly_listeners"], name="artist_country_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(deposit_bps__gte=0, deposit_bps__lte=5_000), name="artist_deposit_bps"
            )
        ]

    def __str__(self) -> str:
        return self.stage_name

    @property
    def is_emerging(self) -> bool:
        return artist_is_emerging(
            listeners=self.monthly_listeners,
            followers=self.followers,
            first_release_year=self.first_release_year,
        )


class Rate(models.Model):
    """The artist's minimum fee for one deliverable type, in minor units of `currency`."""

    artist = models.ForeignKey(Artist, on_delete=models.CASCADE, related_name="rates")
    deliverable_type = models.ForeignKey(
        DeliverableType, on_delete=models.PROTECT, related_name="rates"
    )
    min_fee = models.PositiveIntegerField(help_text="Minor units (cents).")
    currency = models.CharField(max_length=3, choices=Currency.choices, default=Currency.EUR)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["artist", "deliverable_type"], name="rate_unique_artist_type"
            )
        ]
        ordering = ["deliverable_type__name"]

    def __str__(self) -> str:
        return f"{self.artist} · {self.deliverable_type}: {self.min_fee} {self.currency}"


class Unavailability(models.Model):
    """A date range (inclusive) in which the artist cannot be booked."""

    artist = models.ForeignKey(Artist, on_delete=models.CASCADE, related_name="unavailabilities")
    start = models.DateField()
    end = models.DateField()
    note = models.CharField(max_length=120, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=F("start")), name="unavailability_end_after_start"
            )
        ]
        ordering = ["start"]
        verbose_name_plural = "unavailabilities"

    def __str__(self) -> str:
        return f"{self.artist}: {self.start} → {self.end}"


class MediaLink(models.Model):
    """A link to the artist's work: a track, a video, a press kit, a social profile."""

    class Kind(models.TextChoices):
        TRACK = "track", _("Track")
        VIDEO = "video", _("Video")
        PRESS_KIT = "press_kit", _("Press kit")
        SOCIAL = "social", _("Social profile")
        WEBSITE = "website", _("Website")

    artist = models.ForeignKey(Artist, on_delete=models.CASCADE, related_name="media_links")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    title = models.CharField(max_length=120, blank=True)
    url = models.URLField(max_length=500)

    class Meta:
        ordering = ["kind", "id"]

    def __str__(self) -> str:
        return f"{self.artist} · {self.get_kind_display()}: {self.url}"


class AudienceShare(models.Model):
    """Share (0–1) of the artist's audience in one country. An artist's shares sum to at most 1."""

    artist = models.ForeignKey(Artist, on_delete=models.CASCADE, related_name="audience_shares")
    country = CountryField()
    share = models.DecimalField(
        max_digits=5, decimal_places=4, validators=[MinValueValidator(0), MaxValueValidator(1)]
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["artist", "country"], name="audience_unique_country"),
            models.CheckConstraint(
                condition=Q(share__gte=0, share__lte=1), name="audience_share_0_1"
            ),
        ]
        ordering = ["-share"]

    def __str__(self) -> str:
        return f"{self.artist} · {self.country}: {self.share}"


class AgeShare(models.Model):
    """Share (0–1) of the artist's audience in one age bucket; shares sum to at most 1."""

    class Bucket(models.TextChoices):
        B13_17 = "13-17", "13–17"
        B18_24 = "18-24", "18–24"
        B25_34 = "25-34", "25–34"
        B35_44 = "35-44", "35–44"
        B45_54 = "45-54", "45–54"
        B55_64 = "55-64", "55–64"
        B65 = "65+", "65+"

    artist = models.ForeignKey(Artist, on_delete=models.CASCADE, related_name="age_shares")
    bucket = models.CharField(max_length=5, choices=Bucket.choices)
    share = models.DecimalField(
        max_digits=5, decimal_places=4, validators=[MinValueValidator(0), MaxValueValidator(1)]
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["artist", "bucket"], name="age_share_unique_bucket"),
            models.CheckConstraint(condition=Q(share__gte=0, share__lte=1), name="age_share_0_1"),
        ]
        ordering = ["bucket"]

    def __str__(self) -> str:
        return f"{self.artist} · {self.bucket}: {self.share}"


class ArtistVerificationRequest(VerificationRequestBase):
    """An artist asks staff to verify the profile, with links to their own pages on streaming and
    social platforms (artists.verification checks the hosts). One pending request per artist."""

    artist = models.ForeignKey(
        Artist, on_delete=models.CASCADE, related_name="verification_requests"
    )
    links = models.JSONField(default=list, help_text="URLs of the artist's platform pages.")

    class Meta(VerificationRequestBase.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["artist"], condition=models.Q(status="pending"),
                name="artist_verification_one_pending",
            )
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"Verification of {self.artist} ({self.status})"
