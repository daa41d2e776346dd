"""What every printed document shares: the page, the letterhead, the styles and the footer.

Documents are rendered in reportlab's invariant mode and read no clock: every date they
print comes in with their data, so the same data gives the same bytes (a signed letter's
bytes are bound to their SHA-256). Everything a user typed goes through ``literal``.
"""
from __future__ import annotations

import io
from contextlib import contextmanager
from typing import Callable, Iterator

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, Image, PageTemplate, Paragraph, Table, TableStyle

from clinic_desktop.letters.fonts import BOLD, REGULAR, draw_text, fit, markup, register_fonts, text_width
from clinic_desktop.letters.letter_data import LetterClinic, clinic_time_text, day_text  # noqa: F401 (also here, where they were)

MARGIN = 20 * mm
INK = colors.HexColor("#1a1a1a")
MUTED = colors.HexColor("#555555")
RED = colors.HexColor("#b00020")
RULE = colors.HexColor("#9a9a9a")
SHADE = colors.HexColor("#f1f3f5")
AMBER = colors.HexColor("#fff4d6")
AMBER_EDGE = colors.HexColor("#c98a00")
_LOGO_HEIGHT = 18 * mm
_LOGO_MAX_WIDTH = 45 * mm


def literal(text: str | None) -> str:
    """Text as Paragraph markup that prints exactly what was typed (no tags, no entities)."""
    return "<br/>".join(markup(line) for line in normalised(text).strip().split("\n"))


def paragraphs(text: str | None, style: ParagraphStyle) -> list[Paragraph]:
    """Blank lines separate paragraphs; a single line break is kept as typed."""
    blocks = normalised(text).split("\n\n")
    return [Paragraph(literal(block.strip("\n")), style) for block in blocks if block.strip()]


def normalised(text: str | None) -> str:
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")


def styles() -> dict[str, ParagraphStyle]:
    """The paragraph styles; registers the fonts first, as a Paragraph resolves its font when made."""
    register_fonts()
    body = ParagraphStyle("body", fontName=REGULAR, bulletFontName=REGULAR, fontSize=10, leading=13.5, textColor=INK,
                          spaceAfter=3.5)
    return {
        "body": body,
        "muted": ParagraphStyle("muted", body, textColor=MUTED),
        "small": ParagraphStyle("small", body, fontSize=8.5, leading=11.5, textColor=MUTED, spaceAfter=0),
        "tight": ParagraphStyle("tight", body, spaceAfter=0),
        "address": ParagraphStyle("address", body, fontSize=9.5, leading=12.5, spaceAfter=0),
        "clinic": ParagraphStyle("clinic", body, fontName=BOLD, fontSize=16, leading=20, spaceAfter=0),
        "contact": ParagraphStyle("contact", body, fontSize=9.5, leading=12.5, alignment=TA_RIGHT,
                                  textColor=MUTED, spaceAfter=0),
        "right": ParagraphStyle("right", body, alignment=TA_RIGHT, spaceAfter=0),
        "label": ParagraphStyle("label", body, fontSize=9, leading=11, textColor=MUTED, spaceAfter=1),
        "label_cell": ParagraphStyle("label_cell", body, fontName=BOLD, spaceAfter=0),
        "recipient": ParagraphStyle("recipient", body, fontName=BOLD, fontSize=12, leading=15, spaceAfter=1),
        "title": ParagraphStyle("title", body, fontName=BOLD, fontSize=13, leading=17, spaceAfter=6),
        "title_urgent": ParagraphStyle("title_urgent", body, fontName=BOLD, fontSize=13, leading=17,
                                       spaceAfter=6, textColor=RED),
        "heading": ParagraphStyle("heading", body, fontName=BOLD, fontSize=11, leading=14, spaceBefore=5,
                                  spaceAfter=2, keepWithNext=1),
        "urgent": ParagraphStyle("urgent", body, textColor=RED),
        "bullet": ParagraphStyle("bullet", body, leftIndent=12, bulletIndent=2, spaceAfter=2),
        "draft": ParagraphStyle("draft", body, textColor=RED, fontSize=11, leading=15, spaceAfter=0),
    }


def patient_styles() -> dict[str, ParagraphStyle]:
    """The styles of a page the patient reads (the leaflet, their plan): larger text, a large title."""
    style = styles()
    body = ParagraphStyle("patient_body", style["body"], fontSize=10.5, leading=14, spaceAfter=2)
    style.update(
        body=body,
        heading=ParagraphStyle("patient_heading", style["heading"], fontSize=12, leading=15, spaceBefore=6,
                               spaceAfter=2),
        page_title=ParagraphStyle("page_title", body, fontName=BOLD, fontSize=18, leading=23, spaceAfter=2),
        muted=ParagraphStyle("patient_muted", body, textColor=MUTED),
    )
    return style


