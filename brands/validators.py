"""Input rules for brand fields, shared by the model (so the services' full_clean, the settings
form and the admin apply them), the API serializer and the sign-up form."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def validate_brand_name(value: str) -> None:
    """A brand name is one line of printable text: no CR/LF or other control characters.

    It is written into e-mail subjects, notifications and CSV exports, where a line break could
    forge a header or a row.
    """
    if any(unicodedata.category(ch) == "Cc" for ch in value or ""):
        raise ValidationError(
            _("A brand name must be one line of text: remove line breaks and control characters."),
            code="control_characters",
        )
