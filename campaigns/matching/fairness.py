"""Ranked group fairness: FA*IR (Zehlike et al., CIKM 2017) and a strict DetGreedy-style floor.

Pure numpy + scipy; no Django. Positions are 1-based in the papers; arrays here are 0-based, so
``table[i - 1]`` is the minimum number of protected (emerging) items in the top ``i``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from scipy.stats import binom


@lru_cache(maxsize=256)
def _mtable(k: int, p: float, alpha: float) -> np.ndarray:
    """Cached: a brief's table is recomputed on every ranking otherwise (scipy costs ~0.1 ms)."""
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    if not 0.0 <= p <= 1.0:
        raise ValueError("p must be in [0, 1]")
    if not 0.0 < alpha < 1.0:
        raise ValueError("alpha must be in (0, 1)")
    i = np.arange(1, k + 1)
    if p == 0.0:
        return np.zeros(k, dtype=np.int64)
    table = binom.ppf(alpha, i, p)
    return np.nan_to_num(table, nan=0.0).astype(np.int64)


def mtable(k: int, p: float, alpha: float) -> np.ndarray:
    """FA*IR's minimum-protected table: for each prefix i = 1..k, the smallest m with
    BinomCDF(m; i, p) ≥ alpha, i.e. ``binom.ppf(alpha, i, p)`` (the issue's definition, which uses
    alpha directly; see `adjusted_alpha` for the paper's multiple-testing correction)."""
    return _mtable(int(k), float(p), float(alpha)).copy()


def floor_table(k: int, p: float) -> np.ndarray:
    """The strict mode's table (LinkedIn's DetGreedy floor): ⌊p·i⌋ protected in every top i."""
    if not 0.0 <= p <= 1.0:
        raise ValueError("p must be in [0, 1]")
    i = np.arange(1, k + 1, dtype=np.float64)
    # The epsilon keeps p·i = 3.0000000000000004 or 2.9999999999999996 from flipping the floor.
    return np.floor(p * i + 1e-9).astype(np.int64)


def fail_probability(table: np.ndarray | list[int], p: float) -> float:
    """Exact probability that a random ranking (each position protected with probability p,
    independently) violates ``table`` at some prefix, by dynamic programming over
    (position, protected count) up to and including the last position."""
    t = np.asarray(table, dtype=np.int64)
    k = len(t)
    alive = np.zeros(k + 1, dtype=np.float64)  # alive[c]: not failed yet, c protected so far
    alive[0] = 1.0
    for i in range(k):
        nxt = alive * (1.0 - p)
        nxt[1:] += alive[:-1] * p
        nxt[: min(int(t[i]), k + 1)] = 0.0  # prefixes with too few protected fail here
        alive = nxt
    return float(1.0 - alive.sum())


@lru_cache(maxsize=256)
def adjusted_alpha(k: int, p: float, alpha: float, *, iterations: int = 40) -> float:
    """The paper's corrected significance α_c: the largest α' whose table fails a random ranking
    with probability ≤ alpha (bisection over α'; each step is one O(k²) DP). The engine's fair
    mode uses it. Cached: the bisection costs tens of milliseconds at k = 200."""
    lo, hi = 1e-9, alpha
    if p in (0.0, 1.0) or k <= 1:
        return alpha
    i = np.arange(1, k + 1)
    for _ in range(iterations):
        mid = (lo + hi) / 2
        # uncached: the bisection's probes would crowd the briefs' tables out of mtable's cache
        table = np.nan_to_num(binom.ppf(mid, i, p), nan=0.0).astype(np.int64)
        if fail_probability(table, p) <= alpha:
            lo = mid
        else:
            hi = mid
    return lo


def top_k_indices(scores: np.ndarray, k: int, tie_ids: np.ndarray) -> np.ndarray:
    """Indices of the k best ``scores``, ordered by (score desc, tie_id asc). Deterministic:
    which of several equal scores at the boundary gets in is decided by tie_id, not by
    argpartition's internal order. O(n) plus O(k log k)."""
    n = len(scores)
    if k <= 0 or n == 0:
        return np.zeros(0, dtype=np.int64)
    if n <= k:
        idx = np.arange(n)
    else:
        part = np.argpartition(scores, n - k)[n - k :]
        kth = scores[part].min()
        above = (scores > kth).nonzero()[0]
        ties = (scores == kth).nonzero()[0]
        need = k - len(above)
        if len(ties) > need:
            ties = ties[np.argsort(tie_ids[ties], kind="stable")[:need]]
        idx = np.concatenate([above, ties])
    order = np.lexsort((tie_ids[idx], -scores[idx].astype(np.float64)))
    return idx[order].astype(np.int64)


