"""Demo data for deposits and cancellation terms: a band that asks for a 25% deposit on live
work (login band3@aux.test, the demo password) and an offer under each policy: strict (accepted,
signed and funded: the deposit is paid at once), flexible and moderate (waiting for the band).

Made through the services, like the rest of the demo (aux/demo.py). Idempotent: skipped once
the band asks for a deposit.
"""

from artists.models import Artist
from artists.services import artist_set_deposit
from brands.models import Membership
from campaigns.briefs.models import Brief

from .demo import DEMO_BAND_LOGINS, _offer, _signed
from .demo_splits import _payouts_ready

DEPOSIT_LOGIN = DEMO_BAND_LOGINS[2]
# (brief, policy, signed and funded)
OFFERS = [
    ("Summer of Fizz: festival stages", "strict", True),
    ("Nordlicht AW27 runway sound", "flexible", False),
    ("Pulse Buds launch creators", "moderate", False),
]


def seed_deposit_and_terms() -> int:
    """The band's 25% deposit and its three offers; returns how many offers were made."""
    band = Artist.objects.filter(user__email=DEPOSIT_LOGIN).first()
    if band is None or band.deposit_bps:
        return 0
    artist_set_deposit(artist=band, actor=band.user, deposit_percent=25)
    band.refresh_from_db()
    made = 0
    for title, policy, signed in OFFERS:
        brief = Brief.objects.filter(title=title, status=Brief.Status.PUBLISHED).first()
        if brief is None:
            continue
        owner = brief.brand.memberships.filter(role=Membership.Role.OWNER).first().user
        message = f"Booked on {policy} cancellation terms."
        if signed:
            _payouts_ready(band.user)
            _signed(owner, brief, band, message=message, cancellation_policy=policy)
        else:
            _offer(owner, brief, band, message=message, cancellation_policy=policy)
        made += 1
    return made
