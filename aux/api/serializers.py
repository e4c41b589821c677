"""The base serializers of every API module: a request body may carry only the fields its
serializer declares. An unknown key is a 400 naming it ("Unknown field."), never silently ignored
(`POST /offers/` with a misspelt or invented `amount` once created an offer at another price).
Read-only fields are known: sending one back (a GET's body edited and PUT) is not an error, and
it changes nothing. tests/test_api_rules.py checks that every serializer of the project is one of
these."""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext
from rest_framework import serializers


class _Closed:
    fields: dict
    # Keys shown in the GET of a resource but not writable through this serializer, refused with
    # "This field is read-only." rather than "Unknown field." (e.g. an artist's `verified`).
    READ_ONLY: frozenset[str] = frozenset()

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            read_only = [key for key in data if key in self.READ_ONLY]
            if read_only:
                raise serializers.ValidationError(
                    {key: [gettext("This field is read-only.")] for key in read_only}
                )
            unknown = [key for key in data if key not in self.fields]
            if unknown:
                raise serializers.ValidationError(
                    {key: [gettext("Unknown field.")] for key in unknown}
                )
        return super().to_internal_value(data)  # type: ignore[misc]


# No docstrings on these two: drf-spectacular would show them as the description of every
# serializer without one of its own.
class StrictSerializer(_Closed, serializers.Serializer):
    pass


class StrictModelSerializer(_Closed, serializers.ModelSerializer):
    pass
