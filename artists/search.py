"""Full-text search over artists: PostgreSQL full-text search, with a plain LIKE fallback.

Why it is built this way:
- What a visitor searches (stage name, bio, genre and mood names) spans three tables. A GIN index
  can only cover columns of one row, so the genre and mood names are denormalised into
  `Artist.search_tags` (kept up to date by `artists.services.artists_search_tags_refresh`).
- On PostgreSQL the document is `setweight(stage_name, A) || setweight(search_tags, B) ||
  setweight(bio, C)` with the language-neutral "simple" configuration (artists write bios in many
  languages; stemming English would mangle the others). It is stored in the generated column
  `search_vector` (migration 0005, PostgreSQL only, not a model field) with a GIN index on it
  (`artist_search_gin`) that serves the `@@` match; `SearchRank` over the same stored vector
  orders by relevance. Computing the document per row instead (migration 0004's expression
  index) made ranking a common word cost 100-200 ms at 100,000 artists (bench/README.md, "Load").
- Each word the visitor types becomes a prefix term (`velv` finds "Velvet"), all terms required.
  We build the tsquery ourselves from \\w+ tokens, so no user input can make a tsquery syntax error.
- SQLite (the one-command demo) has no full-text search here: every word must appear
  (case-insensitive substring) in the stage name, the bio or the tags. Same meaning, no ranking.
"""

import re

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorField,
)
from django.db import connection
from django.db.models import F, FloatField, Q, QuerySet, Value
from django.db.models.expressions import RawSQL

SEARCH_CONFIG = "simple"
MAX_TERMS = 8
_WORD = re.compile(r"\w+", re.UNICODE)


def artist_search_vector() -> SearchVector:
    """The weighted document; the GIN index below is built on this very expression."""
    return (
        SearchVector("stage_name", weight="A", config=SEARCH_CONFIG)
        + SearchVector("search_tags", weight="B", config=SEARCH_CONFIG)
        + SearchVector("bio", weight="C", config=SEARCH_CONFIG)
    )


# Not in Artist.Meta.indexes on purpose: SQLite rebuilds a table with every index in the model
# state whenever a later migration alters it, and a GIN index does not exist on SQLite. Migration
# 0004 created it on PostgreSQL only; migration 0005 replaced it by the same name on the stored
# column (the expression of artist_search_vector() is the column's generation expression).
ARTIST_SEARCH_INDEX = GinIndex(artist_search_vector(), name="artist_search_gin")


def stored_search_vector() -> RawSQL:
    """The artist's stored document (PostgreSQL only): the generated column of migration 0005."""
    column = '"artists_artist"."search_vector"'  # a constant: no input reaches this SQL
    return RawSQL(column, [], output_field=SearchVectorField())  # noqa: S611


def search_terms(text: str) -> list[str]:
    """The words of a query (letters, digits, underscore in any script), lower-cased, unique."""
    seen: list[str] = []
    for word in _WORD.findall(text.lower()):
        if word not in seen:
            seen.append(word)
    return seen[:MAX_TERMS]


def uses_full_text_search() -> bool:
    return connection.vendor == "postgresql"


def artists_search(queryset: QuerySet, text: str) -> QuerySet:
    """Artists matching every word of `text`, annotated with `search_rank` (0 on SQLite)."""
    terms = search_terms(text)
    if not terms:
        return queryset.annotate(search_rank=Value(0.0, output_field=FloatField()))
    if uses_full_text_search():
        query = SearchQuery(
            " & ".join(f"{term}:*" for term in terms), config=SEARCH_CONFIG, search_type="raw"
        )
        return (
            queryset.alias(search_document=stored_search_vector())
            .filter(search_document=query)
            .annotate(search_rank=SearchRank(F("search_document"), query))
        )
    condition = Q()
    for term in terms:
        condition &= (
            Q(stage_name__icontains=term) | Q(bio__icontains=term) | Q(search_tags__icontains=term)
        )
    return queryset.filter(condition).annotate(search_rank=Value(0.0, output_field=FloatField()))
