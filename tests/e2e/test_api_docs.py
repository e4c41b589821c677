"""/api/docs/ renders Swagger UI offline under the site's strict CSP (no violations)."""

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_api_docs_render_the_operations_with_no_csp_errors(live_server, page: Page):
    problems: list[str] = []
    page.on("console", lambda m: m.type in ("error", "warning") and problems.append(m.text))
    page.on("pageerror", lambda e: problems.append(str(e)))
    external: list[str] = []
    page.on(
        "request",
        lambda r: not r.url.startswith(live_server.url) and external.append(r.url),
    )
    response = page.goto(f"{live_server.url}/api/docs/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
    expect(page.get_by_text("/api/v1/artists/{slug}/", exact=True)).to_be_visible()
    expect(page.get_by_text("/api/v1/taxonomy/", exact=True)).to_be_visible()
    csp = [p for p in problems if "Content Security Policy" in p or "Refused" in p]
    assert csp == []
    assert external == []
