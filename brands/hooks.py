"""Hooks the brands app offers to the layers above it, which register in their
`AppConfig.ready()` (layers import downwards only: brands never imports campaigns)."""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

# Sections a higher layer adds to the public brand page (campaigns: the published reviews).
# Each is called with (request, brand) and returns safe HTML.
BrandPageSection = Callable[[HttpRequest, Any], str]
_page_sections: list[BrandPageSection] = []


def brand_page_section_register(section: BrandPageSection) -> None:
    """Register once (ready() may run twice in tests: a second registration is ignored)."""
    if section not in _page_sections:
        _page_sections.append(section)


def brand_page_sections(request: HttpRequest, brand: Any) -> list[str]:
    return [section(request, brand) for section in _page_sections]
