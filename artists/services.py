import functools
import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TypedDict

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files import File
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext as _
from django_countries import countries

from aux.audit.services import audit_record
from aux.errors import ApplicationError, PermissionDeniedError
from aux.images import validate_and_resize_image
from aux.money import Currency
from aux.users.models import User
from aux.utils import unique_slug
from brands.models import BrandCategory

from .constants import (
    LANGUAGE_CODES,
    MAX_AUDIENCE_COUNTRIES,
    MAX_BIO_LENGTH,
    MAX_GENRES,
    MAX_LANGUAGES,
    MAX_MEDIA_LINKS,
    MAX_MOODS,
    MAX_UNAVAILABILITIES,
    PHOTO_MAX_SIDE,
    PLATFORM_CODES,
    PLATFORMS,
)
from .models import (
    AgeShare,
    Artist,
    AudienceShare,
    DeliverableType,
    Genre,
    MediaLink,
    Mood,
    Rate,
    Unavailability,
)
from .search import artist_fee_in_eur


@transaction.atomic
def artist_create(*, user: User | None, stage_name: str, **fields) -> Artist:
    """Create an artist profile (claimed by `user`, or unclaimed when None) with a unique slug."""
    artist = Artist(
        user=user, stage_name=stage_name.strip(), slug=unique_slug(Artist, stage_name), **fields
    )
    artist.full_clean()
    artist.save()
    return artist


def artists_search_tags_refresh(*, artist_ids: Iterable[int] | None = None) -> int:
    """Rewrite `Artist.search_tags` (genre and mood names) for these artists, or all when None.

    Full-text search reads the tags from the artist row (see artists/search.py). Saving genres
    or moods through the ORM's `.set()/.add()/.remove()/.clear()` refreshes them automatically
    (artists/signals.py); bulk paths that write the M2M tables directly (imports, seed_demo) must
    call this once at the end. Two queries per 2,000 artists plus the bulk update.
    """
    qs = Artist.objects.order_by("pk").only("pk", "search_tags")
    if artist_ids is not None:
        qs = qs.filter(pk__in=list(artist_ids))
    qs = qs.prefetch_related(
        Prefetch("genres", queryset=Genre.objects.only("pk", "name")),
        Prefetch("moods", queryset=Mood.objects.only("pk", "name")),
    )
    changed: list[Artist] = []
    for artist in qs.iterator(chunk_size=2000):
        tags = " ".join(
            [g.name for g in artist.genres.all()] + [m.name for m in artist.moods.all()]
        )
        if artist.search_tags != tags:
            artist.search_tags = tags
            changed.append(artist)
    Artist.objects.bulk_update(changed, ["search_tags"], batch_size=1000)
    return len(changed)


def artists_fees_refresh(*, artist_ids: Iterable[int] | None = None) -> int:
    """Rewrite `Artist.lowest_fee_eur` (lowest rate converted to EUR) for these artists, or all
    when None; returns how many changed.

    Discovery filters and sorts by fee through this column (artists/search.py). Saving or deleting
    a Rate through the ORM refreshes it (artists/signals.py); bulk paths (artist_set_rates,
    imports, seed_demo) call this once. Run it for every artist (`manage.py
    refresh_artist_fees`) after changing AUX_FX_RATES. One query per 5,000 artists plus the
    bulk update.
    """
    ids = sorted(set(artist_ids)) if artist_ids is not None else None
    qs = Artist.objects.order_by("pk").only("pk", "lowest_fee_eur")
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    changed: list[Artist] = []
    for chunk in itertools.batched(qs.iterator(chunk_size=5000), 5000):
        lowest: dict[int, int] = {}
        rates = Rate.objects.filter(artist__in=[a.pk for a in chunk])
        for artist_id, fee, currency in rates.values_list("artist_id", "min_fee", "currency"):
            eur = artist_fee_in_eur(fee, currency)
            if artist_id not in lowest or eur < lowest[artist_id]:
                lowest[artist_id] = eur
        for artist in chunk:
            if artist.lowest_fee_eur != lowest.get(artist.pk):
                artist.lowest_fee_eur = lowest.get(artist.pk)
                changed.append(artist)
    Artist.objects.bulk_update(changed, ["lowest_fee_eur"], batch_size=1000)
    return len(changed)


