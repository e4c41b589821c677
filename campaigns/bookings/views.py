"""Booking pages: make an offer, the offer with its revision timeline, the contract, deliverables,
the message thread. Thin: every step calls a service; refusals become messages on the page."""

from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from artists.models import Artist
from aux.errors import ApplicationError
from aux.files import serve_private
from aux.ratelimit import over_limit
from brands.models import Membership
from campaigns.briefs.permissions import brand_role, check_can_edit_brand_briefs
from campaigns.briefs.selectors import briefs_visible_to

from ..reviews.selectors import reviews_on_contract
from . import services
from .forms import (
    MessageForm,
    OfferForm,
    RenewForm,
    ReviewForm,
    SettlementForm,
    SignForm,
    SubmitForm,
    TermsForm,
)
from .masking import mask_contact_details
from .models import Contract, Milestone, Offer, Settlement, Side
from .selectors import (
    attachment_visible_to,
    contract_money_summary,
    contracts_visible_to,
    diff_revisions,
    exclusivity_conflict_text,
    exclusivity_conflicts,
    milestones_visible_to,
    offer_exclusivity_conflicts,
    offer_messages,
    offer_time_left,
    offer_with_history,
    offers_visible_to,
)
from .terms import POLICIES, policy_rows, share_text


def _errors_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _say_refused(request: HttpRequest, exc: ValidationError | ApplicationError) -> None:
    """A service said no: tell the user on the page they return to."""
    text = _errors_text(exc) if isinstance(exc, ValidationError) else exc.message
    messages.error(request, text)


def _offer_for(request: HttpRequest, pk: int) -> Offer:
    offer = offers_visible_to(user=request.user).filter(pk=pk).first()
    if offer is None:
        raise Http404(_("No such offer."))
    return offer


def _contract_for(request: HttpRequest, pk: int) -> Contract:
    contract = contracts_visible_to(user=request.user).filter(pk=pk).first()
    if contract is None:
        raise Http404(_("No such contract."))
    return contract


@login_required
def offer_new(request: HttpRequest, pk: int) -> HttpResponse:
    """`/briefs/<id>/offers/new/?artist=<slug>`: brief's deliverables at the artist's minimum."""
    brief = briefs_visible_to(user=request.user).filter(pk=pk).first()
    if brief is None:
        raise Http404(_("No such brief."))
    # Only the brand's owners and managers may open the form (the service checks again on POST).

    try:
        check_can_edit_brand_briefs(request.user, brief.brand)
    except ApplicationError as exc:
        raise PermissionDenied(exc.message) from exc
    artist = get_object_or_404(Artist, slug=request.GET.get("artist") or request.POST.get("artist"))
    lines = services.offer_prefill_lines(brief=brief, artist=artist)
    initial = {
        "start_date": brief.start_date, "end_date": brief.end_date, "usage_channels": ["social"],
        "usage_territories": ", ".join(str(c) for c in brief.territories),
    }  # fmt: skip
    form = OfferForm(request.POST or None, lines=lines, currency=brief.currency, initial=initial)
    too_fast = request.method == "POST" and over_limit(request, "offers")
    if too_fast:
        form.add_error(None, too_fast)
    elif request.method == "POST" and form.is_valid():
        try:
            offer = services.offer_create(
                actor=request.user, brief=brief, artist=artist, lines=form.cleaned_lines(),
                expires_in_days=form.cleaned_data["expires_in_days"],
                confirm_exclusivity_conflict=form.cleaned_data["confirm_exclusivity_conflict"],
                **form.cleaned_terms(),
            )  # fmt: skip
        except ValidationError as exc:
            form.add_error(None, _errors_text(exc))
        except ApplicationError as exc:
            if "confirm_exclusivity_conflict" in exc.errors:
                form.add_error("confirm_exclusivity_conflict", exc.message)
            else:
                messages.error(request, exc.message)
        else:
            messages.success(request, _("Offer sent to %(artist)s.") % {"artist": artist})
            return redirect("bookings:offer_detail", pk=offer.pk)
    # Told before sending: the exclusivities the work dates (as typed, else the brief's) break.
    typed = getattr(form, "cleaned_data", {})
    conflicts = exclusivity_conflicts(
        artist=artist, brand_category=brief.brand.category,
        start=typed.get("start_date") or brief.start_date,
        end=typed.get("end_date") or brief.end_date, exclude_brand=brief.brand,
    )  # fmt: skip
    return render(request, "campaigns/offer_new.html", {
        "brief": brief, "artist": artist, "form": form, "lines": lines,
        "deposit_percent": share_text(artist.deposit_bps),
        "conflicts": [exclusivity_conflict_text(c, side=Side.BRAND) for c in conflicts],
    }, status=429 if too_fast else 200)  # fmt: skip


