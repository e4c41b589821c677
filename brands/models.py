from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aux.files import public_storage
from aux.translated_names import NamedInFrench
from aux.utils import validate_slug_not_reserved

from .validators import validate_brand_name


class BrandCategory(NamedInFrench):
    """A brand's line of business (beverages, fashion, alcohol ...). Artists may refuse some."""

    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "brand categories"


class Brand(models.Model):
    """An organisation that books artists. Its members act for it with a role each."""

    name = models.CharField(max_length=120, validators=[validate_brand_name])
    slug = models.SlugField(max_length=60, unique=True, validators=[validate_slug_not_reserved])
    category = models.ForeignKey(
        BrandCategory, null=True, blank=True, on_delete=models.PROTECT, related_name="brands"
    )
    website = models.URLField(blank=True)
    logo = models.ImageField(upload_to="brands/logos/", blank=True, storage=public_storage)
    description = models.TextField(blank=True)
    verified = models.BooleanField(default=False)
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="brands"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user's role in a brand: owners manage the team, managers run campaigns, viewers read."""

    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        MANAGER = "manager", _("Manager")
        VIEWER = "viewer", _("Viewer")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.VIEWER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "brand"], name="membership_unique_user_brand")
        ]
        ordering = ["brand_id", "role", "user_id"]

    def __str__(self) -> str:
        return f"{self.user} · {self.brand} ({self.role})"

    @property
    def can_edit(self) -> bool:
        return self.role in (self.Role.OWNER, self.Role.MANAGER)


class Invitation(models.Model):
    """An owner's invitation for an e-mail address to join a brand with a role.

    The link carries `token`; it works once, before `expires_at`.
    """

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(
        max_length=10, choices=Membership.Role.choices, default=Membership.Role.VIEWER
    )
    token = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.brand} ({self.role})"


class VerificationRequestBase(models.Model):
    """What a brand's and an artist's request to be verified share: who asked, when, and staff's
    decision (approved or refused, with a reason) recorded by the verification services."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for staff")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    decision_reason = models.CharField(max_length=1000, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]


class BrandVerificationRequest(VerificationRequestBase):
    """A brand member asks staff to verify the brand, with evidence: the company's website
    domain (which must be the requester's e-mail domain), its registration number and a contact
    person. One pending request per brand (brands.verification)."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="verification_requests")
    website_domain = models.CharField(max_length=253)
    registration_number = models.CharField(max_length=40)
    contact_name = models.CharField(max_length=120)

    class Meta(VerificationRequestBase.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["brand"], condition=models.Q(status="pending"),
                name="brand_verification_one_pending",
            )
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"Verification of {self.brand} ({self.status})"
