"""The payee's exports: the ledger CSV for their accountant, the yearly statement PDF, and the
earnings page (paid, in escrow, expected, by month, by brand, fees). Ledger lines are written
through payments.services.ledger_post directly (no fake Stripe needed)."""

import csv
import io
import re
import zlib
from datetime import datetime
from unittest.mock import patch

import pytest
from django.utils import timezone

from campaigns.bookings.models import Contract, Milestone
from payments.models import LedgerTransaction, Payout
from payments.services import ledger_post
from payments.statements import yearly_statement
from tests.brands.factories import BrandFactory, MembershipFactory
from tests.campaigns.factories import booking_artist, booking_brief, make_active_contract

pytestmark = pytest.mark.django_db

THIS_YEAR = timezone.localdate().year


def _fund(contract: Contract, amount: int) -> None:
    fee = amount // 10
    ledger_post(
        kind=LedgerTransaction.Kind.FUNDING, key=f"test-fund:{contract.pk}", contract=contract,
        memo=f"Contract #{contract.pk} funded",
        lines=[("brand_cash", -(amount + fee), None), ("escrow", amount, None),
               ("platform_fee", fee, None)],
    )  # fmt: skip


def _pay(contract: Contract, payee, amount: int, title: str, *, when=None, transfer=None):
    """A sent payout for a new paid deliverable, and its ledger lines (at `when` if given)."""
    m = Milestone.objects.create(contract=contract, title=title, amount=amount,
                                 currency=contract.currency, status="paid")  # fmt: skip
    payout = Payout.objects.create(
        milestone=m, contract=contract, payee=payee, stripe_account_id="acct_test",
        amount=amount, currency=contract.currency, idempotency_key=f"test-payout:{m.pk}",
        status="sent", sent_at=when or timezone.now(), stripe_transfer_id=transfer,
    )  # fmt: skip
    # The ledger is append-only (a PostgreSQL trigger refuses UPDATE): a line dated in the past
    # is written with Django's clock set back, not moved afterwards.
    with patch("django.utils.timezone.now", return_value=when or timezone.now()):
        ledger_post(
            kind=LedgerTransaction.Kind.PAYOUT, key=f"payout:{payout.pk}", contract=contract,
            payout=payout, memo=f"{title}: paid",
            lines=[("escrow", -amount, None), ("artist_paid", amount, payee)],
        )  # fmt: skip
    return payout


@pytest.fixture
def world():
    """Zoé (artist) paid by Brasserie Été in EUR and USD this year and once last year; one EUR
    contract still in escrow, one signed but not funded; another artist paid by the same brand."""
    brand = BrandFactory(name="Brasserie Été")
    owner = MembershipFactory(brand=brand, role="owner").user
    zoe = booking_artist(stage_name="Zoé Café")
    zoe.user.name = "Zoé Martin"
    zoe.user.save(update_fields=["name"])
    eur = make_active_contract(brand_user=owner, brief=booking_brief(brand), artist=zoe)
    usd = make_active_contract(brand_user=owner, brief=booking_brief(brand), artist=zoe)
    Contract.objects.filter(pk=usd.pk).update(currency="USD")
    Milestone.objects.filter(contract=usd).update(currency="USD")
    usd.refresh_from_db()
    unfunded = make_active_contract(brand_user=owner, brief=booking_brief(brand), artist=zoe)
    Contract.objects.filter(pk=unfunded.pk).update(funded=False)
    _fund(eur, 300_000)
    _fund(usd, 100_000)
    _pay(eur, zoe.user, 120_000, "Opening show", transfer="tr_opening")
    _pay(eur, zoe.user, 80_050, "Closing show")
    _pay(usd, zoe.user, 45_025, "Live stream")
    last_year = timezone.make_aware(datetime(THIS_YEAR - 1, 6, 15, 12))
    _pay(eur, zoe.user, 10_000, "Teaser post", when=last_year)
    other = booking_artist(stage_name="Other Act")
    theirs = make_active_contract(brand_user=owner, brief=booking_brief(brand), artist=other)
    _fund(theirs, 200_000)
    _pay(theirs, other.user, 99_900, "Their show")
    return {"brand": brand, "zoe": zoe, "other": other, "eur": eur}


def _csv(client) -> tuple[object, list[list[str]]]:
    response = client.get("/payments/earnings/ledger.csv")
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    return response, list(csv.reader(io.StringIO(body)))