# --- Profile editing: one service per dashboard section ------------------------------------------
# Each service takes the artist, the acting user and only the values it changes (None = keep), is
# atomic, checks that the actor may edit this profile, and raises ApplicationError whose `errors`
# are keyed by the API field names ("rates.2.min_fee", "audience_countries"), so that the
# dashboard forms, the own-profile API and the tests all speak the same vocabulary.
# Lists are replace-all: the list given becomes the artist's whole list (an empty list clears it).


class MediaLinkInput(TypedDict, total=False):
    kind: str
    title: str
    url: str


class CountryShareInput(TypedDict):
    country: str
    share: Decimal | str


class AgeShareInput(TypedDict):
    bucket: str
    share: Decimal | str


class RateInput(TypedDict):
    deliverable_type: str  # DeliverableType slug
    min_fee: int  # minor units
    currency: str


class UnavailabilityInput(TypedDict, total=False):
    start: date
    end: date
    note: str


INVALID_PROFILE = _("Please correct the highlighted fields.")
_MAX_POSITIVE_INT = 2_147_483_647  # PositiveIntegerField's upper bound on every database
_FOUR_PLACES = Decimal("0.0001")  # shares and rates are stored as DecimalField(5, 4)


class _Errors(dict[str, list[str]]):
    def add(self, field: str, message: str) -> None:
        self.setdefault(field, []).append(str(message))

    def raise_if_any(self) -> None:
        if self:
            raise ApplicationError(str(INVALID_PROFILE), errors=dict(self))


def _check_can_edit(*, actor: User | None, artist: Artist) -> None:
    """Only the artist who owns the profile (or staff) edits it."""
    if actor is None or not actor.is_authenticated:
        raise PermissionDeniedError(_("Log in to edit an artist profile."))
    if actor.is_staff or (artist.user_id is not None and artist.user_id == actor.pk):
        return
    raise PermissionDeniedError(_("You can only edit your own artist profile."))


def _lock(artist: Artist) -> None:
    # Replace-all writes delete then insert: two concurrent saves must not interleave.
    list(Artist.objects.select_for_update().filter(pk=artist.pk).values_list("pk", flat=True))


def _full_clean(obj, errors: _Errors, *, prefix: str = "", exclude: list[str] | None = None,
                rows: bool = False) -> None:  # fmt: skip
    """full_clean(), its messages added to `errors` under `prefix`. Rows skip the per-row unique
    and constraint queries: the services check duplicates and ranges for the whole list."""
    try:
        if rows:
            obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        else:
            obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            key = prefix + field if field != NON_FIELD_ERRORS else prefix.rstrip(".")
            for message in messages:
                errors.add(key or "non_field_errors", message)


def _as_decimal(value, errors: _Errors, field: str) -> Decimal | None:
    if isinstance(value, bool):
        errors.add(field, _("Enter a number."))
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        errors.add(field, _("Enter a number."))
        return None
    if not number.is_finite():
        errors.add(field, _("Enter a number."))
        return None
    return number


def _as_count(value, errors: _Errors, field: str, *, label: str) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        errors.add(field, _("%(label)s must be a whole number.") % {"label": label})
        return None
    if value < 0:
        errors.add(field, _("%(label)s cannot be negative.") % {"label": label})
        return None
    if value > _MAX_POSITIVE_INT:
        errors.add(field, _("%(label)s is too large.") % {"label": label})
        return None
    return value


def _taxonomy_lookup(model, slugs: Sequence[str], errors: _Errors, field: str, *, what: str,
                     limit: int | None = None) -> list:  # fmt: skip
    wanted = list(dict.fromkeys(str(s).strip() for s in slugs))
    if limit is not None and len(wanted) > limit:
        errors.add(field, _("Choose at most %(n)d %(what)s.") % {"n": limit, "what": what})
    found = {obj.slug: obj for obj in model.objects.filter(slug__in=wanted)}
    unknown = [s for s in wanted if s not in found]
    if unknown:
        errors.add(
            field, _("Unknown %(what)s: %(names)s.") % {"what": what, "names": ", ".join(unknown)}
        )
    return [found[s] for s in wanted if s in found]


