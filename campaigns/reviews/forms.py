from django import forms
from django.utils.translation import gettext_lazy as _

from .services import REPLY_MAX, REPORT_MAX, REPORT_MIN


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Your answer"), max_length=REPLY_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown under the review, once: it cannot be changed afterwards."),
    )  # fmt: skip


class ReportForm(forms.Form):
    reason = forms.CharField(
        label=_("What is wrong with this review?"), min_length=REPORT_MIN, max_length=REPORT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("AUX staff read every report and may hide the review."),
    )  # fmt: skip
