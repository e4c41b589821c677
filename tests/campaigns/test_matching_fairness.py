"""FA*IR tables, the exact failure probability and the fair merge (no database needed)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from campaigns.matching.fairness import (
    adjusted_alpha,
    detgreedy_topk,
    fail_probability,
    fair_topk,
    floor_table,
    mtable,
    prefix_ok,
)


def test_mtable_known_values_k10_p02_alpha015():
    assert mtable(10, 0.2, 0.15).tolist() == [0, 0, 0, 0, 0, 0, 0, 0, 1, 1]


def test_mtable_known_values_k20_p025_alpha01():
    assert mtable(20, 0.25, 0.1).tolist() == [
        0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3,
    ]  # fmt: skip


def test_fail_probability_of_known_table_is_0_134218():
    assert round(fail_probability(mtable(10, 0.2, 0.15), 0.2), 6) == 0.134218


def test_fail_probability_counts_the_last_position():
    # Only the last position needs a protected item: fails iff none of the 3 is protected.
    assert fail_probability([0, 0, 1], 0.5) == pytest.approx(0.125)


def test_adjusted_alpha_keeps_the_failure_probability_at_most_alpha():
    a = adjusted_alpha(20, 0.25, 0.1)
    assert 0 < a <= 0.1
    assert fail_probability(mtable(20, 0.25, a), 0.25) <= 0.1 + 1e-12


def test_mtable_rejects_p_outside_0_1():
    with pytest.raises(ValueError):
        mtable(10, 1.5, 0.1)


def test_floor_table_is_floor_of_p_times_i():
    assert floor_table(10, 0.3).tolist() == [0, 0, 0, 1, 1, 1, 2, 2, 2, 3]


def test_fair_topk_moves_best_protected_up_only_as_far_as_the_table_requires():
    # 10 established with scores 20..11, then protected with 5, 4.
    scores = np.array([20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 5, 4], dtype=float)
    prot = np.array([False] * 10 + [True, True])
    sel = fair_topk(scores, prot, 10, 0.2, 0.15)
    assert sel.order.tolist() == [0, 1, 2, 3, 4, 5, 6, 7, 10, 8]
    assert sel.shortfall == []


def test_fair_merge_reports_the_positions_the_table_lifted():
    scores = np.array([20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 5, 4], dtype=float)
    prot = np.array([False] * 10 + [True, True])
    assert fair_topk(scores, prot, 10, 0.2, 0.15).lifted == [9]
    # a protected item that wins on its score is not lifted
    scores[10] = 30
    sel = fair_topk(scores, prot, 10, 0.2, 0.15)
    assert sel.order[0] == 10 and sel.lifted == []


def test_adjusted_alpha_is_cached_and_lowers_the_table():
    import time

    adjusted_alpha.cache_clear()
    t = time.perf_counter()
    a = adjusted_alpha(200, 0.3, 0.1)
    first = time.perf_counter() - t
    t = time.perf_counter()
    assert adjusted_alpha(200, 0.3, 0.1) == a
    assert time.perf_counter() - t < first / 10
    assert a < 0.1
    assert (mtable(200, 0.3, a) <= mtable(200, 0.3, 0.1)).all()


def test_fair_topk_without_enough_protected_fills_and_reports_shortfall():
    scores = np.arange(10, 0, -1, dtype=float)
    prot = np.zeros(10, dtype=bool)
    sel = fair_topk(scores, prot, 10, 0.5, 0.1)
    assert sel.order.tolist() == list(range(10))
    assert sel.shortfall and sel.shortfall[0] == int(np.argmax(mtable(10, 0.5, 0.1) > 0)) + 1


def test_ties_broken_by_tie_id_ascending():
    scores = np.ones(6)
    prot = np.zeros(6, dtype=bool)
    ids = np.array([50, 10, 40, 20, 60, 30])
    sel = fair_topk(scores, prot, 4, 0.0, 0.1, tie_ids=ids)
    assert ids[sel.order].tolist() == [10, 20, 30, 40]


@settings(max_examples=150, deadline=None)
@given(
    data=st.lists(
        st.tuples(st.floats(0, 10, allow_nan=False), st.booleans()), min_size=0, max_size=80
    ),
    k=st.integers(1, 40),
    p=st.floats(0.0, 1.0),
    alpha=st.floats(0.01, 0.5),
    strict=st.booleans(),
)
def test_fair_condition_holds_at_every_prefix_and_group_order_is_kept(data, k, p, alpha, strict):
    scores = np.array([d[0] for d in data], dtype=float)
    prot = np.array([d[1] for d in data], dtype=bool)
    ids = np.arange(len(data)) * 7 % 101
    if strict:
        sel = detgreedy_topk(scores, prot, k, p, tie_ids=ids)
    else:
        sel = fair_topk(scores, prot, k, p, alpha, tie_ids=ids)
    order = sel.order
    assert len(order) == min(k, len(data))
    assert len(set(order.tolist())) == len(order)
    if not sel.shortfall:
        assert prefix_ok(prot[order], sel.table)
    for group in (True, False):
        chosen = order[prot[order] == group]
        keys = [(-scores[i], ids[i]) for i in chosen]
        assert keys == sorted(keys)
        # the group's chosen items are its best ones
        rest = np.setdiff1d(np.flatnonzero(prot == group), chosen)
        if len(chosen) and len(rest):
            worst = min((scores[i], -ids[i]) for i in chosen)
            assert all((scores[i], -ids[i]) < worst for i in rest)
    # shortfall only when the protected group is exhausted
    if sel.shortfall:
        assert prot[order].sum() == prot.sum()
