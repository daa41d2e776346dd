"""The appointment book: booking, moving, cancelling and attendance, and clinic wall time."""
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from clinic_desktop.models import Appointment, Patient
from clinic_desktop.services.admin import settings
from clinic_desktop.services.appointments import appointments
from clinic_desktop.services.core.clinic_time import to_local, to_utc
from clinic_desktop.services.core.clock import frozen_at
from clinic_desktop.services.core.errors import (
    Conflict,
    InvalidTransition,
    PermissionDenied,
    ValidationError,
)
from clinic_desktop.services.episodes import discharge, episodes

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)  # Mon 30 Nov 2026, 09:00 in London (GMT)
TUESDAY_10AM = datetime(2026, 12, 1, 10, 0)
LONDON = ZoneInfo("Europe/London")


CLINIC_TIME = NOW  # every test here runs at this moment (tests/conftest.py: clinic_clock)


def open_episode(staff, family="Smith", given="Ann"):
    patient = Patient.create(family_name=family, given_name=given, family_name_key=family.lower(),
                             given_name_key=given.lower(), date_of_birth=date(1970, 5, 1), created_at=NOW,
                             updated_at=NOW)
    return episodes.open_episode(staff.clinician, patient.id, first_contact_on=date(2026, 11, 26),
                                 presentation="non_specific", severity="mild").episode_id


@pytest.fixture
def review(staff):
    """The 2-week review of SMITH, Ann, to book by Thu 10 Dec 2026."""
    episode_id = open_episode(staff)
    return Appointment.get((Appointment.episode == episode_id) & (Appointment.kind == "two_week_review")).id


def book(staff, appointment_id, starts_local=TUESDAY_10AM, actor=None, **options):
    options.setdefault("clinician_id", staff.clinician.user_id)
    return appointments.book_appointment(actor or staff.receptionist, appointment_id, starts_local=starts_local,
                                         **options)


def booked_now(staff, appointment_id):
    """Book for 08:40 today and let the clock reach it, so attendance may be recorded."""
    with frozen_at(NOW - timedelta(minutes=30)):
        return book(staff, appointment_id, datetime(2026, 11, 30, 8, 40))


def add_follow_up(staff, review, due_by=date(2026, 12, 18), reason="check response to physiotherapy"):
    """A follow-up in the same episode as the review."""
    episode_id = Appointment.get_by_id(review).episode_id
    return appointments.add_follow_up(staff.clinician, episode_id, due_by=due_by, reason=reason)


def status_of(appointment_id):
    return Appointment.get_by_id(appointment_id).status


# --- clinic wall time ---


def test_a_wall_time_the_clocks_skip_does_not_exist():
    with pytest.raises(ValidationError) as refused:
        to_utc(datetime(2027, 3, 28, 1, 30), LONDON)
    assert str(refused.value) == "01:30 on Sun 28 Mar 2027 does not exist in Europe/London (clocks go forward)"


def test_a_repeated_wall_time_needs_a_choice():
    with pytest.raises(ValidationError, match="01:30 on Sun 25 Oct 2026 happens twice in Europe/London"):
        to_utc(datetime(2026, 10, 25, 1, 30), LONDON)


@pytest.mark.parametrize("choice, utc_hour", [("earlier", 0), ("later", 1)])
def test_a_repeated_wall_time_is_the_instant_chosen(choice, utc_hour):
    instant = to_utc(datetime(2026, 10, 25, 1, 30), LONDON, ambiguous=choice)
    assert instant == datetime(2026, 10, 25, utc_hour, 30, tzinfo=timezone.utc)
    assert to_local(instant, LONDON).replace(tzinfo=None) == datetime(2026, 10, 25, 1, 30)


def test_summer_wall_time_is_an_hour_ahead_of_utc():
    assert to_utc(datetime(2027, 6, 1, 10, 0), LONDON) == datetime(2027, 6, 1, 9, 0, tzinfo=timezone.utc)


def test_booking_at_a_time_that_does_not_exist_is_refused(staff, review):
    settings.update_clinic_settings(staff.manager, opens_at=time(0, 0), closes_at=time(23, 59))
    with pytest.raises(ValidationError, match="does not exist in Europe/London"):
        book(staff, review, datetime(2027, 3, 28, 1, 30), late_reason="patient away")
    assert status_of(review) == "to_book"


def test_booking_at_a_repeated_time_without_a_choice_is_refused(staff, review):
    with pytest.raises(ValidationError, match="happens twice"):
        book(staff, review, datetime(2026, 10, 25, 1, 30))
    assert status_of(review) == "to_book"


# --- booking ---


