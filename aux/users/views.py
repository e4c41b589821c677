from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import check_for_language
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from .models import User
from .services import user_set_language


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Where login lands: each role has its own dashboard; staff go to the admin."""
    user: User = request.user
    if user.is_staff:
        return redirect("admin:index")
    if user.role == User.Role.BRAND:
        return redirect("brands:dashboard")
    return redirect("artists:dashboard")


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """The language switcher: Django's set_language (cookie, redirect back to the page), and for
    a signed-in user the choice is also saved on the account, so it follows them to other
    browsers and into their e-mails."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if (
        request.user.is_authenticated
        and language in dict(settings.LANGUAGES)
        and check_for_language(language)
    ):
        user_set_language(user=request.user, language=language)
    return response
