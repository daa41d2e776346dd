"""The appointment book read side: a clinician's days as slots, and the earliest free slots to offer."""
from datetime import date, datetime, time, timedelta, timezone

import pytest

from clinic_desktop.models import Appointment, User
from clinic_desktop.services.admin import settings
from clinic_desktop.services.appointments import appointment_book, appointments, slot_offers
from clinic_desktop.services.core.actor import Actor
from clinic_desktop.services.core.clock import frozen_at
from clinic_desktop.services.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationError
from clinic_desktop.services.episodes import episodes
from clinic_desktop.services.patients import patients

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)  # Mon 30 Nov 2026, 09:00 in London (GMT)
TUESDAY = date(2026, 12, 1)


CLINIC_TIME = NOW  # every test here runs at this moment (tests/conftest.py: clinic_clock)


def review_of(staff, family="Smith", first_contact=date(2026, 11, 26)):
    """The 2-week review of a new episode (first contact Thu 26 Nov: due by Thu 10 Dec 2026)."""
    patient = patients.register_patient(staff.receptionist, family_name=family, given_name="Ann",
                                        date_of_birth=date(1970, 5, 1))
    episode_id = episodes.open_episode(staff.clinician, patient.id, first_contact_on=first_contact,
                                       presentation="non_specific", severity="mild").episode_id
    return Appointment.get((Appointment.episode == episode_id) & (Appointment.kind == "two_week_review")).id


def book(staff, appointment_id, starts_local, clinician=None, **options):
    return appointments.book_appointment(staff.receptionist, appointment_id,
                                         clinician_id=(clinician or staff.clinician).user_id,
                                         starts_local=starts_local, **options)


def day_of(staff, day, clinician=None):
    (book_day,) = appointment_book.clinician_book(staff.receptionist, (clinician or staff.clinician).user_id, day, 1)
    return book_day


def slot(book_day, label):
    (found,) = book_day.slots_labelled(label)
    return found


def offer(staff, appointment_id, clinician=None, limit=8):
    return slot_offers.earliest_free_slots(
        staff.receptionist, appointment_id, clinician_id=clinician.user_id if clinician else None, limit=limit)


# --- clinicians ---


def test_clinicians_are_the_active_ones_by_name(staff):
    User.update(active=False).where(User.id == staff.other_clinician.user_id).execute()
    users_ = appointment_book.clinicians(staff.receptionist)
    assert [(person.full_name, person.username) for person in users_] == [("Dr Alys Jones", "drjones")]


def test_clinicians_are_listed_alphabetically(staff):
    assert [person.full_name for person in appointment_book.clinicians(staff.manager)] == [
        "Dr Alys Jones", "Sam Physio"]


# --- a clinician's day ---


def test_an_open_day_has_a_free_slot_every_twenty_minutes_from_opening_to_closing(staff):
    tuesday = day_of(staff, TUESDAY)
    assert (tuesday.open, tuesday.closed_reason, tuesday.title) == (True, None, "Tue 1 Dec")
    labels = [each.label for each in tuesday.slots]
    assert (labels[0], labels[-1], len(labels)) == ("08:30", "17:10", 27)
    assert all(each.free and each.bookable for each in tuesday.slots)
    (working,) = tuesday.working
    assert (working.label, working.starts_at, working.ends_at) == (
        "08:30–17:30", datetime(2026, 12, 1, 8, 30, tzinfo=timezone.utc), datetime(2026, 12, 1, 17, 30, tzinfo=timezone.utc))


def test_a_booked_review_sits_in_its_slot_with_the_patient(staff):
    book(staff, review_of(staff), datetime(2026, 12, 1, 10, 10))
    ten = slot(day_of(staff, TUESDAY), "10:10")
    assert (ten.free, ten.appointment.patient_name, ten.appointment.kind_title, ten.appointment.status) == (
        False, "SMITH, Ann", "2-week review", "booked")
    assert slot(day_of(staff, TUESDAY), "10:30").free


def test_a_booking_shows_only_in_its_own_clinicians_book(staff):
    book(staff, review_of(staff), datetime(2026, 12, 1, 10, 10))
    assert slot(day_of(staff, TUESDAY, staff.other_clinician), "10:10").appointment is None


def test_slots_earlier_today_are_past_and_not_bookable(staff):
    today = day_of(staff, date(2026, 11, 30))
    assert (slot(today, "08:50").past, slot(today, "08:50").bookable) == (True, False)
    assert slot(today, "09:10").bookable


