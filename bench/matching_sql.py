"""What a team without an engine would write: bench/matching.py's artists in PostgreSQL tables and
the brief as one SQL query (hard filters, the engine's weighted score, top 50), for the side by
side timing in bench/matching.py (`--sql`).

The tables hold what the score reads, as a plain schema would: artists (audience sizes,
engagement, rating, verified, genre/mood keys, refused categories, age shares, text token ids),
rates, audience by country and unavailability, indexed on what the query joins and filters on.
The query computes the same parts as the engine (genre and mood coverage, absolute audience in
the territories with its evidence shrinkage, age overlap, reach band, engagement, rating, text
words, verified; no data left out of the average) with the weights inlined as constants.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

from campaigns.matching.engine import (
    DEFAULT_FX,
    ENGAGEMENT_FULL,
    MOOD_SHARE,
    OBJECTIVE_REACH,
    TERRITORY_FULL_COUNTRIES,
    TERRITORY_FULL_LOG,
    TERRITORY_FULL_SHARE,
    BriefQuery,
    _age_weights,
    _text_tokens,
)
from campaigns.matching.snapshot import AGE_BUCKETS, tag_key, to_day, token_hashes

SCHEMA = """
DROP TABLE IF EXISTS artists, rates, audience, unav;
CREATE UNLOGGED TABLE artists (
    id int PRIMARY KEY, listeners bigint NOT NULL, followers bigint NOT NULL,
    engagement float8 NOT NULL, rating float8, verified bool NOT NULL, tags int[] NOT NULL,
    refused int[] NOT NULL, age float8[], tokens int[] NOT NULL
);
CREATE UNLOGGED TABLE rates (artist_id int NOT NULL, type int NOT NULL, fee bigint NOT NULL,
                             cur text NOT NULL);
CREATE UNLOGGED TABLE audience (artist_id int NOT NULL, country text NOT NULL,
                                share float8 NOT NULL);
CREATE UNLOGGED TABLE unav (artist_id int NOT NULL, s int NOT NULL, e int NOT NULL);
"""
INDEXES = """
CREATE INDEX ON rates (type, artist_id) INCLUDE (fee, cur);
CREATE INDEX ON audience (artist_id) INCLUDE (country, share);
CREATE INDEX ON unav (artist_id) INCLUDE (s, e);
ANALYZE;
"""


def _arr(values: Sequence[Any]) -> str:
    return "{" + ",".join(str(v) for v in values) + "}"


def load(conn: Any, records: Sequence[Mapping[str, Any]], *, chunk: int = 50_000) -> None:
    """(Re)create the tables and COPY the records in, then index and analyse."""
    with conn.cursor() as cur:
        cur.execute(SCHEMA)
    for i in range(0, len(records), chunk):
        bufs = {name: io.StringIO() for name in ("artists", "rates", "audience", "unav")}
        for r in records[i : i + chunk]:
            aid = r["id"]
            tags = [tag_key("genre", g) for g in r["genres"]] + [
                tag_key("mood", m) for m in r["moods"]
            ]
            age = r["age"]
            ages = _arr([age.get(b, 0.0) for b in AGE_BUCKETS]) if age else r"\N"
            rating = r"\N" if r.get("rating") is None else r["rating"]
            tokens = _arr(token_hashes(r["text"]).tolist())
            bufs["artists"].write(
                f"{aid}\t{r['monthly_listeners']}\t{sum(r['followers'].values())}\t"
                f"{r['engagement_rate']}\t{rating}\t{'t' if r['verified'] else 'f'}\t"
                f"{_arr(tags)}\t{_arr(r['refused_categories'])}\t{ages}\t{tokens}\n"
            )
            for t, (fee, cur_) in r["rates"].items():
                bufs["rates"].write(f"{aid}\t{t}\t{fee}\t{cur_}\n")
            for c, s in r["audience"].items():
                bufs["audience"].write(f"{aid}\t{c}\t{s}\n")
            for s, e in r["unavailable"]:
                bufs["unav"].write(f"{aid}\t{to_day(s)}\t{to_day(e)}\n")
        with conn.cursor() as cur:
            for name, buf in bufs.items():
                buf.seek(0)
                cur.copy_expert(f"COPY {name} FROM STDIN", buf)
    with conn.cursor() as cur:
        cur.execute(INDEXES)
    conn.commit()


def query(
    brief: BriefQuery, weights: Mapping[str, float], k: int = 50
) -> tuple[str, dict[str, Any]]:
    """The brief as one SQL statement and its parameters (weights and constants inlined)."""
    if brief.genre_families or brief.languages:
        raise ValueError("the SQL version covers briefs without genre families or languages")
    w = {p: float(weights.get(p, 0.0)) for p in weights}
    genres = [tag_key("genre", g) for g in brief.genres]
    moods = [tag_key("mood", m) for m in brief.moods]
    ng, nm = len(set(genres)), len(set(moods))
    wg = (1 - MOOD_SHARE) / ng if ng and nm else (1 / ng if ng else 0.0)
    wm = (MOOD_SHARE if ng else 1.0) / nm if nm else 0.0
    tokens = _text_tokens(brief.text, tuple(brief.ignore_words)).tolist()
    target, width, saturate = OBJECTIVE_REACH[brief.objective]
    hi = "" if saturate else f", x - {target}"
    # (part SQL, known SQL or None when always known)
    parts: dict[str, tuple[str, str | None]] = {
        "genre": (
            f"least(1, {wg} * cardinality(ARRAY(SELECT unnest(c.tags) INTERSECT "
            f"SELECT unnest(%(genres)s::int[]))) + {wm} * cardinality(ARRAY(SELECT "
            "unnest(c.tags) INTERSECT SELECT unnest(%(moods)s::int[]))))",
            None,
        ),
        "territory": (
            f"0.5 + least(1, a.n / {float(TERRITORY_FULL_COUNTRIES)}) * least(1, a.total / "
            f"{TERRITORY_FULL_SHARE}) * (least(1, log(1 + coalesce(a.there, 0) * c.listeners) "
            f"/ {TERRITORY_FULL_LOG}) - 0.5)",
            "a.total > 0",
        ),
        "age": (
            "least(1, (SELECT sum(w * v) FROM unnest(%(age_w)s::float8[], c.age) t(w, v)) / "
            "(SELECT sum(v) FROM unnest(c.age) v))",
            "(SELECT sum(v) FROM unnest(c.age) v) > 0",
        ),
        "budget": ("1.0", None),
        "reach": (
            f"greatest(0, least(1, 1 - greatest({target} - x{hi}) / {width}))",
            None,
        ),
        "engagement": (f"least(1, c.engagement / {ENGAGEMENT_FULL})", "c.engagement > 0"),
        "rating": ("least(1, c.rating / 5)", "c.rating IS NOT NULL"),
        "text": (
            f"cardinality(ARRAY(SELECT unnest(c.tokens) INTERSECT SELECT unnest("
            f"%(tokens)s::int[])))::float8 / {max(len(tokens), 1)}",
            None,
        ),
        "verified": ("c.verified::int", None),
    }
    if not (ng or nm):
        parts.pop("genre")
    if not brief.territories:
        parts.pop("territory")
    if not tokens:
        parts.pop("text")
    num, den = [], []
    for name, (value, known) in parts.items():
        wt = w.get(name, 0.0)
        if wt == 0.0:
            continue
        if known is None:
            num.append(f"{wt} * ({value})")
            den.append(str(wt))
        else:
            num.append(f"CASE WHEN {known} THEN {wt} * ({value}) ELSE 0 END")
            den.append(f"CASE WHEN {known} THEN {wt} ELSE 0 END")
    score = (
        f"CASE WHEN ({' + '.join(den)}) > 0 THEN 100 * ({' + '.join(num)}) / "
        f"({' + '.join(den)}) ELSE 50 END"
    )
    types = sorted(brief.deliverables)
    # numbers and fixed SQL only are formatted in; every value of the brief is a parameter
    sql = f"""
