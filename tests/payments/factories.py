"""Helpers for payments tests: a signed contract whose artist has onboarded on the fake Stripe."""

from campaigns.bookings.models import Contract
from payments import services
from tests.brands.factories import MembershipFactory
from tests.campaigns.factories import booking_artist, booking_brief, make_offer

from .stripe_server import onboarding_complete


def onboard(user) -> None:
    """Create the user's Express account and complete onboarding on the fake Stripe."""
    url = services.payouts_onboard(
        actor=user, return_url="http://testserver/back", refresh_url="http://testserver/back"
    )
    onboarding_complete(url)
    services.payment_account_refresh(user=user)


def signed_contract(*, onboarded: bool = True, social: bool = True, deposit_bps: int = 0):
    """Brand manager, artist, and an active (signed, unfunded) contract with two milestones
    (2 live shows €2,000, 3 social posts €900); `deposit_bps`: the artist's deposit share."""
    from campaigns.bookings.services import contract_sign, offer_accept

    manager = MembershipFactory(role="manager").user
    brief = booking_brief(manager.memberships.get().brand, social=social)
    artist = booking_artist(deposit_bps=deposit_bps)
    if onboarded:
        onboard(artist.user)
    offer = make_offer(actor=manager, brief=brief, artist=artist)
    contract = offer_accept(actor=artist.user, offer=offer).contract
    contract_sign(actor=manager, contract=contract, full_name=manager.name, confirm=True)
    contract_sign(actor=artist.user, contract=contract, full_name=artist.user.name, confirm=True)
    return manager, artist, Contract.objects.get(pk=contract.pk)


def fund(manager, contract, card: str = "pm_card_visa"):
    payment = services.payment_start(actor=manager, contract=contract)
    return services.payment_pay_test(actor=manager, payment=payment, payment_method=card)
