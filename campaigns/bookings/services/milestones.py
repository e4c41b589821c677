"""Deliverables (milestones): submit, approve, request changes, auto-approval after the review
window, overdue flags, disputes, and the sweep that redoes lost background work."""

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlparse

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from aux.audit.services import audit_record
from aux.dispatch import enqueue
from aux.errors import ConflictError, PermissionDeniedError
from aux.notifications import messages as notification_messages
from aux.users.models import User
from campaigns.briefs.models import Brief
from campaigns.briefs.tasks import brief_compute_matches

from .. import hooks
from ..attachments import attachments_validate
from ..models import Attachment, Contract, Dispute, Message, Milestone, Side
from ._common import (
    BOTH_SIDES,
    _notify_on_commit,
    _now,
    acting_side,
    require_side,
    review_window,
)
from .contracts import (
    _contract_transition,
    _lock_contract,
    _lock_milestones,
    _maybe_complete,
    contract_requests_lapse,
)


def _lock_milestone(milestone: Milestone) -> tuple[Contract, Milestone, list[Milestone]]:
    """Lock the contract, then its milestones in pk order (the one lock order everywhere)."""
    contract = _lock_contract(milestone.contract)
    siblings = _lock_milestones(contract)
    return contract, next(m for m in siblings if m.pk == milestone.pk), siblings


def _milestone_transition(milestone: Milestone, to: str) -> None:
    if to not in Milestone.ALLOWED_TRANSITIONS[milestone.status]:
        raise ConflictError(
            gettext("This deliverable is %(status)s; it cannot become %(label)s.")
            % {
                "status": milestone.get_status_display().lower(),
                "label": Milestone.Status(to).label.lower(),
            }
        )
    milestone.status = to


def _clean_links(links: Iterable[str]) -> list[str]:
    out = []
    for link in links:
        link = (link or "").strip()
        if not link:
            continue
        parsed = urlparse(link)
        if parsed.scheme not in ("http", "https") or not parsed.netloc or len(link) > 500:
            raise ValidationError(
                {"links": gettext("Not a web address: %(link)s") % {"link": link[:80]}}
            )
        out.append(link)
    if len(out) > 10:
        raise ValidationError({"links": gettext("At most 10 links.")})
    return out


def _attachments_save(
    files: list[tuple[Any, str, str]],
    *,
    actor: User,
    message: Message | None = None,
    milestone: Milestone | None = None,
) -> list[Attachment]:
    """Store files already checked by campaigns.bookings.attachments.attachments_validate."""
    saved = []
    for content, content_type, name in files:
        attachment = Attachment(
            original_name=name, content_type=content_type, size=content.size,
            uploaded_by=actor, message=message, milestone=milestone,
        )  # fmt: skip
        attachment.file.save(content.name, content, save=False)
        attachment.full_clean()
        attachment.save()
        saved.append(attachment)
    return saved


@transaction.atomic
def milestone_submit(
    *,
    actor: User,
    milestone: Milestone,
    note: str = "",
    links: Iterable[str] = (),
    disclosure_confirmed: bool = False,
    attachments: Iterable[Any] | None = None,
) -> Milestone:
    """The artist hands in a deliverable with proof; the brand's review window starts.

    Proof is a note, links and/or up to five files (images or PDFs, checked by content in
    campaigns.bookings.attachments); the files are kept with the milestone across resubmissions.
    """
    contract = milestone.contract
    side = acting_side(actor, brand=contract.brand, artist=contract.artist)
    require_side(side, Side.ARTIST, gettext_lazy("submit a deliverable"))
    clean_links = _clean_links(links)
    files = attachments_validate(attachments)
    if not note.strip() and not clean_links and not files:
        raise ValidationError(
            {"note": gettext("Add a note, a link or a file that shows the work.")}
        )
    contract, milestone, _siblings = _lock_milestone(milestone)
    if contract.status != Contract.Status.ACTIVE:
        raise ConflictError(
            gettext(
                "This contract is %(status)s; deliverables can be submitted once both sides have "
                "signed."
            )
            % {"status": contract.get_status_display().lower()}
        )
    if not contract.funded:
        raise ConflictError(
            gettext(
                "This contract is not funded yet; deliverables can be submitted once the brand "
                "has paid the escrow."
            )
        )
    if milestone.is_social and not disclosure_confirmed:
        raise ValidationError(
            {
                "disclosure_confirmed": gettext(
                    "Confirm the paid-partnership disclosure (#ad or label)."
                )
            }
        )
    _milestone_transition(milestone, Milestone.Status.SUBMITTED)
    now = _now()
    milestone.proof_note, milestone.proof_links = note.strip(), clean_links
    milestone.disclosure_confirmed = bool(disclosure_confirmed)
    milestone.submitted_at, milestone.review_due_at = now, now + review_window()
    milestone.save()
    stored = _attachments_save(files, actor=actor, milestone=milestone)
    contract_requests_lapse(contract=contract, cause="submitted", actor=actor)
    audit_record(
        actor=actor, verb="milestone.submit", target=milestone, links=clean_links,
        attachments=[a.pk for a in stored],
    )  # fmt: skip
    _notify_on_commit("milestone.submitted", target=milestone, sides=[Side.BRAND], actor=actor)
    return milestone


