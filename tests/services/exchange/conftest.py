"""A patient's record with every kind of fact in it, for the FHIR export's tests."""
from datetime import date, datetime

import pytest
from database_fixtures import PASSWORD

from clinic_desktop.models import Appointment
from clinic_desktop.services.appointments import appointments
from clinic_desktop.services.episodes import episodes, measures
from clinic_desktop.services.episodes.measures import MeasuresInput
from clinic_desktop.services.patients import patients
from clinic_desktop.services.referrals import referrals


@pytest.fixture
def record(staff):
    """SMITH, Ann: an episode, a booked review, high-risk STarT Back, a referral signed then amended."""
    patient = patients.register_patient(staff.receptionist, family_name="Smith", given_name="Ann Marie",
                                        date_of_birth=date(1961, 2, 9), nhs_number="9434765919", sex="female",
                                        address="1 High Street\nBristol", postcode="bs1 4dj", telephone="0117 496 0000")
    episode_id = episodes.open_episode(staff.clinician, patient.id, first_contact_on=date(2026, 10, 26),
                                       presentation="non_specific", severity="moderate").episode_id
    review = Appointment.get((Appointment.episode == episode_id) & (Appointment.kind == "two_week_review")).id
    appointments.book_appointment(staff.receptionist, review, clinician_id=staff.other_clinician.user_id,
                                  starts_local=datetime(2026, 11, 5, 10, 0))
    episodes.record_start_back(staff.clinician, episode_id, assessed_on=date(2026, 11, 2),
                               answers=(1, 0, 1, 0, 1, 1, 1, 1, 4))
    referral = referrals.referrals_for_episode(staff.clinician, episode_id)[0]
    referrals.draft_referral(staff.clinician, referral.id, "Please assess.")
    referrals.sign_referral(staff.clinician, referral.id, PASSWORD)
    referrals.amend_referral(staff.clinician, referral.id, clinician_text="Please assess soon.",
                             reason="added urgency", password=PASSWORD)
    return patient.id, referral.id


@pytest.fixture
def measured(staff, record):
    """SMITH, Ann measured at an ongoing evaluation on the Patient-Specific Functional Scale."""
    episode_id = Appointment.get(Appointment.kind == "two_week_review").episode_id
    measures.record_measures(staff.clinician, episode_id, measured_on=date(2026, 11, 2), improving=False,
                             measures=MeasuresInput(6, "psfs", psfs_activities=[("walking", 4), ("sitting", 7)],
                                                    global_change=4, notes="sleeping better"))
    return record
