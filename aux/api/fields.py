"""Serializer fields whose schema drf-spectacular would otherwise state too narrowly."""

from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


@extend_schema_field(
    {"anyOf": [{"type": "string", "format": "uri"}, {"type": "string", "maxLength": 0}]}
)
class OptionalURLField(serializers.URLField):
    """A URL, or blank where the model allows none (`format: uri` alone would refuse "")."""


@extend_schema_field(
    {"type": "string", "format": "decimal", "pattern": r"^(0?\.\d{1,2}|0\.?|1(\.0{0,2})?)$"}
)
class ShareField(serializers.DecimalField):
    """A share from 0 to 1 with two decimals, as a string ("0.25"); the pattern says the bounds
    (a decimal string has no `minimum`/`maximum`)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 3)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal(0))
        kwargs.setdefault("max_value", Decimal(1))
        super().__init__(**kwargs)


@extend_schema_field({"type": "string", "format": "decimal", "pattern": r"^\d{1,3}(\.\d{1,2})?$"})
class PercentField(serializers.DecimalField):
    """A percent with up to two decimals, as a string ("30" or "33.33"). drf-spectacular's own
    pattern for a decimal makes every digit optional, so it calls "" valid; this one needs one."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 5)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(**kwargs)


@extend_schema_field(
    {"type": "string", "nullable": True, "description": "A slug; blank or null: none."}
)
class OptionalSlugRelatedField(serializers.SlugRelatedField):
    """A nullable slug reference. DRF reads a blank value of a related field as null, so the
    schema allows blank too (minLength 1 would call "" invalid, yet it is accepted)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)
