from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django_countries.fields import CountryField

from aux.money import Currency


class Genre(models.Model):
    """A music genre of the seeded taxonomy (house, hip-hop, indie pop ...)."""

    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Mood(models.Model):
    """A mood of the seeded taxonomy (euphoric, melancholic ...)."""

    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DeliverableType(models.Model):
    """Something a brand books: a live show, a social post, a playlist, a sync licence ..."""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    description = models.CharField(max_length=240, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ArtistQuerySet(models.QuerySet["Artist"]):
    def emerging(self) -> "ArtistQuerySet":
        return self.filter(monthly_listeners__lt=settings.AUX_EMERGING_MAX_LISTENERS)

    def established(self) -> "ArtistQuerySet":
        return self.filter(monthly_listeners__gte=settings.AUX_EMERGING_MAX_LISTENERS)


class Artist(models.Model):
    """An artist's public profile. `user` is empty for a profile imported but not yet claimed.

    "Emerging" is derived from `monthly_listeners` and AUX_EMERGING_MAX_LISTENERS, never stored.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="artist",
    )
    stage_name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    bio = models.TextField(blank=True)
    city = models.CharField(max_length=80, blank=True)
    country = CountryField(blank=True)
    genres = models.ManyToManyField(Genre, blank=True, related_name="artists")
    moods = models.ManyToManyField(Mood, blank=True, related_name="artists")
    refused_categories = models.ManyToManyField(
        "brands.BrandCategory", blank=True, related_name="refusing_artists"
    )
    monthly_listeners = models.PositiveIntegerField(default=0)
    verified = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArtistQuerySet.as_manager()

    class Meta:
        ordering = ["stage_name"]
        indexes = [models.Index(fields=["monthly_listeners"], name="artist_listeners_idx")]

    def __str__(self) -> str:
        return self.stage_name

    @property
    def is_emerging(self) -> bool:
        return self.monthly_listeners < settings.AUX_EMERGING_MAX_LISTENERS


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