@pytest.mark.parametrize("role", ["receptionist", "clinician", "manager"])
def test_any_staff_member_can_book_a_review(staff, review, role):
    record = book(staff, review, actor=getattr(staff, role))
    assert (record.status, record.clinician_name, record.patient_name) == ("booked", "Dr Alys Jones", "SMITH, Ann")
    assert (record.starts_at, record.ends_at) == (datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc),
                                                  datetime(2026, 12, 1, 10, 20, tzinfo=timezone.utc))


def test_booking_after_the_due_by_date_needs_a_reason(staff, review):
    with pytest.raises(ValidationError, match="is due by Thu 10 Dec 2026: give a reason for booking it later"):
        book(staff, review, datetime(2026, 12, 11, 10, 0), late_reason="  ")
    assert status_of(review) == "to_book"


def test_the_late_booking_reason_is_kept(staff, review):
    record = book(staff, review, datetime(2026, 12, 11, 10, 0), late_reason="patient on holiday")
    assert record.late_booking_reason == "patient on holiday"


def test_booking_on_the_due_by_date_needs_no_reason(staff, review):
    assert book(staff, review, datetime(2026, 12, 10, 16, 0)).late_booking_reason is None


def test_booking_on_a_weekend_is_refused(staff, review):
    with pytest.raises(ValidationError, match="The clinic is closed on Sat 5 Dec 2026"):
        book(staff, review, datetime(2026, 12, 5, 10, 0))


def test_booking_on_a_closure_day_is_refused(staff, review):
    settings.update_clinic_settings(staff.manager, closure_days=(date(2026, 12, 1),))
    with pytest.raises(ValidationError, match="The clinic is closed on Tue 1 Dec 2026"):
        book(staff, review)


@pytest.mark.parametrize("starts", [datetime(2026, 12, 1, 8, 0), datetime(2026, 12, 1, 17, 20)])
def test_booking_outside_the_clinicians_sessions_is_refused(staff, review, starts):
    with pytest.raises(ValidationError, match="Dr Alys Jones works 08:30–17:30 on Tue 1 Dec 2026: .* is outside"):
        book(staff, review, starts)


def test_booking_the_last_slot_of_the_day_is_fine(staff, review):
    assert book(staff, review, datetime(2026, 12, 1, 17, 10)).status == "booked"


def test_booking_in_the_past_is_refused(staff, review):
    with pytest.raises(ValidationError, match="08:40 on Mon 30 Nov 2026 has already passed"):
        book(staff, review, datetime(2026, 11, 30, 8, 40))


def test_booking_with_someone_who_is_not_a_clinician_is_refused(staff, review):
    with pytest.raises(ValidationError, match="Choose an active clinician"):
        book(staff, review, clinician_id=staff.receptionist.user_id)


def test_a_clash_is_refused_naming_the_booking_in_the_way(staff, review):
    book(staff, review)
    other_episode = open_episode(staff, "Jones", "Bob")
    other = Appointment.get((Appointment.episode == other_episode) & (Appointment.kind == "two_week_review")).id
    with pytest.raises(Conflict) as refused:
        book(staff, other, datetime(2026, 12, 1, 10, 10))
    assert str(refused.value) == "Dr Alys Jones already has SMITH, Ann 10:00–10:20 on Tue 1 Dec"
    assert status_of(other) == "to_book"


def test_the_next_slot_and_another_clinician_are_free(staff, review):
    book(staff, review)
    episode_id = open_episode(staff, "Jones", "Bob")
    others = [row.id for row in Appointment.select().where(Appointment.episode == episode_id)]
    book(staff, others[0], datetime(2026, 12, 1, 10, 20))
    book(staff, others[1], clinician_id=staff.other_clinician.user_id)
    assert [status_of(other) for other in others] == ["booked", "booked"]


def test_booking_a_booked_review_is_refused(staff, review):
    book(staff, review)
    with pytest.raises(InvalidTransition) as refused:
        book(staff, review, datetime(2026, 12, 2, 10, 0))
    assert str(refused.value) == "The 2-week review for SMITH, Ann is already booked for Tue 1 Dec 10:00"


def test_booking_a_cancelled_appointment_is_refused_and_changes_nothing(staff, review):
    Appointment.update(status="cancelled", cancel_reason="discharged").where(Appointment.id == review).execute()
    with pytest.raises(InvalidTransition, match=r"was cancelled \(discharged\)"):
        book(staff, review)
    row = Appointment.get_by_id(review)
    assert (row.status, row.clinician_id, row.starts_at) == ("cancelled", None, None)


# --- moving and cancelling ---


