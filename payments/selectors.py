"""Reads of payments, with their query optimisation."""

from collections import defaultdict
from typing import Any

from django.db.models import Q, QuerySet, Sum

from aux.money import BPS
from aux.users.models import User
from aux.utils import month_key
from brands.models import Membership
from brands.selectors import brand_role
from campaigns.bookings.models import Contract, Milestone
from campaigns.bookings.selectors import SIGNED_STATUSES

from .models import (
    ContractPayee,
    ContractSplit,
    LedgerEntry,
    Payment,
    PaymentAccount,
    Payout,
    Refund,
)


def payment_account_for(*, user: User) -> PaymentAccount | None:
    if not user.is_authenticated:
        return None
    return PaymentAccount.objects.filter(user=user).first()


def _brand_ids(user: User) -> list[int]:
    return list(Membership.objects.filter(user=user).values_list("brand_id", flat=True))


def payouts_visible_to(*, user: User) -> QuerySet[Payout]:
    """Payees see their payouts; brand members see the payouts of their brands' contracts."""
    qs = Payout.objects.select_related(
        "milestone__deliverable_type", "contract__artist", "contract__brand", "payee"
    )
    if user.is_staff:
        return qs
    return qs.filter(Q(payee=user) | Q(contract__brand_id__in=_brand_ids(user)))


def ledger_lines_for(*, user: User) -> QuerySet[LedgerEntry]:
    """The caller's own ledger lines: what they were paid (payee) or their brands' movements."""
    qs = LedgerEntry.objects.select_related(
        "transaction__payout__milestone__deliverable_type", "contract__artist", "contract__brand"
    )
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


def contract_splits_for(*, user: User, contract: Contract) -> dict[str, Any] | None:
    """What `user` may know of the contract's payout splits; None when they may know nothing.

    The artist and staff see every co-owner with their share and state; the brand's members see
    only that the fees are shared (not with whom, not how much); a co-owner sees their own line.
    Withdrawn proposals are history and shown to nobody.
    """
    if not user.is_authenticated:
        return None
    rows = list(
        ContractSplit.objects.filter(contract=contract)
        .exclude(status=ContractSplit.Status.WITHDRAWN)
        .select_related("user")
    )
    shared = any(s.status in ("pending", "accepted") for s in rows)
    if user.is_staff or contract.artist.user_id == user.pk:
        role, visible = ("artist" if contract.artist.user_id == user.pk else "staff"), rows
    elif brand_role(user=user, brand=contract.brand) is not None:
        role, visible = "brand", []
    else:
        email = user.email.lower()
        visible = [s for s in rows if s.user_id == user.pk or s.email == email]
        if not visible:
            return None
        role = "co_owner"
    payees = {p.user_id: p.share_bps for p in contract.payees.all()}
    frozen = bool(payees)
    if role in ("artist", "staff"):
        open_bps = sum(s.share_bps for s in rows if s.status in ("pending", "accepted"))
        artist_bps = payees.get(contract.artist.user_id) if frozen else BPS - open_bps
    else:
        artist_bps = None
    return {
        "role": role,
        "has_splits": shared,
        "frozen": frozen,
        "editable": contract.status == Contract.Status.DRAFT and not frozen,
        "artist_share_bps": artist_bps,
        "splits": visible,
    }


def co_owner_statement(*, user: User) -> list[dict[str, Any]]:
    """The contracts `user` co-owns (accepted splits), each with its payouts per deliverable."""
    splits = list(
        ContractSplit.objects.filter(user=user, status=ContractSplit.Status.ACCEPTED)
        .select_related("contract__artist", "contract__brand")
        .order_by("-accepted_at", "-id")
    )
    payouts: dict[int, list[Payout]] = {}
    for p in (
        Payout.objects.filter(payee=user, contract_id__in=[s.contract_id for s in splits])
        .select_related("milestone__deliverable_type")
        .order_by("milestone__due_date", "milestone_id")
    ):
        payouts.setdefault(p.contract_id, []).append(p)
    out = []
    for s in splits:
        rows = payouts.get(s.contract_id, [])
        out.append({
            "split": s, "contract": s.contract, "payouts": rows,
            "paid": sum(p.amount for p in rows if p.status == Payout.Status.SENT),
        })  # fmt: skip
    return out


