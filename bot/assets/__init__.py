"""Files the hotline ships: the DejaVu fonts its PDFs and pictures are drawn with, so that a server
without fonts still prints names in any script (see fonts/LICENSE.txt)."""

from __future__ import annotations

from pathlib import Path

FONTS = Path(__file__).parent / "fonts"
REGULAR = FONTS / "DejaVuSans.ttf"
BOLD = FONTS / "DejaVuSans-Bold.ttf"
