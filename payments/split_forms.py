"""The artist's form to share a contract's fees: their own share and one row per co-owner."""

from django import forms
from django.utils.translation import gettext_lazy as _


class SplitsForm(forms.Form):
    artist_share = forms.DecimalField(
        label=_("Your share, in percent"), max_digits=5, decimal_places=2, min_value=0,
        max_value=100,
    )  # fmt: skip


class CoOwnerForm(forms.Form):
    email = forms.EmailField(label=_("Co-owner's e-mail address"), required=False)
    share = forms.DecimalField(
        label=_("Share, in percent"), max_digits=5, decimal_places=2, required=False, min_value=0,
        max_value=100,
    )  # fmt: skip


CoOwnerFormSet = forms.formset_factory(CoOwnerForm, extra=2, max_num=10)
