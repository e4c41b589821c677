"""Artist search: forgiving of accents and typos, ranked, and served by indexes.

Why it is built this way:
- What a visitor searches (stage name, bio, city, genre and mood names) spans three tables. A GIN
  index can only cover columns of one row, so the genre and mood names are denormalised into
  `Artist.search_tags` (kept up to date by `artists.services.artists_search_tags_refresh`).
- Accents are forgiven both ways ("Zoé" finds "Zoe" and "Zoe" finds "Zoé") by folding the text
  and the query the same way: lower case, accents stripped, ligatures spelled out. On PostgreSQL
  the folding is `aux_fold(text)`, an IMMUTABLE wrapper around the `unaccent` extension
  (migration 0010), used inside a generated column and an expression index, so PostgreSQL itself
  keeps them up to date on every write, whatever the path (ORM, bulk_create, COPY, admin). On
  SQLite (the one-command demo) `aux_fold` is the Python `fold()` below, registered on each
  connection (artists.apps). The query is folded in Python by `fold()` on both.
- On PostgreSQL the document is the generated column `search_vector` (migration 0010):
  `stage_name` (weight A), tags and city (B) and the bio (C) with the language-neutral "simple"
  configuration (prefix matching in any language), plus the bio stemmed in English and French (D)
  so that "concerts" finds "concert" and "chanteuse" finds "chanteuses". A GIN index on it
  (`artist_search_gin`) serves the `@@` match and `ts_rank` reads the stored vector.
- Each word typed becomes a prefix term (`velv` finds "Velvet") or its English or French stem;
  all words are required. The tsquery is built from \\w+ tokens, so no input can break it.
- Typos: a stage name whose trigram similarity (pg_trgm `%`, threshold 0.3) to the whole query is
  high enough also matches ("Peggi Gou" finds "Peggy Gou"), through the trigram GIN index
  (`artist_name_trgm`) on `search_name`, the folded stage name stored as a generated column;
  PostgreSQL answers the OR with a BitmapOr of the two indexes. SQLite computes the same
  trigram similarity in Python (`trigram_similarity`).
- Ranking: an exact stage-name match (after folding) first, then `ts_rank` plus the name's
  similarity, then the audience. SQLite has no ts_rank: exact name, similarity, audience.
- Fees: `Artist.lowest_fee_eur` holds each artist's lowest rate converted to EUR with
  aux.money.convert (the rates and rounding the matching engine uses); "max fee" in any currency
  becomes a bound on it, and "fee, lowest first" reads its index.
"""

import re
import unicodedata

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connections
from django.db.models import (
    Case,
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat

from aux.money import convert, max_amount_in

SEARCH_CONFIG = "simple"
STEMMING_CONFIGS = ("english", "french")
MAX_TERMS = 8
# pg_trgm's default `similarity_threshold`; SQLite uses the same number.
TRIGRAM_THRESHOLD = 0.3
# Lowest fees are stored in this currency (the engine's FX table is in EUR too).
SEARCH_FEE_CURRENCY = "EUR"
_WORD = re.compile(r"\w+", re.UNICODE)
# Letters NFKD does not decompose but unaccent spells out.
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "ł": "l", "đ": "d"})


def fold(text: str | None) -> str:
    """Lower case, accents stripped, ligatures spelled out: "Zoé Œuvre" → "zoe oeuvre"."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(_LIGATURES))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _trigrams(text: str) -> set[str]:
    """pg_trgm's trigrams: each word of letters/digits padded with two spaces before, one after."""
    grams: set[str] = set()
    for word in _WORD.findall(text.replace("_", " ")):
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


def trigram_similarity(a: str | None, b: str | None) -> float:
    """pg_trgm's `similarity()` on folded text (SQLite's stand-in, registered as a function)."""
    ga, gb = _trigrams(fold(a)), _trigrams(fold(b))
    if not ga or not gb:
        return 0.0
    common = len(ga & gb)
    return common / (len(ga) + len(gb) - common)


