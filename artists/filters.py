"""`ArtistFilter`: the one definition of artist discovery, used by `/artists/` and the API.

Every parameter is validated by a form field, so a bad value (unknown genre slug, a date that is
not a date, a negative number, an unknown sort) is a form error on the page and a 400 in the API,
never a 500 and never silently ignored.

Fees: the API's `max_fee` is in minor units (cents), like every amount in the API. The HTML page
uses `ArtistPageFilter`, where `max_fee` is in major units (euros, dollars...) because that is what
a person types; it is converted to minor units before filtering. `max_fee` is in `currency`
(EUR when not given); each rate is converted into it with AUX_FX_RATES and aux.money.convert, as
the matching engine does (without a deliverable, through the stored `Artist.lowest_fee_eur`:
artists/search.py).
"""

import re

import django_filters as filters
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import connections
from django.db.models import (
    Case,
    Exists,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from drf_spectacular.utils import extend_schema_field

from aux.money import Currency, fx_factor, max_amount_in

from .models import Artist, DeliverableType, Genre, Mood, Rate, Unavailability
from .search import SEARCH_FEE_CURRENCY, artists_search, max_fee_bound, search_terms

_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}


class RawCheckboxInput(forms.CheckboxInput):
    """A checkbox that hands the submitted text to the field untouched, so that `?verified=maybe`
    is an error instead of CheckboxInput's "any other text means True"."""

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs, check_test=lambda v: str(v).strip().lower() in _TRUE)

    def value_from_datadict(self, data, files, name):
        return data.get(name)


class StrictBooleanField(forms.Field):
    """`true/false/1/0/yes/no/on/off` or empty; anything else is an error (NullBoolean guesses)."""

    widget = RawCheckboxInput

    def to_python(self, value):
        if value in (None, "", [], False):
            return None
        if value is True:
            return True
        text = str(value).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise ValidationError(_("Use true or false."), code="invalid")


class QuickSelect(forms.Select):
    """Django's Select, same HTML, rendered in Python. The template widget renders every
    <option> through an {% include %} and builds a dict per option: for the ~250 countries that
    was ~20 ms of CPU on every discovery page, a third of the page's Python time
    (bench/README.md, "Load"). Flat choices only (no optgroups)."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = str(value or "")
        options = format_html_join(
            "",
            '\n  <option value="{}"{}>{}</option>',
            ((v, " selected" if str(v) == chosen else "", label) for v, label in self.choices),
        )
        return format_html(
            '<select name="{}"{}>{}\n</select>',
            name,
            flatatt(self.build_attrs(self.attrs, attrs)),
            options,
        )


class QuickCheckboxes(forms.CheckboxSelectMultiple):
    """Django's CheckboxSelectMultiple, each box in its label, rendered in Python for the same
    reason as QuickSelect (one template render per genre and mood)."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = {str(v) for v in value or ()}
        base = self.build_attrs(self.attrs, attrs).get("id", f"id_{name}")
        return format_html_join(
            "",
            '<label><input type="checkbox" name="{}" value="{}" id="{}_{}"{}> {}</label>',
            (
                (name, v, base, i, " checked" if str(v) in chosen else "", label)
                for i, (v, label) in enumerate(self.choices)
            ),
        )


class StrictBooleanFilter(filters.BooleanFilter):
    field_class = StrictBooleanField


class IntegerFilter(filters.NumberFilter):
    field_class = forms.IntegerField


