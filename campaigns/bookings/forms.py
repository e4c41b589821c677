"""Forms of the booking pages. Fees are typed in major units (euros) and stored in minor units."""

from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from brands.models import BrandCategory

from .services import OFFER_EXPIRY_DAYS_MAX, OFFER_EXPIRY_DAYS_MIN, USAGE_CHANNELS
from .terms import DEFAULT_POLICY, CancellationPolicy


class TermsForm(forms.Form):
    """The terms of an offer or a counter-offer, plus one fee field per deliverable line."""

    start_date = forms.DateField(
        label=_("Start date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    end_date = forms.DateField(label=_("End date"), widget=forms.DateInput(attrs={"type": "date"}))
    usage_channels = forms.MultipleChoiceField(
        label=_("Channels"), choices=list(USAGE_CHANNELS.items()),
        widget=forms.CheckboxSelectMultiple, required=False,
    )  # fmt: skip
    usage_territories = forms.CharField(
        label=_("Territories"), required=False,
        help_text=_("Country codes separated by commas (empty: worldwide)."),
    )  # fmt: skip
    usage_term_months = forms.IntegerField(
        label=_("Usage term (months)"), min_value=1, max_value=120, initial=12
    )
    exclusivity_category = forms.ModelChoiceField(
        label=_("Exclusivity"), queryset=BrandCategory.objects.all(), required=False
    )
    exclusivity_months = forms.IntegerField(
        label=_("Exclusivity (months)"), min_value=1, max_value=60, required=False
    )
    message = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 3}),
                              required=False, max_length=5000)  # fmt: skip
    cancellation_policy = forms.ChoiceField(
        label=_("Cancellation terms"), choices=CancellationPolicy.choices, initial=DEFAULT_POLICY,
        required=False,  # empty: the default policy (campaigns.bookings.terms)
        help_text=_("What the side that cancels a funded contract owes the other (see below)."),
    )  # fmt: skip

    def __init__(self, *args, lines: list[dict], currency: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.lines = lines
        for i, line in enumerate(lines):
            self.fields[f"fee_{i}"] = forms.DecimalField(
                label=f"{line['quantity']} × {line['deliverable_type']} ({currency})",
                min_value=Decimal("0.01"), max_digits=12, decimal_places=2,
                initial=Decimal(line["fee"]) / 100 if line.get("fee") else None,
            )  # fmt: skip

    def fee_fields(self):
        return [self[f"fee_{i}"] for i in range(len(self.lines))]

    def term_fields(self):
        return [self[name] for name in self.fields if not name.startswith("fee_")]

    def cleaned_lines(self) -> list[dict]:
        return [
            {"deliverable_type": line["deliverable_type"], "quantity": line["quantity"],
             "notes": line.get("notes", ""), "due_date": line.get("due_date"),
             "fee": int(self.cleaned_data[f"fee_{i}"] * 100)}
            for i, line in enumerate(self.lines)
        ]  # fmt: skip

    # Fields of the form that are not offer terms (sent to the service as they are).
    NOT_TERMS = frozenset()

    def cleaned_terms(self) -> dict:
        data = {
            k: v
            for k, v in self.cleaned_data.items()
            if not k.startswith("fee_") and k not in self.NOT_TERMS
        }
        codes = data.pop("usage_territories") or ""
        data["usage_territories"] = [c.strip().upper() for c in codes.split(",") if c.strip()]
        return data


def expiry_days_field() -> forms.IntegerField:
    return forms.IntegerField(
        label=_("Open for (days)"), min_value=OFFER_EXPIRY_DAYS_MIN,
        max_value=OFFER_EXPIRY_DAYS_MAX, initial=lambda: settings.AUX_OFFER_TTL_DAYS,
        required=False,  # empty: AUX_OFFER_TTL_DAYS
        help_text=_("The artist can answer until then; you can renew an expired offer."),
    )  # fmt: skip


def confirm_exclusivity_field() -> forms.BooleanField:
    return forms.BooleanField(
        required=False,
        label=_("I know this breaks an exclusivity the artist signed; send anyway"),
    )


class OfferForm(TermsForm):
    """A new offer: the terms, how many days it stays open, and (when the work would break an
    exclusivity the artist signed) the brand's confirmation that it sends it anyway."""

    NOT_TERMS = frozenset({"expires_in_days", "confirm_exclusivity_conflict"})

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["expires_in_days"] = expiry_days_field()
        self.fields["confirm_exclusivity_conflict"] = confirm_exclusivity_field()

    def term_fields(self):
        return [self[name] for name in self.fields
                if not name.startswith("fee_") and name not in self.NOT_TERMS]  # fmt: skip


class RenewForm(forms.Form):
    """Renew an expired offer: for how many days, and the exclusivity confirmation if needed."""

    expires_in_days = expiry_days_field()
    confirm_exclusivity_conflict = confirm_exclusivity_field()


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.Field):
    """Up to five files from one <input type="file" multiple>; their content is checked by the
    services (campaigns.bookings.attachments), not here: the `accept` list is only a hint to
    browsers."""

    widget = MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif,"
                                                "application/pdf"})  # fmt: skip

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Files"))
        kwargs.setdefault("help_text", _("Up to 5 images or PDF files."))
        super().__init__(**kwargs)

    def clean(self, value):
        if value and not isinstance(value, (list, tuple)):
            value = [value]
        return [f for f in (value or []) if f]


class SignForm(forms.Form):
    full_name = forms.CharField(label=_("Your full name"), max_length=150)
    confirm = forms.BooleanField(label=_("I have read the terms above and agree to them"))


class SettlementForm(forms.Form):
    """A settlement proposal: what the artist is paid for the work done (major units)."""

    artist_amount = forms.DecimalField(
        label=_("Paid to the artist for the work done"), min_value=Decimal("0"), max_digits=12,
        decimal_places=2,
        help_text=_("The rest of the escrow is refunded to the brand."),
    )  # fmt: skip
    note = forms.CharField(label=_("Message to the other side"), max_length=500, required=False)

    def __init__(self, *args, **kwargs) -> None:
        # Its own ids: the contract page also holds the deliverable form, whose `note` would
        # otherwise share id_note with this one (a label then names the other form's field).
        kwargs.setdefault("auto_id", "id_settlement_%s")
        super().__init__(*args, **kwargs)

    def minor_units(self) -> int:
        return int(self.cleaned_data["artist_amount"] * 100)


class SubmitForm(forms.Form):
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}),
                           required=False)  # fmt: skip
    links = forms.CharField(label=_("Links"), required=False,
                            help_text=_("Web addresses, one per line."),
                            widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip
    disclosure_confirmed = forms.BooleanField(
        required=False, label=_("Published with the paid-partnership disclosure (#ad or label)")
    )
    attachments = AttachmentsField()


class MessageForm(forms.Form):
    # Not required here: a message may be files only; the service asks for text or a file.
    body = forms.CharField(label=_("Message"), max_length=5000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip
    attachments = AttachmentsField()


class ReviewForm(forms.Form):
    rating = forms.TypedChoiceField(choices=[(i, f"{i} ★") for i in range(5, 0, -1)], coerce=int)
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
