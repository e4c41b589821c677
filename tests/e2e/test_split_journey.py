"""Payout splits in three browsers against the fake Stripe: the artist shares a contract's fees,
the co-owner opens the e-mailed link, signs up, sets up payouts and accepts; the brand sees only
that the fees are shared."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Browser, expect

from payments.models import ContractSplit
from tests.payments.stripe_server import stripe_api_fixture  # noqa: F401 (the fake Stripe)
from tests.payments.test_contract_splits import draft_contract

from .pages import signed_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CO_OWNER = "drums@example.com"


def test_artist_proposes_a_split_and_the_co_owner_accepts_by_the_emailed_link(
    live_server, browser: Browser, stripe_api
):
    manager, artist, contract = draft_contract()
    base = live_server.url
    contract_url = f"{base}/bookings/contracts/{contract.pk}/"

    # The artist shares the fees: 70% for them, 30% for the drummer.
    band = signed_in(browser, base, artist.user.email)
    band.goto(contract_url)
    band.get_by_role("button", name="Share the fees with co-owners").click()
    band.get_by_label("Your share, in percent").fill("70")
    first = band.get_by_role("group", name="Co-owner 1")
    first.get_by_label("Co-owner's e-mail address").fill(CO_OWNER)
    first.get_by_label("Share, in percent").fill("30")
    band.get_by_role("button", name="Save the splits").click()
    expect(band.get_by_text("Splits saved; new co-owners were e-mailed.")).to_be_visible()
    expect(band.get_by_text("Artist's share: 70%")).to_be_visible()
    expect(band.get_by_role("row", name=re.compile(CO_OWNER))).to_contain_text("Invited")

    # The brand learns that the fees are shared, not with whom nor how much.
    brand = signed_in(browser, base, manager.email)
    brand.goto(contract_url)
    splits = brand.locator(".contract-splits")
    expect(splits).to_contain_text("The artist shares this contract's fees with co-owners")
    expect(splits).not_to_contain_text(CO_OWNER)
    expect(splits).not_to_contain_text("30")

    # The drummer opens the link from the e-mail, signs up with the invited address (confirmed
    # by opening the link) and comes back to the invitation.
    (invite,) = [m for m in mail.outbox if m.to == [CO_OWNER]]
    link = re.search(r"https?://\S+(/payments/splits/invitation/\S+/)", invite.body).group(1)
    drummer = browser.new_context().new_page()
    drummer.goto(base + link)
    expect(drummer.get_by_text("your share is 30%")).to_be_visible()
    drummer.get_by_role("article").get_by_role("button", name="Sign up").click()
    drummer.get_by_label("an artist").check()
    drummer.get_by_label("Your name").fill("Dee Drums")
    expect(drummer.get_by_label("Email")).to_have_value(CO_OWNER)
    drummer.get_by_label("Password", exact=True).fill("a-long-unusual-passphrase")
    drummer.get_by_label("Password (again)").fill("a-long-unusual-passphrase")
    drummer.get_by_role("button", name="Create my account").click()

    # Payouts first (the fake Stripe's onboarding page), then accept.
    expect(drummer).to_have_url(re.compile(r"/payments/splits/invitation/$"))
    drummer.get_by_role("button", name="Set up payouts").click()
    drummer.get_by_role("button", name="Complete test onboarding").click()
    expect(drummer).to_have_url(re.compile(r"/payments/splits/invitation/$"))
    drummer.get_by_role("button", name="Accept my 30% share").click()
    expect(drummer.get_by_text("You accepted your share")).to_be_visible()
    expect(drummer.get_by_role("heading", name="Contracts you co-own")).to_be_visible()
    expect(drummer.get_by_text("Your share: 30%")).to_be_visible()
    split = ContractSplit.objects.get(email=CO_OWNER)
    assert split.status == "accepted" and split.user.name == "Dee Drums"

    # The artist sees the acceptance on the contract page.
    band.goto(contract_url)
    expect(band.get_by_role("row", name=re.compile(CO_OWNER))).to_contain_text("Accepted")