def artist_earnings_report(*, user: User) -> dict:
    """The payee's money by state, month and brand (4 queries), per currency.

    paid: payouts sent to the user (deposits_paid: the deposits among them); payout_pending:
    approved deliverables whose payout to the user is pending or failed; in_escrow: deliverables
    of funded contracts not approved yet, less their deposit part; expected:
    deliverables of signed contracts not funded yet. Shares follow the contract's frozen payees
    (the artist's own user alone when there is no split). The platform fee is the brand's: the
    artist's fees are always 0.
    """
    payouts = list(
        Payout.objects.filter(payee=user).values(
            "amount", "currency", "status", "sent_at", "contract__brand__name",
            "contract__brand__slug", "milestone_id",
        )
    )  # fmt: skip
    shares = dict(ContractPayee.objects.filter(user=user).values_list("contract_id", "share_bps"))
    own = Q(contract__artist__user=user) | Q(contract_id__in=list(shares))
    milestones = list(
        Milestone.objects.filter(own, contract__status__in=SIGNED_STATUSES)
        .exclude(status__in=[Milestone.Status.CANCELLED, Milestone.Status.PAID])
        .values("contract_id", "status", "amount", "approved_amount", "deposit_amount",
                "currency",
                "contract__funded", "contract__brand__name", "contract__brand__slug")
    )  # fmt: skip
    totals: dict[str, dict[str, int]] = defaultdict(
        lambda: {
            "paid": 0,
            "payout_pending": 0,
            "in_escrow": 0,
            "expected": 0,
            "fees": 0,
            "deposits_paid": 0,
        }
    )
    by_month: dict[tuple[str, str], int] = defaultdict(int)
    by_brand: dict[tuple[str, str], dict] = {}

    def brand_row(name: str, slug: str, cur: str) -> dict:
        return by_brand.setdefault((slug, cur), {
            "brand": name, "slug": slug, "currency": cur, "paid": 0, "in_escrow": 0,
            "expected": 0,
        })  # fmt: skip

    for p in payouts:
        cur = p["currency"]
        if p["status"] == Payout.Status.SENT:
            totals[cur]["paid"] += p["amount"]
            if p["milestone_id"] is None:
                totals[cur]["deposits_paid"] += p["amount"]
            by_month[(month_key(p["sent_at"]), cur)] += p["amount"]
            brand_row(p["contract__brand__name"], p["contract__brand__slug"], cur)["paid"] += p[
                "amount"
            ]
        else:
            totals[cur]["payout_pending"] += p["amount"]
    for m in milestones:
        bps = shares.get(m["contract_id"], 10_000)
        amount = m["approved_amount"] if m["approved_amount"] is not None else m["amount"]
        mine = amount * bps // 10_000
        cur = m["currency"]
        row = brand_row(m["contract__brand__name"], m["contract__brand__slug"], cur)
        if m["status"] == Milestone.Status.APPROVED:
            continue  # counted through its Payout row (pending until sent)
        if m["contract__funded"]:
            # Its part of the deposit left the escrow on funding (counted as paid).
            mine = (amount - m["deposit_amount"]) * bps // 10_000
            totals[cur]["in_escrow"] += mine
            row["in_escrow"] += mine
        else:
            totals[cur]["expected"] += mine
            row["expected"] += mine
    return {
        "totals": [{"currency": cur, **vals} for cur, vals in sorted(totals.items())],
        "by_month": [
            {"month": m, "currency": cur, "paid": v} for (m, cur), v in sorted(by_month.items())
        ],
        "by_brand": sorted(by_brand.values(), key=lambda r: (r["brand"], r["currency"])),
        "platform_fee_paid_by": "brand",
    }
