"""Pure money arithmetic of payments: no Django, no I/O (tested with hypothesis).

All amounts are integer minor units; nothing here ever rounds through a float.
"""

from __future__ import annotations

from collections.abc import Sequence

BPS = 10_000
# The most Stripe charges in one PaymentIntent, in minor units (999,999.99 in EUR, USD and GBP).
MAX_CHARGE_AMOUNT = 99_999_999


def fee_for(amount: int, fee_bps: int) -> int:
    """The platform fee on `amount`, rounded half up to the cent."""
    if amount < 0 or fee_bps < 0:
        raise ValueError("amount and fee_bps must be non-negative")
    return (amount * fee_bps * 2 + BPS) // (2 * BPS)


def max_total_for(fee_bps: int) -> int:
    """The largest contract total whose charge (total + fee) Stripe takes in one payment."""
    low, high = 0, MAX_CHARGE_AMOUNT
    while low < high:
        mid = (low + high + 1) // 2
        if mid + fee_for(mid, fee_bps) <= MAX_CHARGE_AMOUNT:
            low = mid
        else:
            high = mid - 1
    return low


def split_largest_remainder(amount: int, shares: Sequence[int]) -> list[int]:
    """Split `amount` by `shares` (weights, e.g. basis points) so the parts sum to `amount`.

    Each part is the floor of its exact share; the cents left over go one each to the largest
    fractional remainders (ties to the earlier share). Parts differ from the exact shares by less
    than one cent, and equal shares get parts differing by at most one cent.
    """
    if amount < 0:
        raise ValueError("amount must be non-negative")
    if not shares or any(s < 0 for s in shares) or sum(shares) <= 0:
        raise ValueError("shares must be non-negative with a positive sum")
    total = sum(shares)
    floors = [amount * s // total for s in shares]
    remainders = [amount * s % total for s in shares]
    left = amount - sum(floors)
    order = sorted(range(len(shares)), key=lambda i: (-remainders[i], i))
    for i in order[:left]:
        floors[i] += 1
    return floors


def fee_refund_part(*, fee: int, amount: int, refunded_before: int, refunding: int) -> int:
    """The share of `fee` that goes back with `refunding` (of `amount` escrowed).

    Computed on the running total so that several partial refunds sum exactly to the proportional
    fee of everything refunded: a full refund in pieces returns the whole fee, never a cent more.
    """
    if not 0 <= refunded_before <= refunded_before + refunding <= amount:
        raise ValueError("refunds exceed the escrowed amount")
    if amount == 0:
        return 0

    def upto(x: int) -> int:
        return (fee * x * 2 + amount) // (2 * amount)

    return upto(refunded_before + refunding) - upto(refunded_before)
