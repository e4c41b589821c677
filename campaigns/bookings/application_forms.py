"""Forms of the open-call pages. The fee is typed in major units (euros), stored in minor units."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _


class ApplicationForm(forms.Form):
    pitch = forms.CharField(
        label=_("Your pitch"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("A few lines: why you, what you would make."),
    )  # fmt: skip
    links = forms.CharField(
        label=_("Links"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Tracks, videos, past campaigns: web addresses, one per line."),
    )  # fmt: skip
    proposed_fee_major = forms.DecimalField(
        label=_("Proposed fee"), min_value=Decimal("0.01"), max_digits=12, decimal_places=2,
        help_text=_("For all the brief's deliverables together."),
    )  # fmt: skip

    def cleaned_values(self) -> dict:
        data = self.cleaned_data
        return {
            "pitch": data["pitch"],
            "links": (data.get("links") or "").split(),
            "proposed_fee": int(data["proposed_fee_major"] * 100),
        }


class DeclineApplicationForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), max_length=500, required=False)
