"""Erasure: closing an account erases or anonymises the person's data everywhere (the same model
graph walk as the export), keeps the books and contracts that the law or an open obligation
requires, and is refused, saying what is left, while money is in flight or a dispute is open."""

import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from aux.privacy.graph import models_reaching_user
from aux.privacy.inventory import INVENTORY
from aux.users.models import User
from brands.models import Membership
from campaigns.bookings import services as bookings
from campaigns.bookings.models import Contract, Message, Milestone, Signature
from campaigns.reporting.selectors import brand_report
from payments.models import LedgerEntry, Payout
from payments.selectors import artist_earnings_report
from payments.services import ledger_totals
from tests.brands.factories import MembershipFactory
from tests.users.factories import PASSWORD, UserFactory

from .conftest import PHONE, booking_history

pytestmark = pytest.mark.django_db(transaction=True)

TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField)


def _api(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def _where(needles: list[str]) -> set[tuple[str, str]]:
    """(model label, field) of every text field in the database holding one of `needles`."""
    found = set()
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.concrete_fields:
            if not isinstance(field, TEXT_FIELDS) or field.choices:
                continue
            for needle in needles:
                if model._default_manager.filter(**{f"{field.name}__icontains": needle}).exists():
                    found.add((model._meta.label, field.name))
    return found


def _money(history) -> dict:
    """The books and the reports built on them, as the artist and the brand see them."""
    user, brand = history.artist.user, history.contract.brand
    earnings = artist_earnings_report(user=user)
    entries = LedgerEntry.objects.filter(user=user).values_list("amount", flat=True)
    return {
        "ledger": ledger_totals(),
        "artist_paid": sorted(entries),
        "earnings": earnings["totals"],
        "by_month": earnings["by_month"],
        "brand_spend": brand_report(brand=brand)["spend"],
        "payouts": sorted(Payout.objects.filter(payee=user).values_list("amount", "status")),
    }


def test_closing_erases_the_person_everywhere_and_keeps_the_books(
    history, django_capture_on_commit_callbacks
):
    user, artist, contract = history.artist.user, history.artist, history.contract
    needles = [user.email, user.name, artist.stage_name, PHONE]
    before = _money(history)
    assert before["ledger"] == {contract.currency: 0} and before["artist_paid"]
    # Before: the person is found in many places (the walk is able to fail).
    assert len(_where(needles)) > 5

    client = Client()
    client.force_login(user)
    page = client.get(reverse("privacy:close"))
    assert page.status_code == 200 and b"Stripe" in page.content
    response = client.post(reverse("privacy:close"), {"password": PASSWORD})
    assert response.status_code == 302 and response.url == reverse("home")

    user.refresh_from_db()
    assert user.closed_at and not user.is_active and not user.has_usable_password()
    assert user.name == f"Former artist #{user.pk}" and user.email.endswith("@invalid")
    # Nothing of the person is left, except where the inventory says it is kept and why.
    kept = {(label, f) for label, entry in INVENTORY.items() for f in entry.kept}
    assert _where(needles) <= kept, _where(needles) - kept
    assert _where(needles) & kept  # the signed contract still names its signatory
    assert set(Signature.objects.filter(contract=contract).values_list("ip", "user_agent")) == {
        (None, "")
    }
    artist.refresh_from_db()
    assert artist.stage_name == user.name and not artist.photo and not artist.bio
    assert not artist.rates.exists() and not Membership.objects.filter(user=user).exists()
    assert Message.objects.filter(author=user).get().body.startswith("[removed")
    assert not Message.objects.get(author=history.manager).body.startswith("[removed")
    # The books and the contract are kept, balanced, and the reports add up as before.
    assert Contract.objects.filter(pk=contract.pk).exists()
    assert _money(history) == before
    # The person's rows still reachable through the graph are only the kept kinds.
    for model in models_reaching_user():
        entry = INVENTORY[model._meta.label]
        if entry.on_close == "deleted" and entry.paths and model is not User:
            rows = model._default_manager.filter(entry.rows_q(user))
            assert not rows.exists(), model._meta.label
    # The anonymised profile stays for the contracts but is no longer listed or shown.
    assert client.get(reverse("artists:detail", kwargs={"slug": artist.slug})).status_code == 404
    listed = APIClient().get(reverse("api-artist-list")).json()["results"]
    assert artist.slug not in [a["slug"] for a in listed]
    # Signed out everywhere: the old session no longer works.
    assert client.get(reverse("privacy:account")).status_code == 302


def test_closing_is_refused_while_escrow_is_funded_and_says_what_is_left(
    stripe_api, django_capture_on_commit_callbacks
):
    history = booking_history(django_capture_on_commit_callbacks, pay=False)
    user = history.artist.user
    response = _api(user).post(reverse("api-me-close"), {"password": PASSWORD}, format="json")
    assert response.status_code == 409, response.content
    (reason,) = response.json()["errors"]["account"]
    assert f"Contract #{history.contract.pk}" in reason and "funded" in reason
    client = Client()
    client.force_login(user)
    page = client.get(reverse("privacy:close"))
    assert (
        "cannot be closed yet" in page.content.decode() and b'name="password"' not in page.content
    )
    user.refresh_from_db()
    assert user.is_active and user.closed_at is None


def test_unpaid_approvals_and_open_disputes_block_closing(
    stripe_api, django_capture_on_commit_callbacks
):
    history = booking_history(django_capture_on_commit_callbacks, pay=False)
    first, second = history.contract.milestones.order_by("pk")
    Milestone.objects.filter(pk=first.pk).update(status=Milestone.Status.APPROVED)
    bookings.milestone_submit(actor=history.artist.user, milestone=second, note="x",
                              disclosure_confirmed=True)  # fmt: skip
    bookings.dispute_open(actor=history.manager, milestone=second, reason="Not as agreed")
    response = _api(history.artist.user).post(
        reverse("api-me-close"), {"password": PASSWORD}, format="json"
    )
    reasons = " ".join(response.json()["errors"]["account"])
    assert response.status_code == 409
    assert "1 payment to you is on its way" in reasons and "A dispute on" in reasons


def test_a_brands_last_owner_must_hand_it_over_first():
    owner = MembershipFactory(role="owner").user
    brand = owner.memberships.get().brand
    response = _api(owner).post(reverse("api-me-close"), {"password": PASSWORD}, format="json")
    assert response.status_code == 409
    assert f"last owner of {brand.name}" in response.json()["detail"]
    MembershipFactory(brand=brand, role="owner")
    response = _api(owner).post(reverse("api-me-close"), {"password": PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    assert not Membership.objects.filter(user=owner).exists() and brand.memberships.count() == 1


def test_a_wrong_password_closes_nothing():
    user = UserFactory()
    response = _api(user).post(reverse("api-me-close"), {"password": "nope"}, format="json")
    assert response.status_code == 400 and "password" in response.json()["errors"]
    client = Client()
    client.force_login(user)
    response = client.post(reverse("privacy:close"), {"password": "nope"})
    assert response.status_code == 200 and b"not your current password" in response.content
    user.refresh_from_db()
    assert user.is_active and user.closed_at is None


@pytest.mark.django_db
def test_a_closed_artist_is_no_longer_ranked_for_briefs():
    from aux.privacy.services import account_close
    from campaigns.briefs import matching_service
    from campaigns.briefs.models import Match
    from tests.campaigns.factories import booking_artist, booking_brief

    brief = booking_brief(MembershipFactory(role="manager").brand)
    artist = booking_artist()
    matching_service.matches_recompute(brief=brief)
    assert Match.objects.filter(brief=brief, artist=artist).exists()
    account_close(user=artist.user)
    matching_service.matches_recompute(brief=brief)
    assert not Match.objects.filter(brief=brief, artist=artist).exists()


@pytest.mark.django_db
def test_audit_details_lose_the_persons_address_but_keep_look_alike_text():
    from aux.audit.models import AuditEvent
    from aux.audit.services import audit_record
    from aux.privacy.services import account_close
    from brands.services import membership_remove

    owner = MembershipFactory(role="owner").user
    brand = owner.memberships.get().brand
    member = MembershipFactory(brand=brand, role="viewer", user__name="Tom").user
    email = member.email
    membership_remove(actor=owner, membership=member.memberships.get())  # audit: user=<email>
    audit_record(actor=owner, verb="brand.note", target=brand, note="Tomorrow", who="tom")
    account_close(user=member)
    assert not AuditEvent.objects.filter(data__icontains=email).exists()
    note = AuditEvent.objects.get(verb="brand.note").data
    assert note == {"note": "Tomorrow", "who": f"Former brand user #{member.pk}"}