def _approve(milestone: Milestone, *, actor: User | None, amount: int, auto: bool) -> None:
    milestone.approved_at, milestone.approved_by = _now(), actor
    milestone.approved_amount, milestone.auto_approved = amount, auto
    milestone.save()
    hooks.announce(hooks.milestone_approved, milestone_id=milestone.pk)  # payments pays it
    _notify_on_commit("milestone.approved", target=milestone, sides=BOTH_SIDES, actor=actor)


@transaction.atomic
def milestone_approve(*, actor: User, milestone: Milestone) -> Milestone:
    """The brand approves a submitted deliverable: final, and the payout follows."""
    contract = milestone.contract
    side = acting_side(actor, brand=contract.brand, artist=contract.artist)
    require_side(side, Side.BRAND, gettext_lazy("approve a deliverable"))
    contract, milestone, siblings = _lock_milestone(milestone)
    if milestone.status == Milestone.Status.DISPUTED:
        # The table lets a disputed deliverable become approved, but only by staff's decision.
        raise ConflictError(gettext("This deliverable is disputed; AUX staff will decide it."))
    if milestone.status != Milestone.Status.SUBMITTED:
        # The table lets pending work become approved, but only through an accepted settlement.
        raise ConflictError(
            gettext("This deliverable is %(status)s; it cannot become %(label)s.")
            % {
                "status": milestone.get_status_display().lower(),
                "label": Milestone.Status.APPROVED.label.lower(),
            }
        )
    _milestone_transition(milestone, Milestone.Status.APPROVED)
    _approve(milestone, actor=actor, amount=milestone.amount, auto=False)
    audit_record(actor=actor, verb="milestone.approve", target=milestone)
    contract_requests_lapse(contract=contract, cause="approved", actor=actor)
    _maybe_complete(contract, siblings)
    return milestone


@transaction.atomic
def milestone_request_changes(*, actor: User, milestone: Milestone, reason: str) -> Milestone:
    """The brand sends a submitted deliverable back with a reason; the artist resubmits."""
    contract = milestone.contract
    side = acting_side(actor, brand=contract.brand, artist=contract.artist)
    require_side(side, Side.BRAND, gettext_lazy("request changes"))
    if not (reason or "").strip():
        raise ValidationError({"reason": gettext("Say what should change.")})
    contract, milestone, _siblings = _lock_milestone(milestone)
    _milestone_transition(milestone, Milestone.Status.CHANGES_REQUESTED)
    milestone.changes_reason, milestone.review_due_at = reason.strip(), None
    milestone.save()
    audit_record(actor=actor, verb="milestone.request_changes", target=milestone,
                 reason=milestone.changes_reason)  # fmt: skip
    contract_requests_lapse(contract=contract, cause="changes_requested", actor=actor)
    _notify_on_commit(
        "milestone.changes_requested", target=milestone, sides=[Side.ARTIST], actor=actor
    )
    return milestone


@transaction.atomic
def milestone_auto_approve(*, milestone: Milestone, now: datetime | None = None) -> bool:
    """Approve a submitted deliverable whose review window has passed in silence.

    Safe to run twice: returns False when it is not (or no longer) due.
    """
    now = now or _now()
    contract, milestone, siblings = _lock_milestone(milestone)
    if (
        milestone.status != Milestone.Status.SUBMITTED
        or milestone.review_due_at is None
        or milestone.review_due_at > now
    ):
        return False
    _milestone_transition(milestone, Milestone.Status.APPROVED)
    _approve(milestone, actor=None, amount=milestone.amount, auto=True)
    audit_record(actor=None, verb="milestone.auto_approve", target=milestone)
    contract_requests_lapse(contract=contract, cause="approved", actor=None)
    _maybe_complete(contract, siblings)
    return True


