"""The cancellation terms and the deposit, in words, wherever an offer or a contract is shown."""

from django import template

from aux.money import format_money
from campaigns.bookings.terms import POLICIES, CancellationPolicy, policy_rows, share_text

register = template.Library()


@register.inclusion_tag("campaigns/partials/booking_terms.html")
def booking_terms(
    policy: str, deposit_bps: int = 0, deposit_amount: int | None = None, currency: str = "EUR"
) -> dict:
    """The chosen policy (its table: the brand's and the artist's share per notice) and the
    deposit: a share of live fees (offer) or the amount the contract froze."""
    return {
        "policy_label": CancellationPolicy(policy).label, "summary": POLICIES[policy].summary,
        "rows": policy_rows(policy), "deposit_percent": share_text(deposit_bps),
        "deposit_bps": deposit_bps,
        "deposit_text": format_money(deposit_amount, currency) if deposit_amount else "",
    }  # fmt: skip


@register.inclusion_tag("campaigns/partials/cancellation_policies.html")
def cancellation_policies() -> dict:
    """The three policies side by side, for the forms that choose one."""
    return {
        "policies": [
            {"value": p.value, "label": p.label, "summary": POLICIES[p].summary,
             "rows": policy_rows(p)}
            for p in CancellationPolicy
        ]
    }  # fmt: skip
