"""HTML pages of payments and the Stripe webhook endpoint. Thin: they call services."""

import csv
import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from aux.errors import ApplicationError
from brands.selectors import brand_role
from campaigns.bookings.models import Contract
from campaigns.reporting.selectors import artist_earnings_report

from . import selectors, services, statements
from . import stripe_gateway as gateway
from .models import Payment

logger = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def stripe_webhook(request):
    """Stripe calls this: verify the signature, store the event id first, process once."""
    try:
        _event, created = services.webhook_receive(
            payload=request.body, signature=request.headers.get("Stripe-Signature", "")
        )
    except gateway.SignatureError as e:
        logger.warning("stripe webhook with a bad signature refused: %s", e)
        return HttpResponseBadRequest("bad signature")
    except gateway.MalformedEventError as e:
        logger.warning("malformed stripe webhook refused: %s", e)
        return HttpResponseBadRequest("malformed event")
    return HttpResponse("ok" if created else "duplicate", content_type="text/plain")


def _contract_for_brand(request, pk: int) -> Contract:
    contract = get_object_or_404(Contract.objects.select_related("brand", "artist"), pk=pk)
    try:
        services.check_can_fund(actor=request.user, contract=contract)
    except ApplicationError as e:
        if e.status == 404:
            raise Http404 from e
        raise
    return contract


@login_required
def fund(request, pk: int):
    """The brand sees the total, the fee and what it pays, then pays with a test card."""
    try:
        contract = _contract_for_brand(request, pk)
    except ApplicationError as e:
        messages.error(request, e.message)
        return redirect("bookings:contract_detail", pk=pk)
    quote = services.contract_funding_quote(contract=contract)
    if request.method == "POST":
        try:
            payment = services.payment_start(actor=request.user, contract=contract)
            payment = services.payment_pay_test(
                actor=request.user, payment=payment,
                payment_method=request.POST.get("payment_method", ""),
            )  # fmt: skip
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
        except ApplicationError as e:
            messages.error(request, e.message)
        else:
            if payment.status == Payment.Status.SUCCEEDED:
                messages.success(request, gettext("Test payment received: the contract is funded."))
                return redirect("bookings:contract_detail", pk=pk)
            messages.error(request, payment.failure_message or "The payment did not go through.")
        return redirect("payments:fund", pk=pk)
    missing = services.payees_missing_payouts(contract=contract) if not contract.funded else []
    return render(request, "payments/fund.html", {
        "contract": contract, "quote": quote, "missing": missing,
        "cards": services.TEST_PAYMENT_METHODS,
    })  # fmt: skip


@login_required
def receipt(request, pk: int):
    """The brand's receipt for one contract (printable / downloadable as a text file)."""
    contract = get_object_or_404(Contract.objects.select_related("brand", "artist"), pk=pk)
    if not (request.user.is_staff or brand_role(user=request.user, brand=contract.brand)):
        raise Http404
    data = selectors.contract_receipt(contract=contract)
    if data["payment"] is None:
        raise Http404
    if request.GET.get("download"):
        response = render(request, "payments/receipt.txt", data, content_type="text/plain")
        response["Content-Disposition"] = f'attachment; filename="aux-receipt-{contract.pk}.txt"'
        return response
    return render(request, "payments/receipt.html", data)


@login_required
@require_POST
def onboard(request):
    """Send the user to Stripe's (test-mode) onboarding for their connected account."""
    back = request.build_absolute_uri(reverse("payments:onboard_return"))
    try:
        url = services.payouts_onboard(actor=request.user, return_url=back, refresh_url=back)
    except ApplicationError as e:
        messages.error(request, e.message)
        return redirect("users:dashboard")
    return redirect(url)


@login_required
def onboard_return(request):
    """Back from onboarding: ask Stripe for the account's state now (webhooks may lag)."""
    try:
        services.payment_account_refresh(user=request.user)
    except ApplicationError as e:
        messages.error(request, e.message)
    return redirect("payments:earnings")


@login_required
def earnings(request):
    """The payee's payout status, payouts and ledger lines, line by line."""
    report = artist_earnings_report(user=request.user)
    return render(request, "payments/earnings.html", {
        "account": selectors.payment_account_for(user=request.user),
        "payouts": selectors.payouts_visible_to(user=request.user).filter(payee=request.user)[:200],
        "lines": selectors.ledger_lines_for(user=request.user)[:200],
        "totals": selectors.artist_earnings(user=request.user),
        "report": report,
        "charts": statements.earnings_charts(report),
        "years": statements.statement_years(report),
    })  # fmt: skip


@login_required
def payout_status(request):
    """The dashboard's payouts block (an htmx fragment): status and what Stripe still needs."""
    return render(request, "payments/partials/payout_status.html", {
        "account": selectors.payment_account_for(user=request.user),
    })  # fmt: skip


class _Echo:
    """A file-like object whose write() returns the line: csv.writer then yields CSV lines."""

    def write(self, value: str) -> str:
        return value


@login_required
def earnings_ledger_csv(request):
    """The caller's own ledger lines as CSV for their accountant, streamed (years of lines)."""
    writer = csv.writer(_Echo())
    rows = statements.ledger_csv_rows(user=request.user)
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="aux-ledger.csv"'
    return response


@login_required
def earnings_statement_pdf(request, year: int):
    """The caller's yearly statement (PDF, made on request); a year without payouts says so."""
    if not statements.valid_year(year):
        raise Http404
    data = statements.yearly_statement(user=request.user, year=year)
    response = HttpResponse(statements.statement_pdf_bytes(data), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="aux-statement-{year}.pdf"'
    return response
