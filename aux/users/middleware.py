"""A signed-in user's saved language wins over the cookie and the browser's Accept-Language."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation


class UserLanguageMiddleware:
    """Activate `user.language` for signed-in users who chose one.

    Runs after LocaleMiddleware (which already applied the cookie or Accept-Language, the choice
    for anonymous visitors) and after AuthenticationMiddleware (which knows the user). The
    LocaleMiddleware's response step then sets Content-Language from the language active here.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        language = getattr(user, "language", "") if user is not None else ""
        if language and user.is_authenticated:
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