def test_rescheduling_moves_the_booking(staff, review):
    book(staff, review)
    record = appointments.reschedule_appointment(staff.receptionist, review, clinician_id=staff.other_clinician.user_id,
                                                 starts_local=datetime(2026, 12, 2, 11, 0))
    assert (record.clinician_name, to_local(record.starts_at, LONDON).hour) == ("Sam Physio", 11)


def test_rescheduling_into_its_own_slot_shifted_ten_minutes_is_fine(staff, review):
    book(staff, review)
    record = appointments.reschedule_appointment(staff.receptionist, review, clinician_id=staff.clinician.user_id,
                                                 starts_local=datetime(2026, 12, 1, 10, 10))
    assert record.starts_at == datetime(2026, 12, 1, 10, 10, tzinfo=timezone.utc)


def test_rescheduling_an_unbooked_review_is_refused(staff, review):
    with pytest.raises(InvalidTransition, match="is not booked"):
        appointments.reschedule_appointment(staff.receptionist, review, clinician_id=staff.clinician.user_id,
                                            starts_local=TUESDAY_10AM)


def test_cancelling_a_booked_review_puts_it_back_on_the_to_book_list(staff, review):
    book(staff, review)
    record = appointments.cancel_booking(staff.receptionist, review, "clinician off sick")
    assert (record.status, record.clinician_id, record.starts_at, record.due_by) == (
        "to_book", None, None, date(2026, 12, 10))


def test_a_pathway_review_cannot_be_cancelled_outright(staff, review):
    with pytest.raises(InvalidTransition, match="cancelled only by discharge or by the pathway"):
        appointments.cancel_appointment(staff.receptionist, review, "not needed")
    assert status_of(review) == "to_book"


def test_a_follow_up_can_be_cancelled_with_a_reason(staff, review):
    follow_up = add_follow_up(staff, review)
    record = appointments.cancel_appointment(staff.receptionist, follow_up.id, "patient declined")
    assert (record.status, record.cancel_reason) == ("cancelled", "patient declined")


def test_cancelling_a_booked_follow_up_frees_its_slot(staff, review):
    follow_up = add_follow_up(staff, review)
    book(staff, follow_up.id)
    appointments.cancel_appointment(staff.receptionist, follow_up.id, "patient declined")
    assert book(staff, review).status == "booked"


def test_cancelling_an_attended_follow_up_is_refused(staff, review):
    follow_up = add_follow_up(staff, review)
    booked_now(staff, follow_up.id)
    appointments.record_attended(staff.receptionist, follow_up.id)
    with pytest.raises(InvalidTransition, match="The follow-up for SMITH, Ann was attended on Mon 30 Nov 2026"):
        appointments.cancel_appointment(staff.receptionist, follow_up.id, "entered in error")
    assert status_of(follow_up.id) == "attended"


def test_cancelling_the_booking_of_an_unbooked_review_is_refused(staff, review):
    with pytest.raises(InvalidTransition, match="is not booked"):
        appointments.cancel_booking(staff.receptionist, review, "clinician off sick")
    assert status_of(review) == "to_book"


def test_cancelling_needs_a_reason(staff, review):
    book(staff, review)
    with pytest.raises(ValidationError, match="Give a reason"):
        appointments.cancel_booking(staff.receptionist, review, "")
    assert status_of(review) == "booked"


def test_cancelling_a_booking_after_discharge_cancels_the_review(staff, review):
    # Back on the to-book list it would be hidden (discharged episode) yet show as overdue later.
    book(staff, review)
    episode_id = Appointment.get_by_id(review).episode_id
    episodes.discharge_episode(staff.clinician, episode_id, discharged_on=date(2026, 11, 30), reason="resolved",
                               decisions=[discharge.ItemDecision("booked_visit", review, "keep")])
    record = appointments.cancel_booking(staff.receptionist, review, "patient no longer needs it")
    assert (record.status, record.cancel_reason) == ("cancelled", "discharged")


def test_a_follow_up_due_on_a_saturday_is_due_the_friday_before(staff, review):
    follow_up = add_follow_up(staff, review, due_by=date(2026, 12, 19))
    assert (follow_up.kind, follow_up.pathway_key, follow_up.due_by) == ("follow_up", None, date(2026, 12, 18))


# --- attendance ---


def test_attendance_is_recorded_once_the_appointment_has_started(staff, review):
    booked_now(staff, review)
    assert appointments.record_attended(staff.receptionist, review).status == "attended"


def test_attendance_before_the_day_of_the_appointment_is_refused(staff, review):
    book(staff, review)
    with pytest.raises(InvalidTransition, match="a patient can be checked in on the day of the appointment"):
        appointments.record_attended(staff.receptionist, review)
    assert status_of(review) == "booked"


