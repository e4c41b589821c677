from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from aux.users.models import User
from brands.selectors import invitation_by_token, invitation_state
from brands.validators import validate_brand_name

from .services import signup_complete


class RoleSignupForm(forms.Form):
    """Extra signup fields (allauth's ACCOUNT_SIGNUP_FORM_CLASS): who you are on AUX, and the
    brand invitation that brought you here, if any."""

    role = forms.ChoiceField(
        label=_("I am"),
        choices=[
            (User.Role.ARTIST, _("an artist (or an artist's manager)")),
            (User.Role.BRAND, _("a brand")),
        ],
        widget=forms.RadioSelect,
        required=False,
    )
    # Set when the visitor came from a brand invitation link: they join that brand as a brand
    # user instead of choosing a role and creating a brand of their own.
    invitation = forms.CharField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label=_("Your name"), max_length=150)
    stage_name = forms.CharField(
        label=_("Stage name"), max_length=120, required=False, help_text=_("For artists.")
    )
    brand_name = forms.CharField(
        label=_("Brand name"),
        max_length=120,
        required=False,
        help_text=_("For brands."),
        validators=[validate_brand_name],
    )

    def clean(self) -> dict:
        data = super().clean()
        token = data.get("invitation", "").strip()
        if token:
            invitation = invitation_by_token(token=token)
            if invitation is None or invitation_state(invitation) != "pending":
                self.add_error(None, _("This invitation is no longer valid."))
            elif (data.get("email") or "").lower() != invitation.email.lower():
                self.add_error(
                    "email",
                    _("This invitation was sent to %(email)s: sign up with that address.")
                    % {"email": invitation.email},
                )
            data["role"] = User.Role.BRAND
            return data
        if not data.get("role"):
            self.add_error("role", _("This field is required."))
        if data.get("role") == User.Role.BRAND and not data.get("brand_name", "").strip():
            self.add_error("brand_name", _("Tell us the name of your brand."))
        if data.get("role") == User.Role.ARTIST and not (
            data.get("stage_name", "").strip() or data.get("name", "").strip()
        ):
            self.add_error("stage_name", _("Tell us your stage name."))
        return data

    def signup(self, request, user: User) -> None:
        d = self.cleaned_data
        signup_complete(
            user=user,
            role=d["role"],
            name=d["name"],
            stage_name=d.get("stage_name", ""),
            brand_name=d.get("brand_name", ""),
            invitation_token=d.get("invitation", "").strip(),
            # The page says that creating the account accepts this version (account/signup.html).
            terms_version=settings.AUX_TERMS_VERSION,
        )
