"""Bulk import and update of artist profiles from a CSV file (`manage.py import_artists`).

The file is UTF-8 (a BOM is fine) with a header row. Rows are matched to artists by `slug`:
a new slug creates an (unclaimed) artist, a known slug updates that artist. Columns may come in
any order; only `slug` is required, and `stage_name` is required for rows that create an artist.
A column present in the header is authoritative: an empty cell clears that value (lists become
empty, numbers 0, `verified` false). A column absent from the header leaves the value alone.

Columns (lists are separated by `;`, pairs by `:`):

    slug               the artist's unique slug (letters, digits, - and _; at most 60)
    stage_name         the artist's name (at most 120 characters)
    country            ISO-3166 alpha-2 code, e.g. DE
    city               at most 80 characters
    bio                Markdown text
    genres             genre slugs from the taxonomy, e.g. house;deep-house (at most 5)
    moods              mood slugs, e.g. euphoric;chill (at most 5)
    languages          ISO 639-1 codes, e.g. en;de
    refused_categories brand category slugs the artist refuses, e.g. alcohol;gambling
    monthly_listeners  whole number >= 0
    engagement_rate    decimal between 0 and 1, e.g. 0.043
    followers          platform:count pairs, e.g. spotify:12000;instagram:5400
    first_release_year year of the artist's first release, e.g. 2019 (empty: unknown)
    verified           true/false (also yes/no, 1/0); becoming verified records the time
    rates              deliverable-slug:CURRENCY:min-fee-in-minor-units,
                       e.g. live-show:EUR:150000;social-post:EUR:80000
    audience           country:share pairs, shares in [0, 1] summing to at most 1,
                       e.g. DE:0.4;FR:0.2
    ages               age-bucket:share pairs (13-17, 18-24, 25-34, 35-44, 45-54, 55-64, 65+),
                       e.g. 18-24:0.5;25-34:0.3
    media              kind=url entries separated by `|` (URLs may contain `;`), kinds: track,
                       video, press_kit, social, website, e.g.
                       track=https://example.com/a|video=https://example.com/b
    unavailable        date ranges start..end (ISO dates, inclusive) or single dates,
                       e.g. 2026-07-01..2026-07-14;2026-08-03

A row with any invalid field is skipped whole and reported with its line number, the column and
the reason; every other row is imported. Audience shares follow the profile's own rule (the same
check function: at most 50 countries, shares summing to at most 1). With
`skip_unknown_genres`, genres missing from the taxonomy are dropped with a warning for the row
instead of rejecting it.

Duplicates are reported, one line each: a slug given again (the first row is kept; the later one
is not imported, and the report says whether it was identical or which columns differ), and
another slug with the same stage name (case and spacing ignored) in the same file: both are
imported, and the report names the columns that differ so the operator can check.

Lists and rates given for an artist replace that artist's previous ones. Running the same file
twice gives the same result.

How it is fast: rows are parsed and checked in Python, then written in batches with one
`bulk_create(update_conflicts=True, unique_fields=["slug"])` upsert for the artists and one
delete + one bulk insert per related table (M2M through tables included); no per-row save().
"""

import csv
import hashlib
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, TextIO

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import connection, transaction
from django.utils import timezone
from django_countries import countries

from aux.money import Currency
from brands.models import BrandCategory

from .constants import (
    LANGUAGE_CODES,
    MAX_BIO_LENGTH,
    MAX_GENRES,
    MAX_LANGUAGES,
    MAX_MEDIA_LINKS,
    MAX_MOODS,
    MAX_UNAVAILABILITIES,
    PLATFORM_CODES,
)
from .hooks import artists_bulk_changed
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
from .services import artists_search_tags_refresh, check_audience_ages, check_audience_countries

