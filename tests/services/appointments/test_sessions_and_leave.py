"""Who works when: sessions and leave decide the book's slots, the offers and what booking accepts,
and a change over bookings is refused or, confirmed, puts each back on the to-book list."""
from datetime import date, datetime, time, timedelta, timezone

import pytest

from clinic_desktop.models import Appointment, AuditEvent, ClinicianSession
from clinic_desktop.services.appointments import appointment_book, sessions, waiting_list
from clinic_desktop.services.appointments.sessions import BookingsInTheWay
from clinic_desktop.services.core.errors import Conflict, PermissionDenied, ValidationError
from clinic_desktop.services.worklists import worklists
from tests.services.appointments.test_appointment_book import book, day_of, offer, review_of

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)  # Mon 30 Nov 2026, 09:00 in London (GMT)
TUESDAY = date(2026, 12, 1)
CLINIC_TIME = NOW


def only_sessions(staff, clinician=None, **session):
    """The clinician's default pattern ended yesterday and this one session in its place."""
    clinician_id = (clinician or staff.clinician).user_id
    for row in ClinicianSession.select().where(ClinicianSession.clinician == clinician_id):
        sessions.end_session(staff.manager, row.id, last_day=date(2026, 11, 29))
    return sessions.add_session(staff.manager, clinician_id, **session)


def tuesday_mornings(staff, **options):
    return only_sessions(staff, weekday=1, starts=time(8, 30), ends=time(12, 30), **options)


def labels(book_day):
    return [slot.label for slot in book_day.slots if slot.on_grid]


def test_a_new_clinician_works_the_opening_hours_every_weekday(staff):
    time_of = sessions.clinician_time(staff.manager, staff.clinician.user_id)
    assert [(each.when, each.hours) for each in time_of.sessions] == [
        (f"Every {name}", "Opening hours (08:30–17:30)") for name in ("Monday", "Tuesday", "Wednesday", "Thursday",
                                                                      "Friday")]
    (working,) = day_of(staff, TUESDAY).working
    assert working.label == "08:30–17:30"


def test_slots_lie_only_inside_the_sessions_worked(staff):
    tuesday_mornings(staff)
    assert labels(day_of(staff, TUESDAY)) == ["08:30", "08:50", "09:10", "09:30", "09:50", "10:10", "10:30", "10:50",
                                              "11:10", "11:30", "11:50", "12:10"]
    assert day_of(staff, date(2026, 12, 2)).slots == ()  # Wednesday: not worked
    assert day_of(staff, date(2026, 12, 2)).working == ()


def test_booking_outside_a_session_is_refused_in_one_sentence(staff):
    tuesday_mornings(staff)
    review = review_of(staff)
    with pytest.raises(ValidationError, match="^Dr Alys Jones works 08:30–12:30 on Tue 1 Dec 2026: 14:00–14:20 is "
                                              "outside those hours$"):
        book(staff, review, datetime(2026, 12, 1, 14, 0))
    with pytest.raises(ValidationError, match="^Dr Alys Jones does not work on Wed 2 Dec 2026$"):
        book(staff, review, datetime(2026, 12, 2, 10, 0))
    assert book(staff, review, datetime(2026, 12, 1, 12, 10)).status == "booked"


def test_offers_with_a_clinician_come_only_from_their_sessions(staff):
    tuesday_mornings(staff)
    offered = offer(staff, review_of(staff), clinician=staff.clinician, limit=20)
    assert {slot.label[:10] for slot in offered.slots} == {"Tue 1 Dec ", "Tue 8 Dec "}
    assert all(time(8, 30) <= slot.wall_time.time() < time(12, 30) for slot in offered.slots)


def test_a_session_has_its_own_slot_length(staff):
    tuesday_mornings(staff, slot_minutes=30)
    assert labels(day_of(staff, TUESDAY)) == ["08:30", "09:00", "09:30", "10:00", "10:30", "11:00", "11:30", "12:00"]
    record = book(staff, review_of(staff), datetime(2026, 12, 1, 9, 0))
    assert record.ends_at - record.starts_at == timedelta(minutes=30)


def test_a_session_for_some_kinds_takes_no_other(staff):
    tuesday_mornings(staff, kinds=("twelve_week_review",))
    review = review_of(staff)  # a 2-week review
    with pytest.raises(ValidationError, match="^Dr Alys Jones's 08:30–12:30 session on Tue 1 Dec 2026 takes "
                                              "12-week checks only$"):
        book(staff, review, datetime(2026, 12, 1, 10, 0))
    assert offer(staff, review, clinician=staff.clinician).on_time is False
    assert {slot.clinician_name for slot in offer(staff, review).slots} == {"Sam Physio"}


