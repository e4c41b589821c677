"""Every page reachable by links from the demo, as each role, renders without a server error.

A breadth-first crawl over GET links on the seeded demo world: it catches template errors and
broken links that unit tests of single views miss.
"""

import os
import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command

from aux.demo import DEMO_LOGINS, DEMO_PASSWORD

pytestmark = pytest.mark.django_db

HREF = re.compile(r'href="([^"#]+)"')
SKIP = ("/static/", "/media/", "/accounts/logout", "/api/schema", "/admin/logout")
MAX_PAGES = 250


def _crawl(client, start: str) -> dict[str, int]:
    seen: dict[str, int] = {}
    queue = deque([start])
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        if url in seen:
            continue
        response = client.get(url)
        seen[url] = response.status_code
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        for href in HREF.findall(response.content.decode()):
            href = urljoin(url, href.replace("&amp;", "&"))
            parts = urlsplit(href)
            if parts.netloc or not parts.path.startswith("/") or parts.path.startswith(SKIP):
                continue
            # One page of each list is enough: don't walk every pagination/filter combination.
            target = parts.path + (f"?{parts.query}" if parts.query and "page=" not in parts.query
                                   and len(seen) < MAX_PAGES // 2 else "")  # fmt: skip
            if target not in seen:
                queue.append(target)
    return seen


@pytest.fixture
def demo():
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115


@pytest.mark.parametrize("role", ["anonymous", "artist", "brand", "staff"])
def test_no_page_reachable_from_the_demo_fails_with_a_server_error(client, demo, role):
    if role != "anonymous":
        assert client.login(email=DEMO_LOGINS[role], password=DEMO_PASSWORD)
    start = {"anonymous": "/", "artist": "/artists/dashboard/", "brand": "/brands/dashboard/",
             "staff": "/admin/"}[role]  # fmt: skip
    seen = _crawl(client, start)
    errors = {url: status for url, status in seen.items() if status >= 500}
    assert not errors, errors
    assert len(seen) > 10  # the crawl really walked the site
