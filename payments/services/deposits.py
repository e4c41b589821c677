"""The deposit: paid to the artist (and co-owners, by their frozen shares) once, on funding.

The contract freezes the deposit with the accepted offer (campaigns.bookings.terms); when the
money arrives, `payment_succeeded` schedules `deposit_pay` after commit. The rows are created
under the contract's lock, with a key per contract and payee and a unique constraint, so a
retried webhook, a second task run or the sweep can never pay it twice; the transfers go
through the payout path of the milestones (`payouts_send`, `payout_record_transfer`), which
books them escrow → artist paid as "deposit". Refunds never touch it: it has left the escrow.
"""

from __future__ import annotations

from django.db import transaction

from campaigns.bookings.models import Contract

from ..models import Payout
from ._common import logger
from .funding import contract_funded_payment, deposit_schedule
from .payouts import payouts_create, payouts_send

__all__ = ["deposit_pay", "deposit_schedule"]


def _deposit_key(contract_id: int, payee_id: int) -> str:
    return f"aux-deposit-c{contract_id}-u{payee_id}"


def _deposit_payouts_prepare(contract_id: int) -> list[Payout]:
    """The deposit's Payout rows, created once for a funded contract with a deposit."""
    with transaction.atomic():
        contract = Contract.objects.select_for_update().get(pk=contract_id)
        existing = list(Payout.objects.filter(contract=contract, milestone__isnull=True))
        if existing or contract.deposit_amount <= 0:
            return existing
        if contract_funded_payment(contract) is None:
            logger.warning("deposit of unfunded contract %s: nothing to pay", contract_id)
            return []
        return payouts_create(
            contract=contract, milestone=None, amount=contract.deposit_amount,
            key=lambda payee_id: _deposit_key(contract.pk, payee_id),
        )  # fmt: skip


def deposit_pay(*, contract_id: int) -> list[Payout]:
    """Pay the contract's deposit: one Transfer per payee, ever. Safe to run any time."""
    if not Contract.objects.filter(pk=contract_id).exists():
        logger.info("contract %s is gone; no deposit to pay", contract_id)
        return []
    payouts_send(_deposit_payouts_prepare(contract_id))
    return list(Payout.objects.filter(contract_id=contract_id, milestone__isnull=True))
