"""axe-core on every page of the journeys (anonymous, artist, brand, staff) of the seeded demo.

Each page is checked in Pico's light and dark colour schemes. One browser, one page per role,
one sign-in per role (a session cookie from Django's test client, so the sign-in form itself is
checked as an anonymous page). A page fails on any "serious" or
"critical" violation; the message lists each rule id with the elements it hit.
"""

import os
import time

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django.test import Client
from playwright.sync_api import Browser

from aux.demo import DEMO_LOGINS, DEMO_PASSWORD
from campaigns.bookings.models import Contract, Offer
from campaigns.briefs.forms import STEPS
from campaigns.briefs.models import Brief

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# AUX_AXE_IMPACTS=minor,moderate,serious,critical lists the lesser findings too (when fixing).
BLOCKING = set(os.environ.get("AUX_AXE_IMPACTS", "serious,critical").split(","))
AXE = Axe()


def _journeys() -> dict[str, list[str]]:
    """The pages of each journey, on the demo world (ids looked up, never guessed)."""
    from artists.models import Artist

    artist = Artist.objects.get(user__email=DEMO_LOGINS["artist"])
    public_artist = Artist.objects.exclude(pk=artist.pk).order_by("pk").first()
    brand_user = DEMO_LOGINS["brand"]
    briefs = Brief.objects.filter(brand__memberships__user__email=brand_user)
    published = briefs.filter(status=Brief.Status.PUBLISHED).order_by("pk").first()
    offer = Offer.objects.filter(artist=artist).order_by("pk").first()
    contract = Contract.objects.filter(offer__brief__in=briefs).order_by("pk").first()
    brand = published.brand
    draft = briefs.order_by("pk").first()
    return {
        "anonymous": [
            "/",
            "/artists/",
            f"/artists/{public_artist.slug}/",
            f"/artists/{artist.slug}/",  # reviews with an answer, the verification badge
            f"/brands/{brand.slug}/",
            "/accounts/signup/",
            "/accounts/login/",
            "/privacy/",
            "/terms/",
        ],
        "artist": [
            "/artists/dashboard/",
            "/briefs/",
            f"/bookings/offers/{offer.pk}/",
            "/payments/earnings/",
            "/artists/dashboard/verification/",
            "/account/data/",
            "/account/close/",
        ],
        "brand": [
            "/brands/dashboard/",
            "/briefs/new/",
            *[f"/briefs/{draft.pk}/edit/{step}/" for step, _label in STEPS if step != "basics"],
            f"/briefs/{published.pk}/matches/",
            f"/bookings/contracts/{contract.pk}/",
            f"/briefs/{published.pk}/report/",
            f"/brands/{brand.slug}/reports/",
            f"/brands/{brand.slug}/verification/",
        ],
        "staff": ["/admin/"],
    }


def _violations(page) -> list[str]:
    results = AXE.run(page)
    found = []
    for violation in results.response["violations"]:
        if violation["impact"] in BLOCKING:
            targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]]
            found.append(f"{violation['id']} ({violation['impact']}): {targets[:5]}")
    return found


def _wait_for_transitions(page, timeout: float = 5.0) -> None:
    # Polled from here: a wait_for_function predicate would be eval'd, which the CSP forbids.
    deadline = time.monotonic() + timeout
    while page.evaluate("() => document.getAnimations().length") and time.monotonic() < deadline:
        time.sleep(0.05)


def _session_page(browser: Browser, base: str, role: str):
    # Reduced motion: Pico then drops its colour transitions, so axe never measures a colour
    # half-way through the switch to the dark scheme.
    context = browser.new_context(base_url=base, reduced_motion="reduce")
    if role != "anonymous":
        client = Client()
        assert client.login(email=DEMO_LOGINS[role], password=DEMO_PASSWORD)
        cookie = client.cookies["sessionid"]
        context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": base}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def test_every_journey_page_has_no_serious_or_critical_accessibility_violation(
    live_server, browser: Browser
):
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    failures: dict[str, list[str]] = {}
    visited = 0
    for role, paths in _journeys().items():
        page = _session_page(browser, live_server.url, role)
        for path in paths:
            response = page.goto(path)
            assert response is not None and response.status == 200, (role, path, response)
            visited += 1
            # Pico follows the system's colour scheme: check both (no reload needed).
            for scheme in ("light", "dark"):
                page.emulate_media(color_scheme=scheme)
                # The admin's links fade to the new colours (its CSS ignores reduced motion):
                # measure contrast once every transition has ended.
                _wait_for_transitions(page)
                found = _violations(page)
                if found:
                    failures[f"{role} {path} ({scheme})"] = found
            page.emulate_media(color_scheme="light")
        page.context.close()
    report = "\n".join(f"{where}:\n  " + "\n  ".join(found) for where, found in failures.items())
    assert not failures, f"axe found serious/critical violations:\n{report}"
    assert visited == sum(map(len, _journeys().values()))


# The focused element must look different from itself unfocused (outline, ring or background).
FOCUS_STYLE = """() => {
  const el = document.activeElement;
  const look = () => {
    const s = getComputedStyle(el);
    return [s.outlineStyle, s.outlineWidth, s.boxShadow, s.backgroundColor, s.borderColor]
      .join("|");
  };
  const focused = look();
  el.blur();
  const unfocused = look();
  el.focus({focusVisible: true});
  return {tag: el.tagName, text: (el.textContent || el.name || "").trim().slice(0, 40),
          visible: focused !== unfocused};
}"""


def test_keyboard_reaches_every_control_with_a_visible_focus_on_the_landing_and_login_pages(
    live_server, browser: Browser
):
    page = _session_page(browser, live_server.url, "anonymous")
    for path in ("/", "/accounts/login/"):
        page.goto(path)
        reached = []
        for _ in range(40):
            page.keyboard.press("Tab")
            focus = page.evaluate(FOCUS_STYLE)
            if focus["tag"] == "BODY":
                break
            reached.append(focus)
        assert len(reached) >= 5, (path, reached)
        hidden = [f for f in reached if not f["visible"]]
        assert not hidden, (path, hidden)
    page.context.close()