@transaction.atomic
def artist_update_identity(
    *,
    artist: Artist,
    actor: User | None,
    stage_name: str | None = None,
    bio: str | None = None,
    city: str | None = None,
    country: str | None = None,
    languages: Sequence[str] | None = None,
    photo: File | None = None,
    remove_photo: bool = False,
) -> Artist:
    """Identity section: stage name, Markdown bio, city, country (ISO 3166-1), languages
    (ISO 639-1) and photo. The photo is checked by content, resized and re-encoded
    (aux.images); the old photo file is deleted once the change is committed. The slug never
    changes, so shared links keep working after a rename."""
    _check_can_edit(actor=actor, artist=artist)
    errors = _Errors()
    if stage_name is not None:
        stage_name = stage_name.strip()
        if not stage_name:
            errors.add("stage_name", _("Your stage name cannot be empty."))
        artist.stage_name = stage_name
    if bio is not None:
        bio = bio.strip()
        if len(bio) > MAX_BIO_LENGTH:
            errors.add("bio", _("Keep the bio under %(n)d characters.") % {"n": MAX_BIO_LENGTH})
        artist.bio = bio
    if city is not None:
        artist.city = city.strip()
    if country is not None:
        country = country.strip().upper()
        if country and country not in countries:
            errors.add(
                "country",
                _("Unknown country code “%(code)s”: use an ISO 3166-1 code such as DE or FR.")
                % {"code": country},
            )
        artist.country = country
    if languages is not None:
        codes = list(
            dict.fromkeys(str(code).strip().lower() for code in languages if str(code).strip())
        )
        unknown = [code for code in codes if code not in LANGUAGE_CODES]
        if unknown:
            errors.add(
                "languages",
                _("Unknown language code: %(codes)s. Use ISO 639-1 codes such as en, fr, pt.")
                % {"codes": ", ".join(unknown)},
            )
        if len(codes) > MAX_LANGUAGES:
            errors.add("languages", _("List at most %(n)d languages.") % {"n": MAX_LANGUAGES})
        artist.languages = codes
    clean_photo = None
    if photo is not None:
        try:
            clean_photo = validate_and_resize_image(photo, max_side=PHOTO_MAX_SIDE)
        except ValidationError as exc:
            for message in exc.messages:
                errors.add("photo", message)
    errors.raise_if_any()

    _lock(artist)
    old_photo = artist.photo.name if (clean_photo is not None or remove_photo) else ""
    if clean_photo is not None:
        artist.photo.save(f"{artist.slug}-{clean_photo.name}", clean_photo, save=False)
    elif remove_photo:
        artist.photo = ""
    _full_clean(artist, errors)
    errors.raise_if_any()
    artist.save()
    if old_photo and old_photo != artist.photo.name:
        storage = artist.photo.storage
        transaction.on_commit(lambda: storage.delete(old_photo))
    audit_record(actor=actor, verb="artist.profile.identity", target=artist)
    return artist


@transaction.atomic
def artist_update_music(
    *,
    artist: Artist,
    actor: User | None,
    genres: Sequence[str] | None = None,
    moods: Sequence[str] | None = None,
    media_links: Sequence[MediaLinkInput] | None = None,
) -> Artist:
    """Music & media section: genres and moods by taxonomy slug (unknown ones refused) and the
    media links (http/https URLs, at most MAX_MEDIA_LINKS, no duplicates; replace-all)."""
    _check_can_edit(actor=actor, artist=artist)
    errors = _Errors()
    genre_objs = mood_objs = None
    if genres is not None:
        genre_objs = _taxonomy_lookup(
            Genre, genres, errors, "genres", what=_("genres"), limit=MAX_GENRES
        )
    if moods is not None:
        mood_objs = _taxonomy_lookup(Mood, moods, errors, "moods", what=_("moods"), limit=MAX_MOODS)
    links: list[MediaLink] = []
    if media_links is not None:
        if len(media_links) > MAX_MEDIA_LINKS:
            errors.add("media_links", _("Add at most %(n)d media links.") % {"n": MAX_MEDIA_LINKS})
        validate_url = URLValidator(schemes=["http", "https"])
        seen: set[str] = set()
        for i, item in enumerate(media_links):
            prefix = f"media_links.{i}."
            url = str(item.get("url") or "").strip()
            kind = str(item.get("kind") or "").strip()
            if kind not in MediaLink.Kind.values:
                errors.add(
                    prefix + "kind",
                    _("Choose one of: %(kinds)s.") % {"kinds": ", ".join(MediaLink.Kind.values)},
                )
            if not url:
                errors.add(prefix + "url", _("Enter the link's URL."))
            else:
                try:
                    validate_url(url)
                except ValidationError:
                    errors.add(prefix + "url", _("Enter a full http:// or https:// URL."))
                if url in seen:
                    errors.add(prefix + "url", _("This link is listed twice."))
                seen.add(url)
            link = MediaLink(
                artist=artist, kind=kind, title=str(item.get("title") or "").strip(), url=url
            )
            _full_clean(link, errors, prefix=prefix, exclude=["artist", "kind", "url"], rows=True)
            links.append(link)
    errors.raise_if_any()

    _lock(artist)
    if genre_objs is not None:
        artist.genres.set(genre_objs)
    if mood_objs is not None:
        artist.moods.set(mood_objs)
    if media_links is not None:
        artist.media_links.all().delete()
        MediaLink.objects.bulk_create(links)
    Artist.objects.filter(pk=artist.pk).update(updated_at=timezone.now())
    audit_record(actor=actor, verb="artist.profile.music", target=artist)
    return artist


