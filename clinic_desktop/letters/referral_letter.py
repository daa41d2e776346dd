"""The referral letter: plain data in, PDF bytes out, the same bytes for the same data.

A signed letter's bytes are stored and bound to their SHA-256 (DESIGN.md, "Letters"), so
the renderer reads no clock and runs reportlab in invariant mode: every date it prints
comes in with the letter. Everything a user typed is printed literally, never as markup.
"""
from __future__ import annotations

from zoneinfo import ZoneInfo

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table

from clinic_desktop.letters.fonts import BOLD, REGULAR, draw_text, fit, text_width
from clinic_desktop.letters.layout import (
    AMBER,
    AMBER_EDGE,
    FOOTER_SIZE,
    MARGIN,
    MUTED,
    RED,
    RULE,
    SHADE,
    boxed,
    build_pdf,
    letterhead,
    literal,
    paragraphs,
    ruled_footer,
    styles,
    table_style,
    text_width_available,
)
from clinic_desktop.letters.letter_data import (
    HistoryEntry,
    LetterClinic,
    LetterPatient,
    LetterRecipient,
    LetterSigner,
    PlanDetails,
    ReferralLetter,
    clinic_time_text,
    day_text,
)
from clinic_desktop.letters.wording import wording
from clinic_desktop.pathway.care_options import LIFESTYLE_CHANGES, TREATMENTS

__all__ = ["DRAFT_MARK", "HistoryEntry", "LetterClinic", "LetterPatient", "LetterRecipient", "LetterSigner",
           "ReferralLetter", "clinic_time_text", "day_text", "render_referral_letter"]

DRAFT_MARK = "DRAFT – not signed"


def render_referral_letter(letter: ReferralLetter) -> bytes:
    """The letter as A4 PDF bytes; equal letters give identical bytes."""
    story = _story(letter, styles(), text_width_available())
    return build_pdf(story, _footer(letter), title=f"Referral letter: {letter.kind_title}",
                     author=letter.clinic.name, subject=f"Referral letter version {letter.version}",
                     keywords=letter.keywords)


def _story(letter: ReferralLetter, style, width: float) -> list:
    story = [letterhead(letter.clinic, style, width), Spacer(1, 4 * mm)]
    if letter.version > 1:
        story += [_amendment_banner(letter, style, width), Spacer(1, 4 * mm)]
    story += _addressing(letter, style, width)
    story += [_patient_block(letter.patient, style, width), Spacer(1, 2.5 * mm)]
    story.append(Paragraph(literal(wording(letter.referral_kind).request), style["body"]))
    story += _section("Reason for referral", paragraphs(letter.reason, style["body"]), style)
    if letter.requested_options:
        story.append(Paragraph("We ask you to consider:", style["tight"]))
        story += [Paragraph(literal(option), style["bullet"], bulletText="•") for option in letter.requested_options]
        story.append(Spacer(1, 1.5 * mm))
    story.append(Paragraph(_urgency_text(letter), style["urgent" if letter.urgent else "body"]))
    story += _section("Pathway history", [_history_table(letter.history, style, width)], style)
    if letter.plan is not None:
        story += _section("Management plan", [_history_table(_plan_entries(letter.plan), style, width)], style)
    text = paragraphs(letter.clinician_text, style["body"]) or [
        Paragraph("(No letter text written yet.)", style["muted"])]
    # The closing words go over the page with the signature, which never stands alone.
    story += _section("From the referring clinician", text[:-1], style)
    story.append(KeepTogether([text[-1], Spacer(1, 3 * mm), _signature_block(letter, style, width)]))
    return story


def _amendment_banner(letter: ReferralLetter, style, width: float) -> Table:
    reason = literal(letter.amendment_reason) or "(no reason given)"
    text = (f"<b>AMENDMENT – version {letter.version} of this letter.</b> It replaces version "
            f"{letter.version - 1}, which is kept on record.<br/><b>Reason for amendment:</b> {reason}")
    return boxed(Paragraph(text, style["tight"]), width, AMBER, AMBER_EDGE)


