"""The dashboard's figures against the hand-built clinic in tests/dashboard_clinic.py.

Every expected number below is worked out by hand from the table in that module's
docstring (as of Wed 25 Nov 2026), on an SQLite file and on PostgreSQL.
"""
from __future__ import annotations

from datetime import date

import pytest
from dashboard_clinic import AS_OF, NOW, DashboardClinic

from clinic_desktop.services.core.clock import frozen_at
from clinic_desktop.services.core.errors import PermissionDenied, ValidationError
from clinic_desktop.services.reporting import dashboard


@pytest.fixture
def clinic(staff):
    return DashboardClinic(staff).build()


@pytest.fixture
def board(staff, clinic):
    with frozen_at(NOW):
        return dashboard.dashboard(staff.manager)


def measure(board, key):
    return next(item for item in board.measures if item.key == key)


def weeks_with_items(item) -> dict[str, tuple]:
    return {week.week_start.strftime("%d %b"): (week.value, week.numerator, week.denominator)
            for week in item.weeks if week.denominator}


def overdue_names(page) -> list[tuple[str, str, int]]:
    return [(row.patient_name, row.kind_title, row.days_overdue) for row in page.rows]


# --- overdue figures ---


def test_overdue_total_and_urgent(board):
    assert (board.as_of, board.overdue.total, board.overdue.urgent) == (AS_OF, 7, 1)


def test_overdue_counted_by_kind(board):
    counts = {count.key: count.count for count in board.overdue.by_kind}

    assert counts == {
        "two_week_review": 3,  # Davis, Frost, Jarvis
        "medication_review": 1,  # Jarvis
        "twelve_week_review": 0,  # the oldest, Hughes's, is due 30 Nov
        "follow_up": 0,
        "urgent_red_flag": 1,  # Shaw
        "early_radicular": 1,  # Reid
        "standard_physiotherapy": 0,
        "biopsychosocial": 1,  # Moore
        "pain_spinal_centre": 0,
        "spinal_surgical": 0,
    }


def test_overdue_counted_by_age_band(board):
    bands = [(count.label, count.count) for count in board.overdue.by_band]

    # 1-7: Davis 7 d, Shaw 5 d; 8-14: Reid 9 d; 15-28: Frost 16, Jarvis's medication 23, Moore 23; >28: Jarvis 30
    assert bands == [("1–7 days", 2), ("8–14 days", 1), ("15–28 days", 3), ("over 28 days", 1)]


def test_overdue_counted_by_the_episodes_clinician(board, staff):
    clinicians = [(count.key, count.label, count.count) for count in board.overdue.by_clinician]

    assert clinicians == [(str(staff.clinician.user_id), "Dr Alys Jones", 5),
                          (str(staff.other_clinician.user_id), "Sam Physio", 2)]


# --- the list behind a figure ---


def test_list_behind_a_band_is_in_overdue_order(staff, clinic):
    with frozen_at(NOW):
        page = dashboard.overdue_list(staff.manager, band="15-28")

    # Jarvis's medication review and Moore's referral are both due 2 Nov: appointments first.
    assert page.total == 3
    assert overdue_names(page) == [
        ("JARVIS, Ann", "Medication review", 23),
        ("MOORE, Ann", "Biopsychosocial assessment / specialised physiotherapy referral", 23),
        ("FROST, Ann", "2-week review", 16),
    ]


def test_list_behind_a_clinician_puts_the_urgent_referral_first(staff, clinic):
    with frozen_at(NOW):
        page = dashboard.overdue_list(staff.manager, clinician_id=staff.other_clinician.user_id)

    assert overdue_names(page) == [("SHAW, Ann", "Urgent red-flag referral", 5), ("FROST, Ann", "2-week review", 16)]
    assert page.rows[0].urgent


def test_list_behind_a_kind_within_a_band(staff, clinic):
    with frozen_at(NOW):
        page = dashboard.overdue_list(staff.manager, kind="two_week_review", band="1-7")

    assert overdue_names(page) == [("DAVIS, Ann", "2-week review", 7)]


def test_list_opens_the_patient_of_each_row(staff, clinic):
    with frozen_at(NOW):
        page = dashboard.overdue_list(staff.manager, kind="early_radicular")

    assert [row.patient_id for row in page.rows] == [clinic.patient_ids["Reid"]]


def test_list_is_paged_and_counted_by_the_database(staff, clinic):
    with frozen_at(NOW):
        first = dashboard.overdue_list(staff.manager, offset=0, limit=3)
        rest = dashboard.overdue_list(staff.manager, offset=3, limit=50)

    assert (first.total, len(first.rows), len(rest.rows)) == (7, 3, 4)
    assert first.rows[0].patient_name == "SHAW, Ann"  # urgent first
    assert [row.days_overdue for row in first.rows[1:] + rest.rows] == [30, 23, 23, 16, 9, 7]