COLUMNS: dict[str, str] = {
    "slug": "unique slug (required)",
    "stage_name": "name (required for new artists)",
    "country": "ISO-3166 alpha-2 code",
    "city": "city",
    "bio": "Markdown bio",
    "genres": "genre slugs, ;-separated",
    "moods": "mood slugs, ;-separated",
    "languages": "ISO 639-1 codes, ;-separated",
    "refused_categories": "brand category slugs, ;-separated",
    "monthly_listeners": "whole number >= 0",
    "engagement_rate": "decimal 0-1",
    "followers": "platform:count;...",
    "first_release_year": "year, e.g. 2019",
    "verified": "true/false",
    "rates": "deliverable:CUR:minor_units;...",
    "audience": "CC:share;...",
    "ages": "bucket:share;...",
    "media": "kind=url|kind=url",
    "unavailable": "YYYY-MM-DD..YYYY-MM-DD;...",
}
# Columns that map straight onto an Artist field (after parsing).
SCALAR_COLUMNS = {
    "stage_name": "stage_name",
    "country": "country",
    "city": "city",
    "bio": "bio",
    "languages": "languages",
    "monthly_listeners": "monthly_listeners",
    "engagement_rate": "engagement_rate",
    "followers": "followers",
    "first_release_year": "first_release_year",
}
SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]{1,60}$")
MAX_INT = 2_147_483_647
FOUR_PLACES = Decimal("0.0001")
COUNTRY_CODES = frozenset(code for code, _name in countries)
AGE_BUCKETS = frozenset(AgeShare.Bucket.values)
MEDIA_KINDS = frozenset(MediaLink.Kind.values)
CURRENCIES = frozenset(Currency.values)
TRUE = {"true", "yes", "1", "y", "t"}
FALSE = {"false", "no", "0", "n", "f", ""}
_url_validator = URLValidator(schemes=["http", "https"])


class ImportFormatError(Exception):
    """The file itself cannot be imported (no header, unknown or missing columns)."""


@dataclass(frozen=True)
class RowError:
    """One problem with one row: the file line it starts on, the column and why."""

    line: int
    slug: str
    field: str
    reason: str

    def __str__(self) -> str:
        who = f" ({self.slug})" if self.slug else ""
        return f"line {self.line}{who}, {self.field}: {self.reason}"


@dataclass(frozen=True)
class Duplicate:
    """A row that repeats an earlier one: the same slug, or the same stage name."""

    line: int
    slug: str
    first_line: int
    first_slug: str
    same: str  # "slug" or "stage name"
    differing: tuple[str, ...]  # the columns whose values differ (empty: identical)

    def __str__(self) -> str:
        how = f"different {', '.join(self.differing)}" if self.differing else "identical"
        where = f"line {self.line} ({self.slug})"
        if self.same == "slug":
            return f"{where}: same slug as line {self.first_line}, {how}; not imported"
        return (
            f"{where}: same stage name as line {self.first_line} "
            f"({self.first_slug}), {how}; imported both, check whether they are one artist"
        )


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)

    @property
    def rejected_rows(self) -> int:
        return len({e.line for e in self.errors})


@dataclass
class _Row:
    line: int
    slug: str
    scalars: dict[str, Any]
    verified: bool | None = None
    genres: list[int] | None = None
    moods: list[int] | None = None
    tag_names: tuple[list[str], list[str]] = ([], [])
    categories: list[int] | None = None
    rates: list[tuple[int, int, str]] | None = None
    audience: list[tuple[str, Decimal]] | None = None
    ages: list[tuple[str, Decimal]] | None = None
    media: list[tuple[str, str]] | None = None
    unavailable: list[tuple[date, date]] | None = None


class _Taxonomy:
    """Slug → (id, name) maps, loaded once per import."""

    def __init__(self) -> None:
        self.genres = {s: (i, n) for i, s, n in Genre.objects.values_list("id", "slug", "name")}
        self.moods = {s: (i, n) for i, s, n in Mood.objects.values_list("id", "slug", "name")}
        self.deliverables = dict(DeliverableType.objects.values_list("slug", "id"))
        self.categories = dict(BrandCategory.objects.values_list("slug", "id"))


class _RowErrors(Exception):
    pass


def _split(value: str, sep: str = ";") -> list[str]:
    return [part.strip() for part in value.split(sep) if part.strip()]


