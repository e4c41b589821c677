"""The ranking engine on tiny hand-made snapshots: every filter, every part, curation and the
properties the issue asks for (no database needed)."""

import datetime as dt
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaigns.matching import engine
from campaigns.matching.engine import PARTS, BriefQuery, Curation, rank
from campaigns.matching.fairness import mtable, prefix_ok
from campaigns.matching.snapshot import ArtistSnapshot

D = dt.date
ONLY = dict.fromkeys(PARTS, 0.0)


def artist(id: int, **kw):
    rec = {
        "id": id,
        "genres": [1],
        "moods": [2],
        "audience": {"DE": 0.3, "FR": 0.2, "US": 0.5},
        "age": {"18-24": 0.4, "25-34": 0.2, "35-44": 0.4},
        "monthly_listeners": 31_623,
        "engagement_rate": 0.05,
        "verified": True,
        "rates": {10: (2000, "EUR")},
        "text": "DJ House summer vibes",
        "rating": 4.0,
    }
    rec.update(kw)
    return rec


def brief(**kw) -> BriefQuery:
    base = {
        "deliverables": {10: 1},
        "budget_min": 1000,
        "budget_max": 5000,
        "currency": "EUR",
        "start_date": D(2027, 3, 1),
        "end_date": D(2027, 3, 10),
        "objective": "engagement",
        "territories": ("DE", "FR"),
        "age_min": 18,
        "age_max": 34,
        "genres": (1,),
        "moods": (2,),
        "brand_category": 7,
        "emerging_share": 0.0,
        "text": "house music summer",
    }
    base.update(kw)
    return BriefQuery(**base)


def run(records, b=None, **kw):
    kw.setdefault("emerging_threshold", 10_000)
    kw.setdefault("k", 50)
    return rank(ArtistSnapshot.from_records(records), b or brief(), **kw)


def part(rec, name, b=None) -> float:
    r = run([rec], b, weights={**ONLY, name: 1.0})
    assert len(r.matches) == 1
    return r.matches[0].parts[name]["value"]


# ---- filters -------------------------------------------------------------------------------
def test_filter_removes_artist_missing_a_requested_deliverable_type():
    r = run([artist(1), artist(2, rates={11: (100, "EUR")})], brief(deliverables={10: 1}))
    assert [m.artist_id for m in r.matches] == [1]
    assert r.removed["deliverables"] == 1


def test_filter_removes_artist_unavailable_on_an_inclusive_boundary_day_only():
    touching = artist(1, unavailable=[(D(2027, 2, 20), D(2027, 3, 1))])
    before = artist(2, unavailable=[(D(2027, 2, 20), D(2027, 2, 28))])
    after = artist(3, unavailable=[("2027-03-11", "2027-04-01")])
    r = run([touching, before, after])
    assert sorted(m.artist_id for m in r.matches) == [2, 3]
    assert r.removed["availability"] == 1


def test_filter_removes_artist_refusing_the_brand_category():
    r = run([artist(1, refused_categories=[7]), artist(2, refused_categories=[8])])
    assert [m.artist_id for m in r.matches] == [2]
    assert r.removed["category"] == 1


def test_budget_filter_converts_currency_and_multiplies_quantity():
    # 2000 USD cents → round(2000 × 0.92) = 1840 EUR cents, × 3 = 5520 > 5000
    over = artist(1, rates={10: (2000, "USD")})
    # 1666 EUR × 3 = 4998 ≤ 5000; exactly 5000 also passes
    under = artist(2, rates={10: (1666, "EUR")})
    exact = artist(3, rates={10: (5000, "EUR")})
    r = run([over, under, exact], brief(deliverables={10: 3}, budget_max=5000))
    assert sorted(m.artist_id for m in r.matches) == [2]
    assert r.removed["budget"] == 2
    r = run([exact], brief(deliverables={10: 1}, budget_max=5000))
    assert [m.artist_id for m in r.matches] == [3]


