"""Hooks the artists app announces to the layers above it, which subscribe in their
`AppConfig.ready()` (layers import downwards only: artists never imports campaigns)."""

from collections.abc import Callable
from typing import Any

from django.dispatch import Signal
from django.http import HttpRequest

# Sent after the commit of a bulk write that bypasses the model signals (the CSV import), with
# `count`: how many artists it created or updated. Matching refreshes its snapshot on it.
artists_bulk_changed = Signal()

# Sections a higher layer adds to the public artist page (campaigns: the published reviews).
# Each is called with (request, artist) and returns safe HTML; registered in AppConfig.ready().
ArtistPageSection = Callable[[HttpRequest, Any], str]
_page_sections: list[ArtistPageSection] = []


def artist_page_section_register(section: ArtistPageSection) -> None:
    """Register once (ready() may run twice in tests: a second registration is ignored)."""
    if section not in _page_sections:
        _page_sections.append(section)


def artist_page_sections(request: HttpRequest, artist: Any) -> list[str]:
    return [section(request, artist) for section in _page_sections]
