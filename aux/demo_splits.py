"""Demo data for contract payout splits: one contract whose fees the demo artist shares with a
co-owner who accepted (login coowner@aux.test, the demo password), funded, one deliverable paid.

Made through the services, like the rest of the demo (aux/demo.py). Idempotent: skipped once
the co-owner has a split. Without the local fake Stripe the co-owner's payout account is only
marked ready (as escrows are only marked funded there), so that accepting works offline.
"""

from django.db import transaction

from artists.models import Artist
from aux.users.models import User
from brands.models import Membership
from campaigns.bookings.services import contract_sign, milestone_approve, offer_accept
from campaigns.briefs.models import Brief
from payments.models import ContractSplit, PaymentAccount
from payments.services import contract_split_accept, contract_splits_propose

from .demo import DEMO_LOGINS, _demo_fund, _demo_onboard, _offer, _stripe_reachable, _submit, _user

CO_OWNER_LOGIN = DEMO_LOGINS["co-owner"]
SPLIT_BRIEF = "Trailhead marathon playlist"


def _payouts_ready(user: User) -> None:
    if _stripe_reachable():
        with transaction.atomic():
            _demo_onboard(user)
        return
    PaymentAccount.objects.get_or_create(
        user=user,
        defaults={"stripe_account_id": f"acct_demo_offline_{user.pk}", "payouts_enabled": True,
                  "transfers_active": True, "details_submitted": True},
    )  # fmt: skip


def seed_split_contract(password_hash: str) -> int:
    """The demo artist × Trailhead: 70% to the artist, 30% to the co-owner. Returns 1 if made."""
    co_owner = _user(CO_OWNER_LOGIN, "Sam Okafor (co-owner)", User.Role.ARTIST, password_hash)
    if ContractSplit.objects.filter(email=CO_OWNER_LOGIN).exists():
        return 0
    brief = Brief.objects.filter(title=SPLIT_BRIEF, status=Brief.Status.PUBLISHED).first()
    if brief is None:
        return 0
    demo = Artist.objects.get(user__email=DEMO_LOGINS["artist"])
    owner = brief.brand.memberships.get(role=Membership.Role.OWNER).user
    offer = _offer(owner, brief, demo, message="Two marathon playlists and three posts.")
    contract = offer_accept(actor=demo.user, offer=offer).contract
    (split,) = contract_splits_propose(
        actor=demo.user, contract=contract, artist_share="70",
        co_owners=[{"email": CO_OWNER_LOGIN, "share": "30"}],
    )  # fmt: skip
    _payouts_ready(co_owner)
    contract_split_accept(actor=co_owner, split_id=split.pk)
    for user in (owner, demo.user):
        contract_sign(actor=user, contract=contract, full_name=user.name, confirm=True)
    _demo_fund(owner, contract)
    first = contract.milestones.order_by("pk").first()
    _submit(demo, first, "Both marathon playlists are live: 2 × 45 tracks.")
    milestone_approve(actor=owner, milestone=first)
    return 1
