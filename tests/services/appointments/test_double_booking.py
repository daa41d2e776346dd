"""A clinician is never double-booked: the database itself refuses it, even in a race.

The raw tests bypass the service to show the constraint holds on its own (SQLite triggers,
PostgreSQL exclusion constraint); the race tests run six OS processes, as six
workstations, that book the same clinician at the same moment.
"""
import multiprocessing
from datetime import date, datetime, timedelta, timezone

import booking_worker
import pytest
from peewee import IntegrityError

from clinic_desktop.models import Appointment, Patient, is_sqlite
from clinic_desktop.services.appointments import appointments
from clinic_desktop.services.core.clock import frozen_at
from clinic_desktop.services.core.errors import Conflict
from clinic_desktop.services.episodes import episodes

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)  # Mon 30 Nov 2026, 09:00 in London (GMT)
TEN = datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc)  # Tue 1 Dec 2026, 10:00 in London
TWENTY_MINUTES = timedelta(minutes=20)
FAMILY_NAMES = ("Smith", "Jones", "Evans", "Hughes", "Price", "Davies")
WORKSTATIONS = len(FAMILY_NAMES)


@pytest.fixture
def location(database, request):
    """Where a second process finds the same database: the file, or the server's URL."""
    return database.database if is_sqlite(database) else request.getfixturevalue("postgres_url")


def open_episode(staff, family="Smith"):
    patient = Patient.create(family_name=family, given_name="Ann", family_name_key=family.lower(),
                             given_name_key="ann", date_of_birth=date(1970, 5, 1), created_at=NOW, updated_at=NOW)
    with frozen_at(NOW):
        return episodes.open_episode(staff.clinician, patient.id, first_contact_on=date(2026, 11, 26),
                                     presentation="non_specific", severity="mild").episode_id


def insert_booked(episode_id, clinician_id, starts_at, minutes=20, status="booked"):
    with Appointment._meta.database.atomic():
        return Appointment.insert(episode=episode_id, kind="follow_up", status=status, due_by=starts_at.date(),
                                  clinician=clinician_id, starts_at=starts_at,
                                  ends_at=starts_at + timedelta(minutes=minutes), created_at=NOW,
                                  updated_at=NOW).execute()


def booked_at_ten(clinician_id):
    return list(Appointment.select().where((Appointment.clinician == clinician_id)
                                           & (Appointment.status == "booked") & (Appointment.starts_at == TEN)))


# --- the constraint on its own ---


def test_the_database_refuses_an_overlapping_insert_for_the_same_clinician(staff):
    episode_id = open_episode(staff)
    insert_booked(episode_id, staff.clinician.user_id, TEN)
    with pytest.raises(IntegrityError):
        insert_booked(episode_id, staff.clinician.user_id, TEN + timedelta(minutes=10))
    assert len(booked_at_ten(staff.clinician.user_id)) == 1


def test_the_database_refuses_an_update_into_a_taken_slot(staff):
    episode_id = open_episode(staff)
    insert_booked(episode_id, staff.clinician.user_id, TEN)
    later = insert_booked(episode_id, staff.clinician.user_id, TEN + timedelta(hours=1))
    with pytest.raises(IntegrityError), Appointment._meta.database.atomic():
        Appointment.update(starts_at=TEN + timedelta(minutes=15), ends_at=TEN + timedelta(minutes=35)).where(
            Appointment.id == later).execute()
    assert Appointment.get_by_id(later).starts_at == TEN + timedelta(hours=1)


def test_the_database_refuses_an_attended_slot_being_booked_again(staff):
    episode_id = open_episode(staff)
    insert_booked(episode_id, staff.clinician.user_id, TEN, status="attended")
    with pytest.raises(IntegrityError):
        insert_booked(episode_id, staff.clinician.user_id, TEN)


