"""What bookings announce to the layers above them (payments), which they may not import.

Each hook is a Django Signal sent after the current transaction commits (at once outside one),
with the ids of what changed: a receiver reads the committed rows, never the caller's objects.
payments connects its receivers in PaymentsConfig.ready() and changes a booking's state only
through the bookings services (contract_mark_funded, milestone_mark_paid), like every other
change. A receiver that raises fails the request as the direct call did before the hooks.
"""

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
