"""Rank a snapshot of artists against one brief: hard filters, a weighted sum of explainable
parts, staff curation and a fair-exposure re-rank. Vectorised numpy; no Django.

Decisions worth knowing:
- Filters run in the order of `FILTERS`; an artist is counted under the first filter it fails.
- Pinned artists come first in pin order but must still pass every hard filter (a pinned artist
  who is unavailable or over budget cannot be booked; it is reported in
  ``curation["pins_dropped"]`` with the filter that removed it). Hidden wins over pinned.
- Boosts are added to the score before the fairness re-rank (so a boost can move an artist
  within its group and across the merge); parts stay unboosted.
- The fairness table covers the whole list, pins included: after the pins, every prefix must
  hold at least table[i] emerging artists. Prefixes the pins themselves break, or that the
  emerging candidates cannot fill, are reported, never raised.
- Parts that lack information are neutral (0.5): a brief with no genres/moods, no territories or
  no text, an artist with no age data or no rating.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from .fairness import fair_merge, floor_table, mtable
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
    "genre", "territory", "age", "budget", "reach", "engagement", "rating", "text", "verified",
)  # fmt: skip
DEFAULT_WEIGHTS: dict[str, float] = {
    "genre": 3.0, "territory": 2.0, "age": 1.5, "budget": 1.0, "reach": 1.5, "engagement": 1.0,
    "rating": 1.0, "text": 1.0, "verified": 0.5,
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
ENGAGEMENT_FULL = 0.10  # an engagement rate of 10 % or more earns the whole part
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


@dataclass(frozen=True)
class Curation:
    """Staff curation for one brief: pinned ids (in pin order), boosts added to the score,
    hidden ids."""

    pinned: Sequence[int] = ()
    boosts: Mapping[int, float] = field(default_factory=dict)
    hidden: Collection[int] = ()


@dataclass
class MatchResult:
    """One ranked artist: score = Σ weight·part + boost;
    parts[name] = {value, weight, contribution}."""

    artist_id: int
    rank: int
    score: float
    boost: float
    parts: dict[str, dict[str, float]]
    emerging: bool
    pinned: bool
    boosted: bool


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
    tag_bits: np.ndarray
    tag_invnorm: float
    countries: np.ndarray
    country_lut: np.ndarray  # bool per snapshot country: a target of the brief
    age_w: np.ndarray
    tokens: np.ndarray
    reach: tuple[float, float, bool]


@lru_cache(maxsize=1024)
def _age_weights(lo: int, hi: int) -> np.ndarray:
    w = np.array(
        [max(0, min(hi, b1) - max(lo, b0) + 1) / (b1 - b0 + 1) for b0, b1 in AGE_BOUNDS],
        dtype=np.float32,
    )
    w.flags.writeable = False
    return w


@lru_cache(maxsize=1024)
def _text_tokens(text: str) -> np.ndarray:
    t = token_hashes(text)
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


def _prepare(snap: ArtistSnapshot, brief: BriefQuery) -> _Query:
    if brief.objective not in OBJECTIVE_REACH:
        raise ValueError(f"unknown objective {brief.objective!r}")
    cache = _snap_cache(snap)
    tkey = ("tags", tuple(brief.genres), tuple(brief.moods))
    tags = cache.get(tkey)
    if tags is None:
        words = snap.arrays["tags"].shape[1]
        bits = np.zeros(words, dtype=np.uint64)
        keys = {tag_key("genre", g) for g in brief.genres} | {
            tag_key("mood", m) for m in brief.moods
        }
        for key in keys:
            pos = snap.tag_index.get(key)
            if pos is not None:
                bits[pos // 64] |= np.uint64(1) << np.uint64(pos % 64)
        tags = cache[tkey] = (bits, 1.0 / np.sqrt(len(keys)) if keys else 0.0)
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
    return _Query(
        snap=snap,
        brief=brief,
        tag_bits=tags[0],
        tag_invnorm=tags[1],
        countries=ctry[0],
        country_lut=ctry[1],
        age_w=_age_weights(int(brief.age_min), int(brief.age_max)),
        tokens=_text_tokens(brief.text),
        reach=OBJECTIVE_REACH[brief.objective],
    )


def _row_wise(q: _Query, rows: np.ndarray) -> bool:
    """Read the rows' own entries (CSR by row) rather than the brief keys' postings?"""
    return len(rows) <= SMALL and len(rows) <= ROWWISE_SHARE * q.snap.n_rows


def part_genre(q: _Query, rows: np.ndarray) -> np.ndarray:
    """Cosine similarity of the genre ∪ mood multi-hot vectors: |A∩B| / √(|A|·|B|)."""
    a = q.snap.arrays
    if q.tag_invnorm == 0.0:
        return np.full(len(rows), NEUTRAL, dtype=np.float32)
    tags = a["tags"][rows]
    if tags.shape[1] == 1:
        inter = np.bitwise_count(tags[:, 0] & q.tag_bits[0])
    else:
        inter = np.bitwise_count(tags & q.tag_bits).sum(axis=1, dtype=np.uint16)
    out = inter.astype(np.float32)
    out *= a["tag_invnorm"][rows]
    out *= np.float32(q.tag_invnorm)
    return np.minimum(out, np.float32(1.0), out=out)


def _segments(indptr: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Entry positions of the given rows' CSR segments and, per entry, its index in ``rows``."""
    starts = indptr[rows]
    lengths = indptr[rows + 1] - starts
    seg = np.repeat(np.arange(len(rows)), lengths)
    offsets = np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    return np.repeat(starts, lengths) + offsets, seg


