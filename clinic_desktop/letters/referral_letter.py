"""The referral letter: plain data in, PDF bytes out, the same bytes for the same data.

A signed letter's bytes are stored and bound to their SHA-256 (DESIGN.md, "Letters"), so
the renderer reads no clock and runs reportlab in invariant mode: every date it prints
comes in with the letter. Everything a user typed is printed literally, never as markup.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from clinic_desktop.letters.fonts import BOLD, REGULAR, register_fonts

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
DRAFT_MARK = "DRAFT – not signed"

# Who the letter is addressed to, by referral kind (DESIGN.md, "The pathway, as rules").
RECIPIENTS = {
    "standard_physiotherapy": "Physiotherapy service",
    "biopsychosocial": "Biopsychosocial assessment / specialised physiotherapy",
    "pain_spinal_centre": "Specialist pain centre / spinal centre",
    "spinal_surgical": "Spinal surgical service",
    "early_radicular": "Early radicular referral",
    "urgent_red_flag": "URGENT: red-flag referral",
}

_MARGIN = 20 * mm
_INK = colors.HexColor("#1a1a1a")
_MUTED = colors.HexColor("#555555")
_RED = colors.HexColor("#b00020")
_RULE = colors.HexColor("#9a9a9a")
_SHADE = colors.HexColor("#f1f3f5")
_AMBER = colors.HexColor("#fff4d6")
_AMBER_EDGE = colors.HexColor("#c98a00")


@dataclass(frozen=True)
class LetterClinic:
    name: str
    address: str
    telephone: str
    time_zone: str = "Europe/London"  # times on the letter read as the clinic's staff read them


@dataclass(frozen=True)
class LetterPatient:
    name: str
    date_of_birth: date | None
    nhs_number_display: str
    address: str


@dataclass(frozen=True)
class LetterSigner:
    name: str
    role: str
    registration_number: str
    signed_at_utc: datetime
    meaning: str = "referring clinician"


@dataclass(frozen=True)
class ReferralLetter:
    """One version of a referral letter; signer None makes it a draft."""

    clinic: LetterClinic
    patient: LetterPatient
    referral_kind: str
    kind_title: str
    urgent: bool
    due_by: date | None
    reason: str
    history_lines: tuple[str, ...]
    clinician_text: str
    version: int = 1
    amendment_reason: str | None = None
    signer: LetterSigner | None = None


def day_text(day: date | None, weekday: bool = False) -> str:
    """'3 Mar 2025' (or 'Mon 3 Mar 2025'), the same on every locale: Qt sets the C locale's %b."""
    if day is None:
        return "not recorded"
    text = f"{day.day} {MONTHS[day.month - 1]} {day.year}"
    return f"{_WEEKDAYS[day.weekday()]} {text}" if weekday else text


def clinic_time_text(moment: datetime, time_zone: str) -> str:
    """'14 Mar 2025 at 10:32 GMT': an instant as the clinic's staff read it."""
    local = moment.astimezone(ZoneInfo(time_zone))
    return f"{day_text(local.date())} at {local:%H:%M} {local.tzname()}"


def render_referral_letter(letter: ReferralLetter) -> bytes:
    """The letter as A4 PDF bytes; equal letters give identical bytes."""
    register_fonts()
    styles = _styles()
    buffer = io.BytesIO()
    document = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=_MARGIN,
        rightMargin=_MARGIN,
        topMargin=16 * mm,
        bottomMargin=22 * mm,
        title=f"Referral letter: {letter.kind_title}",
        author=letter.clinic.name,
        subject=f"Referral letter version {letter.version}",
        creator="Clinic Desktop",
        invariant=1,
    )
    # No frame padding: tables and paragraphs share one left edge, the margin.
    frame = Frame(document.leftMargin, document.bottomMargin, document.width, document.height,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    document.addPageTemplates([PageTemplate("letter", frames=[frame])])
    document.build(_story(letter, styles, document.width), canvasmaker=_footer_canvas(letter))
    return buffer.getvalue()


def _story(letter: ReferralLetter, styles: dict[str, ParagraphStyle], width: float) -> list:
    story = [_letterhead(letter.clinic, styles, width), Spacer(1, 5 * mm)]
    if letter.version > 1:
        story += [_amendment_banner(letter, styles, width), Spacer(1, 4 * mm)]
    story += _addressing(letter, styles, width)
    story += [_patient_block(letter.patient, styles, width), Spacer(1, 4 * mm)]
    story += _section("Reason for referral", _paragraphs(letter.reason, styles["body"]), styles)
    story.append(Paragraph(_urgency_text(letter), styles["urgent" if letter.urgent else "body"]))
    history = letter.history_lines or ("No pathway history recorded.",)
    story += _section("Pathway history", [Paragraph(_literal(line), styles["bullet"], bulletText="•")
                                          for line in history], styles)
    text = _paragraphs(letter.clinician_text, styles["body"]) or [
        Paragraph("(No letter text written yet.)", styles["muted"])]
    story += _section("Clinical summary and request", text, styles)
    story += [Spacer(1, 4 * mm), _signature_block(letter, styles, width)]
    return story


def _letterhead(clinic: LetterClinic, styles, width: float) -> Table:
    contact = _literal(clinic.address)
    if clinic.telephone.strip():
        contact += ("<br/>" if contact else "") + "Telephone: " + _literal(clinic.telephone)
    table = Table(
        [[Paragraph(_literal(clinic.name), styles["clinic"]), Paragraph(contact, styles["contact"])]],
        colWidths=[width * 0.55, width * 0.45],
    )
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, _RULE),
    ]))
    return table


