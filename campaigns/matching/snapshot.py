"""A columnar, memory-mappable snapshot of every artist's matching features.

Pure numpy; no Django. The Django side turns database rows into plain records (dicts or
`ArtistRecord`) and calls `ArtistSnapshot.from_records`; every process then `load`s the same
versioned directory read-only with ``mmap_mode="r"``, so N processes share one copy in the page
cache.

Layout (N rows; a row is an artist, ``ids[row]`` its primary key; rows are never reordered by
`with_updates`, which tombstones and appends):
- dense per-row columns: ids, alive, listeners, reach_log, engagement, rating, rating_part,
  verified, first_release (year of the first release, 0 = unknown), tag_count/tag_invnorm,
  age_norm (7 × N, column-major so a bucket is contiguous), age_total, tags, cat_bits and
  lang_bits (packed uint64 bit sets over the genre/mood, refused-category and language
  vocabularies);
- rates: one contiguous column per deliverable type (``fee[t]``, uint32 minor units,
  ``NO_FEE`` = not offered; ``fee_cur[t]``, an index into CURRENCIES): the type vocabulary is
  small and a brief reads only its own types' columns;
- sparse, CSR by row (indptr/values): audience by country, unavailability ranges (days since
  1970-01-01, inclusive), text tokens (hashed);
- sparse, inverted (CSR by key → rows) for the hot path: audience by country and text postings,
  so that a brief touches only the rows in its target countries / with its words.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import time
import uuid
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

# the vocabularies: tag keys, refused categories, countries, deliverable types, languages
Vocabs = tuple[list[int], list[int], list[str], list[int], list[str]]
FORMAT = 2  # 2: first_release, lang_bits
AGE_BUCKETS: tuple[str, ...] = ("13-17", "18-24", "25-34", "35-44", "45-54", "55-64", "65+")
# Inclusive age bounds per bucket; "65+" is taken as 65–79 for overlap fractions.
AGE_BOUNDS: tuple[tuple[int, int], ...] = (
    (13, 17), (18, 24), (25, 34), (35, 44), (45, 54), (55, 64), (65, 79),
)  # fmt: skip
CURRENCIES: tuple[str, ...] = ("EUR", "USD", "GBP")
NO_FEE = np.uint32(0xFFFFFFFF)
TEXT_BITS = 20
TEXT_BUCKETS = 1 << TEXT_BITS
NEUTRAL = 0.5
EPOCH = dt.date(1970, 1, 1)

_TOKEN_RE = re.compile(r"\w+")
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "i",
        "in",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "our",
        "the",
        "this",
        "to",
        "was",
        "we",
        "were",
        "will",
        "with",
        "you",
        "your",
        "who",
        "what",
        "when",
        "where",
        "which",
        "into",
        "about",
        "over",
        "than",
        "then",
        "them",
        "they",
        "their",
        "there",
        "these",
        "those",
        "us",
        "me",
        "my",
        "not",
        "no",
        "but",
        "if",
        "so",
        "do",
        "does",
        "did",
        "can",
        "could",
        "should",
        "would",
    ]
)


def tokenize(text: str) -> list[str]:
    """Lower-cased word tokens of at least two characters, stop words removed."""
    return [t for t in _TOKEN_RE.findall(text.lower()) if len(t) > 1 and t not in STOPWORDS]


def token_hashes(text: str) -> np.ndarray:
    """Sorted unique hashed token ids (crc32, stable across processes unlike hash())."""
    hs = {zlib.crc32(t.encode()) & (TEXT_BUCKETS - 1) for t in tokenize(text)}
    return np.array(sorted(hs), dtype=np.uint32)


def to_day(d: dt.date | str | int) -> int:
    """Days since 1970-01-01 for a date, an ISO string or an already converted int."""
    if isinstance(d, int):
        return d
    if isinstance(d, str):
        d = dt.date.fromisoformat(d)
    if isinstance(d, dt.datetime):
        d = d.date()
    return (d - EPOCH).days


@dataclass(frozen=True)
class ArtistRecord:
    """What the snapshot needs of one artist. The Django side may pass dicts with these keys.

    rates: deliverable type id → (min fee in minor units, currency code in CURRENCIES);
    audience: ISO country → share; age: bucket label (AGE_BUCKETS) → share; unavailable:
    inclusive (start, end) date pairs; text: stage name + bio + genre/mood names; rating 0–5 or
    None when the artist has no review yet; first_release_year: None when unknown.
    """

    id: int
    genres: Sequence[int] = ()
    moods: Sequence[int] = ()
    audience: Mapping[str, float] = field(default_factory=dict)
    age: Mapping[str, float] = field(default_factory=dict)
    monthly_listeners: int = 0
    followers: Mapping[str, int] = field(default_factory=dict)
    engagement_rate: float = 0.0
    verified: bool = False
    rates: Mapping[int, tuple[int, str]] = field(default_factory=dict)
    unavailable: Sequence[tuple[Any, Any]] = ()
    refused_categories: Sequence[int] = ()
    languages: Sequence[str] = ()
    text: str = ""
    rating: float | None = None
    first_release_year: int | None = None


def _as_record(r: ArtistRecord | Mapping[str, Any]) -> ArtistRecord:
    if isinstance(r, ArtistRecord):
        return r
    if isinstance(r, Mapping):
        return ArtistRecord(**r)
    return ArtistRecord(**{f: getattr(r, f) for f in ArtistRecord.__dataclass_fields__})


def tag_key(kind: str, ident: int) -> int:
    """Genres and moods share one bit set: genre id g → 2g, mood id m → 2m + 1."""
    return 2 * int(ident) + (1 if kind == "mood" else 0)


def _bits(keys_per_row: list[list[int]], vocab: dict[int, int]) -> np.ndarray:
    words = max(1, (len(vocab) + 63) // 64)
    out = np.zeros((len(keys_per_row), words), dtype=np.uint64)
    rows: list[int] = []
    pos: list[int] = []
    for r, keys in enumerate(keys_per_row):
        for key in keys:
            rows.append(r)
            pos.append(vocab[key])
    if rows:
        r_arr = np.array(rows, dtype=np.int64)
        p_arr = np.array(pos, dtype=np.int64)
        np.bitwise_or.at(
            out, (r_arr, p_arr // 64), np.left_shift(np.uint64(1), (p_arr % 64).astype(np.uint64))
        )
    return out


def _extend_vocab(vocab: list[Any], keys: Iterable[Any]) -> dict[Any, int]:
    """Append unseen keys to vocab (positions of known keys never move) and return key → pos."""
    index = {k: i for i, k in enumerate(vocab)}
    for k in keys:
        if k not in index:
            index[k] = len(vocab)
            vocab.append(k)
    return index


def _invert(
    keys: np.ndarray, indptr: np.ndarray, n_keys: int, alive: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """CSR by row (keys per row) → CSR by key (rows per key, values' positions), live rows only."""
    lengths = np.diff(indptr)
    rows = np.repeat(np.arange(len(lengths), dtype=np.int32), lengths)
    k_indptr = np.zeros(n_keys + 1, dtype=np.int64)
    if bool(np.all(alive)):
        # A fresh build has no tombstones: skip the masked copies (at 1M artists, ~11M text
        # tokens, they were ~300 MB of temporaries, the peak of the whole build).
        order = np.argsort(keys, kind="stable")
        np.cumsum(np.bincount(keys, minlength=n_keys), out=k_indptr[1:])
        return k_indptr, rows[order], order
    live = alive[rows]
    k = keys[live].astype(np.int64)
    pos = np.flatnonzero(live)
    order = np.argsort(k, kind="stable")
    np.cumsum(np.bincount(k, minlength=n_keys), out=k_indptr[1:])
    return k_indptr, rows[live][order], pos[order]


ARRAYS: tuple[str, ...] = (
    "ids", "alive", "listeners", "reach_log", "followers_total", "engagement", "rating",
    "rating_part", "verified", "tags", "tag_count", "tag_invnorm", "cat_bits", "lang_bits",
    "age_norm",
    "age_total", "fee", "fee_cur", "aud_indptr", "aud_country", "aud_share", "audc_indptr",
    "audc_rows", "audc_share", "unav_indptr", "unav_start", "unav_end", "unav_row",
    "txt_indptr", "txt_tok", "txtp_indptr", "txtp_rows", "id_sorted", "row_of_sorted",
    "first_release",
)  # fmt: skip


class ArtistSnapshot:
    """Immutable columnar artist features (see the module docstring for the layout).

    Vocabularies (tag keys, refused-category ids, countries, deliverable type ids) are plain
    lists, saved in the manifest; positions only ever get appended to.
    """

    def __init__(
        self,
        arrays: dict[str, np.ndarray],
        *,
        tag_vocab: list[int],
        cat_vocab: list[int],
        countries: list[str],
        type_vocab: list[int],
        lang_vocab: list[str] = (),
        version: str | None = None,
    ) -> None:
        missing = set(ARRAYS) - set(arrays)
        if missing:
            raise ValueError(f"snapshot arrays missing: {sorted(missing)}")
        self.arrays = arrays
        for name in ARRAYS:
            setattr(self, name, arrays[name])
        self.tag_vocab = list(tag_vocab)
        self.cat_vocab = list(cat_vocab)
        self.countries = list(countries)
        self.type_vocab = list(type_vocab)
        self.lang_vocab = list(lang_vocab)
        self.tag_index = {k: i for i, k in enumerate(self.tag_vocab)}
        self.cat_index = {k: i for i, k in enumerate(self.cat_vocab)}
        self.country_index = {k: i for i, k in enumerate(self.countries)}
        self.type_index = {k: i for i, k in enumerate(self.type_vocab)}
        self.lang_index = {k: i for i, k in enumerate(self.lang_vocab)}
        self.version = version or _new_version()
        self._tie_ids: np.ndarray | None = None

    # ---- size and lookups -------------------------------------------------------------
    @property
    def n_rows(self) -> int:
        return len(self.arrays["ids"])

    @property
    def n_alive(self) -> int:
        return int(np.count_nonzero(self.arrays["alive"]))

    @property
    def nbytes(self) -> int:
        return sum(int(a.nbytes) for a in self.arrays.values())

    def rows_for_ids(self, ids: Iterable[int]) -> np.ndarray:
        """Live rows of the given artist ids, in the given order (-1 for an unknown id)."""
        want = np.fromiter((int(i) for i in ids), dtype=np.int64)
        if len(want) == 0:
            return np.zeros(0, dtype=np.int64)
        sorted_ids = self.arrays["id_sorted"]
        if len(sorted_ids) == 0:  # no live artist (built on an empty catalogue): nothing found
            return np.full(len(want), -1, dtype=np.int64)
        pos = np.searchsorted(sorted_ids, want)
        pos_c = np.minimum(pos, len(sorted_ids) - 1)
        found = (pos < len(sorted_ids)) & (sorted_ids[pos_c] == want)
        return np.where(found, self.arrays["row_of_sorted"][pos_c], -1).astype(np.int64)

    # ---- building -----------------------------------------------------------------------
    @classmethod
    def from_records(
        cls,
        records: Iterable[ArtistRecord | Mapping[str, Any]],
        *,
        _vocabs: Vocabs | None = None,
    ) -> ArtistSnapshot:
        """Build a snapshot from plain records (one pass in Python, then numpy)."""
        tag_vocab, cat_vocab, countries, type_vocab, lang_vocab = (
            ([], [], [], [], []) if _vocabs is None else tuple(list(v) for v in _vocabs)
        )
        recs = [_as_record(r) for r in records]
        n = len(recs)
        tag_keys = [
            [tag_key("genre", g) for g in r.genres] + [tag_key("mood", m) for m in r.moods]
            for r in recs
        ]
        tag_idx = _extend_vocab(tag_vocab, sorted({k for ks in tag_keys for k in ks}))
        cat_keys = [[int(c) for c in r.refused_categories] for r in recs]
        cat_idx = _extend_vocab(cat_vocab, sorted({k for ks in cat_keys for k in ks}))
        lang_keys = [[str(x) for x in r.languages] for r in recs]
        lang_idx = _extend_vocab(lang_vocab, sorted({k for ks in lang_keys for k in ks}))
        country_idx = _extend_vocab(countries, sorted({c for r in recs for c in r.audience}))
        type_idx = _extend_vocab(type_vocab, sorted({int(t) for r in recs for t in r.rates}))
        cur_idx = {c: i for i, c in enumerate(CURRENCIES)}

        ids = np.fromiter((r.id for r in recs), dtype=np.int64, count=n)
        if len(_unique(ids)[0]) != n:
            raise ValueError("duplicate artist ids in records")
        listeners = np.fromiter((r.monthly_listeners for r in recs), dtype=np.int64, count=n)
        followers = np.fromiter((sum(r.followers.values()) for r in recs), dtype=np.int64, count=n)
        engagement = np.fromiter((r.engagement_rate for r in recs), dtype=np.float32, count=n)
        rating = np.fromiter(
            (np.nan if r.rating is None else r.rating for r in recs), dtype=np.float32, count=n
        )
        verified = np.fromiter((bool(r.verified) for r in recs), dtype=bool, count=n)
        first_release = np.fromiter(
            (r.first_release_year or 0 for r in recs), dtype=np.uint16, count=n
        )

        age_raw = np.zeros((len(AGE_BUCKETS), n), dtype=np.float32)
        bucket_idx = {b: i for i, b in enumerate(AGE_BUCKETS)}
        aud_c: list[int] = []
        aud_s: list[float] = []
        aud_len = np.zeros(n, dtype=np.int64)
        un_s: list[int] = []
        un_e: list[int] = []
        un_len = np.zeros(n, dtype=np.int64)
        tok_parts: list[np.ndarray] = []
        tok_len = np.zeros(n, dtype=np.int64)
        n_types = len(type_vocab)
        fee = np.full((n_types, n), NO_FEE, dtype=np.uint32)
        fee_cur = np.zeros((n_types, n), dtype=np.uint8)
        for row, r in enumerate(recs):
            for b, s in r.age.items():
                age_raw[bucket_idx[b], row] = s
            items = sorted(r.audience.items(), key=lambda cs: country_idx[cs[0]])
            aud_len[row] = len(items)
            for c, s in items:
                aud_c.append(country_idx[c])
                aud_s.append(float(s))
            ranges = sorted((to_day(a), to_day(b)) for a, b in r.unavailable)
            un_len[row] = len(ranges)
            for a, b in ranges:
                if b < a:
                    raise ValueError(f"artist {r.id}: unavailability ends before it starts")
                un_s.append(a)
                un_e.append(b)
            toks = token_hashes(r.text)
            tok_parts.append(toks)
            tok_len[row] = len(toks)
            for t, (amount, cur) in r.rates.items():
                ti = type_idx[int(t)]
                if not 0 <= int(amount) < int(NO_FEE):
                    raise ValueError(f"artist {r.id}: fee out of range")
                fee[ti, row] = int(amount)
                fee_cur[ti, row] = cur_idx[cur]

        tag_count = np.fromiter((len(set(k)) for k in tag_keys), dtype=np.uint8, count=n)
        arrays: dict[str, np.ndarray] = {
            "ids": ids,
            "alive": np.ones(n, dtype=bool),
            "listeners": listeners,
            "followers_total": followers,
            "engagement": engagement,
            "rating": rating,
            "verified": verified,
            "first_release": first_release,
            "tags": _bits(tag_keys, tag_idx),
            "tag_count": tag_count,
            "cat_bits": _bits(cat_keys, cat_idx),
            "lang_bits": _bits(lang_keys, lang_idx),
            "fee": fee,
            "fee_cur": fee_cur,
            "aud_indptr": _indptr(aud_len),
            "aud_country": np.array(aud_c, dtype=np.uint16),
            "aud_share": np.array(aud_s, dtype=np.float32),
            "unav_indptr": _indptr(un_len),
            "unav_start": np.array(un_s, dtype=np.int32),
            "unav_end": np.array(un_e, dtype=np.int32),
            "txt_indptr": _indptr(tok_len),
            "txt_tok": np.concatenate(tok_parts) if tok_parts else np.zeros(0, np.uint32),
        }
        arrays.update(_age_columns(age_raw))
        return cls._finish(arrays, tag_vocab, cat_vocab, countries, type_vocab, lang_vocab)

    @classmethod
    def from_batches(
        cls, batches: Iterable[ArtistColumns | Iterable[ArtistRecord | Mapping[str, Any]]]
    ) -> ArtistSnapshot:
        """The snapshot of all batches' records (each batch a list of records or one
        `ArtistColumns`), as from_records would build it from their concatenation, but only
        one batch at a time is held as Python objects (about 3 KB an artist against 0.3 KB as
        arrays): each batch becomes arrays (vocabularies extended, never reordered), and the
        arrays are joined once at the end and indexed once."""
        vocabs: Vocabs = ([], [], [], [], [])
        parts: list[dict[str, np.ndarray]] = []
        hashes = _TokenHash()
        for batch in batches:
            if isinstance(batch, ArtistColumns):
                parts.append(_base_from_columns(batch, vocabs, hashes))
                del batch
                continue
            part = cls.from_records(batch, _vocabs=vocabs)
            del batch  # drop the Python records before the next batch is read
            vocabs = (
                part.tag_vocab,
                part.cat_vocab,
                part.countries,
                part.type_vocab,
                part.lang_vocab,
            )
            parts.append({name: np.asarray(part.arrays[name]) for name in _BASE_ARRAYS})
            del part
        if not parts:
            return cls.from_records([])
        arrays = _concat_parts(parts, len(vocabs[3]))
        return cls._finish(arrays, *(list(v) for v in vocabs))

    @classmethod
    def from_columns(cls, columns: ArtistColumns) -> ArtistSnapshot:
        """Build a snapshot from one batch of columns (the same snapshot `from_records` builds
        from the same artists as records)."""
        return cls.from_batches([columns])

    @classmethod
    def _finish(
        cls,
        arrays: dict[str, np.ndarray],
        tag_vocab: list[int],
        cat_vocab: list[int],
        countries: list[str],
        type_vocab: list[int],
        lang_vocab: list[str],
    ) -> ArtistSnapshot:
        """Derive the precomputed per-row constants and the inverted indexes."""
        a = arrays
        a["reach_log"] = np.log10(
            1.0 + np.maximum(a["listeners"], a["followers_total"]).astype(np.float64)
        ).astype(np.float32)
        a["rating_part"] = np.where(
            np.isnan(a["rating"]), np.float32(NEUTRAL), np.clip(a["rating"] / 5.0, 0, 1)
        ).astype(np.float32)
        cnt = a["tag_count"].astype(np.float32)
        a["tag_invnorm"] = np.where(cnt > 0, 1.0 / np.sqrt(np.maximum(cnt, 1)), 0).astype(
            np.float32
        )
        n_unav = np.diff(a["unav_indptr"])
        a["unav_row"] = np.repeat(np.arange(len(n_unav), dtype=np.int32), n_unav)
        alive = a["alive"]
        ci, crows, cpos = _invert(a["aud_country"], a["aud_indptr"], len(countries), alive)
        a["audc_indptr"], a["audc_rows"] = ci, crows
        a["audc_share"] = a["aud_share"][cpos]
        ti, trows, _ = _invert(a["txt_tok"], a["txt_indptr"], TEXT_BUCKETS, alive)
        a["txtp_indptr"], a["txtp_rows"] = ti, trows
        live = np.flatnonzero(alive)
        order = np.argsort(a["ids"][live], kind="stable")
        a["id_sorted"] = a["ids"][live][order]
        a["row_of_sorted"] = live[order].astype(np.int64)
        return cls(
            a,
            tag_vocab=tag_vocab,
            cat_vocab=cat_vocab,
            countries=countries,
            type_vocab=type_vocab,
            lang_vocab=lang_vocab,
        )

    # ---- incremental update ----------------------------------------------------------------
    def with_updates(
        self,
        changed: Iterable[ArtistRecord | Mapping[str, Any]],
        removed_ids: Iterable[int] = (),
        *,
        compact_above: float = 0.25,
    ) -> ArtistSnapshot:
        """A new snapshot version: rows of removed and changed ids are tombstoned, changed and
        new records appended (vocabularies extended, never reordered), the inverted indexes
        re-derived from the row-wise arrays (vectorised; no per-artist loop over unchanged rows).
        When more than ``compact_above`` of the rows are dead, dead rows are dropped."""
        delta = ArtistSnapshot.from_records(
            changed,
            _vocabs=(
                self.tag_vocab,
                self.cat_vocab,
                self.countries,
                self.type_vocab,
                self.lang_vocab,
            ),
        )
        gone = np.concatenate(
            [delta.ids, np.fromiter((int(i) for i in removed_ids), dtype=np.int64)]
        )
        old_rows = self.rows_for_ids(gone)
        alive = np.array(self.alive, copy=True)
        alive[old_rows[old_rows >= 0]] = False
        old = {**self.arrays, "alive": alive}
        merged = _concat_rows(old, delta.arrays, len(delta.type_vocab), len(self.type_vocab))
        snap = ArtistSnapshot._finish(
            merged, delta.tag_vocab, delta.cat_vocab, delta.countries, delta.type_vocab,
            delta.lang_vocab,
        )  # fmt: skip
        if snap.n_rows and 1 - snap.n_alive / snap.n_rows > compact_above:
            snap = snap.compact()
        return snap

    def compact(self) -> ArtistSnapshot:
        """Drop tombstoned rows (a new version; row order of live rows kept)."""
        keep = np.asarray(self.alive, dtype=bool)
        a = self.arrays
        out: dict[str, np.ndarray] = {}
        for name in _ROW_ARRAYS:
            out[name] = np.asarray(a[name])[keep]
        for name in _COL_ARRAYS:
            out[name] = np.asarray(a[name])[:, keep]
        for ptr, vals in _CSR.items():
            indptr, parts = _csr_take(a[ptr], [a[v] for v in vals], keep)
            out[ptr] = indptr
            out.update(zip(vals, parts, strict=True))
        return ArtistSnapshot._finish(
            out, list(self.tag_vocab), list(self.cat_vocab), list(self.countries),
            list(self.type_vocab), list(self.lang_vocab),
        )  # fmt: skip

    def record(self, artist_id: int) -> dict[str, Any]:
        """The features stored for one artist, decoded back (for tests, audits and the admin)."""
        rows = self.rows_for_ids([artist_id])
        if rows[0] < 0:
            raise KeyError(artist_id)
        r = int(rows[0])
        a = self.arrays
        tags = [
            self.tag_vocab[w * 64 + b]
            for w in range(a["tags"].shape[1])
            for b in range(64)
            if int(a["tags"][r, w]) >> b & 1
        ]
        cats = [
            self.cat_vocab[w * 64 + b]
            for w in range(a["cat_bits"].shape[1])
            for b in range(64)
            if int(a["cat_bits"][r, w]) >> b & 1
        ]
        langs = [
            self.lang_vocab[w * 64 + b]
            for w in range(a["lang_bits"].shape[1])
            for b in range(64)
            if int(a["lang_bits"][r, w]) >> b & 1
        ]
        s, e = int(a["aud_indptr"][r]), int(a["aud_indptr"][r + 1])
        us, ue = int(a["unav_indptr"][r]), int(a["unav_indptr"][r + 1])
        ts, te = int(a["txt_indptr"][r]), int(a["txt_indptr"][r + 1])
        total = float(a["age_total"][r])
        return {
            "id": int(a["ids"][r]),
            "genres": sorted(k // 2 for k in tags if k % 2 == 0),
            "moods": sorted(k // 2 for k in tags if k % 2 == 1),
            "refused_categories": sorted(cats),
            "languages": sorted(langs),
            "audience": {
                self.countries[int(c)]: round(float(v), 4)
                for c, v in zip(a["aud_country"][s:e], a["aud_share"][s:e], strict=True)
            },
            "age": {
                b: round(float(a["age_norm"][i, r]) * total, 4)
                for i, b in enumerate(AGE_BUCKETS)
                if a["age_norm"][i, r] > 0
            },
            "monthly_listeners": int(a["listeners"][r]),
            "followers_total": int(a["followers_total"][r]),
            "engagement_rate": round(float(a["engagement"][r]), 6),
            "verified": bool(a["verified"][r]),
            "rating": None if np.isnan(a["rating"][r]) else round(float(a["rating"][r]), 4),
            "first_release_year": int(a["first_release"][r]) or None,
            "rates": {
                self.type_vocab[t]: (int(a["fee"][t, r]), CURRENCIES[int(a["fee_cur"][t, r])])
                for t in range(len(self.type_vocab))
                if a["fee"][t, r] != NO_FEE
            },
            "unavailable": [
                (int(x), int(y))
                for x, y in zip(a["unav_start"][us:ue], a["unav_end"][us:ue], strict=True)
            ],
            "text_tokens": [int(t) for t in a["txt_tok"][ts:te]],
        }

    def tie_ids(self) -> np.ndarray:
        return self.arrays["ids"]

    # ---- persistence --------------------------------------------------------------------
    def save(self, root: str | os.PathLike[str], *, keep: int = 3) -> Path:
        """Write this snapshot as a new version directory under ``root/versions`` and switch
        ``root/CURRENT`` to it atomically (temp file + os.replace). Readers that already mapped
        an older version keep it until they reload; the oldest versions beyond ``keep`` are
        deleted (Linux keeps a deleted file's mapping valid)."""
        root = Path(root)
        vdir = root / "versions" / self.version
        tmp = root / "versions" / f".tmp-{self.version}"
        tmp.mkdir(parents=True, exist_ok=False)
        manifest = {
            "format": FORMAT,
            "version": self.version,
            "created_at": time.time(),
            "n_rows": self.n_rows,
            "n_alive": self.n_alive,
            "tag_vocab": self.tag_vocab,
            "cat_vocab": self.cat_vocab,
            "countries": self.countries,
            "type_vocab": self.type_vocab,
            "lang_vocab": self.lang_vocab,
            "arrays": {
                k: {"dtype": str(v.dtype), "shape": list(v.shape)} for k, v in self.arrays.items()
            },
        }
        for name, arr in self.arrays.items():
            np.save(tmp / f"{name}.npy", np.ascontiguousarray(arr), allow_pickle=False)
        (tmp / "manifest.json").write_text(json.dumps(manifest))
        os.replace(tmp, vdir)
        pointer = root / f".CURRENT.{os.getpid()}.{uuid.uuid4().hex[:6]}"
        pointer.write_text(self.version)
        os.replace(pointer, root / "CURRENT")
        _prune(root, keep=keep, current=self.version)
        return vdir

    @classmethod
    def load(
        cls, root: str | os.PathLike[str], *, mmap: bool = True, version: str | None = None
    ) -> ArtistSnapshot:
        """Open `version` (default: the one named by ``root/CURRENT``); arrays are read-only
        memory maps."""
        root = Path(root)
        version = version or (root / "CURRENT").read_text().strip()
        vdir = root / "versions" / version
        manifest = json.loads((vdir / "manifest.json").read_text())
        if manifest.get("format") != FORMAT:
            raise ValueError(f"snapshot format {manifest.get('format')} is not {FORMAT}")
        arrays: dict[str, np.ndarray] = {}
        for name in manifest["arrays"]:
            path = vdir / f"{name}.npy"
            arr = np.load(path, mmap_mode="r" if mmap else None, allow_pickle=False)
            arrays[name] = arr
        return cls(
            arrays,
            tag_vocab=manifest["tag_vocab"],
            cat_vocab=manifest["cat_vocab"],
            countries=manifest["countries"],
            type_vocab=manifest["type_vocab"],
            lang_vocab=manifest["lang_vocab"],
            version=version,
        )


class SnapshotStore:
    """Per-process handle on a snapshot directory: `get()` returns the mapped snapshot and
    re-opens it when ``CURRENT`` changed (one stat per call; the file is re-read only when its
    mtime or size moved, and the arrays only when the version string differs)."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        self._stamp: tuple[int, int] | None = None
        self._snap: ArtistSnapshot | None = None

    def get(self) -> ArtistSnapshot:
        st = (self.root / "CURRENT").stat()
        stamp = (st.st_mtime_ns, st.st_size)
        if self._snap is None or stamp != self._stamp:
            version = (self.root / "CURRENT").read_text().strip()
            if self._snap is None or version != self._snap.version:
                self._snap = ArtistSnapshot.load(self.root)
            self._stamp = stamp
        return self._snap


# ---- helpers -----------------------------------------------------------------------------
_ROW_ARRAYS = (
    "ids", "alive", "listeners", "followers_total", "engagement", "rating", "verified", "tags",
    "tag_count", "cat_bits", "lang_bits", "age_total", "first_release",
)  # fmt: skip
_COL_ARRAYS = ("fee", "fee_cur", "age_norm")
_CSR = {
    "aud_indptr": ("aud_country", "aud_share"),
    "unav_indptr": ("unav_start", "unav_end"),
    "txt_indptr": ("txt_tok",),
}


def _new_version() -> str:
    return f"v{time.time_ns():020d}-{uuid.uuid4().hex[:8]}"


def _indptr(lengths: np.ndarray) -> np.ndarray:
    out = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=out[1:])
    return out


def _age_columns(age_raw: np.ndarray) -> dict[str, np.ndarray]:
    total = age_raw.sum(axis=0, dtype=np.float64).astype(np.float32)
    norm = np.divide(age_raw, total, out=np.zeros_like(age_raw), where=total > 0)
    return {"age_norm": norm.astype(np.float32), "age_total": total}


def _csr_take(
    indptr: np.ndarray, values: list[np.ndarray], keep: np.ndarray
) -> tuple[np.ndarray, list[np.ndarray]]:
    lengths = np.diff(indptr)
    entry_keep = np.repeat(keep, lengths)
    return _indptr(lengths[keep]), [np.asarray(v)[entry_keep] for v in values]


def _concat_rows(
    old: dict[str, np.ndarray], new: dict[str, np.ndarray], n_types: int, old_types: int
) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for name in ("tags", "cat_bits", "lang_bits"):
        a, b = np.asarray(old[name]), np.asarray(new[name])
        w = max(a.shape[1], b.shape[1])
        a = np.pad(a, ((0, 0), (0, w - a.shape[1])))
        b = np.pad(b, ((0, 0), (0, w - b.shape[1])))
        out[name] = np.concatenate([a, b])
    for name in _ROW_ARRAYS:
        if name not in out:
            out[name] = np.concatenate([np.asarray(old[name]), np.asarray(new[name])])
    n_old = len(old["ids"])
    fee = np.full((n_types, n_old), NO_FEE, dtype=np.uint32)
    fee[:old_types] = old["fee"]
    cur = np.zeros((n_types, n_old), dtype=np.uint8)
    cur[:old_types] = old["fee_cur"]
    out["fee"] = np.concatenate([fee, new["fee"]], axis=1)
    out["fee_cur"] = np.concatenate([cur, new["fee_cur"]], axis=1)
    out["age_norm"] = np.concatenate([old["age_norm"], new["age_norm"]], axis=1)
    for ptr, vals in _CSR.items():
        out[ptr] = np.concatenate([old[ptr][:-1], old[ptr][-1] + new[ptr]])
        for v in vals:
            out[v] = np.concatenate([np.asarray(old[v]), np.asarray(new[v])])
    return out


_BASE_ARRAYS = (*_ROW_ARRAYS, *_COL_ARRAYS, *_CSR, *(v for vs in _CSR.values() for v in vs))


def _concat_parts(parts: list[dict[str, np.ndarray]], n_types: int) -> dict[str, np.ndarray]:
    """Join row blocks built with shared, growing vocabularies (from_batches). Each block's
    arrays are released as soon as they are copied, so the peak stays near one full copy."""
    out: dict[str, np.ndarray] = {}
    for name in ("tags", "cat_bits", "lang_bits"):
        w = max(p[name].shape[1] for p in parts)
        out[name] = np.concatenate(
            [np.pad(a, ((0, 0), (0, w - a.shape[1]))) for a in (p.pop(name) for p in parts)]
        )
    for name in _ROW_ARRAYS:
        if name not in out:
            out[name] = np.concatenate([p.pop(name) for p in parts])
    for name, fill in (("fee", NO_FEE), ("fee_cur", 0)):
        blocks = []
        for p in parts:
            a = p.pop(name)
            if a.shape[0] < n_types:  # types first seen in a later block: no rate here
                grown = np.full((n_types, a.shape[1]), fill, dtype=a.dtype)
                grown[: a.shape[0]] = a
                a = grown
            blocks.append(a)
        out[name] = np.concatenate(blocks, axis=1)
    out["age_norm"] = np.concatenate([p.pop("age_norm") for p in parts], axis=1)
    for ptr, vals in _CSR.items():
        offset, ptrs = 0, []
        for p in parts:
            a = p.pop(ptr)
            ptrs.append(a[:-1] + offset)
            offset += int(a[-1])
        ptrs.append(np.array([offset], dtype=ptrs[0].dtype))
        out[ptr] = np.concatenate(ptrs)
        for v in vals:
            out[v] = np.concatenate([p.pop(v) for p in parts])
    return out


# ---- the columnar (bulk) build -------------------------------------------------------------------
@dataclass
class ArtistColumns:
    """One batch of artists as columns, the bulk alternative to a list of `ArtistRecord` (same
    meaning, field by field): the database side fills it straight from streamed rows, with no
    per-artist Python object. Per-artist columns are in ``ids`` order; the related rows are
    parallel sequences keyed by artist id (any order; every id must be in ``ids``).

    followers_total: Σ of the followers per platform; rating: NaN for no review yet; texts: the
    artist's text (stage name + bio + genre/mood names); unavailable days: days since
    1970-01-01 (`to_day`), inclusive; first_release_year: 0 when unknown.
    """

    ids: Sequence[int]
    monthly_listeners: Sequence[int]
    followers_total: Sequence[int]
    engagement_rate: Sequence[float]
    verified: Sequence[bool]
    texts: Sequence[str]
    rating: Sequence[float] | None = None
    first_release_year: Sequence[int] | None = None
    genres: tuple[Sequence[int], Sequence[int]] = ((), ())
    moods: tuple[Sequence[int], Sequence[int]] = ((), ())
    refused_categories: tuple[Sequence[int], Sequence[int]] = ((), ())
    languages: tuple[Sequence[int], Sequence[str]] = ((), ())
    audience: tuple[Sequence[int], Sequence[str], Sequence[float]] = ((), (), ())
    age: tuple[Sequence[int], Sequence[str], Sequence[float]] = ((), (), ())
    rates: tuple[Sequence[int], Sequence[int], Sequence[int], Sequence[str]] = ((), (), (), ())
    unavailable: tuple[Sequence[int], Sequence[int], Sequence[int]] = ((), (), ())

    @classmethod
    def from_records(cls, records: Iterable[ArtistRecord | Mapping[str, Any]]) -> ArtistColumns:
        """The same artists as columns (tests compare both builds; not a fast path)."""
        recs = [_as_record(r) for r in records]

        def pairs(attr: str) -> tuple[list[int], list[int]]:
            got = [(r.id, int(v)) for r in recs for v in getattr(r, attr)]
            return [a for a, _ in got], [v for _, v in got]

        aud = [(r.id, c, float(s)) for r in recs for c, s in r.audience.items()]
        age = [(r.id, b, float(s)) for r in recs for b, s in r.age.items()]
        rates = [(r.id, int(t), int(f), c) for r in recs for t, (f, c) in r.rates.items()]
        unav = [(r.id, to_day(a), to_day(b)) for r in recs for a, b in r.unavailable]
        return cls(
            ids=[r.id for r in recs],
            monthly_listeners=[r.monthly_listeners for r in recs],
            followers_total=[sum(r.followers.values()) for r in recs],
            engagement_rate=[r.engagement_rate for r in recs],
            verified=[bool(r.verified) for r in recs],
            texts=[r.text for r in recs],
            rating=[np.nan if r.rating is None else r.rating for r in recs],
            first_release_year=[r.first_release_year or 0 for r in recs],
            genres=pairs("genres"),
            moods=pairs("moods"),
            refused_categories=pairs("refused_categories"),
            languages=(
                [r.id for r in recs for _ in r.languages],
                [str(x) for r in recs for x in r.languages],
            ),
            audience=tuple(list(c) for c in zip(*aud, strict=True)) if aud else ((), (), ()),
            age=tuple(list(c) for c in zip(*age, strict=True)) if age else ((), (), ()),
            rates=tuple(list(c) for c in zip(*rates, strict=True)) if rates else ((), (), (), ()),
            unavailable=tuple(list(c) for c in zip(*unav, strict=True)) if unav else ((), (), ()),
        )  # type: ignore[arg-type]


class _TokenHash(dict):
    """word → its hashed token id, or -1 for a stop word or a one-letter word (memoised: a
    corpus has far fewer distinct words than words)."""

    def __missing__(self, word: str) -> int:
        h = (
            -1
            if len(word) < 2 or word in STOPWORDS
            else zlib.crc32(word.encode()) & (TEXT_BUCKETS - 1)
        )
        self[word] = h
        return h


_SEP = "\x00"  # between two artists' texts in the joined batch text (no \\w, never in text)
_TOKEN_OR_SEP_RE = re.compile(r"\w+|\x00")


def _bulk_token_hashes(texts: Sequence[str], hashes: _TokenHash) -> tuple[np.ndarray, np.ndarray]:
    """`token_hashes` of every text at once: (tokens per text, their sorted unique ids joined).
    One lower() and one regex pass over the joined batch, one dict lookup per word, and the
    per-text sort + dedup as one sort over (text, id) keys."""
    n = len(texts)
    if n == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.uint32)
    if any(_SEP in t for t in texts):
        raise ValueError("artist text contains a NUL character")
    hashes[_SEP] = -2
    words = _TOKEN_OR_SEP_RE.findall(_SEP.join(texts).lower())
    flat = np.fromiter(map(hashes.__getitem__, words), dtype=np.int64, count=len(words))
    sep = flat == -2
    text_of = np.cumsum(sep)
    keep = flat >= 0
    keys = _unique((text_of[keep] << TEXT_BITS) | flat[keep])[0]
    rows = keys >> TEXT_BITS
    return np.bincount(rows, minlength=n), (keys & (TEXT_BUCKETS - 1)).astype(np.uint32)


def _unique(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct values and, per value, its index among them: np.unique(...,
    return_inverse=True) by sorting (numpy 2's hash-based np.unique took seconds on 400k int64
    keys here, against milliseconds for a sort)."""
    values = np.asarray(values).reshape(-1)
    order = np.argsort(values, kind="stable")
    s = values[order]
    first = np.ones(len(s), dtype=bool)
    if len(s):
        np.not_equal(s[1:], s[:-1], out=first[1:])
    inverse = np.empty(len(s), dtype=np.int64)
    inverse[order] = np.cumsum(first) - 1
    return s[first], inverse


def _positions(values: np.ndarray, vocab: list[Any]) -> np.ndarray:
    """Positions in ``vocab`` (extended in sorted order with unseen values) of every value."""
    uniq, inverse = _unique(values)
    index = _extend_vocab(vocab, uniq.tolist())
    return np.array([index[v] for v in uniq.tolist()], dtype=np.int64)[inverse]


def _bits_at(n: int, rows: np.ndarray, pos: np.ndarray, n_vocab: int) -> np.ndarray:
    out = np.zeros((n, max(1, (n_vocab + 63) // 64)), dtype=np.uint64)
    if len(rows):
        np.bitwise_or.at(
            out, (rows, pos // 64), np.left_shift(np.uint64(1), (pos % 64).astype(np.uint64))
        )
    return out


def _base_from_columns(
    c: ArtistColumns,
    vocabs: Vocabs,
    hashes: _TokenHash,
) -> dict[str, np.ndarray]:
    """The row-wise arrays of `from_records` for a batch of columns (vocabs extended in place)."""
    tag_vocab, cat_vocab, countries, type_vocab, lang_vocab = vocabs
    ids = np.asarray(c.ids, dtype=np.int64).reshape(-1)
    n = len(ids)
    order = np.argsort(ids, kind="stable")  # rows stay in the given order; lookups go by id
    sorted_ids = ids[order]
    if n and np.any(sorted_ids[1:] == sorted_ids[:-1]):
        raise ValueError("duplicate artist ids in records")

    def row_of(aids: Sequence[int]) -> np.ndarray:
        a = np.asarray(aids, dtype=np.int64).reshape(-1)
        at = np.minimum(np.searchsorted(sorted_ids, a), max(n - 1, 0))
        if len(a) and (n == 0 or np.any(sorted_ids[at] != a)):
            raise ValueError("related rows of an artist not in the batch")
        return order[at]

    g_rows, m_rows = row_of(c.genres[0]), row_of(c.moods[0])
    keys = np.concatenate([
        2 * np.asarray(c.genres[1], dtype=np.int64).reshape(-1),
        2 * np.asarray(c.moods[1], dtype=np.int64).reshape(-1) + 1,
    ])  # fmt: skip
    t_rows = np.concatenate([g_rows, m_rows])
    t_pos = _positions(keys, tag_vocab)
    pairs = _unique(t_rows * (len(tag_vocab) + 1) + t_pos)[0] // (len(tag_vocab) + 1)
    cat_rows = row_of(c.refused_categories[0])
    cat_pos = _positions(np.asarray(c.refused_categories[1], dtype=np.int64), cat_vocab)
    lang_rows = row_of(c.languages[0])
    lang_pos = _positions(np.asarray(c.languages[1], dtype=str), lang_vocab)

    a_rows = row_of(c.audience[0])
    a_pos = _positions(np.asarray(c.audience[1], dtype=str), countries)
    a_share = np.asarray(c.audience[2], dtype=np.float64).reshape(-1).astype(np.float32)
    a_order = np.lexsort((a_pos, a_rows))

    r_rows = row_of(c.rates[0])
    r_pos = _positions(np.asarray(c.rates[1], dtype=np.int64), type_vocab)
    amounts = np.asarray(c.rates[2], dtype=np.int64).reshape(-1)
    if np.any((amounts < 0) | (amounts >= int(NO_FEE))):
        raise ValueError("fee out of range")
    cur_index = {cur: i for i, cur in enumerate(CURRENCIES)}
    r_cur = np.array([cur_index[x] for x in c.rates[3]], dtype=np.uint8)
    fee = np.full((len(type_vocab), n), NO_FEE, dtype=np.uint32)
    fee_cur = np.zeros((len(type_vocab), n), dtype=np.uint8)
    fee[r_pos, r_rows] = amounts
    fee_cur[r_pos, r_rows] = r_cur

    bucket_index = {b: i for i, b in enumerate(AGE_BUCKETS)}
    age_raw = np.zeros((len(AGE_BUCKETS), n), dtype=np.float32)
    age_raw[np.array([bucket_index[b] for b in c.age[1]], dtype=np.int64), row_of(c.age[0])] = (
        np.asarray(c.age[2], dtype=np.float64).reshape(-1)
    )

    u_rows = row_of(c.unavailable[0])
    u_s = np.asarray(c.unavailable[1], dtype=np.int64).reshape(-1)
    u_e = np.asarray(c.unavailable[2], dtype=np.int64).reshape(-1)
    if np.any(u_e < u_s):
        raise ValueError("unavailability ends before it starts")
    u_order = np.lexsort((u_e, u_s, u_rows))

    tok_len, tokens = _bulk_token_hashes(c.texts, hashes)
    if len(tok_len) != n:
        raise ValueError("one text per artist")

    def column(values: Sequence[Any], dtype: Any) -> np.ndarray:
        out = np.asarray(values, dtype=dtype).reshape(-1)
        if len(out) != n:
            raise ValueError("one value per artist in every per-artist column")
        return out

    arrays = {
        "ids": ids,
        "alive": np.ones(n, dtype=bool),
        "listeners": column(c.monthly_listeners, np.int64),
        "followers_total": column(c.followers_total, np.int64),
        "engagement": column(c.engagement_rate, np.float64).astype(np.float32),
        "rating": (
            np.full(n, np.nan, dtype=np.float32)
            if c.rating is None
            else column(c.rating, np.float64).astype(np.float32)
        ),
        "verified": column(c.verified, bool),
        "first_release": (
            np.zeros(n, dtype=np.uint16)
            if c.first_release_year is None
            else column(c.first_release_year, np.uint16)
        ),
        "tags": _bits_at(n, t_rows, t_pos, len(tag_vocab)),
        "tag_count": np.bincount(pairs, minlength=n).astype(np.uint8),
        "cat_bits": _bits_at(n, cat_rows, cat_pos, len(cat_vocab)),
        "lang_bits": _bits_at(n, lang_rows, lang_pos, len(lang_vocab)),
        "fee": fee,
        "fee_cur": fee_cur,
        "aud_indptr": _indptr(np.bincount(a_rows, minlength=n)),
        "aud_country": a_pos[a_order].astype(np.uint16),
        "aud_share": a_share[a_order],
        "unav_indptr": _indptr(np.bincount(u_rows, minlength=n)),
        "unav_start": u_s[u_order].astype(np.int32),
        "unav_end": u_e[u_order].astype(np.int32),
        "txt_indptr": _indptr(tok_len),
        "txt_tok": tokens,
    }
    arrays.update(_age_columns(age_raw))
    return arrays


def _prune(root: Path, *, keep: int, current: str) -> None:
    vdirs = sorted(p for p in (root / "versions").iterdir() if p.name.startswith("v"))
    for p in vdirs[:-keep] if keep > 0 else []:
        if p.name == current:
            continue
        for f in p.iterdir():
            f.unlink()
        p.rmdir()
