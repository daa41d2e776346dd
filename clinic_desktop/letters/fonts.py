"""The letters' typeface: DejaVu Sans, embedded, so any Latin, Greek or Cyrillic name prints.

reportlab's built-in fonts cover Latin-1 only; "Łukasz" would print as black boxes.
DejaVu does not cover CJK scripts: such characters print as empty glyphs.
"""
from __future__ import annotations

from importlib import resources
from threading import Lock

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
OBLIQUE = "DejaVuSans-Oblique"
_FILES = {REGULAR: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf", OBLIQUE: "DejaVuSans-Oblique.ttf"}

_lock = Lock()


def register_fonts() -> str:
    """Register the DejaVu Sans family with reportlab (once); returns the family's name."""
    with _lock:
        registered = set(pdfmetrics.getRegisteredFontNames())
        folder = resources.files("clinic_desktop").joinpath("resources", "fonts")
        for name, file_name in _FILES.items():
            if name in registered:
                continue
            with resources.as_file(folder.joinpath(file_name)) as path:
                pdfmetrics.registerFont(TTFont(name, str(path)))
        # No bold-oblique face is shipped: <b><i> falls back to bold.
        pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=OBLIQUE, boldItalic=BOLD)
    return REGULAR
