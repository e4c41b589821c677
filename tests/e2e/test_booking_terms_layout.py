"""The deposit and cancellation-terms forms and tables fit a phone and a desktop: the offer form
(the three policies explained, the artist's deposit), the contract page (the chosen terms, the
deposit, the settlement pre-filled from them) and the artist's rates section (the deposit
field). Screenshots go to test-results/layout/terms-<page>-<width>.png for a person to look at.

The artist's dashboard is checked within its rates section only: at 390 px the page as a whole
is wider than the window because of the bookings and availability tables (visually hidden
labels past a table's scroll box), which this change does not touch."""

import pytest
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Browser

from tests.brands.factories import MembershipFactory
from tests.campaigns.factories import booking_artist, booking_brief, make_active_contract

from .test_layout import OVERLAPS, SHOTS, TOLERANCE, _check

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDTHS = {390: 844, 1366: 900}


def _page(browser: Browser, base: str, user, width: int):
    context = browser.new_context(base_url=base, viewport={"width": width,
                                                           "height": WIDTHS[width]})  # fmt: skip
    client = Client()
    client.force_login(user)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                          "url": base}])  # fmt: skip
    return context.new_page()


def _section(page, path: str, root: str, shot: str) -> list[str]:
    """One section of a page: inside the window, no overlapping controls; its screenshot."""
    assert page.goto(path).status == 200
    section = page.locator(root)
    section.screenshot(path=SHOTS / f"{shot}.png")
    box = section.bounding_box()
    found = (
        []
        if box["x"] + box["width"] <= page.viewport_size["width"] + 1
        else [f"{root} ends at {box['x'] + box['width']:.0f} px"]
    )
    overlaps = page.evaluate(OVERLAPS, [TOLERANCE, root])
    return found + ([f"{len(overlaps)} overlaps: {overlaps[:4]}"] if overlaps else [])


def test_the_terms_and_deposit_pages_fit_phone_and_desktop(live_server, browser: Browser):
    manager = MembershipFactory(role="owner").user
    brand = manager.memberships.get().brand
    artist = booking_artist(deposit_bps=2_500)
    contract = make_active_contract(brand_user=manager, brief=booking_brief(brand, social=True),
                                    artist=artist)  # fmt: skip
    brief = booking_brief(brand, social=True)
    pages = [
        (manager, "offer-form", reverse("campaigns:offer_new", args=[brief.pk])
         + f"?artist={artist.slug}"),
        (manager, "contract-brand", reverse("bookings:contract_detail", args=[contract.pk])),
        (artist.user, "contract-artist", reverse("bookings:contract_detail", args=[contract.pk])),
        (artist.user, "profile-rates", reverse("artists:dashboard") + "#section-rates"),
    ]  # fmt: skip
    SHOTS.mkdir(parents=True, exist_ok=True)
    failures = []
    for width in WIDTHS:
        for user, name, path in pages:
            page = _page(browser, live_server.url, user, width)
            if name == "profile-rates":
                found = _section(page, path, "#section-rates", f"terms-{name}-{width}")
            else:
                _width, found = _check(page, path, "en", f"terms-{name}-{width}", opened=True)
            text = page.locator("main").inner_text()
            assert "Deposit" in text or "deposit" in text, (name, width)
            failures += [f"{name} at {width} px: {f}" for f in found]
            page.context.close()
    assert not failures, "\n".join(failures)
