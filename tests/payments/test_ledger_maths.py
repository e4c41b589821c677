"""Split rounding and fee arithmetic: exact to the cent, whatever the inputs (hypothesis)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aux.money import fee_for
from payments.ledger import fee_refund_part, split_largest_remainder

amounts = st.integers(min_value=0, max_value=10**12)
shares = st.lists(st.integers(min_value=1, max_value=10_000), min_size=1, max_size=12)


@given(amounts, shares)
def test_split_parts_sum_exactly_to_the_amount(amount, weights):
    assert sum(split_largest_remainder(amount, weights)) == amount


@given(amounts, shares)
def test_each_part_is_within_one_cent_of_its_exact_share(amount, weights):
    total = sum(weights)
    for part, w in zip(split_largest_remainder(amount, weights), weights, strict=True):
        assert abs(part * total - amount * w) < total


@given(amounts, st.integers(min_value=1, max_value=10_000), st.integers(min_value=1, max_value=12))
def test_equal_shares_differ_by_at_most_one_cent(amount, w, n):
    parts = split_largest_remainder(amount, [w] * n)
    assert max(parts) - min(parts) <= 1


def test_largest_remainder_gives_the_left_over_cents_to_the_largest_fractions():
    assert split_largest_remainder(100, [3333, 3333, 3334]) == [33, 33, 34]
    assert split_largest_remainder(1, [5000, 5000]) == [1, 0]
    assert split_largest_remainder(200_000, [3334, 3333, 3333]) == [66_680, 66_660, 66_660]


def test_split_refuses_bad_shares():
    with pytest.raises(ValueError):
        split_largest_remainder(100, [])
    with pytest.raises(ValueError):
        split_largest_remainder(-1, [1])


@given(amounts, st.integers(min_value=0, max_value=10_000))
def test_fee_is_the_exact_share_rounded_half_up(amount, bps):
    fee = fee_for(amount, bps)
    assert abs(fee * 10_000 - amount * bps) <= 5_000


@given(
    st.integers(min_value=1, max_value=10**9),
    st.integers(min_value=0, max_value=10**8),
    st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=8),
)
def test_partial_fee_refunds_never_exceed_and_sum_to_the_proportional_fee(amount, fee, cuts):
    refunded, fee_back = 0, 0
    for cut in cuts:
        piece = min(cut, amount - refunded)
        fee_back += fee_refund_part(fee=fee, amount=amount, refunded_before=refunded,
                                    refunding=piece)  # fmt: skip
        refunded += piece
        assert 0 <= fee_back <= fee
        assert abs(fee_back * amount - fee * refunded) * 2 <= amount
    last = fee_refund_part(fee=fee, amount=amount, refunded_before=refunded,
                           refunding=amount - refunded)  # fmt: skip
    assert fee_back + last == fee
