"""The leaflet the services draw names the self-care resources given at the latest first contact."""
from __future__ import annotations

import io
from datetime import date, datetime, timezone

from pypdf import PdfReader

from clinic_desktop.services.episodes import episodes
from clinic_desktop.services.episodes.initial_management import InitialManagementInput
from clinic_desktop.services.patients import patients
from clinic_desktop.services.referrals import letter_content

CLINIC_TIME = datetime(2026, 12, 4, 9, 0, tzinfo=timezone.utc)  # every test here (tests/conftest.py: clinic_clock)
ADVICE = InitialManagementInput(reactivation_advised=True, bed_rest_advised=False, resources_online=True,
                                resources_helpline=False, resources_paper=True, heat_advised=True,
                                massage_advised=False)


def leaflet_text(staff, patient_id) -> str:
    pages = PdfReader(io.BytesIO(letter_content.patient_leaflet_pdf(staff.receptionist, patient_id))).pages
    assert len(pages) == 1
    return " ".join(pages[0].extract_text().split())


def patient(staff) -> int:
    return patients.register_patient(staff.receptionist, family_name="Smith", given_name="Ann",
                                     date_of_birth=date(1970, 5, 1)).id


def test_the_resources_given_at_first_contact_are_named(staff):
    patient_id = patient(staff)
    episodes.open_episode(staff.clinician, patient_id, first_contact_on=date(2026, 11, 26),
                          presentation="non_specific", severity="mild", initial_management=ADVICE)
    assert ("At your visit on 26 Nov 2026 you were given links to online self-help resources and written "
            "information to take home.") in leaflet_text(staff, patient_id)


def test_an_episode_from_before_the_questions_names_none(staff):
    patient_id = patient(staff)
    episodes.open_episode(staff.clinician, patient_id, first_contact_on=date(2026, 11, 26),
                          presentation="non_specific", severity="mild", self_care_education=True)
    text = leaflet_text(staff, patient_id)
    assert "At your visit on" not in text and "Stay active rather than resting" in text