def test_a_session_every_second_week_runs_from_its_first_week(staff):
    only_sessions(staff, weekday=1, starts=time(9, 0), ends=time(10, 0), every_weeks=2, first_day=date(2026, 12, 8))
    worked = [book_day.day for book_day in appointment_book.clinician_book(
        staff.receptionist, staff.clinician.user_id, TUESDAY, 36) if book_day.slots]
    assert worked == [date(2026, 12, 8), date(2026, 12, 22), date(2027, 1, 5)]


def test_a_one_off_evening_session_outside_the_opening_hours_is_bookable(staff):
    sessions.add_session(staff.manager, staff.clinician.user_id, on_date=date(2026, 12, 2), starts=time(18, 0),
                         ends=time(19, 0))
    wednesday = day_of(staff, date(2026, 12, 2))
    assert [period.label for period in wednesday.working] == ["08:30–17:30", "18:00–19:00"]
    assert book(staff, review_of(staff), datetime(2026, 12, 2, 18, 40)).status == "booked"


def test_a_session_over_another_is_refused(staff):
    with pytest.raises(Conflict, match="Dr Alys Jones already works 08:30–17:30 on Tue 1 Dec 2026"):
        sessions.add_session(staff.manager, staff.clinician.user_id, weekday=1, starts=time(17, 0), ends=time(19, 0))


def test_whole_days_of_leave_take_the_clinician_out_of_the_book_and_the_offers(staff):
    leave = sessions.add_leave(staff.manager, staff.clinician.user_id, first_day=TUESDAY, last_day=date(2026, 12, 4),
                               reason="annual_leave", note="Skiing")
    assert leave.span == "Tue 1 Dec 2026 – Fri 4 Dec 2026"
    tuesday = day_of(staff, TUESDAY)
    assert (tuesday.slots, [(item.reason_title, item.note) for item in tuesday.absences]) == (
        (), [("Annual leave", "Skiing")])
    review = review_of(staff)
    with pytest.raises(ValidationError, match="^Dr Alys Jones is on annual leave on Tue 1 Dec 2026$"):
        book(staff, review, datetime(2026, 12, 1, 10, 0))
    offered = offer(staff, review, clinician=staff.clinician, limit=50)
    assert not [slot for slot in offered.slots if TUESDAY <= slot.starts_at.date() <= date(2026, 12, 4)]
    assert offered.slots[-1].starts_at.date() == date(2026, 12, 7)


def test_part_of_a_day_on_leave_keeps_the_rest_of_its_slots(staff):
    sessions.add_leave(staff.manager, staff.clinician.user_id, first_day=TUESDAY, from_time=time(12, 0),
                       to_time=time(17, 30), reason="training")
    tuesday = day_of(staff, TUESDAY)
    assert labels(tuesday)[-1] == "11:30"  # 11:50 would end at 12:10
    assert [period.label for period in tuesday.working] == ["08:30–12:00"]


def test_cancelled_leave_gives_the_slots_back(staff):
    leave = sessions.add_leave(staff.manager, staff.clinician.user_id, first_day=TUESDAY, reason="sickness")
    sessions.cancel_leave(staff.manager, leave.id)
    assert len(labels(day_of(staff, TUESDAY))) == 27
    assert sessions.clinician_time(staff.manager, staff.clinician.user_id).leave == ()


def test_leave_over_bookings_is_refused_with_the_list_and_changes_nothing(staff):
    review = review_of(staff)
    book(staff, review, datetime(2026, 12, 1, 10, 0))
    with pytest.raises(BookingsInTheWay) as refused:
        sessions.add_leave(staff.manager, staff.clinician.user_id, first_day=TUESDAY, reason="sickness")
    assert refused.value.bookings == ("Tue 1 Dec 10:00: the 2-week review for SMITH, Ann (due by Thu 10 Dec)",)
    assert str(refused.value).startswith("1 booking with Dr Alys Jones would be left with nobody there")
    assert Appointment.get_by_id(review).status == "booked"
    assert sessions.clinician_time(staff.manager, staff.clinician.user_id).leave == ()


def test_confirmed_leave_puts_each_booking_back_to_book_with_its_due_by_date(staff):
    first, second = review_of(staff, "Smith"), review_of(staff, "Jones", first_contact=date(2026, 11, 20))
    book(staff, first, datetime(2026, 12, 1, 10, 0))
    book(staff, second, datetime(2026, 12, 1, 11, 0))
    events = AuditEvent.select().count()
    sessions.add_leave(staff.manager, staff.clinician.user_id, first_day=TUESDAY, reason="sickness", confirm=True)
    assert AuditEvent.select().count() == events + 1
    for review, due_by in ((first, date(2026, 12, 10)), (second, date(2026, 12, 4))):
        row = Appointment.get_by_id(review)
        assert (row.status, row.due_by, row.starts_at) == ("to_book", due_by, None)
    rows = [row for row in worklists.to_book(staff.receptionist).rows if row.kind == "two_week_review"]
    assert [(row.patient_name, row.taken_off) for row in rows] == [
        ("JONES, Ann", "Booking Tue 1 Dec 11:00 taken off: Dr Alys Jones on sickness"),
        ("SMITH, Ann", "Booking Tue 1 Dec 10:00 taken off: Dr Alys Jones on sickness")]


