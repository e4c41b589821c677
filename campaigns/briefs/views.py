"""Brief pages: list, detail, the step-by-step editor, lifecycle buttons, the match page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aux.errors import ApplicationError, NotFoundError
from brands.models import Brand, Membership

from . import services
from .filters import BriefFilter
from .forms import STEP_FORMS, STEPS, DeliverableFormSet
from .models import Brief
from .permissions import brand_role, can_see_matches
from .selectors import briefs_visible_to

EDIT_ROLES = (Membership.Role.OWNER, Membership.Role.MANAGER)


def _brief_for(request: HttpRequest, pk: int) -> Brief:
    brief = briefs_visible_to(user=request.user).filter(pk=pk).first()
    if brief is None:
        raise Http404(_("No such brief."))
    return brief


@login_required
def brief_list(request: HttpRequest) -> HttpResponse:
    filterset = BriefFilter(request.GET, queryset=briefs_visible_to(user=request.user))
    qs = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    page = Paginator(qs.order_by("-created_at", "-id"), 20).get_page(request.GET.get("page"))
    editable_brands = Brand.objects.filter(
        memberships__user=request.user, memberships__role__in=EDIT_ROLES
    )
    return render(
        request,
        "campaigns/brief_list.html",
        {"filter": filterset, "page": page, "editable_brands": editable_brands},
    )


@login_required
def brief_detail(request: HttpRequest, pk: int) -> HttpResponse:
    brief = _brief_for(request, pk)
    role = brand_role(request.user, brief.brand)
    return render(
        request,
        "campaigns/brief_detail.html",
        {
            "brief": brief,
            "can_edit": role in EDIT_ROLES and brief.status != Brief.Status.CLOSED,
            "can_see_matches": can_see_matches(request.user, brief),
            "missing": brief.missing_for_publication(),
        },
    )


def _apply_form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
def brief_create(request: HttpRequest) -> HttpResponse:
    """Step 1 creates the draft; the next steps edit it, so nothing typed is ever lost."""
    brands = Brand.objects.filter(memberships__user=request.user, memberships__role__in=EDIT_ROLES)
    if not brands.exists():
        messages.error(request, _("Only a brand's owners and managers can create briefs."))
        return redirect("campaigns:brief_list")
    brand = brands.filter(slug=request.GET.get("brand") or request.POST.get("brand")).first()
    brand = brand or brands.first()
    form = STEP_FORMS["basics"](request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            brief = services.brief_create(actor=request.user, brand=brand, **form.cleaned_data)
        except ValidationError as exc:
            _apply_form_errors(form, exc)
        else:
            messages.success(request, _("Draft saved. Now the deliverables."))
            return redirect("campaigns:brief_edit", pk=brief.pk, step="deliverables")
    return render(
        request,
        "campaigns/brief_edit.html",
        {"form": form, "step": "basics", "steps": STEPS, "brands": brands, "brand": brand},
    )


@login_required
def brief_edit(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    brief = _brief_for(request, pk)
    if step not in dict(STEPS):
        raise Http404(_("No such step."))
    if brand_role(request.user, brief.brand) not in EDIT_ROLES:
        messages.error(request, _("Only the brand's owners and managers can edit its briefs."))
        return redirect("campaigns:brief_detail", pk=brief.pk)
    if brief.status == Brief.Status.CLOSED:
        messages.error(request, _("A closed brief cannot be changed."))
        return redirect("campaigns:brief_detail", pk=brief.pk)

    data = request.POST if request.method == "POST" else None
    if step == "deliverables":
        form = DeliverableFormSet(data, instance=brief)
    else:
        form = STEP_FORMS[step](data, instance=brief)
    if data is not None and form.is_valid():
        try:
            with transaction.atomic():
                if step == "deliverables":
                    lines = [
                        {k: f.cleaned_data[k] for k in ("deliverable_type", "quantity", "notes")}
                        for f in form.forms
                        if f.cleaned_data and not f.cleaned_data.get("DELETE")
                    ]
                    services.brief_update(actor=request.user, brief=brief, deliverables=lines)
                else:
                    fields = (
                        form.cleaned_fields()
                        if hasattr(form, "cleaned_fields")
                        else dict(form.cleaned_data)
                    )
                    services.brief_update(actor=request.user, brief=brief, **fields)
        except ValidationError as exc:
            if step == "deliverables":
                form._non_form_errors = form.error_class(exc.messages)
            else:
                _apply_form_errors(form, exc)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect("campaigns:brief_detail", pk=brief.pk)
        else:
            names = [s for s, _label in STEPS]
            following = names.index(step) + 1
            if "save_exit" in request.POST or following == len(names):
                messages.success(request, _("Brief saved."))
                return redirect("campaigns:brief_detail", pk=brief.pk)
            return redirect("campaigns:brief_edit", pk=brief.pk, step=names[following])
    return render(
        request,
        "campaigns/brief_edit.html",
        {"form": form, "brief": brief, "step": step, "steps": STEPS},
    )


def _lifecycle(request: HttpRequest, pk: int, action, done: str) -> HttpResponse:
    brief = _brief_for(request, pk)
    try:
        brief = action(actor=request.user, brief=brief)
    except NotFoundError:
        raise Http404(_("No such brief.")) from None
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done.format(status=brief.get_status_display().lower()))
    return redirect("campaigns:brief_detail", pk=pk)


@login_required
@require_POST
def brief_publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _lifecycle(request, pk, services.brief_publish, _("The brief is now {status}."))


@login_required
@require_POST
def brief_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _lifecycle(request, pk, services.brief_close, _("The brief is now {status}."))


@login_required
@require_POST
def brief_delete(request: HttpRequest, pk: int) -> HttpResponse:
    brief = _brief_for(request, pk)
    try:
        services.brief_delete(actor=request.user, brief=brief)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("campaigns:brief_detail", pk=pk)
    messages.success(request, _("Draft deleted."))
    return redirect(reverse("campaigns:brief_list"))
