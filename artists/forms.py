"""The artist dashboard's profile editor: one `ProfileSection` per section of the profile.

Forms only turn the POST into typed values; every rule lives in the section's service
(artists/services.py). A service's error keys ("rates.2.min_fee", "audience_countries") are
mapped back onto the form field or formset row that produced the value, so the message shows
inline next to the input.
"""

from decimal import Decimal

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from aux.errors import ApplicationError
from aux.money import Currency
from aux.users.models import User
from brands.models import BrandCategory

from . import services
from .constants import MAX_MEDIA_LINKS, PLATFORMS
from .models import AgeShare, Artist, DeliverableType, Genre, MediaLink, Mood


def country_choices() -> list[tuple[str, str]]:
    """Country names in the request's language (a callable: not frozen at import)."""
    return [("", "—"), *countries]


def _share_field(*, required: bool = False, **kwargs) -> forms.DecimalField:
    return forms.DecimalField(
        required=required,
        decimal_places=4,
        max_digits=6,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
        **kwargs,
    )


# --- Forms ---------------------------------------------------------------------------------------
class IdentityForm(forms.Form):
    stage_name = forms.CharField(label=_("Stage name"), max_length=120)
    bio = forms.CharField(
        label=_("Bio"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Markdown: **bold**, *italic*, [links](https://…), lists."),
    )
    city = forms.CharField(label=_("City"), max_length=80, required=False)
    country = forms.ChoiceField(label=_("Country"), choices=country_choices, required=False)
    languages = forms.CharField(
        label=_("Languages"),
        required=False,
        help_text=_("ISO 639-1 codes separated by commas, e.g. en, fr, pt."),
    )
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
        help_text=_("JPEG, PNG, WebP or GIF up to 5 MB; resized to 800 px."),
    )
    remove_photo = forms.BooleanField(label=_("Remove my photo"), required=False)


class MusicForm(forms.Form):
    genres = forms.ModelMultipleChoiceField(
        label=_("Genres"),
        queryset=Genre.objects.all(),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    moods = forms.ModelMultipleChoiceField(
        label=_("Moods"),
        queryset=Mood.objects.all(),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class MediaLinkForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=MediaLink.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=120, required=False)
    url = forms.CharField(
        label=_("URL"), max_length=500, widget=forms.TextInput(attrs={"inputmode": "url"})
    )


class AudienceForm(forms.Form):
    monthly_listeners = forms.IntegerField(label=_("Monthly listeners"), required=False)
    engagement_rate = _share_field(
        label=_("Engagement rate"), help_text=_("Between 0 and 1: 0.05 means 5%.")
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for code, name in PLATFORMS:
            self.fields[f"followers_{code}"] = forms.IntegerField(
                label=_("%(platform)s followers") % {"platform": name}, required=False
            )
        for code, label in AgeShare.Bucket.choices:
            self.fields[f"age_{code}"] = _share_field(label=_("Ages %(b)s") % {"b": label})

    def follower_fields(self):
        return [self[f"followers_{code}"] for code, _n in PLATFORMS]

    def age_fields(self):
        return [self[f"age_{code}"] for code, _l in AgeShare.Bucket.choices]


class CountryShareForm(forms.Form):
    country = forms.ChoiceField(label=_("Country"), choices=country_choices)
    share = _share_field(label=_("Share"), required=True)


class RateForm(forms.Form):
    deliverable_type = forms.ModelChoiceField(
        label=_("Deliverable"), queryset=DeliverableType.objects.all(), to_field_name="slug"
    )
    min_fee = forms.DecimalField(
        label=_("Minimum fee"),
        decimal_places=2,
        max_digits=12,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices)


class DepositForm(forms.Form):
    deposit_percent = forms.IntegerField(
        label=_("Deposit for live work (%)"), min_value=0, max_value=50, initial=0, required=False,
        widget=forms.NumberInput(attrs={"placeholder": "25", "inputmode": "numeric"}),
        help_text=_(
            "Paid to you as soon as the brand funds the escrow, on the fees of shows, DJ sets "
            "and appearances; refundable only by a dispute. 0 to 50%: 25% is usual for shows."
        ),
    )  # fmt: skip


class UnavailabilityForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note"), max_length=120, required=False)


class ValuesForm(forms.Form):
    refused_categories = forms.ModelMultipleChoiceField(
        label=_("Brand categories I refuse to work with"),
        queryset=BrandCategory.objects.all(),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


def _formset(form, *, extra: int = 1, max_num: int = 50):
    return formset_factory(form, extra=extra, can_delete=True, max_num=max_num, absolute_max=200)


MediaLinkFormSet = _formset(MediaLinkForm, max_num=MAX_MEDIA_LINKS)
CountryShareFormSet = _formset(CountryShareForm, extra=2)
RateFormSet = _formset(RateForm)
UnavailabilityFormSet = _formset(UnavailabilityForm)


def _rows(formset) -> list[forms.Form]:
    """The rows to save: existing rows unless deleted, plus extra rows the artist filled in."""
    out = []
    for i, form in enumerate(formset.forms):
        if i >= formset.initial_form_count() and not form.has_changed():
            continue
        if formset.can_delete and formset._should_delete_form(form):
            continue
        out.append(form)
    return out


# --- Sections ------------------------------------------------------------------------------------
class ProfileSection:
    """One section of the editor: its forms, the service call, and errors mapped back inline."""

    name = ""
    title = _("Section")
    template = ""

    def __init__(self, artist: Artist, data=None, files=None) -> None:
        self.artist = artist
        self.bound = data is not None
        self.errors: list[str] = []  # section-level messages (e.g. "the shares add up to 1.2")
        self.saved = False
        self.build(data, files)

    # subclasses
    def build(self, data, files) -> None:
        raise NotImplementedError

    def parts(self) -> list:
        raise NotImplementedError

    def call_service(self, actor: User) -> None:
        raise NotImplementedError

    def target(self, key: str) -> tuple[forms.Form | None, str | None]:
        """(form, field) that shows the error for a service error key; (None, None) = section."""
        return None, None

    # shared
    def is_valid(self) -> bool:
        ok = True
        for part in self.parts():
            ok = part.is_valid() and ok
        return ok

    def save(self, *, actor: User) -> bool:
        """Validate the forms, call the service; False (with inline errors) if refused."""
        if not self.is_valid():
            return False
        try:
            self.call_service(actor)
        except ApplicationError as exc:
            if not exc.errors:
                self.errors.append(exc.message)
            for key, messages in exc.errors.items():
                form, field = self.target(key)
                for message in messages:
                    if form is None:
                        self.errors.append(message)
                    else:
                        form.add_error(field if field in form.fields else None, message)
            return False
        self.saved = True
        return True

    @property
    def has_errors(self) -> bool:
        if self.errors:
            return True
        for part in self.parts():
            if isinstance(part, forms.BaseFormSet):
                if part.total_error_count():
                    return True
            elif part.errors:
                return True
        return False


def _row_target(rows: list[forms.Form], key: str, prefix: str):
    """`prefix.<i>.<field>` → (rows[i], field)."""
    rest = key[len(prefix) + 1 :]
    index, _dot, field = rest.partition(".")
    if index.isdigit() and int(index) < len(rows):
        return rows[int(index)], field or None
    return None, None


class IdentitySection(ProfileSection):
    name = "identity"
    title = _("Identity")
    template = "artists/partials/section_identity.html"

    def build(self, data, files) -> None:
        a = self.artist
        initial = {
            "stage_name": a.stage_name,
            "bio": a.bio,
            "city": a.city,
            "country": str(a.country or ""),
            "languages": ", ".join(a.languages or []),
        }
        self.form = IdentityForm(data, files, initial=initial, prefix="identity")

    def parts(self) -> list:
        return [self.form]

    def call_service(self, actor: User) -> None:
        d = self.form.cleaned_data
        languages = [c for c in (d["languages"] or "").replace(";", ",").split(",") if c.strip()]
        services.artist_update_identity(
            artist=self.artist,
            actor=actor,
            stage_name=d["stage_name"],
            bio=d["bio"],
            city=d["city"],
            country=d["country"],
            languages=languages,
            photo=d.get("photo"),
            remove_photo=d["remove_photo"],
        )

    def target(self, key: str):
        return self.form, key


class MusicSection(ProfileSection):
    name = "music"
    title = _("Music & media")
    template = "artists/partials/section_music.html"

    def build(self, data, files) -> None:
        a = self.artist
        self.form = MusicForm(
            data,
            initial={
                "genres": [g.slug for g in a.genres.all()],
                "moods": [m.slug for m in a.moods.all()],
            },
            prefix="music",
        )
        self.links = MediaLinkFormSet(
            data,
            initial=[{"kind": m.kind, "title": m.title, "url": m.url} for m in a.media_links.all()],
            prefix="media",
        )

    def parts(self) -> list:
        return [self.form, self.links]

    def call_service(self, actor: User) -> None:
        d = self.form.cleaned_data
        self.link_rows = _rows(self.links)
        services.artist_update_music(
            artist=self.artist,
            actor=actor,
            genres=[g.slug for g in d["genres"]],
            moods=[m.slug for m in d["moods"]],
            media_links=[
                {"kind": f.cleaned_data["kind"], "title": f.cleaned_data["title"],
                 "url": f.cleaned_data["url"]}
                for f in self.link_rows
            ],
        )  # fmt: skip

    def target(self, key: str):
        if key.startswith("media_links."):
            return _row_target(self.link_rows, key, "media_links")
        if key in ("genres", "moods"):
            return self.form, key
        return None, None


class AudienceSection(ProfileSection):
    name = "audience"
    title = _("Audience")
    template = "artists/partials/section_audience.html"

    def build(self, data, files) -> None:
        a = self.artist
        initial = {
            "monthly_listeners": a.monthly_listeners,
            "engagement_rate": a.engagement_rate,
        }
        for code, count in (a.followers or {}).items():
            initial[f"followers_{code}"] = count
        for row in a.age_shares.all():
            initial[f"age_{row.bucket}"] = row.share
        self.form = AudienceForm(data, initial=initial, prefix="audience")
        self.countries = CountryShareFormSet(
            data,
            initial=[
                {"country": r.country.code, "share": r.share} for r in a.audience_shares.all()
            ],
            prefix="countries",
        )

    def parts(self) -> list:
        return [self.form, self.countries]

    def call_service(self, actor: User) -> None:
        d = self.form.cleaned_data
        self.country_rows = _rows(self.countries)
        self.age_codes = [c for c, _l in AgeShare.Bucket.choices if d.get(f"age_{c}") is not None]
        services.artist_update_audience(
            artist=self.artist,
            actor=actor,
            monthly_listeners=d["monthly_listeners"] or 0,
            engagement_rate=d["engagement_rate"] if d["engagement_rate"] is not None else 0,
            followers={
                code: d[f"followers_{code}"]
                for code, _n in PLATFORMS
                if d.get(f"followers_{code}") is not None
            },
            audience_countries=[
                {"country": f.cleaned_data["country"],
                 "share": f.cleaned_data["share"]}
                for f in self.country_rows
            ],
            audience_ages=[{"bucket": c, "share": d[f"age_{c}"]} for c in self.age_codes],
        )  # fmt: skip

    def target(self, key: str):
        if key.startswith("audience_countries."):
            return _row_target(self.country_rows, key, "audience_countries")
        if key.startswith("audience_ages."):
            index = key.split(".")[1]
            if index.isdigit() and int(index) < len(self.age_codes):
                return self.form, f"age_{self.age_codes[int(index)]}"
            return None, None
        if key.startswith("followers."):
            return self.form, f"followers_{key.split('.', 1)[1]}"
        if key in ("monthly_listeners", "engagement_rate"):
            return self.form, key
        return None, None


class RatesSection(ProfileSection):
    name = "rates"
    title = _("Rates")
    template = "artists/partials/section_rates.html"

    def build(self, data, files) -> None:
        self.rates = RateFormSet(
            data,
            initial=[
                {"deliverable_type": r.deliverable_type.slug,
                 "min_fee": Decimal(r.min_fee) / 100, "currency": r.currency}
                for r in self.artist.rates.all()
            ],
            prefix="rates",
        )  # fmt: skip
        self.deposit = DepositForm(
            data, initial={"deposit_percent": self.artist.deposit_bps // 100}, prefix="deposit"
        )

    def parts(self) -> list:
        return [self.rates, self.deposit]

    def call_service(self, actor: User) -> None:
        self.rate_rows = _rows(self.rates)
        services.artist_set_rates(
            artist=self.artist,
            actor=actor,
            rates=[
                {"deliverable_type": f.cleaned_data["deliverable_type"].slug,
                 "min_fee": int((f.cleaned_data["min_fee"] * 100).to_integral_value()),
                 "currency": f.cleaned_data["currency"]}
                for f in self.rate_rows
            ],
        )  # fmt: skip
        percent = self.deposit.cleaned_data["deposit_percent"] or 0
        services.artist_set_deposit(artist=self.artist, actor=actor, deposit_percent=percent)

    def target(self, key: str):
        if key.startswith("rates."):
            return _row_target(self.rate_rows, key, "rates")
        if key == "deposit_percent":
            return self.deposit, key
        return None, None


class AvailabilitySection(ProfileSection):
    name = "availability"
    title = _("Availability")
    template = "artists/partials/section_availability.html"

    def build(self, data, files) -> None:
        self.periods = UnavailabilityFormSet(
            data,
            initial=[
                {"start": u.start, "end": u.end, "note": u.note}
                for u in self.artist.unavailabilities.all()
            ],
            prefix="gaps",
        )

    def parts(self) -> list:
        return [self.periods]

    def call_service(self, actor: User) -> None:
        self.period_rows = _rows(self.periods)
        services.artist_set_unavailability(
            artist=self.artist,
            actor=actor,
            unavailability=[
                {k: f.cleaned_data[k] for k in ("start", "end", "note")} for f in self.period_rows
            ],
        )

    def target(self, key: str):
        if key.startswith("unavailability."):
            return _row_target(self.period_rows, key, "unavailability")
        return None, None


class ValuesSection(ProfileSection):
    name = "values"
    title = _("Values")
    template = "artists/partials/section_values.html"

    def build(self, data, files) -> None:
        self.form = ValuesForm(
            data,
            initial={"refused_categories": [c.slug for c in self.artist.refused_categories.all()]},
            prefix="values",
        )

    def parts(self) -> list:
        return [self.form]

    def call_service(self, actor: User) -> None:
        services.artist_update_values(
            artist=self.artist,
            actor=actor,
            refused_categories=[c.slug for c in self.form.cleaned_data["refused_categories"]],
        )

    def target(self, key: str):
        return self.form, key


SECTIONS: dict[str, type[ProfileSection]] = {
    cls.name: cls
    for cls in (
        IdentitySection,
        MusicSection,
        AudienceSection,
        RatesSection,
        AvailabilitySection,
        ValuesSection,
    )
}
