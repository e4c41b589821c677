"""Reads of personal data: a person's rows model by model, and what stops them closing their
account."""

from django.apps import apps
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from aux.users.models import User
from brands.models import Membership
from campaigns.bookings.models import Contract, Dispute, Milestone
from payments.models import Payout

from .inventory import INVENTORY
from .models import ExportArchive


def rows_of(*, user: User, label: str) -> QuerySet[Model]:
    """The person's rows of one inventory model (empty for a model not exported)."""
    model = apps.get_model(label)
    entry = INVENTORY[label]
    if not entry.paths:
        return model._default_manager.none()
    return model._default_manager.filter(entry.rows_q(user)).distinct().order_by("pk")


def account_close_blockers(*, user: User) -> list[str]:
    """Why the account cannot be closed yet, one sentence each (empty: it can be).

    Money in flight (a funded contract's escrow, approved deliverables not yet paid, payouts not
    sent) and open disputes must end first; a brand's last owner must hand it over first.
    """
    reasons = []
    own_contracts = Contract.objects.filter(artist__user=user)
    for contract in own_contracts.filter(
        funded=True, status__in=[Contract.Status.ACTIVE, Contract.Status.DISPUTED]
    ).select_related("brand"):
        reasons.append(
            _("Contract #%(id)s with %(brand)s is funded: its escrow is paid out or refunded "
              "when the contract ends.") % {"id": contract.pk, "brand": contract.brand.name}
        )  # fmt: skip
    unpaid = Milestone.objects.filter(
        contract__artist__user=user, status=Milestone.Status.APPROVED
    ).count()
    pending = Payout.objects.filter(payee=user).exclude(status=Payout.Status.SENT).count()
    if unpaid or pending:
        n = unpaid + pending
        reasons.append(
            ngettext(
                "%(n)s payment to you is on its way: wait until it is sent.",
                "%(n)s payments to you are on their way: wait until they are sent.",
                n,
            )
            % {"n": n}
        )
    disputes = Dispute.objects.filter(status=Dispute.Status.OPEN).filter(
        milestone__contract__in=own_contracts
    ) | Dispute.objects.filter(status=Dispute.Status.OPEN, opened_by=user)
    for dispute in disputes.distinct().select_related("milestone"):
        reasons.append(
            _("A dispute on “%(milestone)s” is open: staff decide it first.")
            % {"milestone": dispute.milestone.title}
        )
    owned = Membership.objects.filter(user=user, role=Membership.Role.OWNER).select_related("brand")
    for membership in owned:
        brand = membership.brand
        if not brand.memberships.filter(role=Membership.Role.OWNER).exclude(user=user).exists():
            reasons.append(
                _("You are the last owner of %(brand)s: make another member owner in the "
                  "brand's team settings, or ask us to close the brand.") % {"brand": brand.name}
            )  # fmt: skip
    return reasons


def exports_of(*, user: User) -> QuerySet[ExportArchive]:
    return ExportArchive.objects.filter(user=user).order_by("-created_at", "-id")[:5]
