import calendar
import math
from datetime import date, datetime

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext

from aux.money import format_money
from aux.users.models import User
from campaigns.briefs.models import Brief, Match

from .hooks import contract_money_read
from .models import (
    Application,
    Attachment,
    Contract,
    Dispute,
    Message,
    Milestone,
    Offer,
    OfferLine,
    OfferRevision,
)


def contacts_visible(obj: Offer | Application | Contract) -> bool:
    """Whether contact details typed in a booking's free text are shown: only once both sides
    signed its contract (Contract.signed_at). Before, every free-text field one side types and
    the other reads is masked (campaigns.bookings.masking) on pages, in the API and in e-mails.

    The one definition: pages, serializers and the contract use it. Uses the `signed_contract`
    annotation (with_contacts_visible) when there is one; else at most one query, and none for
    an offer that is not accepted or an application never turned into one.
    """
    if isinstance(obj, Contract):
        return obj.signed_at is not None
    annotated = getattr(obj, "signed_contract", None)
    if annotated is not None:
        return bool(annotated)
    if isinstance(obj, Application):
        if obj.offer_id is None:
            return False
        return Contract.objects.filter(offer_id=obj.offer_id, signed_at__isnull=False).exists()
    if obj.status != Offer.Status.ACCEPTED:
        return False
    return Contract.objects.filter(offer=obj, signed_at__isnull=False).exists()


# Contracts both sides signed (a cancelled one excluded): what reports and earnings count.
SIGNED_STATUSES = (Contract.Status.ACTIVE, Contract.Status.COMPLETED, Contract.Status.DISPUTED)


def with_contacts_visible(qs: QuerySet, *, offer_path: str = "pk") -> QuerySet:
    """Annotate `signed_contract` so contacts_visible needs no query per row."""
    signed = Contract.objects.filter(offer=OuterRef(offer_path), signed_at__isnull=False)
    return qs.annotate(signed_contract=Exists(signed))


# --- Bookings ----------------------------------------------------------------------------------


def _party_filter(user: User, *, brand_path: str, artist_path: str) -> Q:
    return Q(**{f"{brand_path}__memberships__user": user}) | Q(**{f"{artist_path}__user": user})


def offers_visible_to(*, user: User) -> QuerySet[Offer]:
    """Staff see every offer; an artist the offers addressed to them; a brand member its own."""
    qs = with_contacts_visible(
        Offer.objects.select_related(
            "brief", "brief__brand", "artist", "current_revision", "exclusivity_category"
        )
    )
    if not user.is_authenticated:
        return qs.none()
    if user.is_staff:
        return qs
    ids = Offer.objects.filter(
        _party_filter(user, brand_path="brief__brand", artist_path="artist")
    ).values("pk")
    return qs.filter(pk__in=ids)


def offer_with_history(*, offer: Offer) -> Offer:
    """The offer with its revisions (newest last), their lines and authors prefetched."""
    return (
        Offer.objects.select_related("brief", "brief__brand", "artist", "current_revision")
        .prefetch_related(
            Prefetch(
                "revisions",
                queryset=OfferRevision.objects.select_related("author", "exclusivity_category")
                .prefetch_related(
                    Prefetch(
                        "lines",
                        queryset=OfferLine.objects.select_related("deliverable_type"),
                    )
                )
                .order_by("number"),
            )
        )
        .get(pk=offer.pk)
    )


def contracts_visible_to(*, user: User) -> QuerySet[Contract]:
    qs = Contract.objects.select_related("brand", "artist", "brief", "offer")
    if not user.is_authenticated:
        return qs.none()
    if user.is_staff:
        return qs
    ids = Contract.objects.filter(
        _party_filter(user, brand_path="brand", artist_path="artist")
    ).values("pk")
    return qs.filter(pk__in=ids)


def milestones_visible_to(*, user: User) -> QuerySet[Milestone]:
    qs = Milestone.objects.select_related(
        "contract", "contract__brand", "contract__artist", "deliverable_type"
    )
    if not user.is_authenticated:
        return qs.none()
    if user.is_staff:
        return qs
    ids = Milestone.objects.filter(
        _party_filter(user, brand_path="contract__brand", artist_path="contract__artist")
    ).values("pk")
    return qs.filter(pk__in=ids)


