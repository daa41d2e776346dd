"""The letters' typefaces: DejaVu Sans, with Droid Sans Fallback for CJK, both embedded.

reportlab's built-in fonts cover Latin-1 only; "Łukasz" would print as black boxes.
DejaVu Sans covers Latin, Greek and Cyrillic but no Chinese, Japanese or Korean, so a
name such as 王芳 is printed run by run: the characters DejaVu lacks go to Droid Sans
Fallback (TrueType outlines, which reportlab can embed; most CJK fonts ship CFF outlines,
which it cannot), everything else stays in DejaVu. The fallback is loaded only when a
text needs it, so a Latin letter never pays for it and its bytes do not depend on it.
"""
from __future__ import annotations

from importlib import resources
from threading import Lock
from xml.sax.saxutils import escape

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
OBLIQUE = "DejaVuSans-Oblique"
FALLBACK = "DroidSansFallback"
_FILES = {REGULAR: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf", OBLIQUE: "DejaVuSans-Oblique.ttf",
          FALLBACK: "DroidSansFallback.ttf"}

_lock = Lock()
_coverage: dict[str, frozenset[int]] = {}


def register_fonts() -> str:
    """Register the DejaVu Sans family with reportlab (once); returns the family's name."""
    with _lock:
        _register(REGULAR, BOLD, OBLIQUE)
        # No bold-oblique face is shipped: <b><i> falls back to bold.
        pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=OBLIQUE, boldItalic=BOLD)
    return REGULAR


def _register_fallback() -> None:
    with _lock:
        _register(FALLBACK)
        # One face only: CJK inside bold or italic text prints in its regular weight.
        pdfmetrics.registerFontFamily(FALLBACK, normal=FALLBACK, bold=FALLBACK, italic=FALLBACK,
                                      boldItalic=FALLBACK)


def _register(*names: str) -> None:
    registered = set(pdfmetrics.getRegisteredFontNames())
    folder = resources.files("clinic_desktop").joinpath("resources", "fonts")
    for name in names:
        if name not in registered:
            with resources.as_file(folder.joinpath(_FILES[name])) as path:
                pdfmetrics.registerFont(TTFont(name, str(path)))
        if name not in _coverage:
            _coverage[name] = frozenset(pdfmetrics.getFont(name).face.charToGlyph)


def runs(text: str) -> list[tuple[str, bool]]:
    """``text`` cut into (segment, needs_fallback) runs; spaces join the run they sit in.

    A character neither font has stays with DejaVu (it prints as an empty box, visibly).
    """
    if text.isascii():
        return [(text, False)] if text else []
    register_fonts()
    base = _coverage[REGULAR]
    if all(ord(character) in base for character in text):
        return [(text, False)]
    _register_fallback()
    fallback = _coverage[FALLBACK]
    result: list[tuple[str, bool]] = []
    for character in text:
        code = ord(character)
        if character.isspace() and result:
            wanted = result[-1][1]
        else:
            wanted = code not in base and code in fallback
        if result and result[-1][1] == wanted:
            result[-1] = (result[-1][0] + character, wanted)
        else:
            result.append((character, wanted))
    return result


def markup(text: str) -> str:
    """Plain text as Paragraph markup that prints exactly that text, CJK runs in the fallback face."""
    return "".join(f'<font face="{FALLBACK}">{escape(segment)}</font>' if fallback else escape(segment)
                   for segment, fallback in runs(text))


def text_width(text: str, font: str, size: float) -> float:
    return sum(pdfmetrics.stringWidth(segment, FALLBACK if fallback else font, size)
               for segment, fallback in runs(text))


def draw_text(canvas, x: float, y: float, text: str, font: str, size: float, *, right: bool = False) -> None:
    """canvas.drawString (or drawRightString) with the same per-run fallback as Paragraphs."""
    if right:
        x -= text_width(text, font, size)
    for segment, fallback in runs(text):
        face = FALLBACK if fallback else font
        canvas.setFont(face, size)
        canvas.drawString(x, y, segment)
        x += pdfmetrics.stringWidth(segment, face, size)


def fit(text: str, font: str, size: float, room: float) -> str:
    """text cut with an ellipsis to fit room points, so a long name never runs into the page number."""
    if text_width(text, font, size) <= room:
        return text
    while text and text_width(text + "…", font, size) > room:
        text = text[:-1]
    return text + "…"
