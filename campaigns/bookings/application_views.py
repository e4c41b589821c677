"""Open-call pages: apply to a brief, open/stop the call, turn an application into an offer or
decline it. Thin: each step calls a service; refusals become messages on the page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aux.errors import ApplicationError
from campaigns.briefs.models import Brief
from campaigns.briefs.selectors import briefs_visible_to

from . import services
from .application_forms import ApplicationForm
from .models import Application
from .selectors import application_of


def _brief_for(request: HttpRequest, pk: int) -> Brief:
    brief = briefs_visible_to(user=request.user).filter(pk=pk).first()
    if brief is None:
        raise Http404(_("No such brief."))
    return brief


@login_required
def application_new(request: HttpRequest, pk: int) -> HttpResponse:
    """`/briefs/<id>/apply/`: the artist's pitch, links and proposed fee for an open call."""
    brief = _brief_for(request, pk)
    artist = getattr(request.user, "artist", None)
    if artist is None or not brief.open_call:
        raise Http404(_("This brief takes no applications from you."))
    existing = application_of(brief=brief, user=request.user)
    if existing is not None:
        return redirect("campaigns:brief_detail", pk=brief.pk)
    form = ApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_create(actor=request.user, brief=brief, **form.cleaned_values())
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                target = "proposed_fee_major" if field == "proposed_fee" else field
                form.add_error(target if target in form.fields else None, errors)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Application sent. The brand will answer here."))
            return redirect("campaigns:brief_detail", pk=brief.pk)
    return render(
        request,
        "campaigns/application_new.html",
        {
            "brief": brief,
            "form": form,
            "reasons": services.application_eligibility(brief=brief, artist=artist),
        },
    )


@login_required
@require_POST
def brief_open_call(request: HttpRequest, pk: int) -> HttpResponse:
    brief = _brief_for(request, pk)
    want = request.POST.get("open_call") == "1"
    try:
        services.brief_open_call_set(actor=request.user, brief=brief, open_call=want)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("The brief takes applications.")
            if want
            else _("The brief takes no more applications."),
        )
    return redirect("campaigns:brief_detail", pk=brief.pk)


@login_required
@require_POST
def application_action(request: HttpRequest, pk: int, app_id: int, action: str) -> HttpResponse:
    brief = _brief_for(request, pk)
    application = Application.objects.filter(brief=brief, pk=app_id).first()
    if application is None:
        raise Http404(_("No such application."))
    try:
        if action == "convert":
            offer = services.application_convert(actor=request.user, application=application)
            messages.success(request, _("Offer sent, prefilled with the proposed fee."))
            return redirect("bookings:offer_detail", pk=offer.pk)
        if action == "decline":
            services.application_decline(
                actor=request.user, application=application, reason=request.POST.get("reason", "")
            )
            messages.success(request, _("Application declined."))
        else:
            raise Http404(_("No such action."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("campaigns:brief_matches", pk=brief.pk)
