"""One error shape for the whole API: {"detail": "...", "errors": {"field": ["..."]}}."""

from django.core.exceptions import (
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from aux.errors import ApplicationError


def _flatten(errors) -> dict[str, list[str]]:
    """DRF error details (nested dicts/lists) → {field: [messages]} with dotted field paths."""
    out: dict[str, list[str]] = {}

    def walk(prefix: str, value) -> None:
        if isinstance(value, dict):
            for key, sub in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), sub)
        elif isinstance(value, list) and value and not all(isinstance(v, str) for v in value):
            for i, sub in enumerate(value):
                walk(f"{prefix}.{i}" if prefix else str(i), sub)
        else:
            items = value if isinstance(value, list) else [value]
            out.setdefault(prefix or "non_field_errors", []).extend(str(v) for v in items if v)

    walk("", errors)
    return out


# DRF's codes for a related field's unknown primary key or slug.
MISSING_REFERENCE_CODES = {"does_not_exist"}


def _only_missing_references(exc: exceptions.ValidationError) -> bool:
    codes: list[str] = []

    def walk(value) -> None:
        if isinstance(value, dict):
            for sub in value.values():
                walk(sub)
        elif isinstance(value, list):
            for sub in value:
                walk(sub)
        else:
            codes.append(str(value))

    walk(exc.get_codes())
    return bool(codes) and all(code in MISSING_REFERENCE_CODES for code in codes)


def not_found(request, exception=None):
    """handler404: under /api/ the JSON error shape at once, without rendering the 404 page
    (whose static files need collectstatic with DEBUG off); pages keep Django's 404 page. With
    DEBUG on Django answers its technical 404 instead, which aux.api.middleware turns into JSON."""
    from django.http import JsonResponse
    from django.views.defaults import page_not_found

    if request.path.startswith("/api/"):
        return JsonResponse({"detail": gettext("Not found."), "errors": {}}, status=404)
    return page_not_found(request, exception)


def exception_handler(exc, context) -> Response | None:
    if isinstance(exc, ApplicationError):
        return Response({"detail": exc.message, "errors": exc.errors}, status=exc.status)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    if isinstance(exc, RequestDataTooBig | TooManyFieldsSent | TooManyFilesSent):
        # Django's request size limits (settings: DATA_UPLOAD_MAX_*), met while parsing the body.
        return Response(
            {"detail": gettext("The request body is too large or has too many fields."),
             "errors": {}},
            status=status.HTTP_400_BAD_REQUEST,
        )  # fmt: skip

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        if _only_missing_references(exc):
            # Every problem is a reference to an object that does not exist (or is not visible
            # to the caller): the input is well-formed, the object is not found.
            response.status_code = status.HTTP_404_NOT_FOUND
        errors = _flatten(response.data)
        first = next(iter(errors.items()), ("", ["Invalid input."]))
        detail = first[1][0] if first[0] == "non_field_errors" else f"{first[0]}: {first[1][0]}"
        response.data = {"detail": detail, "errors": errors}
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
        response.data = {"detail": str(detail or status.HTTP_400_BAD_REQUEST), "errors": {}}
    return response