def test_a_patient_arriving_early_on_the_day_is_checked_in(staff, review):
    booked_now(staff, review)
    with frozen_at(NOW - timedelta(minutes=40)):
        assert appointments.record_attended(staff.receptionist, review).status == "attended"


def test_did_not_attend_before_the_start_is_refused(staff, review):
    book(staff, review)
    with pytest.raises(InvalidTransition, match="attendance can be recorded once it has started"):
        appointments.record_did_not_attend(staff.receptionist, review)
    assert status_of(review) == "booked"


def test_attending_an_unbooked_review_is_refused(staff, review):
    with pytest.raises(InvalidTransition, match="The 2-week review for SMITH, Ann is not booked"):
        appointments.record_attended(staff.receptionist, review)
    assert status_of(review) == "to_book"


def test_did_not_attend_puts_a_new_review_to_book_with_the_original_due_date(staff, review):
    booked_now(staff, review)
    rebooking = appointments.record_did_not_attend(staff.receptionist, review)
    assert status_of(review) == "did_not_attend"
    assert (rebooking.status, rebooking.kind, rebooking.pathway_key, rebooking.due_by, rebooking.rebooked_from_id) == (
        "to_book", "two_week_review", "two_week_review", date(2026, 12, 10), review)


def test_a_review_back_to_book_after_its_due_day_was_closed_is_due_the_working_day_before(staff, review):
    """Closing a day moves only what is still to book; a booking given up or missed later must
    not bring back a deadline on a day the clinic is shut (found by the safety-net state machine)."""
    book(staff, review)
    settings.update_clinic_settings(staff.manager, closure_days=(date(2026, 12, 10),))  # Thu: its due day
    assert Appointment.get_by_id(review).due_by == date(2026, 12, 10)  # booked: kept as it was
    again = appointments.cancel_booking(staff.receptionist, review, "clinician off sick")
    assert (again.status, again.due_by) == ("to_book", date(2026, 12, 9))


def test_a_missed_review_due_on_a_day_closed_since_is_rebooked_by_the_working_day_before(staff, review):
    booked_now(staff, review)
    settings.update_clinic_settings(staff.manager, closure_days=(date(2026, 12, 10),))
    rebooking = appointments.record_did_not_attend(staff.receptionist, review)
    assert (rebooking.status, rebooking.due_by) == ("to_book", date(2026, 12, 9))


def test_the_episode_lists_the_missed_review_and_the_one_replacing_it(staff, review):
    booked_now(staff, review)
    rebooking = appointments.record_did_not_attend(staff.receptionist, review)
    listed = appointments.appointments_for_episode(staff.receptionist, Appointment.get_by_id(review).episode_id)
    assert [(row.id, row.kind, row.status) for row in listed] == [
        (review, "two_week_review", "did_not_attend"), (rebooking.id, "two_week_review", "to_book"),
        (listed[2].id, "twelve_week_review", "to_book")]


def test_did_not_attend_after_attended_is_refused(staff, review):
    booked_now(staff, review)
    appointments.record_attended(staff.receptionist, review)
    with pytest.raises(InvalidTransition, match="was attended on Mon 30 Nov 2026"):
        appointments.record_did_not_attend(staff.receptionist, review)
    assert Appointment.select().where(Appointment.pathway_key == "two_week_review").count() == 1


def test_did_not_attend_after_discharge_books_nothing_new(staff, review):
    booked_now(staff, review)
    episode_id = Appointment.get_by_id(review).episode_id
    episodes.discharge_episode(staff.clinician, episode_id, discharged_on=date(2026, 11, 30), reason="resolved")
    record = appointments.record_did_not_attend(staff.receptionist, review)
    assert (record.id, record.status) == (review, "did_not_attend")
    assert Appointment.select().where(Appointment.status == "to_book").count() == 0


def test_a_follow_up_cannot_be_added_to_a_discharged_episode(staff, review):
    episode_id = Appointment.get_by_id(review).episode_id
    episodes.discharge_episode(staff.clinician, episode_id, discharged_on=date(2026, 11, 30), reason="resolved")
    with pytest.raises(InvalidTransition, match="was discharged on Mon 30 Nov 2026"):
        appointments.add_follow_up(staff.clinician, episode_id, due_by=date(2026, 12, 18), reason="review")


def test_the_command_line_cannot_book(staff, review):
    from clinic_desktop.services.core.actor import Actor

    with pytest.raises(PermissionDenied):
        book(staff, review, actor=Actor.command_line())
