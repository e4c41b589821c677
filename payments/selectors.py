"""Reads of payments, with their query optimisation."""

from django.db.models import Q, QuerySet, Sum

from aux.users.models import User
from brands.models import Membership
from campaigns.bookings.models import Contract

from .models import LedgerEntry, Payment, PaymentAccount, Payout, Refund


def payment_account_for(*, user: User) -> PaymentAccount | None:
    if not user.is_authenticated:
        return None
    return PaymentAccount.objects.filter(user=user).first()


def _brand_ids(user: User) -> list[int]:
    return list(Membership.objects.filter(user=user).values_list("brand_id", flat=True))


def payouts_visible_to(*, user: User) -> QuerySet[Payout]:
    """Payees see their payouts; brand members see the payouts of their brands' contracts."""
    qs = Payout.objects.select_related("milestone", "contract__artist", "contract__brand", "payee")
    if user.is_staff:
        return qs
    return qs.filter(Q(payee=user) | Q(contract__brand_id__in=_brand_ids(user)))


def ledger_lines_for(*, user: User) -> QuerySet[LedgerEntry]:
    """The caller's own ledger lines: what they were paid (payee) or their brands' movements."""
    qs = LedgerEntry.objects.select_related("transaction", "contract__artist", "contract__brand")
    return qs.filter(
        Q(user=user) | Q(brand_id__in=_brand_ids(user), account__in=["brand_cash", "refunds"])
    ).order_by("-created_at", "-id")


def artist_earnings(*, user: User) -> list[dict]:
    """Totals for the artist dashboard, one row per currency (amounts in different currencies
    never add up): paid out, and approved but not sent yet. Sorted by currency code."""
    rows = (
        Payout.objects.filter(payee=user, status__in=[Payout.Status.SENT, Payout.Status.PENDING])
        .values("currency", "status")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    totals: dict[str, dict] = {}
    for r in rows:
        row = totals.setdefault(r["currency"], {"currency": r["currency"], "sent": 0, "pending": 0})
        row[r["status"]] = r["total"]
    return [totals[c] for c in sorted(totals)]


def contract_receipt(*, contract: Contract) -> dict:
    """Everything a brand's receipt shows for one contract."""
    payment = contract.payments.filter(status=Payment.Status.SUCCEEDED).first()
    return {
        "contract": contract,
        "payment": payment,
        "refunds": list(contract.refunds.filter(status="succeeded").order_by("created_at")),
        "payouts": list(
            contract.payouts.filter(status=Payout.Status.SENT)
            .select_related("milestone", "payee")
            .order_by("sent_at")
        ),
    }


def contract_money(contract: Contract) -> dict[str, int] | None:
    """The escrow of one contract as its parties see it (minor units, contract currency): what
    the brand's payment put in escrow, what was paid to the artist, what went back to the brand
    (escrow, and separately the platform fee returned with it) and what escrow still holds, so
    that funded = paid + refunded + in escrow. None when no payment funded the contract.
    Registered with campaigns.bookings.hooks in PaymentsConfig.ready()."""
    payment = contract.payments.filter(status=Payment.Status.SUCCEEDED).first()
    if payment is None:
        return None
    balances = dict(
        LedgerEntry.objects.filter(
            contract=contract,
            account__in=[LedgerEntry.Account.ESCROW, LedgerEntry.Account.ARTIST_PAID],
        )
        .values_list("account")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    refunds = Refund.objects.filter(contract=contract, status=Refund.Status.SUCCEEDED).aggregate(
        amount=Sum("amount"), fee=Sum("fee_amount")
    )
    return {
        "funded": payment.amount,
        "paid_to_artist": balances.get(LedgerEntry.Account.ARTIST_PAID, 0),
        "refunded_to_brand": refunds["amount"] or 0,
        "fee_refunded": refunds["fee"] or 0,
        "in_escrow": balances.get(LedgerEntry.Account.ESCROW, 0),
    }
