"""The preferences form: one channel per kind (the service refuses `off` for locked kinds)."""

from django import forms

from .models import Channel, Kind


class PreferencesForm(forms.Form):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for kind in Kind:
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label, choices=Channel.choices, required=False
            )

    def changes(self) -> dict[str, str]:
        return {k: v for k, v in self.cleaned_data.items() if v}
