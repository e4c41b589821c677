"""What bookings announce to the layers above them (payments), which they may not import.

Each hook is a Django Signal sent after the current transaction commits (at once outside one),
with the ids of what changed: a receiver reads the committed rows, never the caller's objects.
payments connects its receivers in PaymentsConfig.ready() and changes a booking's state only
through the bookings services (contract_mark_funded, milestone_mark_paid), like every other
change. A receiver that raises fails the request as the direct call did before the hooks.

Reads go the same way: the money a contract moved (funded, paid out, refunded, still held) is
known to payments; payments registers its reader here and campaigns.bookings.selectors.
contract_money_summary calls it for the contract page and the API.
"""

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.dispatch import Signal

# Both sides signed: the contract is active (payments freezes the artist's payout split).
contract_signed = Signal()  # contract_id
# The contract was cancelled, by both sides, by staff or by an accepted settlement (payments
# refunds the unspent escrow of a funded one).
contract_cancelled = Signal()  # contract_id
# A deliverable was approved (by the brand, automatically, by staff's decision on a dispute or
# by an accepted settlement): payments pays its approved amount to the payees.
milestone_approved = Signal()  # milestone_id
# Staff decided a dispute (payments refunds what the brand does not pay for).
dispute_resolved = Signal()  # dispute_id


def announce(hook: Signal, **ids: Any) -> None:
    """Send `hook` with `ids` once the current transaction commits."""
    transaction.on_commit(lambda: hook.send(sender="bookings", **ids))


# contract -> {"funded", "paid_to_artist", "refunded_to_brand", "fee_refunded", "in_escrow"}
# (minor units, the contract's currency), or None when no payment has funded it.
ContractMoneyReader = Callable[[Any], dict[str, int] | None]

_money_readers: list[ContractMoneyReader] = []


def contract_money_reader_register(reader: ContractMoneyReader) -> None:
    """Payments calls this once in its ready(); a second registration of the same reader is
    ignored (ready() may run twice in tests)."""
    if reader not in _money_readers:
        _money_readers.append(reader)


def contract_money_read(contract: Any) -> dict[str, int] | None:
    """What the registered reader says about `contract`; None without a reader or a payment."""
    for reader in _money_readers:
        found = reader(contract)
        if found is not None:
            return found
    return None
