"""Forms of result reporting (figures with evidence, questions, answers)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MilestoneResult


class ResultForm(forms.Form):
    kind = forms.ChoiceField(label=_("Figure"), choices=MilestoneResult.Kind.choices)
    value = forms.IntegerField(label=_("Value"), min_value=0, max_value=10**12)
    evidence_url = forms.URLField(
        label=_("Evidence link"), required=False, max_length=500, assume_scheme="https"
    )
    screenshot = forms.ImageField(label=_("or a screenshot"), required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class QuestionForm(forms.Form):
    question = forms.CharField(label=_("What looks wrong?"), max_length=500)


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Your answer"), max_length=500, required=False)
    value = forms.IntegerField(label=_("Corrected value"), min_value=0, required=False)
