"""Notification texts that every reader sees in their own language.

A notification stores an English message with `%(name)s` placeholders (marked with
`gettext_noop`, so it is in the catalogue) and its values as JSON. Values are plain text (names,
titles), or tagged so they too are rendered in the reader's language:

- `label(x)`: a translatable label such as a notification kind or a brand role;
- `money(amount, currency)`: formatted per locale (`€1,200` / `1 200 €`);
- `moment(dt)`: a date and time in the locale's format (UTC).

`render` runs where the text is shown: the page and the API in the request's language, the
e-mails under the recipient's language.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.utils import formats, translation
from django.utils.translation import gettext

from aux.money import format_money

logger = logging.getLogger(__name__)

MAX_VALUE = 200  # characters kept of a plain-text value (titles, names)


def label(value: Any) -> dict[str, str]:
    """A lazy translatable label, stored as its English msgid."""
    with translation.override(None):
        return {"msgid": str(value)}


def money(amount: int, currency: str) -> dict[str, Any]:
    return {"amount": int(amount), "currency": currency}


def moment(value: dt.datetime) -> dict[str, str]:
    return {"datetime": value.astimezone(dt.UTC).isoformat()}


def clean(params: dict[str, Any]) -> dict[str, Any]:
    """The values as stored: plain values become bounded text, tagged ones are kept."""
    return {k: v if isinstance(v, dict) else str(v)[:MAX_VALUE] for k, v in params.items()}


def _value(value: Any) -> str:
    if not isinstance(value, dict):
        return str(value)
    if "msgid" in value:
        return gettext(value["msgid"])
    if "amount" in value:
        return format_money(value["amount"], value["currency"])
    if "datetime" in value:
        moment = dt.datetime.fromisoformat(value["datetime"])
        return formats.date_format(moment, "DATETIME_FORMAT") + " UTC"
    return ""


def render(text: str, params: dict[str, Any]) -> str:
    """`text` translated into the active language with its values filled in."""
    translated = gettext(text)
    if not params:
        return translated
    values = {k: _value(v) for k, v in params.items()}
    for candidate in (translated, text):  # a broken translation falls back to the English
        try:
            return candidate % values
        except (KeyError, ValueError, TypeError):
            logger.warning("notification text %r does not fit its values %r", candidate, values)
    return text