def part_territory(q: _Query, rows: np.ndarray) -> np.ndarray:
    """Share of the artist's audience in the brief's target countries (capped at 1)."""
    a = q.snap.arrays
    if len(q.brief.territories) == 0:
        return np.full(len(rows), NEUTRAL, dtype=np.float32)
    if _row_wise(q, rows):
        pos, seg = _segments(a["aud_indptr"], rows)
        hit = q.country_lut[a["aud_country"][pos]]
        out = np.bincount(seg[hit], weights=a["aud_share"][pos[hit]], minlength=len(rows))
        return np.minimum(out, 1.0).astype(np.float32)
    dense = np.zeros(q.snap.n_rows, dtype=np.float32)
    ptr = a["audc_indptr"]
    for c in q.countries.tolist():
        s, e = int(ptr[c]), int(ptr[c + 1])
        # a row appears once per country: add.at equals `dense[rows] += share`, one pass cheaper
        np.add.at(dense, a["audc_rows"][s:e], a["audc_share"][s:e])
    out = dense[rows]
    return np.minimum(out, np.float32(1.0), out=out)


def part_age(q: _Query, rows: np.ndarray) -> np.ndarray:
    """Share of the artist's (reported) audience inside the brief's age range; a bucket that the
    range covers partly counts pro rata by years; no age data → neutral."""
    a = q.snap.arrays
    out = np.zeros(len(rows), dtype=np.float32)
    for b, w in enumerate(q.age_w.tolist()):
        if w == 0.0:
            continue
        col = a["age_norm"][b][rows]
        if w != 1.0:
            col *= np.float32(w)
        out += col
    unknown = a["age_total"][rows] <= 0
    out[unknown] = NEUTRAL
    return np.minimum(out, np.float32(1.0), out=out)


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
    """1 when the fee is within [budget min, budget max]; fee / budget min below it."""
    bmin = q.brief.budget_min
    if bmin <= 0:
        return np.ones(len(total_fee), dtype=np.float32)
    out = np.minimum(total_fee / bmin, 1.0)
    return np.maximum(out, 0.0, out=out).astype(np.float32)