def _decimal_share(text: str) -> Decimal:
    try:
        share = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{text!r} is not a number") from None
    if not share.is_finite() or share < 0 or share > 1:
        raise ValueError(f"{text} is not between 0 and 1")
    if share != share.quantize(FOUR_PLACES):
        raise ValueError(f"{text} has more than 4 decimal places")
    return share.quantize(FOUR_PLACES)


class _Parser:
    def __init__(
        self, header: list[str], taxonomy: _Taxonomy, *, skip_unknown_genres: bool = False
    ) -> None:
        self.header = header
        self.present = set(header)
        self.tax = taxonomy
        self.skip_unknown_genres = skip_unknown_genres
        self.warnings: list[RowError] = []

    def parse(self, line: int, record: dict[str, str]) -> tuple[_Row | None, list[RowError]]:
        """The row (None if invalid) and its problems; warnings for a row that is imported
        (skipped unknown genres) are added to `self.warnings`."""
        slug = (record.get("slug") or "").strip()
        errors: list[RowError] = []
        self._line, self._slug, self._warnings = line, slug, []

        def err(column: str, reason: str) -> None:
            errors.append(RowError(line, slug, column, reason))

        if not slug:
            err("slug", "required")
        elif not SLUG_RE.match(slug):
            err("slug", "use only letters, digits, - and _ (at most 60)")
        row = _Row(line=line, slug=slug, scalars={})
        for column in self.header:
            if column == "slug":
                continue
            raw = record.get(column)
            value = (raw or "").strip()
            try:
                self._column(row, column, value)
            except ValueError as exc:
                err(column, str(exc))
        if not errors:
            self.warnings.extend(self._warnings)
        return (None if errors else row), errors

    def _column(self, row: _Row, column: str, value: str) -> None:
        s = row.scalars
        if column == "stage_name":
            if not value:
                raise ValueError("required")
            if len(value) > 120:
                raise ValueError("at most 120 characters")
            s["stage_name"] = value
        elif column == "country":
            code = value.upper()
            if code and code not in COUNTRY_CODES:
                raise ValueError(f"{value!r} is not an ISO-3166 country code")
            s["country"] = code
        elif column == "city":
            if len(value) > 80:
                raise ValueError("at most 80 characters")
            s["city"] = value
        elif column == "bio":
            if len(value) > MAX_BIO_LENGTH:
                raise ValueError(f"at most {MAX_BIO_LENGTH} characters")
            s["bio"] = value
        elif column == "languages":
            codes = [c.lower() for c in _split(value)]
            unknown = [c for c in codes if c not in LANGUAGE_CODES]
            if unknown:
                raise ValueError(f"unknown language code(s): {', '.join(unknown)}")
            codes = list(dict.fromkeys(codes))
            if len(codes) > MAX_LANGUAGES:
                raise ValueError(f"at most {MAX_LANGUAGES} languages")
            s["languages"] = codes
        elif column == "monthly_listeners":
            s["monthly_listeners"] = self._count(value)
        elif column == "engagement_rate":
            s["engagement_rate"] = _decimal_share(value) if value else Decimal(0)
        elif column == "followers":
            followers: dict[str, int] = {}
            for part in _split(value):
                platform, _sep, count = part.partition(":")
                platform = platform.strip().lower()
                if platform not in PLATFORM_CODES:
                    raise ValueError(f"unknown platform {platform!r}")
                followers[platform] = self._count(count.strip())
            s["followers"] = followers
        elif column == "first_release_year":
            year = int(value) if value.isdigit() else None
            if value and not (year and 1900 <= year <= 2100):
                raise ValueError(f"{value!r} is not a year between 1900 and 2100")
            s["first_release_year"] = year
        elif column == "verified":
            flag = value.lower()
            if flag not in TRUE | FALSE:
                raise ValueError(f"{value!r} is not true or false")
            row.verified = flag in TRUE
        elif column in ("genres", "moods"):
            table = self.tax.genres if column == "genres" else self.tax.moods
            slugs = list(dict.fromkeys(_split(value)))
            unknown = [g for g in slugs if g not in table]
            if unknown and column == "genres" and self.skip_unknown_genres:
                self._warnings.append(
                    RowError(self._line, self._slug, column,
                             f"unknown genres skipped: {', '.join(unknown)}")
                )  # fmt: skip
                slugs = [g for g in slugs if g in table]
            elif unknown:
                raise ValueError(f"unknown {column}: {', '.join(unknown)}")
            limit = MAX_GENRES if column == "genres" else MAX_MOODS
            if len(slugs) > limit:
                raise ValueError(f"at most {limit} {column}")
            ids = [table[g][0] for g in slugs]
            names = [table[g][1] for g in slugs]
            if column == "genres":
                row.genres = ids
                row.tag_names = (names, row.tag_names[1])
            else:
                row.moods = ids
                row.tag_names = (row.tag_names[0], names)
        elif column == "refused_categories":
            slugs = list(dict.fromkeys(_split(value)))
            unknown = [c for c in slugs if c not in self.tax.categories]
            if unknown:
                raise ValueError(f"unknown brand categories: {', '.join(unknown)}")
            row.categories = [self.tax.categories[c] for c in slugs]
        elif column == "rates":
            rates: dict[int, tuple[int, int, str]] = {}
            for part in _split(value):
                bits = part.split(":")
                if len(bits) != 3:
                    raise ValueError(f"{part!r} is not deliverable:CURRENCY:amount")
                slug, currency, amount = (b.strip() for b in bits)
                if slug not in self.tax.deliverables:
                    raise ValueError(f"unknown deliverable type {slug!r}")
                currency = currency.upper()
                if currency not in CURRENCIES:
                    raise ValueError(f"unsupported currency {currency!r}")
                type_id = self.tax.deliverables[slug]
                if type_id in rates:
                    raise ValueError(f"{slug} is given twice")
                rates[type_id] = (type_id, self._count(amount, what="fee"), currency)
            row.rates = list(rates.values())
        elif column in ("audience", "ages"):
            # The profile's own rule (artists.services), so an import cannot store an audience
            # the dashboard would refuse: only the key:share syntax is the file's business.
            key_name = "country" if column == "audience" else "bucket"
            items = []
            for part in _split(value):
                key, sep, share = part.rpartition(":")
                if not sep or not key.strip():
                    raise ValueError(f"{part!r} is not key:share")
                items.append({key_name: key.strip(), "share": share.strip()})
            check = check_audience_countries if column == "audience" else check_audience_ages
            shares, problems = check(items)
            if problems:
                raise ValueError(" ".join(m for ms in problems.values() for m in ms))
            setattr(row, column, shares)
        elif column == "media":
            links = []
            for part in _split(value, "|"):
                kind, sep, url = part.partition("=")
                kind, url = kind.strip().lower(), url.strip()
                if not sep or kind not in MEDIA_KINDS:
                    kinds = ", ".join(sorted(MEDIA_KINDS))
                    raise ValueError(f"{part!r} is not kind=url with a kind of {kinds}")
                if len(url) > 500:
                    raise ValueError("a URL is longer than 500 characters")
                try:
                    _url_validator(url)
                except ValidationError:
                    raise ValueError(f"{url!r} is not a valid http(s) URL") from None
                links.append((kind, url))
            if len(links) > MAX_MEDIA_LINKS:
                raise ValueError(f"at most {MAX_MEDIA_LINKS} links")
            row.media = links
        elif column == "unavailable":
            periods = []
            for part in _split(value):
                start_s, _sep, end_s = part.partition("..")
                try:
                    start = date.fromisoformat(start_s.strip())
                    end = date.fromisoformat(end_s.strip()) if end_s.strip() else start
                except ValueError:
                    raise ValueError(f"{part!r} is not YYYY-MM-DD..YYYY-MM-DD") from None
                if end < start:
                    raise ValueError(f"{part!r} ends before it starts")
                periods.append((start, end))
            if len(periods) > MAX_UNAVAILABILITIES:
                raise ValueError(f"at most {MAX_UNAVAILABILITIES} periods")
            row.unavailable = periods

    @staticmethod
    def _count(value: str, *, what: str = "number") -> int:
        if not value:
            return 0
        if not value.isdigit():
            raise ValueError(f"{value!r} is not a whole {what} >= 0")
        number = int(value)
        if number > MAX_INT:
            raise ValueError(f"{value} is too large")
        return number