@transaction.atomic
def milestone_mark_paid(*, milestone_id: int) -> Milestone:
    """Record that an approved deliverable is paid in full (payments calls this once every payout
    of it is sent, inside its own transaction). Locks the contract then the deliverable, moves
    approved → paid through the table (ConflictError otherwise) and audits it. Idempotent: a paid
    deliverable is returned as it is."""
    contract_id = Milestone.objects.values_list("contract_id", flat=True).get(pk=milestone_id)
    contract = Contract.objects.select_for_update().get(pk=contract_id)
    milestone = Milestone.objects.select_for_update().get(pk=milestone_id, contract=contract)
    if milestone.status == Milestone.Status.PAID:
        return milestone
    _milestone_transition(milestone, Milestone.Status.PAID)
    milestone.paid_at = _now()
    milestone.save(update_fields=["status", "paid_at"])
    audit_record(actor=None, verb="milestone.paid", target=milestone)
    return milestone


def milestones_auto_approve_due(*, now: datetime | None = None) -> int:
    now = now or _now()
    due = Milestone.objects.filter(status=Milestone.Status.SUBMITTED, review_due_at__lte=now)
    return sum(milestone_auto_approve(milestone=m, now=now) for m in due.order_by("pk"))


@transaction.atomic
def milestones_flag_overdue(*, today: date | None = None) -> int:
    """Flag (once) every unfinished deliverable of an active contract past its due date."""
    today = today or timezone.localdate()
    overdue = (
        Milestone.objects.select_for_update()
        .filter(
            contract__status=Contract.Status.ACTIVE,
            status__in=[Milestone.Status.PENDING, Milestone.Status.CHANGES_REQUESTED],
            due_date__lt=today,
            overdue_flagged_at__isnull=True,
        )
        .order_by("pk")
    )
    flagged = 0
    for m in overdue:
        m.overdue_flagged_at = _now()
        m.save(update_fields=["overdue_flagged_at"])
        audit_record(actor=None, verb="milestone.overdue", target=m, due_date=str(m.due_date))
        _notify_on_commit("milestone.overdue", target=m, sides=BOTH_SIDES)
        flagged += 1
    return flagged


SWEEP_WINDOW = timedelta(days=2)  # how long a sweep keeps trying work that never happened


def background_sweep(*, older_than_minutes: int = 5) -> int:
    """Queue again the work whose task never reached a worker (the broker was down when it was
    sent, see aux.dispatch): the PDF of contracts signed without one, and the ranking of briefs
    published but never ranked since. Both tasks are idempotent. Returns how many were queued.
    """
    from ..tasks import contract_render_pdf  # at use: the tasks import the services

    cutoff = _now() - timedelta(minutes=older_than_minutes)
    since = (cutoff - SWEEP_WINDOW, cutoff)
    contracts = Contract.objects.filter(signed_at__range=since, pdf="").values_list("pk", flat=True)
    briefs = (
        Brief.objects.filter(status=Brief.Status.PUBLISHED, published_at__range=since)
        .filter(Q(matches_computed_at__isnull=True) | Q(matches_computed_at__lt=F("published_at")))
        .values_list("pk", flat=True)
    )
    queued = sum(enqueue(contract_render_pdf, pk) for pk in contracts)
    return queued + sum(enqueue(brief_compute_matches, pk) for pk in briefs)


@transaction.atomic
def dispute_open(*, actor: User, milestone: Milestone, reason: str) -> Dispute:
    """Either side disputes a submitted deliverable; staff decide. The contract is disputed."""
    contract = milestone.contract
    side = acting_side(actor, brand=contract.brand, artist=contract.artist)
    if not (reason or "").strip():
        raise ValidationError({"reason": gettext("Explain what the dispute is about.")})
    contract, milestone, _siblings = _lock_milestone(milestone)
    _milestone_transition(milestone, Milestone.Status.DISPUTED)
    milestone.review_due_at = None
    milestone.save(update_fields=["status", "review_due_at"])
    if contract.status == Contract.Status.ACTIVE:
        _contract_transition(contract, Contract.Status.DISPUTED)
        contract.save(update_fields=["status"])
    dispute = Dispute.objects.create(
        milestone=milestone, opened_by=actor, opened_by_side=side, reason=reason.strip()
    )
    audit_record(actor=actor, verb="dispute.open", target=dispute, side=side)
    contract_requests_lapse(contract=contract, cause="disputed", actor=actor)
    _notify_on_commit("dispute.opened", target=dispute, sides=BOTH_SIDES, actor=actor)
    return dispute


