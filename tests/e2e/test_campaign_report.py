"""A brand owner opens a campaign report in the browser and downloads its CSV."""

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.brands.factories import MembershipFactory
from tests.campaigns.reporting_seed import EXPECTED, seed_campaign
from tests.e2e.test_booking_journey import signed_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_brand_opens_the_campaign_report_and_downloads_its_csv(live_server, browser: Browser):
    owner = MembershipFactory(role="owner").user
    seeded = seed_campaign(owner.memberships.get().brand, owner)
    base = live_server.url
    page = signed_in(browser, base, owner.email)
    page.goto(f"{base}/briefs/{seeded['brief'].pk}/")
    page.get_by_role("link", name="Campaign report").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Spring tour")
    expect(page.locator("#report-spend")).to_contain_text("€5,000")
    expect(page.locator("#report-cpm")).to_have_text("€33.33")
    expect(page.locator("svg.chart").first).to_be_visible()
    with page.expect_download() as info:
        page.get_by_role("button", name="Download CSV").click()
    download = info.value
    assert download.suggested_filename == f"aux-brief-{seeded['brief'].pk}-report.csv"
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    values = {(r[0], r[1]): r[3] for r in rows[1:] if r[0] != "artist"}
    assert values[("summary", "spend")] == f"{EXPECTED['spend'] / 100:.2f}"  # currency units
    assert values[("results", "views")] == str(EXPECTED["views"])
