"""The signed contract as a PDF (fpdf2): the frozen terms, their SHA-256 and the signature block."""

import logging
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from .models import Contract
from .signature_block import draw_signature_block

logger = logging.getLogger(__name__)

# A Unicode font when the system has one (names like "Sigur Rós" or "€"); else the core font.
# Regular, bold and oblique (the signature block's headings and typed names; the oblique is in
# fonts-dejavu-extra, which a slim image may lack).
_DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
_UNICODE_FONTS = {
    "": _DEJAVU / "DejaVuSans.ttf",
    "B": _DEJAVU / "DejaVuSans-Bold.ttf",
    "I": _DEJAVU / "DejaVuSans-Oblique.ttf",
}


def contract_pdf_bytes(contract: Contract) -> bytes:
    """Render the contract text and its signatures; the PDF states the hash both signed."""
    pdf = FPDF(format="A4")
    pdf.set_title(f"AUX contract #{contract.pk}")
    pdf.set_author("AUX")
    pdf.add_page()
    if _UNICODE_FONTS[""].exists():
        for style, font in _UNICODE_FONTS.items():  # a missing style is drawn in the regular one
            pdf.add_font(
                "body", style=style, fname=str(font if font.exists() else _UNICODE_FONTS[""])
            )
        family = "body"

        def fit(text: str) -> str:
            return text
    else:
        family = "Helvetica"

        def fit(text: str) -> str:
            return text.replace("€", "EUR ").encode("latin-1", "replace").decode("latin-1")

    pdf.set_font(family, size=9)
    width = pdf.epw
    pdf.multi_cell(width, 4.5, fit(contract.terms_text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)
    pdf.multi_cell(
        width, 4.5, fit(f"SHA-256 of the terms above: {contract.terms_sha256}"),
        new_x=XPos.LMARGIN, new_y=YPos.NEXT,
    )  # fmt: skip
    pdf.ln(4)
    draw_signature_block(pdf, contract, fit)
    return bytes(pdf.output())


def contract_pdf_store(*, contract: Contract) -> bool:
    """Store the PDF once both sides have signed. Safe to run twice (returns False then)."""
    if not contract.is_signed or contract.pdf:
        return False
    data = contract_pdf_bytes(contract)
    with transaction.atomic():
        locked = Contract.objects.select_for_update().get(pk=contract.pk)
        if locked.pdf:
            return False
        locked.pdf.save(f"contract-{locked.pk}.pdf", ContentFile(data), save=True)
    logger.info("contract %s PDF stored (%d bytes)", contract.pk, len(data))
    return True