def _shares(items, errors: _Errors, *, field: str, key: str, valid: Callable[[str], bool],
            key_error: str, label: Callable[[str], str]) -> list[tuple[str, Decimal]]:  # fmt: skip
    """Validate a list of {key, share}: known keys, no duplicates, each share in [0, 1] with at
    most 4 decimals, and the total at most 1."""
    out: list[tuple[str, Decimal]] = []
    seen: set[str] = set()
    total = Decimal(0)
    for i, item in enumerate(items):
        prefix = f"{field}.{i}."
        code = str(item.get(key) or "").strip()
        if key == "country":
            code = code.upper()
        if not valid(code):
            errors.add(prefix + key, key_error % {"code": code})
        elif code in seen:
            errors.add(prefix + key, _("%(name)s is listed twice.") % {"name": label(code)})
        seen.add(code)
        share = _as_decimal(item.get("share"), errors, prefix + "share")
        if share is None:
            continue
        if share < 0 or share > 1:
            errors.add(prefix + "share", _("A share must be between 0 and 1 (e.g. 0.25 for 25%)."))
            continue
        if share != share.quantize(_FOUR_PLACES):
            errors.add(prefix + "share", _("Use at most 4 decimal places."))
            continue
        share = share.quantize(_FOUR_PLACES)
        total += share
        out.append((code, share))
    if total > 1:
        errors.add(
            field,
            _("The shares add up to %(total)s (%(pct)s%%); together they must be at most 1.")
            # ":f": normalize() alone writes 130 as 1.3E+2.
            % {"total": f"{total.normalize():f}", "pct": f"{(total * 100).normalize():f}"},
        )
    return out


# Translated when a message is shown, not on every call: the CSV import checks a row at a time.
_UNKNOWN_COUNTRY = gettext_lazy(
    "Unknown country code “%(code)s”: use an ISO 3166-1 code such as DE."
)
_UNKNOWN_BUCKET = gettext_lazy("Unknown age bucket “%(code)s”; use one of: ")


@functools.cache
def _country_codes() -> frozenset[str]:
    return frozenset(code for code, _name in countries)


def check_audience_countries(
    items: Sequence[CountryShareInput],
) -> tuple[list[tuple[str, Decimal]], dict[str, list[str]]]:
    """The audience-by-country rule, in one place for the profile services and the CSV import:
    at most MAX_AUDIENCE_COUNTRIES ISO 3166-1 codes, each once, each share in [0, 1] with at
    most 4 decimals, summing to at most 1. Returns the clean (code, share) rows and the problems
    keyed "audience_countries" / "audience_countries.<i>.<key>" (empty when valid)."""
    errors = _Errors()
    if len(items) > MAX_AUDIENCE_COUNTRIES:
        errors.add(
            "audience_countries", _("List at most %(n)d countries.") % {"n": MAX_AUDIENCE_COUNTRIES}
        )
    rows = _shares(
        items, errors, field="audience_countries", key="country",
        valid=_country_codes().__contains__, key_error=_UNKNOWN_COUNTRY,
        label=lambda code: str(countries.name(code) or code),
    )  # fmt: skip
    return rows, dict(errors)


