"""The message thread of an offer (contact details masked until a contract is signed), reviews."""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from aux.audit.services import audit_record
from aux.errors import ConflictError, NotFoundError
from aux.users.models import User
from campaigns.briefs.matching_service import artist_rating_changed
from campaigns.reviews.selectors import blind_period

from ..attachments import attachments_validate
from ..models import Contract, Message, Offer, Review, Side
from ..selectors import contacts_visible, offers_visible_to
from ._common import _notify_on_commit, acting_side
from .contracts import _lock_contract
from .milestones import _attachments_save


def thread_is_open(offer: Offer) -> bool:
    """Messages can be written while negotiating and while the contract runs."""
    if offer.is_open:
        return True
    contract = Contract.objects.filter(offer=offer).first()
    return contract is not None and contract.status != Contract.Status.CANCELLED


def contact_details_visible(offer: Offer) -> bool:
    """Contact details are shown once both sides have signed (campaigns.bookings.selectors
    decides)."""
    return contacts_visible(offer)


@transaction.atomic
def message_post(
    *, actor: User, offer: Offer, body: str, attachments: Iterable[Any] | None = None
) -> Message:
    """A party writes in the offer's thread (also the contract's thread).

    Up to five files (images or PDFs, checked by content in campaigns.bookings.attachments) may come
    with the message; a message with files may have no text. Masking of contact details applies
    to the text only (see campaigns.bookings.attachments).
    """
    side = acting_side(actor, brand=offer.brief.brand, artist=offer.artist)
    body = (body or "").strip()
    files = attachments_validate(attachments)
    if not body and not files:
        raise ValidationError({"body": gettext("Write a message.")})
    if len(body) > 5000:
        raise ValidationError({"body": gettext("A message has at most 5000 characters.")})
    if not thread_is_open(offer):
        raise ConflictError(
            gettext("This offer is %(status)s; its thread is closed.")
            % {"status": offer.get_status_display().lower()}
        )
    message = Message.objects.create(offer=offer, author=actor, side=side, body=body)
    _attachments_save(files, actor=actor, message=message)
    other = Side.ARTIST if side == Side.BRAND else Side.BRAND
    _notify_on_commit("message.new", target=message, sides=[other], actor=actor)
    return message


@transaction.atomic
def review_create(*, actor: User, contract: Contract, rating: int, text: str = "") -> Review:
    """After completion each side rates the other once (1–5 with text), within
    AUX_REVIEW_BLIND_DAYS of the other side's review; neither reads the other's before both
    wrote or that time passed (campaigns.reviews.selectors.reviews_published)."""
    side = acting_side(actor, brand=contract.brand, artist=contract.artist)
    contract = _lock_contract(contract)
    if contract.status != Contract.Status.COMPLETED:
        raise ConflictError(
            gettext("This contract is %(status)s; reviews come after completion.")
            % {"status": contract.get_status_display().lower()}
        )
    if Review.objects.filter(contract=contract, author_side=side).exists():
        raise ConflictError(
            gettext("The %(label)s has already reviewed this booking.")
            % {"label": Side(side).label.lower()}
        )
    # Double-blind: once the other side's review is public (AUX_REVIEW_BLIND_DAYS after it was
    # written), writing one after reading it is no longer possible.
    first = Review.objects.filter(contract=contract).exclude(author_side=side).first()
    if first is not None and first.created_at <= timezone.now() - blind_period():
        raise ConflictError(
            gettext("The time to review this booking ended on %(date)s.")
            % {"date": date_format(first.created_at + blind_period(), "DATE_FORMAT")}
        )
    review = Review(
        contract=contract, author_side=side, author=actor, rating=rating, text=text.strip()
    )
    review.full_clean()
    review.save()
    if Review.objects.filter(contract=contract).count() == 2:  # both public now
        artist_rating_changed(contract.artist_id)
    audit_record(actor=actor, verb="review.create", target=review, rating=rating)
    other = Side.ARTIST if side == Side.BRAND else Side.BRAND
    _notify_on_commit("review.received", target=review, sides=[other], actor=actor)
    return review


def offer_get_for(*, user: User, pk: int) -> Offer:
    """An offer the user may see (party or staff), else NotFoundError (no id probing)."""
    offer = offers_visible_to(user=user).filter(pk=pk).first()
    if offer is None:
        raise NotFoundError(gettext("No such offer."))
    return offer