def test_another_clinician_and_the_adjacent_slot_are_accepted(staff):
    episode_id = open_episode(staff)
    insert_booked(episode_id, staff.clinician.user_id, TEN)
    insert_booked(episode_id, staff.other_clinician.user_id, TEN)
    insert_booked(episode_id, staff.clinician.user_id, TEN + TWENTY_MINUTES)
    insert_booked(episode_id, staff.clinician.user_id, TEN - TWENTY_MINUTES)
    assert Appointment.select().where(Appointment.status == "booked").count() == 4


def test_a_cancelled_appointment_holds_no_slot(staff):
    episode_id = open_episode(staff)
    insert_booked(episode_id, staff.clinician.user_id, TEN, status="cancelled")
    insert_booked(episode_id, staff.clinician.user_id, TEN)
    assert len(booked_at_ten(staff.clinician.user_id)) == 1


def test_a_booking_that_slips_past_the_check_gets_the_same_conflict_from_the_database(staff, monkeypatch):
    first, second = (open_episode(staff, family) for family in ("Smith", "Jones"))
    insert_booked(first, staff.clinician.user_id, TEN)
    review = Appointment.get((Appointment.episode == second) & (Appointment.kind == "two_week_review")).id
    real_check = appointments._clash
    checks = []

    def check_before_the_other_workstation_committed(*args):
        # The first check runs as if the other booking were not committed yet.
        checks.append(args)
        return None if len(checks) == 1 else real_check(*args)

    monkeypatch.setattr(appointments, "_clash", check_before_the_other_workstation_committed)
    with frozen_at(NOW), pytest.raises(Conflict) as refused:
        appointments.book_appointment(staff.receptionist, review, clinician_id=staff.clinician.user_id,
                                      starts_local=datetime(2026, 12, 1, 10, 10))
    assert str(refused.value) == "Dr Alys Jones already has SMITH, Ann 10:00–10:20 on Tue 1 Dec"
    assert len(checks) == 2  # the database refused the row; the second check named the clash
    assert Appointment.get_by_id(review).status == "to_book"


# --- six workstations at the same moment ---


def race(location, target, per_process_args):
    """Run ``target`` in one spawned process per argument tuple, all released by one barrier."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(len(per_process_args))
    results = context.Queue()
    processes = [context.Process(target=target, args=(location, barrier, results, *args))
                 for args in per_process_args]
    for process in processes:
        process.start()
    try:
        return [results.get(timeout=120) for _ in processes]
    finally:
        for process in processes:
            process.join(timeout=30)
            if process.is_alive():
                process.terminate()


def test_six_workstations_booking_one_slot_through_the_service_book_it_once(staff, location):
    reviews = {}
    for family in FAMILY_NAMES:
        episode_id = open_episode(staff, family)
        reviews[Appointment.get((Appointment.episode == episode_id) & (Appointment.kind == "two_week_review")).id] = (
            f"{family.upper()}, Ann")
    outcomes = race(location, booking_worker.book_through_the_service, [
        (staff.receptionist, appointment_id, staff.clinician.user_id, datetime(2026, 12, 1, 10, 0), NOW)
        for appointment_id in reviews])
    assert [outcome for outcome in outcomes if outcome[0] == "error"] == []
    (winner,) = [appointment_id for kind, appointment_id, _ in outcomes if kind == "booked"]
    conflicts = [message for kind, _, message in outcomes if kind == "conflict"]
    assert conflicts == [f"Dr Alys Jones already has {reviews[winner]} 10:00–10:20 on Tue 1 Dec"] * (WORKSTATIONS - 1)
    assert [row.id for row in booked_at_ten(staff.clinician.user_id)] == [winner]


def test_six_raw_inserts_of_one_slot_leave_exactly_one_row(staff, location):
    episode_id = open_episode(staff)
    outcomes = race(location, booking_worker.insert_raw_row, [
        (episode_id, staff.clinician.user_id, TEN, TEN + TWENTY_MINUTES, 0.3)] * WORKSTATIONS)
    assert [outcome for outcome in outcomes if outcome[0] == "error"] == []
    assert sorted(kind for kind, _, _ in outcomes) == ["inserted"] + ["refused"] * (WORKSTATIONS - 1)
    assert len(booked_at_ten(staff.clinician.user_id)) == 1
