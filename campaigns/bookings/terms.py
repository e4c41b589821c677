"""Cancellation terms and deposits: the table both sides agree to, in one place.

Cancellation policies. Every offer (and counter-offer) names one of three policies, which the
contract prints and the settlement applies when a funded contract ends early. Notice is counted
in whole days from the day a settlement is proposed to the first date of the work (the offer's
start date, else the earliest due date; without any date the longest notice applies).

- Work handed in (submitted, or sent back for changes) is always owed in full.
- The brand cancels: it owes the artist `brand_owes[notice]` of the fee of the work not handed in.
- The artist cancels: they are paid nothing for the work not handed in and owe the brand
  `artist_owes[notice]` of its fee, set off against what they are owed.
- The deposit (already paid out on funding) counts toward what is owed: the settlement pays only
  what the deposit does not cover; when the deposit exceeds it, the artist owes the difference
  back (recovered through a dispute: a deposit is never refunded any other way).

Deposits. An artist asks for a share (0 to 50%) of the fee of live work (LIVE_DELIVERABLE_SLUGS)
to be paid as soon as the brand funds the contract. Offers snapshot the artist's share on each
revision; the contract freezes it with the accepted revision, and spreads the deposit over the
live deliverables in proportion to their fees (largest remainder: the parts add up to the cent).
Each deliverable then pays its amount minus its part of the deposit.

Pure rules here (no queries): campaigns.bookings.services and payments apply them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _

from aux.money import BPS, split_largest_remainder

DEPOSIT_MAX_BPS = 5_000
DEPOSIT_SUGGESTED_BPS = 2_500
LIVE_DELIVERABLE_SLUGS = frozenset({"live-show", "dj-set", "event-appearance"})

# Notice bands, longest first: (at least this many days before the first date, label).
NOTICE_BANDS = ((30, _("30 days or more before")), (14, _("14 to 29 days before")),
                (0, _("under 14 days before")))  # fmt: skip


class CancellationPolicy(models.TextChoices):
    FLEXIBLE = "flexible", _("Flexible")
    MODERATE = "moderate", _("Moderate")
    STRICT = "strict", _("Strict")


@dataclass(frozen=True)
class Policy:
    """Shares of the fee of the work not handed in, in basis points, per notice band."""

    brand_owes: tuple[int, int, int]
    artist_owes: tuple[int, int, int]
    summary: str


POLICIES: dict[str, Policy] = {
    CancellationPolicy.FLEXIBLE: Policy(
        brand_owes=(0, 2_500, 5_000), artist_owes=(0, 0, 0),
        summary=_("Either side can change plans cheaply; the artist carries the risk."),
    ),
    CancellationPolicy.MODERATE: Policy(
        brand_owes=(2_500, 5_000, 7_500), artist_owes=(0, 0, 1_000),
        summary=_("A late cancellation costs the side that cancels."),
    ),
    CancellationPolicy.STRICT: Policy(
        brand_owes=(5_000, 7_500, 10_000), artist_owes=(0, 1_000, 2_500),
        summary=_("For shows booked far ahead: dates are firm for both sides."),
    ),
}  # fmt: skip
DEFAULT_POLICY = CancellationPolicy.MODERATE


def notice_band(*, first_date: date | None, today: date) -> int:
    """0, 1 or 2: the index of the notice band (30+, 14–29, under 14 days)."""
    if first_date is None:
        return 0
    days = (first_date - today).days
    last = len(NOTICE_BANDS) - 1  # after the first date too (a late cancellation)
    return next((i for i, (least, _label) in enumerate(NOTICE_BANDS) if days >= least), last)


def share_text(bps: int) -> str:
    return f"{bps / 100:g}%"


def policy_rows(policy: str) -> list[dict[str, str]]:
    """The policy in words, one row per notice band: for the offer, contract and API."""
    p = POLICIES[policy]
    return [
        {"notice": str(label), "brand_owes": share_text(p.brand_owes[i]),
         "artist_owes": share_text(p.artist_owes[i])}
        for i, (_least, label) in enumerate(NOTICE_BANDS)
    ]  # fmt: skip


def policy_text_en(policy: str) -> str:
    """The clause printed in the contract (English, like the rest of the signed text)."""
    p = POLICIES[policy]
    bands = ("30 days or more", "14 to 29 days", "under 14 days")
    lines = [f'Policy: {policy} ("{p.summary}").', "Days before the first date of the work:"]
    for i, band in enumerate(bands):
        lines.append(
            f"- {band}: if the Brand cancels, it owes {share_text(p.brand_owes[i])} of the fee of "
            f"the work not yet handed in; if the Artist cancels, they owe "
            f"{share_text(p.artist_owes[i])} of it."
        )
    return "\n".join(lines)


def owed_to_artist(*, policy: str, side: str, band: int, handed_in: int, not_handed_in: int) -> int:
    """What the artist is owed, in total, for the open work when `side` ends the contract early:
    the work handed in, plus (brand) or minus (artist) the policy's share of the rest. Can be
    negative: the artist then owes the brand. Rounded half up to the cent."""
    p = POLICIES[policy]
    if side == "brand":
        return handed_in + (not_handed_in * p.brand_owes[band] + BPS // 2) // BPS
    return handed_in - (not_handed_in * p.artist_owes[band] + BPS // 2) // BPS


def is_live(slug: str | None) -> bool:
    return slug in LIVE_DELIVERABLE_SLUGS


def deposit_parts(*, deposit_bps: int, amounts: list[int], live: list[bool]) -> list[int]:
    """Each deliverable's part of the deposit: `deposit_bps` of the live fees (half up), spread
    over the live deliverables in proportion to their fees; 0 for the others."""
    live_total = sum(a for a, is_l in zip(amounts, live, strict=True) if is_l)
    deposit = (live_total * deposit_bps + BPS // 2) // BPS
    if deposit <= 0:
        return [0] * len(amounts)
    weights = [a if is_l else 0 for a, is_l in zip(amounts, live, strict=True)]
    return split_largest_remainder(deposit, weights)
