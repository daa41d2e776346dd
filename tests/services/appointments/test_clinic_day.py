"""The whole clinic's day (a column per clinician there) and a clinician's printed day list."""
import io
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

import pytest
from pypdf import PdfReader

from clinic_desktop.models import Appointment, User
from clinic_desktop.services.appointments import appointment_book, appointments, clinic_day, day_list
from clinic_desktop.services.appointments.appointment_book import Absence
from clinic_desktop.services.core.errors import NotFound, ValidationError
from clinic_desktop.services.episodes import episodes
from clinic_desktop.services.patients import patients

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)  # Mon 30 Nov 2026, 09:00 in London (GMT)
MONDAY = date(2026, 11, 30)

CLINIC_TIME = NOW


def booked_review(staff, family, starts_local, clinician=None, **details):
    """A 2-week review (due by Thu 10 Dec 2026) booked at ``starts_local``."""
    patient = patients.register_patient(staff.receptionist, family_name=family, given_name="Ann",
                                        date_of_birth=date(1970, 5, 1), **details)
    episode_id = episodes.open_episode(staff.clinician, patient.id, first_contact_on=date(2026, 11, 26),
                                       presentation="non_specific", severity="mild").episode_id
    review = Appointment.get((Appointment.episode == episode_id) & (Appointment.kind == "two_week_review")).id
    appointments.book_appointment(staff.receptionist, review, clinician_id=(clinician or staff.clinician).user_id,
                                  starts_local=starts_local)
    return review


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


# --- the clinic's day ---


def test_every_working_clinician_has_a_column_with_their_hours_by_name(staff):
    day = clinic_day.clinic_day(staff.receptionist, MONDAY)
    assert [(column.clinician.full_name, column.hours) for column in day.columns] == [
        ("Dr Alys Jones", "08:30–17:30"), ("Sam Physio", "08:30–17:30")]
    assert (day.title, day.open) == ("Mon 30 Nov", True)


def test_a_column_holds_the_clinicians_own_book_with_the_booking_in_its_slot(staff):
    booked_review(staff, "Smith", datetime(2026, 11, 30, 10, 10), clinician=staff.other_clinician)
    physio = clinic_day.clinic_day(staff.receptionist, MONDAY).columns[1]
    (own,) = appointment_book.clinician_book(staff.receptionist, staff.other_clinician.user_id, MONDAY, 1)
    assert physio.book == own
    (slot,) = own.slots_labelled("10:10")
    assert slot.appointment.patient_name == "SMITH, Ann"


def test_a_clinician_who_left_keeps_a_column_while_bookings_stand_on_the_day(staff):
    booked_review(staff, "Smith", datetime(2026, 11, 30, 10, 10), clinician=staff.other_clinician)
    User.update(active=False).where(User.id == staff.other_clinician.user_id).execute()
    columns = clinic_day.clinic_day(staff.receptionist, MONDAY).columns
    assert [(column.clinician.full_name, column.active) for column in columns] == [
        ("Dr Alys Jones", True), ("Sam Physio", False)]
    assert "SMITH, Ann" in [slot.appointment.patient_name for slot in columns[1].book.slots if slot.appointment]


def test_a_clinician_who_left_with_nothing_booked_has_no_column(staff):
    User.update(active=False).where(User.id == staff.other_clinician.user_id).execute()
    assert [column.clinician.full_name for column in clinic_day.clinic_day(staff.receptionist, MONDAY).columns] == [
        "Dr Alys Jones"]


def test_a_closed_day_says_why_and_nobody_works(staff):
    day = clinic_day.clinic_day(staff.receptionist, date(2026, 12, 25))
    assert (day.open, day.closed_reason, day.columns) == (False, "Bank holiday: Christmas Day", ())


def test_the_clinic_day_of_something_that_is_no_day_is_refused(staff):
    with pytest.raises(ValidationError):
        clinic_day.clinic_day(staff.receptionist, "30/11/2026")


# --- the day list ---


def test_the_day_list_gives_each_patient_in_time_order_with_what_the_door_checks(staff):
    booked_review(staff, "Wilson", datetime(2026, 11, 30, 14, 10), nhs_number="9434765919", mobile="07700 900123")
    booked_review(staff, "Smith", datetime(2026, 11, 30, 10, 10), telephone="0117 496 0001")
    text = pdf_text(day_list.day_list_pdf(staff.receptionist, staff.clinician.user_id, MONDAY))
    assert "Day list — Dr Alys Jones" in text
    assert "2 patients booked." in text
    assert "Session 08:30–17:30" in text
    smith, wilson = text.index("SMITH, Ann"), text.index("WILSON, Ann")
    assert smith < wilson
    assert "10:10–10:30" in text[smith - 40:smith]
    for detail in ("943 476 5919", "1 May 1970", "2-week review", "07700 900123 (mobile)", "0117 496 0001"):
        assert detail in text.replace("\n", " ")
    assert "produced 30 Nov 2026 at 09:00 GMT" in text  # a list printed earlier misses later bookings
    assert "Page 1 of 1" in text and "Day list — Dr Alys Jones · Clinic · as of 30 Nov 2026" in text  # every page


def test_the_day_list_says_when_the_clinician_is_away_and_lists_a_booking_outside_the_sessions(staff, monkeypatch):
    booked_review(staff, "Smith", datetime(2026, 11, 30, 14, 10))
    real = appointment_book.book_days

    def morning_only(settings, clinician_id, first_day, days):
        book = real(settings, clinician_id, first_day, days)[0]
        noon = datetime(2026, 11, 30, 12, 30, tzinfo=timezone.utc)
        morning = replace(book.working[0], ends_at=noon, label="08:30–12:30")
        away = Absence(noon, noon + timedelta(hours=5), "annual_leave", "Annual leave", "")
        return (replace(book, working=(morning,), absences=(away,)),)

    monkeypatch.setattr(day_list, "book_days", morning_only)
    text = pdf_text(day_list.day_list_pdf(staff.receptionist, staff.clinician.user_id, MONDAY))
    assert "Away 12:30–17:30: Annual leave." in text
    assert "No patients booked in this session." in text
    assert text.index("Outside the sessions") < text.index("SMITH, Ann")


def test_the_day_list_of_a_day_without_bookings_says_so(staff):
    text = pdf_text(day_list.day_list_pdf(staff.receptionist, staff.clinician.user_id, date(2026, 12, 25)))
    assert "No sessions and no patients booked on this day." in text


def test_the_day_list_of_somebody_who_is_no_clinician_is_refused(staff):
    with pytest.raises(NotFound):
        day_list.day_list_pdf(staff.receptionist, staff.receptionist.user_id, MONDAY)
