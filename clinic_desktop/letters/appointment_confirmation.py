"""The appointment confirmation handed (or sent) to the patient after booking.

One A4 page under the clinic's letterhead, as the leaflet and the plan: when (the day,
date and time in the clinic's zone), where, with whom, what the appointment is in the
patient's words, what to bring and how to cancel or change it. Nothing clinical beyond
that: the page may be left on a kitchen table or read by someone else.
"""
from __future__ import annotations

from zoneinfo import ZoneInfo

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table

from clinic_desktop.letters.fonts import BOLD
from clinic_desktop.letters.layout import (
    MUTED,
    RULE,
    SHADE,
    boxed,
    build_pdf,
    identity_footer,
    letterhead,
    literal,
    patient_styles,
    table_style,
    text_width_available,
)
from clinic_desktop.letters.letter_data import AppointmentConfirmation, day_text

TITLE = "Your appointment"

# models/appointments.APPOINTMENT_KINDS, as the patient reads them.
KIND_WORDS = {
    "two_week_review": "A check on how your back is getting on, about two weeks after we first saw you.",
    "medication_review": "A check on the medicine you were given for your back, and whether you still need it.",
    "twelve_week_review": "A check on how your back is getting on, about twelve weeks after we first saw you.",
    "follow_up": "A follow-up appointment about your back.",
}
BRING = (
    "the medicines you take, or a list of them",
    "any questions you would like to ask",
    "your glasses, if you need them to read",
    "your pain diary, if you keep one",
)
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


def render_appointment_confirmation(confirmation: AppointmentConfirmation) -> bytes:
    """The confirmation as one A4 page of PDF bytes; equal confirmations give identical bytes."""
    style = _confirmation_styles()
    width = text_width_available()
    clinic = confirmation.clinic
    story = [letterhead(clinic, style, width), Spacer(1, 6 * mm),
             Paragraph(TITLE, style["page_title"]),
             Paragraph(f"For {literal(confirmation.patient_name)}, printed {day_text(confirmation.printed_on)}",
                       style["muted"]),
             Spacer(1, 4 * mm),
             _details(confirmation, style, width),
             Spacer(1, 5 * mm),
             Paragraph("Please bring", style["heading"]),
             *(Paragraph(item, style["item"], bulletText="•") for item in BRING),
             Paragraph("If you cannot come", style["heading"]),
             Paragraph(_cancel_wording(confirmation), style["body"]),
             Paragraph("If your back gets much worse before then, do not wait for this appointment: call us, "
                       "or NHS\u00a0111.", style["body"])]
    return build_pdf(story, identity_footer(confirmation.patient_identity),
                     title=f"{TITLE}: {confirmation.patient_name}", author=clinic.name,
                     subject="Appointment confirmation", bottom_margin=20 * mm)


def when_text(confirmation: AppointmentConfirmation) -> str:
    """ "Tuesday 1 December 2026 at 10:00" in the clinic's zone (the time on the clinic's clocks)."""
    zone = ZoneInfo(confirmation.clinic.time_zone)
    starts = confirmation.starts_at.astimezone(zone)
    return f"{_DAYS[starts.weekday()]} {starts.day} {_MONTHS[starts.month - 1]} {starts.year} at {starts:%H:%M}"


def _details(confirmation: AppointmentConfirmation, style, width: float) -> Table:
    """When, where, with whom and what, a row each, in a shaded box."""
    clinic = confirmation.clinic
    minutes = round((confirmation.ends_at - confirmation.starts_at).total_seconds() / 60)
    where = "<br/>".join(literal(line) for line in [clinic.name, *clinic.address.strip().split("\n")] if line.strip())
    rows = [
        ("When", f"<b>{when_text(confirmation)}</b><br/>The appointment lasts about {minutes} minutes."),
        ("Where", where),
        ("With", f"{literal(confirmation.clinician_name)}, {literal(confirmation.clinician_title)}"),
        ("What for", KIND_WORDS[confirmation.kind]),
    ]
    label_width = 28 * mm
    table = Table([[Paragraph(label, style["label_cell"]), Paragraph(text, style["detail"])] for label, text in rows],
                  colWidths=[label_width, width - label_width - 20])
    table.setStyle(table_style([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                ("BOTTOMPADDING", (0, 0), (-1, -1), 6)]))
    return boxed([table], width, SHADE, RULE, padding=10)


def _cancel_wording(confirmation: AppointmentConfirmation) -> str:
    clinic = confirmation.clinic
    telephone = clinic.telephone.strip()
    # The number is kept on one line: a number broken across two is easily misdialled.
    number = literal(telephone).replace(" ", "\u00a0")
    call = f"call {literal(clinic.name)} on <b>{number}</b>" if telephone else f"contact {literal(clinic.name)}"
    return (f"If you need to cancel or change this appointment, please {call}. Please tell us at least "
            "24 hours before, so that we can offer the time to someone else.")


def _confirmation_styles() -> dict[str, ParagraphStyle]:
    style = patient_styles()
    body = style["body"]
    style.update(
        heading=ParagraphStyle("confirmation_heading", style["heading"], spaceBefore=8, spaceAfter=3),
        detail=ParagraphStyle("detail", body, fontSize=11.5, leading=15.5, spaceAfter=0),
        label_cell=ParagraphStyle("confirmation_label", body, fontName=BOLD, fontSize=11.5, leading=15.5,
                                  textColor=MUTED, spaceAfter=0),
        item=ParagraphStyle("item", body, leftIndent=12, bulletIndent=2, spaceAfter=2),
    )
    return style
