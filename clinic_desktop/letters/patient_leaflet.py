"""The one-page self-management leaflet a patient takes home after their first contact.

The advice is the first step of the stepped-care pathway (reference/back-pain-stepped-care.txt,
"Initial Management" and "Lifestyle Modifications"), written for the patient: each lifestyle
change the source lists, no bed rest, heat, simple pain relief, the self-care resources the
clinician gave at first contact, and when to get help at once.
"""
from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table

from clinic_desktop.letters.fonts import BOLD
from clinic_desktop.letters.layout import (
    RED,
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
from clinic_desktop.letters.letter_data import PatientLeaflet, day_text

TITLE = "Looking after your back"

KEEP_MOVING = "Most back pain gets better within a few weeks; walking and gentle movement help it along."
# care_options.LIFESTYLE_CHANGES, key for key, as a patient reads them.
LIFESTYLE = {
    "stay_active": "Stay active rather than resting: keep up your daily activities and work if you can.",
    "workplace_accommodations": "At work, ask for an anti-fatigue mat and a desk at the right height; lift with "
                                "your knees bent.",
    "activity_modification": "Avoid standing for long spells, take regular breaks, and leave heavy lifting for now.",
    "weight_management": "If you are above a healthy weight, losing some eases the load on your back.",
}
# care_options.SELF_CARE_RESOURCES, as the leaflet names the ones the clinician gave.
RESOURCES = {
    "resources_online": "links to online self-help resources",
    "resources_helpline": "a telephone helpline number",
    "resources_paper": "written information to take home",
}

# (heading, paragraphs): the rest of the pathway's first-step advice in plain words.
ADVICE = (
    ("Do not stay in bed", (
        "Resting in bed for days makes back pain last longer. Lie down for short spells if you need "
        "to, then get up and move again.",
    )),
    ("Heat can ease the pain", (
        "A warm (not hot) heat pad, or a hot-water bottle wrapped in a towel, on the sore area for "
        "15 to 20 minutes can relax the muscles for a while. Never sleep on a heat pad.",
    )),
    ("Simple pain relief", (
        "Anti-inflammatory painkillers such as ibuprofen, or a pain-relief gel rubbed on the sore "
        "area, can help you keep moving: ask a pharmacist whether they are safe for you. A muscle "
        "relaxant, if you were given one, is for a short time only (2 to 3 weeks).",
    )),
    ("What happens next", (
        "We will see you again within 2 weeks to check how you are doing. If it is not getting better, "
        "we will talk about physiotherapy or other help.",
    )),
)

URGENT_SIGNS = (
    "numbness or tingling around your bottom or genitals",
    "difficulty passing urine, or you cannot control when you pass urine or open your bowels",
    "weakness or numbness in both legs, or a leg that is getting weaker",
    "you feel unsteady on your feet and this is new",
)
SAME_DAY_SIGNS = (
    "a high temperature, or you feel very unwell",
    "the pain started after a fall or an accident",
    "you have had cancer, or you are losing weight without trying",
    "the pain is getting much worse, or it stops you sleeping night after night",
)


def render_patient_leaflet(leaflet: PatientLeaflet) -> bytes:
    """The leaflet as one A4 page of PDF bytes; equal leaflets give identical bytes."""
    style = _leaflet_styles()
    width = text_width_available()
    story = [letterhead(leaflet.clinic, style, width), Spacer(1, 5 * mm),
             Paragraph(TITLE, style["page_title"]),
             Paragraph(f"For {literal(leaflet.patient_name)}, from {literal(leaflet.clinic.name)}, "
                       f"{day_text(leaflet.printed_on)}", style["muted"]),
             Spacer(1, 1 * mm)]
    story += [Paragraph("Keep moving", style["heading"]), Paragraph(KEEP_MOVING, style["body"])]
    story += [Paragraph(text, style["sign"], bulletText="•") for text in LIFESTYLE.values()]
    for heading, texts in ADVICE:
        story.append(Paragraph(heading, style["heading"]))
        story += [Paragraph(text, style["body"]) for text in texts]
    story += _resources_given(leaflet, style)
    story += [Spacer(1, 2 * mm), _urgent_box(style, width), Spacer(1, 3 * mm), _same_day_box(leaflet, style, width)]
    return build_pdf(story, _footer(leaflet), title=f"{TITLE}: {leaflet.patient_name}", author=leaflet.clinic.name,
                     subject="Self-management advice for back pain", bottom_margin=20 * mm)


def _leaflet_styles() -> dict[str, ParagraphStyle]:
    style = patient_styles()
    # A little smaller than the plan's: the advice, the resources given and both boxes fit one page.
    body = ParagraphStyle("leaflet_body", style["body"], fontSize=10, leading=13, spaceAfter=2)
    style.update(
        body=body,
        heading=ParagraphStyle("leaflet_heading", style["heading"], spaceBefore=5, spaceAfter=1),
        sign=ParagraphStyle("sign", body, leftIndent=12, bulletIndent=2, spaceAfter=1),
        box_heading=ParagraphStyle("box_heading", body, fontName=BOLD, fontSize=11.5, leading=15, spaceAfter=3),
        note=ParagraphStyle("note", style["small"], spaceBefore=3),
        closing=ParagraphStyle("closing", body, spaceBefore=3, spaceAfter=0),
    )
    return style


def _resources_given(leaflet: PatientLeaflet, style) -> list[Paragraph]:
    """The self-care resources the clinician gave, each named; nothing when none is on record."""
    given = [RESOURCES[key] for key in RESOURCES if key in leaflet.resources_given]
    if not given or leaflet.given_on is None:
        return []
    return [Paragraph("Help to use at home", style["heading"]),
            Paragraph(f"At your visit on {day_text(leaflet.given_on)} you were given {_listed(given)}. "
                      "Use them whenever you need to.", style["body"])]


def _listed(items: list[str]) -> str:
    """ "a, b and c" """
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _urgent_box(style, width: float) -> Table:
    heading = ParagraphStyle("urgent_heading", style["box_heading"], textColor=RED)
    content = [Paragraph("Call 999 or go to A&amp;E straight away if you have back pain and:", heading)]
    content += [Paragraph(sign, style["sign"], bulletText="•") for sign in URGENT_SIGNS]
    content.append(Paragraph("These can be signs of pressure on the nerves at the base of the spine "
                             "(cauda equina syndrome), which needs treatment the same day.", style["note"]))
    return boxed(content, width, colors.HexColor("#fdecee"), RED, padding=10)


def _same_day_box(leaflet: PatientLeaflet, style, width: float) -> Table:
    content = [Paragraph("Contact us or NHS 111 the same day if you have back pain and:", style["box_heading"])]
    content += [Paragraph(sign, style["sign"], bulletText="•") for sign in SAME_DAY_SIGNS]
    telephone = leaflet.clinic.telephone.strip()
    call = f"{literal(leaflet.clinic.name)} on {literal(telephone)}" if telephone else literal(leaflet.clinic.name)
    content.append(Paragraph(f"Call {call} if you are worried, or if you are no better after 2 weeks.",
                             style["closing"]))
    table = boxed(content, width, SHADE, RULE, padding=10)
    table.setStyle(table_style([("BOX", (0, 0), (-1, -1), 0.6, RULE)]))
    return table


def _footer(leaflet: PatientLeaflet):
    return identity_footer(leaflet.patient_identity)