def part_reach(q: _Query, rows: np.ndarray) -> np.ndarray:
    """1 − |log10(audience) − target| / width, clipped to [0, 1]; for awareness and launch any
    audience above the target fits fully. Audience = max(monthly listeners, total followers)."""
    target, width, saturate = q.reach
    d = q.snap.arrays["reach_log"][rows] - np.float32(target)
    if saturate:
        d = np.minimum(d, np.float32(0.0), out=d)
    d = np.abs(d, out=d)
    d *= np.float32(-1.0 / width)
    d += np.float32(1.0)
    np.maximum(d, np.float32(0.0), out=d)  # ufuncs: np.clip's wrapper costs more than the work
    return np.minimum(d, np.float32(1.0), out=d)


def part_engagement(q: _Query, rows: np.ndarray) -> np.ndarray:
    """Engagement rate / ENGAGEMENT_FULL, capped at 1."""
    out = q.snap.arrays["engagement"][rows] * np.float32(1.0 / ENGAGEMENT_FULL)
    np.maximum(out, np.float32(0.0), out=out)
    return np.minimum(out, np.float32(1.0), out=out)


def part_rating(q: _Query, rows: np.ndarray) -> np.ndarray:
    """Average rating / 5; no rating yet → neutral (precomputed in the snapshot)."""
    return np.asarray(q.snap.arrays["rating_part"][rows], dtype=np.float32)


