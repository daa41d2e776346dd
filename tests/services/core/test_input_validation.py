"""Wrong input to a service is refused with a sentence naming the field, on both databases.

Each case here once crashed (AttributeError, IntegrityError, a raw PostgreSQL DataError)
or was stored silently by SQLite; an empty optional text given as None is simply empty.
"""
import re
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from clinic_desktop.models import (
    Medication,
    Patient,
    RadicularStatus,
    StartBackAssessment,
)
from clinic_desktop.services.appointments import appointments
from clinic_desktop.services.core import validation
from clinic_desktop.services.core.clinic_time import to_utc
from clinic_desktop.services.core.errors import NotFound, ValidationError
from clinic_desktop.services.episodes import episode_records, episodes
from clinic_desktop.services.referrals import referrals

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)  # Mon 30 Nov 2026, 09:00 in London
FIRST_CONTACT = date(2026, 11, 26)
TODAY = date(2026, 11, 30)


CLINIC_TIME = NOW  # every test here runs at this moment (tests/conftest.py: clinic_clock)


@pytest.fixture
def patient_id(staff):
    return Patient.create(family_name="Smith", given_name="Ann", family_name_key="smith", given_name_key="ann",
                          date_of_birth=date(1970, 5, 1), created_at=NOW, updated_at=NOW).id


@pytest.fixture
def episode_id(staff, patient_id):
    return episodes.open_episode(staff.clinician, patient_id, first_contact_on=FIRST_CONTACT,
                                 presentation="non_specific", severity="mild").episode_id


# --- the helpers on their own ----------------------------------------------------------


def test_text_tidies_the_ends_and_takes_none_as_empty():
    assert validation.text("  ibuprofen ", "name") == "ibuprofen"
    assert validation.text(None, "notes") == ""


def test_text_that_is_not_text_is_refused_naming_the_field():
    with pytest.raises(ValidationError) as error:
        validation.text(5, "reason", label="reason for the discharge")
    assert (str(error.value), error.value.field) == ("The reason for the discharge must be written as text.",
                                                     "reason")


def test_required_text_left_blank_gives_the_message_asked_for():
    with pytest.raises(ValidationError, match="^Enter the medicine's name$"):
        validation.text("   ", "name", required="Enter the medicine's name")


def test_too_long_text_says_how_long_it_is_and_may_be():
    with pytest.raises(ValidationError) as error:
        validation.text("x" * 500, "name", max_length=120, label="medicine name")
    assert str(error.value) == "The medicine name is too long (500 characters; at most 120)."


@pytest.mark.parametrize("value", ["abc", "12", 1.0, True, None, 0, -3, 2**31])
def test_a_record_number_must_be_a_whole_number_that_can_exist(value):
    with pytest.raises(ValidationError) as error:
        validation.record_id(value, "episode")
    assert error.value.field == "episode_id"
    assert "is not an episode number" in str(error.value)


@pytest.mark.parametrize("value, wording", [
    (datetime(2026, 11, 30, 10, 0), "not a date and time"),
    ("2026-11-30", "not text ('2026-11-30')"),
    (None, "Choose the due-by date"),
])
def test_a_day_must_be_a_plain_date(value, wording):
    with pytest.raises(ValidationError, match=re.escape(wording)) as error:
        validation.day(value, "due_by", label="due-by date")
    assert error.value.field == "due_by"


def test_a_wall_time_with_a_time_zone_is_refused_as_input():
    with pytest.raises(ValidationError) as error:
        to_utc(datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc), ZoneInfo("Europe/London"))
    assert error.value.field == "starts_local"
    assert str(error.value) == ("10:00 on Tue 1 Dec 2026 was given with a time zone (UTC): "
                                "give the clinic's own wall time")


# --- the episodes service ----------------------------------------------------------------


def test_a_medicine_with_no_dose_given_as_none_is_recorded_without_one(staff, episode_id):
    episodes.record_medication(staff.clinician, episode_id, name="naproxen", category="nsaid",
                               started_on=TODAY, dose=None)
    assert [(row.name, row.dose) for row in Medication.select()] == [("naproxen", "")]


def test_a_medicine_name_longer_than_the_record_holds_is_refused_on_both_databases(staff, episode_id):
    with pytest.raises(ValidationError) as error:
        episodes.record_medication(staff.clinician, episode_id, name="n" * 500, category="nsaid", started_on=TODAY)
    assert (str(error.value), error.value.field) == (
        "The medicine name is too long (500 characters; at most 120).", "name")
    assert Medication.select().count() == 0


def test_a_dose_longer_than_the_record_holds_is_refused(staff, episode_id):
    with pytest.raises(ValidationError, match=r"^The dose is too long \(121 characters; at most 120\)\.$"):
        episodes.record_medication(staff.clinician, episode_id, name="naproxen", category="nsaid",
                                   started_on=TODAY, dose="d" * 121)


