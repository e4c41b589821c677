"""Markdown written by users (artist bios, brand descriptions) rendered to safe HTML.

Markdown allows raw HTML, so the rendered output is passed through nh3 (the Rust `ammonia`
sanitiser) with a small allow-list: no <script>, no event-handler attributes, no style, and
links only to http(s)/mailto, each marked rel="nofollow noopener".
"""

import markdown as _markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "b", "i", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h2", "h3", "h4", "h5", "h6",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def sanitize_html(html: str) -> str:
    """Keep only the allowed tags, attributes and link schemes; drop <script>/<style> content."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="nofollow noopener",
        strip_comments=True,
    )


def render_markdown(text: str | None) -> SafeString:
    """Markdown → sanitised HTML, safe to put in a template as it is."""
    if not text:
        return mark_safe("")
    html = _markdown.markdown(str(text), extensions=["sane_lists"], output_format="html")
    return mark_safe(sanitize_html(html))  # noqa: S308 (sanitised by nh3 just above)
