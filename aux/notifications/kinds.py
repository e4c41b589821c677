"""What each kind means for delivery: its default channel, whether it can be turned off and its
e-mail subject. One table, read by services, forms and API. (Which brand members are told of a
kind depends on their brand role: brands.recipients, above this kernel.)"""

from django.utils.translation import gettext_lazy as _

from .models import Channel, Kind

# Kinds a user can never turn off (they may still choose in-app only or a digest): a contract
# waiting for your signature and money moving are things you must know about.
LOCKED: dict[str, str] = {
    Kind.CONTRACT_READY: _("A contract waiting for your signature cannot be ignored."),
    Kind.PAYOUT_SENT: _("You are always told when money is paid out."),
    Kind.PAYOUT_FAILED: _("You are always told when a payout fails."),
}

# Without a preference row: e-mail at once, except chatter (in-app) and the opt-in brief match.
DEFAULT_CHANNEL: dict[str, str] = dict.fromkeys(Kind.values, Channel.EMAIL_IMMEDIATE)
DEFAULT_CHANNEL.update({
    Kind.MESSAGE_NEW: Channel.IN_APP,
    Kind.DELIVERABLE_OVERDUE: Channel.DAILY_DIGEST,
    Kind.BRIEF_MATCH: Channel.OFF,
})  # fmt: skip

SUBJECTS: dict[str, str] = {
    Kind.OFFER_RECEIVED: _("You have a new offer"),
    Kind.OFFER_COUNTERED: _("Your offer was countered"),
    Kind.OFFER_ACCEPTED: _("Your offer was accepted"),
    Kind.OFFER_DECLINED: _("Your offer was declined"),
    Kind.OFFER_WITHDRAWN: _("An offer was withdrawn"),
    Kind.OFFER_EXPIRED: _("An offer expired"),
    Kind.CONTRACT_READY: _("A contract is ready for your signature"),
    Kind.CONTRACT_SIGNED_BY_OTHER: _("The other side signed your contract"),
    Kind.CONTRACT_ACTIVE: _("Your contract is active"),
    Kind.CONTRACT_FUNDED: _("Your contract is funded"),
    Kind.CONTRACT_CANCEL_REQUESTED: _("Cancellation requested for a contract"),
    Kind.CONTRACT_CANCELLED: _("A contract was cancelled"),
    Kind.CONTRACT_SETTLEMENT_PROPOSED: _("The other side proposes to settle a contract"),
    Kind.CONTRACT_SETTLEMENT_DECLINED: _("Your settlement proposal was declined"),
    Kind.CONTRACT_SETTLED: _("A contract was ended by settlement"),
    Kind.CONTRACT_COMPLETED: _("A contract is complete"),
    Kind.DELIVERABLE_SUBMITTED: _("A deliverable was submitted for review"),
    Kind.DELIVERABLE_APPROVED: _("Your deliverable was approved"),
    Kind.DELIVERABLE_CHANGES_REQUESTED: _("Changes were requested on a deliverable"),
    Kind.DELIVERABLE_OVERDUE: _("A deliverable is overdue"),
    Kind.PAYOUT_SENT: _("A payout is on its way"),
    Kind.PAYOUT_FAILED: _("A payout failed"),
    Kind.DISPUTE_OPENED: _("A dispute was opened"),
    Kind.DISPUTE_RESPONDED: _("The other side answered a dispute"),
    Kind.DISPUTE_RESOLVED: _("A dispute was resolved"),
    Kind.MESSAGE_NEW: _("You have a new message"),
    Kind.REVIEW_RECEIVED: _("You received a review"),
    Kind.TEAM_INVITATION: _("You are invited to join a brand on AUX"),
    Kind.BRIEF_MATCH: _("A new brief ranks you among its top matches"),
    Kind.APPLICATION_RECEIVED: _("An artist applied to your open call"),
    Kind.APPLICATION_DECLINED: _("Your application was declined"),
    Kind.DELIVERABLE_REVIEW_REMINDER: _("A deliverable will be approved automatically tomorrow"),
}


def is_locked(kind: str) -> bool:
    return kind in LOCKED


def allowed_channels(kind: str) -> list[str]:
    return [c for c in Channel.values if not (c == Channel.OFF and is_locked(kind))]


def template_slug(kind: str) -> str:
    """`offer.received` → `offer_received` (the e-mail template name)."""
    return kind.replace(".", "_")
