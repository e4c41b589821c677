"""Contact details stay inside the platform until a contract is signed.

Negotiating in the open protects both sides from scams (fake brands asking artists to "move to
WhatsApp", artists side-stepping the escrow). Messages are stored as typed and masked when shown.
"""

import re

HIDDEN = "[hidden until the contract is signed]"

_EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
_URL = r"(?:https?://|www\.)[^\s<>\"']+"
# A bare domain such as "example.com/path" or "wa.me/123": a word, a dot, a known-looking TLD.
_DOMAIN = (
    r"\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|net|org|io|me|co|de|fr|uk|es|it|nl|be|ch|at|se|"
    r"us|ca|au|br|mx|jp|kr|ng|za|app|link|ly|gg|tv|fm|music|info|biz|xyz)\b(?:/[^\s<>\"']*)?"
)
# Seven or more digits, possibly separated by spaces, dots, dashes, slashes or parentheses,
# with an optional leading + (international format).
_PHONE = r"(?<![\w])\+?\(?\d(?:[\s./()-]{0,2}\d){6,}"

_PATTERN = re.compile(f"{_EMAIL}|{_URL}|{_DOMAIN}|{_PHONE}", re.IGNORECASE)


# Numbers that are long but not phone numbers: dates and amounts grouped in thousands.
_NOT_A_PHONE = re.compile(
    r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{1,3}(?:[.,]\d{3})+"
)


def _replace(match: re.Match) -> str:
    if _NOT_A_PHONE.fullmatch(match.group(0).strip()):
        return match.group(0)
    return HIDDEN


def mask_contact_details(text: str) -> str:
    """Replace e-mail addresses, phone numbers and outside links with a placeholder."""
    return _PATTERN.sub(_replace, text or "")
