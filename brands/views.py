"""Brand pages: dashboard with the team, settings, the public brand page and invitations.

Team actions answer htmx requests with the re-rendered team section and plain POSTs with a
redirect to the dashboard, so every button works without JavaScript too.
"""

from collections.abc import Callable

from allauth.account.adapter import get_adapter as get_account_adapter
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from aux.errors import ApplicationError, PermissionDeniedError
from aux.users.decorators import role_required
from aux.users.models import User
from aux.users.selectors import email_is_verified

from . import services
from .forms import BrandForm, RoleForm
from .models import Brand, Invitation, Membership
from .selectors import (
    brand_by_slug,
    brand_pending_invitations,
    brand_role,
    brand_team,
    invitation_by_token,
    invitation_state,
    memberships_for_user,
)

# The e-mailed link leaves its token in the session, never in a URL (access logs, Referer,
# browser history), the way allauth keeps password-reset keys.
from .signals import INVITATION_SESSION_KEY


def _team_context(request: HttpRequest, brand: Brand, role: str | None, **extra) -> dict:
    is_owner = role == Membership.Role.OWNER
    return {
        "brand": brand,
        "my_role": role,
        "is_owner": is_owner,
        "team": brand_team(brand=brand),
        "invitations": brand_pending_invitations(brand=brand) if is_owner else [],
        "roles": Membership.Role.choices,
        **extra,
    }


@role_required(User.Role.BRAND)
def dashboard(request: HttpRequest) -> HttpResponse:
    """A brand member's home: each of their brands with its briefs and its team."""
    brands = []
    for membership in memberships_for_user(user=request.user):
        brand = membership.brand
        brands.append(
            {
                "brand": brand,
                "membership": membership,
                "briefs": brand.briefs.order_by("-created_at")[:20],
                "team": _team_context(request, brand, membership.role),
            }
        )
    return render(request, "brands/dashboard.html", {"brands": brands})


def _member_brand(request: HttpRequest, slug: str) -> tuple[Brand, str]:
    brand = get_object_or_404(Brand, slug=slug)
    role = brand_role(user=request.user, brand=brand)
    if role is None:
        raise PermissionDenied("You are not a member of this brand.")
    return brand, role


