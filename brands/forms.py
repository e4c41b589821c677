from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Brand, Membership


class BrandForm(forms.ModelForm):
    """The brand's public details. The logo is checked and re-encoded by the service."""

    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_("JPEG, PNG, WebP or GIF; resized to fit 800×800."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )
    remove_logo = forms.BooleanField(label=_("Remove the current logo"), required=False)

    class Meta:
        model = Brand
        fields = ["name", "category", "website", "description"]
        labels = {
            "name": _("Brand name"),
            "category": _("Category"),
            "website": _("Website"),
            "description": _("Description"),
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}

    def changes(self) -> dict:
        """The fields to hand to brand_update (only what the form really changed)."""
        data = {f: self.cleaned_data[f] for f in self.Meta.fields if f in self.changed_data}
        if self.cleaned_data.get("logo"):
            data["logo"] = self.cleaned_data["logo"]
        elif self.cleaned_data.get("remove_logo"):
            data["logo"] = None
        return data


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    role = forms.ChoiceField(
        label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.VIEWER
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)
