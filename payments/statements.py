"""What a payee hands their accountant: their ledger lines as CSV, a yearly statement as PDF,
and the earnings page's charts.

Only the caller's own ledger lines are read (`LedgerEntry.user` is the payee, set on artist_paid
lines), so a brand's or another payee's movements can never appear. Amounts stay integer minor
units until written out; the CSV gives decimal major units (`Decimal`, never float).
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf import FPDF

from artists.models import Artist
from aux.charts import line_chart, month_label
from aux.money import format_money
from aux.users.models import User

from .models import LedgerEntry

CSV_HEADER = [
    "date", "description", "contract", "brand", "amount", "currency", "account", "reference",
]  # fmt: skip
FIRST_YEAR = 2000  # statements before this year do not exist (404)

# A Unicode font when the system has one ("€", "é" in names); else the core font (as contract_pdf).
_UNICODE_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
_UNICODE_BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")


def major_units(amount_minor: int) -> Decimal:
    """12345 → Decimal("123.45") (every supported currency has two decimals)."""
    return (Decimal(amount_minor) / 100).quantize(Decimal("0.01"))


def _spreadsheet_safe(text: str) -> str:
    # Milestone titles and brand names are user input: neutralise spreadsheet formulas.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def own_ledger_lines(*, user: User) -> QuerySet[LedgerEntry]:
    """The user's own ledger lines (they are the payee), oldest first, with what the CSV shows."""
    return (
        LedgerEntry.objects.filter(user=user)
        .select_related("transaction__payout__milestone", "contract__brief", "brand")
        .order_by("created_at", "id")
    )


def _contract_label(entry: LedgerEntry) -> str:
    return f"#{entry.contract_id} {entry.contract.brief.title}"


def _reference(entry: LedgerEntry) -> str:
    payout = entry.transaction.payout
    if payout is not None and payout.stripe_transfer_id:
        return payout.stripe_transfer_id
    return entry.transaction.key


def ledger_csv_rows(*, user: User) -> Iterator[list]:
    """The header, then one row per own ledger line (read in chunks: fine for years of lines)."""
    yield CSV_HEADER
    for e in own_ledger_lines(user=user).iterator(chunk_size=500):
        yield [
            timezone.localtime(e.created_at).date().isoformat(),
            _spreadsheet_safe(e.transaction.memo or e.get_account_display()),
            _spreadsheet_safe(_contract_label(e)),
            _spreadsheet_safe(e.brand.name),
            str(major_units(e.amount)),
            e.currency,
            e.account,
            _reference(e),
        ]


# --- yearly statement ----------------------------------------------------------------------------


@dataclass(frozen=True)
class StatementLine:
    day: date
    brand: str
    contract: str
    milestone: str
    amount: int
    currency: str


def valid_year(year: int) -> bool:
    return FIRST_YEAR <= year <= timezone.localdate().year


def payee_name(user: User) -> str:
    stage = Artist.objects.filter(user=user).values_list("stage_name", flat=True).first()
    legal = user.name or user.email
    return f"{stage} ({legal})" if stage and stage != legal else legal


def _line_label(e: LedgerEntry) -> str:
    """The deliverable paid, "Deposit" for a contract's deposit, else the movement's memo."""
    payout = e.transaction.payout
    if payout is None:
        return e.transaction.memo
    return payout.milestone.title if payout.milestone_id else _("Deposit")


def yearly_statement(*, user: User, year: int) -> dict:
    """The payouts the user received in `year` (their artist_paid ledger lines, local time) and
    the totals per currency (amounts in different currencies never add up). 2 queries."""
    lines = [
        StatementLine(
            day=timezone.localtime(e.created_at).date(),
            brand=e.brand.name,
            contract=_contract_label(e),
            milestone=_line_label(e),
            amount=e.amount,
            currency=e.currency,
        )
        for e in own_ledger_lines(user=user).filter(
            account=LedgerEntry.Account.ARTIST_PAID, created_at__year=year
        )
    ]
    totals: dict[str, int] = {}
    for line in lines:
        totals[line.currency] = totals.get(line.currency, 0) + line.amount
    return {
        "name": payee_name(user),
        "year": year,
        "lines": lines,
        "totals": [{"currency": c, "amount": totals[c]} for c in sorted(totals)],
    }


def _clip(pdf: FPDF, text: str, width: float) -> str:
    """Shorten `text` with an ellipsis so that it fits in one table cell."""
    if pdf.get_string_width(text) <= width - 2:
        return text
    while text and pdf.get_string_width(text + "…") > width - 2:
        text = text[:-1]
    return text + "…"


