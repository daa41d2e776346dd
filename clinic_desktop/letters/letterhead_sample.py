"""The letterhead alone, as new letters print it: for the manager to check a logo before use.

Drawn by the same ``layout.letterhead`` the letters use, on a page as wide as A4 and only
as tall as the letterhead, so the preview is what the letters will show.
"""
from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from clinic_desktop.letters.fonts import REGULAR, register_fonts
from clinic_desktop.letters.layout import MARGIN, LetterClinic, letterhead, styles, text_width_available

_PADDING = 6 * mm


def render_letterhead_sample(clinic: LetterClinic) -> bytes:
    """One PDF page: the letterhead with the page's side margins, a little room above and below."""
    register_fonts()
    width = text_width_available()
    table = letterhead(clinic, styles(), width)
    _, height = table.wrap(width, A4[1])
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(A4[0], height + 2 * _PADDING), invariant=1, initialFontName=REGULAR)
    table.drawOn(canvas, MARGIN, _PADDING)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