def letterhead(clinic: LetterClinic, style: dict[str, ParagraphStyle], width: float) -> Table:
    """Logo (if any) and clinic name on the left, address and telephone on the right, a rule below."""
    lines = [line for line in normalised(clinic.address).strip().split("\n") if line.strip()]
    if clinic.telephone.strip():
        lines.append(f"Telephone: {clinic.telephone.strip()}")
    contact_style = style["contact"]
    # The contact column is as wide as its longest line (at most 40 %), the name gets the rest.
    contact_width = min(width * 0.4, max((text_width(line.strip(), contact_style.fontName, contact_style.fontSize)
                                          for line in lines), default=0) + 2 * mm)
    contact = Paragraph("<br/>".join(literal(line) for line in lines), contact_style)
    name = Paragraph(literal(clinic.name), style["clinic"])
    logo = _logo(clinic.logo)
    if logo is None:
        row, widths = [name, contact], [width - contact_width, contact_width]
    else:
        room = logo.drawWidth + 5 * mm
        row, widths = [logo, name, contact], [room, width - contact_width - room, contact_width]
    table = Table([row], colWidths=widths)
    table.setStyle(table_style([
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE" if logo else "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (-2, 0), (-2, 0), 4 * mm),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, RULE),
    ]))
    return table


def _logo(data: bytes | None) -> Image | None:
    """The logo scaled to the letterhead's height (narrower if very wide); None when absent."""
    if not data:
        return None
    pixels_wide, pixels_high = ImageReader(io.BytesIO(data)).getSize()
    scale = min(_LOGO_HEIGHT / pixels_high, _LOGO_MAX_WIDTH / pixels_wide)
    return Image(io.BytesIO(data), width=pixels_wide * scale, height=pixels_high * scale)


def table_style(commands: list) -> TableStyle:
    """A TableStyle whose cells start in DejaVu: reportlab's default, Helvetica, is not embedded."""
    return TableStyle([("FONT", (0, 0), (-1, -1), REGULAR, 10), *commands])


def boxed(content, width: float, background, edge, padding: float = 8) -> Table:
    table = Table([[content]], colWidths=[width])
    table.setStyle(table_style([
        ("BACKGROUND", (0, 0), (-1, -1), background),
        ("BOX", (0, 0), (-1, -1), 1, edge),
        ("TOPPADDING", (0, 0), (-1, -1), 6),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
        ("LEFTPADDING", (0, 0), (-1, -1), padding),
        ("RIGHTPADDING", (0, 0), (-1, -1), padding),
    ]))
    return table


# footer(canvas, page_number, page_count) draws what every page carries.
Footer = Callable[[Canvas, int, int], None]
FOOTER_SIZE = 8.5


@contextmanager
def ruled_footer(canvas: Canvas, y: float, page: str) -> Iterator[float]:
    """Every page's footer: a rule, then "Page x of y" at the right, in the muted colour.

    Yields where the page number starts, so the caller fits its own words to the left of
    it; the canvas is restored afterwards.
    """
    width, _ = A4
    canvas.saveState()
    try:
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN, y + 4.5 * mm, width - MARGIN, y + 4.5 * mm)
        canvas.setFillColor(MUTED)
        draw_text(canvas, width - MARGIN, y, page, REGULAR, FOOTER_SIZE, right=True)
        yield width - MARGIN - text_width(page, REGULAR, FOOTER_SIZE)
    finally:
        canvas.restoreState()


def identity_footer(text: str) -> Footer:
    """A footer naming the document (and the patient, if any) on every page, beside its number."""
    def footer(canvas: Canvas, number: int, total: int) -> None:
        y = 12 * mm
        with ruled_footer(canvas, y, f"Page {number} of {total}"):
            room = A4[0] - 2 * MARGIN - 30 * mm
            draw_text(canvas, MARGIN, y, fit(text, REGULAR, FOOTER_SIZE, room), REGULAR, FOOTER_SIZE)

    return footer


def build_pdf(story: list, footer: Footer, *, title: str, author: str, subject: str,
              top_margin: float = 15 * mm, bottom_margin: float = 22 * mm, keywords: str = "") -> bytes:
    """The story as A4 PDF bytes, every page stamped by ``footer`` once the page count is known.

    ``keywords``: what the document's Keywords entry carries (a letter's identity, which its
    signature then covers)."""
    register_fonts()
    buffer = io.BytesIO()
    document = BaseDocTemplate(buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=top_margin,
                               bottomMargin=bottom_margin, title=title, author=author, subject=subject,
                               creator="Clinic Desktop", keywords=keywords, invariant=1)
    # No frame padding: tables and paragraphs share one left edge, the margin.
    frame = Frame(document.leftMargin, document.bottomMargin, document.width, document.height,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    document.addPageTemplates([PageTemplate("page", frames=[frame])])
    document.build(story, canvasmaker=_counting_canvas(footer))
    return buffer.getvalue()


def text_width_available() -> float:
    return A4[0] - 2 * MARGIN


def _counting_canvas(footer: Footer):
    """A canvas class that holds back every page until the end, then stamps "Page x of y"."""

    class CountingCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            # Start in an embedded font, so the file names no font it does not carry.
            kwargs["initialFontName"] = REGULAR
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for number, page in enumerate(self._pages, start=1):
                self.__dict__.update(page)
                footer(self, number, total)
                super().showPage()
            super().save()

    return CountingCanvas