def check_audience_ages(
    items: Sequence[AgeShareInput],
) -> tuple[list[tuple[str, Decimal]], dict[str, list[str]]]:
    """The audience-by-age rule (profile services and CSV import): known buckets, each once,
    shares as for countries. Returns the clean rows and the problems (empty when valid)."""
    errors = _Errors()
    buckets = dict(AgeShare.Bucket.choices)
    rows = _shares(
        items, errors, field="audience_ages", key="bucket",
        valid=lambda code: code in buckets,
        key_error=format_lazy("{}{}.", _UNKNOWN_BUCKET, ", ".join(buckets)),
        label=lambda code: str(buckets.get(code, code)),
    )  # fmt: skip
    return rows, dict(errors)


@transaction.atomic
def artist_update_audience(
    *,
    artist: Artist,
    actor: User | None,
    monthly_listeners: int | None = None,
    followers: Mapping[str, int] | None = None,
    engagement_rate: Decimal | str | None = None,
    audience_countries: Sequence[CountryShareInput] | None = None,
    audience_ages: Sequence[AgeShareInput] | None = None,
) -> Artist:
    """Audience section: monthly listeners, followers per platform (PLATFORMS only, counts ≥ 0),
    engagement rate in [0, 1], and the audience by country and by age bucket: each share in
    [0, 1], each country or bucket once, shares summing to at most 1 (replace-all)."""
    _check_can_edit(actor=actor, artist=artist)
    errors = _Errors()
    if monthly_listeners is not None:
        value = _as_count(
            monthly_listeners, errors, "monthly_listeners", label=_("Monthly listeners")
        )
        if value is not None:
            artist.monthly_listeners = value
    if followers is not None:
        clean_followers: dict[str, int] = {}
        for platform, count in dict(followers).items():
            name = str(platform).strip().lower()
            if name not in PLATFORM_CODES:
                errors.add(
                    f"followers.{platform}",
                    _("Unknown platform “%(name)s”; use one of: %(names)s.")
                    % {"name": platform, "names": ", ".join(code for code, _l in PLATFORMS)},
                )
                continue
            value = _as_count(count, errors, f"followers.{name}", label=_("Followers"))
            if value is not None:
                clean_followers[name] = value
        # Stored in the fixed platform order so exports and diffs are stable.
        artist.followers = {
            code: clean_followers[code] for code, _l in PLATFORMS if code in clean_followers
        }
    if engagement_rate is not None:
        rate = _as_decimal(engagement_rate, errors, "engagement_rate")
        if rate is not None:
            if rate < 0 or rate > 1:
                errors.add(
                    "engagement_rate",
                    _("The engagement rate must be between 0 and 1 (e.g. 0.05 for 5%)."),
                )
            elif rate != rate.quantize(_FOUR_PLACES):
                errors.add("engagement_rate", _("Use at most 4 decimal places."))
            else:
                artist.engagement_rate = rate.quantize(_FOUR_PLACES)
    country_rows = age_rows = None
    if audience_countries is not None:
        country_rows, problems = check_audience_countries(audience_countries)
        for field, messages in problems.items():
            for message in messages:
                errors.add(field, message)
    if audience_ages is not None:
        age_rows, problems = check_audience_ages(audience_ages)
        for field, messages in problems.items():
            for message in messages:
                errors.add(field, message)
    errors.raise_if_any()

    _lock(artist)
    _full_clean(artist, errors)
    errors.raise_if_any()
    artist.save()
    if country_rows is not None:
        artist.audience_shares.all().delete()
        AudienceShare.objects.bulk_create(
            [AudienceShare(artist=artist, country=c, share=s) for c, s in country_rows]
        )
    if age_rows is not None:
        artist.age_shares.all().delete()
        AgeShare.objects.bulk_create(
            [AgeShare(artist=artist, bucket=b, share=s) for b, s in age_rows]
        )
    audit_record(actor=actor, verb="artist.profile.audience", target=artist)
    return artist