@login_required
def offer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    offer = offer_with_history(offer=_offer_for(request, pk))
    revisions = list(offer.revisions.all())
    timeline = [
        {"revision": r, "changes": diff_revisions(revisions[i - 1] if i else None, r)}
        for i, r in enumerate(revisions)
    ]
    side = services.party_side(request.user, brand=offer.brief.brand, artist=offer.artist)
    can_act = side is not None and (side == Side.ARTIST or _can_edit(request, offer))
    counter_form = None
    if can_act and offer.is_open and offer.awaiting == side:
        # Prefilled with the other side's terms: their typed text masked like everywhere else.
        lines = [{**line, "notes": mask_contact_details(line["notes"])}
                 for line in services.offer_current_lines(offer)]  # fmt: skip
        terms = services.offer_current_terms(offer)
        terms["message"] = mask_contact_details(terms.get("message") or "")
        counter_form = TermsForm(
            lines=lines, currency=offer.currency,
            initial={**terms, "usage_territories": ", ".join(offer.usage_territories)},
        )  # fmt: skip
    # Exclusivities the work would break: while the offer can still be answered or renewed.
    conflicts = []
    if side is not None and (offer.is_open or offer.status == Offer.Status.EXPIRED):
        conflicts = [exclusivity_conflict_text(c, side=side)
                     for c in offer_exclusivity_conflicts(offer=offer)]  # fmt: skip
    can_renew = (
        side == Side.BRAND and can_act and offer.status == Offer.Status.EXPIRED
        and offer.brief.status == offer.brief.Status.PUBLISHED
    )  # fmt: skip
    return render(request, "campaigns/offer_detail.html", {
        "offer": offer, "timeline": list(reversed(timeline)), "side": side, "can_act": can_act,
        "conflicts": conflicts, "can_renew": can_renew,
        "renew_form": RenewForm() if can_renew else None,
        "counter_form": counter_form, "current_lines": revisions[-1].lines.all(),
        "contract": Contract.objects.filter(offer=offer).first(),
        **_thread_context(offer),
    })  # fmt: skip


def _can_edit(request: HttpRequest, offer: Offer) -> bool:
    role = brand_role(request.user, offer.brief.brand)
    return role in (Membership.Role.OWNER, Membership.Role.MANAGER)


def _thread_context(offer: Offer) -> dict:
    return {
        "thread": offer_messages(offer=offer),
        "contacts_visible": services.contact_details_visible(offer),
        "message_form": MessageForm(),
        "thread_open": services.thread_is_open(offer),
    }


@login_required
@require_POST
def offer_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    offer = _offer_for(request, pk)
    try:
        if action == "accept":
            offer = services.offer_accept(actor=request.user, offer=offer)
            messages.success(request, _("Offer accepted: the contract is ready to sign."))
            return redirect("bookings:contract_detail", pk=offer.contract.pk)
        if action == "decline":
            services.offer_decline(actor=request.user, offer=offer,
                                   reason=request.POST.get("reason", ""))  # fmt: skip
            messages.success(request, _("Offer declined."))
        elif action == "withdraw":
            services.offer_withdraw(actor=request.user, offer=offer)
            messages.success(request, _("Offer withdrawn."))
        elif action == "counter":
            form = TermsForm(request.POST, lines=services.offer_current_lines(offer),
                             currency=offer.currency)  # fmt: skip
            if too_fast := over_limit(request, "offers"):
                messages.error(request, too_fast)
            elif not form.is_valid():
                messages.error(request, _("Check the counter-offer: ") + form.errors.as_text())
            else:
                services.offer_counter(
                    actor=request.user, offer=offer, lines=form.cleaned_lines(),
                    **form.cleaned_terms(),
                )  # fmt: skip
                messages.success(request, _("Counter-offer sent."))
        else:
            raise Http404(_("No such action."))
    except (ValidationError, ApplicationError) as exc:
        _say_refused(request, exc)
    return redirect("bookings:offer_detail", pk=pk)


@login_required
@require_POST
def offer_renew(request: HttpRequest, pk: int) -> HttpResponse:
    """The brand reopens its expired offer for the days it picks (one click: the default)."""
    offer = _offer_for(request, pk)
    form = RenewForm(request.POST)
    try:
        if too_fast := over_limit(request, "offers"):
            messages.error(request, too_fast)
        elif not form.is_valid():
            messages.error(request, _("Check the renewal: ") + form.errors.as_text())
        else:
            offer = services.offer_renew(actor=request.user, offer=offer, **form.cleaned_data)
            messages.success(
                request, _("Offer renewed: %(left)s.") % {"left": offer_time_left(offer)}
            )
    except (ValidationError, ApplicationError) as exc:
        _say_refused(request, exc)
    return redirect("bookings:offer_detail", pk=pk)


