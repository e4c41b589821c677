from decimal import Decimal

from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from artists.models import Genre, Mood

from .models import Brief, BriefDeliverable
from .ranges import AGE_HIGHEST, AGE_LOWEST, brief_range_errors

STEPS = [
    ("basics", _("Basics")),
    ("deliverables", _("Deliverables")),
    ("audience", _("Audience")),
    ("budget", _("Budget & dates")),
]


class BriefBasicsForm(forms.ModelForm):
    class Meta:
        model = Brief
        fields = ["title", "objective", "description", "visibility"]
        labels = {
            "title": _("Title"),
            "objective": _("Objective"),
            "description": _("Description"),
            "visibility": _("Visibility"),
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}


DeliverableFormSet = inlineformset_factory(
    Brief,
    BriefDeliverable,
    fields=["deliverable_type", "quantity", "notes"],
    labels={
        "deliverable_type": _("Deliverable type"),
        "quantity": _("Quantity"),
        "notes": _("Notes"),
    },
    extra=1,
    max_num=20,
    can_delete=True,
    min_num=0,
)


class BriefAudienceForm(forms.ModelForm):
    territories = forms.MultipleChoiceField(
        # A callable: country names in the request's language, not the one at import.
        label=_("Territories"), choices=lambda: list(countries), required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Countries the campaign targets (Ctrl/⌘-click for several)."),
    )  # fmt: skip
    genres = forms.ModelMultipleChoiceField(
        label=_("Genres"), queryset=Genre.objects.all(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    moods = forms.ModelMultipleChoiceField(
        label=_("Moods"), queryset=Mood.objects.all(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    languages = forms.CharField(
        label=_("Languages"), required=False,
        help_text=_("ISO 639-1 codes separated by commas, e.g. en, fr, pt."),
    )  # fmt: skip
    emerging_percent = forms.IntegerField(
        label=_("Wanted share of emerging artists (%)"), min_value=0, max_value=100,
        help_text=_("The ranked list guarantees this share at every position."),
    )  # fmt: skip

    class Meta:
        model = Brief
        fields = [
            "territories", "age_min", "age_max", "audience_size", "genres", "moods", "fairness",
        ]  # fmt: skip
        widgets = {
            name: forms.NumberInput(attrs={"min": AGE_LOWEST, "max": AGE_HIGHEST})
            for name in ("age_min", "age_max")
        }
        labels = {
            "age_min": _("Youngest audience age"),
            "age_max": _("Oldest audience age"),
            "fairness": _("Fairness"),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["emerging_percent"].initial = int(self.instance.emerging_share * 100)
        self.fields["languages"].initial = ", ".join(self.instance.languages or [])

    def clean_languages(self) -> list[str]:
        text = (self.cleaned_data.get("languages") or "").replace(";", ",")
        return list(dict.fromkeys(c.strip().lower() for c in text.split(",") if c.strip()))

    def cleaned_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["emerging_share"] = Decimal(data.pop("emerging_percent")) / 100
        return data


class BriefBudgetForm(forms.ModelForm):
    """Budgets are typed in major units (euros) and stored in minor units (cents)."""

    # The brief field → the form field that types it.
    FORM_FIELD = {"budget_min": "budget_min_major", "budget_max": "budget_max_major"}

    budget_min_major = forms.DecimalField(
        label=_("Budget from"), min_value=0, max_digits=12, decimal_places=2
    )
    budget_max_major = forms.DecimalField(
        label=_("Budget up to"), min_value=0, max_digits=12, decimal_places=2
    )

    class Meta:
        model = Brief
        fields = ["currency", "start_date", "end_date"]
        labels = {
            "currency": _("Currency"),
            "start_date": _("Start date"),
            "end_date": _("End date"),
        }
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}),
            "end_date": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ("start_date", "end_date"):
            self.fields[name].required = True
        if self.instance.budget_min is not None:
            self.fields["budget_min_major"].initial = Decimal(self.instance.budget_min) / 100
        if self.instance.budget_max is not None:
            self.fields["budget_max_major"].initial = Decimal(self.instance.budget_max) / 100

    def clean(self) -> dict:
        data = super().clean()
        # The brief's range rules (campaigns.briefs.ranges), on the budget as typed.
        values = {
            "budget_min": data.get("budget_min_major"),
            "budget_max": data.get("budget_max_major"),
            "start_date": data.get("start_date"),
            "end_date": data.get("end_date"),
        }
        for name, message in brief_range_errors(values).items():
            self.add_error(self.FORM_FIELD.get(name, name), message)
        return data

    def cleaned_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["budget_min"] = int(data.pop("budget_min_major") * 100)
        data["budget_max"] = int(data.pop("budget_max_major") * 100)
        return data


STEP_FORMS = {"basics": BriefBasicsForm, "audience": BriefAudienceForm, "budget": BriefBudgetForm}