def milestone_dispute(milestone: Milestone) -> Dispute | None:
    """The dispute a deliverable shows: the open one, else the latest decided (from the
    prefetched `disputes` when there are, so a list costs no query per deliverable)."""
    disputes = list(milestone.disputes.all())
    open_ = [d for d in disputes if d.status == Dispute.Status.OPEN]
    if open_:
        return open_[0]
    return max(disputes, key=lambda d: (d.created_at, d.pk), default=None)


def contract_money_summary(*, contract: Contract, milestones: list[Milestone]) -> dict | None:
    """The contract's money for both parties: funded, paid to the artist, refunded to the brand
    (and the platform fee returned with it), still in escrow (read from payments through
    campaigns.bookings.hooks), and what staff awarded and refunded by dispute decisions (from the
    deliverables' prefetched `disputes`). None before a payment funded the contract."""
    money = contract_money_read(contract)
    if money is None:
        return None
    decided = [
        d for m in milestones for d in m.disputes.all() if d.status == Dispute.Status.RESOLVED
    ]
    return {
        **money,
        "currency": contract.currency,
        "awarded_by_dispute": sum(d.awarded_to_artist for d in decided),
        "refunded_by_dispute": sum(d.refunded_to_brand for d in decided),
    }


def offer_messages(*, offer: Offer) -> QuerySet[Message]:
    """The thread, oldest first (newest last), with authors."""
    return (
        Message.objects.filter(offer=offer)
        .select_related("author")
        .prefetch_related("attachments")
        .order_by("created_at", "id")
    )


def attachment_visible_to(*, user: User, pk: int) -> Attachment | None:
    """The attachment if the user is a party to its offer or contract (or staff), else None.

    Brand viewers count as a party for reading, as for the thread and the contract pages.
    """
    attachment = Attachment.objects.filter(pk=pk).first()
    if attachment is None:
        return None
    if attachment.message_id is not None:
        offer_id = Message.objects.filter(pk=attachment.message_id).values("offer_id")
        visible = offers_visible_to(user=user).filter(pk__in=offer_id).exists()
    else:
        visible = milestones_visible_to(user=user).filter(pk=attachment.milestone_id).exists()
    return attachment if visible else None


def diff_revisions(previous: OfferRevision | None, current: OfferRevision) -> list[dict]:
    """What changed from one revision to the next: [{"what", "before", "after"}] in words.

    Lines are compared by deliverable type; terms field by field. Uses prefetched lines.
    """
    if previous is None:
        return []
    changes: list[dict] = []

    def add(what: str, before, after) -> None:
        if before != after:
            changes.append({"what": what, "before": before, "after": after})

    cur = current.currency
    old_lines = {ln.deliverable_type_id: ln for ln in previous.lines.all()}
    new_lines = {ln.deliverable_type_id: ln for ln in current.lines.all()}
    for key in list(old_lines) + [k for k in new_lines if k not in old_lines]:
        old, new = old_lines.get(key), new_lines.get(key)
        name = str((new or old).deliverable_type)

        def text(line):
            if line is None:
                return "—"
            words = f"{line.quantity} × {format_money(line.fee, cur)}"
            if line.due_date:
                words += ", " + gettext("due %(date)s") % {"date": day(line.due_date)}
            return words

        add(name, text(old), text(new))

    def day(value) -> str:
        return date_format(value, "DATE_FORMAT") if value else "—"

    def months(n: int) -> str:
        return ngettext("%(n)d month", "%(n)d months", n) % {"n": n}

    def excl(r: OfferRevision) -> str:
        if r.exclusivity_category_id is None:
            return gettext("none")
        return f"{r.exclusivity_category}, {months(r.exclusivity_months)}"

    add(gettext("Total"), format_money(previous.total, cur), format_money(current.total, cur))
    add(gettext("Start"), day(previous.start_date), day(current.start_date))
    add(gettext("End"), day(previous.end_date), day(current.end_date))
    add(gettext("Channels"), ", ".join(previous.usage_channels) or "—",
        ", ".join(current.usage_channels) or "—")  # fmt: skip
    add(gettext("Territories"), ", ".join(previous.usage_territories) or gettext("worldwide"),
        ", ".join(current.usage_territories) or gettext("worldwide"))  # fmt: skip
    add(gettext("Usage term"), months(previous.usage_term_months),
        months(current.usage_term_months))  # fmt: skip
    add(gettext("Exclusivity"), excl(previous), excl(current))
    return changes