def test_hidden_artists_are_absent_and_counted_as_a_filter():
    r = run([artist(1), artist(2)], curation=Curation(hidden=[2]))
    assert [m.artist_id for m in r.matches] == [1]
    assert r.removed["hidden"] == 1


def test_an_artist_failing_several_filters_is_counted_once_under_the_first():
    bad = artist(1, rates={11: (1, "EUR")}, refused_categories=[7])
    r = run([bad, artist(2)], curation=Curation(hidden=[1]))
    assert r.removed == {
        "deliverables": 1, "availability": 0, "category": 0, "budget": 0, "hidden": 0,
    }  # fmt: skip
    assert r.n_total == 2 and r.n_candidates == 1


def test_unknown_deliverable_type_removes_everyone_without_failing():
    r = run([artist(1)], brief(deliverables={99: 1}))
    assert r.matches == [] and r.removed["deliverables"] == 1


# ---- parts -----------------------------------------------------------------------------------
def test_all_parts_of_the_reference_artist():
    r = run([artist(1)])
    parts = {k: round(v["value"], 4) for k, v in r.matches[0].parts.items()}
    assert parts == {
        "genre": 1.0,  # {g1, m2} vs {g1, m2}: 2 / √(2·2)
        "territory": 0.5,  # DE 0.3 + FR 0.2
        "age": 0.6,  # 18-24 0.4 + 25-34 0.2
        "budget": 1.0,  # 2000 within [1000, 5000]
        "reach": 1.0,  # log10(31624) ≈ 4.5 = engagement's target
        "engagement": 0.5,  # 0.05 / 0.10
        "rating": 0.8,  # 4 / 5
        "text": round(2 / 3, 4),  # house, summer of house, music, summer
        "verified": 1.0,
    }
    w = engine.DEFAULT_WEIGHTS
    expect = sum(w[k] * r.matches[0].parts[k]["value"] for k in PARTS)
    assert r.matches[0].score == pytest.approx(expect, rel=1e-5)
    for k in PARTS:
        assert r.matches[0].parts[k]["contribution"] == pytest.approx(
            w[k] * r.matches[0].parts[k]["value"]
        )


def test_genre_part_is_cosine_of_genre_and_mood_sets():
    assert part(artist(1, genres=[1, 3], moods=[]), "genre") == pytest.approx(0.5)
    assert part(artist(1, genres=[], moods=[]), "genre") == 0.0
    assert part(artist(1), "genre", brief(genres=(), moods=())) == 0.5


def test_territory_part_sums_target_shares_and_is_neutral_without_targets():
    assert part(artist(1), "territory", brief(territories=("US",))) == pytest.approx(0.5)
    assert part(artist(1), "territory", brief(territories=("JP",))) == 0.0
    assert part(artist(1), "territory", brief(territories=())) == 0.5


def test_age_part_counts_partly_covered_buckets_pro_rata_over_reported_audience():
    rec = artist(1, age={"13-17": 0.5, "18-24": 0.25})
    # normalised 2/3, 1/3; ages 16-24 cover 2 of 13-17's 5 years: 0.4·2/3 + 1/3 = 0.6
    assert part(rec, "age", brief(age_min=16, age_max=24)) == pytest.approx(0.6, abs=1e-6)
    assert part(artist(1, age={}), "age") == 0.5


def test_budget_part_decays_linearly_below_budget_min():
    assert part(artist(1, rates={10: (500, "EUR")}), "budget") == pytest.approx(0.5)
    assert part(artist(1, rates={10: (0, "EUR")}), "budget") == 0.0


def test_reach_part_for_awareness_saturates_above_the_target():
    b = brief(objective="awareness")  # target 10^6, width 3 decades
    assert part(artist(1, monthly_listeners=10**7), "reach", b) == 1.0
    assert part(artist(1, monthly_listeners=999), "reach", b) == pytest.approx(0.0, abs=1e-4)
    assert part(artist(1, monthly_listeners=31_622), "reach", b) == pytest.approx(0.5, abs=1e-4)
    # followers count when they exceed listeners
    rec = artist(1, monthly_listeners=10, followers={"tiktok": 10**6})
    assert part(rec, "reach", b) == pytest.approx(1.0, abs=1e-4)


