"""Artists' Stripe Express accounts: create once, onboarding links, state copied from Stripe."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from artists.models import Artist
from aux.audit.services import audit_record
from aux.errors import PermissionDeniedError
from aux.users.models import User

from .. import stripe_gateway as gateway
from ..models import PaymentAccount
from ._common import _now


def _account_apply(account: PaymentAccount, data: dict[str, Any], *, at: int) -> bool:
    """Copy Stripe's account state onto our row unless we already hold a newer one."""
    if at < account.stripe_updated:
        return False
    caps = data.get("capabilities") or {}
    reqs = data.get("requirements") or {}
    account.charges_enabled = bool(data.get("charges_enabled"))
    account.payouts_enabled = bool(data.get("payouts_enabled"))
    account.details_submitted = bool(data.get("details_submitted"))
    account.transfers_active = caps.get("transfers") == "active"
    account.requirements_due = list(reqs.get("currently_due") or [])
    account.country = (data.get("country") or "")[:2]
    account.stripe_updated = at
    account.save()
    return True


def payouts_onboard(*, actor: User, return_url: str, refresh_url: str) -> str:
    """Create (once) the actor's Express account and return a fresh onboarding link URL."""
    if not actor.is_authenticated:
        raise PermissionDeniedError(gettext("Sign in to set up payouts."))
    account = PaymentAccount.objects.filter(user=actor).first()
    if account is None:
        artist = Artist.objects.filter(user=actor).first()
        country = str(artist.country) if artist and artist.country else "FR"
        data = gateway.account_create(
            email=actor.email, country=country, user_id=actor.pk,
            idempotency_key=f"aux-account-u{actor.pk}",
        )  # fmt: skip
        with transaction.atomic():
            account, created = PaymentAccount.objects.get_or_create(
                user=actor, defaults={"stripe_account_id": data["id"]}
            )
            if created:
                _account_apply(account, data, at=int(data.get("created") or 0))
                audit_record(actor=actor, verb="payouts.account_create", target=account,
                             stripe_account=account.stripe_account_id)  # fmt: skip
    link = gateway.account_link_create(
        account_id=account.stripe_account_id, refresh_url=refresh_url, return_url=return_url
    )
    return link["url"]


def payment_account_refresh(*, user: User) -> PaymentAccount | None:
    """Ask Stripe for the account's current state (on return from onboarding)."""
    account = PaymentAccount.objects.filter(user=user).first()
    if account is None:
        return None
    data = gateway.account_retrieve(account.stripe_account_id)
    with transaction.atomic():
        account = PaymentAccount.objects.select_for_update().get(pk=account.pk)
        _account_apply(account, data, at=max(account.stripe_updated, int(_now().timestamp())))
    return account
