from django import forms
from django.utils.translation import gettext_lazy as _

from .models import User
from .services import user_complete_signup


class RoleSignupForm(forms.Form):
    """Extra signup fields (allauth's ACCOUNT_SIGNUP_FORM_CLASS): who you are on AUX."""

    role = forms.ChoiceField(
        label=_("I am"),
        choices=[
            (User.Role.ARTIST, _("an artist (or an artist's manager)")),
            (User.Role.BRAND, _("a brand")),
        ],
        widget=forms.RadioSelect,
    )
    name = forms.CharField(label=_("Your name"), max_length=150)
    stage_name = forms.CharField(
        label=_("Stage name"), max_length=120, required=False, help_text=_("For artists.")
    )
    brand_name = forms.CharField(
        label=_("Brand name"), max_length=120, required=False, help_text=_("For brands.")
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("role") == User.Role.BRAND and not data.get("brand_name", "").strip():
            self.add_error("brand_name", _("Tell us the name of your brand."))
        if data.get("role") == User.Role.ARTIST and not (
            data.get("stage_name", "").strip() or data.get("name", "").strip()
        ):
            self.add_error("stage_name", _("Tell us your stage name."))
        return data

    def signup(self, request, user: User) -> None:
        d = self.cleaned_data
        user_complete_signup(
            user=user,
            role=d["role"],
            name=d["name"],
            stage_name=d.get("stage_name", ""),
            brand_name=d.get("brand_name", ""),
        )
