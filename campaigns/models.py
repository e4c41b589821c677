from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from aux.money import Currency


class Brief(models.Model):
    """A brand's campaign brief: what it wants, for whom, when and for how much.

    Lifecycle draft → submitted → published → closed; the briefs issue adds the transitions.
    """

    class Objective(models.TextChoices):
        AWARENESS = "awareness", _("Awareness")
        LAUNCH = "launch", _("Product launch")
        ENGAGEMENT = "engagement", _("Engagement")
        SYNC = "sync", _("Sync / ad")
        LIVE_EVENT = "live_event", _("Live event")
        RECORDING = "recording", _("Recording support")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        PUBLISHED = "published", _("Published")
        CLOSED = "closed", _("Closed")

    brand = models.ForeignKey("brands.Brand", on_delete=models.CASCADE, related_name="briefs")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(max_length=160)
    description = models.TextField(blank=True)
    objective = models.CharField(
        max_length=20, choices=Objective.choices, default=Objective.AWARENESS
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    territories = CountryField(multiple=True, blank=True)
    age_min = models.PositiveSmallIntegerField(default=18)
    age_max = models.PositiveSmallIntegerField(default=65)
    genres = models.ManyToManyField("artists.Genre", blank=True, related_name="briefs")
    moods = models.ManyToManyField("artists.Mood", blank=True, related_name="briefs")
    budget_min = models.PositiveIntegerField(help_text="Minor units (cents).")
    budget_max = models.PositiveIntegerField(help_text="Minor units (cents).")
    currency = models.CharField(max_length=3, choices=Currency.choices, default=Currency.EUR)
    start_date = models.DateField()
    end_date = models.DateField()
    emerging_share = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.30"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
        help_text="Wanted share of emerging artists in the ranked matches (0–1).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget_max__gte=F("budget_min")), name="brief_budget_range"
            ),
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="brief_dates"),
            models.CheckConstraint(condition=Q(age_max__gte=F("age_min")), name="brief_ages"),
            models.CheckConstraint(
                condition=Q(emerging_share__gte=0, emerging_share__lte=1),
                name="brief_emerging_share_0_1",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class BriefDeliverable(models.Model):
    """One line of what the brief asks for: a deliverable type, how many, and notes."""

    brief = models.ForeignKey(Brief, on_delete=models.CASCADE, related_name="deliverables")
    deliverable_type = models.ForeignKey(
        "artists.DeliverableType", on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1)])
    notes = models.CharField(max_length=240, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.deliverable_type}"
