"""By property, on SQLite and PostgreSQL: over random session patterns and leave, the book
(book_days) and the earliest-slot search (earliest_free_slots) offer no slot when nobody
works, none outside a session or on leave, and every free slot of the sessions worked."""
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clinic_desktop.models import ClinicianLeave, ClinicianSession
from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.appointments import appointment_book, slot_offers
from tests.services.appointments.test_appointment_book import review_of

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)  # Mon 30 Nov 2026, 09:00 in London (GMT)
CLINIC_TIME = NOW
LONDON = ZoneInfo("Europe/London")
DUE_BY = date(2026, 12, 10)  # the review's
DAYS = 11  # Mon 30 Nov to Thu 10 Dec

SESSION = st.fixed_dictionaries({
    "weekday": st.integers(0, 6), "start": st.integers(28, 80), "length": st.integers(2, 16),
    "slot_minutes": st.sampled_from((None, 15, 30)), "every_weeks": st.integers(1, 2),
    "kinds": st.sampled_from(("", "two_week_review", "twelve_week_review,follow_up"))})
LEAVE = st.fixed_dictionaries({"day": st.integers(0, DAYS - 1), "start": st.integers(0, 95),
                               "quarters": st.integers(1, 96)})


def _lay(clinician_ids, sessions, leave):
    """Only these sessions and this leave, for the first clinician; nobody else works."""
    ClinicianLeave.delete().execute()
    ClinicianSession.delete().execute()
    for session in sessions:
        starts = datetime.combine(NOW.date(), time()) + timedelta(minutes=15 * session["start"])
        ClinicianSession.create(
            clinician=clinician_ids[0], weekday=session["weekday"], starts_time=starts.time(),
            ends_time=(starts + timedelta(minutes=15 * session["length"])).time(),
            slot_minutes=session["slot_minutes"], kinds=session["kinds"], every_weeks=session["every_weeks"],
            anchor_week=date(2026, 11, 30) if session["every_weeks"] > 1 else None, valid_from=date(2026, 1, 5),
            created_at=NOW)
    for away in leave:
        starts = datetime.combine(NOW.date() + timedelta(days=away["day"]), time(), LONDON) + timedelta(
            minutes=15 * away["start"])
        ClinicianLeave.create(clinician=clinician_ids[0], starts_at=starts,
                              ends_at=starts + timedelta(minutes=15 * away["quarters"]), reason="annual_leave",
                              created_by=clinician_ids[0], created_at=NOW)


def _expected(sessions, leave, starts_at: datetime, ends_at: datetime, kind: str | None) -> bool:
    """Worked out afresh: inside a session that runs that day and takes the kind (None: any), not on leave."""
    local, local_end = starts_at.astimezone(LONDON), ends_at.astimezone(LONDON)
    day = local.date()
    for session in sessions:
        begins = time(session["start"] // 4, session["start"] % 4 * 15)
        ends = (datetime.combine(day, begins) + timedelta(minutes=15 * session["length"])).time()
        runs = day.weekday() == session["weekday"] and (
            session["every_weeks"] == 1 or (day - date(2026, 11, 30)).days // 7 % 2 == 0)
        if runs and begins <= local.time() and local_end.time() <= ends and local_end.date() == day and (
                kind is None or not session["kinds"] or kind in session["kinds"].split(",")):
            break
    else:
        return False
    for away in leave:
        away_from = datetime.combine(NOW.date() + timedelta(days=away["day"]), time(), LONDON) + timedelta(
            minutes=15 * away["start"])
        if away_from < ends_at and starts_at < away_from + timedelta(minutes=15 * away["quarters"]):
            return False
    return True


def test_only_the_sessions_worked_are_offered_and_all_their_free_slots(staff):
    review = review_of(staff)  # a 2-week review due by Thu 10 Dec
    clinician_ids = (staff.clinician.user_id, staff.other_clinician.user_id)

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    @given(sessions=st.lists(SESSION, max_size=3), leave=st.lists(LEAVE, max_size=2))
    def check(sessions, leave):
        _lay(clinician_ids, sessions, leave)
        book = appointment_book.book_days(load_settings(), clinician_ids[0], NOW.date(), DAYS)
        bookable = [slot for day in book for slot in day.slots if slot.bookable]
        for slot in bookable:
            assert _expected(sessions, leave, slot.starts_at, slot.ends_at, slot.kinds[0] if slot.kinds else None), slot
        for day in book:
            assert not any(slot.free and slot.on_grid for slot in day.slots) or day.working
        takes = [slot for slot in bookable if not slot.kinds or "two_week_review" in slot.kinds]
        offer = slot_offers.earliest_free_slots(staff.receptionist, review, limit=slot_offers.MAX_OFFERED)
        for offered in offer.slots:
            assert offered.clinician_id == clinician_ids[0]
            assert _expected(sessions, leave, offered.starts_at, offered.ends_at, "two_week_review"), offered
        if takes:
            assert offer.on_time
            assert [slot.starts_at for slot in offer.slots] == [slot.starts_at for slot in takes][:len(offer.slots)]
            assert len(offer.slots) == min(len(takes), slot_offers.MAX_OFFERED)
        else:
            assert not offer.on_time
        if not sessions:
            assert bookable == [] and offer.slots == ()

    check()
