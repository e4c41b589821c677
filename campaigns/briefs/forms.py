from decimal import Decimal

from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from artists.models import Genre, Mood

from .models import Brief, BriefDeliverable

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
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}


DeliverableFormSet = inlineformset_factory(
    Brief,
    BriefDeliverable,
    fields=["deliverable_type", "quantity", "notes"],
    extra=1,
    max_num=20,
    can_delete=True,
    min_num=0,
)


class BriefAudienceForm(forms.ModelForm):
    territories = forms.MultipleChoiceField(
        choices=list(countries), required=False, widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Countries the campaign targets (Ctrl/⌘-click for several)."),
    )  # fmt: skip
    genres = forms.ModelMultipleChoiceField(
        queryset=Genre.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    moods = forms.ModelMultipleChoiceField(
        queryset=Mood.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
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

    budget_min_major = forms.DecimalField(
        label=_("Budget from"), min_value=0, max_digits=12, decimal_places=2
    )
    budget_max_major = forms.DecimalField(
        label=_("Budget up to"), min_value=0, max_digits=12, decimal_places=2
    )

    class Meta:
        model = Brief
        fields = ["currency", "start_date", "end_date"]
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
        low, high = data.get("budget_min_major"), data.get("budget_max_major")
        if low is not None and high is not None and high < low:
            self.add_error(
                "budget_max_major", _("The maximum budget must be at least the minimum.")
            )
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The campaign must end on or after its start date."))
        return data

    def cleaned_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["budget_min"] = int(data.pop("budget_min_major") * 100)
        data["budget_max"] = int(data.pop("budget_max_major") * 100)
        return data


STEP_FORMS = {"basics": BriefBasicsForm, "audience": BriefAudienceForm, "budget": BriefBudgetForm}