class ArtistFilter(filters.FilterSet):
    """Search, filters and sort for artist discovery (see the module docstring for fee units)."""

    class Sort:
        RELEVANCE = "relevance"
        AUDIENCE = "audience"
        FEE = "fee"
        CHOICES = [
            (RELEVANCE, _("Relevance")),
            (AUDIENCE, _("Audience (largest first)")),
            (FEE, _("Fee (lowest first)")),
        ]

    # `max_fee` × this = minor units. 1 in the API; the HTML page takes major units (100).
    fee_multiplier = 1

    def __init__(self, data=None, *args, **kwargs) -> None:
        if data is not None and hasattr(data, "getlist"):
            # A blank genre or mood is no filter (the page's "any", and what the API schema
            # allows), as for every single-valued parameter; the other values still count.
            data = data.copy()
            for name in ("genre", "mood"):
                data.setlist(name, [v for v in data.getlist(name) if v.strip()])
        super().__init__(data, *args, **kwargs)

    q = filters.CharFilter(
        method="filter_q",
        max_length=200,
        label=_("Search"),
        help_text=_("Words from the stage name, bio, genres or moods."),
    )
    genre = filters.ModelMultipleChoiceFilter(
        queryset=Genre.objects.all(),
        to_field_name="slug",
        method="filter_genre",
        label=_("Genres"),
        help_text=_("Genre slugs; an artist matches any of them."),
    )
    mood = filters.ModelMultipleChoiceFilter(
        queryset=Mood.objects.all(),
        to_field_name="slug",
        method="filter_mood",
        label=_("Moods"),
        help_text=_("Mood slugs; an artist matches any of them."),
    )
    country = filters.ChoiceFilter(
        choices=lambda: list(countries),
        field_name="country",
        label=_("Country"),
        help_text=_("ISO 3166-1 alpha-2 code of the artist's home country."),
    )
    language = filters.CharFilter(
        method="filter_language",
        label=_("Language"),
        max_length=2,
        validators=[
            RegexValidator(re.compile(r"^[a-zA-Z]{2}$"), _("Use a two-letter ISO 639-1 code."))
        ],
        help_text=_("ISO 639-1 code, e.g. en, fr, pt."),
    )
    listeners_min = IntegerFilter(
        field_name="monthly_listeners",
        lookup_expr="gte",
        min_value=0,
        label=_("Monthly listeners from"),
    )
    listeners_max = IntegerFilter(
        field_name="monthly_listeners",
        lookup_expr="lte",
        min_value=0,
        label=_("Monthly listeners up to"),
    )
    emerging = StrictBooleanFilter(
        method="filter_emerging",
        label=_("Emerging artists only"),
        help_text=_("true: emerging only; false: established only."),
    )
    deliverable = filters.ModelChoiceFilter(
        queryset=DeliverableType.objects.all(),
        to_field_name="slug",
        method="filter_deliverable",
        label=_("Deliverable"),
        help_text=_("Deliverable type slug: only artists who offer it."),
    )
    max_fee = IntegerFilter(
        method="filter_max_fee",
        min_value=0,
        label=_("Max fee"),
        help_text=_("In minor units (cents): the artist's minimum fee is at most this."),
    )
    currency = filters.ChoiceFilter(
        choices=Currency.choices,
        method="filter_noop",  # applied with max_fee in filter_queryset
        label=_("Currency"),
        help_text=_("The currency of the max fee (EUR when not given); rates are converted."),
    )
    available_on = filters.DateFilter(
        method="filter_available_on",
        label=_("Available on"),
        help_text=_("YYYY-MM-DD: no unavailability covers this date."),
    )
    verified = StrictBooleanFilter(field_name="verified", label=_("Verified only"))
    sort = filters.ChoiceFilter(
        choices=Sort.CHOICES,
        method="filter_noop",  # applied last, in filter_queryset
        label=_("Sort by"),
        empty_label=None,
        help_text=_("relevance (with q; the default then), audience (default) or fee."),
    )

    class Meta:
        model = Artist
        fields: list[str] = []

    # --- filters --------------------------------------------------------------------------------
    def filter_noop(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset

    @extend_schema_field(
        {"type": "string", "description": "Deliverable type slug: only artists who offer it."}
    )
    def filter_deliverable(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset  # applied with max_fee in filter_queryset: the two work together

    def filter_max_fee(self, queryset: QuerySet, name: str, value: int) -> QuerySet:
        return queryset  # applied with deliverable in filter_queryset

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return artists_search(queryset, value) if search_terms(value) else queryset

    @extend_schema_field(
        {"type": "string", "description": "Genre slugs (repeat the parameter); any of them."}
    )
    def filter_genre(self, queryset: QuerySet, name: str, value) -> QuerySet:
        if not value:
            return queryset
        # Exists, not a join: an artist in two of the chosen genres must appear once.
        through = Artist.genres.through.objects.filter(
            artist=OuterRef("pk"), genre__in=[g.pk for g in value]
        )
        return queryset.filter(Exists(through))

    @extend_schema_field(
        {"type": "string", "description": "Mood slugs (repeat the parameter); any of them."}
    )
    def filter_mood(self, queryset: QuerySet, name: str, value) -> QuerySet:
        if not value:
            return queryset
        through = Artist.moods.through.objects.filter(
            artist=OuterRef("pk"), mood__in=[m.pk for m in value]
        )
        return queryset.filter(Exists(through))

    def filter_language(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        code = value.lower()
        if connections[queryset.db].vendor == "postgresql":
            return queryset.filter(languages__contains=[code])  # jsonb @>, exact element
        # SQLite stores the list as JSON text: match the quoted code, e.g. `"fr"`.
        return queryset.filter(languages__icontains=f'"{code}"')

    def filter_emerging(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        return queryset.emerging() if value else queryset.established()

    def filter_available_on(self, queryset: QuerySet, name: str, value) -> QuerySet:
        busy = Unavailability.objects.filter(
            artist=OuterRef("pk"), start__lte=value, end__gte=value
        )
        return queryset.filter(~Exists(busy))

    # --- fee and sort: they depend on more than one parameter -----------------------------------
    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        deliverable = data.get("deliverable")
        max_fee = data.get("max_fee")
        rates = Rate.objects.filter(artist=OuterRef("pk"))
        if deliverable is not None:
            rates = rates.filter(deliverable_type=deliverable)
        currency = data.get("currency") or SEARCH_FEE_CURRENCY
        if max_fee is not None:
            limit = max_fee * self.fee_multiplier
            if deliverable is None:
                # The artist's lowest fee, stored in EUR and indexed.
                queryset = queryset.filter(lowest_fee_eur__lte=max_fee_bound(limit, currency))
            else:
                within = Q()
                for code in Currency.values:
                    bound = max_amount_in(limit, currency, code)
                    within |= Q(currency=code, min_fee__lte=bound)
                rates = rates.filter(within)
        if deliverable is not None:
            queryset = queryset.filter(Exists(rates))

        sort = data.get("sort") or ""
        searching = bool(search_terms(data.get("q") or ""))
        if sort == self.Sort.FEE:
            # A correlated subquery, not Min() over a join: the join grouped every matching
            # artist's whole row (external sort on disk with a search: ~0.5 s at 100k artists).
            if deliverable is None:
                cheapest_first = F("lowest_fee_eur").asc(nulls_last=True)  # its index
                return queryset.order_by(cheapest_first, "-monthly_listeners", "pk")
            # One rate per artist and type: its fee in EUR (only artists who offer the type).
            in_eur = Case(
                *[
                    When(currency=code, then=F("min_fee") * Value(fx_factor(code, "EUR")))
                    for code in Currency.values
                ],
                output_field=FloatField(),
            )
            fee = Rate.objects.filter(artist=OuterRef("pk"), deliverable_type=deliverable)
            lowest = fee.order_by().annotate(in_eur=in_eur).values("in_eur")[:1]
            queryset = queryset.alias(fee_sort_key=Subquery(lowest))  # not in the count
            return queryset.order_by("fee_sort_key", "-monthly_listeners", "pk")
        if searching and sort in ("", self.Sort.RELEVANCE):
            return queryset.order_by("-search_exact", "-search_rank", "-monthly_listeners", "pk")
        return queryset.order_by("-monthly_listeners", "pk")


class ArtistPageFilter(ArtistFilter):
    """The HTML page's variant: `max_fee` in major units (what a person types), same rules."""

    fee_multiplier = 100

    max_fee = IntegerFilter(
        method="filter_max_fee",
        min_value=0,
        label=_("Max fee"),
        help_text=_(
            "In whole units of the currency you choose; fees in other currencies are converted."
        ),
    )

    PAGE_HELP = {
        "genre": _("An artist matches any of the genres you tick."),
        "mood": _("An artist matches any of the moods you tick."),
        "country": _("Where the artist is based."),
        "language": _("Two letters, e.g. en for English, fr for French, pt for Portuguese."),
        "deliverable": _("Only artists who offer it."),
        "available_on": _("Only artists free on this day."),
        "sort": _("Relevance when you search by words; otherwise the largest audience first."),
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        fields = self.form.fields
        # Widgets for people; the API ignores widgets, so they live only here.
        fields["q"].widget = forms.TextInput(
            attrs={"type": "search", "placeholder": _("Name, bio, genre, mood…")}
        )
        for name in ("genre", "mood"):
            fields[name].widget = QuickCheckboxes()
            fields[name].widget.choices = fields[name].choices
        fields["available_on"].widget = forms.DateInput(attrs={"type": "date"})
        fields["language"].widget = forms.TextInput(
            attrs={"maxlength": 2, "size": 2, "placeholder": "en"}
        )
        fields["country"].widget = QuickSelect()
        fields["country"].empty_label = _("Any country")
        fields["country"].choices = list(countries)  # names in the request's language
        fields["deliverable"].empty_label = _("Any deliverable")
        fields["currency"].choices = Currency.choices  # no blank: EUR is the first and default
        # The API's help texts speak to integrators (slugs, ISO codes, formats); the page's to
        # people, who pick from lists and a date picker.
        for name, text in self.PAGE_HELP.items():
            fields[name].help_text = text
