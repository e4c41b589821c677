"""The brand's verification page: its state, and the request form for owners and managers.
Sending the form (verification_form_send) is the artist's verification page's too."""

from collections.abc import Callable
from functools import partial

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aux.errors import ApplicationError

from .models import Membership
from .selectors import brand_by_slug, brand_role
from .verification import (
    brand_verification_badge,
    brand_verification_latest,
    brand_verification_request,
    email_domain,
)


class BrandVerificationForm(forms.Form):
    website_domain = forms.CharField(
        label=gettext_lazy("Company website domain"), max_length=253,
        help_text=gettext_lazy("For example fizzwave.com. It must be the domain of your own "
                               "e-mail address."),
    )  # fmt: skip
    registration_number = forms.CharField(
        label=gettext_lazy("Company registration number"), max_length=40,
        help_text=gettext_lazy("As on the company register (SIREN, Companies House number, "
                               "VAT number...)."),
    )  # fmt: skip
    contact_name = forms.CharField(
        label=gettext_lazy("Contact person"), max_length=120,
        help_text=gettext_lazy("Someone at the company staff can call or write to."),
    )  # fmt: skip


def verification_form_send(request: HttpRequest, form: forms.Form, send: Callable) -> bool:
    """Send a verification request from a valid form through `send` (the brand's or the artist's
    request service); its refusals become the form's errors. True once sent (with a message)."""
    if not form.is_valid():
        return False
    try:
        send(actor=request.user, **form.cleaned_data)
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    except ApplicationError as exc:
        form.add_error(None, exc.message)
    else:
        messages.success(request, _("Your request is sent: AUX staff will check it."))
        return True
    return False


@login_required
def brand_verification(request: HttpRequest, slug: str) -> HttpResponse:
    """Members read the state; owners and managers send a request with the evidence."""
    brand = brand_by_slug(slug=slug)
    role = brand_role(user=request.user, brand=brand) if brand else None
    if brand is None or role is None:
        raise Http404(_("No such brand."))
    can_request = role in (Membership.Role.OWNER, Membership.Role.MANAGER)
    latest = brand_verification_latest(brand=brand)
    waiting = latest is not None and latest.status == latest.Status.PENDING
    form = BrandVerificationForm(
        request.POST or None, initial={"website_domain": email_domain(request.user.email)}
    )
    status = 200
    if request.method == "POST":
        if not can_request or brand.verified or waiting:
            raise Http404(_("No such brand."))
        if verification_form_send(request, form, partial(brand_verification_request, brand=brand)):
            return redirect("brands:verification", slug=brand.slug)
        status = 400
    context = {
        "brand": brand, "form": form, "latest": latest, "waiting": waiting,
        "can_request": can_request and not brand.verified and not waiting,
        "badge": brand_verification_badge(brand=brand),
        "required": settings.AUX_REQUIRE_BRAND_VERIFICATION,
    }  # fmt: skip
    return render(request, "brands/verification.html", context, status=status)
