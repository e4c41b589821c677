"""Export archives and the reports of the retention schedule."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExportArchive(models.Model):
    """One export of everything AUX holds about a user: a zip built by a task.

    pending → ready (file stored, downloadable by a signed link until `expires_at`) | failed.
    The stored name is random and the file is only served by privacy:export_download, to its
    owner or staff; the retention task deletes it after `expires_at`.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_archives"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
        help_text="The user, or the staff member who ran it for a request received by e-mail.",
    )  # fmt: skip
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    file = models.FileField(upload_to="privacy/exports/", blank=True, max_length=255)
    size = models.PositiveBigIntegerField(default=0, help_text="Bytes.")
    created_at = models.DateTimeField(auto_now_add=True)
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Export #{self.pk} of {self.user} ({self.status})"


class RetentionRun(models.Model):
    """One run of the retention schedule: how many rows each rule removed (staff read these)."""

    ran_at = models.DateTimeField(auto_now_add=True)
    removed = models.JSONField(default=dict, help_text="{rule: rows removed}")
    total = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-ran_at", "-id"]

    def __str__(self) -> str:
        return f"Retention run {self.ran_at:%Y-%m-%d %H:%M}: {self.total} removed"
