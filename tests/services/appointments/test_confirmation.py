"""The appointment confirmation service: a booked appointment's page, refused for anything else."""
import io
from datetime import date, datetime, timezone

import pytest
from pypdf import PdfReader

from clinic_desktop.models import Appointment, Patient
from clinic_desktop.services.admin import settings
from clinic_desktop.services.appointments import appointments, confirmation
from clinic_desktop.services.appointments.confirmation import appointment_confirmation
from clinic_desktop.services.core.errors import InvalidTransition
from clinic_desktop.services.episodes import episodes

CLINIC_TIME = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)  # Mon 30 Nov 2026, 09:00 in London


@pytest.fixture
def review(staff):
    patient = Patient.create(family_name="Smith", given_name="Zoë", family_name_key="smith", given_name_key="zoe",
                             date_of_birth=date(1970, 5, 1), created_at=CLINIC_TIME, updated_at=CLINIC_TIME)
    episode_id = episodes.open_episode(staff.clinician, patient.id, first_contact_on=date(2026, 11, 26),
                                       presentation="non_specific", severity="mild").episode_id
    return Appointment.get((Appointment.episode == episode_id) & (Appointment.kind == "two_week_review")).id


def text_of(pdf: bytes) -> str:
    [page] = PdfReader(io.BytesIO(pdf)).pages
    return " ".join(page.extract_text().split())


def test_a_booked_review_is_confirmed_with_its_time_clinician_and_the_clinics_telephone(staff, review):
    settings.update_clinic_settings(staff.manager, name="Riverside Health Centre", telephone="0113 496 0000")
    appointments.book_appointment(staff.receptionist, review, clinician_id=staff.clinician.user_id,
                                  starts_local=datetime(2026, 12, 1, 10, 0))
    text = text_of(appointment_confirmation(staff.receptionist, review))
    assert "For Zoë Smith" in text and "Tuesday 1 December 2026 at 10:00" in text
    assert "Dr Alys Jones, Clinician" in text
    assert "please call Riverside Health Centre on 0113 496 0000" in text


def test_a_review_not_booked_has_no_confirmation(staff, review):
    with pytest.raises(InvalidTransition) as refused:
        appointment_confirmation(staff.receptionist, review)
    assert str(refused.value) == ("The 2-week review for SMITH, Zoë is not booked yet: only a booked appointment "
                                  "has a confirmation")


def test_the_sample_shows_the_first_review_to_book_in_its_earliest_free_slot_booking_nothing(staff, review):
    sample = confirmation.sample_confirmation(staff.receptionist)
    assert sample.patient_name == "SMITH, Zoë"
    assert "Monday 30 November 2026 at 09:10" in text_of(sample.pdf)  # the first slot after 09:00 today
    assert Appointment.get_by_id(review).status == "to_book"