@transaction.atomic
def artist_set_rates(*, artist: Artist, actor: User | None, rates: Sequence[RateInput]) -> Artist:
    """Rates section (replace-all): one minimum fee per deliverable type, in minor units ≥ 0,
    currency EUR, USD or GBP; each deliverable type at most once."""
    _check_can_edit(actor=actor, artist=artist)
    errors = _Errors()
    types = {t.slug: t for t in DeliverableType.objects.all()}
    rows: list[Rate] = []
    seen: set[str] = set()
    for i, item in enumerate(rates):
        prefix = f"rates.{i}."
        slug = str(item.get("deliverable_type") or "").strip()
        if slug not in types:
            errors.add(
                prefix + "deliverable_type",
                _("Unknown deliverable type “%(slug)s”.") % {"slug": slug},
            )
        elif slug in seen:
            errors.add(
                prefix + "deliverable_type",
                _("%(name)s has two rates; keep one.") % {"name": types[slug].name},
            )
        seen.add(slug)
        fee = item.get("min_fee")
        if isinstance(fee, bool) or not isinstance(fee, int):
            errors.add(prefix + "min_fee", _("The minimum fee must be a whole number of cents."))
        elif fee < 0:
            errors.add(prefix + "min_fee", _("The minimum fee cannot be negative."))
        elif fee > _MAX_POSITIVE_INT:
            errors.add(prefix + "min_fee", _("The minimum fee is too large."))
        currency = str(item.get("currency") or "").strip().upper()
        if currency not in Currency.values:
            errors.add(
                prefix + "currency", _("Choose one of: %(c)s.") % {"c": ", ".join(Currency.values)}
            )
        if slug in types:
            rows.append(
                Rate(artist=artist, deliverable_type=types[slug], min_fee=fee, currency=currency)
            )
    errors.raise_if_any()

    _lock(artist)
    artist.rates.all().delete()
    Rate.objects.bulk_create(rows)
    artists_fees_refresh(artist_ids=[artist.pk])
    Artist.objects.filter(pk=artist.pk).update(updated_at=timezone.now())
    audit_record(actor=actor, verb="artist.profile.rates", target=artist)
    return artist


@transaction.atomic
def artist_set_unavailability(
    *, artist: Artist, actor: User | None, unavailability: Sequence[UnavailabilityInput]
) -> Artist:
    """Availability section (replace-all): date ranges (inclusive) in which the artist cannot be
    booked; end ≥ start, and no two ranges overlap (the error names both, so the artist can
    merge them)."""
    _check_can_edit(actor=actor, artist=artist)
    errors = _Errors()
    if len(unavailability) > MAX_UNAVAILABILITIES:
        errors.add("unavailability", _("List at most %(n)d periods.") % {"n": MAX_UNAVAILABILITIES})
    periods: list[tuple[int, Unavailability]] = []
    for i, item in enumerate(unavailability):
        prefix = f"unavailability.{i}."
        start, end = item.get("start"), item.get("end")
        ok = True
        for name, value in (("start", start), ("end", end)):
            if not isinstance(value, date):
                errors.add(prefix + name, _("Enter a valid date."))
                ok = False
        if ok and end < start:
            errors.add(prefix + "end", _("The end date is before the start date."))
            ok = False
        row = Unavailability(
            artist=artist, start=start, end=end, note=str(item.get("note") or "").strip()
        )
        _full_clean(row, errors, prefix=prefix, exclude=["artist", "start", "end"], rows=True)
        if ok:
            periods.append((i, row))
    ordered = sorted(periods, key=lambda p: (p[1].start, p[1].end))
    for (_i, earlier), (j, later) in itertools.pairwise(ordered):
        if later.start <= earlier.end:
            errors.add(
                f"unavailability.{j}.start",
                _("%(b)s overlaps %(a)s: merge them into one period or change the dates.")
                % {"a": _period(earlier), "b": _period(later)},
            )
    errors.raise_if_any()

    _lock(artist)
    artist.unavailabilities.all().delete()
    Unavailability.objects.bulk_create([row for _i, row in ordered])
    Artist.objects.filter(pk=artist.pk).update(updated_at=timezone.now())
    audit_record(actor=actor, verb="artist.profile.availability", target=artist)
    return artist


def _period(row: Unavailability) -> str:
    return f"{row.start.isoformat()} – {row.end.isoformat()}"


