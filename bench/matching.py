"""Benchmark of the matching engine (not a test): prints numbers.

    .venv/bin/python bench/matching.py                 # N = 10k, 100k, 1M
    .venv/bin/python bench/matching.py --n 10000 --json
    .venv/bin/python bench/matching.py --sql           # + the same brief in PostgreSQL

For each N: builds N synthetic artists (power-law audience, several genres and moods, 1–20
countries each, rates in three currencies, unavailability ranges, refused categories, a bio),
times `ArtistSnapshot.from_records` (and `from_batches` of the same artists as `ArtistColumns`, the
database path's build), then times the full ranking of one brief (filters + score +
FA*IR + top 50 with parts) over repeated runs; at 10k and 100k also a naive per-artist Python
loop over the same records, and prints the ratio.

Side by side in the same run, what the ranking is measured against:
- the floor: one numpy pass that reads once every array the brief's score and filters read
  (`floor_pass`): no ranking can read its data faster, so rank ÷ floor is the engine's overhead
  (goal: within 2.5×);
- with ``--sql``: the same artists in PostgreSQL (a throwaway cluster on ``--pg-port``, the
  tables of bench/matching_sql.py) and the brief as one SQL query: hard filters, the weighted
  score, top 50 (no fair-exposure re-rank); what a team without an engine would write.
The load average is printed: the machine may be shared.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import math
import os
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from campaigns.matching.engine import (
    DEFAULT_FX,
    DEFAULT_WEIGHTS,
    ENGAGEMENT_FULL,
    MOOD_SHARE,
    NO_DATA_SCORE,
    OBJECTIVE_REACH,
    RELEVANCE_FLOOR,
    TERRITORY_FULL_COUNTRIES,
    TERRITORY_FULL_LOG,
    TERRITORY_FULL_SHARE,
    BriefQuery,
    _age_weights,
    _text_tokens,
    rank,
    share_table,
)
from campaigns.matching.fairness import adjusted_alpha, fair_merge, mtable
from campaigns.matching.snapshot import (
    AGE_BOUNDS,
    AGE_BUCKETS,
    ArtistColumns,
    ArtistSnapshot,
    tokenize,
)

EMERGING = 50_000
N_GENRES, N_MOODS, N_TYPES, N_CATS = 40, 20, 12, 10
COUNTRIES = [
    "US", "GB", "DE", "FR", "BR", "MX", "ES", "IT", "NL", "SE", "CA", "AU", "JP", "KR", "IN",
    "PL", "BE", "CH", "AT", "NO", "DK", "FI", "IE", "PT", "AR", "CL", "CO", "PE", "ZA", "NG",
    "KE", "EG", "MA", "TR", "GR", "CZ", "HU", "RO", "UA", "RU", "ID", "PH", "TH", "VN", "MY",
    "SG", "NZ", "IL", "AE", "SA", "CN", "TW", "HK", "LT", "LV", "EE", "SK", "SI", "HR", "RS",
]  # fmt: skip
WORDS = [f"w{i}" for i in range(5000)]
GENRE_NAMES = [f"genre{i}" for i in range(N_GENRES)]
MOOD_NAMES = [f"mood{i}" for i in range(N_MOODS)]
TODAY = dt.date(2027, 1, 1)


def zipf_choice(rng: np.random.Generator, n: int, size: int, a: float = 1.1) -> np.ndarray:
    w = 1.0 / np.arange(1, n + 1) ** a
    return rng.choice(n, size=size, replace=False, p=w / w.sum())


def synth(n: int, seed: int = 7) -> list[dict[str, Any]]:
    """N artist records with skewed, realistic-looking distributions."""
    rng = np.random.default_rng(seed)
    listeners = np.minimum(3000 * rng.pareto(0.8, n), 1e8).astype(np.int64)
    out = []
    word_p = 1.0 / np.arange(1, len(WORDS) + 1) ** 1.05
    word_p /= word_p.sum()
    bio_words = rng.choice(len(WORDS), size=(n, 20), p=word_p)
    for i in range(n):
        g = zipf_choice(rng, N_GENRES, int(rng.integers(1, 5)))
        m = zipf_choice(rng, N_MOODS, int(rng.integers(1, 4)))
        nc = int(min(20, 1 + rng.geometric(0.25)))
        cs = zipf_choice(rng, len(COUNTRIES), nc, 0.9)
        shares = rng.dirichlet(np.ones(nc)) * 0.95
        age = rng.dirichlet(np.ones(7)) if rng.random() < 0.9 else None
        types = rng.choice(N_TYPES, size=int(rng.integers(2, 9)), replace=False)
        base = 20_000 + listeners[i] * 0.5
        cur = ("EUR", "USD", "GBP")[int(rng.choice(3, p=[0.7, 0.2, 0.1]))]
        unav = []
        for _ in range(int(rng.integers(0, 5))):
            s = TODAY + dt.timedelta(days=int(rng.integers(0, 365)))
            unav.append((s, s + dt.timedelta(days=int(rng.integers(0, 30)))))
        nwords = int(rng.integers(8, 21))
        text = " ".join(
            [WORDS[int(rng.integers(0, 5000))], WORDS[int(rng.integers(0, 5000))]]
            + [WORDS[j] for j in bio_words[i, :nwords]]
            + [GENRE_NAMES[j] for j in g]
            + [MOOD_NAMES[j] for j in m]
        )
        out.append(
            {
                "id": i + 1,
                "genres": [int(x) + 1 for x in g],
                "moods": [int(x) + 1 for x in m],
                "audience": {
                    COUNTRIES[c]: round(float(s), 4) for c, s in zip(cs, shares, strict=True)
                },
                "age": {}
                if age is None
                else {b: round(float(s), 4) for b, s in zip(AGE_BUCKETS, age, strict=False)},
                "monthly_listeners": int(listeners[i]),
                "followers": {
                    "instagram": int(listeners[i] * rng.random()),
                    "tiktok": int(listeners[i] * rng.random()),
                },
                "engagement_rate": round(float(rng.beta(2, 40)), 4),
                "verified": bool(rng.random() < 0.15),
                "rates": {int(t) + 1: (int(base * rng.lognormal(0, 0.5)), cur) for t in types},
                "unavailable": unav,
                "refused_categories": [
                    int(c) + 1
                    for c in rng.choice(N_CATS, size=int(rng.integers(0, 3)), replace=False)
                ]
                if rng.random() < 0.3
                else [],
                "text": text,
                "rating": round(float(rng.uniform(2.5, 5)), 2) if rng.random() < 0.3 else None,
            }
        )
    return out


BRIEF = BriefQuery(
    deliverables={1: 2, 3: 1},
    budget_min=400_000,
    budget_max=5_000_000,
    currency="EUR",
    start_date=TODAY + dt.timedelta(days=60),
    end_date=TODAY + dt.timedelta(days=75),
    objective="launch",
    territories=("DE", "FR", "NL"),
    age_min=18,
    age_max=34,
    genres=(1, 2, 5),
    moods=(1, 3),
    brand_category=2,
    emerging_share=0.3,
    fairness="fair",
    alpha=0.1,
    text="Summer launch of an energetic drink, looking for genre1 artists w3 w10 w77 w400",
)


def naive_rank(records: list[dict[str, Any]], brief: BriefQuery, k: int = 50) -> list[int]:
    """The same ranking as a plain per-artist Python loop (the baseline)."""
    s0, e0 = brief.start_date, brief.end_date
    want_g, want_m = {("g", g) for g in brief.genres}, {("m", m) for m in brief.moods}
    wg = (1 - MOOD_SHARE) / len(want_g) if want_g and want_m else 1 / max(len(want_g), 1)
    wm = (MOOD_SHARE if want_g else 1.0) / max(len(want_m), 1)
    q_tokens = set(tokenize(brief.text))
    terr = set(brief.territories)
    target, width, saturate = OBJECTIVE_REACH[brief.objective]
    scored = []
    for r in records:
        rates = r["rates"]
        if any(t not in rates for t in brief.deliverables):
            continue
        if any(a <= e0 and b >= s0 for a, b in r["unavailable"]):
            continue
        if brief.brand_category in r["refused_categories"]:
            continue
        fee = sum(
            round(rates[t][0] * DEFAULT_FX[rates[t][1]] / DEFAULT_FX[brief.currency]) * q
            for t, q in brief.deliverables.items()
        )
        if fee > brief.budget_max:
            continue
        tags = {("g", g) for g in r["genres"]} | {("m", m) for m in r["moods"]}
        genre = (  # no families here
            min(1.0, wg * len(tags & want_g) + wm * len(tags & want_m))
            if want_g or want_m
            else None
        )
        shares = r["audience"]
        territory = None
        if terr and shares and sum(shares.values()) > 0:
            there = sum(s for c, s in shares.items() if c in terr) * r["monthly_listeners"]
            raw = min(1.0, math.log10(1 + there) / TERRITORY_FULL_LOG) if there > 0 else 0.0
            ev = min(1.0, len(shares) / TERRITORY_FULL_COUNTRIES)
            ev *= min(1.0, sum(shares.values()) / TERRITORY_FULL_SHARE)
            territory = 0.5 + ev * (raw - 0.5)
        tot = sum(r["age"].values())
        age = None
        if tot > 0:
            age = 0.0
            for (b0, b1), b in zip(AGE_BOUNDS, AGE_BUCKETS, strict=False):
                w = max(0, min(brief.age_max, b1) - max(brief.age_min, b0) + 1) / (b1 - b0 + 1)
                age += w * r["age"].get(b, 0.0) / tot
            age = min(age, 1.0)
        aud = max(r["monthly_listeners"], sum(r["followers"].values()))
        d = math.log10(1 + aud) - target
        if saturate:
            d = min(d, 0.0)
        reach = max(0.0, 1 - abs(d) / width)
        eng = min(1.0, r["engagement_rate"] / ENGAGEMENT_FULL) if r["engagement_rate"] > 0 else None
        rating = None if r["rating"] is None else r["rating"] / 5
        words = set(tokenize(r["text"]))
        text = len(q_tokens & words) / len(q_tokens) if q_tokens else None
        parts = {
            "genre": genre, "territory": territory, "age": age, "budget": 1.0,
            "reach": reach, "engagement": eng, "rating": rating, "text": text,
            "verified": 1.0 if r["verified"] else 0.0,
        }  # fmt: skip
        den = sum(DEFAULT_WEIGHTS[p] for p, v in parts.items() if v is not None)
        num = sum(DEFAULT_WEIGHTS[p] * v for p, v in parts.items() if v is not None)
        score = 100 * num / den if den else NO_DATA_SCORE
        emerging = r["monthly_listeners"] < EMERGING and sum(r["followers"].values()) < EMERGING
        scored.append((score, r["id"], emerging, genre))
    scored.sort(key=lambda x: (-x[0], x[1]))
    s = np.array([x[0] for x in scored])
    top = s.max() if len(s) else 0.0
    prot = np.array(
        [x[2] and x[0] >= RELEVANCE_FLOOR * top and (x[3] is None or x[3] > 0) for x in scored],
        dtype=bool,
    )
    ids = np.array([x[1] for x in scored])
    p = brief.emerging_share
    table = share_table(mtable(k, p, adjusted_alpha(k, p, brief.alpha)), p, min(k, len(s)))
    sel = fair_merge(s, prot, table, k, tie_ids=ids)
    return [int(ids[i]) for i in sel.order]


def floor_pass(snap: ArtistSnapshot, brief: BriefQuery) -> float:
    """One pass reading once every array the brief's filters and score read: the per-row
    columns, the brief's fee columns and age buckets, the unavailability ranges and the
    postings of its countries and words (a reduction each, the cheapest full read numpy has)."""
    a = snap.arrays
    arrays = [a[name] for name in (
        "alive", "listeners", "followers_total", "reach_log", "engagement", "rating",
        "rating_part", "verified", "tags", "cat_bits", "lang_bits", "age_total", "first_release",
        "unav_start", "unav_end", "unav_row",
    )]  # fmt: skip
    for t in brief.deliverables:
        ti = snap.type_index[int(t)]
        arrays += [a["fee"][ti], a["fee_cur"][ti]]
    age_w = _age_weights(int(brief.age_min), int(brief.age_max))
    arrays += [a["age_norm"][b] for b in np.flatnonzero(age_w)]
    ptr = a["audc_indptr"]
    for c in brief.territories:
        i = snap.country_index[c]
        arrays += [a["audc_rows"][ptr[i] : ptr[i + 1]], a["audc_share"][ptr[i] : ptr[i + 1]]]
    tptr = a["txtp_indptr"]
    for t in _text_tokens(brief.text, tuple(brief.ignore_words)).tolist():
        arrays.append(a["txtp_rows"][tptr[t] : tptr[t + 1]])
    total = 0.0
    for arr in arrays:
        if len(arr):
            total += float(np.max(arr))
    return total


def sql_times(
    records: list[dict[str, Any]], port: int, runs: int
) -> tuple[list[float], float, list[int]]:
    """Load the artists into a throwaway PostgreSQL cluster and time the brief's SQL query;
    returns the times (ms), the load time (s) and the query's top 50 ids."""
    import tempfile

    import psycopg2

    from bench import _common
    from bench.matching_sql import load, query

    run_dir = Path(tempfile.gettempdir()) / f"aux-bench-matching-{port}"
    _common.pg_start(run_dir, port)
    try:
        conn = psycopg2.connect(host="127.0.0.1", port=port, user="postgres", dbname="postgres")
        t = time.perf_counter()
        load(conn, records)
        load_s = time.perf_counter() - t
        sql, params = query(BRIEF, DEFAULT_WEIGHTS)
        with conn.cursor() as cur:
            cur.execute("SET max_parallel_workers_per_gather = 2")
            cur.execute(sql, params)  # warm up
            top = [row[0] for row in cur.fetchall()]

            def once() -> None:
                cur.execute(sql, params)
                cur.fetchall()

            times = timed(once, runs)
        conn.close()
    finally:
        _common.pg_stop(run_dir)
    return times, load_s, top