def _amendment_banner(letter: ReferralLetter, styles, width: float) -> Table:
    reason = _literal(letter.amendment_reason or "") or "(no reason given)"
    text = (f"<b>AMENDED LETTER – version {letter.version}.</b> This version replaces version "
            f"{letter.version - 1}, which is kept on record.<br/><b>Reason for amendment:</b> {reason}")
    return _boxed(Paragraph(text, styles["body"]), width, _AMBER, _AMBER_EDGE)


def _addressing(letter: ReferralLetter, styles, width: float) -> list:
    if letter.signer:
        dated = day_text(letter.signer.signed_at_utc.astimezone(ZoneInfo(letter.clinic.time_zone)).date())
    else:
        dated = "(set when signed)"
    recipient = RECIPIENTS.get(letter.referral_kind, letter.kind_title)
    to = [Paragraph("To", styles["label"]),
          Paragraph(_literal(recipient), styles["recipient_urgent" if letter.urgent else "recipient"])]
    row = Table([[to, Paragraph(f"Date: {escape(dated)}", styles["right"])]],
                colWidths=[width * 0.62, width * 0.38])
    row.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
    ]))
    return [row, Spacer(1, 2 * mm), Paragraph(f"Referral: {_literal(letter.kind_title)}", styles["title"])]


def _patient_block(patient: LetterPatient, styles, width: float) -> Table:
    rows = [
        ("Patient", patient.name),
        ("Date of birth", day_text(patient.date_of_birth)),
        ("NHS number", patient.nhs_number_display or "not recorded"),
        ("Address", patient.address or "not recorded"),
    ]
    table = Table([[Paragraph(label, styles["label_cell"]), Paragraph(_literal(value), styles["body"])]
                   for label, value in rows], colWidths=[32 * mm, width - 32 * mm])
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, -1), _SHADE),
        ("BOX", (0, 0), (-1, -1), 0.5, _RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 6),
    ]))
    return table


def _urgency_text(letter: ReferralLetter) -> str:
    due = day_text(letter.due_by, weekday=True)
    if letter.urgent:
        return f"<b>Urgency: URGENT</b> – please see the patient by {due}."
    return f"<b>Urgency:</b> routine – please see the patient no later than {due}."


def _signature_block(letter: ReferralLetter, styles, width: float):
    signer = letter.signer
    if signer is None:
        text = (f"<b>{DRAFT_MARK}</b><br/>This letter must not be sent until the referring clinician "
                "has signed it electronically.")
        return KeepTogether([_boxed(Paragraph(text, styles["draft"]), width, colors.white, _RED)])
    body = styles["tight"]
    cells = [
        [Paragraph(f"<b>Signed electronically by {_literal(signer.name)} as {_literal(signer.meaning)}</b>",
                   body), ""],
        [Paragraph(f"Name: {_literal(signer.name)}", body),
         Paragraph(f"Registration number: {_literal(signer.registration_number)}", body)],
        [Paragraph(f"Role: {_literal(signer.role)}", body),
         Paragraph(f"Signed: {escape(clinic_time_text(signer.signed_at_utc, letter.clinic.time_zone))}", body)],
    ]
    table = Table(cells, colWidths=[width * 0.42, width * 0.58])
    table.setStyle(TableStyle([
        ("SPAN", (0, 0), (-1, 0)),
        ("BACKGROUND", (0, 0), (-1, -1), _SHADE),
        ("BOX", (0, 0), (-1, -1), 1, _RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("TOPPADDING", (0, 0), (-1, 0), 6),
        ("BOTTOMPADDING", (0, -1), (-1, -1), 7),
        ("LEFTPADDING", (0, 0), (-1, -1), 8),
    ]))
    return KeepTogether([table])


def _boxed(paragraph: Paragraph, width: float, background, edge) -> Table:
    table = Table([[paragraph]], colWidths=[width])
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, -1), background),
        ("BOX", (0, 0), (-1, -1), 1, edge),
        ("TOPPADDING", (0, 0), (-1, -1), 6),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
        ("LEFTPADDING", (0, 0), (-1, -1), 8),
        ("RIGHTPADDING", (0, 0), (-1, -1), 8),
    ]))
    return table