def bookings_for_artist(*, artist) -> dict:
    """The artist dashboard's lists: offers waiting (new first), contracts, upcoming work."""
    offers = list(
        Offer.objects.filter(artist=artist)
        .select_related("brief", "brief__brand")
        .order_by("-updated_at")[:20]
    )
    contracts = list(
        Contract.objects.filter(artist=artist)
        .exclude(status=Contract.Status.CANCELLED)
        .select_related("brand", "brief")
        .order_by("-created_at")[:20]
    )
    milestones = list(
        Milestone.objects.filter(
            contract__artist=artist,
            contract__status=Contract.Status.ACTIVE,
            status__in=[
                Milestone.Status.PENDING,
                Milestone.Status.CHANGES_REQUESTED,
                Milestone.Status.SUBMITTED,
            ],
        )
        .select_related("contract", "contract__brand")
        .order_by("due_date", "id")[:20]
    )
    return {"offers": offers, "contracts": contracts, "milestones": milestones}


def bookings_for_brand(*, brand) -> dict:
    """The brand dashboard's lists: offers sent, active contracts, deliverables to review."""
    offers = list(
        Offer.objects.filter(brief__brand=brand)
        .select_related("brief", "artist")
        .order_by("-updated_at")[:20]
    )
    contracts = list(
        Contract.objects.filter(
            brand=brand,
            status__in=[Contract.Status.DRAFT, Contract.Status.ACTIVE, Contract.Status.DISPUTED],
        )
        .select_related("artist", "brief")
        .order_by("-created_at")[:20]
    )
    to_review = list(
        Milestone.objects.filter(contract__brand=brand, status=Milestone.Status.SUBMITTED)
        .select_related("contract", "contract__artist")
        .order_by("review_due_at")[:20]
    )
    return {"offers": offers, "contracts": contracts, "to_review": to_review}


def time_left_text(expires_at: datetime, *, now: datetime | None = None) -> str:
    """How long until `expires_at`, in words: "3 days left", "expires in 5 hours", "expired".

    Whole days (rounded) from two days on, hours below that, minutes in the last hour.
    """
    seconds = (expires_at - (now or timezone.now())).total_seconds()
    if seconds <= 0:
        return gettext("expired")
    hours = seconds / 3600
    if hours < 1:
        n = max(1, math.ceil(seconds / 60))
        return ngettext("expires in %(n)d minute", "expires in %(n)d minutes", n) % {"n": n}
    if hours < 48:
        n = round(hours)
        return ngettext("expires in %(n)d hour", "expires in %(n)d hours", n) % {"n": n}
    n = round(hours / 24)
    return ngettext("%(n)d day left", "%(n)d days left", n) % {"n": n}


def offer_time_left(offer: Offer, *, now: datetime | None = None) -> str:
    """The time left to answer an open offer in words ("expired" once expired, else empty)."""
    if offer.status == Offer.Status.EXPIRED:
        return gettext("expired")
    if not offer.is_open:
        return ""
    return time_left_text(offer.expires_at, now=now)


# --- Exclusivity: what an artist already signed away --------------------------------------------
# A contract's exclusivity (the accepted offer's `exclusivity_category` for `exclusivity_months`)
# runs "from the start of the work period" (templates/campaigns/contracts/terms_v1.txt): from the
# offer's start date, or from the day both signed when the offer had none. It binds while the
# contract is in force or done (active, disputed, completed): a cancelled contract binds nobody,
# and a draft is not signed by both yet.
EXCLUSIVITY_BINDING = (
    Contract.Status.ACTIVE, Contract.Status.DISPUTED, Contract.Status.COMPLETED
)  # fmt: skip


