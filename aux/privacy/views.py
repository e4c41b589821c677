"""The privacy notice and terms (public), and the signed-in user's data page: export, closure."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import select_template
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aux.errors import ApplicationError
from aux.files import serve_private

from . import services
from .forms import CloseAccountForm
from .selectors import account_close_blockers, exports_of


def _legal_page(request: HttpRequest, name: str) -> HttpResponse:
    """One text per language (templates/privacy/<name>.<lang>.html, which the operator edits),
    English when a language has none."""
    template = select_template([f"privacy/{name}.{get_language()}.html", f"privacy/{name}.en.html"])
    context = {
        "operator": settings.AUX_OPERATOR_NAME,
        "contact": settings.AUX_OPERATOR_CONTACT,
        "version": settings.AUX_TERMS_VERSION,
        "retention": settings.AUX_RETENTION_DAYS,
        "export_hours": settings.AUX_EXPORT_TTL_HOURS,
    }
    return HttpResponse(template.render(context, request))


def notice(request: HttpRequest) -> HttpResponse:
    return _legal_page(request, "notice")


def terms(request: HttpRequest) -> HttpResponse:
    return _legal_page(request, "terms")


@login_required
def account(request: HttpRequest) -> HttpResponse:
    """My data: request an export, download the ready ones, go to closing the account."""
    archives = list(exports_of(user=request.user))
    for archive in archives:
        archive.link = services.export_link(archive) if archive.status == "ready" else ""
    return render(
        request,
        "privacy/account.html",
        {"archives": archives, "hours": settings.AUX_EXPORT_TTL_HOURS},
    )


@login_required
@require_POST
def export_request(request: HttpRequest) -> HttpResponse:
    services.export_request(user=request.user, requested_by=request.user)
    messages.success(
        request, _("Your archive is being prepared: we e-mail you the link when it is ready.")
    )
    return redirect("privacy:account")


@login_required
def export_download(request: HttpRequest, token: str) -> HttpResponse:
    """A signed, expiring link; only the archive's owner (or staff) may follow it."""
    archive = services.export_from_token(token=token)
    if archive is None or not (archive.user_id == request.user.pk or request.user.is_staff):
        raise Http404(_("This link has expired or is not yours."))
    return serve_private(
        archive.file, filename=f"aux-data-{archive.user_id}-{archive.created_at:%Y%m%d}.zip",
        content_type="application/zip",
    )  # fmt: skip


@login_required
def close(request: HttpRequest) -> HttpResponse:
    """Close the account: what is erased, what is kept and why, what is left to finish first."""
    blockers = account_close_blockers(user=request.user)
    form = CloseAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and not blockers and form.is_valid():
        try:
            services.account_close(user=request.user)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect("privacy:close")
        logout(request)
        messages.success(request, _("Your account is closed. Thank you for using AUX."))
        return redirect("home")
    return render(
        request,
        "privacy/close.html",
        {"blockers": blockers, "form": form},
        status=409 if request.method == "POST" and blockers else 200,
    )