def test_notes_given_as_none_are_stored_empty(staff, episode_id):
    episodes.record_radicular_status(staff.clinician, episode_id, recorded_on=TODAY, severe_radicular_pain=False,
                                     neurological_deficit=False, notes=None)
    assert [row.notes for row in RadicularStatus.select()] == [""]


def test_an_episode_opened_with_notes_given_as_none_has_empty_notes(staff, patient_id):
    update = episodes.open_episode(staff.clinician, patient_id, first_contact_on=FIRST_CONTACT,
                                   presentation="non_specific", severity="mild", notes=None)
    assert episode_records.get_episode(staff.clinician, update.episode_id).notes == ""


def test_a_discharge_reason_that_is_not_text_is_refused(staff, episode_id):
    with pytest.raises(ValidationError, match="reason for the discharge must be written as text") as error:
        episodes.discharge_episode(staff.clinician, episode_id, discharged_on=TODAY, reason=5)
    assert error.value.field == "reason"
    assert episode_records.get_episode(staff.clinician, episode_id).status == "open"


def test_a_red_flag_that_is_not_text_is_refused(staff, episode_id):
    with pytest.raises(ValidationError, match="^The red flag must be written as text.$") as error:
        episodes.record_red_flags(staff.clinician, episode_id, recorded_on=TODAY, flags=[1])
    assert error.value.field == "flags"


def test_start_back_answers_given_one_by_one_are_all_stored(staff, episode_id):
    answers = (answer for answer in (1, 1, 0, 1, 1, 1, 1, 0, 4))
    episodes.record_start_back(staff.clinician, episode_id, assessed_on=TODAY, answers=answers)
    (stored,) = StartBackAssessment.select()
    assert ([getattr(stored, f"item_{number}") for number in range(1, 10)], stored.risk) == (
        [1, 1, 0, 1, 1, 1, 1, 0, 4], "high")


def test_start_back_answers_that_are_not_a_list_are_refused(staff, episode_id):
    with pytest.raises(ValidationError, match="STarT Back needs 9 answers") as error:
        episodes.record_start_back(staff.clinician, episode_id, assessed_on=TODAY, answers=7)
    assert error.value.field == "answers"


def test_an_outcome_given_as_a_word_instead_of_yes_or_no_is_refused(staff, episode_id):
    # SQLite would store "no" as true: the patient would show as improved.
    with pytest.raises(ValidationError, match="^Say whether the patient improved: yes or no.$"):
        episodes.record_twelve_week_outcome(staff.clinician, episode_id, recorded_on=TODAY, improved="no")


def test_an_episode_number_that_is_not_a_number_is_refused_on_both_databases(staff):
    with pytest.raises(ValidationError, match="^'abc' is not an episode number.$") as error:
        episode_records.get_episode(staff.clinician, "abc")
    assert error.value.field == "episode_id"


def test_an_episode_number_that_does_not_exist_is_still_not_found(staff):
    with pytest.raises(NotFound):
        episode_records.get_episode(staff.clinician, 999)


def test_a_medicine_that_is_not_a_medication_input_is_refused(staff, patient_id):
    with pytest.raises(ValidationError, match="medicine") as error:
        episodes.open_episode(staff.clinician, patient_id, first_contact_on=FIRST_CONTACT,
                              presentation="non_specific", severity="mild", medications=[{"name": "naproxen"}])
    assert error.value.field == "medications"


# --- the appointments and referrals services ----------------------------------------------


def test_a_follow_up_due_by_a_date_and_time_is_refused(staff, episode_id):
    with pytest.raises(ValidationError, match="^The due-by date must be a calendar day, not a date and time.$"):
        appointments.add_follow_up(staff.clinician, episode_id, due_by=datetime(2026, 12, 18, 9, 0), reason="check")


def test_a_cancellation_reason_that_is_not_text_is_refused(staff, episode_id):
    follow_up = appointments.add_follow_up(staff.clinician, episode_id, due_by=date(2026, 12, 18), reason="check")
    with pytest.raises(ValidationError, match="^The reason must be written as text.$") as error:
        appointments.cancel_appointment(staff.receptionist, follow_up.id, reason=["no"])
    assert error.value.field == "reason"
    assert appointments.get_appointment(staff.receptionist, follow_up.id).status == "to_book"


def test_an_appointment_number_that_is_not_a_number_is_refused(staff):
    with pytest.raises(ValidationError, match="^'12a' is not an appointment number.$"):
        appointments.get_appointment(staff.receptionist, "12a")


def test_a_referral_reason_that_is_not_text_is_refused(staff, episode_id):
    with pytest.raises(ValidationError, match="reason for the referral must be written as text") as error:
        referrals.raise_referral(staff.clinician, episode_id, kind="spinal_surgical", reason=5)
    assert error.value.field == "reason"


def test_a_letter_version_that_is_not_a_number_is_refused(staff):
    with pytest.raises(ValidationError, match="is not a letter version number"):
        referrals.letter_pdf(staff.clinician, 1, version="latest")
