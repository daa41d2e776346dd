from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clinic_desktop.pathway.calendar import WorkingCalendar, due_date

ENGLAND = WorkingCalendar("GB-ENG")


def test_ordinary_weekday_is_a_working_day():
    assert ENGLAND.is_working_day(date(2026, 11, 3))


def test_weekend_is_not_a_working_day():
    assert not ENGLAND.is_working_day(date(2026, 11, 7))
    assert not ENGLAND.is_working_day(date(2026, 11, 8))


def test_deadline_on_a_working_day_stays():
    assert ENGLAND.deadline(date(2026, 11, 3), 14) == date(2026, 11, 17)


def test_zero_days_from_a_working_day_is_that_day():
    assert ENGLAND.deadline(date(2026, 11, 3), 0) == date(2026, 11, 3)


def test_deadline_on_saturday_moves_to_friday():
    assert ENGLAND.deadline(date(2026, 11, 4), 3) == date(2026, 11, 6)


def test_deadline_on_sunday_moves_to_friday():
    assert ENGLAND.deadline(date(2026, 11, 4), 4) == date(2026, 11, 6)


def test_easter_monday_2026_moves_to_the_thursday_before_good_friday():
    assert ENGLAND.deadline(date(2026, 3, 23), 14) == date(2026, 4, 2)


def test_christmas_day_2026_moves_to_christmas_eve():
    assert ENGLAND.deadline(date(2026, 12, 11), 14) == date(2026, 12, 24)


def test_boxing_day_2026_moves_to_christmas_eve():
    assert ENGLAND.deadline(date(2026, 12, 12), 14) == date(2026, 12, 24)


def test_boxing_day_substitute_monday_2026_moves_to_christmas_eve():
    assert ENGLAND.deadline(date(2026, 12, 14), 14) == date(2026, 12, 24)


def test_closure_day_moves_to_the_working_day_before():
    calendar = WorkingCalendar("GB-ENG", frozenset({date(2026, 11, 17)}))
    assert calendar.deadline(date(2026, 11, 3), 14) == date(2026, 11, 16)


def test_closure_days_in_a_row_move_past_the_weekend_before():
    calendar = WorkingCalendar("GB-ENG", frozenset({date(2026, 11, 16), date(2026, 11, 17)}))
    assert calendar.deadline(date(2026, 11, 3), 14) == date(2026, 11, 13)


def test_scotland_keeps_2_january_as_a_holiday():
    assert not WorkingCalendar("GB-SCT").is_working_day(date(2026, 1, 2))
    assert WorkingCalendar("GB-SCT").deadline(date(2025, 12, 19), 14) == date(2025, 12, 31)


def test_england_works_on_2_january():
    assert ENGLAND.is_working_day(date(2026, 1, 2))
    assert ENGLAND.deadline(date(2025, 12, 19), 14) == date(2026, 1, 2)


def test_country_without_subdivision_is_a_region():
    assert not WorkingCalendar("US").is_working_day(date(2026, 7, 3))  # Independence Day observed


def test_default_region_is_england():
    assert WorkingCalendar() == ENGLAND


@pytest.mark.parametrize("region", ["XX", "GB-ZZ", ""])
def test_unknown_region_is_refused_naming_it(region):
    with pytest.raises(ValueError, match=f"unknown holiday region '{region}'"):
        WorkingCalendar(region)


def test_region_that_is_not_text_is_refused():
    with pytest.raises(ValueError, match="holiday region must be a string"):
        WorkingCalendar(44)


def test_closures_may_be_given_as_any_iterable_of_dates():
    calendar = WorkingCalendar("GB-ENG", [date(2026, 11, 17)])
    assert calendar.closures == frozenset({date(2026, 11, 17)})


def test_closure_that_is_not_a_date_is_refused():
    with pytest.raises(ValueError, match="closure days must be dates"):
        WorkingCalendar("GB-ENG", frozenset({datetime(2026, 11, 17, 9, 0)}))


def test_start_that_is_a_datetime_is_refused():
    with pytest.raises(TypeError, match="expected a date"):
        ENGLAND.deadline(datetime(2026, 11, 3, 9, 0), 14)