@login_required
def offer_thread(request: HttpRequest, pk: int) -> HttpResponse:
    """The message thread (htmx fragment); POST adds a message and answers the new thread."""
    offer = _offer_for(request, pk)
    error = None
    if request.method == "POST":
        form = MessageForm(request.POST, request.FILES)
        try:
            if too_fast := over_limit(request, "messages"):
                error = too_fast
            elif form.is_valid():
                services.message_post(actor=request.user, offer=offer,
                                      body=form.cleaned_data["body"],
                                      attachments=form.cleaned_data["attachments"])  # fmt: skip
            else:
                error = form.errors.as_text()
        except ValidationError as exc:
            error = _errors_text(exc)
        except ApplicationError as exc:
            error = exc.message
        if not request.htmx:
            if error:
                messages.error(request, error)
            return redirect("bookings:offer_detail", pk=pk)
    return render(request, "campaigns/partials/thread.html",
                  {"offer": offer, "error": error, **_thread_context(offer)})  # fmt: skip


@login_required
def contract_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _contract_for(request, pk)
    side = services.party_side(request.user, brand=contract.brand, artist=contract.artist)
    offer = contract.offer
    can_act = side == Side.ARTIST or (side == Side.BRAND and _can_edit(request, offer))
    signatures = list(contract.signatures.all())
    signed_sides = {s.party for s in signatures}
    reviews = reviews_on_contract(contract=contract, side=side)  # double-blind
    milestones = list(
        contract.milestones.select_related("deliverable_type").prefetch_related(
            "attachments", "disputes"
        )
    )
    # Once work is handed in, only a settlement or a dispute ends the contract.
    work_started = any(
        m.status not in (Milestone.Status.PENDING, Milestone.Status.CANCELLED) for m in milestones
    )
    settlements = list(contract.settlements.all()[:1])
    settlement = settlements[0] if settlements else None
    can_settle = can_act and contract.status == Contract.Status.ACTIVE and contract.funded
    # The proposal starts from the cancellation terms (this side is the one ending it).
    suggestion = (
        services.settlement_suggestion(contract=contract, side=side, milestones=milestones)
        if can_settle else None
    )  # fmt: skip
    return render(request, "campaigns/contract_detail.html", {
        "contract": contract, "side": side, "can_act": can_act, "signatures": signatures,
        "can_sign": can_act and contract.status == "draft" and side not in signed_sides,
        "sign_form": SignForm(initial={"full_name": ""}),
        "milestones": milestones,
        "can_cancel": can_act and contract.status in ("draft", "active") and not work_started,
        "cancel_expires_at": services.cancel_request_expires_at(contract),
        "cancel_expired": services.cancel_request_expired(contract),
        "can_settle": can_settle, "work_started": work_started,
        "settlement": settlement,
        "settlement_expires_at": settlement and services.settlement_expires_at(settlement),
        "settlement_expired": bool(settlement) and services.settlement_expired(settlement),
        "settlement_limit": suggestion["limit"] if suggestion else None,
        "settlement_suggestion": suggestion,
        "settlement_form": SettlementForm(
            initial={"artist_amount": Decimal(suggestion["amount"]) / 100} if suggestion else None
        ),
        "cancellation_rows": policy_rows(contract.cancellation_policy),
        "cancellation_summary": POLICIES[contract.cancellation_policy].summary,
        "submit_form": SubmitForm(), "review_form": ReviewForm(), "reviews": reviews,
        "review_blind_days": settings.AUX_REVIEW_BLIND_DAYS,
        # Nothing visible yet: neither this side's review nor the other's, published only
        # once this side can no longer write (campaigns.reviews.selectors).
        "can_review": can_act and contract.status == "completed" and not reviews,
        "money": contract_money_summary(contract=contract, milestones=milestones),
        "offer": offer, **_thread_context(offer),
    })  # fmt: skip