@transaction.atomic
def dispute_respond(*, actor: User, milestone: Milestone, statement: str) -> Dispute:
    """The side that did not open the deliverable's open dispute adds its statement, once,
    while it is open.

    Staff read both statements (and the deliverable's files) before deciding; both sides read
    them on the contract page and in the API.
    """
    contract = milestone.contract
    side = acting_side(actor, brand=contract.brand, artist=contract.artist)
    contract, milestone, _siblings = _lock_milestone(milestone)
    dispute = (
        Dispute.objects.select_for_update()
        .filter(milestone=milestone, status=Dispute.Status.OPEN)
        .first()
    )
    if dispute is None:
        raise ConflictError(gettext("This deliverable has no open dispute."))
    if side == dispute.opened_by_side:
        raise PermissionDeniedError(
            gettext("You opened this dispute; your reason is your statement.")
        )
    statement = (statement or "").strip()
    if not statement:
        raise ValidationError({"statement": gettext("Write your side of the dispute.")})
    if len(statement) > 3000:
        raise ValidationError({"statement": gettext("At most 3,000 characters.")})
    if dispute.respondent_statement:
        raise ConflictError(gettext("Your side's statement is recorded already."))
    dispute.respondent_statement, dispute.respondent = statement, actor
    dispute.respondent_statement_at = _now()
    dispute.full_clean()
    dispute.save(update_fields=["respondent_statement", "respondent", "respondent_statement_at"])
    audit_record(actor=actor, verb="dispute.respond", target=dispute, side=side)
    _notify_on_commit("dispute.responded", target=dispute, sides=BOTH_SIDES, actor=actor)
    return dispute


@transaction.atomic
def dispute_resolve(
    *,
    actor: User,
    dispute: Dispute,
    decision: str,
    decision_text: str,
    amount: int | None = None,
) -> Dispute:
    """Staff decide a dispute in writing: approve in full, approve a partial amount, or cancel.

    Both sides are told what each gets (the artist's award, the brand's refund) with a link to
    the dispute on the contract page, where the written decision is shown in full.
    """
    if not actor.is_staff:
        raise PermissionDeniedError(gettext("Only staff resolve disputes."))
    if decision not in Dispute.Decision.values:
        raise ValidationError({"decision": gettext("Choose approve, partial or cancel.")})
    if not (decision_text or "").strip():
        raise ValidationError({"decision_text": gettext("Write the decision down for both sides.")})
    contract, milestone, siblings = _lock_milestone(dispute.milestone)
    dispute = Dispute.objects.select_for_update().get(pk=dispute.pk)
    if dispute.status != Dispute.Status.OPEN:
        raise ConflictError(gettext("This dispute is resolved already."))
    if decision == Dispute.Decision.PARTIAL and (
        amount is None or not 0 < amount < milestone.amount
    ):
        raise ValidationError(
            {
                "amount": gettext(
                    "A partial amount is above zero and below the deliverable's amount."
                )
            }
        )
    if decision == Dispute.Decision.CANCEL:
        _milestone_transition(milestone, Milestone.Status.CANCELLED)
        milestone.save(update_fields=["status"])
        paid = None
    else:
        _milestone_transition(milestone, Milestone.Status.APPROVED)
        paid = milestone.amount if decision == Dispute.Decision.APPROVE else amount
        _approve(milestone, actor=actor, amount=paid, auto=False)
    dispute.status, dispute.decision = Dispute.Status.RESOLVED, decision
    dispute.decision_text, dispute.amount = decision_text.strip(), paid
    dispute.resolved_by, dispute.resolved_at = actor, _now()
    dispute.save()
    still_open = Dispute.objects.filter(
        milestone__contract=contract, status=Dispute.Status.OPEN
    ).exists()
    if contract.status == Contract.Status.DISPUTED and not still_open:
        _contract_transition(contract, Contract.Status.ACTIVE)
        contract.save(update_fields=["status"])
    audit_record(actor=actor, verb="dispute.resolve", target=dispute, decision=decision,
                 amount=paid)  # fmt: skip
    hooks.announce(hooks.dispute_resolved, dispute_id=dispute.pk)
    _maybe_complete(contract, siblings)
    # The message says what each side gets; the link opens the decision on the contract page.
    _notify_on_commit(
        "dispute.resolved", target=dispute, sides=BOTH_SIDES, actor=actor,
        text=gettext_noop(
            "Dispute resolved on %(subject)s: %(artist)s to the artist, %(brand)s refunded to "
            "the brand."
        ),
        params={
            "artist": notification_messages.money(paid or 0, milestone.currency),
            "brand": notification_messages.money(milestone.amount - (paid or 0),
                                                 milestone.currency),
        },
    )  # fmt: skip
    return dispute
