"""Which hard requirement of a brief to relax, and how many artists relaxing it would add.

Counts over the snapshot's columns (one pass per deliverable type, no scoring), for a brief whose
filters leave few artists: widening the budget, other dates, asking for one kind of work fewer,
or accepting another kind of work instead of one asked for. Pure numpy; no Django.

Every count is how many more artists would then pass every hard filter (net: accepting another
kind of work instead of one asked for may also lose some), with the same rules as
`engine._filter` (fees converted and rounded per deliverable type, ∞ when not offered).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass

import numpy as np

from .engine import DEFAULT_FX, BriefQuery, _conversion
from .snapshot import NO_FEE, ArtistSnapshot, to_day

# The budget hint names the budget that brings in this many more artists (or all there are).
BUDGET_STEP = 10


@dataclass(frozen=True)
class Relaxation:
    """One way to see more artists. ``kind``: "budget" (a new ``budget_max``, minor units of the
    brief's currency), "dates" (artists busy on the brief's dates), "drop" (ask no longer for
    ``type_id``) or "replace" (accept ``by_type_id`` instead of ``type_id``, same quantity)."""

    kind: str
    added: int
    budget_max: int | None = None
    type_id: int | None = None
    by_type_id: int | None = None


def relaxations(
    snap: ArtistSnapshot,
    brief: BriefQuery,
    *,
    fx: Mapping[str, float] | None = None,
    hidden: Collection[int] = (),
    limit: int = 3,
) -> list[Relaxation]:
    """The ``limit`` relaxations that add the most artists (at most one per kind and per
    deliverable type asked for), most first; none that adds nobody."""
    a = snap.arrays
    n = snap.n_rows
    fx = DEFAULT_FX if fx is None else fx
    ok = np.array(a["alive"], dtype=bool, copy=True)
    if hidden:
        rows = snap.rows_for_ids(hidden)
        ok[rows[rows >= 0]] = False
    pos = snap.cat_index.get(brief.brand_category) if brief.brand_category is not None else None
    if pos is not None:  # refusing the brand's category: nothing the brand can relax
        ok &= (a["cat_bits"][:, pos // 64] & (np.uint64(1) << np.uint64(pos % 64))) == 0
    free = np.ones(n, dtype=bool)
    if len(a["unav_start"]):
        s, e = to_day(brief.start_date), to_day(brief.end_date)
        hit = (a["unav_start"] <= e) & (a["unav_end"] >= s)
        free[a["unav_row"][hit]] = False
    conv = _conversion(brief.currency, tuple(fx.items()))

    def cost(type_id: int, qty: int) -> np.ndarray:
        ti = snap.type_index.get(int(type_id))
        if ti is None:
            return np.full(n, np.inf)
        fee = a["fee"][ti].astype(np.float64)
        missing = fee == float(NO_FEE)
        fee *= conv[a["fee_cur"][ti]]
        np.rint(fee, out=fee)
        fee *= int(qty)
        fee[missing] = np.inf
        return fee

    costs = {int(t): cost(t, q) for t, q in brief.deliverables.items()}
    total = np.sum(list(costs.values()), axis=0) if costs else np.zeros(n)
    budget = brief.budget_max
    now = ok & free & (total <= budget)
    n_now = int(np.count_nonzero(now))
    found: list[Relaxation] = []

    over = np.sort(total[ok & free & (total > budget) & np.isfinite(total)])
    if len(over):
        new_max = _round_up(float(over[min(BUDGET_STEP, len(over)) - 1]))
        found.append(Relaxation("budget", int(np.searchsorted(over, new_max, side="right")),
                                budget_max=new_max))  # fmt: skip
    found.append(Relaxation("dates", int(np.count_nonzero(ok & ~free & (total <= budget)))))
    offered = set(snap.type_vocab)
    for t in costs:
        others = [v for u, v in costs.items() if u != t]
        rest = np.sum(others, axis=0) if others else np.zeros(n)
        if others:
            found.append(_added("drop", ok & free & (rest <= budget), n_now, type_id=t))
        qty = int(brief.deliverables[t])
        best = None
        for u in sorted(offered - set(costs)):
            r = _added("replace", ok & free & (rest + cost(u, qty) <= budget), n_now,
                       type_id=t, by_type_id=u)  # fmt: skip
            if best is None or r.added > best.added:
                best = r
        if best is not None:
            found.append(best)
    found = [r for r in found if r.added > 0]
    found.sort(key=lambda r: -r.added)
    return found[:limit]


def _added(kind: str, mask: np.ndarray, n_now: int, **kw: int) -> Relaxation:
    # net: dropping a kind of work only loosens, but another kind instead of one asked for can
    # also lose the artists who offer only the first
    return Relaxation(kind, int(np.count_nonzero(mask)) - n_now, **kw)


def _round_up(minor: float) -> int:
    """Up to two significant figures of the major unit: 43,210.55 → 44,000.00 (in minor units)."""
    major = minor / 100
    if major <= 0:
        return 0
    step = 10 ** max(0, math.floor(math.log10(major)) - 1)
    return int(math.ceil(major / step) * step * 100)
