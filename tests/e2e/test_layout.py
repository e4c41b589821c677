"""What people see: every page fits phones, tablets and desktops, in English and French.

The pages are those each role (visitor, brand, artist, co-owner, staff) reaches by following
links from its start page on the seeded demo, one per view (tests/e2e/crawl.py), plus the key
pages of each role in the states the crawl may miss (a published brief's matches, an offer, a
contract).

Words, for every page of every role, in English and French, read from the HTML the server sends
(tests/e2e/seen.py): no English msgid of the catalogue on a French page, no number in scientific
notation, no "slug", "basis points", "ISO 3166" or raw enum code.

Layout, in Chromium, for each page once (as the first role that reaches it), at 390, 768 and
1366 px, in English and French: the document is no wider than the viewport (no sideways
scrolling), and no two visible form controls, headings, paragraphs or cards overlap, as the page
loads, with the header's menu open (narrow screens) and with its other <details> open (390 px);
no chart text is drawn past its chart's edge. A full-page PNG of each goes to
test-results/layout/<role>-<page>-<width>-<lang>.png so that a person can look at them
(-menu.png: the header's menu opened; -open.png: every other <details> of the page opened, such
as the search filters' drawer), with the measured widths in test-results/layout/widths.tsv.

The PDFs the crawl finds (the contract, the earnings statement) are drawn to PNG by pdftoppm
(test-results/layout/pdf-*.png) and every word of them, the signature block's too, must lie
inside its page. All failures of a run are listed together.
"""

import os
import re
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, Page

from aux.demo import DEMO_LOGINS
from campaigns.bookings.models import Contract, Offer
from campaigns.briefs.models import Brief

from .crawl import START, crawl, signed_in_client
from .seen import visible_texts, words_problems

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


def _key_pages() -> dict[str, dict[str, str]]:
    """Pages in states the crawl may not reach first (ids looked up on the demo, never guessed)."""
    from artists.models import Artist

    brand_email = DEMO_LOGINS["brand"]
    briefs = Brief.objects.filter(brand__memberships__user__email=brand_email)
    brief = briefs.filter(status=Brief.Status.PUBLISHED).order_by("pk").first()
    offer = Offer.objects.filter(brief__in=briefs).order_by("pk").first()
    contract = Contract.objects.filter(offer__brief__in=briefs).order_by("pk").first()
    # The demo artist's public page: a full profile (rates, media, charts, reviews).
    artist = Artist.objects.get(user__email=DEMO_LOGINS["artist"])
    return {
        "anonymous": {"artist": f"/artists/{artist.slug}/"},
        "brand": {
            "brief": f"/briefs/{brief.pk}/",
            "matches": f"/briefs/{brief.pk}/matches/",
            "offer": f"/bookings/offers/{offer.pk}/",
            "contract": f"/bookings/contracts/{contract.pk}/",
        },
    }


