"""Pages of contract payout splits: the artist proposes, the co-owner accepts. Thin: services."""

from allauth.account.adapter import get_adapter as get_account_adapter
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from aux.errors import ApplicationError
from campaigns.bookings.models import Contract

from . import selectors, services
from .models import ContractSplit
from .services.contract_splits import split_accept_blocker
from .split_forms import CoOwnerFormSet, SplitsForm

# The session key the e-mailed link stores its signed token under (the URL then drops it).
SPLIT_SESSION_KEY = "payments_split_token"


@login_required
def contract_splits(request, pk: int):
    """The artist shares the contract's fees: their own share and each co-owner's (100% in all)."""
    contract = get_object_or_404(Contract.objects.select_related("artist__user", "brand"), pk=pk)
    data = selectors.contract_splits_for(user=request.user, contract=contract)
    if data is None or data["role"] != "artist":
        raise Http404(gettext("No such contract."))
    if not data["editable"]:
        messages.error(
            request,
            gettext("Both sides have signed this contract: its splits can no longer change."),
        )
        return redirect("bookings:contract_detail", pk=pk)
    open_splits = [s for s in data["splits"] if s.status in ("pending", "accepted")]
    if request.method == "POST":
        form = SplitsForm(request.POST)
        formset = CoOwnerFormSet(request.POST, prefix="co")
        if form.is_valid() and formset.is_valid():
            rows = [
                {"email": f.cleaned_data["email"], "share": f.cleaned_data["share"]}
                for f in formset
                if f.cleaned_data.get("email") or f.cleaned_data.get("share") is not None
            ]
            try:
                services.contract_splits_propose(
                    actor=request.user, contract=contract,
                    artist_share=form.cleaned_data["artist_share"], co_owners=rows,
                )  # fmt: skip
            except ApplicationError as e:
                for field, errors in e.errors.items():
                    for error in errors:
                        form.add_error(field if field == "artist_share" else None, error)
                if not e.errors:
                    form.add_error(None, e.message)
            else:
                messages.success(request, gettext("Splits saved; new co-owners were e-mailed."))
                return redirect("bookings:contract_detail", pk=pk)
    else:
        form = SplitsForm(initial={"artist_share": f"{data['artist_share_bps'] / 100:.2f}"})
        formset = CoOwnerFormSet(
            prefix="co", initial=[{"email": s.email, "share": s.share_percent} for s in open_splits]
        )
    return render(request, "payments/contract_splits.html", {
        "contract": contract, "form": form, "formset": formset, "data": data,
    })  # fmt: skip


def split_invitation_link(request, token: str):
    """The e-mailed link: keep the token in the session and go to a URL without it.

    As for brand invitations, opening the link proves the visitor reads the invited mailbox, so
    the address is stashed as verified for allauth (signing up with it needs no second e-mail).
    """
    split = services.split_by_token(token)
    if split is None:
        raise Http404(gettext("This invitation link is not valid or has expired."))
    request.session[SPLIT_SESSION_KEY] = token
    if split.status == ContractSplit.Status.PENDING:
        get_account_adapter(request).stash_verified_email(request, split.email)
    return redirect("payments:split_invitation")


def split_invitation(request):
    """The invitation in the session: sign up or log in, set up payouts, then accept."""
    split = services.split_by_token(request.session.get(SPLIT_SESSION_KEY, ""))
    if split is None:
        return render(request, "payments/split_invitation.html", {"split": None}, status=404)
    error, status = None, 200
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={request.path}")
        try:
            services.contract_split_accept(actor=request.user, split_id=split.pk)
        except ApplicationError as e:
            error, status = e.message, e.status
        else:
            request.session.pop(SPLIT_SESSION_KEY, None)
            messages.success(
                request,
                gettext("You accepted your share: it is paid to you as each deliverable is "
                        "approved."),
            )  # fmt: skip
            return redirect("payments:earnings")
        split.refresh_from_db()
    contract = split.contract
    return render(request, "payments/split_invitation.html", {
        "split": split, "contract": contract, "error": error,
        "blocker": split_accept_blocker(user=request.user, split=split),
        "account": selectors.payment_account_for(user=request.user),
    }, status=status)  # fmt: skip


@login_required
@require_POST
def split_onboard(request):
    """Set up payouts from the invitation page; Stripe sends the co-owner back to it."""
    back = request.build_absolute_uri(reverse("payments:split_onboard_return"))
    try:
        url = services.payouts_onboard(actor=request.user, return_url=back, refresh_url=back)
    except ApplicationError as e:
        messages.error(request, e.message)
        return redirect("payments:split_invitation")
    return redirect(url)


@login_required
def split_onboard_return(request):
    """Back from onboarding: read the account's state now, then the invitation again."""
    try:
        services.payment_account_refresh(user=request.user)
    except ApplicationError as e:
        messages.error(request, e.message)
    return redirect("payments:split_invitation")
