"""The patient's self-management leaflet: one page, in plain words, with their name and the clinic's."""
from __future__ import annotations

import io
from dataclasses import replace
from datetime import date

from pypdf import PdfReader

from clinic_desktop.letters.layout import LetterClinic
from clinic_desktop.letters.patient_leaflet import LIFESTYLE, RESOURCES, PatientLeaflet, render_patient_leaflet
from clinic_desktop.pathway.care_options import LIFESTYLE_CHANGES, SELF_CARE_RESOURCES

LEAFLET = PatientLeaflet(
    clinic=LetterClinic("Riverside Health Centre", "12 Mill Lane\nLeeds LS1 4AB", "0113 496 0000"),
    patient_name="Ann Smith",
    patient_identity="SMITH, Ann · NHS number 943 476 5919",
    printed_on=date(2025, 6, 2),
)


def read(leaflet: PatientLeaflet) -> list[str]:
    pages = PdfReader(io.BytesIO(render_patient_leaflet(leaflet))).pages
    return [" ".join(page.extract_text().split()) for page in pages]


def test_the_leaflet_is_one_page():
    pages = read(LEAFLET)
    assert len(pages) == 1
    assert "Page 1 of 1" in pages[0]


def test_the_leaflet_names_the_patient_and_the_clinic():
    [text] = read(LEAFLET)
    assert "Looking after your back" in text
    assert "For Ann Smith, from Riverside Health Centre, 2 Jun 2025" in text
    assert "SMITH, Ann · NHS number 943 476 5919" in text
    assert "Call Riverside Health Centre on 0113 496 0000" in text


def test_the_leaflet_gives_the_first_step_advice():
    [text] = read(LEAFLET)
    for heading in ("Keep moving", "Do not stay in bed", "Heat can ease the pain", "Simple pain relief",
                    "What happens next"):
        assert heading in text
    assert "Stay active rather than resting" in text
    assert "Resting in bed for days makes back pain last longer" in text
    assert "ibuprofen" in text and "hot-water bottle" in text


def test_the_leaflet_gives_every_lifestyle_change_the_source_lists_in_a_patients_words():
    assert LIFESTYLE.keys() == LIFESTYLE_CHANGES.keys() and RESOURCES.keys() == SELF_CARE_RESOURCES.keys()
    [text] = read(LEAFLET)
    for words in ("anti-fatigue mat", "lift with your knees bent", "take regular breaks", "healthy weight"):
        assert words in text


def test_the_resources_the_clinician_gave_are_named_as_given():
    [text] = read(replace(LEAFLET, resources_given=("resources_helpline", "resources_paper"),
                          given_on=date(2025, 5, 30)))
    assert ("At your visit on 30 May 2025 you were given a telephone helpline number and written information "
            "to take home.") in text
    assert "online" not in text


def test_no_resources_on_record_names_none():
    [text] = read(LEAFLET)
    assert "At your visit on" not in text and "Help to use at home" not in text


def test_the_leaflet_says_when_to_get_help_at_once():
    [text] = read(LEAFLET)
    assert "Call 999 or go to A&E straight away if you have back pain and:" in text
    assert "numbness or tingling around your bottom or genitals" in text
    assert "Contact us or NHS 111 the same day" in text


def test_typed_names_print_literally_and_in_any_script():
    [text] = read(replace(LEAFLET, patient_name="王芳 O'Brien <b>&amp;",
                          clinic=replace(LEAFLET.clinic, name="Łódź <i>Clinic</i>")))
    assert "For 王芳 O'Brien <b>&amp;, from Łódź <i>Clinic</i>" in text


def test_the_same_leaflet_gives_the_same_bytes():
    assert render_patient_leaflet(LEAFLET) == render_patient_leaflet(replace(LEAFLET))


def test_a_long_clinic_name_and_no_telephone_still_fit_one_page():
    clinic = LetterClinic("The Very Long Named Riverside and District Musculoskeletal and Back Pain Clinic",
                          "Unit 4, The Old Mill\nRiverside Business Park\nLeeds\nLS1 4AB", "")
    pages = read(replace(LEAFLET, clinic=clinic, patient_name="Maximilian Alexander Fitzgerald-Montgomery",
                         resources_given=tuple(RESOURCES), given_on=date(2025, 5, 30)))
    assert len(pages) == 1
    assert "Call The Very Long Named" in pages[0]
