from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from artists.constants import LANGUAGE_CODES, MAX_LANGUAGES
from aux.money import Currency

from .ranges import RANGE_FIELDS, brief_range_errors


class Brief(models.Model):
    """A brand's campaign brief: what it wants, for whom, when and for how much.

    Lifecycle draft → submitted → published → closed, only through campaigns.briefs.services, which
    checks ALLOWED_TRANSITIONS. With AUX_BRIEF_REQUIRES_APPROVAL staff publish submitted briefs.
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

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public: artists can see it once published")
        PRIVATE = "private", _("Private: only the brand and the artists it contacts")

    class AudienceSize(models.TextChoices):
        ANY = "", _("Any size (as the objective suggests)")
        HEADLINER = "headliner", _("Headliners (1 million listeners or more)")
        ESTABLISHED = "established", _("Established (100,000 listeners or more)")
        RISING = "rising", _("Rising (10,000 to 100,000 listeners)")
        EMERGING = "emerging", _("Emerging (under the emerging threshold)")

    class Fairness(models.TextChoices):
        FAIR = "fair", _("FA*IR: statistically fair share of emerging artists")
        STRICT = "strict", _("Strict: at least ⌊p·i⌋ emerging artists in every top i")

    ALLOWED_TRANSITIONS: dict[str, set[str]] = {
        Status.DRAFT: {Status.SUBMITTED, Status.PUBLISHED},
        Status.SUBMITTED: {Status.PUBLISHED, Status.DRAFT},
        Status.PUBLISHED: {Status.CLOSED},
        Status.CLOSED: set(),
    }

    brand = models.ForeignKey("brands.Brand", on_delete=models.CASCADE, related_name="briefs")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
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
    # Budget and dates may be empty while the brief is a draft; publishing requires them.
    budget_min = models.PositiveIntegerField(null=True, blank=True, help_text="Minor units.")
    budget_max = models.PositiveIntegerField(null=True, blank=True, help_text="Minor units.")
    currency = models.CharField(max_length=3, choices=Currency.choices, default=Currency.EUR)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    emerging_share = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.30"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
        help_text="Wanted share of emerging artists in the ranked matches (0–1).",
    )
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    fairness = models.CharField(max_length=10, choices=Fairness.choices, default=Fairness.FAIR)
    audience_size = models.CharField(
        _("artists' audience size"), max_length=12, choices=AudienceSize.choices,
        default=AudienceSize.ANY, blank=True,
        help_text=_("The size of audience you want the artists to have: it decides the reach "
                    "part of the score."),
    )  # fmt: skip
    languages = models.JSONField(
        _("artists' languages"), default=list, blank=True,
        help_text=_("ISO 639-1 codes: artists who perform in one of them score higher (empty: "
                    "any language)."),
    )  # fmt: skip
    open_call = models.BooleanField(
        default=False,
        help_text="Open call: artists who pass the hard filters may apply while it is published.",
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    closed_at = models.DateTimeField(null=True, blank=True)
    matches_computed_at = models.DateTimeField(null=True, blank=True)
    match_stats = models.JSONField(
        default=dict, blank=True, help_text="Filter counts and fairness report of the last ranking."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget_max__gte=F("budget_min")),
                name="brief_budget_range",
                violation_error_message=_("The maximum budget must be at least the minimum."),
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="brief_dates",
                violation_error_message=_("The campaign must end on or after its start date."),
            ),
            models.CheckConstraint(
                condition=Q(age_max__gte=F("age_min")),
                name="brief_ages",
                violation_error_message=_("The oldest age must be at least the youngest."),
            ),
            models.CheckConstraint(
                condition=Q(emerging_share__gte=0, emerging_share__lte=1),
                name="brief_emerging_share_0_1",
                violation_error_message=_("The emerging share must be between 0 and 1."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        # Field-level messages for the range rules (the constraints stay as the DB's last word).
        errors = brief_range_errors({name: getattr(self, name) for name in RANGE_FIELDS})
        languages = self.languages
        if isinstance(languages, list):
            unknown = [str(c) for c in languages if c not in LANGUAGE_CODES]
        else:  # not a list of codes at all
            unknown, languages = [str(languages)], []
        if unknown:
            errors["languages"] = _(
                "Unknown language code: %(codes)s. Use ISO 639-1 codes such as en, fr, pt."
            ) % {"codes": ", ".join(unknown)}
        elif len(languages) > MAX_LANGUAGES:
            errors["languages"] = _("List at most %(n)d languages.") % {"n": MAX_LANGUAGES}
        if errors:
            raise ValidationError(errors)

    def missing_for_publication(self) -> list[str]:
        """What must be filled in before the brief can be published (empty when ready)."""
        missing = []
        if not self.description.strip():
            missing.append(str(_("a description")))
        if self.budget_min is None or self.budget_max is None:
            missing.append(str(_("a budget")))
        if self.start_date is None or self.end_date is None:
            missing.append(str(_("campaign dates")))
        if not self.deliverables.exists():
            missing.append(str(_("at least one deliverable")))
        return missing


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


class Match(models.Model):
    """One artist's place in a brief's ranking, as last computed (top N kept).

    `score`: 0–100, the weighted average of the parts known for the artist × 100, plus any staff
    boost (points). `parts` holds the "why": {part: {"value": 0..1 or None (no data), "weight":
    w, "contribution": the points it adds to the score, "known": bool}}; unknown parts are left
    out of the average. `placed_by_fairness`: the fair-exposure rule moved it above an artist
    with a better score. Rows are replaced wholesale at each recomputation; curation lives in
    MatchCuration.
    """

    brief = models.ForeignKey(Brief, on_delete=models.CASCADE, related_name="matches")
    artist = models.ForeignKey("artists.Artist", on_delete=models.CASCADE, related_name="matches")
    rank = models.PositiveIntegerField()
    score = models.FloatField(
        help_text="0–100: weighted average of the known parts × 100, plus the staff boost."
    )
    parts = models.JSONField(default=dict)
    emerging = models.BooleanField(default=False)
    pinned = models.BooleanField(default=False)
    boost = models.FloatField(default=0)
    placed_by_fairness = models.BooleanField(
        default=False,
        help_text="Placed above a better-scoring artist to keep the share of emerging artists.",
    )
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["brief_id", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["brief", "artist"], name="match_unique_artist"),
            models.UniqueConstraint(fields=["brief", "rank"], name="match_unique_rank"),
        ]
        verbose_name_plural = "matches"

    def __str__(self) -> str:
        return f"#{self.rank} {self.artist} for {self.brief} ({self.score:.3f})"


class MatchExposure(models.Model):
    """An artist shown to a brand in a brief's ranked list: its position, score and part values
    (0–1, None for no data) as shown. One row per artist per computed list (`computed_at`: the
    list's Match.computed_at; showing the same list again adds nothing). With MatchOutcome, what
    `bench/ranking_quality.py --fit` learns part weights from."""

    brief = models.ForeignKey(Brief, on_delete=models.CASCADE, related_name="exposures")
    artist = models.ForeignKey("artists.Artist", on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField()
    score = models.FloatField()
    parts = models.JSONField(default=dict, help_text="Part name → value 0–1 (null: no data).")
    computed_at = models.DateTimeField()
    shown_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["brief", "artist", "computed_at"], name="exposure_once_per_list"
            )
        ]

    def __str__(self) -> str:
        return f"{self.artist} shown #{self.position} for {self.brief}"


class MatchOutcome(models.Model):
    """What came of a matched artist for a brief, once per kind: the brand opened the profile
    from the list, shortlisted the artist, sent an offer; the artist accepted it; the contract
    was signed (booked)."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("Opened")
        SHORTLISTED = "shortlisted", _("Shortlisted")
        OFFERED = "offered", _("Offered")
        ACCEPTED = "accepted", _("Accepted")
        BOOKED = "booked", _("Booked")

    brief = models.ForeignKey(Brief, on_delete=models.CASCADE, related_name="outcomes")
    artist = models.ForeignKey("artists.Artist", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["brief", "artist", "kind"], name="outcome_once")
        ]

    def __str__(self) -> str:
        return f"{self.artist} {self.kind} for {self.brief}"