def statement_pdf_bytes(statement: dict) -> bytes:
    """Render the statement: who, which year, totals per currency, then one row per payout."""
    pdf = FPDF(format="A4")
    year = statement["year"]
    pdf.set_title(f"AUX earnings statement {year}")
    pdf.set_author("AUX")
    pdf.add_page()
    if _UNICODE_FONT.exists():
        pdf.add_font("body", fname=str(_UNICODE_FONT))
        pdf.add_font("body", style="B", fname=str(_UNICODE_BOLD if _UNICODE_BOLD.exists()
                                                   else _UNICODE_FONT))  # fmt: skip
        family = "body"

        def fit(text: str) -> str:
            return text
    else:
        family = "Helvetica"

        def fit(text: str) -> str:
            text = text.replace("€", "EUR ").replace("…", "...")
            return text.encode("latin-1", "replace").decode("latin-1")

    def money(amount: int, currency: str) -> str:
        return fit(format_money(amount, currency, locale="en"))

    width = pdf.epw
    pdf.set_font(family, style="B", size=14)
    pdf.cell(width, 8, fit(f"Earnings statement {year}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, size=10)
    pdf.cell(width, 6, fit(f"Payee: {statement['name']}"), new_x="LMARGIN", new_y="NEXT")
    pdf.cell(width, 6, f"Period: {year}-01-01 to {year}-12-31", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(width, 6, fit(f"Issued {timezone.localdate():%Y-%m-%d} by AUX"),
             new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    pdf.ln(3)
    if not statement["lines"]:
        pdf.set_font(family, style="B", size=11)
        pdf.multi_cell(
            width, 6, fit(f"No earnings in {year}: no payout was sent to you that year.")
        )
        return bytes(pdf.output())

    pdf.set_font(family, style="B", size=11)
    pdf.cell(width, 7, "Total received", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, size=10)
    for t in statement["totals"]:
        pdf.cell(width, 6, f"{t['currency']}: {money(t['amount'], t['currency'])}",
                 new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    pdf.cell(width, 6, fit("Fees charged to you: 0 (the platform fee is paid by the brand)."),
             new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    pdf.ln(3)

    cols = [("Date", 22, "L"), ("Brand", 38, "L"), ("Contract", 50, "L"),
            ("Deliverable", 50, "L"), ("Amount", width - 160, "R")]  # fmt: skip

    def header() -> None:
        pdf.set_font(family, style="B", size=9)
        for title, w, align in cols:
            pdf.cell(w, 6, title, border="B", align=align)
        pdf.ln()
        pdf.set_font(family, size=9)

    header()
    for line in statement["lines"]:
        if pdf.will_page_break(5.5):
            pdf.add_page()
            header()
        values = [line.day.isoformat(), line.brand, line.contract, line.milestone,
                  money(line.amount, line.currency)]  # fmt: skip
        for (_title, w, align), value in zip(cols, values, strict=True):
            pdf.cell(w, 5.5, _clip(pdf, fit(value), w), align=align)
        pdf.ln()
    return bytes(pdf.output())


# --- earnings page -------------------------------------------------------------------------------


def _months(first: str, last: str) -> list[str]:
    y, m = map(int, first.split("-"))
    out = []
    while f"{y:04d}-{m:02d}" <= last:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def earnings_charts(report: dict) -> list[dict]:
    """One SVG chart per currency of what was paid per month (months without a payout
    show 0), from payments.selectors.artist_earnings_report's `by_month`. No query."""
    by_currency: dict[str, dict[str, int]] = {}
    for row in report["by_month"]:
        if row["month"]:
            by_currency.setdefault(row["currency"], {})[row["month"]] = row["paid"]
    charts = []
    for currency in sorted(by_currency):
        paid = by_currency[currency]
        labels = _months(min(paid), max(paid))
        charts.append({
            "currency": currency,
            "svg": line_chart(
                [month_label(m) for m in labels],
                [(_("Paid (%(currency)s)") % {"currency": currency}, "chart-series-a",
                  [paid.get(m, 0) for m in labels])],
                title=_("Paid per month, %(currency)s") % {"currency": currency},
                value_format=lambda v, c=currency: format_money(round(v), c),
                category=_("Month"),
            ),
        })  # fmt: skip
    return charts


def statement_years(report: dict) -> list[int]:
    """The years offered for a statement: this year and every year with a payout, newest first."""
    years = {int(r["month"][:4]) for r in report["by_month"] if r["month"]}
    years.add(timezone.localdate().year)
    return sorted((y for y in years if valid_year(y)), reverse=True)