def register_sqlite_functions(sender, connection, **kwargs) -> None:
    """`connection_created` receiver: the SQLite demo gets `aux_fold` and `aux_similarity`."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("aux_fold", 1, fold, deterministic=True)
        connection.connection.create_function(
            "aux_similarity", 2, trigram_similarity, deterministic=True
        )


def artist_fee_in_eur(fee_minor: int, currency: str) -> int:
    """A rate's fee in the stored search currency (what `Artist.lowest_fee_eur` holds)."""
    return convert(fee_minor, currency, SEARCH_FEE_CURRENCY)


class Fold(Func):
    function = "aux_fold"
    output_field = TextField()


def stored_search_vector() -> RawSQL:
    """The artist's stored document (PostgreSQL only): the generated column of migration 0010."""
    column = '"artists_artist"."search_vector"'  # a constant: no input reaches this SQL
    return RawSQL(column, [], output_field=SearchVectorField())  # noqa: S611


def stored_search_name() -> RawSQL:
    """aux_fold(stage_name), stored (PostgreSQL only): the generated column of migration 0010."""
    column = '"artists_artist"."search_name"'  # a constant: no input reaches this SQL
    return RawSQL(column, [], output_field=TextField())  # noqa: S611


def search_terms(text: str) -> list[str]:
    """The words of a query (letters, digits, underscore in any script), folded, unique."""
    seen: list[str] = []
    for word in _WORD.findall(fold(text)):
        if word not in seen:
            seen.append(word)
    return seen[:MAX_TERMS]


def _tsquery(terms: list[str]) -> SearchQuery:
    """Every term required; each as a prefix, or its English or French stem."""
    query = None
    for term in terms:
        either = SearchQuery(f"{term}:*", config=SEARCH_CONFIG, search_type="raw")
        for config in STEMMING_CONFIGS:
            either |= SearchQuery(term, config=config, search_type="plain")
        query = either if query is None else query & either
    return query


def artists_search(queryset: QuerySet, text: str) -> QuerySet:
    """Artists matching every word of `text`, or whose stage name is close to it (typos),
    with the aliases `search_exact` (1 for an exact stage name) and `search_rank` to order by."""
    terms = search_terms(text)
    if not terms:
        return queryset.alias(
            search_exact=Value(0, output_field=IntegerField()),
            search_rank=Value(0.0, output_field=FloatField()),
        )
    whole = " ".join(terms)
    # alias, not annotate: the capped count (artists/pagination.py) must not compute them.
    postgresql = connections[queryset.db].vendor == "postgresql"
    name = stored_search_name() if postgresql else Fold("stage_name")
    queryset = queryset.alias(search_name=name).alias(
        search_exact=Case(
            When(search_name=Value(whole), then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    )
    if postgresql:
        query = _tsquery(terms)
        similarity = Func(
            F("search_name"), Value(whole), function="similarity", output_field=FloatField()
        )
        return (
            queryset.alias(search_document=stored_search_vector())
            .filter(Q(search_document=query) | Q(search_name__trigram_similar=whole))
            .alias(search_rank=SearchRank(F("search_document"), query) + similarity)
        )
    document = Fold(
        Concat(
            "stage_name", Value(" "), "search_tags", Value(" "), "city", Value(" "), "bio",
            output_field=TextField(),
        )
    )  # fmt: skip
    every_word = Q()
    for term in terms:
        every_word &= Q(search_document__contains=term)
    similarity = Func(
        F("stage_name"), Value(whole), function="aux_similarity", output_field=FloatField()
    )
    return (
        queryset.alias(search_document=document, search_similarity=similarity)
        .filter(every_word | Q(search_similarity__gte=TRIGRAM_THRESHOLD))
        .alias(search_rank=F("search_similarity"))
    )


def max_fee_bound(max_fee: int, currency: str) -> int:
    """The largest stored EUR fee that is at most `max_fee` of `currency` once converted."""
    return max_amount_in(max_fee, currency, SEARCH_FEE_CURRENCY)