class MatchCuration(models.Model):
    """Staff's hand on one artist in one brief's ranking: pin, boost or hide, with a note.

    Kept apart from Match so that it survives every recomputation.
    """

    brief = models.ForeignKey(Brief, on_delete=models.CASCADE, related_name="curations")
    artist = models.ForeignKey("artists.Artist", on_delete=models.CASCADE, related_name="+")
    pin_order = models.PositiveIntegerField(
        null=True, blank=True, help_text="Pinned artists come first, in this order."
    )
    boost = models.FloatField(
        default=0, help_text="Points added to the 0–100 match score before re-ranking."
    )
    hidden = models.BooleanField(default=False)
    note = models.CharField(max_length=240, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["brief", "artist"], name="curation_unique_artist")
        ]
        ordering = ["brief_id", "pin_order", "artist_id"]

    def __str__(self) -> str:
        return f"{self.brief} · {self.artist}"


class Shortlist(models.Model):
    """A brand member starred an artist for a brief."""

    brief = models.ForeignKey(Brief, on_delete=models.CASCADE, related_name="shortlist")
    artist = models.ForeignKey("artists.Artist", on_delete=models.CASCADE, related_name="+")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["brief", "artist"], name="shortlist_unique_artist")
        ]
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"★ {self.artist} for {self.brief}"


class SnapshotVersion(models.Model):
    """One published version of the matching snapshot (campaigns/briefs/snapshot_store.py).

    The newest row is the current version: every web and worker node ranks against it, fetching
    its arrays (SnapshotPart rows) once into its own AUX_SNAPSHOT_DIR. A version and its parts
    are written in one transaction, so a node never sees half of one. `covered_since`: artist
    changes stamped from this time on may be missing from it (the next refresh reads them).
    """

    version = models.CharField(max_length=64, unique=True)
    covered_since = models.DateTimeField()
    n_alive = models.PositiveIntegerField(help_text="Artists in the snapshot.")
    size = models.PositiveBigIntegerField(help_text="Bytes of its array files.")
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-pk"]

    def __str__(self) -> str:
        return self.version


class SnapshotPart(models.Model):
    """A piece (at most snapshot_store.PART_BYTES) of one array file of a published version;
    a file is its parts in `seq` order. Chunked so that neither side ever holds a whole
    1M-artist array file (~100 MB) as one value."""

    snapshot = models.ForeignKey(SnapshotVersion, on_delete=models.CASCADE, related_name="parts")
    name = models.CharField(max_length=64, help_text="File name in the version folder.")
    seq = models.PositiveIntegerField()
    data = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "name", "seq"], name="snapshot_part_unique")
        ]

    def __str__(self) -> str:
        return f"{self.snapshot_id}/{self.name}#{self.seq}"
