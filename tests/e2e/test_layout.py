"""What people see: key pages fit phones, tablets and desktops, in English and French.

For each page, role, width and language: the document is no wider than the viewport (no sideways
scrolling), and no two visible form controls, headings, paragraphs or cards overlap, as the page
loads, with the header's menu open and with its other <details> open; no chart text is drawn past
its chart's edge. A full-page
PNG of each goes to test-results/layout/<role>-<page>-<width>-<lang>.png so that a person can look
at them (-menu.png: the header's menu opened on narrow screens; -open.png: every other <details>
of the page opened, such as the search filters' drawer), with the measured widths in
test-results/layout/widths.tsv. All failures of a run are
listed together, each with the elements that collide.
"""

import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from playwright.sync_api import Browser, Page

from aux.demo import DEMO_LOGINS, DEMO_PASSWORD
from campaigns.bookings.models import Contract, Offer
from campaigns.briefs.models import Brief

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "test-results" / "layout"
VIEWPORTS = {390: 844, 768: 1024, 1366: 900}
LANGUAGES = ("en", "fr")
TOLERANCE = 2  # px: borders that touch are not an overlap

# The visible part of each element (clipped by every scrolling or hidden-overflow ancestor, so a
# row scrolled out of a table's box does not count), then every pair whose visible parts overlap.
# Nested pairs (a label around its checkbox, a paragraph inside a card) are not collisions.
OVERLAPS = """([tolerance, root]) => {
  const SELECTOR = "input:not([type=hidden]), select, textarea, button, label, a[role=button], " +
    "h1, h2, h3, h4, h5, h6, p, article, dt, dd, small";
  const visibleRect = (el) => {
    // Not rendered: display none, visibility hidden, inside a closed <details> (its content is
    // content-visibility: hidden, which keeps boxes that getBoundingClientRect would report).
    if (!el.checkVisibility({visibilityProperty: true, contentVisibilityAuto: true})) return null;
    const r = el.getBoundingClientRect();
    const box = {left: r.left, top: r.top, right: r.right, bottom: r.bottom};
    for (let a = el.parentElement; a && a !== document.documentElement; a = a.parentElement) {
      const s = getComputedStyle(a);
      const clipped = s.clip !== "auto";
      const ar = a.getBoundingClientRect();
      if (clipped || s.overflowX !== "visible") {
        box.left = Math.max(box.left, ar.left);
        box.right = Math.min(box.right, ar.right);
      }
      if (clipped || s.overflowY !== "visible") {
        box.top = Math.max(box.top, ar.top);
        box.bottom = Math.min(box.bottom, ar.bottom);
      }
    }
    // Visually hidden text (1 px, clipped) and collapsed content are not seen.
    if (box.right - box.left < 3 || box.bottom - box.top < 3) return null;
    return box;
  };
  const describe = (el) => {
    const text = (el.innerText || el.value || el.getAttribute("aria-label") || el.name || "")
      .trim().replace(/\\s+/g, " ").slice(0, 40);
    return `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""} "${text}"`;
  };
  const items = [];
  for (const el of document.querySelector(root).querySelectorAll(SELECTOR)) {
    const box = visibleRect(el);
    if (box) items.push({el, box});
  }
  const found = [];
  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length; j++) {
      const a = items[i], b = items[j];
      if (a.el.contains(b.el) || b.el.contains(a.el)) continue;
      // A label and the control it names may sit side by side inside one another's box edge.
      if (a.el.tagName === "LABEL" && a.el.control === b.el) continue;
      if (b.el.tagName === "LABEL" && b.el.control === a.el) continue;
      const w = Math.min(a.box.right, b.box.right) - Math.max(a.box.left, b.box.left);
      const h = Math.min(a.box.bottom, b.box.bottom) - Math.max(a.box.top, b.box.top);
      if (w > tolerance && h > tolerance) found.push(`${describe(a.el)} × ${describe(b.el)}`);
    }
  }
  return found;
}"""

WIDTH = "() => ({doc: document.documentElement.scrollWidth, view: window.innerWidth})"

# Chart texts (aux/charts.py) drawn past their SVG's edge are cut: measured by the browser.
CHART_TEXT_OUTSIDE = """() => [...document.querySelectorAll("svg.chart")].flatMap((svg) => {
  const v = svg.viewBox.baseVal;
  return [...svg.querySelectorAll("text")].filter((t) => {
    const b = t.getBBox();
    return b.x < v.x - 1 || b.y < v.y - 1 || b.x + b.width > v.x + v.width + 1 ||
      b.y + b.height > v.y + v.height + 1;
  }).map((t) => t.textContent.trim());
})"""