@transaction.atomic
def artist_update_values(
    *, artist: Artist, actor: User | None, refused_categories: Sequence[str]
) -> Artist:
    """Values section: the brand categories (by slug) the artist refuses to work with. Matching
    never proposes the artist to a brand of a refused category."""
    _check_can_edit(actor=actor, artist=artist)
    errors = _Errors()
    found = _taxonomy_lookup(BrandCategory, refused_categories, errors, "refused_categories",
                             what=_("brand categories"))  # fmt: skip
    errors.raise_if_any()
    _lock(artist)
    artist.refused_categories.set(found)
    Artist.objects.filter(pk=artist.pk).update(updated_at=timezone.now())
    audit_record(actor=actor, verb="artist.profile.values", target=artist)
    return artist


@transaction.atomic
def artist_set_deposit(*, artist: Artist, actor: User | None, deposit_percent: int) -> Artist:
    """Rates section: the deposit share of the fees of live work paid on funding, a whole
    percent from 0 to 50 (campaigns.bookings.terms). New offers record it; signed contracts keep
    the share they were signed with."""
    _check_can_edit(actor=actor, artist=artist)
    if (
        isinstance(deposit_percent, bool)
        or not isinstance(deposit_percent, int)
        or not (0 <= deposit_percent <= 50)
    ):
        raise ApplicationError(
            str(INVALID_PROFILE),
            errors={"deposit_percent": [_("The deposit is a whole percent from 0 to 50.")]},
        )
    _lock(artist)
    Artist.objects.filter(pk=artist.pk).update(
        deposit_bps=deposit_percent * 100, updated_at=timezone.now()
    )
    artist.deposit_bps = deposit_percent * 100
    audit_record(actor=actor, verb="artist.profile.deposit", target=artist,
                 deposit_bps=artist.deposit_bps)  # fmt: skip
    return artist


PROFILE_SECTIONS: tuple[tuple[Callable[..., Artist], tuple[str, ...]], ...] = (
    (artist_set_deposit, ("deposit_percent",)),
    (
        artist_update_identity,
        ("stage_name", "bio", "city", "country", "languages", "photo", "remove_photo"),
    ),
    (artist_update_music, ("genres", "moods", "media_links")),
    (
        artist_update_audience,
        (
            "monthly_listeners",
            "followers",
            "engagement_rate",
            "audience_countries",
            "audience_ages",
        ),
    ),
    (artist_set_rates, ("rates",)),
    (artist_set_unavailability, ("unavailability",)),
    (artist_update_values, ("refused_categories",)),
)


@transaction.atomic
def artist_profile_update(*, artist: Artist, actor: User | None, **changes) -> Artist:
    """Several sections at once (the own-profile API's PATCH): each given field goes through
    its section's service; every section's errors are reported together and, if there is any,
    nothing is saved."""
    unknown = set(changes) - {key for _s, keys in PROFILE_SECTIONS for key in keys}
    if unknown:
        raise ApplicationError(
            str(INVALID_PROFILE), errors={key: [_("Unknown field.")] for key in sorted(unknown)}
        )
    _check_can_edit(actor=actor, artist=artist)
    errors = _Errors()
    for service, keys in PROFILE_SECTIONS:
        kwargs = {key: changes[key] for key in keys if key in changes}
        if not kwargs:
            continue
        try:
            with transaction.atomic():
                service(artist=artist, actor=actor, **kwargs)
        except PermissionDeniedError:
            raise
        except ApplicationError as exc:
            for field, messages in (exc.errors or {"non_field_errors": [exc.message]}).items():
                for message in messages:
                    errors.add(field, message)
    errors.raise_if_any()
    return artist


@transaction.atomic
def artist_set_verified(*, actor: User, artist: Artist, verified: bool) -> Artist:
    """Staff mark an artist verified (recording who and when) or take the mark away.

    Setting the state the artist already has changes nothing and records nothing.
    """
    if not actor.is_staff:
        raise PermissionDeniedError(gettext("Only staff can verify artists."))
    artist = Artist.objects.select_for_update().get(pk=artist.pk)
    if artist.verified == verified:
        return artist
    artist.verified = verified
    artist.verified_at = timezone.now() if verified else None
    artist.verified_by = actor if verified else None
    artist.save(update_fields=["verified", "verified_at", "verified_by", "updated_at"])
    audit_record(
        actor=actor, verb="artist.verified" if verified else "artist.unverified", target=artist
    )
    return artist
