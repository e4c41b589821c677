from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaigns.bookings.models import Milestone

# --- Result reporting: figures an artist reports per deliverable (campaigns.reporting.services) ---


class MilestoneResult(models.Model):
    """One reported figure (views, streams, ...) of one deliverable, with its evidence.

    At most one figure per kind per deliverable: reporting the same kind again corrects it. Each
    figure carries a link or a validated screenshot. The brand may question a figure (status
    questioned, with a note); the artist answers, keeping or correcting the value (answered).
    Only campaigns.reporting.services writes these rows; every change is in the audit trail.
    """

    class Kind(models.TextChoices):
        VIEWS = "views", _("Views")
        LIKES = "likes", _("Likes")
        COMMENTS = "comments", _("Comments")
        SHARES = "shares", _("Shares")
        STREAMS = "streams", _("Streams")
        SAVES = "saves", _("Saves")
        PLAYLIST_FOLLOWERS = "playlist_followers", _("Playlist followers")
        TICKETS = "tickets", _("Tickets sold")
        ATTENDANCE = "attendance", _("Attendance")

    class Status(models.TextChoices):
        REPORTED = "reported", _("Reported")
        QUESTIONED = "questioned", _("Questioned by the brand")
        ANSWERED = "answered", _("Answered")

    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="results")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    value = models.PositiveBigIntegerField()
    evidence_url = models.URLField(max_length=500, blank=True)
    screenshot = models.ImageField(upload_to="results/", blank=True)
    note = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.REPORTED)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reported_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)
    question = models.CharField(max_length=500, blank=True)
    questioned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    questioned_at = models.DateTimeField(null=True, blank=True)
    answer = models.CharField(max_length=500, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["milestone_id", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["milestone", "kind"],
                name="result_once_per_kind",
                violation_error_message=_("This figure is already reported for the deliverable."),
            ),
            models.CheckConstraint(
                condition=~Q(evidence_url="") | ~Q(screenshot=""),
                name="result_has_evidence",
                violation_error_message=_("Add a link or a screenshot as evidence."),
            ),
        ]
        indexes = [models.Index(fields=["kind", "reported_at"], name="result_kind_time_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value} on {self.milestone}"