def test_list_as_of_an_earlier_day_counts_from_that_day(staff, clinic):
    with frozen_at(NOW):
        page = dashboard.overdue_list(staff.manager, as_of=date(2026, 11, 20), band="1-7")

    # On Fri 20 Nov: Reid's referral (due 16 Nov) was 4 days overdue, Davis's review 2 days.
    assert overdue_names(page) == [("REID, Ann", "Early radicular referral", 4), ("DAVIS, Ann", "2-week review", 2)]


def test_an_unknown_band_is_refused_in_words(staff, clinic):
    with frozen_at(NOW), pytest.raises(ValidationError, match="no overdue band 'fortnight'"):
        dashboard.overdue_list(staff.manager, band="fortnight")


def test_describe_filter_names_what_a_list_holds():
    chosen = dashboard.OverdueFilter(kind="two_week_review", band="8-14", clinician_id=3)

    assert dashboard.describe_filter(chosen, "Dr Alys Jones") == "2-week review · 8–14 days overdue · Dr Alys Jones"
    assert dashboard.describe_filter(dashboard.OverdueFilter()) == "All overdue"


# --- pathway measures ---


def test_weeks_run_monday_to_sunday_ending_with_the_as_of_week(board):
    starts = [week.week_start for week in board.measures[0].weeks]

    assert (len(starts), starts[0], starts[-1]) == (12, date(2026, 9, 7), date(2026, 11, 23))
    assert {day.weekday() for day in starts} == {0}


def test_two_week_reviews_done_by_day_14(board):
    reviews = measure(board, "two_week_reviews_on_time")

    # Done: Hughes, Evans, Adams, Baker (missed, then came on the due day). Not done: Jarvis (never
    # booked), Frost (no attendance recorded), Clark (came 2 days late), Davis (never booked).
    # Irwin's review, cancelled by STarT Back, is left out; Green's is due today.
    assert (reviews.value, reviews.numerator, reviews.denominator) == (50.0, 4, 8)
    assert weeks_with_items(reviews) == {
        "21 Sep": (100.0, 1, 1),
        "26 Oct": (0.0, 0, 1),
        "09 Nov": (50.0, 1, 2),
        "16 Nov": (50.0, 2, 4),
    }
    assert reviews.value_text == "50 % (4 of 8)"


def test_high_risk_patients_referred_within_14_days(board):
    referred = measure(board, "high_risk_referred_on_time")

    # By the week of the deadline: Khan (sent day 8), Lewis (day 16: late), Owen (day 14, counted
    # once though assessed high twice), Moore (never sent). Nash's deadline, 30 Nov, is still ahead.
    assert (referred.value, referred.numerator, referred.denominator) == (50.0, 2, 4)
    assert weeks_with_items(referred) == {
        "12 Oct": (100.0, 1, 1),
        "19 Oct": (0.0, 0, 1),
        "26 Oct": (100.0, 1, 1),
        "02 Nov": (0.0, 0, 1),
    }


def test_median_days_from_referral_raised_to_sent(board):
    waits = measure(board, "days_to_send_referrals")

    # Khan 8, Lewis 16, Owen 14, Patel 2, Quinn 3: median 8; the week of 9 Nov has 2 and 3.
    assert (waits.value, waits.denominator, waits.unit) == (8, 5, "days")
    assert weeks_with_items(waits) == {
        "05 Oct": (8, 1, 1),
        "19 Oct": (16, 1, 1),
        "26 Oct": (14, 1, 1),
        "09 Nov": (2.5, 2, 2),
    }
    assert waits.value_text == "median 8 days (5 referrals)"


def test_did_not_attend_rate(board):
    missed = measure(board, "did_not_attend_rate")

    # Attended: Hughes 18 Sep, Evans 6 Nov, Adams 12 Nov, Baker 16 Nov, Clark 19 Nov; missed:
    # Baker 12 Nov. Frost's booking has no outcome recorded: left out.
    assert (missed.numerator, missed.denominator) == (1, 6)
    assert round(missed.value, 1) == 16.7
    assert weeks_with_items(missed) == {
        "14 Sep": (0.0, 0, 1),
        "02 Nov": (0.0, 0, 1),
        "09 Nov": (50.0, 1, 2),
        "16 Nov": (0.0, 0, 2),
    }


def test_every_measure_says_what_it_counts(board):
    for item in board.measures:
        assert len(item.definition) > 120, item.key
    assert "week of its due-by date" in measure(board, "two_week_reviews_on_time").definition
    assert "marked sent" in measure(board, "high_risk_referred_on_time").definition


def test_an_empty_clinic_has_no_values_yet(staff):
    with frozen_at(NOW):
        empty = dashboard.dashboard(staff.manager)

    assert empty.overdue.total == 0
    assert [item.value_text for item in empty.measures] == ["no data yet"] * 4


# --- who may look ---


def test_the_dashboard_is_for_the_practice_manager(staff, clinic):
    with frozen_at(NOW), pytest.raises(PermissionDenied):
        dashboard.dashboard(staff.receptionist)
    with frozen_at(NOW), pytest.raises(PermissionDenied):
        dashboard.overdue_list(staff.clinician)
