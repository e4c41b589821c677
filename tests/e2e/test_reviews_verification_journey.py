"""Reading reviews on a public page on a phone (390 px), and a brand asking to be verified: the
errors next to the fields, then the request waiting for staff."""

import pytest
from playwright.sync_api import Browser, expect

from campaigns.bookings import services
from campaigns.bookings.models import Contract
from campaigns.reviews.services import review_reply
from tests.brands.factories import BrandFactory, MembershipFactory
from tests.campaigns.factories import booking_artist, booking_brief, make_active_contract
from tests.e2e.pages import signed_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_visitor_reads_reviews_and_answers_on_a_phone(live_server, browser: Browser):
    manager = MembershipFactory(role="manager", brand__name="Fizzwave").user
    brand = manager.memberships.get().brand
    artist = booking_artist(stage_name="Copper Lanes")
    contract = make_active_contract(brand_user=manager, brief=booking_brief(brand), artist=artist)
    Contract.objects.filter(pk=contract.pk).update(status=Contract.Status.COMPLETED)
    about_artist = services.review_create(
        actor=manager, contract=contract, rating=4, text="Great crowd work, one day late."
    )
    services.review_create(actor=artist.user, contract=contract, rating=5, text="Paid fast.")
    review_reply(actor=artist.user, review=about_artist, text="The last clip was re-shot.")
    base = live_server.url

    visitor = browser.new_context(viewport=PHONE).new_page()
    visitor.goto(f"{base}/artists/{artist.slug}/")
    reviews = visitor.locator("#reviews")
    expect(reviews.get_by_role("heading", name="Reviews")).to_be_visible()
    expect(reviews.get_by_text("4.0 out of 5")).to_be_visible()
    expect(reviews.get_by_text("1 review", exact=False)).to_be_visible()
    expect(reviews.get_by_text("Great crowd work, one day late.")).to_be_visible()
    expect(reviews.get_by_text("Answer from Copper Lanes")).to_be_visible()
    expect(reviews.get_by_text("The last clip was re-shot.")).to_be_visible()
    expect(reviews.get_by_role("link", name="Report to AUX staff")).to_have_count(0)  # signed out
    _no_sideways_scroll(visitor)
    # The brand's page shows what the artist wrote about it; a brand nobody reviewed says so.
    visitor.goto(f"{base}/brands/{brand.slug}/")
    expect(visitor.locator("#reviews").get_by_text("Paid fast.")).to_be_visible()
    visitor.goto(f"{base}/brands/{BrandFactory().slug}/")
    expect(visitor.get_by_text("No reviews yet.")).to_be_visible()
    _no_sideways_scroll(visitor)


def test_a_brand_asks_for_verification_and_fixes_what_the_form_refuses(
    live_server, browser: Browser, settings
):
    settings.AUX_REQUIRE_BRAND_VERIFICATION = True
    owner = MembershipFactory(
        role="owner", brand__name="Fizzwave", user__email="lena@fizzwave.com"
    ).user
    base = live_server.url
    page = signed_in(browser, base, owner.email)
    page.set_viewport_size(PHONE)
    page.goto(f"{base}/brands/dashboard/")
    expect(
        page.get_by_text("Publishing briefs and sending offers wait for verification.")
    ).to_be_visible()
    page.get_by_role("link", name="Ask for verification").click()
    # The domain is proposed from the e-mail address; the rest is for the brand to give.
    expect(page.get_by_label("Company website domain")).to_have_value("fizzwave.com")
    page.get_by_role("button", name="Ask for verification").click()
    expect(page.get_by_text("This field is required.")).to_have_count(2)
    page.get_by_label("Company website domain").fill("fizzwave.de")
    page.get_by_label("Company registration number").fill("HRB 204 118")
    page.get_by_label("Contact person").fill("Lena Vogt")
    page.get_by_role("button", name="Ask for verification").click()
    expect(
        page.get_by_text(
            "Your e-mail address (lena@fizzwave.com) is not on fizzwave.de.", exact=False
        )
    ).to_be_visible()
    expect(page.get_by_label("Contact person")).to_have_value("Lena Vogt")  # input kept
    _no_sideways_scroll(page)
    page.get_by_label("Company website domain").fill("https://www.fizzwave.com/")
    page.get_by_role("button", name="Ask for verification").click()
    expect(page.get_by_text("Your request is sent: AUX staff will check it.")).to_be_visible()
    expect(page.get_by_text("is waiting for AUX staff", exact=False)).to_be_visible()
    expect(page.get_by_text("fizzwave.com", exact=True)).to_be_visible()
    page.goto(f"{base}/brands/dashboard/")
    expect(page.get_by_text("Verification requested: waiting for AUX staff.")).to_be_visible()
