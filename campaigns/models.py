"""The models of the campaigns app, re-exported for Django (which loads an app's models from
`<app>.models`). They live in the sub-packages; project code imports them from there
(`from campaigns.bookings.models import Offer`), never from this module."""

from campaigns.bookings.models import (
    Application,
    Attachment,
    Contract,
    Dispute,
    Message,
    Milestone,
    Offer,
    OfferLine,
    OfferRevision,
    Review,
    ReviewReport,
    Settlement,
    Side,
    Signature,
)
from campaigns.briefs.models import (
    Brief,
    BriefDeliverable,
    Match,
    MatchCuration,
    MatchExposure,
    MatchOutcome,
    Shortlist,
    SnapshotPart,
    SnapshotVersion,
)
from campaigns.reporting.models import MilestoneResult

__all__ = [
    "Application",
    "Attachment",
    "Brief",
    "BriefDeliverable",
    "Contract",
    "Dispute",
    "Match",
    "MatchCuration",
    "MatchExposure",
    "MatchOutcome",
    "Message",
    "Milestone",
    "MilestoneResult",
    "Offer",
    "OfferLine",
    "OfferRevision",
    "Review",
    "ReviewReport",
    "Settlement",
    "Shortlist",
    "Side",
    "Signature",
    "SnapshotPart",
    "SnapshotVersion",
]