def part_text(q: _Query, rows: np.ndarray) -> np.ndarray:
    """Share of the brief's distinct (hashed, stop-word-free) words found in the artist's text
    (stage name, bio, genre and mood names). No words in the brief → neutral."""
    a = q.snap.arrays
    nq = len(q.tokens)
    if nq == 0:
        return np.full(len(rows), NEUTRAL, dtype=np.float32)
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
    return out


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
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Score = Σ weight·part over ``rows`` (float32), and with ``explain`` every part."""
    parts: dict[str, np.ndarray] = {}
    score = np.zeros(len(rows), dtype=np.float32)
    for name in PARTS:
        w = float(weights.get(name, 0.0))
        if w == 0.0 and not explain:
            continue
        part = part_budget(q, total_fee) if name == "budget" else _PART_FUNCS[name](q, rows)
        if explain:
            parts[name] = part
        if w != 0.0:
            score += part if w == 1.0 else part * np.float32(w)
    return score, parts


_PART_FUNCS = {
    "genre": part_genre,
    "territory": part_territory,
    "age": part_age,
    "reach": part_reach,
    "engagement": part_engagement,
    "rating": part_rating,
    "text": part_text,
    "verified": part_verified,
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
    wvec: np.ndarray,
    boosts: Mapping[int, float],
    n_pinned: int,
) -> list[MatchResult]:
    """MatchResults for the chosen rows; ``parts`` is (len(PARTS), k) float32. The contribution
    is value × weight in float64 (the value being the float32 part, as a Python float).

    Written out part by part: the k × 9 small dicts are most of a small ranking's fixed cost,
    and dict displays are the cheapest way to build them (a comprehension over PARTS cost
    about half as much again)."""
    w0, w1, w2, w3, w4, w5, w6, w7, w8 = wvec.tolist()
    g, t, a, b, r, e, ra, tx, v = PARTS
    return [
        # positional: a dataclass's keyword call costs several times more
        MatchResult(
            aid,  # artist_id
            j + 1,  # rank
            scores[j],  # score
            boosts.get(aid, 0.0),  # boost
            {
                g: {"value": v0, "weight": w0, "contribution": v0 * w0},
                t: {"value": v1, "weight": w1, "contribution": v1 * w1},
                a: {"value": v2, "weight": w2, "contribution": v2 * w2},
                b: {"value": v3, "weight": w3, "contribution": v3 * w3},
                r: {"value": v4, "weight": w4, "contribution": v4 * w4},
                e: {"value": v5, "weight": w5, "contribution": v5 * w5},
                ra: {"value": v6, "weight": w6, "contribution": v6 * w6},
                tx: {"value": v7, "weight": w7, "contribution": v7 * w7},
                v: {"value": v8, "weight": w8, "contribution": v8 * w8},
            },  # parts
            emerging[j],  # emerging
            j < n_pinned,  # pinned
            aid in boosts,  # boosted
        )
        for j, (aid, (v0, v1, v2, v3, v4, v5, v6, v7, v8)) in enumerate(
            zip(top_ids, parts.T.tolist(), strict=True)
        )
    ]


def rank(
    snap: ArtistSnapshot,
    brief: BriefQuery,
    *,
    weights: Mapping[str, float] | None = None,
    curation: Curation | None = None,
    k: int = 50,
    emerging_threshold: int,
    fx: Mapping[str, float] | None = None,
) -> Ranking:
    """Filter, score, curate and fairly re-rank; return the top ``k`` with explanations."""
    weights, wvec = _checked_weights(
        tuple((DEFAULT_WEIGHTS if weights is None else weights).items())
    )
    if not 0.0 <= brief.emerging_share <= 1.0:
        raise ValueError("emerging_share must be in [0, 1]")
    if brief.fairness not in ("fair", "strict"):
        raise ValueError("fairness must be 'fair' or 'strict'")
    fx = DEFAULT_FX if fx is None else fx
    curation = curation or Curation()
    q = _prepare(snap, brief)
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
    score, parts = score_rows(q, rows, total_fee, weights, explain=keep_parts)
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
    emerging = a["listeners"][rows] < emerging_threshold

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

    p = float(brief.emerging_share)
    table = mtable(k, p, brief.alpha) if brief.fairness == "fair" else floor_table(k, p)
    pins = np.asarray(pin_pos, dtype=np.int64)
    if pin_pos:
        rest = np.ones(len(rows), dtype=bool)
        rest[pins] = False
        rest_idx = rest.nonzero()[0]
        sel = fair_merge(
            score[rest_idx],
            emerging[rest_idx],
            table,
            k - len(pin_pos),
            tie_ids=ids[rest_idx],
            offset=len(pin_pos),
            protected_before=int(np.count_nonzero(emerging[pins])),
        )
        order = np.concatenate([pins, rest_idx[sel.order]])
    else:
        sel = fair_merge(score, emerging, table, k, tie_ids=ids)
        order = sel.order

    # explanations for the k chosen rows only
    if keep_parts:
        top_parts = np.stack([parts[name][order] for name in PARTS])
    else:
        _, top = score_rows(q, rows[order], total_fee[order], weights, explain=True)
        top_parts = (
            np.stack([top[name] for name in PARTS])
            if len(order)
            else (np.zeros((len(PARTS), 0), dtype=np.float32))
        )
    flags = emerging[order].tolist()
    table_list = table.tolist()
    boosts = {int(i): float(v) for i, v in curation.boosts.items()}
    matches = _explain(
        ids[order].tolist(), score[order].tolist(), flags, top_parts, wvec, boosts,
        len(pin_pos),
    )  # fmt: skip
    # unmet_prefixes(flags, table) over Python lists (k is small; numpy calls cost more here)
    unmet, held = [], 0
    for i, (flag, need) in enumerate(zip(flags, table_list, strict=False)):
        held += flag
        if held < need:
            unmet.append(i + 1)
    n_emerging = int(np.count_nonzero(emerging))
    needed = int(table[len(order) - 1]) if len(order) else 0
    message = None
    if sel.shortfall:
        message = (
            f"Only {n_emerging} emerging artists pass the filters; the list needs "
            f"{needed} in its top {len(order)}: filled with established artists from position "
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
            "k": k,
            "table": table_list,
            "emerging_candidates": n_emerging,
            "emerging_in_list": sum(flags),
            "needed": needed,
            "enough_emerging": not sel.shortfall,
            "shortfall_positions": sel.shortfall,
            "unmet_prefixes": unmet,
            "satisfied": not unmet,
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


def _n_alive(snap: ArtistSnapshot) -> int:
    cache = _snap_cache(snap)
    n = cache.get("n_alive")
    if n is None:
        n = cache["n_alive"] = snap.n_alive
    return n


__all__ = [
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
    "rank",
]