def _pages() -> dict[str, dict[str, str]]:
    """The key pages of each role on the demo world (ids looked up, never guessed)."""
    from artists.models import Artist

    brand_email = DEMO_LOGINS["brand"]
    briefs = Brief.objects.filter(brand__memberships__user__email=brand_email)
    brief = briefs.filter(status=Brief.Status.PUBLISHED).order_by("pk").first()
    offer = Offer.objects.filter(brief__in=briefs).order_by("pk").first()
    contract = Contract.objects.filter(offer__brief__in=briefs).order_by("pk").first()
    # The demo artist's public page: a full profile (rates, media, charts).
    artist = Artist.objects.get(user__email=DEMO_LOGINS["artist"])
    public = {
        "home": "/",
        "artists": "/artists/",
        "artist": f"/artists/{artist.slug}/",
    }
    return {
        "anonymous": {**public, "login": "/accounts/login/", "signup": "/accounts/signup/"},
        "brand": {
            **public,
            "dashboard": "/brands/dashboard/",
            "brief": f"/briefs/{brief.pk}/",
            "matches": f"/briefs/{brief.pk}/matches/",
            "offer": f"/bookings/offers/{offer.pk}/",
            "contract": f"/bookings/contracts/{contract.pk}/",
            "notifications": "/notifications/",
        },
    }


def _page_for(browser: Browser, base: str, role: str, width: int, lang: str) -> Page:
    context = browser.new_context(
        base_url=base,
        viewport={"width": width, "height": VIEWPORTS[width]},
        reduced_motion="reduce",
        color_scheme="light",
    )
    context.add_cookies([{"name": "django_language", "value": lang, "url": base}])
    if role != "anonymous":
        client = Client()
        assert client.login(email=DEMO_LOGINS[role], password=DEMO_PASSWORD)
        cookie = client.cookies["sessionid"]
        context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": base}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


# The header's menu button, where it shows (below 1024 px), and the page's other closed <details>
# (the search filters' drawer and groups, terms, questions): each state is checked and shot too.
MENU = ".nav-menu > summary"
OPEN_DETAILS = """() => {
  const closed = [...document.querySelectorAll("details:not([open]):not(.nav-menu)")];
  closed.forEach((d) => { d.open = true; });
  return closed.length;
}"""


def _problems(page: Page, root: str = "body") -> tuple[int, list[str]]:
    found = []
    size = page.evaluate(WIDTH)
    if size["doc"] > size["view"] + 1:
        found.append(f"page is {size['doc']} px wide in a {size['view']} px window")
    overlaps = page.evaluate(OVERLAPS, [TOLERANCE, root])
    if overlaps:
        more = f"\n    ... and {len(overlaps) - 8} more" if len(overlaps) > 8 else ""
        found.append(f"{len(overlaps)} overlaps:\n    " + "\n    ".join(overlaps[:8]) + more)
    cut = page.evaluate(CHART_TEXT_OUTSIDE)
    if cut:
        found.append(f"chart texts past the chart's edge: {cut}")
    return size["doc"], found


def _check(page: Page, path: str, lang: str, shot: str) -> tuple[int, list[str]]:
    """Opens the page as it loads, then with the menu open, then with every other <details>
    open; writes a screenshot of each; returns the document's width as loaded and what is wrong."""
    response = page.goto(path)
    assert response is not None and response.status == 200, (path, response)
    assert page.locator("html").get_attribute("lang") == lang, (path, lang)
    width, found = _problems(page)
    page.screenshot(path=SHOTS / f"{shot}.png", full_page=True)
    menu = page.locator(MENU)
    if menu.is_visible():
        # The open menu lies over the page by design: only the header's own parts must not collide.
        menu.click()
        _, in_menu = _problems(page, root="body > header")
        found += [f"menu open: {f}" for f in in_menu]
        page.screenshot(path=SHOTS / f"{shot}-menu.png")
        menu.click()
    if page.evaluate(OPEN_DETAILS):
        _, opened = _problems(page)
        found += [f"details open: {f}" for f in opened]
        page.screenshot(path=SHOTS / f"{shot}-open.png", full_page=True)
    return width, found


def test_key_pages_fit_phone_tablet_and_desktop_widths_without_overlapping_controls(
    live_server, browser: Browser
):
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    SHOTS.mkdir(parents=True, exist_ok=True)
    pages = _pages()
    failures: list[str] = []
    widths = ["role\tpage\tviewport\tlang\tdocument_width"]
    visited = 0
    for role, paths in pages.items():
        for width in VIEWPORTS:
            for lang in LANGUAGES:
                page = _page_for(browser, live_server.url, role, width, lang)
                for name, path in paths.items():
                    visited += 1
                    doc_width, found = _check(page, path, lang, f"{role}-{name}-{width}-{lang}")
                    widths.append(f"{role}\t{name}\t{width}\t{lang}\t{doc_width}")
                    failures += [f"{role} {name} {path} at {width} px, {lang}: {f}" for f in found]
                page.context.close()
    (SHOTS / "widths.tsv").write_text("\n".join(widths) + "\n")
    assert visited == sum(map(len, pages.values())) * len(VIEWPORTS) * len(LANGUAGES)
    assert not failures, f"{len(failures)} layout failures:\n" + "\n".join(failures)
