"""The pages a role reaches by following links from its start page, one per view.

A breadth-first walk with Django's test client (fast: no browser) over the seeded demo. Each
view (its URL name) is kept once, with the first path found for it; the browser checks then
visit those. Downloads (PDF, CSV, JSON) and the Django admin's own pages are left out: the PDFs
are checked on their own, and the admin is Django's.
"""

import re
from collections import deque
from urllib.parse import urljoin, urlsplit

from django.test import Client
from django.urls import Resolver404, resolve

from aux.demo import DEMO_LOGINS, DEMO_PASSWORD

HREF = re.compile(r'href="([^"#]+)"')
SKIP = ("/static/", "/media/", "/accounts/logout", "/api/", "/admin/", "/i18n/", "/__")
START = {
    "anonymous": "/",
    "artist": "/artists/dashboard/",
    "brand": "/brands/dashboard/",
    "staff": "/staff/outbox/",
    "co-owner": "/payments/earnings/",
}
# An e-mail's own HTML, as sent (in its recipient's language): not a page of the site.
SKIP_VIEWS = {"outbox_html"}
MAX_PAGES = 60  # per role: a bound, the demo has fewer views


def signed_in_client(role: str) -> Client:
    client = Client()
    if role != "anonymous":
        assert client.login(email=DEMO_LOGINS[role], password=DEMO_PASSWORD)
    return client


def _view(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def crawl(role: str, pdfs: dict[str, bytes] | None = None) -> dict[str, tuple[str, str]]:
    """URL name → the first path of that view the role reaches (HTML pages answering 200) and
    its HTML in English. The PDFs it meets are put in `pdfs` (URL name → the file)."""
    client = signed_in_client(role)
    pages: dict[str, tuple[str, str]] = {}
    seen_views: set[str] = set()
    queue = deque([START[role]])
    while queue and len(pages) < MAX_PAGES:
        url = queue.popleft()
        view = _view(urlsplit(url).path)
        if view is None or view in seen_views or view in SKIP_VIEWS:
            continue
        seen_views.add(view)
        response = client.get(url)
        kind = response.get("Content-Type", "")
        if response.status_code == 200 and kind == "application/pdf" and pdfs is not None:
            pdfs[view] = b"".join(response) if response.streaming else response.content
        if response.status_code != 200 or "text/html" not in kind:
            continue
        html = response.content.decode()
        pages[view] = (url, html)
        for href in HREF.findall(html):
            parts = urlsplit(urljoin(url, href.replace("&amp;", "&")))
            if parts.netloc or not parts.path.startswith("/") or parts.path.startswith(SKIP):
                continue
            query = f"?{parts.query}" if parts.query and "page=" not in parts.query else ""
            queue.append(parts.path + query)
    return pages
