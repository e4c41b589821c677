"""Staff read the demo's outbox (aux/outbox.py) at /staff/outbox/."""

from pathlib import Path

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.clickjacking import xframe_options_deny

from .outbox import outbox_message, outbox_messages, outbox_recipients


def _directory() -> Path | None:
    return Path(settings.AUX_MAIL_OUTBOX) if settings.AUX_MAIL_OUTBOX else None


@staff_member_required
def outbox(request: HttpRequest) -> HttpResponse:
    """The newest e-mails, filtered by recipient (?to=), one opened (?open=<file>)."""
    directory = _directory()
    recipient = request.GET.get("to", "").strip()
    mails = outbox_messages(directory, recipient=recipient) if directory else []
    opened = outbox_message(directory, request.GET.get("open", "")) if directory else None
    return render(
        request,
        "staff/outbox.html",
        {
            "directory": directory,
            "recipient": recipient,
            "recipients": outbox_recipients(directory) if directory else [],
            "mails": mails,
            "opened": opened or (mails[0] if mails else None),
        },
    )


@staff_member_required
@xframe_options_deny
def outbox_html(request: HttpRequest, name: str) -> HttpResponse:
    """The HTML part as its own page, sandboxed: no script, no request leaves the browser."""
    directory = _directory()
    message = outbox_message(directory, name) if directory else None
    if message is None or not message.html:
        raise Http404("No such e-mail.")
    response = HttpResponse(message.html, content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = (
        "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    )
    return response