def _team_action(
    request: HttpRequest, slug: str, action: Callable[[Brand], str], **extra
) -> HttpResponse:
    """Run one team service call and answer with the team section (htmx) or a redirect."""
    brand, _role = _member_brand(request, slug)
    error = notice = None
    try:
        notice = action(brand)
    except PermissionDeniedError as exc:
        raise PermissionDenied(exc.message) from exc
    except ApplicationError as exc:
        error = exc.message
    role = brand_role(user=request.user, brand=brand)
    if role is None:  # the user just left the brand: the section is no longer theirs
        messages.success(request, notice)
        if request.htmx:
            return HttpResponseClientRedirect(reverse("brands:dashboard"))
        return redirect("brands:dashboard")
    if request.htmx:
        context = _team_context(request, brand, role, team_error=error, team_notice=notice, **extra)
        return render(request, "brands/partials/team.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, notice)
    return redirect(reverse("brands:dashboard") + f"#team-{brand.pk}")


@login_required
def team(request: HttpRequest, slug: str) -> HttpResponse:
    """The team section alone (what the htmx actions swap in)."""
    brand, role = _member_brand(request, slug)
    return render(request, "brands/partials/team.html", _team_context(request, brand, role))


@login_required
@require_POST
def team_invite(request: HttpRequest, slug: str) -> HttpResponse:
    def action(brand: Brand) -> str:
        # The service checks the role first, then the address and role given.
        invitation = services.invitation_create(
            actor=request.user,
            brand=brand,
            email=request.POST.get("email", ""),
            role=request.POST.get("role", Membership.Role.VIEWER),
        )
        return f"Invitation sent to {invitation.email}."

    return _team_action(request, slug, action)


@login_required
@require_POST
def team_change_role(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    form = RoleForm(request.POST)

    def action(brand: Brand) -> str:
        membership = get_object_or_404(Membership, pk=membership_id, brand=brand)
        if not form.is_valid():
            raise ApplicationError(gettext("Choose a valid role."))
        membership = services.membership_change_role(
            actor=request.user, membership=membership, role=form.cleaned_data["role"]
        )
        return f"{membership.user.email} is now {membership.get_role_display().lower()}."

    return _team_action(request, slug, action)


@login_required
@require_POST
def team_remove(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    def action(brand: Brand) -> str:
        membership = get_object_or_404(
            Membership.objects.select_related("user"), pk=membership_id, brand=brand
        )
        email = membership.user.email
        services.membership_remove(actor=request.user, membership=membership)
        if membership.user_id == request.user.pk:
            return f"You left {brand.name}."
        return f"{email} was removed from the team."

    return _team_action(request, slug, action)


@login_required
@require_POST
def team_revoke(request: HttpRequest, slug: str, invitation_id: int) -> HttpResponse:
    def action(brand: Brand) -> str:
        invitation = get_object_or_404(Invitation, pk=invitation_id, brand=brand)
        services.invitation_revoke(actor=request.user, invitation=invitation)
        return f"The invitation to {invitation.email} was revoked."

    return _team_action(request, slug, action)


@login_required
def brand_settings(request: HttpRequest, slug: str) -> HttpResponse:
    """Owners and managers edit the brand; viewers see the same details read-only."""
    brand, role = _member_brand(request, slug)
    can_edit = role in (Membership.Role.OWNER, Membership.Role.MANAGER)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("Viewers cannot edit the brand.")
        form = BrandForm(request.POST, request.FILES, instance=brand)
        if form.is_valid():
            try:
                services.brand_update(
                    actor=request.user, brand=Brand.objects.get(pk=brand.pk), data=form.changes()
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            except PermissionDeniedError as exc:
                raise PermissionDenied(exc.message) from exc
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, gettext("The brand was saved."))
                return redirect("brands:settings", slug=brand.slug)
    else:
        form = BrandForm(instance=brand)
    if not can_edit:
        for field in form.fields.values():
            field.disabled = True
    return render(
        request,
        "brands/settings.html",
        {"brand": brand, "form": form, "can_edit": can_edit, "my_role": role},
    )


def brand_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The public brand page: what any visitor may know about a brand."""
    brand = brand_by_slug(slug=slug)
    if brand is None:
        raise Http404("No such brand.")
    role = brand_role(user=request.user, brand=brand)
    return render(request, "brands/detail.html", {"brand": brand, "my_role": role})


def invitation_link(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the invitation e-mail: keep the token in the session, go to a URL without it.

    Opening the link proves the visitor reads the invited mailbox (the link is sent by e-mail
    only), so the address is stashed as verified for allauth: signing up with it gives a
    confirmed address, which accepting requires.
    """
    invite = invitation_by_token(token=token)
    if invite is None:
        raise Http404("This invitation link is not valid.")
    request.session[INVITATION_SESSION_KEY] = token
    if invitation_state(invite) == "pending":
        get_account_adapter(request).stash_verified_email(request, invite.email)
    return redirect("brands:invitation_page")


def invitation(request: HttpRequest) -> HttpResponse:
    """The invitation held in the session (put there by `invitation_link`).

    Anonymous visitors are offered signup (which joins them to the brand) or login (which comes
    back here); a signed-in user whose invited address is confirmed accepts with one button and
    lands on the brand dashboard; one who has not confirmed it yet is asked to, with a button
    that sends the confirmation e-mail again.
    """
    token = request.session.get(INVITATION_SESSION_KEY, "")
    invite = invitation_by_token(token=token) if token else None
    if invite is None:
        return render(request, "brands/invitation_missing.html")
    state = invitation_state(invite)
    error = None
    status = 200
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={request.path}")
        try:
            membership = services.invitation_accept(user=request.user, token=token)
        except ApplicationError as exc:
            error, status = exc.message, exc.status
        else:
            request.session.pop(INVITATION_SESSION_KEY, None)
            messages.success(
                request,
                gettext("Welcome to %(name)s: you are %(role)s.")
                % {"name": membership.brand.name, "role": membership.get_role_display().lower()},
            )
            return redirect("brands:dashboard")
    elif (
        request.user.is_authenticated
        and state == "accepted"
        and invite.accepted_by_id == request.user.pk
    ):
        request.session.pop(INVITATION_SESSION_KEY, None)
        return redirect("brands:dashboard")
    email_matches = (
        request.user.is_authenticated and request.user.email.lower() == invite.email.lower()
    )
    return render(
        request,
        "brands/invitation.html",
        {
            "invitation": invite,
            "brand": invite.brand,
            "state": state,
            "error": error,
            "email_matches": email_matches,
            "email_verified": email_is_verified(user=request.user, email=invite.email),
        },
        status=status,
    )