def test_reach_part_for_engagement_peaks_at_the_target():
    b = brief(objective="engagement")  # target 10^4.5, width 2
    assert part(artist(1, monthly_listeners=3_161_277), "reach", b) == pytest.approx(0.0, abs=1e-3)
    assert part(artist(1, monthly_listeners=316_227), "reach", b) == pytest.approx(0.5, abs=1e-3)


def test_engagement_rating_verified_parts():
    assert part(artist(1, engagement_rate=0.2), "engagement") == 1.0
    assert part(artist(1, rating=None), "rating") == 0.5
    assert part(artist(1, rating=2.5), "rating") == 0.5
    assert part(artist(1, verified=False), "verified") == 0.0


def test_text_part_is_share_of_brief_words_in_artist_text():
    assert part(artist(1, text="Summer HOUSE music!"), "text") == 1.0
    assert part(artist(1, text="techno"), "text") == 0.0
    assert part(artist(1), "text", brief(text="")) == 0.5
    assert part(artist(1), "text", brief(text="the and of")) == 0.5  # stop words only


def test_dense_and_row_wise_part_paths_agree(monkeypatch):
    records = [
        artist(i, audience={"DE": (i % 7) / 10, "US": 0.1}, text=f"house w{i % 5} summer")
        for i in range(1, 60)
    ]
    monkeypatch.setattr(engine, "ROWWISE_SHARE", 1.0)  # every row's own entries
    a = run(records, k=59)
    monkeypatch.setattr(engine, "SMALL", 0)  # the hot path's inverted-index branch
    b = run(records, k=59)
    assert [m.artist_id for m in a.matches] == [m.artist_id for m in b.matches]
    assert [m.score for m in a.matches] == pytest.approx([m.score for m in b.matches])
    for name in ("territory", "text"):
        assert [m.parts[name]["value"] for m in a.matches] == pytest.approx(
            [m.parts[name]["value"] for m in b.matches]
        )


def test_explanations_match_the_score_with_and_without_kept_parts(monkeypatch):
    records = [
        artist(i, audience={"DE": (i % 7) / 10, "US": 0.1}, engagement_rate=(i % 9) / 100)
        for i in range(1, 40)
    ]
    a = run(records, k=20)
    monkeypatch.setattr(engine, "KEEP_PARTS", 0)  # parts recomputed for the top k only
    b = run(records, k=20)
    assert [m.artist_id for m in a.matches] == [m.artist_id for m in b.matches]
    for ra, rb in zip(a.matches, b.matches, strict=True):
        assert ra.parts == rb.parts
        total = sum(p["contribution"] for p in ra.parts.values())
        assert ra.score == pytest.approx(total, rel=1e-5)


# ---- curation and fairness ---------------------------------------------------------------------
def test_pins_come_first_in_pin_order_and_must_pass_filters():
    recs = [artist(i, engagement_rate=i / 100) for i in range(1, 6)]
    recs.append(artist(6, rates={11: (1, "EUR")}))
    r = run(recs, curation=Curation(pinned=[2, 6, 1, 4], hidden=[4]))
    assert [m.artist_id for m in r.matches][:2] == [2, 1]
    assert [m.pinned for m in r.matches] == [True, True, False, False]
    assert [m.artist_id for m in r.matches][2:] == [5, 3]
    assert r.curation["pins_dropped"] == [
        {"artist_id": 6, "reason": "deliverables"},
        {"artist_id": 4, "reason": "hidden"},
    ]


