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
from typing import Any

import numpy as np

from .fairness import fair_merge, floor_table, mtable, unmet_prefixes
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
SMALL = 4096  # below this many rows the parts read the row-wise arrays, above the inverted ones


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
    age_w: np.ndarray
    tokens: np.ndarray
    reach: tuple[float, float, bool]


def _prepare(snap: ArtistSnapshot, brief: BriefQuery) -> _Query:
    words = snap.arrays["tags"].shape[1]
    bits = np.zeros(words, dtype=np.uint64)
    keys = {tag_key("genre", g) for g in brief.genres} | {tag_key("mood", m) for m in brief.moods}
    for key in keys:
        pos = snap.tag_index.get(key)
        if pos is not None:
            bits[pos // 64] |= np.uint64(1) << np.uint64(pos % 64)
    countries = np.array(
        sorted({snap.country_index[c] for c in brief.territories if c in snap.country_index}),
        dtype=np.int64,
    )
    lo, hi = brief.age_min, brief.age_max
    age_w = np.array(
        [max(0, min(hi, b1) - max(lo, b0) + 1) / (b1 - b0 + 1) for b0, b1 in AGE_BOUNDS],
        dtype=np.float32,
    )
    if brief.objective not in OBJECTIVE_REACH:
        raise ValueError(f"unknown objective {brief.objective!r}")
    return _Query(
        snap=snap,
        brief=brief,
        tag_bits=bits,
        tag_invnorm=1.0 / np.sqrt(len(keys)) if keys else 0.0,
        countries=countries if brief.territories else np.zeros(0, np.int64),
        age_w=age_w,
        tokens=token_hashes(brief.text),
        reach=OBJECTIVE_REACH[brief.objective],
    )


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
    if len(rows) <= SMALL:
        pos, seg = _segments(a["aud_indptr"], rows)
        hit = np.isin(a["aud_country"][pos], q.countries)
        out = np.bincount(seg[hit], weights=a["aud_share"][pos][hit], minlength=len(rows))
        return np.minimum(out, 1.0).astype(np.float32)
    dense = np.zeros(q.snap.n_rows, dtype=np.float32)
    ptr = a["audc_indptr"]
    for c in q.countries:
        s, e = ptr[c], ptr[c + 1]
        dense[a["audc_rows"][s:e]] += a["audc_share"][s:e]
    out = dense[rows]
    return np.minimum(out, np.float32(1.0), out=out)


def part_age(q: _Query, rows: np.ndarray) -> np.ndarray:
    """Share of the artist's (reported) audience inside the brief's age range; a bucket that the
    range covers partly counts pro rata by years; no age data → neutral."""
    a = q.snap.arrays
    out = np.zeros(len(rows), dtype=np.float32)
    for b in np.flatnonzero(q.age_w):
        col = a["age_norm"][b][rows]
        out += col if q.age_w[b] == 1 else col * q.age_w[b]
    unknown = a["age_total"][rows] <= 0
    out[unknown] = NEUTRAL
    return np.minimum(out, np.float32(1.0), out=out)


def fees(q: _Query, rows: np.ndarray, fx: Mapping[str, float]) -> np.ndarray:
    """Σ over the brief's deliverables of min fee × quantity, converted to the brief currency and
    rounded to the minor unit per deliverable type (float64: exact for same-currency fees)."""
    a = q.snap.arrays
    conv = np.array([fx[c] / fx[q.brief.currency] for c in CURRENCIES], dtype=np.float64)
    total = np.zeros(len(rows), dtype=np.float64)
    for t, qty in q.brief.deliverables.items():
        ti = q.snap.type_index.get(int(t))
        if ti is None:
            return np.full(len(rows), np.inf)
        fee = a["fee"][ti][rows].astype(np.float64)
        fee[fee == float(NO_FEE)] = np.inf
        total += np.rint(fee * conv[a["fee_cur"][ti][rows]]) * int(qty)
    return total


def part_budget(q: _Query, total_fee: np.ndarray) -> np.ndarray:
    """1 when the fee is within [budget min, budget max]; fee / budget min below it."""
    bmin = q.brief.budget_min
    if bmin <= 0:
        return np.ones(len(total_fee), dtype=np.float32)
    return np.clip(total_fee / bmin, 0.0, 1.0).astype(np.float32)


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
    return np.clip(d, 0.0, 1.0, out=d)


def part_engagement(q: _Query, rows: np.ndarray) -> np.ndarray:
    """Engagement rate / ENGAGEMENT_FULL, capped at 1."""
    out = q.snap.arrays["engagement"][rows] * np.float32(1.0 / ENGAGEMENT_FULL)
    return np.clip(out, 0.0, 1.0, out=out)


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
    if len(rows) <= SMALL:
        pos, seg = _segments(a["txt_indptr"], rows)
        hit = np.isin(a["txt_tok"][pos], q.tokens)
        out = np.bincount(seg[hit], minlength=len(rows)).astype(np.float32)
    else:
        dense = np.zeros(q.snap.n_rows, dtype=np.uint8)
        ptr = a["txtp_indptr"]
        for t in q.tokens:
            s, e = ptr[t], ptr[t + 1]
            dense[a["txtp_rows"][s:e]] += 1
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
    n0 = int(np.count_nonzero(mask))
    for t in b.deliverables:
        ti = q.snap.type_index.get(int(t))
        if ti is None:
            mask[:] = False
            break
        mask &= a["fee"][ti] != NO_FEE
    rows = np.flatnonzero(mask)
    removed["deliverables"] = n0 - len(rows)
    watch = {int(r) for r in watch_rows}
    _note(first_fail, watch, np.flatnonzero(~mask & a["alive"]), "deliverables")

    def keep(ok: np.ndarray, name: str) -> None:
        nonlocal rows
        removed[name] = int(len(rows) - np.count_nonzero(ok))
        _note(first_fail, watch, rows[~ok], name)
        rows = rows[ok]

    # availability: an unavailability range overlapping [start, end] (both inclusive)
    s, e = to_day(b.start_date), to_day(b.end_date)
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
    total = fees(q, rows, fx)
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
    funcs = {
        "genre": part_genre,
        "territory": part_territory,
        "age": part_age,
        "reach": part_reach,
        "engagement": part_engagement,
        "rating": part_rating,
        "text": part_text,
        "verified": part_verified,
    }
    keep_parts = explain
    parts: dict[str, np.ndarray] = {}
    score = np.zeros(len(rows), dtype=np.float32)
    for name in PARTS:
        w = float(weights.get(name, 0.0))
        if w == 0.0 and not keep_parts:
            continue
        part = part_budget(q, total_fee) if name == "budget" else funcs[name](q, rows)
        if keep_parts:
            parts[name] = part.copy()
        if w != 0.0:
            if w != 1.0:
                part *= np.float32(w)
            score += part
    return score, parts


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
    weights = dict(DEFAULT_WEIGHTS if weights is None else weights)
    unknown = set(weights) - set(PARTS)
    if unknown:
        raise ValueError(f"unknown score parts in weights: {sorted(unknown)}")
    if any(w < 0 for w in weights.values()):
        raise ValueError("weights must be ≥ 0")
    if not 0.0 <= brief.emerging_share <= 1.0:
        raise ValueError("emerging_share must be in [0, 1]")
    if brief.fairness not in ("fair", "strict"):
        raise ValueError("fairness must be 'fair' or 'strict'")
    fx = DEFAULT_FX if fx is None else fx
    curation = curation or Curation()
    q = _prepare(snap, brief)
    a = snap.arrays

    hidden_rows = snap.rows_for_ids(curation.hidden)
    hidden_rows = np.unique(hidden_rows[hidden_rows >= 0])
    pin_rows_all = snap.rows_for_ids(curation.pinned)
    rows, total_fee, removed, why = _filter(q, hidden_rows, pin_rows_all[pin_rows_all >= 0], fx)
    score, _ = score_rows(q, rows, total_fee, weights)
    ids = a["ids"][rows]
    boost_ids = np.fromiter(curation.boosts.keys(), dtype=np.int64, count=len(curation.boosts))
    boost_vals = np.fromiter(curation.boosts.values(), dtype=np.float32, count=len(curation.boosts))
    boost = np.zeros(0, dtype=np.float32)
    if len(boost_ids):
        hit = np.isin(ids, boost_ids)
        if hit.any():
            lookup = dict(zip(boost_ids.tolist(), boost_vals.tolist(), strict=True))
            where = np.flatnonzero(hit)
            boost = np.array([lookup[int(i)] for i in ids[where]], dtype=np.float32)
            score[where] += boost
    emerging = a["listeners"][rows] < emerging_threshold

    # pins: in pin order, those that passed the filters and are not hidden
    hidden_set = {int(h) for h in hidden_rows}
    pins_dropped: list[dict[str, Any]] = []
    pin_pos: list[int] = []
    sel_pins = np.flatnonzero(np.isin(rows, pin_rows_all)) if len(pin_rows_all) else []
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
    rest = np.ones(len(rows), dtype=bool)
    rest[pin_pos] = False
    rest_idx = np.flatnonzero(rest)
    sel = fair_merge(
        score[rest_idx],
        emerging[rest_idx],
        table,
        k - len(pin_pos),
        tie_ids=ids[rest_idx],
        offset=len(pin_pos),
        protected_before=int(np.count_nonzero(emerging[pin_pos])),
    )
    order = np.concatenate([np.asarray(pin_pos, dtype=np.int64), rest_idx[sel.order]])

    # explanations for the k chosen rows only
    top_rows = rows[order]
    _, parts = score_rows(q, top_rows, total_fee[order], weights, explain=True)
    boosts = {int(i): float(v) for i, v in curation.boosts.items()}
    wf = {name: float(weights.get(name, 0.0)) for name in PARTS}
    part_lists = {name: parts[name].tolist() for name in PARTS}
    top_ids = a["ids"][top_rows].tolist()
    top_scores = score[order].tolist()
    top_emerging = emerging[order].tolist()
    matches = []
    for j, aid in enumerate(top_ids):
        pv = {}
        for name in PARTS:
            v = part_lists[name][j]
            pv[name] = {"value": v, "weight": wf[name], "contribution": v * wf[name]}
        matches.append(
            MatchResult(
                artist_id=aid,
                rank=j + 1,
                score=top_scores[j],
                boost=boosts.get(aid, 0.0),
                parts=pv,
                emerging=top_emerging[j],
                pinned=j < len(pin_pos),
                boosted=aid in boosts,
            )
        )
    flags = emerging[order]
    unmet = unmet_prefixes(flags, table)
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
        n_total=snap.n_alive,
        n_candidates=len(rows),
        fairness={
            "mode": brief.fairness,
            "p": p,
            "alpha": brief.alpha if brief.fairness == "fair" else None,
            "k": k,
            "table": table.tolist(),
            "emerging_candidates": n_emerging,
            "emerging_in_list": int(np.count_nonzero(flags)),
            "needed": needed,
            "enough_emerging": not sel.shortfall,
            "shortfall_positions": sel.shortfall,
            "unmet_prefixes": unmet,
            "satisfied": not unmet,
            "message": message,
        },
        curation={
            "pinned": [int(a["ids"][rows[i]]) for i in pin_pos],
            "pins_dropped": pins_dropped,
            "hidden": len(hidden_rows),
            "boosted": len(boost),
        },
        snapshot_version=snap.version,
    )


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
