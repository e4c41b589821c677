"""The site's own 404 page in the local mode too (DEBUG on), instead of Django's technical one.

Django answers a 404 with its yellow technical page whenever DEBUG is on, and never calls
handler404 then; the demo runs with DEBUG on, so a person trying it met a page listing the URL
patterns. This middleware, innermost, answers an unknown URL and a view's Http404 with handler404
(aux.api.exceptions.not_found: the 404 page, JSON under /api/). CommonMiddleware still sees that
404 and redirects to the URL with a slash when that one exists. Not used when DEBUG is off.
"""

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import Resolver404, resolve

from aux.api.exceptions import not_found


class FriendlyNotFoundMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        if not settings.DEBUG:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            resolve(request.path_info, getattr(request, "urlconf", None))
        except Resolver404 as exc:
            return not_found(request, exc)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        return not_found(request, exception) if isinstance(exception, Http404) else None