def _name(view: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", view.lower())


def _crawled(pdfs: dict[str, bytes]) -> dict[str, dict[str, tuple[str, str | None]]]:
    """Page name → (path, its English HTML when the crawl has it), per role."""
    pages = {}
    for role in START:
        found = {_name(view): page for view, page in crawl(role, pdfs).items()}
        keys = {name: (path, None) for name, path in _key_pages().get(role, {}).items()}
        pages[role] = {**found, **keys}
    return pages


def _words_failures(crawled: dict[str, dict[str, tuple[str, str | None]]]) -> list[str]:
    """Every page of every role, in English and French, read from the HTML the server sends."""
    failures = []
    for role, pages in crawled.items():
        client = signed_in_client(role)
        for lang in LANGUAGES:
            client.cookies["django_language"] = lang
            for name, (path, html) in pages.items():
                if lang != "en" or html is None:
                    response = client.get(path)
                    assert response.status_code == 200, (role, path, response.status_code)
                    html = response.content.decode()
                found = words_problems(visible_texts(html, lang), lang)
                failures += [f"{role} {name} {path}, {lang}: {f}" for f in found]
    return failures


def _layout_pages(crawled: dict[str, dict[str, tuple[str, str | None]]]) -> dict[str, dict]:
    """Each page once, as the first role that reaches it (the header of every role is on its
    own pages); the key pages as their role."""
    seen: set[str] = set()
    pages: dict[str, dict[str, str]] = {}
    for role, found in crawled.items():
        keys = _key_pages().get(role, {})
        pages[role] = {n: p for n, (p, _html) in found.items() if n not in seen or n in keys}
        seen |= set(found)
    return pages


def _page_for(browser: Browser, base: str, role: str, width: int, lang: str) -> Page:
    context = browser.new_context(
        base_url=base,
        viewport={"width": width, "height": VIEWPORTS[width]},
        reduced_motion="reduce",
        color_scheme="light",
    )
    context.add_cookies([{"name": "django_language", "value": lang, "url": base}])
    if role != "anonymous":
        cookie = signed_in_client(role).cookies["sessionid"]
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


def _check(page: Page, path: str, lang: str, shot: str, *, opened: bool) -> tuple[int, list[str]]:
    """Opens the page as it loads, then with the menu open, then (when `opened`) with every
    other <details> open; writes a screenshot of each; returns the document's width as loaded
    and what is wrong."""
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
    if opened and page.evaluate(OPEN_DETAILS):
        _, opened = _problems(page)
        found += [f"details open: {f}" for f in opened]
        page.screenshot(path=SHOTS / f"{shot}-open.png", full_page=True)
    return width, found


def _pdf_problems(name: str, pdf: bytes) -> list[str]:
    """Draws the PDF to PNG beside the screenshots; every word (pdftotext -bbox) must lie inside
    its page, the contract's signature block's too."""
    path = SHOTS / f"pdf-{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "60", "-png", path, SHOTS / f"pdf-{name}"], check=True)
    xml = subprocess.run(
        ["pdftotext", "-bbox", path, "-"], capture_output=True, text=True, check=True
    ).stdout
    path.unlink()
    found, text = [], []
    for n, page in enumerate(re.findall(r"<page (.*?)</page>", xml, re.S), start=1):
        width, height = map(float, re.search(r'width="([\d.]+)" height="([\d.]+)"', page).groups())
        for box, word in re.findall(r"<word ([^>]*)>(.*?)</word>", page):
            b = {k: float(v) for k, v in re.findall(r'(\w+)="([\d.]+)"', box)}
            text.append(word)
            if b["xMin"] < 0 or b["yMin"] < 0 or b["xMax"] > width or b["yMax"] > height:
                found.append(f"{name} page {n}: {word!r} drawn past the page's edge")
    if name.endswith("contract-pdf") and "SIGNATURES" not in text:
        found.append(f"{name}: no signature block")
    return found


def test_every_page_fits_phone_tablet_and_desktop_and_reads_right_in_english_and_french(
    live_server, browser: Browser
):
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    SHOTS.mkdir(parents=True, exist_ok=True)
    pdfs: dict[str, bytes] = {}
    crawled = _crawled(pdfs)
    assert len(crawled["brand"]) > 15 and len(crawled["artist"]) > 10  # the crawl really walked
    assert {"bookings:contract_pdf", "payments:earnings_statement_pdf"} <= set(pdfs), set(pdfs)
    failures = [f for view, pdf in pdfs.items() for f in _pdf_problems(_name(view), pdf)]
    failures += _words_failures(crawled)
    pages = _layout_pages(crawled)
    widths = ["role\tpage\tviewport\tlang\tdocument_width"]
    visited = 0
    for role, paths in pages.items():
        for width in VIEWPORTS:
            for lang in LANGUAGES:
                page = _page_for(browser, live_server.url, role, width, lang)
                for name, path in paths.items():
                    visited += 1
                    shot = f"{role}-{name}-{width}-{lang}"
                    # Every <details> opened on phones (the filters' drawer, the charts' tables).
                    opened = width == 390
                    doc_width, found = _check(page, path, lang, shot, opened=opened)
                    widths.append(f"{role}\t{name}\t{width}\t{lang}\t{doc_width}")
                    failures += [f"{role} {name} {path} at {width} px, {lang}: {f}" for f in found]
                page.context.close()
    (SHOTS / "widths.tsv").write_text("\n".join(widths) + "\n")
    assert visited == sum(map(len, pages.values())) * len(VIEWPORTS) * len(LANGUAGES)
    assert not failures, f"{len(failures)} layout failures:\n" + "\n".join(failures)
