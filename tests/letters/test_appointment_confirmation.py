"""The appointment confirmation: one page saying when, where, with whom, what to bring and how to cancel."""
from __future__ import annotations

import io
from dataclasses import replace
from datetime import date, datetime, timezone

from pypdf import PdfReader

from clinic_desktop.letters.appointment_confirmation import KIND_WORDS, render_appointment_confirmation
from clinic_desktop.letters.letter_data import AppointmentConfirmation, LetterClinic
from clinic_desktop.models.appointments import APPOINTMENT_KINDS

CONFIRMATION = AppointmentConfirmation(
    clinic=LetterClinic("Riverside Health Centre", "12 Mill Lane\nLeeds LS1 4AB", "0113 496 0000"),
    patient_name="Ann Smith",
    patient_identity="SMITH, Ann · NHS number 943 476 5919",
    starts_at=datetime(2026, 6, 2, 9, 40, tzinfo=timezone.utc),  # 10:40 in London (BST)
    ends_at=datetime(2026, 6, 2, 10, 0, tzinfo=timezone.utc),
    clinician_name="Sam Physio",
    clinician_title="Physiotherapist",
    kind="two_week_review",
    printed_on=date(2026, 5, 28),
)


def read(confirmation: AppointmentConfirmation) -> list[str]:
    pages = PdfReader(io.BytesIO(render_appointment_confirmation(confirmation))).pages
    return [" ".join(page.extract_text().split()) for page in pages]


def test_the_confirmation_is_one_page_saying_when_in_the_clinics_time_where_and_with_whom():
    [text] = read(CONFIRMATION)
    assert "Your appointment" in text and "For Ann Smith, printed 28 May 2026" in text
    assert "Tuesday 2 June 2026 at 10:40" in text  # British Summer Time, as the clinic's clocks show
    assert "lasts about 20 minutes" in text
    assert "Riverside Health Centre 12 Mill Lane Leeds LS1 4AB" in text
    assert "Sam Physio, Physiotherapist" in text
    assert "about two weeks after we first saw you" in text
    assert "Page 1 of 1" in text and "SMITH, Ann · NHS number 943 476 5919" in text


def test_it_says_what_to_bring_and_how_to_cancel():
    [text] = read(CONFIRMATION)
    for item in ("the medicines you take", "any questions", "your glasses", "your pain diary"):
        assert item in text
    assert "please call Riverside Health Centre on 0113 496 0000" in text
    assert "at least 24 hours before" in text


def test_every_kind_of_appointment_has_the_patients_words():
    assert KIND_WORDS.keys() == set(APPOINTMENT_KINDS)


def test_a_long_clinic_name_and_a_name_in_any_script_stay_on_one_page_as_typed():
    long = replace(CONFIRMATION, patient_name="Łukasz Żółtowski-Brzęczyszczykiewicz 王芳",
                   clinic=LetterClinic("The Royal Infirmary Musculoskeletal and Spinal Physiotherapy Service, "
                                       "Outpatients Building B", "Level 2, Outpatients Building B\nGreat George "
                                       "Street\nLeeds LS1 3EX", ""),
                   clinician_name="Dr Siobhán O'Brien <b>&amp;", clinician_title="Consultant")
    [text] = read(long)
    assert "For Łukasz Żółtowski-Brzęczyszczykiewicz 王芳" in text
    assert "Dr Siobhán O'Brien <b>&amp;, Consultant" in text
    assert "please contact The Royal Infirmary" in text  # no telephone on record: the clinic by name


def test_equal_confirmations_give_identical_bytes():
    assert render_appointment_confirmation(CONFIRMATION) == render_appointment_confirmation(CONFIRMATION)
