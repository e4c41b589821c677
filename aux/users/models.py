from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    """Creates users keyed by e-mail (there is no username)."""

    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields) -> "User":
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields) -> "User":
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        extra_fields.setdefault("role", User.Role.STAFF)
        if not extra_fields["is_staff"] or not extra_fields["is_superuser"]:
            raise ValueError("A superuser needs is_staff and is_superuser.")
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """An account. E-mail is the login; `role` decides which dashboard the user lands on.

    Staff means `is_staff` (Django's flag, read by the admin and every staff-only rule); the
    staff role is only held with it (a constraint), so nothing needs to check the role too.
    """

    class Role(models.TextChoices):
        ARTIST = "artist", _("Artist")
        BRAND = "brand", _("Brand")
        STAFF = "staff", _("Staff")

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("e-mail address"), unique=True)
    name = models.CharField(_("display name"), max_length=150, blank=True)
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.ARTIST)
    # The language of pages and e-mails for this account; blank until the user picks one with
    # the switcher (or signs in), so the browser's Accept-Language decides meanwhile.
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, blank=True, default=""
    )
    # Which version of the terms and privacy notice (settings.AUX_TERMS_VERSION) the user accepted
    # when signing up, and when: an operator who changes the texts can tell who saw which.
    terms_version = models.CharField(max_length=20, blank=True, default="")
    terms_accepted_at = models.DateTimeField(null=True, blank=True)
    # Set when the user closed their account: the row stays (the books point at it) with its
    # personal data erased (aux.privacy.services.account_close).
    closed_at = models.DateTimeField(null=True, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        ordering = ["email"]
        constraints = [
            # Staff is `is_staff`, one definition: the staff role never comes without it.
            models.CheckConstraint(
                condition=~models.Q(role="staff") | models.Q(is_staff=True),
                name="user_staff_role_has_staff_status",
                violation_error_message=_("A staff account needs staff status."),
            )
        ]

    def __str__(self) -> str:
        return self.name or self.email

    @property
    def email_language(self) -> str:
        """The language to write to this user in: their choice, else the site default."""
        return self.language or settings.LANGUAGE_CODE

    @property
    def is_artist(self) -> bool:
        return self.role == self.Role.ARTIST

    @property
    def is_brand(self) -> bool:
        return self.role == self.Role.BRAND