@pytest.mark.parametrize("days", [-1, 1.5, True])
def test_days_that_are_not_a_count_of_days_are_refused(days):
    with pytest.raises(ValueError, match="days must be a whole number of days"):
        ENGLAND.deadline(date(2026, 11, 3), days)


def test_due_date_matches_the_calendar_deadline():
    closures = [date(2026, 11, 17)]
    assert due_date(date(2026, 11, 3), 14, "GB-ENG", closures) == date(2026, 11, 16)
    assert due_date(date(2026, 11, 3), 14) == date(2026, 11, 17)


def test_due_date_refuses_unknown_region():
    with pytest.raises(ValueError, match="unknown holiday region 'XX'"):
        due_date(date(2026, 11, 3), 14, "XX")


def test_an_open_day_has_no_closed_reason():
    assert ENGLAND.closed_reason(date(2026, 12, 1)) is None


def test_a_weekend_day_is_closed_for_the_weekend():
    assert ENGLAND.closed_reason(date(2026, 12, 5)) == "Weekend"


def test_an_english_bank_holiday_is_named():
    assert ENGLAND.closed_reason(date(2026, 12, 25)) == "Bank holiday: Christmas Day"


def test_a_holiday_on_a_weekend_is_named_rather_than_weekend():
    assert ENGLAND.closed_reason(date(2027, 12, 25)) == "Bank holiday: Christmas Day"  # a Saturday


def test_the_substitute_day_after_a_weekend_holiday_is_named():
    assert ENGLAND.closed_reason(date(2027, 12, 27)) == "Bank holiday: Christmas Day (observed)"


def test_a_holiday_outside_the_uk_is_a_public_holiday():
    assert WorkingCalendar("US").closed_reason(date(2026, 7, 3)) == "Public holiday: Independence Day (observed)"


def test_a_scottish_holiday_is_a_bank_holiday_too():
    assert WorkingCalendar("GB-SCT").closed_reason(date(2026, 1, 2)) == "Bank holiday: New Year Holiday"


def test_a_closure_day_is_closed():
    assert WorkingCalendar("GB-ENG", [date(2026, 12, 2)]).closed_reason(date(2026, 12, 2)) == "Closed"


def test_a_closure_day_on_a_bank_holiday_says_closed():
    assert WorkingCalendar("GB-ENG", [date(2026, 12, 25)]).closed_reason(date(2026, 12, 25)) == "Closed"


def test_a_closure_day_on_a_weekend_says_closed():
    assert WorkingCalendar("GB-ENG", [date(2026, 12, 5)]).closed_reason(date(2026, 12, 5)) == "Closed"


def test_closed_reason_of_a_datetime_is_refused():
    with pytest.raises(TypeError, match="expected a date"):
        ENGLAND.closed_reason(datetime(2026, 12, 5, 9, 0))


days_2020_to_2035 = st.dates(date(2020, 1, 1), date(2035, 12, 31))


@given(start=days_2020_to_2035, days=st.integers(0, 200), closures=st.frozensets(days_2020_to_2035, max_size=30))
def test_due_date_is_the_last_working_day_on_or_before_the_raw_deadline(start, days, closures):
    raw = start + timedelta(days=days)
    due = due_date(start, days, "GB-ENG", closures)
    calendar = WorkingCalendar("GB-ENG", closures)
    assert due <= raw
    assert calendar.is_working_day(due)
    assert not any(calendar.is_working_day(due + timedelta(days=n)) for n in range(1, (raw - due).days + 1))


@given(start=days_2020_to_2035, days=st.integers(0, 200), region=st.sampled_from(["GB-SCT", "GB-WLS", "GB-NIR", "DE-BY", "US"]))
def test_due_date_is_a_working_day_no_later_than_the_raw_deadline_in_every_region(start, days, region):
    due = due_date(start, days, region)
    assert due <= start + timedelta(days=days)
    assert WorkingCalendar(region).is_working_day(due)


@given(day=days_2020_to_2035, region=st.sampled_from(["GB-ENG", "GB-SCT", "DE-BY", "US"]),
       closures=st.frozensets(days_2020_to_2035, max_size=30))
def test_a_day_has_a_closed_reason_exactly_when_it_is_not_a_working_day(day, region, closures):
    calendar = WorkingCalendar(region, closures)
    assert (calendar.closed_reason(day) is None) == calendar.is_working_day(day)
