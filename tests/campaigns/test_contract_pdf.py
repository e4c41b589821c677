"""The signed contract's PDF: the signature block (each party, who signed, their role, when,
from where, the hash they signed) is on the page, read back by poppler's pdftotext with each
word's box; a PNG of each page goes to test-results/pdf/ for a person to look at."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from campaigns.bookings import contract_pdf, services
from campaigns.bookings.contract_pdf import contract_pdf_bytes
from tests.campaigns.factories import booking_artist, booking_brief, make_offer

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils (make test)"),
]

SHOTS = Path(__file__).resolve().parents[2] / "test-results" / "pdf"


@pytest.fixture
def signed(brand, brand_manager):
    artist = booking_artist()
    offer = make_offer(actor=brand_manager, brief=booking_brief(brand, social=True), artist=artist)
    contract = services.offer_accept(actor=artist.user, offer=offer).contract
    services.contract_sign(
        actor=brand_manager, contract=contract, full_name=brand_manager.name, confirm=True,
        ip="203.0.113.7", user_agent="Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0",
        terms_sha256=contract.terms_sha256,
    )  # fmt: skip
    services.contract_sign(
        actor=artist.user, contract=contract, full_name=artist.user.name, confirm=True,
        ip="2001:db8::1", terms_sha256=contract.terms_sha256,
    )  # fmt: skip
    contract.refresh_from_db()
    return contract


def _words(pdf: bytes, tmp_path: Path) -> list[dict]:
    """Every word of the PDF with its page, its box and the page's size (pdftotext -bbox)."""
    path = tmp_path / "contract.pdf"
    path.write_bytes(pdf)
    html = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    words = []
    for n, page in enumerate(re.findall(r"<page (.*?)</page>", html, re.S), start=1):
        width, height = map(float, re.search(r'width="([\d.]+)" height="([\d.]+)"', page).groups())
        for box, text in re.findall(r"<word ([^>]*)>(.*?)</word>", page):
            b = {k: float(v) for k, v in re.findall(r'(\w+)="([\d.]+)"', box)}
            words.append({"page": n, "text": text, "w": width, "h": height, **b})
    return words


def test_the_signature_block_names_both_parties_with_their_evidence_inside_the_page(
    signed, brand_manager, tmp_path
):
    pdf = contract_pdf_bytes(signed)
    words = _words(pdf, tmp_path)
    for w in words:  # nothing drawn past a page's edge (the old block started at the right margin)
        assert w["xMin"] >= 0 and w["xMax"] <= w["w"], w
        assert w["yMin"] >= 0 and w["yMax"] <= w["h"], w
    text = " ".join(w["text"] for w in words)
    block = text[text.index("SIGNATURES") :]
    sigs = {s.party: s for s in signed.signatures.all()}
    for party, name, role in [
        ("brand", brand_manager.name, f"Manager of {signed.brand.name}"),
        ("artist", signed.artist.user.name, f"Artist: {signed.artist.stage_name}"),
    ]:
        assert name in block and role in block
        assert f"{sigs[party].signed_at:%Y-%m-%d %H:%M:%S} UTC" in block
    assert "203.0.113.7" in block and "2001:db8::1" in block and "Firefox/140.0" in block
    # The hash each side signed, in groups of 8 so that it wraps; and that it matches the terms.
    groups = " ".join(re.findall(".{8}", signed.terms_sha256))
    assert block.count(groups) == 2 and "matches the terms above" in block
    if shutil.which("pdftoppm"):
        SHOTS.mkdir(parents=True, exist_ok=True)
        (tmp_path / "contract.pdf").write_bytes(pdf)
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                "80",
                "-png",
                str(tmp_path / "contract.pdf"),
                str(SHOTS / "contract"),
            ],
            check=True,
        )


def test_without_the_dejavu_fonts_the_block_is_drawn_in_the_core_font(
    signed, tmp_path, monkeypatch
):
    missing = tmp_path / "no-such-font.ttf"
    monkeypatch.setattr(contract_pdf, "_UNICODE_FONTS", {"": missing, "B": missing, "I": missing})
    words = _words(contract_pdf_bytes(signed), tmp_path)
    assert all(w["xMax"] <= w["w"] for w in words)
    text = " ".join(w["text"] for w in words)
    assert "SIGNATURES" in text and "203.0.113.7" in text and "Signature for the artist" in text
