"""A dispute decided by staff and read by both sides (issue 16): the brand disputes a €4,800
deliverable, the artist adds its statement on the contract page, staff award "3200.00" in the
admin, and both sides then read the decision and what each gets on the contract page."""

import pytest
from playwright.sync_api import Browser, expect

from campaigns.bookings import services
from campaigns.bookings.models import Dispute, Milestone
from tests.brands.factories import MembershipFactory
from tests.campaigns.factories import booking_artist, booking_brief, make_active_contract
from tests.e2e.test_booking_journey import signed_in
from tests.users.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DECISION = "Two of the six posts went live late, through no fault of the artist."


def test_staff_resolve_in_the_admin_and_both_parties_read_the_outcome(
    live_server, browser: Browser
):
    manager = MembershipFactory(role="manager").user
    artist = booking_artist(stage_name="Velvet Harbor")
    contract = make_active_contract(
        brand_user=manager, brief=booking_brief(manager.memberships.get().brand), artist=artist
    )
    milestone = contract.milestones.get()
    Milestone.objects.filter(pk=milestone.pk).update(amount=480_000)
    milestone.refresh_from_db()
    services.milestone_submit(actor=artist.user, milestone=milestone, note="Six posts are live.")
    services.dispute_open(actor=manager, milestone=milestone, reason="Only four posts went live.")
    dispute = Dispute.objects.get(milestone=milestone)
    staff = UserFactory(role="staff", is_staff=True, is_superuser=True)
    base = live_server.url
    contract_url = f"{base}/bookings/contracts/{contract.pk}/"

    # The artist answers the dispute on the contract page (once).
    band = signed_in(browser, base, artist.user.email)
    band.goto(contract_url)
    section = band.locator(f"#dispute-{dispute.pk}")
    expect(section).to_contain_text("Only four posts went live.")
    section.get_by_label("Your side of the dispute (once; AUX staff read both)").fill(
        "Two posts waited for the brand's legal review."
    )
    section.get_by_role("button", name="Add your statement").click()
    expect(band.get_by_text("Your statement is added to the dispute.")).to_be_visible()

    # Staff read both statements and award 3200.00 of 4800 in the admin.
    desk = signed_in(browser, base, staff.email)
    desk.goto(f"{base}/admin/campaigns/dispute/{dispute.pk}/change/")
    expect(desk.get_by_text("Two posts waited for the brand's legal review.")).to_be_visible()
    desk.get_by_label("Awarded to the artist").fill("5000")
    desk.get_by_label("Written decision (both parties read it)").fill(DECISION)
    desk.get_by_role("button", name="Save", exact=True).click()
    expect(desk.get_by_text("At most the disputed amount, €4,800.")).to_be_visible()
    expect(desk.get_by_label("Awarded to the artist")).to_have_value("5000")
    desk.get_by_label("Awarded to the artist").fill("3200.00")
    desk.get_by_role("button", name="Save", exact=True).click()
    expect(
        desk.get_by_text("Dispute resolved: €3,200 to the artist, €1,600 refunded to the brand.")
    ).to_be_visible()
    expect(desk.get_by_text(DECISION)).to_be_visible()

    # Both sides read the outcome on the contract page.
    brand = signed_in(browser, base, manager.email)
    for page in (band, brand):
        page.goto(contract_url)
        outcome = page.locator(f"#dispute-{dispute.pk}")
        expect(outcome).to_contain_text("Dispute decided by AUX staff")
        expect(outcome).to_contain_text(DECISION)
        expect(outcome).to_contain_text("€3,200 of €4,800 awarded to the artist")
        expect(outcome).to_contain_text("€1,600 refunded to the brand")
        expect(outcome).to_contain_text("Two posts waited for the brand's legal review.")
        expect(page.locator(f"#milestone-{milestone.pk} > header")).to_contain_text(
            "€3,200 of €4,800"
        )
