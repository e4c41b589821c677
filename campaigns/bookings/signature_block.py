"""The signature block of the contract PDF (contract_pdf.py): one column per party
with who signed, in which role, when, from which address and browser, and the hash they signed.

It is evidence, in the language of the terms (English, as the terms template): every value
comes from the stored Signature rows, none is recomputed except whether the hash signed is the
hash of the terms printed above it.
"""

import re
from collections.abc import Callable

from fpdf import FPDF, FontFace
from fpdf.enums import XPos, YPos

from brands.models import Membership

from .models import Contract, Side, Signature

BLOCK_HEIGHT = 95  # mm the block needs: it starts on a new page rather than splitting


def _role(sig: Signature, contract: Contract) -> str:
    if sig.party == Side.ARTIST:
        return f"Artist: {contract.artist.stage_name}"
    role = (
        Membership.objects.filter(user_id=sig.user_id, brand_id=contract.brand_id)
        .values_list("role", flat=True)
        .first()
    )
    label = Membership.Role(role).label if role else "Signatory"
    return f"{label} of {contract.brand.name}"


def _hash(value: str) -> str:
    """A SHA-256 in groups of 8 hex digits, so it wraps inside its column."""
    return " ".join(re.findall(".{1,8}", value))


def _rows(contract: Contract, brand: Signature | None, artist: Signature | None) -> list[list[str]]:
    def both(value: Callable[[Signature], str]) -> list[str]:
        return [value(s) if s else "not signed" for s in (brand, artist)]

    def evidence(s: Signature) -> str:
        same = "matches" if s.terms_sha256 == contract.terms_sha256 else "DIFFERS from"
        return f"{_hash(s.terms_sha256)} ({same} the terms above)"

    return [
        ["", "For the brand", "For the artist"],
        ["Party", contract.brand.name, contract.artist.stage_name],
        ["Signed by", *both(lambda s: s.full_name)],
        ["Role", *both(lambda s: _role(s, contract))],
        ["Signed at", *both(lambda s: f"{s.signed_at:%Y-%m-%d %H:%M:%S} UTC")],
        ["From address", *both(lambda s: s.ip or "not recorded")],
        ["Browser", *both(lambda s: s.user_agent or "not recorded")],
        ["Hash signed (SHA-256)", *both(evidence)],
    ]


def draw_signature_block(pdf: FPDF, contract: Contract, fit: Callable[[str], str]) -> None:
    """Draws the block at the cursor, on a new page when the rest of this one is too short.
    `fit` adapts text to the font in use (the core font has no "€")."""
    sigs = {s.party: s for s in contract.signatures.all()}
    brand, artist = sigs.get(Side.BRAND), sigs.get(Side.ARTIST)
    if pdf.will_page_break(BLOCK_HEIGHT):
        pdf.add_page()
    width = pdf.epw
    family = pdf.font_family
    pdf.set_draw_color(120)
    pdf.line(pdf.l_margin, pdf.y, pdf.l_margin + width, pdf.y)
    pdf.ln(3)
    pdf.set_font(family, style="B", size=11)
    pdf.multi_cell(width, 6, "SIGNATURES", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(family, size=8.5)
    pdf.multi_cell(
        width, 4.2,
        "Each party signed on AUX by typing their full name after confirming they had read and "
        "agreed to the terms above. The details below are the evidence AUX stored at the moment "
        "of signing.",
        new_x=XPos.LMARGIN, new_y=YPos.NEXT,
    )  # fmt: skip
    pdf.ln(2)
    pdf.set_font(family, size=8)
    label = width * 0.2
    col = (width - label) / 2
    with pdf.table(
        col_widths=(label, col, col),
        text_align="LEFT",
        line_height=4.2,
        padding=1.5,
        headings_style=FontFace(emphasis="BOLD", fill_color=235),
    ) as table:
        for cells in _rows(contract, brand, artist):
            row = table.row()
            for i, cell in enumerate(cells):
                row.cell(fit(cell), style=FontFace(emphasis="BOLD") if i == 0 else None)
    # Each party's typed name over a line, as a signature reads on paper.
    pdf.ln(6)
    y = pdf.y
    for i, (sig, whose) in enumerate([(brand, "the brand"), (artist, "the artist")]):
        x = pdf.l_margin + label + i * col + 2
        pdf.set_font(family, style="I", size=12)
        pdf.set_xy(x, y)
        pdf.cell(col - 6, 7, fit(sig.full_name) if sig else "")
        pdf.line(x, y + 8, x + col - 8, y + 8)
        pdf.set_font(family, size=8)
        pdf.set_xy(x, y + 9)
        pdf.cell(col - 6, 4, f"Signature for {whose}")
    pdf.set_xy(pdf.l_margin, y + 16)
