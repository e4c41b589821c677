"""The brief's range rules in one place: budget, dates, audience ages.

`Brief.clean()` (so every service, the admin and the model forms), the web forms (whose fields
are typed in other units) and the API serializer all ask `brief_range_errors`, so the rules and
their messages (in the active language) cannot drift. The database constraints stay as the
last word. The emerging share (0 to 1) is a single field: its model validators say it, and the
API's ShareField and the form's percent field take the same bounds as input limits.
"""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

# The audience ages a brief may target (the API's schema shows them as bounds).
AGE_LOWEST, AGE_HIGHEST = 13, 100
# The Brief fields the rules read.
RANGE_FIELDS = (
    "budget_min", "budget_max", "start_date", "end_date", "age_min", "age_max",
)  # fmt: skip


def brief_range_errors(values: Mapping[str, Any]) -> dict[str, str]:
    """The range rules the given brief values break, as {model field: message}.

    `values` holds model field names (the budget in minor units, or as typed); a
    missing or empty value is not checked (drafts may leave the budget and dates empty).
    """
    errors: dict[str, str] = {}
    low, high = values.get("budget_min"), values.get("budget_max")
    if low is not None and high is not None and high < low:
        errors["budget_max"] = _("The maximum budget must be at least the minimum.")
    start, end = values.get("start_date"), values.get("end_date")
    if start and end and end < start:
        errors["end_date"] = _("The campaign must end on or after its start date.")
    youngest, oldest = values.get("age_min"), values.get("age_max")
    for name, age in (("age_min", youngest), ("age_max", oldest)):
        if age is not None and not AGE_LOWEST <= age <= AGE_HIGHEST:
            errors[name] = _("Ages must be between %(lowest)d and %(highest)d.") % {
                "lowest": AGE_LOWEST,
                "highest": AGE_HIGHEST,
            }
    both_ages = youngest is not None and oldest is not None
    if "age_max" not in errors and both_ages and oldest < youngest:
        errors["age_max"] = _("The oldest age must be at least the youngest.")
    return errors