def timed(fn: Any, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def p95(xs: list[float]) -> float:
    return float(np.percentile(xs, 95))


def bench(
    n: int,
    runs: int,
    naive_runs: int,
    *,
    want_naive: bool,
    sql_port: int | None = None,
    sql_runs: int = 5,
) -> dict[str, Any]:
    records = synth(n)
    gc.collect()
    t = time.perf_counter()
    snap = ArtistSnapshot.from_records(records)
    build_s = time.perf_counter() - t
    # The database path's build: the same artists as columns (ArtistColumns, 20,000 a batch, as
    # snapshot_build reads them), timed without the conversion from records.
    batches = [ArtistColumns.from_records(records[i : i + 20_000]) for i in range(0, n, 20_000)]
    t = time.perf_counter()
    by_columns = ArtistSnapshot.from_batches(batches)
    columns_s = time.perf_counter() - t
    if not all(
        np.array_equal(
            np.asarray(v), np.asarray(by_columns.arrays[k]), equal_nan=v.dtype.kind == "f"
        )
        for k, v in snap.arrays.items()
    ):
        print(f"warning: columnar and records builds differ at n={n}", file=sys.stderr)
    del batches, by_columns
    run = lambda: rank(snap, BRIEF, k=50, emerging_threshold=EMERGING)  # noqa: E731
    run()  # warm up
    times = timed(run, runs)
    naive = None
    if want_naive:
        got = run()
        ids = naive_rank(records, BRIEF)
        agree = [m.artist_id for m in got.matches] == ids
        naive = statistics.median(timed(lambda: naive_rank(records, BRIEF), naive_runs))
        if not agree:
            print(f"warning: naive and vectorised top-50 differ at n={n}", file=sys.stderr)
    res = run()
    floor = statistics.median(timed(lambda: floor_pass(snap, BRIEF), runs))
    sql = load_s = None
    if sql_port:
        sql_t, load_s, sql_top = sql_times(records, sql_port, sql_runs)
        sql = statistics.median(sql_t)
        # the engine's order by score alone (no fair-exposure re-rank), as the query sorts
        by_score = rank(snap, replace(BRIEF, emerging_share=0.0), k=50, emerging_threshold=EMERGING)
        same = len({m.artist_id for m in by_score.matches} & set(sql_top))
        if same < len(sql_top):
            print(f"note: SQL and engine top 50 share {same} artists at n={n}", file=sys.stderr)
    return {
        "n": n,
        "median_ms": round(statistics.median(times), 3),
        "p95_ms": round(p95(times), 3),
        "floor_median_ms": round(floor, 3),
        "sql_median_ms": None if sql is None else round(sql, 1),
        "sql_load_s": None if load_s is None else round(load_s, 1),
        "load_average": round(os.getloadavg()[0], 2),
        "naive_median_ms": None if naive is None else round(naive, 1),
        "snapshot_build_s": round(build_s, 2),
        "snapshot_build_columns_s": round(columns_s, 2),
        "snapshot_mb": round(snap.nbytes / 1e6, 1),
        "_candidates": res.n_candidates,
        "_removed": res.removed,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, nargs="*", default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--runs", type=int, default=31)
    ap.add_argument("--naive-runs", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--sql", action="store_true", help="time the brief as one PostgreSQL query")
    ap.add_argument("--pg-port", type=int, default=55424, help="the throwaway cluster's port")
    ap.add_argument("--sql-runs", type=int, default=5)
    args = ap.parse_args()
    for n in args.n:
        r = bench(
            n, args.runs, args.naive_runs, want_naive=n <= 100_000,
            sql_port=args.pg_port if args.sql else None, sql_runs=args.sql_runs,
        )  # fmt: skip
        if args.json:
            print(json.dumps({k: v for k, v in r.items() if not k.startswith("_")}), flush=True)
            continue
        ratio = (
            ""
            if r["naive_median_ms"] is None
            else f"  naive {r['naive_median_ms']} ms (×{r['naive_median_ms'] / r['median_ms']:.0f})"
        )
        print(
            f"n={n:>9,}  rank median {r['median_ms']} ms  p95 {r['p95_ms']} ms{ratio}\n"
            f"             snapshot build {r['snapshot_build_s']} s (from columns "
            f"{r['snapshot_build_columns_s']} s), {r['snapshot_mb']} MB; "
            f"candidates {r['_candidates']:,}, removed {r['_removed']}",
            flush=True,
        )
        sql = r["sql_median_ms"]
        print(
            f"             side by side: rank {r['median_ms']} ms, "
            + (f"SQL {sql} ms (load {r['sql_load_s']} s), " if sql else "")
            + f"floor {r['floor_median_ms']} ms; "
            + (f"rank ÷ SQL {r['median_ms'] / sql:.3f}, " if sql else "")
            + f"rank ÷ floor {r['median_ms'] / r['floor_median_ms']:.2f}; "
            f"load average {r['load_average']}",
            flush=True,
        )


if __name__ == "__main__":
    main()