def test_boost_is_added_to_the_score_before_ranking():
    recs = [artist(1, engagement_rate=0.01), artist(2, engagement_rate=0.09)]
    r = run(recs, weights={**ONLY, "engagement": 1.0}, curation=Curation(boosts={1: 1.0}))
    assert [m.artist_id for m in r.matches] == [1, 2]
    assert r.matches[0].score == pytest.approx(1.1) and r.matches[0].boosted


def test_emerging_artists_are_lifted_to_meet_the_fair_table():
    established = [artist(i, monthly_listeners=50_000, engagement_rate=0.1) for i in range(1, 20)]
    emerging = [artist(100, monthly_listeners=10, engagement_rate=0.0)]
    b = brief(emerging_share=0.2, alpha=0.15)
    r = run(established + emerging, b, k=10, weights={**ONLY, "engagement": 1.0})
    assert r.fairness["table"] == [0, 0, 0, 0, 0, 0, 0, 0, 1, 1]
    assert r.matches[8].artist_id == 100 and r.matches[8].emerging
    assert r.fairness["satisfied"] and r.fairness["enough_emerging"]


def test_not_enough_emerging_candidates_is_reported_not_raised():
    recs = [artist(i, monthly_listeners=50_000) for i in range(1, 11)]
    r = run(recs, brief(emerging_share=0.5, fairness="strict"), k=10)
    assert len(r.matches) == 10
    assert r.fairness["enough_emerging"] is False
    assert r.fairness["shortfall_positions"][0] == 2  # ⌊0.5·2⌋ = 1
    assert "emerging" in r.fairness["message"]


def test_ties_are_ordered_by_artist_id():
    recs = [artist(i) for i in (9, 3, 7, 1, 5)]
    r = run(recs, k=3)
    assert [m.artist_id for m in r.matches] == [1, 3, 5]


# ---- properties --------------------------------------------------------------------------------
COUNTRIES = ["DE", "FR", "US", "GB"]
rec_strategy = st.fixed_dictionaries(
    {
        "genres": st.lists(st.integers(1, 4), max_size=3, unique=True),
        "moods": st.lists(st.integers(1, 3), max_size=2, unique=True),
        "audience": st.dictionaries(st.sampled_from(COUNTRIES), st.floats(0, 0.25), max_size=4),
        "age": st.dictionaries(
            st.sampled_from(["13-17", "18-24", "25-34", "65+"]), st.floats(0, 0.25), max_size=4
        ),
        "monthly_listeners": st.integers(0, 10**7),
        "engagement_rate": st.floats(0, 1),
        "verified": st.booleans(),
        "rates": st.dictionaries(
            st.sampled_from([10, 11]),
            st.tuples(st.integers(0, 8000), st.sampled_from(["EUR", "USD", "GBP"])),
            max_size=2,
        ),
        "unavailable": st.lists(
            st.tuples(st.integers(19_770, 19_800), st.integers(0, 10)).map(
                lambda t: (t[0], t[0] + t[1])
            ),
            max_size=2,
        ),
        "refused_categories": st.lists(st.sampled_from([7, 8]), max_size=2, unique=True),
        "text": st.sampled_from(["house summer", "techno", "", "music summer house party"]),
        "rating": st.one_of(st.none(), st.floats(0, 5)),
    }
)
weights_strategy = st.fixed_dictionaries({p: st.floats(0, 5) for p in PARTS})


def with_ids(recs):
    return [{"id": 3 * i + 1, **r} for i, r in enumerate(recs)]


# Two anchors added to each generated catalogue, so that no property holds only because the
# ranking came out empty (or nothing was filtered): one artist every hard filter of B keeps,
# one that the deliverables filter always removes (no rate for type 10).
ELIGIBLE = {k: v for k, v in artist(0).items() if k != "id"}
ELIGIBLE |= {"unavailable": [], "refused_categories": []}
FILTERED = ELIGIBLE | {"rates": {11: (100, "EUR")}}