def test_an_appointment_off_the_grid_gets_its_own_row_and_blocks_the_slots_it_overlaps(staff):
    book(staff, review_of(staff), datetime(2026, 12, 1, 10, 0), minutes=30)
    tuesday = day_of(staff, TUESDAY)
    own = slot(tuesday, "10:00–10:30")
    assert (own.on_grid, own.appointment.patient_name) == (False, "SMITH, Ann")
    assert [each.label for each in tuesday.slots[4:8]] == ["09:50", "10:00–10:30", "10:10", "10:30"]
    assert [slot(tuesday, label).free for label in ("09:50", "10:10", "10:30")] == [False, False, True]


def test_a_did_not_attend_stays_in_its_slot(staff):
    review = review_of(staff)
    with frozen_at(NOW - timedelta(minutes=40)):
        book(staff, review, datetime(2026, 11, 30, 8, 30))
    appointments.record_did_not_attend(staff.receptionist, review)
    missed = slot(day_of(staff, date(2026, 11, 30)), "08:30")
    assert (missed.appointment.status, missed.appointment.appointment_id) == ("did_not_attend", review)


def test_the_weekend_is_closed(staff):
    saturday = day_of(staff, date(2026, 12, 5))
    assert (saturday.open, saturday.closed_reason, saturday.slots, saturday.working) == (False, "Weekend", (), ())


def test_a_bank_holiday_is_closed_and_named(staff):
    christmas = day_of(staff, date(2026, 12, 25))
    assert (christmas.open, christmas.closed_reason) == (False, "Bank holiday: Christmas Day")


def test_a_closure_day_is_closed(staff):
    settings.update_clinic_settings(staff.manager, closure_days=(date(2026, 12, 2),))
    assert (day_of(staff, date(2026, 12, 2)).open, day_of(staff, date(2026, 12, 2)).closed_reason) == (
        False, "Closed")


def test_a_booking_on_a_day_closed_afterwards_still_shows(staff):
    """Closing a day with bookings is refused now; a day closed once it is past keeps them."""
    book(staff, review_of(staff), datetime(2026, 12, 1, 10, 10))
    with frozen_at(datetime(2026, 12, 2, 9, 0, tzinfo=timezone.utc)):
        settings.update_clinic_settings(staff.manager, closure_days=(TUESDAY,))
    tuesday = day_of(staff, TUESDAY)
    assert not tuesday.open
    assert [(each.label, each.appointment.patient_name) for each in tuesday.slots] == [("10:10–10:30", "SMITH, Ann")]


def test_a_book_of_several_days_gives_each_day_in_order(staff):
    days = appointment_book.clinician_book(staff.receptionist, staff.clinician.user_id, date(2026, 12, 4), 3)
    assert [(each.title, each.open) for each in days] == [("Fri 4 Dec", True), ("Sat 5 Dec", False),
                                                         ("Sun 6 Dec", False)]


def test_an_unknown_clinician_has_no_book(staff):
    with pytest.raises(NotFound, match="That clinician is not on record"):
        appointment_book.clinician_book(staff.receptionist, staff.receptionist.user_id, TUESDAY, 1)


def test_a_book_of_no_days_is_refused(staff):
    with pytest.raises(ValidationError, match="between 1 and 42 days"):
        appointment_book.clinician_book(staff.receptionist, staff.clinician.user_id, TUESDAY, 0)


# --- clock changes ---


def test_slots_after_the_clocks_go_forward_are_an_hour_earlier_in_utc(staff):
    # Thu 25 Mar 2027 in GMT; the clocks go forward on Sunday 28th (Good Friday and Easter Monday between).
    week = appointment_book.clinician_book(staff.receptionist, staff.clinician.user_id, date(2027, 3, 25), 6)
    thursday, tuesday = week[0], week[-1]
    assert slot(thursday, "08:30").starts_at == datetime(2027, 3, 25, 8, 30, tzinfo=timezone.utc)
    assert slot(tuesday, "08:30").starts_at == datetime(2027, 3, 30, 7, 30, tzinfo=timezone.utc)


def _cairo_clinic_open_round_the_clock(staff):
    # Egypt changes its clocks at midnight between Thursday and Friday: working days.
    settings.update_clinic_settings(staff.manager, time_zone="Africa/Cairo", opens_at=time(0, 0),
                                    closes_at=time(23, 59))