def _addressing(letter: ReferralLetter, style, width: float) -> list:
    to = [Paragraph("To", style["label"])] + _recipient_lines(letter, style, width * 0.62)
    if letter.signer:
        dated = day_text(letter.signer.signed_at_utc.astimezone(ZoneInfo(letter.clinic.time_zone)).date())
    else:
        dated = "(set when signed)"
    right = [Paragraph(f"Date: {dated}", style["right"])]
    if letter.referral_id is not None:
        right.append(Paragraph(f"Our reference: referral {letter.referral_id}", style["right"]))
    row = Table([[to, right]], colWidths=[width * 0.62, width * 0.38])
    row.setStyle(table_style([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (1, 0), (1, 0), 11),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
    ]))
    title = f"URGENT referral: {literal(letter.kind_title)}" if letter.urgent else \
        f"Referral: {literal(letter.kind_title)}"
    return [row, Spacer(1, 3 * mm), Paragraph(title, style["title_urgent" if letter.urgent else "title"])]


def _recipient_lines(letter: ReferralLetter, style, room: float) -> list[Paragraph]:
    recipient = letter.recipient
    if recipient is None:
        return [Paragraph(literal(wording(letter.referral_kind).service), style["recipient"])]
    lines = [Paragraph(literal(recipient.name), style["recipient"])]
    contact = [literal(text) for text in (recipient.department, recipient.address) if text.strip()]
    reach = [f"{label}: {text.strip()}" for label, text in (("Telephone", recipient.telephone),
                                                            ("Email", recipient.email)) if text.strip()]
    address = style["address"]
    if len(reach) == 2 and text_width(" · ".join(reach), address.fontName, address.fontSize) < room:
        reach = [" · ".join(reach)]
    contact += [literal(line) for line in reach]
    if contact:
        lines.append(Paragraph("<br/>".join(contact), style["address"]))
    return lines


def _patient_block(patient: LetterPatient, style, width: float) -> Table:
    label, value = style["label_cell"], style["tight"]
    def cell(text: str | None) -> Paragraph:
        return Paragraph(literal(text or "not recorded"), value)

    interpreter = f"needed: {patient.interpreter_language}" if patient.interpreter_language else "not needed"
    # Beside the identity, what the receiving service needs to call the patient and their GP,
    # in pairs, so that it costs the typical letter one line.
    cells = [
        [Paragraph("Patient", label), cell(patient.name), Paragraph("NHS number", label),
         cell(patient.nhs_number_display)],
        [Paragraph("Date of birth", label), Paragraph(day_text(patient.date_of_birth), value),
         Paragraph("Sex", label), cell(patient.sex.capitalize() if patient.sex else None)],
        [Paragraph("Address", label), cell(patient.address), Paragraph("Telephone", label),
         cell("\n".join(patient.phones))],  # a line a number: a number broken in two gets misdialled
        [Paragraph("GP practice", label), cell(patient.gp_practice), Paragraph("Interpreter", label),
         cell(interpreter)],
    ]
    table = Table(cells, colWidths=[30 * mm, 45 * mm, 31 * mm, width - 106 * mm])
    table.setStyle(table_style([
        ("BACKGROUND", (0, 0), (-1, -1), SHADE),
        ("BOX", (0, 0), (-1, -1), 0.5, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("TOPPADDING", (0, 0), (-1, 0), 5),
        ("BOTTOMPADDING", (0, -1), (-1, -1), 5),
        ("LEFTPADDING", (0, 0), (-1, -1), 6),
    ]))
    return table


def _urgency_text(letter: ReferralLetter) -> str:
    due = day_text(letter.due_by, weekday=True)
    if letter.urgent:
        return f"<b>Urgency: URGENT</b> – please see the patient by {due}."
    return f"<b>Urgency:</b> routine – please see the patient no later than {due}."


def _history_table(history: tuple[HistoryEntry, ...], style, width: float):
    if not history:
        return Paragraph("No pathway history recorded.", style["muted"])
    rows = [[Paragraph(literal(entry.label), style["label_cell"]),
             Paragraph("<br/>".join(literal(line) for line in entry.lines) or "–", style["tight"])]
            for entry in history]
    table = Table(rows, colWidths=[46 * mm, width - 46 * mm])
    table.setStyle(table_style([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -2), 0.3, colors.HexColor("#d5d8dc")),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (0, -1), 6),
    ]))
    return table


