"""pathway/sessions.py: a day's periods and slots from sessions less leave, by examples and by
property over random patterns, clock-change days included."""
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from clinic_desktop.pathway.sessions import Away, Hours, Session, working_day

LONDON = ZoneInfo("Europe/London")
HOURS = Hours(time(8, 30), time(17, 30), 20)
TUESDAY = date(2026, 12, 1)
SPRING, AUTUMN = date(2027, 3, 28), date(2026, 10, 25)  # Sundays the London clocks change


def weekly(weekday=1, starts=None, ends=None, **options) -> Session:
    return Session(id=options.pop("id", 1), weekday=weekday, on_date=None, starts=starts, ends=ends,
                   slot_minutes=options.pop("slot_minutes", None), kinds=options.pop("kinds", ()), **options)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), LONDON).astimezone(timezone.utc)


def walls(day) -> list[str]:
    return [f"{slot.wall_time:%H:%M}" for slot in day.slots]


def test_a_session_without_times_follows_the_opening_hours():
    day = working_day([weekly()], [], TUESDAY, HOURS, LONDON)
    assert (walls(day)[0], walls(day)[-1], len(day.slots)) == ("08:30", "17:10", 27)


def test_no_session_that_day_no_slots():
    assert working_day([weekly(weekday=2)], [], TUESDAY, HOURS, LONDON).slots == ()


def test_alternate_weeks_count_from_the_anchor_week():
    session = weekly(every_weeks=2, anchor_week=date(2026, 11, 30))
    assert [session.runs_on(TUESDAY + timedelta(weeks=weeks)) for weeks in range(4)] == [True, False, True, False]


def test_leave_cuts_the_slots_it_touches_and_keeps_the_grid():
    leave = [Away(at(TUESDAY, 10, 0), at(TUESDAY, 11, 0), "other")]
    day = working_day([weekly(starts=time(9, 0), ends=time(12, 0), slot_minutes=30)], leave, TUESDAY, HOURS, LONDON)
    assert walls(day) == ["09:00", "09:30", "11:00", "11:30"]
    assert [(period.wall_start, period.wall_end) for period in day.periods] == [
        (time(9, 0), time(10, 0)), (time(11, 0), time(12, 0))]


def test_overlapping_sessions_never_give_overlapping_slots():
    sessions = [weekly(id=1, starts=time(9, 0), ends=time(10, 0)),
                weekly(id=2, starts=time(9, 30), ends=time(11, 0), slot_minutes=30)]
    day = working_day(sessions, [], TUESDAY, HOURS, LONDON)
    assert walls(day) == ["09:00", "09:20", "09:40", "10:00", "10:30"]


def test_the_spring_change_skips_its_hour_and_the_autumn_change_repeats_it():
    night = [Session(1, None, SPRING, time(0, 0), time(3, 0), 30, ()), Session(2, None, AUTUMN, time(0, 0),
                                                                             time(3, 0), 30, ())]
    spring = working_day(night, [], SPRING, HOURS, LONDON)
    assert walls(spring) == ["00:00", "00:30", "02:00", "02:30"]
    autumn = working_day(night, [], AUTUMN, HOURS, LONDON)
    assert [(f"{slot.wall_time:%H:%M}", slot.zone_name) for slot in autumn.slots] == [
        ("00:00", None), ("00:30", None), ("01:00", "BST"), ("01:30", "BST"), ("01:00", "GMT"), ("01:30", "GMT"),
        ("02:00", None), ("02:30", None)]  # in time order


# --- by property ---

DAYS = st.sampled_from([TUESDAY + timedelta(days=offset) for offset in range(14)] + [SPRING, AUTUMN])
SESSIONS = st.lists(st.builds(
    lambda id_, weekday, start, length, minutes, every, kinds: Session(
        id_, weekday, None, time(start // 4, start % 4 * 15),
        (datetime.combine(TUESDAY, time(start // 4, start % 4 * 15)) + timedelta(minutes=length)).time(),
        minutes, kinds, every, date(2026, 11, 30) if every > 1 else None),
    st.integers(1, 10**6), st.integers(0, 6), st.integers(0, 4 * 20), st.integers(15, 240),
    st.sampled_from((None, 15, 20, 30, 45)), st.integers(1, 2),
    st.sampled_from(((), ("two_week_review",), ("follow_up", "twelve_week_review")))), max_size=4).filter(
    lambda sessions: all(session.starts < session.ends for session in sessions))
LEAVE = st.lists(st.builds(lambda day, start, hours: Away(at(day, 0) + timedelta(minutes=15 * start),
                                                          at(day, 0) + timedelta(minutes=15 * start, hours=hours),
                                                          "annual_leave"),
                           DAYS, st.integers(0, 95), st.integers(1, 48)), max_size=3)


@settings(max_examples=300, deadline=None)
@given(sessions=SESSIONS, leave=LEAVE, day=DAYS)
def test_every_slot_lies_in_a_session_that_runs_and_none_on_leave(sessions, leave, day):
    worked = working_day(sessions, leave, day, HOURS, LONDON)
    for slot in worked.slots:
        local_start, local_end = slot.starts_at.astimezone(LONDON), slot.ends_at.astimezone(LONDON)
        assert local_start.date() == local_end.date() == day
        assert any(session.runs_on(day) and (session.starts or HOURS.opens) <= local_start.time().replace(tzinfo=None)
                   and local_end.time().replace(tzinfo=None) <= (session.ends or HOURS.closes)
                   and slot.kinds == session.kinds for session in sessions)
        assert not any(away.starts_at < slot.ends_at and slot.starts_at < away.ends_at for away in leave)
        assert any(period.starts_at <= slot.starts_at and slot.ends_at <= period.ends_at for period in worked.periods)
    assert all(earlier.ends_at <= later.starts_at for earlier, later in zip(worked.slots, worked.slots[1:]))
    if not any(session.runs_on(day) for session in sessions):
        assert worked.slots == worked.periods == ()