def _pdf_texts(data: bytes) -> list[str]:
    """The PDF's shown text decoded with each of its fonts' ToUnicode maps (pypdf is not a
    dependency): fpdf2 writes 2-byte glyph codes in literal strings, mapped by bfchar entries."""
    streams = []
    for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            streams.append(zlib.decompress(m.group(1)))
        except zlib.error:
            streams.append(m.group(1))
    cmaps = [
        {int(a, 16): chr(int(b, 16)) for a, b in re.findall(rb"<([0-9A-F]{4})> <([0-9A-F]{4})>", s)}
        for s in streams
        if b"begincmap" in s
    ]
    escapes = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}
    shown = []
    for s in streams:
        for lit in re.findall(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", s, re.S):
            shown.append(
                re.sub(rb"\\(.)", lambda e: escapes.get(e.group(1), e.group(1)), lit, flags=re.S)
            )
    return [
        "\n".join(
            "".join(cmap.get(int.from_bytes(raw[i : i + 2]), "?") for i in range(0, len(raw), 2))
            for raw in shown
        )
        for cmap in cmaps
    ] or [b"\n".join(shown).decode("latin-1")]  # the core font (no Unicode font on the system)


def test_yearly_statement_totals_per_currency_match_hand_sums(world):
    zoe = world["zoe"].user
    statement = yearly_statement(user=zoe, year=THIS_YEAR)
    # EUR 1,200.00 + 800.50 this year (the 100.00 of last year is not in it); USD 450.25 apart.
    assert statement["totals"] == [{"currency": "EUR", "amount": 200_050},
                                   {"currency": "USD", "amount": 45_025}]  # fmt: skip
    assert [(line.milestone, line.amount) for line in statement["lines"]] == [
        ("Opening show", 120_000), ("Closing show", 80_050), ("Live stream", 45_025),
    ]  # fmt: skip
    assert statement["name"] == "Zoé Café (Zoé Martin)"
    last = yearly_statement(user=zoe, year=THIS_YEAR - 1)
    assert last["totals"] == [{"currency": "EUR", "amount": 10_000}]


def test_ledger_csv_has_exactly_the_callers_lines_in_major_units(world, client):
    client.force_login(world["zoe"].user)
    response, rows = _csv(client)
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="aux-ledger.csv"'
    header, *lines = rows
    assert header == ["date", "description", "contract", "brand", "amount", "currency",
                      "account", "reference"]  # fmt: skip
    assert sorted((r[4], r[5]) for r in lines) == [
        ("100.00", "EUR"), ("1200.00", "EUR"), ("450.25", "USD"), ("800.50", "EUR"),
    ]  # fmt: skip
    assert {r[6] for r in lines} == {"artist_paid"}  # no brand cash, escrow or fee lines
    assert {r[3] for r in lines} == {"Brasserie Été"}
    opening = next(r for r in lines if r[4] == "1200.00")
    assert opening[1] == "Opening show: paid"
    assert opening[2] == f"#{world['eur'].pk} {world['eur'].brief.title}"
    assert opening[7] == "tr_opening"
    assert opening[0] == timezone.localdate().isoformat()
    assert any(r[0].startswith(f"{THIS_YEAR - 1}-06-15") for r in lines)


def test_ledger_csv_never_shows_another_users_lines(world, client):
    client.force_login(world["other"].user)
    _response, (_header, *lines) = _csv(client)
    assert [(r[1], r[4]) for r in lines] == [("Their show: paid", "999.00")]
    client.force_login(MembershipFactory(brand=world["brand"], role="owner").user)
    _response, (_header, *lines) = _csv(client)
    assert lines == []  # a brand member has no payee lines of their own


def test_statement_pdf_is_a_pdf_with_the_year_name_and_totals(world, client):
    client.force_login(world["zoe"].user)
    response = client.get(f"/payments/earnings/statement/{THIS_YEAR}.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="aux-statement-{THIS_YEAR}.pdf"'
    )
    assert response.content.startswith(b"%PDF-")
    assert response.content.rstrip().endswith(b"%%EOF")
    text = "\n".join(_pdf_texts(response.content))
    assert f"Earnings statement {THIS_YEAR}" in text
    assert "Zoé Café (Zoé Martin)" in text
    assert "€2,000.50" in text and "$450.25" in text
    assert "Closing show" in text and "€800.50" in text
    assert "Their show" not in text and "999" not in text
    assert "Teaser post" not in text  # last year's payout belongs to last year's statement


def test_statement_for_a_year_without_earnings_says_so(world, client):
    client.force_login(world["zoe"].user)
    response = client.get("/payments/earnings/statement/2001.pdf")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")
    assert "No earnings in 2001" in "\n".join(_pdf_texts(response.content))


def test_statement_for_an_invalid_year_is_not_found(client):
    client.force_login(booking_artist().user)
    for year in ("1999", str(THIS_YEAR + 1), "0", "abcd", "20251"):
        assert client.get(f"/payments/earnings/statement/{year}.pdf").status_code == 404, year


def test_anonymous_is_sent_to_log_in_for_the_exports(client):
    for url in ("/payments/earnings/ledger.csv", f"/payments/earnings/statement/{THIS_YEAR}.pdf"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/login/" in response["Location"]


def test_earnings_page_shows_paid_escrow_expected_fees_chart_brand_and_exports(world, client):
    client.force_login(world["zoe"].user)
    html = client.get("/payments/earnings/").content.decode()
    # EUR: paid 1,200 + 800.50 + 100; in escrow the €2,000 deliverable of the funded contract;
    # expected the €2,000 of the unfunded one; fees 0 (the brand pays the platform fee).
    assert (
        '<td>EUR</td><td class="num">€2,100.50</td><td class="num">€0</td>'
        '<td class="num">€2,000</td><td class="num">€2,000</td><td class="num">€0</td>'
    ) in html
    assert (
        '<td>USD</td><td class="num">$450.25</td><td class="num">$0</td>'
        '<td class="num">$2,000</td><td class="num">$0</td><td class="num">$0</td>'
    ) in html
    assert "Fees charged to you: 0" in html
    assert "<svg" in html and "Paid per month, EUR" in html and "Paid per month, USD" in html
    assert '<td>Brasserie Été</td><td class="num">€2,100.50</td>' in html
    assert 'href="/payments/earnings/ledger.csv"' in html
    assert f'href="/payments/earnings/statement/{THIS_YEAR}.pdf"' in html
    assert f'href="/payments/earnings/statement/{THIS_YEAR - 1}.pdf"' in html