WITH q(type, qty) AS (SELECT * FROM unnest(%(types)s::int[], %(qtys)s::int[])),
fx(cur, rate) AS (SELECT * FROM unnest(%(curs)s::text[], %(rates)s::float8[])),
fee AS (
    SELECT r.artist_id, sum(round(r.fee * fx.rate) * q.qty) AS total
    FROM rates r JOIN q ON q.type = r.type JOIN fx ON fx.cur = r.cur
    GROUP BY r.artist_id HAVING count(*) = {len(types)}
),
cand AS (
    SELECT c.*, log(1 + greatest(c.listeners, c.followers)) AS x
    FROM artists c JOIN fee ON fee.artist_id = c.id
    WHERE fee.total <= %(budget_max)s
      AND NOT (%(category)s = ANY(c.refused))
      AND NOT EXISTS (SELECT 1 FROM unav u WHERE u.artist_id = c.id
                      AND u.s <= %(end)s AND u.e >= %(start)s)
),
aud AS (
    SELECT au.artist_id, count(*) AS n, sum(au.share) AS total,
           sum(au.share) FILTER (WHERE au.country = ANY(%(territories)s)) AS there
    FROM audience au JOIN cand ON cand.id = au.artist_id GROUP BY au.artist_id
)
SELECT c.id, {score} AS score
FROM cand c LEFT JOIN aud a ON a.artist_id = c.id
ORDER BY score DESC, c.id
LIMIT {int(k)}
"""  # noqa: S608
    conv = {c: DEFAULT_FX[c] / DEFAULT_FX[brief.currency] for c in DEFAULT_FX}
    params = {
        "types": types,
        "qtys": [int(brief.deliverables[t]) for t in types],
        "curs": list(conv),
        "rates": list(conv.values()),
        "budget_max": int(brief.budget_max),
        "category": -1 if brief.brand_category is None else int(brief.brand_category),
        "start": to_day(brief.start_date),
        "end": to_day(brief.end_date),
        "territories": list(brief.territories),
        "genres": genres,
        "moods": moods,
        "age_w": [float(x) for x in _age_weights(int(brief.age_min), int(brief.age_max))],
        "tokens": [int(t) for t in tokens],
    }
    return sql, params