def _plan_entries(plan: PlanDetails) -> tuple[HistoryEntry, ...]:
    """The plan agreed with the patient, in the rows the pathway history uses."""
    lifestyle = [LIFESTYLE_CHANGES[key] for key in plan.lifestyle]
    if plan.bmi:
        lifestyle.append(f"BMI {plan.bmi}")
    return (HistoryEntry("Agreed", (f"{day_text(plan.agreed_on)} with {plan.agreed_by}",)),
            HistoryEntry("Patient's goals", tuple(line for line in plan.goals.splitlines() if line.strip())),
            HistoryEntry("Treatments", tuple(TREATMENTS[key] for key in plan.treatments) or ("none chosen",)),
            HistoryEntry("Lifestyle", tuple(lifestyle) or ("none chosen",)))


def _signature_block(letter: ReferralLetter, style, width: float):
    signer = letter.signer
    if signer is None:
        text = (f"<b>{DRAFT_MARK}</b><br/>This letter must not be sent until the referring clinician "
                "has signed it electronically.")
        return boxed(Paragraph(text, style["draft"]), width, colors.white, RED)
    body = style["tight"]
    meaning = literal(signer.meaning)
    cells = [
        [Paragraph(f"<b>Signed electronically by {literal(signer.name)} as {meaning}</b>", body), ""],
        [Paragraph(f"Role: {literal(signer.role)}", body),
         Paragraph(f"Registration number: {literal(signer.registration_number)}", body)],
        [Paragraph(f"Signed: {clinic_time_text(signer.signed_at_utc, letter.clinic.time_zone)}", body), ""],
        [Paragraph(f"Signed electronically: the {meaning} re-entered their password in Clinic Desktop to sign "
                   f"letter version {letter.version} with a digital signature; a PDF reader's signature panel "
                   "shows whether the file was changed.", style["small"]), ""],
    ]
    table = Table(cells, colWidths=[width * 0.42, width * 0.58])
    table.setStyle(table_style([
        ("SPAN", (0, 0), (-1, 0)),
        ("SPAN", (0, -1), (-1, -1)),
        ("BACKGROUND", (0, 0), (-1, -1), SHADE),
        ("BOX", (0, 0), (-1, -1), 1, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("TOPPADDING", (0, 0), (-1, 0), 6),
        ("TOPPADDING", (0, -1), (-1, -1), 5),
        ("BOTTOMPADDING", (0, -1), (-1, -1), 7),
        ("LEFTPADDING", (0, 0), (-1, -1), 8),
        ("RIGHTPADDING", (0, 0), (-1, -1), 8),
    ]))
    return table


def _section(heading: str, flowables: list, style) -> list:
    return [Paragraph(heading, style["heading"]), *flowables]


def _footer(letter: ReferralLetter):
    """Patient identity on the left; draft mark, amendment or version, then the page number, on the right."""
    identity = f"{letter.patient.name} · NHS number {letter.patient.nhs_number_display or 'not recorded'}"
    draft = letter.signer is None
    if draft:
        middle = DRAFT_MARK
    elif letter.version > 1:
        middle = f"Amendment · letter version {letter.version}"
    else:
        middle = f"Letter version {letter.version}"

    def footer(canvas: Canvas, number: int, total: int) -> None:
        width, height = A4
        y = 14 * mm
        size = FOOTER_SIZE
        with ruled_footer(canvas, y, f"Page {number} of {total}") as right:
            right -= 6 * mm
            middle_font = BOLD if draft else REGULAR
            canvas.setFillColor(RED if draft else MUTED)
            draw_text(canvas, right, y, middle, middle_font, size, right=True)
            right -= text_width(middle, middle_font, size) + 6 * mm
            canvas.setFillColor(MUTED)
            draw_text(canvas, MARGIN, y, fit(identity, REGULAR, size, right - MARGIN), REGULAR, size)
            if draft:
                canvas.setFillColor(RED)
                draw_text(canvas, width - MARGIN, height - 9 * mm, DRAFT_MARK, BOLD, 10, right=True)

    return footer