@login_required
@require_POST
def contract_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    contract = _contract_for(request, pk)
    try:
        if action == "sign":
            form = SignForm(request.POST)
            if not form.is_valid():
                raise ValidationError(form.errors.as_text())
            services.contract_sign(
                actor=request.user, contract=contract, full_name=form.cleaned_data["full_name"],
                confirm=form.cleaned_data["confirm"], ip=request.META.get("REMOTE_ADDR"),
                user_agent=request.META.get("HTTP_USER_AGENT", ""),
                terms_sha256=request.POST.get("terms_sha256") or None,
            )  # fmt: skip
            messages.success(request, _("Signed."))
        elif action == "cancel":
            contract = services.contract_cancel(actor=request.user, contract=contract,
                                                reason=request.POST.get("reason", ""))  # fmt: skip
            if contract.status == Contract.Status.CANCELLED:
                messages.success(request, _("The contract is cancelled."))
            else:
                messages.success(
                    request, _("Your request to cancel is recorded; the other side must agree.")
                )
        elif action == "settle":
            form = SettlementForm(request.POST)
            if not form.is_valid():
                raise ValidationError(form.errors.as_text())
            services.settlement_propose(actor=request.user, contract=contract,
                                        artist_amount=form.minor_units(),
                                        note=form.cleaned_data["note"])  # fmt: skip
            messages.success(request, _("Settlement proposed: the other side can accept it."))
        elif action in ("settle-accept", "settle-decline"):
            settlement = _settlement_for(request, contract)
            if action == "settle-accept":
                services.settlement_accept(actor=request.user, settlement=settlement)
                messages.success(request, _("Settlement accepted: the contract has ended."))
            else:
                services.settlement_decline(actor=request.user, settlement=settlement)
                messages.success(request, _("Settlement declined: the contract goes on."))
        elif action == "review":
            form = ReviewForm(request.POST)
            if not form.is_valid():
                raise ValidationError(form.errors.as_text())
            services.review_create(actor=request.user, contract=contract, **form.cleaned_data)
            messages.success(request, _("Thank you for your review."))
        else:
            raise Http404(_("No such action."))
    except (ValidationError, ApplicationError) as exc:
        _say_refused(request, exc)
    return redirect("bookings:contract_detail", pk=pk)


def _settlement_for(request: HttpRequest, contract: Contract) -> Settlement:
    """The proposal the user read (its id is in the form), of this contract only."""
    pk = request.POST.get("settlement", "")
    settlement = (
        contract.settlements.filter(pk=int(pk)).first() if pk.isdigit() and len(pk) < 12 else None
    )
    if settlement is None:
        raise Http404(_("No such settlement proposal."))
    return settlement


@login_required
def contract_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _contract_for(request, pk)
    if not contract.pdf:
        raise Http404(_("The PDF is being prepared."))
    return serve_private(contract.pdf, filename=f"aux-contract-{contract.pk}.pdf",
                         content_type="application/pdf")  # fmt: skip


@login_required
@require_POST
def milestone_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    milestone: Milestone | None = milestones_visible_to(user=request.user).filter(pk=pk).first()
    if milestone is None:
        raise Http404(_("No such deliverable."))
    try:
        if action == "submit":
            form = SubmitForm(request.POST, request.FILES)
            form.is_valid()
            data = form.cleaned_data
            services.milestone_submit(
                actor=request.user, milestone=milestone, note=data.get("note", ""),
                links=(data.get("links") or "").split(),
                disclosure_confirmed=data.get("disclosure_confirmed", False),
                attachments=data.get("attachments") or [],
            )  # fmt: skip
            messages.success(request, _("Deliverable submitted for review."))
        elif action == "approve":
            services.milestone_approve(actor=request.user, milestone=milestone)
            messages.success(request, _("Deliverable approved."))
        elif action == "request-changes":
            services.milestone_request_changes(actor=request.user, milestone=milestone,
                                               reason=request.POST.get("reason", ""))  # fmt: skip
            messages.success(request, _("Changes requested."))
        elif action == "dispute":
            services.dispute_open(actor=request.user, milestone=milestone,
                                  reason=request.POST.get("reason", ""))  # fmt: skip
            messages.success(request, _("Dispute opened: AUX staff will decide."))
        elif action == "dispute-respond":
            services.dispute_respond(actor=request.user, milestone=milestone,
                                     statement=request.POST.get("statement", ""))  # fmt: skip
            messages.success(request, _("Your statement is added to the dispute."))
        else:
            raise Http404(_("No such action."))
    except (ValidationError, ApplicationError) as exc:
        _say_refused(request, exc)
    return redirect("bookings:contract_detail", pk=milestone.contract_id)


@login_required
def attachment_download(request: HttpRequest, pk: int) -> HttpResponse:
    """A message or deliverable file, for the booking's parties (and staff) only.

    Always a download (Content-Disposition: attachment) with the content type we stored, never
    rendered inline: nothing uploaded runs in the site's origin. Others get a 404, as for the
    offer or contract itself (no id probing).
    """
    attachment = attachment_visible_to(user=request.user, pk=pk)
    if attachment is None or not attachment.file:
        raise Http404(_("No such file."))
    return serve_private(attachment.file, filename=attachment.original_name,
                         content_type=attachment.content_type)  # fmt: skip
