"""Pure money arithmetic of payments: no Django, no I/O (tested with hypothesis). The platform fee
(fee_for, max_total_for, MAX_CHARGE_AMOUNT) is in aux/money.py: bookings check it too.

All amounts are integer minor units; nothing here ever rounds through a float.
"""

from __future__ import annotations

from collections.abc import Sequence


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
