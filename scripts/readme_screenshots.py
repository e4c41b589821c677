"""Copies the README's screenshots from the layout check's output (test-results/layout/, written
by tests/e2e/test_layout.py) to docs/screenshots/, each cut to its first screens and reduced to
256 colours so that the repository stays small.

    make test ARGS=tests/e2e/test_layout.py && .venv/bin/python scripts/readme_screenshots.py
"""

import sys
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "test-results" / "layout"
OUT = ROOT / "docs" / "screenshots"
# README name → the check's screenshot (<role>-<page>), shown at desktop and phone widths.
PAGES = {
    "landing": "anonymous-home",
    "search": "anonymous-artists-list",
    "matches": "brand-matches",
    "contract": "brand-contract",
    "earnings": "artist-payments-earnings",
}
WIDTHS = {"desktop": (1366, 1100), "phone": (390, 1400)}  # width → the height kept, in px


def main() -> int:
    missing = []
    for name, shot in PAGES.items():
        for device, (width, keep) in WIDTHS.items():
            source = SHOTS / f"{shot}-{width}-en.png"
            if not source.exists():
                missing.append(source.name)
                continue
            image = Image.open(source).convert("RGB")
            image = image.crop((0, 0, image.width, min(image.height, keep)))
            image = image.quantize(colors=256, method=Image.Quantize.MEDIANCUT)
            image.save(OUT / f"{name}-{device}.png", optimize=True)
    if missing:
        print("missing (run the layout check first):", ", ".join(missing), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