def test_a_day_the_clocks_skip_an_hour_has_no_slot_in_that_hour(staff):
    _cairo_clinic_open_round_the_clock(staff)
    spring = day_of(staff, date(2027, 4, 30))  # 00:00 to 01:00 does not exist
    assert spring.slots[0].label == "01:00"
    assert spring.slots[0].starts_at == datetime(2027, 4, 29, 22, 0, tzinfo=timezone.utc)
    assert len(spring.slots) == 68  # 23 hours' worth, the last 23:20–23:40


def test_an_hour_the_clocks_repeat_has_its_slots_twice(staff):
    _cairo_clinic_open_round_the_clock(staff)
    autumn = day_of(staff, date(2026, 10, 29))  # 23:00 to 24:00 happens twice
    assert [(each.label, each.starts_at.hour, each.ambiguous) for each in autumn.slots
            if each.label.startswith("23:00")] == [("23:00 EEST", 20, "earlier"), ("23:00 EET", 21, "later")]


def test_a_booking_in_a_repeated_hour_shows_in_the_slot_chosen(staff):
    _cairo_clinic_open_round_the_clock(staff)
    review = review_of(staff)
    with frozen_at(datetime(2026, 10, 29, 9, 0, tzinfo=timezone.utc)):
        book(staff, review, datetime(2026, 10, 29, 23, 0), ambiguous="later")
    autumn = day_of(staff, date(2026, 10, 29))
    assert slot(autumn, "23:00 EEST").free
    assert slot(autumn, "23:00 EET").appointment.appointment_id == review


# --- the week ---


def test_the_week_shows_monday_to_friday_with_the_bank_holiday_closed(staff):
    week = appointment_book.clinician_week(staff.receptionist, staff.clinician.user_id, date(2026, 12, 23))
    assert week.first_day == date(2026, 12, 21)
    assert [(each.title, each.closed_reason) for each in week.days] == [
        ("Mon 21 Dec", None), ("Tue 22 Dec", None), ("Wed 23 Dec", None), ("Thu 24 Dec", None),
        ("Fri 25 Dec", "Bank holiday: Christmas Day")]
    assert (week.rows[0], week.rows[-1], len(week.rows)) == ("08:30", "17:10", 27)


def test_the_week_has_a_row_for_an_appointment_off_the_grid(staff):
    book(staff, review_of(staff), datetime(2026, 12, 1, 10, 0), minutes=30)
    week = appointment_book.clinician_week(staff.receptionist, staff.clinician.user_id, TUESDAY)
    assert week.rows[4:7] == ("09:50", "10:00–10:30", "10:10")


# --- the earliest free slots ---


def test_the_earliest_free_slots_start_after_now(staff):
    offered = offer(staff, review_of(staff), limit=3)
    assert [(each.label, each.clinician_name, each.late) for each in offered.slots] == [
        ("Mon 30 Nov 09:10", "Dr Alys Jones", False), ("Mon 30 Nov 09:30", "Dr Alys Jones", False),
        ("Mon 30 Nov 09:50", "Dr Alys Jones", False)]
    assert offered.on_time
    assert offered.note == "The earliest free slots on or before the due-by date, Thu 10 Dec 2026."
    assert (offered.patient_name, offered.kind_title, offered.due_by) == ("SMITH, Ann", "2-week review",
                                                                           date(2026, 12, 10))


def test_across_clinicians_a_time_goes_to_the_one_with_fewer_appointments_that_day(staff):
    book(staff, review_of(staff, "Jones"), datetime(2026, 11, 30, 16, 10))
    offered = offer(staff, review_of(staff), limit=2)
    assert [(each.label, each.clinician_name) for each in offered.slots] == [
        ("Mon 30 Nov 09:10", "Sam Physio"), ("Mon 30 Nov 09:30", "Sam Physio")]


def test_a_time_taken_by_one_clinician_is_offered_with_another(staff):
    book(staff, review_of(staff, "Jones"), datetime(2026, 11, 30, 9, 10), staff.other_clinician)
    book(staff, review_of(staff, "Brown"), datetime(2026, 11, 30, 9, 10))
    book(staff, review_of(staff, "Green"), datetime(2026, 11, 30, 9, 30))
    offered = offer(staff, review_of(staff), limit=1)
    assert [(each.label, each.clinician_name) for each in offered.slots] == [("Mon 30 Nov 09:30", "Sam Physio")]


def test_a_taken_slot_is_not_offered(staff):
    book(staff, review_of(staff, "Jones"), datetime(2026, 11, 30, 9, 10))
    offered = offer(staff, review_of(staff), staff.clinician, limit=1)
    assert offered.slots[0].label == "Mon 30 Nov 09:30"