def with_anchors(recs):
    """with_ids(recs + [ELIGIBLE, FILTERED]); returns (records, eligible id, filtered id)."""
    records = with_ids([*recs, ELIGIBLE, FILTERED])
    return records, records[-2]["id"], records[-1]["id"]


prop = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
B = brief(start_date=19_780, end_date=19_785, emerging_share=0.4)


@prop
@given(recs=st.lists(rec_strategy, min_size=1, max_size=25), weights=weights_strategy)
def test_scores_lie_in_zero_to_sum_of_weights(recs, weights):
    records, eligible, _ = with_anchors(recs)
    r = run(records, B, weights=weights, emerging_threshold=5_000)
    assert eligible in {m.artist_id for m in r.matches}
    for m in r.matches:
        assert -1e-5 <= m.score <= sum(weights.values()) * (1 + 1e-5) + 1e-5
        assert all(0.0 <= v["value"] <= 1.0 for v in m.parts.values())


@prop
@given(
    recs=st.lists(rec_strategy, min_size=2, max_size=25),
    weights=weights_strategy,
    p=st.floats(0, 1),
    strict=st.booleans(),
)
def test_removing_a_filtered_artist_never_changes_the_others_order(recs, weights, p, strict):
    records, eligible, filtered = with_anchors(recs)
    b = brief(
        start_date=19_780, end_date=19_785, emerging_share=p,
        fairness="strict" if strict else "fair",
    )  # fmt: skip
    full = run(records, b, weights=weights, k=len(records), emerging_threshold=5_000)
    kept = {m.artist_id for m in full.matches}
    dropped = [r for r in records if r["id"] not in kept]
    assert eligible in kept and filtered in {r["id"] for r in dropped}
    fewer = [r for r in records if r["id"] != dropped[0]["id"]]
    again = run(fewer, b, weights=weights, k=len(records), emerging_threshold=5_000)
    assert [m.artist_id for m in again.matches] == [m.artist_id for m in full.matches]


@prop
@given(
    recs=st.lists(rec_strategy, min_size=1, max_size=30),
    p=st.floats(0, 1),
    k=st.integers(1, 20),
    data=st.data(),
)
def test_fair_condition_pins_first_and_hidden_absent(recs, p, k, data):
    records, eligible, _ = with_anchors(recs)
    ids = [r["id"] for r in records]
    pinned = data.draw(st.lists(st.sampled_from(ids), max_size=3, unique=True))
    others = [i for i in ids if i != eligible]  # the eligible anchor stays visible
    hidden = data.draw(st.lists(st.sampled_from(others), max_size=3, unique=True))
    b = brief(start_date=19_780, end_date=19_785, emerging_share=p, alpha=0.1)
    r = run(records, b, k=k, emerging_threshold=5_000,
            curation=Curation(pinned=pinned, hidden=hidden))  # fmt: skip
    got = [m.artist_id for m in r.matches]
    assert got  # the eligible anchor at least
    assert not set(got) & set(hidden)
    shown_pins = [i for i in pinned if i in got]
    assert got[: len(shown_pins)] == shown_pins
    if not pinned and r.fairness["enough_emerging"]:
        assert prefix_ok([m.emerging for m in r.matches], mtable(k, p, 0.1))
    for i, m in enumerate(r.matches):
        assert m.rank == i + 1


@prop
@given(n=st.integers(2, 40), k=st.integers(1, 40))
def test_equal_artists_rank_in_artist_id_order(n, k):
    recs = [artist(i) for i in range(n, 0, -1)]
    r = run(recs, k=k)
    assert [m.artist_id for m in r.matches] == list(range(1, min(n, k) + 1))


def test_rank_rejects_unknown_weights_and_p_outside_0_1():
    with pytest.raises(ValueError):
        run([artist(1)], weights={"charisma": 1.0})
    with pytest.raises(ValueError):
        run([artist(1)], brief(emerging_share=1.5))
    assert math.isclose(sum(engine.DEFAULT_WEIGHTS.values()), 12.5)
