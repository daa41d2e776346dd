"""The management plan the patient takes home: their goals, treatments and changes, in plain words.

A patient-centred plan (reference/back-pain-stepped-care.txt, "Medium-risk patients") is
one the patient agreed to; on paper they can follow it and bring it back to the next review.
One A4 page under the clinic's letterhead, like the self-management leaflet. Each treatment
and lifestyle change the source names (pathway/care_options.py) has its words here, for the
patient rather than the clinician; everything typed (goals, names) is printed literally.
"""
from __future__ import annotations

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from clinic_desktop.letters.layout import (
    RULE,
    SHADE,
    boxed,
    build_pdf,
    identity_footer,
    letterhead,
    literal,
    paragraphs,
    patient_styles,
    text_width_available,
)
from clinic_desktop.letters.letter_data import PlanPrintout, day_text

TITLE = "Your back care plan"

# key of care_options.TREATMENTS -> (what it is called, what it means for the patient)
TREATMENT_WORDS = {
    "supervised_exercise": ("Exercise made for you", "Stretching and strengthening exercises chosen for you and "
                            "supervised by your physiotherapist. Of all the treatments, exercise helps most."),
    "spinal_manipulation": ("Spinal manipulation", "Hands-on treatment of the joints of your spine by a trained "
                            "therapist, to ease the pain so you can move more."),
    "massage": ("Massage", "Massage of the muscles around your back, which eases the pain for a while."),
    "heat": ("Heat", "A warm (not hot) heat pad, or a hot-water bottle wrapped in a towel, for 15 to 20 minutes "
             "to relax the muscles for a while."),
    "cbt": ("Cognitive behavioural therapy (CBT)", "Talking sessions that help you manage pain, worry and low "
            "mood, and get back to the things that matter to you."),
    "progressive_relaxation": ("Relaxation", "Tensing and then relaxing each group of muscles in turn, to ease "
                               "tension and help you sleep."),
    "yoga": ("Yoga", "Gentle positions, breathing and focus, in a class or at home."),
    "biopsychosocial_physiotherapy": ("Physiotherapy for the whole of you", "Physiotherapy that also looks at how "
                                      "the pain affects your mood, work and daily life, and helps with each."),
}
# key of care_options.LIFESTYLE_CHANGES -> (heading, what to do)
LIFESTYLE_WORDS = {
    "stay_active": ("Stay active", "Keep up your daily activities, and work if you can. Resting in bed makes "
                    "back pain last longer."),
    "workplace_accommodations": ("Changes at work", "Ask your employer about an anti-fatigue mat, a desk or bench "
                                 "at the right height, and help to lift the right way."),
    "activity_modification": ("Change how you do things", "Avoid standing for long, take regular breaks, and "
                              "limit heavy lifting for now."),
    "weight_management": ("A healthy weight", "Losing some weight takes load off your back; ask us about help "
                          "to do it."),
}


def render_management_plan(printout: PlanPrintout) -> bytes:
    """The plan as one A4 page of PDF bytes; equal printouts give identical bytes."""
    style = _plan_styles()
    width = text_width_available()
    plan, page = printout.plan, printout.patient
    story = [letterhead(page.clinic, style, width), Spacer(1, 5 * mm),
             Paragraph(TITLE, style["page_title"]),
             Paragraph(f"For {literal(page.patient_name)}, agreed with {literal(plan.agreed_by)} on "
                       f"{day_text(plan.agreed_on)}", style["muted"]),
             Paragraph("Your goals", style["heading"]),
             boxed(paragraphs(plan.goals, style["goal"]), width, SHADE, RULE, padding=10)]
    story += _choices("Your treatments", plan.treatments, TREATMENT_WORDS, style)
    lifestyle = _choices("Changes to your day", plan.lifestyle, LIFESTYLE_WORDS, style)
    if plan.bmi:
        lifestyle.append(Paragraph(f"Your body mass index (BMI) when we agreed this plan: {literal(plan.bmi)}.",
                                   style["body"]))
    story += lifestyle
    story += [Spacer(1, 3 * mm),
              Paragraph("Keep moving: most back pain gets better, and keeping active is the best thing you can do. "
                        "Bring this plan to your next review, and tell us if it is not working for you.",
                        style["body"])]
    telephone = page.clinic.telephone.strip()
    if telephone:
        story.append(Paragraph(f"Questions? Call {literal(page.clinic.name)} on {literal(telephone)}.",
                               style["body"]))
    return build_pdf(story, identity_footer(page.patient_identity), title=f"{TITLE}: {page.patient_name}",
                     author=page.clinic.name, subject="Patient-centred management plan for back pain",
                     bottom_margin=20 * mm)


def _choices(heading: str, keys: tuple[str, ...], words: dict[str, tuple[str, str]], style) -> list:
    if not keys:
        return []
    return [Paragraph(heading, style["heading"]),
            *(Paragraph(f"<b>{words[key][0]}</b> – {words[key][1]}", style["choice"], bulletText="•")
              for key in keys)]


def _plan_styles() -> dict[str, ParagraphStyle]:
    style = patient_styles()
    body = style["body"]
    style.update(
        heading=ParagraphStyle("plan_heading", style["heading"], spaceBefore=9, spaceAfter=4),
        goal=ParagraphStyle("goal", body, fontSize=11, leading=15),
        choice=ParagraphStyle("choice", body, leftIndent=12, bulletIndent=2, spaceAfter=4),
    )
    return style