@dataclass
class FairSelection:
    """The merged order (indices into the input arrays), the table it was checked against (for
    the whole list, pins included), the 1-based positions where the table could not be met
    because the protected group ran out, and those where the table lifted a protected item
    above a better (score desc, tie_id asc) unprotected one."""

    order: np.ndarray
    table: np.ndarray
    shortfall: list[int] = field(default_factory=list)
    lifted: list[int] = field(default_factory=list)


def fair_merge(
    scores: np.ndarray,
    protected: np.ndarray,
    table: np.ndarray,
    k: int,
    *,
    tie_ids: np.ndarray | None = None,
    offset: int = 0,
    protected_before: int = 0,
) -> FairSelection:
    """Merge the two groups' score-ordered lists so that every prefix holds at least
    ``table[pos - 1]`` protected items (pos counts ``offset`` items placed before, of which
    ``protected_before`` are protected); otherwise the better head (score desc, tie_id asc) goes
    first. Within each group the score order is kept. When the protected group runs out, the
    position is filled from the other group and recorded in ``shortfall``; never raises. A
    protected item taken because of the table while the other group's head was better is
    recorded in ``lifted``."""
    scores = np.asarray(scores)
    protected = np.asarray(protected, dtype=bool)
    ids = np.arange(len(scores)) if tie_ids is None else np.asarray(tie_ids)
    p_idx = protected.nonzero()[0]  # 1-D; cheaper than np.flatnonzero's wrappers
    n_idx = (~protected).nonzero()[0]
    p_top = p_idx[top_k_indices(scores[p_idx], k, ids[p_idx])]
    n_top = n_idx[top_k_indices(scores[n_idx], k, ids[n_idx])]
    out: list[int] = []
    shortfall: list[int] = []
    lifted: list[int] = []
    ip = inn = 0
    count = protected_before
    total = min(k, len(p_top) + len(n_top))
    # Python scalars for the loop (numpy scalar indexing and comparison cost ~10x more).
    p_list, n_list = p_top.tolist(), n_top.tolist()
    p_key = list(zip(scores[p_top].tolist(), (-ids[p_top]).tolist(), strict=True))
    n_key = list(zip(scores[n_top].tolist(), (-ids[n_top]).tolist(), strict=True))
    need_at = np.asarray(table)[offset : offset + total].tolist()
    n_p, n_n = len(p_list), len(n_list)
    for j in range(total):
        pos = offset + j + 1
        need = need_at[j] if j < len(need_at) else 0
        has_p, has_n = ip < n_p, inn < n_n
        if count < need and has_p:
            take_p = True
            if has_n and n_key[inn] > p_key[ip]:
                lifted.append(pos)
        elif count < need:
            shortfall.append(pos)
            take_p = False
        elif has_p and has_n:
            take_p = p_key[ip] > n_key[inn]
        else:
            take_p = has_p
        if take_p:
            out.append(p_list[ip])
            ip += 1
            count += 1
        else:
            out.append(n_list[inn])
            inn += 1
    return FairSelection(np.asarray(out, dtype=np.int64), np.asarray(table), shortfall, lifted)


def fair_topk(
    scores: np.ndarray,
    protected: np.ndarray,
    k: int,
    p: float,
    alpha: float = 0.1,
    *,
    tie_ids: np.ndarray | None = None,
    adjust_alpha: bool = False,
) -> FairSelection:
    """FA*IR top-k: at every prefix i at least mtable(k, p, alpha)[i-1] protected items."""
    a = adjusted_alpha(k, p, alpha) if adjust_alpha else alpha
    return fair_merge(scores, protected, mtable(k, p, a), k, tie_ids=tie_ids)


def detgreedy_topk(
    scores: np.ndarray,
    protected: np.ndarray,
    k: int,
    p: float,
    *,
    tie_ids: np.ndarray | None = None,
) -> FairSelection:
    """Strict mode: at every prefix i at least ⌊p·i⌋ protected items (DetGreedy's floor)."""
    return fair_merge(scores, protected, floor_table(k, p), k, tie_ids=tie_ids)


def unmet_prefixes(protected_in_order: np.ndarray, table: np.ndarray) -> list[int]:
    """1-based prefix lengths i at which the ranking holds fewer protected than table[i-1]."""
    flags = np.asarray(protected_in_order, dtype=np.int64)
    if len(flags) == 0:
        return []
    counts = np.cumsum(flags)
    need = np.asarray(table, dtype=np.int64)[: len(flags)]
    return [int(i) + 1 for i in np.flatnonzero(counts < need)]


def prefix_ok(protected_in_order: np.ndarray, table: np.ndarray) -> bool:
    """True when every prefix meets the table."""
    return not unmet_prefixes(protected_in_order, table)


def expected_floor(p: float, i: int) -> int:
    """⌊p·i⌋ as the strict mode computes it (exposed for tests and explanations)."""
    return math.floor(p * i + 1e-9)