def test_leave_elsewhere_leaves_bookings_alone(staff):
    review = review_of(staff)
    book(staff, review, datetime(2026, 12, 1, 10, 0))
    sessions.add_leave(staff.manager, staff.clinician.user_id, first_day=TUESDAY, from_time=time(13, 0),
                       to_time=time(17, 30), reason="training")
    assert Appointment.get_by_id(review).status == "booked"


def test_ending_a_session_over_bookings_is_refused_then_confirmed(staff):
    session = tuesday_mornings(staff)
    review = review_of(staff)
    book(staff, review, datetime(2026, 12, 8, 9, 0))
    with pytest.raises(BookingsInTheWay):
        sessions.end_session(staff.manager, session.id, last_day=date(2026, 12, 7))
    assert Appointment.get_by_id(review).status == "booked"
    sessions.end_session(staff.manager, session.id, last_day=date(2026, 12, 7), confirm=True)
    row = Appointment.get_by_id(review)
    assert (row.status, row.due_by) == ("to_book", date(2026, 12, 10))
    assert row.cancel_reason == ("Booking Tue 8 Dec 09:00 taken off: Dr Alys Jones's session ended (Every Tuesday, "
                                 "08:30–12:30)")
    assert labels(day_of(staff, date(2026, 12, 8))) == []


def test_booking_again_clears_why_the_last_booking_was_taken_off(staff):
    review = review_of(staff)
    book(staff, review, datetime(2026, 12, 1, 10, 0))
    sessions.add_leave(staff.manager, staff.clinician.user_id, first_day=TUESDAY, reason="sickness", confirm=True)
    book(staff, review, datetime(2026, 12, 2, 10, 0))
    assert Appointment.get_by_id(review).cancel_reason is None


def test_leave_is_entered_only_by_the_practice_manager(staff):
    with pytest.raises(PermissionDenied):
        sessions.add_leave(staff.receptionist, staff.clinician.user_id, first_day=TUESDAY, reason="sickness")


@pytest.mark.parametrize(("options", "message"), [
    (dict(first_day=date(2026, 12, 4), last_day=TUESDAY), "^Leave must end after it starts$"),
    (dict(first_day=date(2026, 11, 2)), "^That leave is already over"),
    (dict(first_day=TUESDAY, reason="holiday"), "^There is no reason for leave 'holiday'"),
])
def test_bad_leave_is_refused_in_words(staff, options, message):
    options.setdefault("reason", "annual_leave")
    with pytest.raises(ValidationError, match=message):
        sessions.add_leave(staff.manager, staff.clinician.user_id, **options)


def test_overlapping_leave_is_refused(staff):
    sessions.add_leave(staff.manager, staff.clinician.user_id, first_day=TUESDAY, reason="sickness")
    with pytest.raises(Conflict, match="^Dr Alys Jones already has sickness Tue 1 Dec 2026: cancel it first"):
        sessions.add_leave(staff.manager, staff.clinician.user_id, first_day=TUESDAY, reason="training")


@pytest.mark.parametrize(("options", "message"), [
    (dict(weekday=1, starts=time(12, 0), ends=time(9, 0)), "^The session must end after it starts"),
    (dict(weekday=9), "^Choose the weekday"),
    (dict(), "^A session is on a weekday"),
    (dict(on_date=date(2026, 12, 5)), r"^The clinic is closed on Sat 5 Dec 2026 \(Weekend\)$"),
    (dict(weekday=1, slot_minutes=2), "^A slot lasts between 5 and 240 minutes$"),
    (dict(weekday=1, kinds=("massage",)), "^There is no kind of visit 'massage'"),
])
def test_bad_sessions_are_refused_in_words(staff, options, message):
    with pytest.raises(ValidationError, match=message):
        sessions.add_session(staff.manager, staff.clinician.user_id, **options)


def test_a_freed_slot_on_leave_is_offered_to_nobody(staff):
    sessions.add_leave(staff.manager, staff.clinician.user_id, first_day=TUESDAY, reason="training")
    starts = datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc)
    offered = waiting_list.freed_slot_offer(staff.receptionist, staff.clinician.user_id, starts,
                                            starts + timedelta(minutes=20))
    assert (offered.candidates, offered.taken) == ((), "Dr Alys Jones no longer works at that time (a session "
                                                        "ended, or leave): there is nothing to offer.")
