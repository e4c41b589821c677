"""The signed contract as a PDF (fpdf2): the frozen terms, their SHA-256 and the signature block."""

import logging
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction
from fpdf import FPDF

from .models import Contract

logger = logging.getLogger(__name__)

# A Unicode font when the system has one (names like "Sigur Rós" or "€"); else the core font.
_UNICODE_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def contract_pdf_bytes(contract: Contract) -> bytes:
    """Render the contract text and its signatures; the PDF states the hash both signed."""
    pdf = FPDF(format="A4")
    pdf.set_title(f"AUX contract #{contract.pk}")
    pdf.set_author("AUX")
    pdf.add_page()
    if _UNICODE_FONT.exists():
        pdf.add_font("body", fname=str(_UNICODE_FONT))
        family = "body"

        def fit(text: str) -> str:
            return text
    else:
        family = "Helvetica"

        def fit(text: str) -> str:
            return text.replace("€", "EUR ").encode("latin-1", "replace").decode("latin-1")

    pdf.set_font(family, size=9)
    width = pdf.epw
    pdf.multi_cell(width, 4.5, fit(contract.terms_text))
    pdf.ln(4)
    pdf.multi_cell(width, 4.5, fit(f"SHA-256 of the terms above: {contract.terms_sha256}"))
    pdf.ln(2)
    pdf.multi_cell(width, 4.5, "SIGNATURES")
    for sig in contract.signatures.order_by("signed_at"):
        pdf.multi_cell(
            width,
            4.5,
            fit(
                f"For the {sig.get_party_display().lower()}: {sig.full_name}, signed "
                f"{sig.signed_at:%Y-%m-%d %H:%M:%S} UTC from {sig.ip or 'unknown address'}; "
                f"hash signed {sig.terms_sha256}"
            ),
        )
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
