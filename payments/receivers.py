"""payments reacts to what bookings announce (campaigns.bookings.hooks), after their commit.

Connected in PaymentsConfig.ready(). Each receiver takes the ids the hook carries, reads the
committed rows and calls a payments service; none changes a booking itself (bookings' services
do, when payments calls them).
"""

from typing import Any

from campaigns.bookings import hooks
from campaigns.bookings.models import Contract, Dispute

from .services.payouts import payout_schedule
from .services.refunds import on_contract_cancelled, on_dispute_resolved
from .services.splits import contract_payees_freeze


def freeze_payees(*, contract_id: int, **_: Any) -> None:
    """The artist's payout split in force when the contract is signed is the one it pays."""
    contract = Contract.objects.filter(pk=contract_id).select_related("artist").first()
    if contract is not None:
        contract_payees_freeze(contract=contract)


def refund_cancelled(*, contract_id: int, **_: Any) -> None:
    """A cancelled contract that was funded gets its unspent escrow back (in a task)."""
    if Contract.objects.filter(pk=contract_id, funded=True).exists():
        on_contract_cancelled(contract_id=contract_id)


def pay_approved(*, milestone_id: int, **_: Any) -> None:
    """An approved deliverable is paid to its payees (in a task)."""
    payout_schedule(milestone_id=milestone_id)


def refund_dispute(*, dispute_id: int, **_: Any) -> None:
    """A decision that does not pay the deliverable in full refunds the rest of a funded one."""
    funded = Dispute.objects.filter(pk=dispute_id, milestone__contract__funded=True).exclude(
        decision=Dispute.Decision.APPROVE
    )
    if funded.exists():
        on_dispute_resolved(dispute_id=dispute_id)


def connect() -> None:
    # dispatch_uid: connected once however often ready() runs.
    hooks.contract_signed.connect(freeze_payees, dispatch_uid="payments.freeze_payees")
    hooks.contract_cancelled.connect(refund_cancelled, dispatch_uid="payments.refund_cancelled")
    hooks.milestone_approved.connect(pay_approved, dispatch_uid="payments.pay_approved")
    hooks.dispute_resolved.connect(refund_dispute, dispatch_uid="payments.refund_dispute")
