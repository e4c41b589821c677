"""Every answer under /api/ is JSON in the one error shape, whatever produced it.

DRF's exception handler (aux/api/exceptions.py) shapes the errors of API views. What happens
outside them is Django's: an unknown URL (the technical 404 page when DEBUG is on), an oversized
or malformed body refused before a view runs, a CSRF failure, a 500 page. This middleware, first
in MIDDLEWARE, turns any such non-JSON error under /api/ into `{"detail": ..., "errors": {}}`
with the same status and the headers that matter (Allow, Retry-After, WWW-Authenticate).
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext

KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate", "Vary")


def _detail(status: int) -> str:
    messages = {
        400: gettext("Bad request: the request could not be read."),
        403: gettext("You do not have permission to perform this action."),
        404: gettext("Not found."),
        405: gettext("Method not allowed."),
        413: gettext("The request body is too large."),
        429: gettext("Too many requests: try again later."),
    }
    if status in messages:
        return messages[status]
    if status >= 500:
        return gettext("Server error: please try again later.")
    return gettext("The request could not be completed.")


class ApiJsonErrorsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code < 400
            or not request.path.startswith("/api/")
            or response.get("Content-Type", "").startswith("application/json")
        ):
            return response
        json_response = JsonResponse(
            {"detail": _detail(response.status_code), "errors": {}}, status=response.status_code
        )
        for header in KEPT_HEADERS:
            if header in response:
                json_response[header] = response[header]
        return json_response
