"""Rank a snapshot of artists against one brief: hard filters, a 0–100 score from explainable
parts, staff curation and a fair-exposure re-rank. Vectorised numpy; no Django.

The score: every part is a value in [0, 1] and a "known" flag. Score = 100 × Σ w·v / Σ w over
the parts known for that artist (unknown parts are left out, so they are neutral: neither a 0 nor
a made-up 0.5), plus the staff boost in points. An artist with no known weighted part scores 50.

Decisions worth knowing:
- Filters run in the order of `FILTERS`; an artist is counted under the first filter it fails.
- Pinned artists come first in pin order but must still pass every hard filter (a pinned artist
  who is unavailable or over budget cannot be booked; it is reported in
  ``curation["pins_dropped"]`` with the filter that removed it). Hidden wins over pinned.
- Boosts are points added to the 0–100 score before the fairness re-rank (so a boost can move
  an artist within its group and across the merge; a boosted score may leave [0, 100]); parts and
  their contributions stay unboosted.
- The fairness table covers the whole list, pins included: after the pins, every prefix must
  hold at least table[i] emerging artists. Prefixes the pins themselves break, or that the
  emerging candidates cannot fill, are reported, never raised.
- Parts that lack information are unknown (value None, "known": false in the explanation) and
  left out of the score: a brief with no genres/moods, no territories or no words (once genre and
  mood names are dropped); an artist with no audience-by-country data, no age data, no review or
  no measured engagement (a rate of 0 is how the database says "not measured").
- Fair exposure: only *relevant* emerging artists are picked by the rule (`RELEVANCE_FLOOR`);
  the default mode is FA*IR with the paper's corrected significance (`adjusted_alpha`) at every
  prefix, and the whole list then holds the share the brand asked for (⌈p·n⌉ of its n rows) when
  enough relevant emerging artists exist; the strict mode holds ⌊p·i⌋ in every top i. A match
  the rule moved above a better-scoring artist says so (`placed_by_fairness`).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from .fairness import adjusted_alpha, fair_merge, floor_table, mtable
from .snapshot import (
    AGE_BOUNDS,
    CURRENCIES,
    NEUTRAL,
    NO_FEE,
    TEXT_BUCKETS,
    ArtistSnapshot,
    tag_key,
    to_day,
    token_hashes,
)

FILTERS: tuple[str, ...] = ("deliverables", "availability", "category", "budget", "hidden")
PARTS: tuple[str, ...] = (
    "genre", "territory", "language", "age", "budget", "reach", "engagement", "rating", "text",
    "verified",
)  # fmt: skip
DEFAULT_WEIGHTS: dict[str, float] = {
    "genre": 3.0, "territory": 2.0, "language": 1.5, "age": 1.5, "budget": 1.0, "reach": 1.5,
    "engagement": 1.0, "rating": 1.0, "text": 1.0, "verified": 0.5,
}  # fmt: skip
# 1 unit of the currency in EUR; a fixed table passed in by the caller (settings).
DEFAULT_FX: dict[str, float] = {"EUR": 1.0, "USD": 0.92, "GBP": 1.17}
# Reach fit: (target log10 audience, width in decades, saturate above the target?).
OBJECTIVE_REACH: dict[str, tuple[float, float, bool]] = {
    "awareness": (6.0, 3.0, True),
    "launch": (5.5, 3.0, True),
    "engagement": (4.5, 2.0, False),
    "sync": (5.0, 2.5, False),
    "live_event": (5.0, 2.0, False),
    "recording": (4.0, 2.0, False),
}
# Audience sizes a brand may ask for instead of its objective's band: (from, to) in log10 of the
# audience; full marks inside, SIZE_WIDTH decades of slope outside. "emerging" ends at the
# emerging threshold passed to rank().
AUDIENCE_SIZES: dict[str, tuple[float, float]] = {
    "headliner": (6.0, math.inf),  # 1M and more
    "established": (5.0, math.inf),  # 100k and more
    "rising": (4.0, 5.0),  # 10k to 100k
    "emerging": (-math.inf, math.nan),  # up to the emerging threshold
}
SIZE_WIDTH = 1.5
ENGAGEMENT_FULL = 0.10  # an engagement rate of 10 % or more earns the whole part
GENRE_RELATED = 0.5  # credit for a brief genre the artist lacks but has a genre of its family
# When a brief names genres and moods, the moods are this share of the genre part: a mood is a
# nuance of the genre, and three moods must not outweigh the one genre asked for.
MOOD_SHARE = 0.25
# Territory: log10(listeners in the target countries) / TERRITORY_FULL_LOG (10^6 = the whole
# part); evidence is full from this many listed countries and this sum of shares.
TERRITORY_FULL_LOG = 6.0
TERRITORY_FULL_COUNTRIES = 3
TERRITORY_FULL_SHARE = 0.5
# An emerging artist is picked by the fairness rule only if its score is at least this share of
# the best candidate's score and, when the brief names genres or moods, its genre part is > 0.
RELEVANCE_FLOOR = 0.6
NO_DATA_SCORE = 50.0  # the score of an artist none of whose weighted parts is known
SMALL = 4096  # below this many rows the parts may read the row-wise arrays, above the inverted ones
# ... and only when the rows are at most this share of the snapshot: otherwise one pass over the
# inverted postings of the brief's few keys is cheaper than walking every row's entries.
ROWWISE_SHARE = 1 / 16
KEEP_PARTS = 50_000  # up to this many candidates the scoring pass keeps its parts for the top k


@dataclass(frozen=True)
class BriefQuery:
    """What the engine needs of a brief. ``deliverables``: type id → quantity; money in minor
    units of ``currency``; ``fairness``: "fair" (FA*IR with ``alpha``) or "strict" (⌊p·i⌋)."""

    deliverables: Mapping[int, int]
    budget_min: int
    budget_max: int
    currency: str
    start_date: Any
    end_date: Any
    objective: str = "awareness"
    territories: Sequence[str] = ()
    age_min: int = 13
    age_max: int = 79
    genres: Sequence[int] = ()
    moods: Sequence[int] = ()
    brand_category: int | None = None
    emerging_share: float = 0.3
    fairness: str = "fair"
    alpha: float = 0.1
    text: str = ""
    # genre id → its family (the root of its taxonomy branch); a genre absent is its own family
    genre_families: Mapping[int, int] = field(default_factory=dict)
    # genre and mood names: their words are left out of the text part (the genre part has them)
    ignore_words: Sequence[str] = ()
    # a key of AUDIENCE_SIZES: the audience size the brand wants ("": the objective's band)
    audience_size: str = ""
    # ISO 639-1 codes: the artist should perform in one of them (empty: no language part)
    languages: Sequence[str] = ()


@dataclass(frozen=True)
class Curation:
    """Staff curation for one brief: pinned ids (in pin order), boosts (points added to the
    0–100 score), hidden ids."""

    pinned: Sequence[int] = ()
    boosts: Mapping[int, float] = field(default_factory=dict)
    hidden: Collection[int] = ()


@dataclass
class MatchResult:
    """One ranked artist: score (0–100) = Σ contribution + boost; parts[name] = {value (0–1, or
    None when unknown), weight, contribution (points of the 100: 100·w·v / Σ known w; 0 when
    unknown), known}. ``placed_by_fairness``: the fair-exposure rule moved it above an artist
    outside the emerging group with a better score."""

    artist_id: int
    rank: int
    score: float
    boost: float
    parts: dict[str, dict[str, Any]]
    emerging: bool
    pinned: bool
    boosted: bool
    placed_by_fairness: bool = False


@dataclass
class Ranking:
    """The ranked top k plus how it was obtained (filter counts, fairness and curation reports)."""

    matches: list[MatchResult]
    removed: dict[str, int]
    n_total: int
    n_candidates: int
    fairness: dict[str, Any]
    curation: dict[str, Any]
    snapshot_version: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# ---- the parts, each for any subset of rows --------------------------------------------------
@dataclass
class _Query:
    snap: ArtistSnapshot
    brief: BriefQuery
    genre_bits: np.ndarray
    n_genres: int
    mood_bits: np.ndarray
    n_moods: int
    lang_bits: np.ndarray | None  # None: the brief names no language
    related: list[tuple[np.ndarray, np.ndarray]]  # per brief genre with kin: (its bit, kin bits)
    countries: np.ndarray
    country_lut: np.ndarray  # bool per snapshot country: a target of the brief
    age_w: np.ndarray
    tokens: np.ndarray
    reach: tuple[float, float, float]  # full marks from, to (log10 audience); slope width


@lru_cache(maxsize=1024)
def _age_weights(lo: int, hi: int) -> np.ndarray:
    w = np.array(
        [max(0, min(hi, b1) - max(lo, b0) + 1) / (b1 - b0 + 1) for b0, b1 in AGE_BOUNDS],
        dtype=np.float32,
    )
    w.flags.writeable = False
    return w


@lru_cache(maxsize=1024)
def _text_tokens(text: str, ignore: tuple[str, ...] = ()) -> np.ndarray:
    t = token_hashes(text)
    if ignore:
        t = np.setdiff1d(t, token_hashes(" ".join(ignore)), assume_unique=True)
    t.flags.writeable = False
    return t


@lru_cache(maxsize=4096)
def _day(d: Any) -> int:
    return to_day(d)


def _snap_cache(snap: ArtistSnapshot) -> dict[Any, Any]:
    """Per-snapshot memo of query constants (a snapshot is immutable, so they never go stale)."""
    cache = snap.__dict__.get("_query_cache")
    if cache is None:
        cache = snap.__dict__["_query_cache"] = {}
    elif len(cache) > 4096:
        cache.clear()
    return cache


def _reach(brief: BriefQuery, emerging_threshold: int) -> tuple[float, float, float]:
    if brief.audience_size:
        if brief.audience_size not in AUDIENCE_SIZES:
            raise ValueError(f"unknown audience size {brief.audience_size!r}")
        lo, hi = AUDIENCE_SIZES[brief.audience_size]
        if brief.audience_size == "emerging":
            hi = math.log10(max(emerging_threshold, 1))
        return lo, hi, SIZE_WIDTH
    target, width, saturate = OBJECTIVE_REACH[brief.objective]
    return target, math.inf if saturate else target, width


def _prepare(snap: ArtistSnapshot, brief: BriefQuery, emerging_threshold: int = 0) -> _Query:
    if brief.objective not in OBJECTIVE_REACH:
        raise ValueError(f"unknown objective {brief.objective!r}")
    cache = _snap_cache(snap)
    families = tuple(sorted((int(g), int(f)) for g, f in brief.genre_families.items()))
    tkey = ("tags", tuple(brief.genres), tuple(brief.moods), families)
    tags = cache.get(tkey)
    if tags is None:
        tags = cache[tkey] = _tag_masks(snap, brief, dict(families))
    ckey = ("countries", tuple(brief.territories))
    ctry = cache.get(ckey)
    if ctry is None:
        index = snap.country_index
        countries = np.array(
            sorted({index[c] for c in brief.territories if c in index}), dtype=np.int64
        )
        lut = np.zeros(max(len(snap.countries), 1), dtype=bool)
        lut[countries] = True
        ctry = cache[ckey] = (countries, lut)
    lkey = ("languages", tuple(brief.languages))
    langs = cache.get(lkey)
    if langs is None:
        langs = cache[lkey] = _lang_mask(snap, brief.languages)
    return _Query(
        snap=snap,
        brief=brief,
        genre_bits=tags[0],
        n_genres=tags[1],
        mood_bits=tags[2],
        n_moods=tags[3],
        lang_bits=langs,
        related=tags[4],
        countries=ctry[0],
        country_lut=ctry[1],
        age_w=_age_weights(int(brief.age_min), int(brief.age_max)),
        tokens=_text_tokens(brief.text, tuple(brief.ignore_words)),
        reach=_reach(brief, emerging_threshold),
    )


def _bits_of(keys: Collection[Any], index: Mapping[Any, int], words: int) -> np.ndarray:
    out = np.zeros(words, dtype=np.uint64)
    for key in keys:
        pos = index.get(key)
        if pos is not None:
            out[pos // 64] |= np.uint64(1) << np.uint64(pos % 64)
    return out


def _lang_mask(snap: ArtistSnapshot, languages: Sequence[str]) -> np.ndarray | None:
    if not languages:
        return None
    return _bits_of(set(languages), snap.lang_index, snap.arrays["lang_bits"].shape[1])


def _tag_masks(
    snap: ArtistSnapshot, brief: BriefQuery, families: dict[int, int]
) -> tuple[np.ndarray, int, np.ndarray, int, list[tuple[np.ndarray, np.ndarray]]]:
    """The brief's genre bits and how many distinct genres it names, the same for its moods,
    and for each brief genre whose family has other genres in the snapshot: (its own bit, the
    bits of those kin genres)."""
    words = snap.arrays["tags"].shape[1]

    def bits_of(keys: Collection[int]) -> np.ndarray:
        return _bits_of(keys, snap.tag_index, words)

    genres = {int(g) for g in brief.genres}
    moods = {tag_key("mood", m) for m in brief.moods}
    related = []
    if families:
        snap_genres = [k // 2 for k in snap.tag_vocab if k % 2 == 0]
        for g in sorted(genres):
            fam = families.get(g, g)
            kin = [h for h in snap_genres if h != g and families.get(h, h) == fam]
            if kin:
                kin_bits = bits_of([tag_key("genre", h) for h in kin])
                if kin_bits.any():
                    related.append((bits_of([tag_key("genre", g)]), kin_bits))
    genre_keys = {tag_key("genre", g) for g in genres}
    return bits_of(genre_keys), len(genre_keys), bits_of(moods), len(moods), related


def _row_wise(q: _Query, rows: np.ndarray) -> bool:
    """Read the rows' own entries (CSR by row) rather than the brief keys' postings?"""
    return len(rows) <= SMALL and len(rows) <= ROWWISE_SHARE * q.snap.n_rows


def part_genre(q: _Query, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray | bool]:
    """Coverage of the brief's genres and of its moods. Genres: for each brief genre the artist
    has, 1; for one it lacks but has a genre of the same family (the taxonomy's branch),
    GENRE_RELATED; averaged over the brief's genres. Moods: the share of the brief's moods the
    artist has. The part: the genre coverage, with the moods as MOOD_SHARE of it when the brief
    names both (only moods: the moods' coverage). Coverage never counts the artist's other
    genres or moods, so tagging more of them never raises (nor lowers) it. A brief with no
    genre and no mood: unknown."""
    a = q.snap.arrays
    ng, nm = q.n_genres, q.n_moods
    if ng == 0 and nm == 0:
        return np.zeros(len(rows), dtype=np.float32), False
    # the weight of one matching genre / mood in the part
    wg = (1.0 - MOOD_SHARE) / ng if ng and nm else (1.0 / ng if ng else 0.0)
    wm = (MOOD_SHARE if ng else 1.0) / nm if nm else 0.0
    tags = a["tags"][rows]
    if tags.shape[1] == 1:
        t = tags[:, 0]
        out = np.bitwise_count(t & q.genre_bits[0]).astype(np.float32)
        for own, kin in q.related:
            partial = (t & kin[0]) != 0
            partial &= (t & own[0]) == 0
            out += partial * np.float32(GENRE_RELATED)
        out *= np.float32(wg)
        if nm:
            out += np.bitwise_count(t & q.mood_bits[0]) * np.float32(wm)
    else:
        out = np.bitwise_count(tags & q.genre_bits).sum(axis=1, dtype=np.uint16)
        out = out.astype(np.float32)
        for own, kin in q.related:
            partial = (tags & kin).any(axis=1)
            partial &= ~(tags & own).any(axis=1)
            out += partial * np.float32(GENRE_RELATED)
        out *= np.float32(wg)
        if nm:
            moods = np.bitwise_count(tags & q.mood_bits).sum(axis=1, dtype=np.uint16)
            out += moods * np.float32(wm)
    return np.minimum(out, np.float32(1.0), out=out), True


def part_language(q: _Query, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray | bool]:
    """1 when the artist performs in one of the brief's languages, else 0. A brief naming no
    language, or an artist listing none: unknown."""
    if q.lang_bits is None:
        return np.zeros(len(rows), dtype=np.float32), False
    langs = q.snap.arrays["lang_bits"][rows]
    known = langs.any(axis=1)
    out = (langs & q.lang_bits).any(axis=1).astype(np.float32)
    return out, known


def _segments(indptr: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Entry positions of the given rows' CSR segments and, per entry, its index in ``rows``."""
    starts = indptr[rows]
    lengths = indptr[rows + 1] - starts
    seg = np.repeat(np.arange(len(rows)), lengths)
    offsets = np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    return np.repeat(starts, lengths) + offsets, seg


def part_territory(q: _Query, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray | bool]:
    """The artist's absolute audience in the brief's target countries, on a log scale:
    L = Σ over targets of share × monthly listeners, value = log10(1 + L) / TERRITORY_FULL_LOG
    clipped to [0, 1] (10^6 listeners there = 1).

    Shrinkage (thin evidence): the value is pulled toward the neutral 0.5 by the evidence
    e = min(1, countries listed / TERRITORY_FULL_COUNTRIES) × min(1, Σ shares /
    TERRITORY_FULL_SHARE): value = 0.5 + e·(raw − 0.5). One country at 100 % (a single chart
    entry) is a third of the evidence. No audience-by-country data, or a brief with no target
    country: unknown."""
    a = q.snap.arrays
    n = len(rows)
    if len(q.brief.territories) == 0:
        return np.zeros(n, dtype=np.float32), False
    if _row_wise(q, rows):
        pos, seg = _segments(a["aud_indptr"], rows)
        hit = q.country_lut[a["aud_country"][pos]]
        share = np.bincount(seg[hit], weights=a["aud_share"][pos[hit]], minlength=n)
        share = share.astype(np.float32)
    else:
        dense = np.zeros(q.snap.n_rows, dtype=np.float32)
        ptr = a["audc_indptr"]
        for c in q.countries.tolist():
            s, e = int(ptr[c]), int(ptr[c + 1])
            # a row appears once per country: add.at equals `dense[rows] += share`, one pass cheaper
            np.add.at(dense, a["audc_rows"][s:e], a["audc_share"][s:e])
        share = dense[rows]
    evidence = _audience_evidence(q.snap)[rows]
    known = evidence > 0
    out = np.zeros(n, dtype=np.float32)
    hit = share.nonzero()[0]  # most rows have no audience in the targets: log only the others
    if len(hit):
        listeners = a["listeners"][rows[hit]].astype(np.float32)
        listeners *= share[hit]
        v = np.log10(listeners + np.float32(1.0))
        v *= np.float32(1.0 / TERRITORY_FULL_LOG)
        out[hit] = np.minimum(v, np.float32(1.0))
    out -= np.float32(NEUTRAL)
    out *= evidence
    out += np.float32(NEUTRAL)
    out[~known] = 0.0
    return out, known


def _audience_evidence(snap: ArtistSnapshot) -> np.ndarray:
    """Per row, how much audience-by-country evidence the artist has, in [0, 1] (0: none);
    derived once per snapshot (a snapshot is immutable)."""
    cache = _snap_cache(snap)
    ev = cache.get("aud_evidence")
    if ev is None:
        a = snap.arrays
        counts = np.diff(a["aud_indptr"])
        row_of = np.repeat(np.arange(snap.n_rows), counts)
        total = np.bincount(row_of, weights=a["aud_share"], minlength=snap.n_rows)
        ev = np.minimum(counts / TERRITORY_FULL_COUNTRIES, 1.0)
        ev *= np.minimum(total / TERRITORY_FULL_SHARE, 1.0)
        ev = cache["aud_evidence"] = ev.astype(np.float32)
        ev.flags.writeable = False
    return ev


def part_age(q: _Query, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray | bool]:
    """Share of the artist's (reported) audience inside the brief's age range; a bucket that the
    range covers partly counts pro rata by years; no age data → unknown."""
    a = q.snap.arrays
    out = np.zeros(len(rows), dtype=np.float32)
    for b, w in enumerate(q.age_w.tolist()):
        if w == 0.0:
            continue
        col = a["age_norm"][b][rows]
        if w != 1.0:
            col *= np.float32(w)
        out += col
    known = a["age_total"][rows] > 0
    out[~known] = 0.0
    return np.minimum(out, np.float32(1.0), out=out), known


def fees(
    q: _Query, rows: np.ndarray, fx: Mapping[str, float], *, offered: bool = False
) -> np.ndarray:
    """Σ over the brief's deliverables of min fee × quantity, converted to the brief currency and
    rounded to the minor unit per deliverable type (float64: exact for same-currency fees).
    A type the artist does not offer costs ∞; ``offered``: the rows are known to offer every
    type (they passed the deliverables filter), so that check is skipped."""
    a = q.snap.arrays
    conv = _conversion(q.brief.currency, tuple(fx.items()))
    total = np.zeros(len(rows), dtype=np.float64)
    for t, qty in q.brief.deliverables.items():
        ti = q.snap.type_index.get(int(t))
        if ti is None:
            return np.full(len(rows), np.inf)
        fee = a["fee"][ti][rows].astype(np.float64)
        if not offered:
            fee[fee == float(NO_FEE)] = np.inf
        fee *= conv[a["fee_cur"][ti][rows]]
        np.rint(fee, out=fee)
        if qty != 1:
            fee *= int(qty)
        total += fee
    return total


@lru_cache(maxsize=256)
def _conversion(currency: str, fx: tuple[tuple[str, float], ...]) -> np.ndarray:
    rates = dict(fx)
    conv = np.array([rates[c] / rates[currency] for c in CURRENCIES], dtype=np.float64)
    conv.flags.writeable = False
    return conv


def part_budget(q: _Query, total_fee: np.ndarray) -> np.ndarray:
    """1 anywhere inside the budget: [0, budget max] in the brief's currency (a fee above it is
    the budget filter's business, never a part). Being affordable is not a defect: a fee below
    the budget minimum costs nothing."""
    return np.ones(len(total_fee), dtype=np.float32)


def part_reach(q: _Query, rows: np.ndarray) -> np.ndarray:
    """1 inside the wanted band of log10(audience), 1 − distance / width outside, clipped to
    [0, 1]. The band: the brand's audience size if it chose one, else the objective's target
    (for awareness and launch any audience above it fits fully). Audience = max(monthly
    listeners, total followers)."""
    lo, hi, width = q.reach
    x = q.snap.arrays["reach_log"][rows]
    d = np.float32(lo) - x if lo > -math.inf else np.full(len(rows), -1.0, dtype=np.float32)
    if hi < math.inf:
        np.maximum(d, x - np.float32(hi), out=d)
    d *= np.float32(-1.0 / width)
    d += np.float32(1.0)
    np.maximum(d, np.float32(0.0), out=d)  # ufuncs: np.clip's wrapper costs more than the work
    return np.minimum(d, np.float32(1.0), out=d)


def part_engagement(q: _Query, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Engagement rate / ENGAGEMENT_FULL, capped at 1. A rate of 0 (the database default: not
    measured) or NaN: unknown."""
    out = q.snap.arrays["engagement"][rows] * np.float32(1.0 / ENGAGEMENT_FULL)
    known = out > 0  # False for NaN too
    out[~known] = 0.0
    return np.minimum(out, np.float32(1.0), out=out), known


def part_rating(q: _Query, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Average rating / 5; no review yet: unknown."""
    out = np.array(q.snap.arrays["rating_part"][rows], dtype=np.float32)
    known = ~np.isnan(q.snap.arrays["rating"][rows])
    out[~known] = 0.0
    return out, known


def part_text(q: _Query, rows: np.ndarray) -> tuple[np.ndarray, bool]:
    """Share of the brief's distinct (hashed, stop-word-free) words found in the artist's text
    (stage name, bio, genre and mood names). The words of genre and mood names
    (``BriefQuery.ignore_words``) are dropped from the brief's words: the genre part already
    counts them. No words left in the brief: unknown."""
    a = q.snap.arrays
    nq = len(q.tokens)
    if nq == 0:
        return np.zeros(len(rows), dtype=np.float32), False
    if _row_wise(q, rows):
        pos, seg = _segments(a["txt_indptr"], rows)
        toks = a["txt_tok"][pos]
        at = np.searchsorted(q.tokens, toks)
        hit = q.tokens[np.minimum(at, nq - 1)] == toks
        out = np.bincount(seg[hit], minlength=len(rows)).astype(np.float32)
    else:
        ptr = a["txtp_indptr"]
        post = a["txtp_rows"]
        found = [post[ptr[t] : ptr[t + 1]] for t in q.tokens.tolist()]
        dense = np.bincount(np.concatenate(found), minlength=q.snap.n_rows)
        out = dense[rows].astype(np.float32)
    out *= np.float32(1.0 / nq)
    return out, True


def part_verified(q: _Query, rows: np.ndarray) -> np.ndarray:
    """1 for a verified artist, else 0."""
    return q.snap.arrays["verified"][rows].astype(np.float32)


# ---- ranking ---------------------------------------------------------------------------------
def _filter(
    q: _Query, hidden_rows: np.ndarray, watch_rows: np.ndarray, fx: Mapping[str, float]
) -> tuple[np.ndarray, np.ndarray, dict[str, int], dict[int, str]]:
    """Apply the hard filters in FILTERS order. Returns candidate rows, their total fees, the
    removed counts and, for every removed row among ``watch_rows``, the filter that removed it."""
    a = q.snap.arrays
    b = q.brief
    removed = dict.fromkeys(FILTERS, 0)
    first_fail: dict[int, str] = {}

    mask = np.array(a["alive"], dtype=bool, copy=True)
    n0 = _n_alive(q.snap)
    for t in b.deliverables:
        ti = q.snap.type_index.get(int(t))
        if ti is None:
            mask[:] = False
            break
        mask &= a["fee"][ti] != NO_FEE
    rows = mask.nonzero()[0]  # np.flatnonzero's wrappers cost more than the work at 10k rows
    removed["deliverables"] = n0 - len(rows)
    watch = {int(r) for r in watch_rows.tolist()}
    if watch:
        _note(first_fail, watch, np.flatnonzero(~mask & a["alive"]), "deliverables")

    def keep(ok: np.ndarray, name: str) -> None:
        nonlocal rows
        removed[name] = int(len(rows) - np.count_nonzero(ok))
        if watch:
            _note(first_fail, watch, rows[~ok], name)
        rows = rows[ok]

    # availability: an unavailability range overlapping [start, end] (both inclusive)
    s, e = _day(b.start_date), _day(b.end_date)
    if len(a["unav_start"]):
        hit = (a["unav_start"] <= e) & (a["unav_end"] >= s)
        blocked = np.zeros(q.snap.n_rows, dtype=bool)
        blocked[a["unav_row"][hit]] = True
        keep(~blocked[rows], "availability")
    # category
    pos = q.snap.cat_index.get(b.brand_category) if b.brand_category is not None else None
    if pos is not None:
        word = a["cat_bits"][:, pos // 64][rows]
        keep((word & (np.uint64(1) << np.uint64(pos % 64))) == 0, "category")
    # budget
    total = fees(q, rows, fx, offered=True)
    ok = total <= b.budget_max
    keep(ok, "budget")
    total = total[ok]
    # hidden
    if len(hidden_rows):
        ok = ~np.isin(rows, hidden_rows)
        keep(ok, "hidden")
        total = total[ok]
    return rows, total, removed, first_fail


def _note(first_fail: dict[int, str], watch: set[int], rows: np.ndarray, name: str) -> None:
    if watch:
        for r in np.intersect1d(rows, np.fromiter(watch, dtype=np.int64)):
            first_fail.setdefault(int(r), name)


def score_rows(
    q: _Query,
    rows: np.ndarray,
    total_fee: np.ndarray,
    weights: Mapping[str, float],
    *,
    explain: bool = False,
) -> tuple[np.ndarray, dict[str, np.ndarray], dict[str, np.ndarray | bool]]:
    """Score (0–100, float32) = 100 × Σ w·v / Σ w over the parts known for each row
    (`NO_DATA_SCORE` where no weighted part is known); with ``explain`` every part's values and
    known flags (a bool: the same for every row). The genre part is always returned: the
    fairness rule's relevance floor reads it."""
    # An average: the weights may be scaled freely. Scaled to a largest weight of 1, so float32
    # never meets a denormal one (100 / Σw overflowed to inf, and inf × 0 made the score NaN).
    top = max(weights.values(), default=0.0)
    if top > 0.0:
        weights = {name: w / top for name, w in weights.items()}
    parts: dict[str, np.ndarray] = {}
    knowns: dict[str, np.ndarray | bool] = {}
    num = np.zeros(len(rows), dtype=np.float32)
    den_all = 0.0  # Σ w of the parts known for every row
    den: np.ndarray | None = None  # Σ w of the parts known for some rows only
    for name in PARTS:
        w = float(weights.get(name, 0.0))
        if w == 0.0 and not explain and name != "genre":
            continue
        if name == "budget":
            part, known = part_budget(q, total_fee), True
        elif name == "verified":
            part, known = part_verified(q, rows), True
        elif name == "reach":
            part, known = part_reach(q, rows), True
        else:
            part, known = _PART_FUNCS[name](q, rows)
        if explain or name == "genre":
            parts[name], knowns[name] = part, known
        if w == 0.0 or known is False:
            continue
        num += part if w == 1.0 else part * np.float32(w)  # unknown values are 0
        if known is True:
            den_all += w
        elif den is None:
            den = known * np.float32(w)
        else:
            den += known * np.float32(w)
    if den is None:
        if den_all == 0.0:
            return np.full(len(rows), NO_DATA_SCORE, dtype=np.float32), parts, knowns
        num *= np.float32(100.0 / den_all)
        return num, parts, knowns
    if den_all:
        den += np.float32(den_all)
    num *= np.float32(100.0)
    empty = den == 0
    den[empty] = 1.0
    num /= den
    num[empty] = NO_DATA_SCORE
    return num, parts, knowns


_PART_FUNCS = {
    "genre": part_genre,
    "territory": part_territory,
    "language": part_language,
    "age": part_age,
    "engagement": part_engagement,
    "rating": part_rating,
    "text": part_text,
}


@lru_cache(maxsize=256)
def _checked_weights(items: tuple[tuple[str, float], ...]) -> tuple[dict[str, float], np.ndarray]:
    """Validated weights (as a dict) and the weight of every part in PARTS order (float64)."""
    weights = dict(items)
    unknown = set(weights) - set(PARTS)
    if unknown:
        raise ValueError(f"unknown score parts in weights: {sorted(unknown)}")
    if any(w < 0 for w in weights.values()):
        raise ValueError("weights must be ≥ 0")
    return weights, np.array([float(weights.get(n, 0.0)) for n in PARTS], dtype=np.float64)


def _explain(
    top_ids: list[int],
    scores: list[float],
    emerging: list[bool],
    parts: np.ndarray,
    known: np.ndarray,
    wvec: np.ndarray,
    boosts: Mapping[int, float],
    n_pinned: int,
    lifted: set[int],
) -> list[MatchResult]:
    """MatchResults for the chosen rows; ``parts`` is (len(PARTS), k) float32 and ``known``
    the same shape, bool. A known part: value, weight, contribution = 100·w·v / Σ known w
    (float64; the points it adds to the score); an unknown one: value None, contribution 0."""
    weights = wvec.tolist()
    den = (known * wvec[:, None]).sum(axis=0).tolist() if len(top_ids) else []
    out = []
    for j, (aid, vals, kn) in enumerate(
        zip(top_ids, parts.T.tolist(), known.T.tolist(), strict=True)
    ):
        scale = 100.0 / den[j] if den[j] else 0.0
        out.append(
            # positional: a dataclass's keyword call costs several times more
            MatchResult(
                aid,  # artist_id
                j + 1,  # rank
                scores[j],  # score
                boosts.get(aid, 0.0),  # boost
                {
                    name: {"value": v, "weight": w, "contribution": v * w * scale, "known": True}
                    if k
                    else {"value": None, "weight": w, "contribution": 0.0, "known": False}
                    for name, v, w, k in zip(PARTS, vals, weights, kn, strict=True)
                },  # parts
                emerging[j],  # emerging
                j < n_pinned,  # pinned
                aid in boosts,  # boosted
                j in lifted,  # placed_by_fairness
            )
        )
    return out


def rank(
    snap: ArtistSnapshot,
    brief: BriefQuery,
    *,
    weights: Mapping[str, float] | None = None,
    curation: Curation | None = None,
    k: int = 50,
    emerging_threshold: int,
    emerging_since: int = 0,
    fx: Mapping[str, float] | None = None,
) -> Ranking:
    """Filter, score, curate and fairly re-rank; return the top ``k`` with explanations.
    Emerging: see `emerging_rows` (``emerging_since``: the earliest first-release year an
    emerging artist may have; 0: no career limit)."""
    weights, wvec = _checked_weights(
        tuple((DEFAULT_WEIGHTS if weights is None else weights).items())
    )
    if not 0.0 <= brief.emerging_share <= 1.0:
        raise ValueError("emerging_share must be in [0, 1]")
    if brief.fairness not in ("fair", "strict"):
        raise ValueError("fairness must be 'fair' or 'strict'")
    fx = DEFAULT_FX if fx is None else fx
    curation = curation or Curation()
    q = _prepare(snap, brief, emerging_threshold)
    a = snap.arrays

    if curation.hidden:
        hidden_rows = snap.rows_for_ids(curation.hidden)
        hidden_rows = np.unique(hidden_rows[hidden_rows >= 0])
    else:
        hidden_rows = np.zeros(0, dtype=np.int64)
    pin_rows_all = (
        snap.rows_for_ids(curation.pinned) if curation.pinned else np.zeros(0, dtype=np.int64)
    )
    rows, total_fee, removed, why = _filter(q, hidden_rows, pin_rows_all[pin_rows_all >= 0], fx)
    # Small candidate sets keep their parts for the explanations (no second pass for the top k).
    keep_parts = len(rows) <= KEEP_PARTS
    score, parts, knowns = score_rows(q, rows, total_fee, weights, explain=keep_parts)
    ids = a["ids"][rows]
    boost = np.zeros(0, dtype=np.float32)
    if curation.boosts:
        boost_ids = np.fromiter(curation.boosts.keys(), dtype=np.int64, count=len(curation.boosts))
        hit = np.isin(ids, boost_ids)
        if hit.any():
            lookup = {int(i): float(v) for i, v in curation.boosts.items()}
            where = hit.nonzero()[0]
            boost = np.array([lookup[int(i)] for i in ids[where].tolist()], dtype=np.float32)
            score[where] += boost
    emerging = emerging_rows(snap, emerging_threshold, emerging_since)[rows]

    # pins: in pin order, those that passed the filters and are not hidden
    pins_dropped: list[dict[str, Any]] = []
    pin_pos: list[int] = []
    if len(pin_rows_all):
        hidden_set = set(hidden_rows.tolist())
        sel_pins = np.flatnonzero(np.isin(rows, pin_rows_all))
        cand_index = {int(rows[i]): int(i) for i in sel_pins}
        seen: set[int] = set()
        for pid, prow in zip(curation.pinned, pin_rows_all.tolist(), strict=True):
            if pid in seen:
                continue
            seen.add(pid)
            if prow < 0:
                pins_dropped.append({"artist_id": int(pid), "reason": "unknown"})
            elif prow in hidden_set:
                pins_dropped.append({"artist_id": int(pid), "reason": "hidden"})
            elif prow not in cand_index:
                pins_dropped.append({"artist_id": int(pid), "reason": why.get(prow, "filtered")})
            else:
                pin_pos.append(cand_index[prow])
        pin_pos = pin_pos[:k]

    # the fairness rule's candidates: emerging artists relevant to the brief
    emerging_all = int(np.count_nonzero(emerging))
    protected = emerging
    if emerging_all:
        floor = RELEVANCE_FLOOR * float(score.max())
        protected = emerging & (score >= np.float32(floor))
        if knowns["genre"] is not False:  # the brief names genres or moods
            protected &= parts["genre"] > 0
    p = float(brief.emerging_share)
    n_list = min(k, len(rows))
    alpha_c = None
    if brief.fairness == "fair":
        alpha_c = adjusted_alpha(k, p, brief.alpha)
        table = share_table(mtable(k, p, alpha_c), p, n_list)
    else:
        table = floor_table(k, p)
    pins = np.asarray(pin_pos, dtype=np.int64)
    if pin_pos:
        rest = np.ones(len(rows), dtype=bool)
        rest[pins] = False
        rest_idx = rest.nonzero()[0]
        sel = fair_merge(
            score[rest_idx],
            protected[rest_idx],
            table,
            k - len(pin_pos),
            tie_ids=ids[rest_idx],
            offset=len(pin_pos),
            protected_before=int(np.count_nonzero(protected[pins])),
        )
        order = np.concatenate([pins, rest_idx[sel.order]])
    else:
        sel = fair_merge(score, protected, table, k, tie_ids=ids)
        order = sel.order

    # explanations for the k chosen rows only
    if keep_parts:
        top_parts = np.stack([parts[name][order] for name in PARTS])
        top_known = np.stack([_known_at(knowns[name], order) for name in PARTS])
    else:
        _, top, top_kn = score_rows(q, rows[order], total_fee[order], weights, explain=True)
        if len(order):
            top_parts = np.stack([top[name] for name in PARTS])
            top_known = np.stack([_known_at(top_kn[name], np.arange(len(order))) for name in PARTS])
        else:
            top_parts = np.zeros((len(PARTS), 0), dtype=np.float32)
            top_known = np.zeros((len(PARTS), 0), dtype=bool)
    flags = emerging[order].tolist()
    prot_flags = protected[order].tolist()
    table_list = table.tolist()
    boosts = {int(i): float(v) for i, v in curation.boosts.items()}
    lifted = {pos - 1 for pos in sel.lifted}  # 0-based positions in the whole list
    matches = _explain(
        ids[order].tolist(), score[order].tolist(), flags, top_parts, top_known, wvec, boosts,
        len(pin_pos), lifted,
    )  # fmt: skip
    # unmet_prefixes(prot_flags, table) over Python lists (k is small; numpy calls cost more)
    unmet, held = [], 0
    for i, (flag, need) in enumerate(zip(prot_flags, table_list, strict=False)):
        held += flag
        if held < need:
            unmet.append(i + 1)
    n_relevant = int(np.count_nonzero(protected)) if emerging_all else 0
    needed = int(table[len(order) - 1]) if len(order) else 0
    message = None
    if sel.shortfall:
        message = (
            f"Only {n_relevant} relevant emerging artists pass the filters; the list needs "
            f"{needed} in its top {len(order)}: filled with other artists from position "
            f"{sel.shortfall[0]}."
        )
    elif unmet:
        message = "Pinned artists break the emerging-share condition at the first positions."
    return Ranking(
        matches=matches,
        removed=removed,
        n_total=_n_alive(snap),
        n_candidates=len(rows),
        fairness={
            "mode": brief.fairness,
            "p": p,
            "alpha": brief.alpha if brief.fairness == "fair" else None,
            "alpha_adjusted": alpha_c,
            "k": k,
            "table": table_list,
            "relevance_floor": RELEVANCE_FLOOR,
            "emerging_candidates": n_relevant,
            "emerging_candidates_all": emerging_all,
            "emerging_in_list": sum(flags),
            "share_asked": math.ceil(p * len(order) - 1e-9),
            "needed": needed,
            "enough_emerging": not sel.shortfall,
            "shortfall_positions": sel.shortfall,
            "unmet_prefixes": unmet,
            "satisfied": not unmet,
            "placed_by_fairness": len(lifted),
            "message": message,
        },
        curation={
            "pinned": ids[pins].tolist(),
            "pins_dropped": pins_dropped,
            "hidden": len(hidden_rows),
            "boosted": len(boost),
        },
        snapshot_version=snap.version,
    )


def emerging_rows(snap: ArtistSnapshot, threshold: int, since: int = 0) -> np.ndarray:
    """Per snapshot row, is the artist emerging? Two signals, both required: a small audience
    everywhere (monthly listeners and the followers summed over platforms both under
    ``threshold``: a large following on one platform is not emerging) and a short career (a first
    release in ``since`` or later; an unknown year does not count against the artist, and
    ``since`` = 0 sets no career limit: a veteran with few listeners is not emerging).
    Memoised per snapshot."""
    cache = _snap_cache(snap)
    key = ("emerging", int(threshold), int(since))
    out = cache.get(key)
    if out is None:
        a = snap.arrays
        out = (a["listeners"] < threshold) & (a["followers_total"] < threshold)
        if since:
            first = a["first_release"]
            out &= (first == 0) | (first >= since)
        out.flags.writeable = False
        cache[key] = out
    return out


def _known_at(known: np.ndarray | bool, idx: np.ndarray) -> np.ndarray:
    if known is True or known is False:
        return np.full(len(idx), known, dtype=bool)
    return known[idx]


def share_table(fair: np.ndarray, p: float, n: int) -> np.ndarray:
    """FA*IR's table raised so that a list of ``n`` rows ends with ⌈p·n⌉ protected items: at
    position i at least ⌈p·n⌉ − (n − i) (only the last positions are raised; the greedy merge
    places the extra protected items as late as the table lets it)."""
    if n <= 0 or len(fair) == 0:
        return fair
    want = math.ceil(p * n - 1e-9)
    ramp = want - (n - np.arange(1, len(fair) + 1))
    ramp[n:] = want
    return np.maximum(fair, ramp).astype(np.int64)


def _n_alive(snap: ArtistSnapshot) -> int:
    cache = _snap_cache(snap)
    n = cache.get("n_alive")
    if n is None:
        n = cache["n_alive"] = snap.n_alive
    return n


__all__ = [
    "AUDIENCE_SIZES",
    "DEFAULT_FX",
    "DEFAULT_WEIGHTS",
    "FILTERS",
    "OBJECTIVE_REACH",
    "PARTS",
    "TEXT_BUCKETS",
    "BriefQuery",
    "Curation",
    "MatchResult",
    "Ranking",
    "emerging_rows",
    "rank",
]
