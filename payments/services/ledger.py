"""The double-entry ledger: post a movement once per key, with its invariants checked; balances."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext

from aux.users.models import User
from campaigns.bookings.models import Contract

from ..models import LedgerEntry, LedgerTransaction, Payment, Payout, Refund
from ._common import Account, LedgerInvariantError


def contract_balances(*, contract: Contract) -> dict[str, int]:
    """Each ledger account's balance for one contract (minor units, contract currency)."""
    rows = (
        LedgerEntry.objects.filter(contract=contract)
        .values("account")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    balances = {a.value: 0 for a in Account}
    balances.update({r["account"]: r["total"] for r in rows})
    return balances


def _check_invariants(contract: Contract) -> None:
    b = contract_balances(contract=contract)
    funded = (
        LedgerEntry.objects.filter(
            contract=contract,
            account=Account.ESCROW,
            transaction__kind=LedgerTransaction.Kind.FUNDING,
        ).aggregate(s=Sum("amount"))["s"]
        or 0
    )
    if b[Account.ESCROW] < 0:
        raise LedgerInvariantError(
            gettext("Escrow of contract #%(pk)s would go negative.") % {"pk": contract.pk}
        )
    if b[Account.ARTIST_PAID] > funded:
        raise LedgerInvariantError(
            gettext("Contract #%(pk)s would pay out more than was funded.") % {"pk": contract.pk}
        )
    if b[Account.PLATFORM_FEE] < 0:
        raise LedgerInvariantError(
            gettext("The fee of contract #%(pk)s would go negative.") % {"pk": contract.pk}
        )


def ledger_post(
    *,
    kind: str,
    key: str,
    contract: Contract,
    lines: Iterable[tuple[str, int, User | None]],
    memo: str = "",
    payment: Payment | None = None,
    payout: Payout | None = None,
    refund: Refund | None = None,
) -> tuple[LedgerTransaction, bool]:
    """Record one movement (lines of account, signed amount, payee) once per `key`.

    Returns (transaction, created). The lines must sum to zero; afterwards the contract's escrow
    must be ≥ 0 and its payouts ≤ its funding, or nothing is written. Call with the contract
    row locked.
    """
    lines = [(account, amount, user) for account, amount, user in lines if amount != 0]
    if sum(amount for _, amount, _ in lines) != 0:
        raise LedgerInvariantError(gettext("A ledger transaction must sum to zero."))
    existing = LedgerTransaction.objects.filter(key=key).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            txn = LedgerTransaction.objects.create(
                kind=kind, key=key, contract=contract, memo=memo[:200], payment=payment,
                payout=payout, refund=refund,
            )  # fmt: skip
            LedgerEntry.objects.bulk_create(
                LedgerEntry(
                    transaction=txn,
                    account=account,
                    contract=contract,
                    brand_id=contract.brand_id,
                    user=user,
                    amount=amount,
                    currency=contract.currency,
                )
                for account, amount, user in lines
            )
            _check_invariants(contract)
    except IntegrityError:
        return LedgerTransaction.objects.get(key=key), False
    return txn, True


def ledger_totals() -> dict[str, int]:
    """Σ of all entries per currency: zero for every currency, always."""
    rows = LedgerEntry.objects.values("currency").annotate(total=Sum("amount")).order_by()
    return {r["currency"]: r["total"] for r in rows}