def _records(reader: csv.DictReader) -> Iterator[tuple[int, dict[str, str]]]:
    """(line the record starts on, record): quoted cells may span lines."""
    last = reader.line_num
    for record in reader:
        yield last + 1, record
        last = reader.line_num


def _header(reader: csv.DictReader) -> list[str]:
    if not reader.fieldnames:
        raise ImportFormatError("The file is empty: expected a header row.")
    header = [(name or "").strip() for name in reader.fieldnames]
    reader.fieldnames = header
    unknown = [c for c in header if c not in COLUMNS]
    if unknown:
        raise ImportFormatError(
            f"Unknown column(s): {', '.join(unknown)}. Known columns: {', '.join(COLUMNS)}."
        )
    duplicated = sorted({c for c in header if header.count(c) > 1})
    if duplicated:
        raise ImportFormatError(f"Column(s) given twice: {', '.join(duplicated)}.")
    if "slug" not in header:
        raise ImportFormatError("The header has no `slug` column.")
    return header


class _Writer:
    """Writes one batch of valid rows with bulk statements."""

    def __init__(self, header: list[str], result: ImportResult) -> None:
        self.header = set(header)
        self.result = result
        self.update_fields = [SCALAR_COLUMNS[c] for c in header if c in SCALAR_COLUMNS]
        if "verified" in self.header:
            self.update_fields += ["verified", "verified_at", "verified_by"]
        # Full-text search reads genre/mood names from the row: keep them in step.
        self.tags_inline = {"genres", "moods"} <= self.header
        self.tags_later = bool({"genres", "moods"} & self.header) and not self.tags_inline
        if self.tags_inline:
            self.update_fields.append("search_tags")
        # Search's lowest fee in EUR (artists/search.py) is written with the row.
        self.fees_inline = "rates" in self.header
        if self.fees_inline:
            self.update_fields.append("lowest_fee_eur")
        self.update_fields.append("updated_at")
        self.refresh_ids: list[int] = []

    def write(self, rows: list[_Row]) -> None:
        if not rows:
            return
        existing = {
            slug: (pk, verified, verified_at, verified_by)
            for slug, pk, verified, verified_at, verified_by in Artist.objects.filter(
                slug__in=[r.slug for r in rows]
            ).values_list("slug", "pk", "verified", "verified_at", "verified_by")
        }
        now = timezone.now()
        artists: list[Artist] = []
        kept: list[_Row] = []
        for row in rows:
            current = existing.get(row.slug)
            if current is None and "stage_name" not in row.scalars:
                self.result.errors.append(
                    RowError(row.line, row.slug, "stage_name", "required for a new artist")
                )
                continue
            artist = Artist(slug=row.slug, **row.scalars)
            if row.verified is not None:
                was_verified = current is not None and current[1]
                artist.verified = row.verified
                if row.verified and was_verified:
                    artist.verified_at, artist.verified_by_id = current[2], current[3]
                elif row.verified:
                    artist.verified_at = now
            if self.tags_inline:
                artist.search_tags = " ".join(row.tag_names[0] + row.tag_names[1])
            if self.fees_inline:
                artist.lowest_fee_eur = min(
                    (artist_fee_in_eur(fee, cur) for _t, fee, cur in row.rates or ()),
                    default=None,
                )
            artists.append(artist)
            kept.append(row)
        if not artists:
            return
        Artist.objects.bulk_create(
            artists,
            update_conflicts=True,
            unique_fields=["slug"],
            update_fields=self.update_fields,
        )
        ids = dict(Artist.objects.filter(slug__in=[r.slug for r in kept]).values_list("slug", "pk"))
        created = sum(1 for r in kept if r.slug not in existing)
        self.result.created += created
        self.result.updated += len(kept) - created
        pairs = [(ids[r.slug], r) for r in kept]
        existing_ids = [pk for pk, r in pairs if r.slug in existing]
        for column, model, columns, values in self._children():
            if column not in self.header:
                continue
            self._delete(model, existing_ids)
            self._insert(model, columns, [(pk, *v) for pk, r in pairs for v in values(r) or ()])
        if self.tags_later:
            self.refresh_ids.extend(pk for pk, _r in pairs)

    @staticmethod
    def _children():
        """(CSV column, table, its columns after artist_id, row -> value tuples)."""
        genres, moods = Artist.genres.through, Artist.moods.through
        categories = Artist.refused_categories.through
        return (
            ("genres", genres, ["genre_id"], lambda r: [(g,) for g in r.genres]),
            ("moods", moods, ["mood_id"], lambda r: [(m,) for m in r.moods]),
            (
                "refused_categories",
                categories,
                ["brandcategory_id"],
                lambda r: [(c,) for c in r.categories],
            ),
            (
                "rates",
                Rate,
                ["deliverable_type_id", "min_fee", "currency"],
                lambda r: r.rates,
            ),
            ("audience", AudienceShare, ["country", "share"], lambda r: r.audience),
            ("ages", AgeShare, ["bucket", "share"], lambda r: r.ages),
            (
                "media",
                MediaLink,
                ["kind", "title", "url"],
                lambda r: [(k, "", u) for k, u in r.media],
            ),
            (
                "unavailable",
                Unavailability,
                ["start", "end", "note"],
                lambda r: [(a.isoformat(), b.isoformat(), "") for a, b in r.unavailable],
            ),
        )

    # The related rows are plain tuples written with multi-row INSERTs: building a model
    # instance per row (bulk_create) costs more than the database work itself at this volume.
    # Values are ints and strings (dates ISO, shares as decimal text), which both PostgreSQL and
    # SQLite take for their integer, numeric, text and date columns.

    @staticmethod
    def _delete(model, artist_ids: list[int]) -> None:
        if not artist_ids:
            return
        qn = connection.ops.quote_name
        with connection.cursor() as cursor:
            for start in range(0, len(artist_ids), 5000):
                chunk = artist_ids[start : start + 5000]
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(
                    f"DELETE FROM {qn(model._meta.db_table)} WHERE {qn('artist_id')} IN ({marks})",  # noqa: S608 - names from _meta, values bound
                    chunk,
                )

    @staticmethod
    def _insert(model, columns: list[str], rows: list[tuple]) -> None:
        if not rows:
            return
        qn = connection.ops.quote_name
        names = ["artist_id", *columns]
        table = qn(model._meta.db_table)
        column_list = ", ".join(qn(n) for n in names)
        with connection.cursor() as cursor:
            copy = getattr(cursor.cursor, "copy_expert", None)
            if connection.vendor == "postgresql" and copy is not None:
                # COPY is PostgreSQL's bulk path: several times faster than INSERT ... VALUES.
                buffer = io.StringIO()
                buffer.writelines("\t".join(map(_copy_text, row)) + "\n" for row in rows)
                buffer.seek(0)
                copy(f"COPY {table} ({column_list}) FROM STDIN", buffer)
                return
            width = len(names)
            limit = connection.features.max_query_params or 65_535
            per_statement = max(1, min(5000, (limit - 1) // width))
            head = f"INSERT INTO {table} ({column_list}) VALUES "  # noqa: S608
            one = "(" + ", ".join(["%s"] * width) + ")"
            for start in range(0, len(rows), per_statement):
                chunk = rows[start : start + per_statement]
                params = [str(v) if isinstance(v, Decimal) else v for row in chunk for v in row]
                cursor.execute(head + ", ".join([one] * len(chunk)), params)


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value) -> str:
    """One value in COPY's text format (backslash escapes; our values are never NULL)."""
    return value.translate(_COPY_ESCAPES) if isinstance(value, str) else str(value)


def _digest(record: dict[str, str], columns: list[str]) -> bytes:
    """4 bytes per column: enough to tell which columns of two rows differ, without keeping
    every row's text in memory (a million-row file)."""
    return b"".join(
        hashlib.blake2b((record.get(c) or "").strip().encode(), digest_size=4).digest()
        for c in columns
    )


def _differing(a: bytes, b: bytes, columns: list[str], *, ignore: str = "") -> tuple[str, ...]:
    return tuple(
        c
        for i, c in enumerate(columns)
        if c != ignore and a[4 * i : 4 * i + 4] != b[4 * i : 4 * i + 4]
    )


def import_artists(
    stream: TextIO,
    *,
    batch_size: int = 2000,
    dry_run: bool = False,
    skip_unknown_genres: bool = False,
) -> ImportResult:
    """Import the CSV in `stream` (see the module docstring for the columns).

    Guarantees: every valid row is written (created or updated by slug), every invalid row is
    skipped and reported (line, column, reason), nothing is saved one row at a time, and an
    unexpected database failure imports nothing (one transaction). `dry_run` checks and counts
    without keeping anything.
    """
    reader = csv.DictReader(stream)
    header = _header(reader)
    result = ImportResult()
    parser = _Parser(header, _Taxonomy(), skip_unknown_genres=skip_unknown_genres)
    writer = _Writer(header, result)
    compared = [c for c in header if c != "slug"]
    seen: dict[str, tuple[int, bytes]] = {}  # slug -> (line, digest) of its first row
    names: dict[str, tuple[int, str, bytes]] = {}  # stage name -> (line, slug, digest)
    with transaction.atomic():
        batch: list[_Row] = []
        for line, record in _records(reader):
            result.rows += 1
            if None in record:  # more cells than header columns
                result.errors.append(
                    RowError(line, record.get("slug", ""), "row", "more cells than columns")
                )
                continue
            row, errors = parser.parse(line, record)
            if row is not None:
                digest = _digest(record, compared)
                if row.slug in seen:
                    first, first_digest = seen[row.slug]
                    dup = Duplicate(line, row.slug, first, row.slug, "slug",
                                    _differing(first_digest, digest, compared))  # fmt: skip
                    result.duplicates.append(dup)
                    how = f"different {', '.join(dup.differing)}" if dup.differing else "identical"
                    errors.append(
                        RowError(line, row.slug, "slug", f"already given on line {first} ({how})")
                    )
                    row = None
            if errors:
                result.errors.extend(errors)
                continue
            seen[row.slug] = (line, digest)
            if "stage_name" in row.scalars:
                name = " ".join(row.scalars["stage_name"].split()).casefold()
                if name in names:
                    first, first_slug, first_digest = names[name]
                    result.duplicates.append(
                        Duplicate(line, row.slug, first, first_slug, "stage name",
                                  _differing(first_digest, digest, compared, ignore="stage_name"))
                    )  # fmt: skip
                else:
                    names[name] = (line, row.slug, digest)
            batch.append(row)
            if len(batch) >= batch_size:
                writer.write(batch)
                batch = []
        writer.write(batch)
        if writer.refresh_ids:
            artists_search_tags_refresh(artist_ids=writer.refresh_ids)
        if dry_run:
            transaction.set_rollback(True)
        elif result.created + result.updated:
            # The bulk writes send no model signal: tell matching once, after the commit.
            written = result.created + result.updated
            transaction.on_commit(lambda: artists_bulk_changed.send(sender=Artist, count=written))
        if (
            not dry_run
            and connection.vendor == "postgresql"
            and result.created + result.updated >= 10_000
        ):
            # A large load leaves the planner's statistics describing the tables as they were;
            # refresh them so the next import's per-batch lookups and deletes use the indexes.
            tables = [Artist._meta.db_table] + [
                m._meta.db_table for _c, m, *_r in _Writer._children()
            ]
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables))
    result.warnings = parser.warnings
    result.errors.sort(key=lambda e: e.line)
    result.duplicates.sort(key=lambda d: d.line)
    return result


def write_error_report(errors: Iterable[RowError], stream: TextIO) -> None:
    """The per-row problems as CSV: line, slug, field, reason."""
    out = csv.writer(stream)
    out.writerow(["line", "slug", "field", "reason"])
    for e in errors:
        out.writerow([e.line, e.slug, e.field, e.reason])