def _section(heading: str, flowables: list, styles) -> list:
    return [Paragraph(heading, styles["heading"]), *flowables]


def _paragraphs(text: str, style: ParagraphStyle) -> list[Paragraph]:
    """Blank lines separate paragraphs; a single line break is kept as typed."""
    blocks = _normalised(text).split("\n\n")
    return [Paragraph(_literal(block.strip("\n")), style) for block in blocks if block.strip()]


def _literal(text: str) -> str:
    """Text as Paragraph markup that prints exactly what was typed (no tags, no entities)."""
    return escape(_normalised(text).strip()).replace("\n", "<br/>")


def _normalised(text: str | None) -> str:
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")


def _styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=REGULAR, fontSize=10.5, leading=14.5, textColor=_INK,
                          spaceAfter=5)
    return {
        "body": body,
        "muted": ParagraphStyle("muted", body, textColor=_MUTED),
        "tight": ParagraphStyle("tight", body, spaceAfter=0),
        "clinic": ParagraphStyle("clinic", body, fontName=BOLD, fontSize=16, leading=20),
        "contact": ParagraphStyle("contact", body, fontSize=9.5, leading=12.5, alignment=TA_RIGHT,
                                  textColor=_MUTED, spaceAfter=0),
        "right": ParagraphStyle("right", body, alignment=TA_RIGHT),
        "label": ParagraphStyle("label", body, fontSize=9, leading=11, textColor=_MUTED, spaceAfter=1),
        "label_cell": ParagraphStyle("label_cell", body, fontName=BOLD, spaceAfter=0),
        "recipient": ParagraphStyle("recipient", body, fontName=BOLD, fontSize=12, leading=15),
        "recipient_urgent": ParagraphStyle("recipient_urgent", body, fontName=BOLD, fontSize=12,
                                           leading=15, textColor=_RED),
        "title": ParagraphStyle("title", body, fontName=BOLD, fontSize=13, leading=17, spaceAfter=6),
        "heading": ParagraphStyle("heading", body, fontName=BOLD, fontSize=11, leading=14,
                                  spaceBefore=7, spaceAfter=3),
        "urgent": ParagraphStyle("urgent", body, textColor=_RED),
        "bullet": ParagraphStyle("bullet", body, leftIndent=12, bulletIndent=2, spaceAfter=2),
        "draft": ParagraphStyle("draft", body, textColor=_RED, fontSize=11, leading=15, spaceAfter=0),
    }


def _footer_canvas(letter: ReferralLetter):
    """A canvas class that holds back every page until the end, then stamps "Page x of y"."""
    identity = f"{letter.patient.name} · NHS number {letter.patient.nhs_number_display or 'not recorded'}"
    middle = DRAFT_MARK if letter.signer is None else f"Letter version {letter.version}"

    class FooterCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for number, page in enumerate(self._pages, start=1):
                self.__dict__.update(page)
                _draw_footer(self, identity, middle, f"Page {number} of {total}", letter.signer is None)
                super().showPage()
            super().save()

    return FooterCanvas


def _draw_footer(canvas: Canvas, identity: str, middle: str, page: str, draft: bool) -> None:
    """Patient identity on the left; draft mark or version, then the page number, on the right."""
    width, _ = A4
    y = 14 * mm
    size = 8.5
    canvas.saveState()
    canvas.setStrokeColor(_RULE)
    canvas.setLineWidth(0.5)
    canvas.line(_MARGIN, y + 4.5 * mm, width - _MARGIN, y + 4.5 * mm)
    canvas.setFont(REGULAR, size)
    canvas.setFillColor(_MUTED)
    right = width - _MARGIN
    canvas.drawRightString(right, y, page)
    right -= stringWidth(page, REGULAR, size) + 6 * mm
    middle_font = BOLD if draft else REGULAR
    canvas.setFont(middle_font, size)
    canvas.setFillColor(_RED if draft else _MUTED)
    canvas.drawRightString(right, y, middle)
    right -= stringWidth(middle, middle_font, size) + 6 * mm
    canvas.setFont(REGULAR, size)
    canvas.setFillColor(_MUTED)
    canvas.drawString(_MARGIN, y, _fit(identity, REGULAR, size, right - _MARGIN))
    if draft:
        canvas.setFont(BOLD, 10)
        canvas.setFillColor(_RED)
        canvas.drawRightString(width - _MARGIN, A4[1] - 9 * mm, DRAFT_MARK)
    canvas.restoreState()


def _fit(text: str, font: str, size: float, room: float) -> str:
    """text cut with an ellipsis to fit room points, so a long name never runs into the page number."""
    if stringWidth(text, font, size) <= room:
        return text
    while text and stringWidth(text + "…", font, size) > room:
        text = text[:-1]
    return text + "…"
