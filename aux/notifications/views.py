"""Notification pages: the bell (htmx polling), the list, read markers, preferences and the
login-free one-click unsubscribe. Thin: selectors read, services write."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aux.errors import ApplicationError, NotFoundError

from . import services
from .filters import NotificationFilter
from .forms import PreferencesForm
from .kinds import LOCKED
from .models import Channel, Kind
from .selectors import notifications_for, preferences_for, unread_count

PAGE_SIZE = 20
CHANGED = "notifications-changed"


def _mark_read(request: HttpRequest, pk: int):
    try:
        return services.notification_mark_read(user=request.user, notification_id=pk)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc


def poll_seconds() -> int:
    return settings.AUX_NOTIFICATIONS_POLL_SECONDS


def _list_context(request: HttpRequest) -> dict:
    queryset = notifications_for(user=request.user)
    filterset = NotificationFilter(request.GET or None, queryset=queryset)
    unread_only = request.GET.get("unread") in ("true", "True", "1", "on")
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return {
        "page": page,
        "unread_only": unread_only,
        "unread_count": unread_count(user=request.user),
    }


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    context = _list_context(request)
    if request.htmx and request.htmx.target == "notification-list":
        return render(request, "notifications/partials/list.html", context)
    return render(request, "notifications/list.html", context)


@login_required
@require_GET
def bell(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "notifications/partials/bell.html",
        {"unread_count": unread_count(user=request.user), "poll_seconds": poll_seconds()},
    )


@login_required
@require_GET
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a notification's link; following it marks it read (only ever the user's own)."""
    n = _mark_read(request, pk)
    if n.url and url_has_allowed_host_and_scheme(
        n.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(n.url)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    n = _mark_read(request, pk)
    if request.htmx:
        response = render(request, "notifications/partials/item.html", {"n": n})
        response["HX-Trigger"] = CHANGED
        return response
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    count = services.notifications_mark_all_read(user=request.user)
    if request.htmx:
        request.GET = request.POST.copy()  # keep the list's filter for the re-render
        response = render(request, "notifications/partials/list.html", _list_context(request))
        response["HX-Trigger"] = CHANGED
        return response
    messages.success(request, gettext("%(count)s notification(s) marked read.") % {"count": count})
    return redirect("notifications:list")


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            try:
                services.preferences_update(user=request.user, changes=form.changes())
            except ApplicationError as exc:
                errors = exc.errors or {"": [exc.message]}
            else:
                messages.success(request, gettext("Notification settings saved."))
                return redirect("notifications:preferences")
        else:
            errors = {k: [str(e) for e in v] for k, v in form.errors.items()}
    rows = preferences_for(user=request.user)
    if request.method == "POST":  # show what was submitted next to its error
        for row in rows:
            row["channel"] = request.POST.get(row["kind"], row["channel"])
    for row in rows:
        row["errors"] = errors.get(row["kind"], [])
    return render(
        request,
        "notifications/preferences.html",
        {"rows": rows, "channels": Channel.choices, "errors": errors, "off": Channel.OFF},
        status=400 if errors else 200,
    )


UNSUBSCRIBE_SESSION_KEY = "notifications_unsubscribe_token"


def _unsubscribe_render(request: HttpRequest, token: str, *, apply: bool) -> HttpResponse:
    try:
        if apply:
            user, kind = services.unsubscribe_apply(token=token)
        else:
            user, kind = services.unsubscribe_token_read(token=token)
    except ApplicationError as exc:
        return render(request, "notifications/unsubscribe.html", {"error": exc.message}, status=400)
    label = "every kind" if kind == services.ALL_KINDS else Kind(kind).label
    return render(
        request,
        "notifications/unsubscribe.html",
        {"done": apply, "kind_label": label, "email": user.email, "locked": kind in LOCKED},
    )


@csrf_exempt  # the signed token is the credential; mail clients POST it without cookies (RFC 8058)
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The link in every notification e-mail (and its List-Unsubscribe header).

    GET (a person clicking): a valid token goes into the session and the browser is redirected
    to `unsubscribe_page`, so the token stays out of later URLs, Referer headers and history.
    POST (a mail client's one-click unsubscribe): applied at once.
    """
    if request.method == "POST":
        return _unsubscribe_render(request, token, apply=True)
    try:
        services.unsubscribe_token_read(token=token)
    except ApplicationError as exc:
        return render(request, "notifications/unsubscribe.html", {"error": exc.message}, status=400)
    request.session[UNSUBSCRIBE_SESSION_KEY] = token
    return redirect("notifications:unsubscribe_page")


@require_http_methods(["GET", "POST"])
def unsubscribe_page(request: HttpRequest) -> HttpResponse:
    """Confirm (GET) and apply (POST) the unsubscribe link held in the session."""
    token = request.session.get(UNSUBSCRIBE_SESSION_KEY, "")
    if not token:
        return render(
            request,
            "notifications/unsubscribe.html",
            {"error": gettext("This unsubscribe link is not valid.")},
            status=400,
        )
    response = _unsubscribe_render(request, token, apply=request.method == "POST")
    if request.method == "POST":
        request.session.pop(UNSUBSCRIBE_SESSION_KEY, None)
    return response
