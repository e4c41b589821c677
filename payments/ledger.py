"""Pure money arithmetic of payments: no Django, no I/O (tested with hypothesis). The platform fee
(fee_for, max_total_for, MAX_CHARGE_AMOUNT) is in aux/money.py: bookings check it too.

All amounts are integer minor units; nothing here ever rounds through a float.
"""

from __future__ import annotations

from aux.money import split_largest_remainder

__all__ = ["fee_refund_part", "split_largest_remainder"]


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