def test_the_clinician_filter_offers_only_that_clinicians_slots(staff):
    offered = offer(staff, review_of(staff), staff.other_clinician, limit=3)
    assert {each.clinician_name for each in offered.slots} == {"Sam Physio"}
    assert offered.note == "The earliest free slots with Sam Physio on or before the due-by date, Thu 10 Dec 2026."


def test_closed_days_are_skipped(staff):
    with frozen_at(datetime(2026, 12, 4, 17, 30, tzinfo=timezone.utc)):  # Friday, after closing
        offered = offer(staff, review_of(staff), staff.clinician, limit=1)
    assert offered.slots[0].label == "Mon 7 Dec 08:30"


def test_when_every_slot_up_to_the_due_by_date_is_taken_later_ones_are_offered_as_late(staff):
    settings.update_clinic_settings(staff.manager, opens_at=time(9, 0), closes_at=time(9, 20))
    with frozen_at(datetime(2026, 12, 9, 10, 0, tzinfo=timezone.utc)):  # Wed 9 Dec, after its only slot
        book(staff, review_of(staff, "Jones"), datetime(2026, 12, 10, 9, 0))
        offered = offer(staff, review_of(staff, "Smith", date(2026, 11, 26)), staff.clinician, limit=2)
    assert [(each.label, each.late) for each in offered.slots] == [("Fri 11 Dec 09:00", True),
                                                                  ("Mon 14 Dec 09:00", True)]
    assert not offered.on_time
    assert offered.note == ("No free slot with Dr Alys Jones on or before the due-by date, Thu 10 Dec 2026: "
                            "the earliest after it are listed, and booking one needs a reason.")


def test_an_overdue_review_is_offered_late_slots_from_now(staff):
    review = review_of(staff)
    with frozen_at(datetime(2026, 12, 14, 9, 0, tzinfo=timezone.utc)):
        offered = offer(staff, review, staff.clinician, limit=1)
    assert [(each.label, each.late) for each in offered.slots] == [("Mon 14 Dec 09:10", True)]


def test_an_offered_slot_books_exactly_as_offered(staff):
    review = review_of(staff)
    first = offer(staff, review, limit=1).slots[0]
    assert first.clinician_id == staff.clinician.user_id
    record = book(staff, review, first.wall_time, ambiguous=first.ambiguous)
    assert (record.starts_at, record.ends_at) == (first.starts_at, first.ends_at)


def test_an_offered_slot_in_a_repeated_hour_books_the_instant_offered(staff):
    _cairo_clinic_open_round_the_clock(staff)
    review = review_of(staff)
    with frozen_at(datetime(2026, 10, 29, 20, 50, tzinfo=timezone.utc)):  # 23:50 EEST, before the clocks go back
        first = offer(staff, review, staff.clinician, limit=1).slots[0]
        record = book(staff, review, first.wall_time, ambiguous=first.ambiguous)
    assert (first.label, first.ambiguous) == ("Thu 29 Oct 23:00 EET", "later")
    assert record.starts_at == datetime(2026, 10, 29, 21, 0, tzinfo=timezone.utc)


def test_rescheduling_offers_times_other_than_its_own(staff):
    review = review_of(staff)
    book(staff, review, datetime(2026, 11, 30, 9, 10))
    offered = offer(staff, review, staff.clinician, limit=1)
    assert offered.slots[0].label == "Mon 30 Nov 09:30"
    assert (offered.booked_for, offered.booked_with) == ("Mon 30 Nov 09:10 with Dr Alys Jones",
                                                         staff.clinician.user_id)


def test_an_attended_review_has_nothing_to_offer(staff):
    review = review_of(staff)
    with frozen_at(NOW - timedelta(minutes=40)):
        book(staff, review, datetime(2026, 11, 30, 8, 30))
    appointments.record_attended(staff.receptionist, review)
    with pytest.raises(InvalidTransition, match="The 2-week review for SMITH, Ann was attended"):
        offer(staff, review)


def test_an_inactive_clinician_is_not_offered(staff):
    review = review_of(staff)
    User.update(active=False).where(User.id == staff.other_clinician.user_id).execute()
    with pytest.raises(ValidationError, match="Sam Physio no longer works at the clinic"):
        offer(staff, review, staff.other_clinician)


def test_the_command_line_cannot_ask_for_a_patients_slots(staff):
    with pytest.raises(PermissionDenied):
        slot_offers.earliest_free_slots(Actor.command_line(), review_of(staff))
