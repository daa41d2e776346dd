"""The worklists: what each list shows, in which order, paged and counted, on both databases.

The rows are written straight into the tables, so each test states exactly the statuses
and due dates it is about, independent of the services that normally create them.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from itertools import count

import pytest

from clinic_desktop.models import Appointment, Episode, Patient, Referral
from clinic_desktop.services.admin import users
from clinic_desktop.services.appointments import day_book
from clinic_desktop.services.core.actor import Actor
from clinic_desktop.services.core.clock import frozen_at
from clinic_desktop.services.core.errors import PermissionDenied, ValidationError
from clinic_desktop.services.episodes.handover import UNASSIGNED
from clinic_desktop.services.worklists import worklists

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=timezone.utc)  # Mon 1 Jun 2026, 10:00 in London (BST)
TODAY = date(2026, 6, 1)


def days_ago(days: int) -> date:
    return TODAY - timedelta(days=days)


CLINIC_TIME = NOW  # every test here runs at this moment (tests/conftest.py: clinic_clock)


class Clinic:
    """Patients, episodes, appointments and referrals written as rows, the way a test needs them."""

    def __init__(self, staff):
        self.staff = staff
        self.slots = count()
        self.numbers = count(4_000_000_000)

    def patient(self, family="Smith", given="Ann", nhs_number="", born=date(1961, 2, 9)) -> Patient:
        nhs_number = str(next(self.numbers)) if nhs_number == "" else nhs_number
        return Patient.create(family_name=family, given_name=given, family_name_key=family.lower(),
                              given_name_key=given.lower(), nhs_number=nhs_number, date_of_birth=born,
                              created_at=NOW, updated_at=NOW)

    def episode(self, patient=None, *, status="open") -> Episode:
        return Episode.create(patient=patient or self.patient(), first_contact_on=days_ago(60), status=status,
                              presentation="non_specific", severity="moderate",
                              discharged_on=days_ago(1) if status == "discharged" else None,
                              clinician=self.staff.clinician.user_id, created_at=NOW)

    def appointment(self, episode, *, due_by, status="to_book", kind="two_week_review", starts_at=None,
                    clinician=None, rebooked_from=None) -> Appointment:
        if status not in ("to_book", "cancelled") and starts_at is None:
            # A distinct past slot each, so no two ever overlap for the clinician.
            starts_at = datetime(2026, 1, 5, 9, tzinfo=timezone.utc) + timedelta(hours=next(self.slots))
        return Appointment.create(
            episode=episode, kind=kind, status=status, due_by=due_by, rebooked_from=rebooked_from,
            clinician=(clinician or self.staff.clinician.user_id) if starts_at else None,
            starts_at=starts_at, ends_at=starts_at + timedelta(minutes=20) if starts_at else None,
            cancel_reason="patient cancelled" if status == "cancelled" else None, created_at=NOW, updated_at=NOW)

    def referral(self, episode, *, due_by, status="raised", kind="standard_physiotherapy", urgent=False,
                 drafted_by=None) -> Referral:
        return Referral.create(episode=episode, kind=kind, status=status, due_by=due_by, urgent=urgent,
                               drafted_by=drafted_by, raised_at=NOW, updated_at=NOW)


@pytest.fixture
def clinic(staff):
    return Clinic(staff)


def overdue_items(actor, **options):
    return [(row.item_type, row.item_id) for row in worklists.overdue(actor, as_of=TODAY, **options).rows]


# --- overdue ---


def test_urgent_referrals_head_the_overdue_list_then_the_most_overdue(staff, clinic):
    episode = clinic.episode()
    week_late = clinic.appointment(episode, due_by=days_ago(7))
    month_late = clinic.referral(episode, due_by=days_ago(30))
    urgent = clinic.referral(episode, due_by=days_ago(1), kind="urgent_red_flag", urgent=True)
    day_late = clinic.appointment(episode, due_by=days_ago(1), status="booked")

    assert overdue_items(staff.manager) == [
        ("referral", urgent.id), ("referral", month_late.id), ("appointment", week_late.id),
        ("appointment", day_late.id),
    ]


def test_overdue_items_due_the_same_day_keep_a_stable_order(staff, clinic):
    episode = clinic.episode()
    second = clinic.referral(episode, due_by=days_ago(3))
    first = clinic.appointment(episode, due_by=days_ago(3))
    third = clinic.referral(episode, due_by=days_ago(3))

    assert overdue_items(staff.manager) == [
        ("appointment", first.id), ("referral", second.id), ("referral", third.id),
    ]


def test_overdue_row_counts_days_overdue_from_as_of(staff, clinic):
    clinic.appointment(clinic.episode(), due_by=date(2026, 5, 20))

    row, = worklists.overdue(staff.manager, as_of=date(2026, 5, 30)).rows

    assert (row.due_by, row.days_overdue, row.kind_title, row.status) == (
        date(2026, 5, 20), 10, "2-week review", "to_book")


def test_overdue_row_shows_the_patient_ready_to_read(staff, clinic):
    episode = clinic.episode(clinic.patient("Smith", "Ann", "9434765919", date(1961, 2, 9)))
    clinic.referral(episode, due_by=days_ago(2), kind="early_radicular")

    row, = worklists.overdue(staff.manager).rows

    assert (row.patient_name, row.nhs_number, row.date_of_birth, row.kind_title, row.urgent) == (
        "SMITH, Ann", "943 476 5919", date(1961, 2, 9), "Early radicular referral", False)


def test_a_patient_without_nhs_number_shows_an_empty_one(staff, clinic):
    clinic.appointment(clinic.episode(clinic.patient(nhs_number=None)), due_by=days_ago(2))

    assert worklists.overdue(staff.manager).rows[0].nhs_number == ""


def test_an_item_due_today_is_not_yet_overdue(staff, clinic):
    clinic.appointment(clinic.episode(), due_by=TODAY)

    assert worklists.overdue(staff.manager).total == 0


def test_today_is_the_clinic_date_not_the_utc_date(staff, clinic):
    clinic.appointment(clinic.episode(), due_by=date(2026, 5, 31))

    with frozen_at(datetime(2026, 5, 31, 23, 30, tzinfo=timezone.utc)):  # 00:30 on 1 June in London
        row, = worklists.overdue(staff.manager).rows

    assert row.days_overdue == 1


@pytest.mark.parametrize("status", ["attended", "did_not_attend", "cancelled"])
def test_a_finished_appointment_is_never_overdue(staff, clinic, status):
    clinic.appointment(clinic.episode(), due_by=days_ago(10), status=status)

    assert worklists.overdue(staff.manager).total == 0


@pytest.mark.parametrize("status", ["sent", "acknowledged", "closed", "cancelled"])
def test_a_sent_or_cancelled_referral_is_never_overdue(staff, clinic, status):
    clinic.referral(clinic.episode(), due_by=days_ago(10), status=status)

    assert worklists.overdue(staff.manager).total == 0


@pytest.mark.parametrize("status", ["raised", "drafted", "signed"])
def test_an_open_referral_of_a_discharged_episode_stays_overdue(staff, clinic, status):
    referral = clinic.referral(clinic.episode(status="discharged"), due_by=days_ago(5), status=status)

    assert overdue_items(staff.manager) == [("referral", referral.id)]


def test_kind_filter_narrows_the_list_and_its_total(staff, clinic):
    episode = clinic.episode()
    review = clinic.appointment(episode, due_by=days_ago(4), kind="medication_review")
    clinic.appointment(episode, due_by=days_ago(5))
    clinic.referral(episode, due_by=days_ago(6))

    page = worklists.overdue(staff.manager, kind="medication_review")

    assert [row.item_id for row in page.rows] == [review.id]
    assert page.total == 1


def test_an_unknown_kind_is_refused(staff):
    with pytest.raises(ValidationError, match="no kind of appointment or referral called 'x_ray'"):
        worklists.overdue(staff.manager, kind="x_ray")


def test_overdue_pages_follow_on_and_count_the_whole_list(staff, clinic):
    episode = clinic.episode()
    for days in range(1, 8):
        clinic.appointment(episode, due_by=days_ago(days * 2))
        clinic.referral(episode, due_by=days_ago(days * 2 + 1))
    whole = overdue_items(staff.manager, limit=100)

    pages = [worklists.overdue(staff.manager, offset=offset, limit=4) for offset in (0, 4, 8, 12)]

    assert [page.total for page in pages] == [14] * 4
    assert [len(page.rows) for page in pages] == [4, 4, 4, 2]
    assert [(row.item_type, row.item_id) for page in pages for row in page.rows] == whole


def test_a_page_past_the_end_is_empty_but_keeps_the_total(staff, clinic):
    clinic.appointment(clinic.episode(), due_by=days_ago(3))

    page = worklists.overdue(staff.manager, offset=50)

    assert (page.rows, page.total, page.offset, page.limit) == ((), 1, 50, 50)


@pytest.mark.parametrize("paging", [{"offset": -1}, {"limit": 0}, {"limit": 100_000}])
def test_impossible_paging_is_refused(staff, paging):
    with pytest.raises(ValidationError):
        worklists.overdue(staff.manager, **paging)


def test_overdue_counts_are_by_kind_and_leave_out_kinds_with_none(staff, clinic):
    episode = clinic.episode()
    clinic.appointment(episode, due_by=days_ago(3))
    clinic.appointment(episode, due_by=days_ago(4), status="booked")
    clinic.appointment(episode, due_by=days_ago(4), kind="medication_review", status="attended")
    clinic.referral(episode, due_by=days_ago(2), kind="urgent_red_flag", urgent=True)

    assert worklists.overdue_counts(staff.manager, as_of=TODAY) == {"two_week_review": 2, "urgent_red_flag": 1}


# --- to book ---


def test_to_book_lists_the_nearest_deadline_first_with_days_left(staff, clinic):
    episode = clinic.episode()
    later = clinic.appointment(episode, due_by=TODAY + timedelta(days=9), kind="twelve_week_review")
    late = clinic.appointment(episode, due_by=days_ago(2))
    clinic.appointment(episode, due_by=TODAY, status="booked")

    page = worklists.to_book(staff.receptionist, as_of=TODAY)

    assert [(row.appointment_id, row.days_left, row.kind_title) for row in page.rows] == [
        (late.id, -2, "2-week review"), (later.id, 9, "12-week check")]
    assert page.total == 2


def test_to_book_flags_a_review_back_after_did_not_attend(staff, clinic):
    episode = clinic.episode()
    missed = clinic.appointment(episode, due_by=TODAY, status="did_not_attend")
    clinic.appointment(episode, due_by=TODAY, rebooked_from=missed)

    row, = worklists.to_book(staff.receptionist).rows

    assert row.after_did_not_attend


def test_to_book_can_show_only_reviews_to_rebook_after_did_not_attend(staff, clinic):
    episode = clinic.episode()
    missed = clinic.appointment(episode, due_by=TODAY, status="did_not_attend")
    rebook = clinic.appointment(episode, due_by=TODAY, rebooked_from=missed)
    clinic.appointment(clinic.episode(), due_by=TODAY)

    page = worklists.to_book(staff.receptionist, did_not_attend_only=True)

    assert ([row.appointment_id for row in page.rows], page.total) == ([rebook.id], 1)


def test_to_book_leaves_out_reviews_of_discharged_episodes(staff, clinic):
    clinic.appointment(clinic.episode(status="discharged"), due_by=TODAY)
    kept = clinic.appointment(clinic.episode(), due_by=TODAY)

    page = worklists.to_book(staff.receptionist)

    assert ([row.appointment_id for row in page.rows], page.total) == ([kept.id], 1)


def test_to_book_pages_count_the_whole_list(staff, clinic):
    episode = clinic.episode()
    for days in range(5):
        clinic.appointment(episode, due_by=TODAY + timedelta(days=days))

    page = worklists.to_book(staff.receptionist, offset=3, limit=3)

    assert [row.due_by for row in page.rows] == [TODAY + timedelta(days=3), TODAY + timedelta(days=4)]
    assert page.total == 5


# --- today's appointments ---


def test_a_half_past_midnight_appointment_on_the_clocks_back_day_belongs_to_that_day(staff, clinic):
    # Sun 25 Oct 2026 runs 25 hours in London: from 23:00 UTC on the 24th to 00:00 UTC on the 26th.
    episode = clinic.episode()
    half_past_midnight = clinic.appointment(episode, due_by=TODAY, status="booked",
                                            starts_at=datetime(2026, 10, 24, 23, 30, tzinfo=timezone.utc))
    last_hour = clinic.appointment(episode, due_by=TODAY, status="booked",
                                   starts_at=datetime(2026, 10, 25, 23, 30, tzinfo=timezone.utc))

    on_the_day = day_book.todays_appointments(staff.receptionist, day=date(2026, 10, 25))
    day_before = day_book.todays_appointments(staff.receptionist, day=date(2026, 10, 24))

    assert [row.appointment_id for row in on_the_day] == [half_past_midnight.id, last_hour.id]
    assert day_before == ()


def test_today_defaults_to_the_clinic_date(staff, clinic):
    appointment = clinic.appointment(clinic.episode(), due_by=TODAY, status="booked",
                                     starts_at=datetime(2026, 6, 1, 8, 20, tzinfo=timezone.utc))

    row, = day_book.todays_appointments(staff.clinician)

    assert (row.appointment_id, row.starts_at, row.ends_at, row.clinician_name, row.status) == (
        appointment.id, datetime(2026, 6, 1, 8, 20, tzinfo=timezone.utc),
        datetime(2026, 6, 1, 8, 40, tzinfo=timezone.utc), "Dr Alys Jones", "booked")


def test_today_shows_attended_and_did_not_attend_but_not_cancelled(staff, clinic):
    episode = clinic.episode()
    at = datetime(2026, 6, 1, 8, tzinfo=timezone.utc)
    clinic.appointment(episode, due_by=TODAY, status="attended", starts_at=at)
    clinic.appointment(episode, due_by=TODAY, status="did_not_attend", starts_at=at + timedelta(hours=1))
    clinic.appointment(episode, due_by=TODAY, status="cancelled", starts_at=at + timedelta(hours=2))

    shown = day_book.todays_appointments(staff.receptionist)

    assert [row.status for row in shown] == ["attended", "did_not_attend"]


def test_today_for_one_clinician_leaves_out_the_others(staff, clinic):
    episode = clinic.episode()
    at = datetime(2026, 6, 1, 8, tzinfo=timezone.utc)
    clinic.appointment(episode, due_by=TODAY, status="booked", starts_at=at)
    theirs = clinic.appointment(episode, due_by=TODAY, status="booked", starts_at=at,
                                clinician=staff.other_clinician.user_id)

    shown = day_book.todays_appointments(staff.other_clinician, clinician_id=staff.other_clinician.user_id)

    assert [row.appointment_id for row in shown] == [theirs.id]


def test_today_names_each_appointments_clinician(staff, clinic):
    episode = clinic.episode()
    at = datetime(2026, 6, 1, 8, tzinfo=timezone.utc)
    clinic.appointment(episode, due_by=TODAY, status="booked", starts_at=at, clinician=staff.other_clinician.user_id)

    row, = day_book.todays_appointments(staff.receptionist)

    assert (row.clinician_id, row.clinician_name) == (staff.other_clinician.user_id, staff.other_clinician.full_name)


# --- awaiting signature and urgent red flags ---


def test_awaiting_signature_lists_drafts_urgent_first_then_by_due_date(staff, clinic):
    episode = clinic.episode()
    clinician = staff.clinician.user_id
    soon = clinic.referral(episode, due_by=TODAY + timedelta(days=2), status="drafted", drafted_by=clinician)
    urgent = clinic.referral(episode, due_by=TODAY + timedelta(days=5), status="drafted", urgent=True,
                             kind="urgent_red_flag", drafted_by=clinician)
    sooner = clinic.referral(episode, due_by=TODAY + timedelta(days=1), status="drafted", drafted_by=clinician)
    clinic.referral(episode, due_by=TODAY, status="raised")
    clinic.referral(episode, due_by=TODAY, status="signed", drafted_by=clinician)

    page = worklists.awaiting_signature(staff.clinician)

    assert [row.referral_id for row in page.rows] == [urgent.id, sooner.id, soon.id]
    assert (page.total, page.rows[0].drafted_by_name) == (3, "Dr Alys Jones")


def test_awaiting_signature_for_one_clinician_shows_only_their_drafts(staff, clinic):
    episode = clinic.episode()
    clinic.referral(episode, due_by=TODAY, status="drafted", drafted_by=staff.clinician.user_id)
    theirs = clinic.referral(episode, due_by=TODAY, status="drafted", drafted_by=staff.other_clinician.user_id)

    page = worklists.awaiting_signature(staff.other_clinician, clinician_id=staff.other_clinician.user_id)

    assert ([row.referral_id for row in page.rows], page.total) == ([theirs.id], 1)


def test_a_draft_whose_clinician_left_awaits_any_clinicians_signature(staff, clinic):
    episode = clinic.episode()  # its responsible clinician is nobody: the drafter's leaving orphans it
    left = clinic.referral(episode, due_by=TODAY, status="drafted", drafted_by=staff.clinician.user_id)
    users.deactivate_user(staff.manager, staff.clinician.user_id, hand_over_to=UNASSIGNED)

    page = worklists.awaiting_signature(staff.other_clinician, clinician_id=staff.other_clinician.user_id)

    assert ([row.referral_id for row in page.rows], page.total) == ([left.id], 1)
    assert page.rows[0].drafted_by_name == "Dr Alys Jones"


def test_urgent_red_flags_are_pinned_until_sent_whatever_the_due_date(staff, clinic):
    episode = clinic.episode()
    due_later = clinic.referral(episode, due_by=TODAY + timedelta(days=3), kind="urgent_red_flag", urgent=True)
    overdue = clinic.referral(episode, due_by=days_ago(1), kind="urgent_red_flag", urgent=True, status="signed")
    clinic.referral(episode, due_by=days_ago(2), kind="urgent_red_flag", urgent=True, status="sent")
    clinic.referral(episode, due_by=days_ago(2), kind="early_radicular")

    pinned = worklists.urgent_red_flags(staff.receptionist)

    assert [(row.referral_id, row.days_left) for row in pinned] == [(overdue.id, -1), (due_later.id, 3)]


# --- who may look ---


@pytest.mark.parametrize("worklist", [worklists.overdue, worklists.to_book, worklists.awaiting_signature,
                                      worklists.overdue_counts, worklists.urgent_red_flags,
                                      day_book.todays_appointments])
def test_the_command_line_may_read_every_worklist(database, worklist):
    worklist(Actor.command_line())


def test_an_actor_without_a_staff_role_may_not_read_worklists(database):
    with pytest.raises(PermissionDenied, match="may not view worklists"):
        worklists.overdue(Actor(user_id=None, username="visitor", full_name="A visitor", role="visitor"))


# --- how the lists reach the rows ---


def test_no_worklist_scans_the_whole_appointment_table(sqlite_staff, sqlite_database, monkeypatch):
    """SQLite without statistics plans the same for an empty table as for a million rows."""
    statements = []
    run = sqlite_database.execute_sql
    monkeypatch.setattr(sqlite_database, "execute_sql",
                        lambda sql, params=None, **options: statements.append((sql, params)) or run(sql, params))
    for worklist in (worklists.overdue, worklists.overdue_counts, worklists.to_book,
                     day_book.todays_appointments, worklists.awaiting_signature, worklists.urgent_red_flags):
        worklist(sqlite_staff.manager)
    day_book.todays_appointments(sqlite_staff.manager, clinician_id=sqlite_staff.clinician.user_id)
    worklists.overdue(sqlite_staff.manager, kind="two_week_review")

    full_scans = []
    for sql, params in statements:
        for alias in re.findall(r'"appointment" AS "(\w+)"', sql):
            plan = [row[-1] for row in run("EXPLAIN QUERY PLAN " + sql, params).fetchall()]
            full_scans += [sql for line in plan if line == f"SCAN {alias}"]
    assert full_scans == []


def test_todays_page_counts_the_whole_day_and_pages_it(staff, clinic):
    episode = clinic.episode()
    at = datetime(2026, 6, 1, 8, tzinfo=timezone.utc)
    booked = [clinic.appointment(episode, due_by=TODAY, status="booked", starts_at=at + timedelta(minutes=20 * n))
              for n in range(5)]

    page = day_book.todays_page(staff.receptionist, day=date(2026, 6, 1), offset=2, limit=2)

    assert page.total == 5
    assert [row.appointment_id for row in page.rows] == [booked[2].id, booked[3].id]