def add_months(day: date, months: int) -> date:
    """`day` plus whole months, on the same day of the month (or the month's last day)."""
    years, month0 = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, month0 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def exclusivity_window(contract: Contract) -> tuple[date, date] | None:
    """[start, until) of the contract's exclusivity, or None when it has none."""
    offer = contract.offer
    if offer.exclusivity_category_id is None or not offer.exclusivity_months:
        return None
    start = offer.start_date or timezone.localdate(contract.signed_at or contract.created_at)
    return start, add_months(start, offer.exclusivity_months)


def exclusivity_conflicts(
    *,
    artist,
    brand_category,
    start: date | None,
    end: date | None,
    exclude_brand=None,
) -> list[Contract]:
    """The artist's signed contracts whose exclusivity covers `brand_category` on some day of
    [start, end] (missing dates: from today; a missing end is the start day).

    Each contract comes with `exclusivity_category`, `exclusivity_start` and `exclusivity_until`
    (the first day it no longer binds), the latest ending first. `exclude_brand`: the brand that
    holds the exclusivity may of course book the artist again, so its contracts are left out.
    """
    if brand_category is None:
        return []
    start = start or timezone.localdate()
    end = max(end or start, start)
    qs = Contract.objects.filter(
        artist=artist,
        status__in=EXCLUSIVITY_BINDING,
        signed_at__isnull=False,
        offer__exclusivity_category=brand_category,
        offer__exclusivity_months__isnull=False,
    ).select_related("offer", "offer__exclusivity_category")
    if exclude_brand is not None:
        qs = qs.exclude(brand=exclude_brand)
    found = []
    for contract in qs.order_by("pk"):
        window = exclusivity_window(contract)
        if window is None or not (window[0] <= end and start < window[1]):
            continue
        contract.exclusivity_category = contract.offer.exclusivity_category
        contract.exclusivity_start, contract.exclusivity_until = window
        found.append(contract)
    return sorted(found, key=lambda c: (c.exclusivity_until, c.pk), reverse=True)


def offer_exclusivity_conflicts(*, offer: Offer) -> list[Contract]:
    """The artist's exclusivities that the offer's work dates would break (see above)."""
    if offer.artist_id is None:
        return []
    return exclusivity_conflicts(
        artist=offer.artist, brand_category=offer.brief.brand.category,
        start=offer.start_date, end=offer.end_date, exclude_brand=offer.brief.brand,
    )  # fmt: skip


def exclusivity_conflict_text(contract: Contract, *, side: str) -> str:
    """The warning in words: the artist reads "your" exclusivity, the brand "the artist's"."""
    params = {
        "category": str(contract.exclusivity_category),
        "until": date_format(contract.exclusivity_until, "j M Y"),
    }
    if side == "artist":
        return gettext("This offer breaks your %(category)s exclusivity until %(until)s.") % params
    return (
        gettext("This offer would break the artist's %(category)s exclusivity until %(until)s.")
        % params
    )


# --- Open calls: applications --------------------------------------------------------------------


def _with_match(qs: QuerySet[Application]) -> QuerySet[Application]:
    """Each application with the applicant's rank and score in the brief's last ranking."""
    match = Match.objects.filter(brief=OuterRef("brief_id"), artist=OuterRef("artist_id"))
    return with_contacts_visible(qs, offer_path="offer_id").annotate(
        match_score=Subquery(match.values("score")[:1]),
        match_rank=Subquery(match.values("rank")[:1]),
    )


def applications_for_brief(*, brief: Brief) -> QuerySet[Application]:
    """A brief's applications, pending first, then best ranked; with the match score."""
    return _with_match(
        Application.objects.filter(brief=brief).select_related("artist", "offer")
    ).order_by("-status", "match_rank", "-created_at")


def applications_visible_to(*, user: User) -> QuerySet[Application]:
    """Staff see every application; an artist their own; a brand member those to its briefs."""
    qs = Application.objects.select_related("brief", "brief__brand", "artist", "offer")
    if not user.is_authenticated:
        return qs.none()
    if not user.is_staff:
        qs = qs.filter(Q(artist__user=user) | Q(brief__brand__memberships__user=user)).distinct()
    return _with_match(qs).order_by("-created_at", "-id")


def application_of(*, brief: Brief, user: User) -> Application | None:
    """The signed-in artist's application to the brief, if any."""
    if not user.is_authenticated:
        return None
    return Application.objects.filter(brief=brief, artist__user=user).first()
