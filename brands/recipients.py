"""Which members of a brand are told of what: it depends on their brand role. The callers in
campaigns and payments pass the result to aux.notifications' `notify`, which knows nothing of
brands (the kernel imports nothing above it)."""

from collections.abc import Iterable

from aux.notifications.models import Kind
from aux.users.models import User

from .models import Brand, Membership

# Brand roles: decisions (offers, contracts, deliverables) go to those who can act on them;
# money and disputes concern every member.
DECIDERS = (Membership.Role.OWNER, Membership.Role.MANAGER)
ALL_MEMBERS = (Membership.Role.OWNER, Membership.Role.MANAGER, Membership.Role.VIEWER)

BRAND_ROLES: dict[str, tuple[str, ...]] = {
    Kind.OFFER_RECEIVED: DECIDERS,
    Kind.OFFER_COUNTERED: DECIDERS,
    Kind.OFFER_ACCEPTED: DECIDERS,
    Kind.OFFER_DECLINED: DECIDERS,
    Kind.OFFER_WITHDRAWN: DECIDERS,
    Kind.OFFER_EXPIRED: DECIDERS,
    Kind.CONTRACT_READY: DECIDERS,
    Kind.CONTRACT_SIGNED_BY_OTHER: DECIDERS,
    Kind.CONTRACT_ACTIVE: ALL_MEMBERS,
    Kind.CONTRACT_FUNDED: ALL_MEMBERS,
    Kind.CONTRACT_CANCEL_REQUESTED: DECIDERS,
    Kind.CONTRACT_CANCELLED: ALL_MEMBERS,
    Kind.CONTRACT_SETTLEMENT_PROPOSED: DECIDERS,
    Kind.CONTRACT_SETTLEMENT_DECLINED: DECIDERS,
    Kind.CONTRACT_SETTLED: ALL_MEMBERS,
    Kind.CONTRACT_COMPLETED: ALL_MEMBERS,
    Kind.DELIVERABLE_SUBMITTED: DECIDERS,
    Kind.DELIVERABLE_APPROVED: DECIDERS,
    Kind.DELIVERABLE_CHANGES_REQUESTED: DECIDERS,
    Kind.DELIVERABLE_OVERDUE: DECIDERS,
    Kind.PAYOUT_SENT: ALL_MEMBERS,
    Kind.PAYOUT_FAILED: ALL_MEMBERS,
    Kind.DISPUTE_OPENED: ALL_MEMBERS,
    Kind.DISPUTE_RESPONDED: ALL_MEMBERS,
    Kind.DISPUTE_RESOLVED: ALL_MEMBERS,
    Kind.MESSAGE_NEW: DECIDERS,
    Kind.REVIEW_RECEIVED: ALL_MEMBERS,
    Kind.APPLICATION_RECEIVED: DECIDERS,
    Kind.DELIVERABLE_REVIEW_REMINDER: DECIDERS,
}


def brand_recipients(
    brand: Brand, *, roles: Iterable[str] | None = None, kind: str | None = None
) -> list[User]:
    """The active members of `brand` whose role should see a notification.

    Give `roles` explicitly, or `kind` to use the kind's table (owners and managers for
    decisions such as offers, every member for money and disputes).
    """
    if roles is None:
        roles = BRAND_ROLES.get(kind, ALL_MEMBERS) if kind else ALL_MEMBERS
    return list(
        User.objects.filter(
            memberships__brand=brand, memberships__role__in=list(roles), is_active=True
        )
        .distinct()
        .order_by("pk")
    )
