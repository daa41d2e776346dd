"""The wrapper every service runs in: permission, one transaction, exactly one audit event."""
import sqlite3
import threading
from contextlib import contextmanager
from datetime import date, datetime, timezone

import psycopg2
import pytest
from database_fixtures import PASSWORD
from relaxant_answers import FOR_SPASM

from clinic_desktop.models import (
    Appointment,
    AuditEvent,
    PathwayWarning,
    Patient,
    User,
    is_sqlite,
)
from clinic_desktop.services.admin import backup, users
from clinic_desktop.services.appointments import appointments
from clinic_desktop.services.audit import audit
from clinic_desktop.services.core import clock
from clinic_desktop.services.core.entity import Entity
from clinic_desktop.services.core.errors import (
    Conflict,
    DatabaseBusy,
    DatabaseUnavailable,
    InvalidTransition,
    PermissionDenied,
    ValidationError,
)
from clinic_desktop.services.core.transaction import service
from clinic_desktop.services.episodes import episodes
from clinic_desktop.services.patients import patient_search, patients

NOW = datetime(2025, 6, 16, 9, 0, tzinfo=timezone.utc)


def _add_patient(family_name: str) -> Patient:
    return Patient.create(family_name=family_name, given_name="Test", family_name_key=family_name.lower(),
                          given_name_key="test", date_of_birth=date(1970, 1, 1), created_at=NOW, updated_at=NOW)


@service("register_patient")
def register_then_fail(actor):
    """Writes a patient and its audit event, then hits a problem."""
    patient = _add_patient("Halfway")
    audit.record(actor, "register_patient", Entity.PATIENT, patient.id, "registered HALFWAY, Test")
    raise ValidationError("something was wrong after all")


@service("register_patient")
def register_without_audit(actor):
    _add_patient("Unaudited")


@service("register_patient")
def register_with_two_events(actor):
    patient = _add_patient("Twice")
    audit.record(actor, "register_patient", Entity.PATIENT, patient.id, "registered TWICE, Test")
    audit.record(actor, "register_patient", Entity.PATIENT, patient.id, "registered TWICE, Test again")


@service("view_patient", changes=False)
def count_patients(actor):
    return Patient.select().count()


def _counts():
    return Patient.select().count(), User.select().count(), AuditEvent.select().count()


def test_a_refused_action_changes_nothing_and_writes_no_audit(staff):
    before = _counts()
    with pytest.raises(PermissionDenied, match="Dr Alys Jones .clinician. may not manage users"):
        users.create_user(staff.clinician, "intruder", "In Truder", "practice_manager", PASSWORD)
    assert _counts() == before


def test_a_service_that_fails_midway_leaves_no_trace(staff):
    before = _counts()
    with pytest.raises(ValidationError, match="something was wrong after all"):
        register_then_fail(staff.receptionist)
    assert _counts() == before


def test_a_real_service_failing_after_its_write_leaves_no_trace(staff, monkeypatch):
    def fail_to_audit(*args, **kwargs):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(audit, "record", fail_to_audit)
    before = _counts()
    with clock.frozen_at(NOW), pytest.raises(RuntimeError, match="audit store unavailable"):
        patients.register_patient(staff.receptionist, family_name="Smith", given_name="Ann",
                                  date_of_birth=date(1980, 2, 1))
    assert _counts() == before


def test_a_deactivated_account_is_refused_on_its_next_action(staff):
    User.update(active=False).where(User.id == staff.receptionist.user_id).execute()
    events = AuditEvent.select().count()
    with pytest.raises(PermissionDenied, match="the account reception is no longer active in this role: sign in"):
        count_patients(staff.receptionist)
    with pytest.raises(PermissionDenied):
        patients.register_patient(staff.receptionist, family_name="Smith", given_name="Ann",
                                  date_of_birth=date(1980, 2, 1))
    assert (Patient.select().count(), AuditEvent.select().count()) == (0, events)


def test_a_deactivated_manager_cannot_back_up_from_a_window_still_open(staff, tmp_path):
    """A backup is no single transaction (permission_checked), yet the account is checked as for any service."""
    User.update(active=False).where(User.id == staff.manager.user_id).execute()
    events = AuditEvent.select().count()
    target = tmp_path / "copy.sqlite3"
    with pytest.raises(PermissionDenied, match="the account .* is no longer active in this role"):
        backup.back_up(staff.manager, target)
    assert (target.exists(), AuditEvent.select().count()) == (False, events)


def test_an_account_whose_role_changed_is_refused_until_it_signs_in_again(staff):
    User.update(role="receptionist").where(User.id == staff.clinician.user_id).execute()
    with pytest.raises(PermissionDenied, match="no longer active in this role"):
        count_patients(staff.clinician)
    assert count_patients(users.authenticate("drjones", PASSWORD)) == 0


def test_a_change_that_writes_no_audit_event_fails_loudly_and_is_undone(staff):
    with pytest.raises(AssertionError, match="register_without_audit wrote 0 audit events"):
        register_without_audit(staff.receptionist)
    assert Patient.select().count() == 0


def test_a_change_that_writes_two_audit_events_fails_loudly_and_is_undone(staff):
    events = AuditEvent.select().count()
    with pytest.raises(AssertionError, match="wrote 2 audit events; a change writes exactly one"):
        register_with_two_events(staff.receptionist)
    assert (Patient.select().count(), AuditEvent.select().count()) == (0, events)


def test_a_read_only_service_needs_no_audit_event(staff):
    assert count_patients(staff.clinician) == 0


# A real PostgreSQL error with SQLSTATE 40001, as a concurrent transaction would cause.
SERIALIZATION_FAILURE = "DO $$ BEGIN RAISE EXCEPTION 'could not serialize access' USING ERRCODE = '40001'; END $$"
ON_POSTGRES = pytest.mark.parametrize("database", [pytest.param("postgres", marks=pytest.mark.postgres)],
                                      indirect=True)


def losing_the_race(database, times: int, attempts: list):
    """A registration whose first ``times`` attempts a concurrent transaction spoils."""

    @service("register_patient")
    def register_racing(actor):
        attempts.append(1)
        patient = _add_patient(f"Attempt{len(attempts)}")
        if len(attempts) <= times:
            database.execute_sql(SERIALIZATION_FAILURE)
        audit.record(actor, "register_patient", Entity.PATIENT, patient.id, "registered after a retry")

    return register_racing


@ON_POSTGRES
def test_a_serialization_failure_is_retried_from_a_clean_slate(staff, database):
    attempts = []
    losing_the_race(database, 1, attempts)(staff.receptionist)
    assert len(attempts) == 2
    assert [patient.family_name for patient in Patient.select()] == ["Attempt2"]


@ON_POSTGRES
def test_serialization_failures_that_persist_are_reported_as_busy(staff, database):
    attempts = []
    with pytest.raises(DatabaseBusy, match="nothing was saved, please try again"):
        losing_the_race(database, 99, attempts)(staff.receptionist)
    assert len(attempts) == 4
    assert Patient.select().count() == 0


def test_a_database_locked_by_another_workstation_is_reported_as_busy(sqlite_staff, sqlite_database):
    sqlite_database.execute_sql("PRAGMA busy_timeout = 50")
    other_workstation = sqlite3.connect(sqlite_database.database, isolation_level=None)
    other_workstation.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(DatabaseBusy, match="busy with another workstation's change; nothing was saved"):
            patients.register_patient(sqlite_staff.receptionist, family_name="Smith", given_name="Ann",
                                      date_of_birth=date(1980, 2, 1))
    finally:
        other_workstation.rollback()
        other_workstation.close()
    assert Patient.select().count() == 0


# --- database refusals no service foresaw: a message, never SQL ---


@service("register_patient")
def register_with_a_name_too_long(actor):
    """A family name longer than its column, slipping past every check a real service makes."""
    patient = _add_patient("Longer" * 100)
    audit.record(actor, "register_patient", Entity.PATIENT, patient.id, "registered a long name")


@service("register_patient")
def register_the_same_nhs_number_twice(actor):
    for family_name in ("First", "Second"):
        patient = _add_patient(family_name)
        Patient.update(nhs_number="9434765919").where(Patient.id == patient.id).execute()
    audit.record(actor, "register_patient", Entity.PATIENT, patient.id, "registered twice")


def test_a_value_the_database_refuses_as_too_long_is_a_validation_error(staff, database):
    if is_sqlite(database):
        # SQLite stores any length: lower its limit below the name so it refuses it too.
        database.connection().setlimit(sqlite3.SQLITE_LIMIT_LENGTH, 400)
    try:
        with pytest.raises(ValidationError) as refused:
            register_with_a_name_too_long(staff.receptionist)
    finally:
        if is_sqlite(database):
            database.connection().setlimit(sqlite3.SQLITE_LIMIT_LENGTH, 1_000_000_000)
    assert str(refused.value) == "A value was too long or of the wrong kind; nothing was saved."
    assert Patient.select().count() == 0


def test_a_clash_with_a_stored_record_no_service_foresaw_is_a_conflict_naming_the_constraint(staff, database):
    with pytest.raises(Conflict) as refused:
        register_the_same_nhs_number_twice(staff.receptionist)
    constraint = "patient.nhs_number" if is_sqlite(database) else "patient_nhs_number"
    assert str(refused.value) == f"The change clashes with the stored record ({constraint}); nothing was saved."
    assert Patient.select().count() == 0


# --- two workstations changing one episode at once (PostgreSQL row locks) ---
# The change made second must wait for the first's lock and then see what it did. Each
# test holds another workstation's change open 0.5 s; unlocked, the service would not
# wait and would act on what it read before that change committed.


@contextmanager
def another_workstation_committing_soon(postgres_url, sql: str, parameters: tuple):
    """Another workstation's change, not yet committed when the block starts; it commits 0.5 s later."""
    connection = psycopg2.connect(postgres_url)
    try:
        connection.cursor().execute(sql, parameters)
        commit = threading.Timer(0.5, connection.commit)
        commit.start()
        try:
            yield
        finally:
            commit.join()
    finally:
        connection.close()


def open_episode(staff, hepatic_impairment="none", medications=()) -> int:
    """An episode of SMITH, Ann, first contact today (Mon 16 Jun 2025)."""
    patient = Patient.create(family_name="Smith", given_name="Ann", family_name_key="smith", given_name_key="ann",
                             date_of_birth=date(1970, 1, 1), hepatic_impairment=hepatic_impairment, created_at=NOW,
                             updated_at=NOW)
    with clock.frozen_at(NOW):
        return episodes.open_episode(staff.clinician, patient.id, first_contact_on=NOW.date(),
                                     presentation="non_specific", severity="mild",
                                     medications=medications).episode_id


DISCHARGING = ("UPDATE episode SET status = 'discharged', discharged_on = %s, discharge_reason = 'resolved' "
               "WHERE id = %s")


@ON_POSTGRES
def test_two_clinicians_acknowledging_one_warning_at_once_acknowledge_it_once(staff, postgres_url):
    open_episode(staff, "mild", [episodes.MedicationInput("baclofen", "muscle_relaxant", **FOR_SPASM)])
    (warning,) = PathwayWarning.select()
    acknowledging = "UPDATE pathway_warning SET acknowledged_by_id = %s, acknowledged_at = now() WHERE id = %s"
    with (another_workstation_committing_soon(postgres_url, acknowledging, (staff.clinician.user_id, warning.id)),
          pytest.raises(InvalidTransition, match="^Dr Alys Jones already acknowledged this warning$")):
        episodes.acknowledge_warning(staff.other_clinician, warning.id)
    assert PathwayWarning.get_by_id(warning.id).acknowledged_by_id == staff.clinician.user_id
    assert AuditEvent.select().where(AuditEvent.action == "acknowledge_warning").count() == 0


@ON_POSTGRES
def test_a_follow_up_added_while_another_workstation_discharges_is_refused(staff, postgres_url):
    episode_id = open_episode(staff)
    with (another_workstation_committing_soon(postgres_url, DISCHARGING, (NOW.date(), episode_id)),
          clock.frozen_at(NOW),
          pytest.raises(InvalidTransition, match="was discharged on Mon 16 Jun 2025")):
        appointments.add_follow_up(staff.clinician, episode_id, due_by=date(2025, 6, 27), reason="review")
    assert Appointment.select().where(Appointment.kind == "follow_up").count() == 0


def booked_review(staff) -> tuple[int, int]:
    """The episode and its 2-week review, booked for 10:20 today in London (an hour from now)."""
    episode_id = open_episode(staff)
    review = Appointment.get((Appointment.episode == episode_id) & (Appointment.kind == "two_week_review")).id
    with clock.frozen_at(NOW):  # 10:00 in London
        appointments.book_appointment(staff.receptionist, review, clinician_id=staff.clinician.user_id,
                                      starts_local=datetime(2025, 6, 16, 10, 20))
    return episode_id, review


@ON_POSTGRES
def test_did_not_attend_while_another_workstation_discharges_books_nothing_new(staff, postgres_url):
    episode_id, review = booked_review(staff)
    with (another_workstation_committing_soon(postgres_url, DISCHARGING, (NOW.date(), episode_id)),
          clock.frozen_at(datetime(2025, 6, 16, 10, 0, tzinfo=timezone.utc))):
        record = appointments.record_did_not_attend(staff.receptionist, review)
    assert (record.id, record.status) == (review, "did_not_attend")
    assert Appointment.select().where(Appointment.rebooked_from == review).count() == 0


@ON_POSTGRES
def test_a_booking_cancelled_while_another_workstation_discharges_is_cancelled_not_put_back(staff, postgres_url):
    episode_id, review = booked_review(staff)
    with (another_workstation_committing_soon(postgres_url, DISCHARGING, (NOW.date(), episode_id)),
          clock.frozen_at(NOW)):
        record = appointments.cancel_booking(staff.receptionist, review, "patient rang to cancel")
    assert (record.status, record.cancel_reason) == ("cancelled", "discharged")


@ON_POSTGRES
def test_a_lost_server_connection_is_reported_and_the_next_call_reconnects(staff, postgres_url):
    """A PostgreSQL restart or a network drop: one clear message, then work goes on."""
    patients.register_patient(staff.receptionist, family_name="Before", given_name="Ann",
                              date_of_birth=date(1970, 1, 1))
    backend = Patient._meta.database.execute_sql("SELECT pg_backend_pid()").fetchone()[0]
    admin = psycopg2.connect(postgres_url)
    admin.autocommit = True
    admin.cursor().execute("SELECT pg_terminate_backend(%s)", (backend,))
    admin.close()
    with pytest.raises(DatabaseUnavailable, match="the connection to the database was lost; nothing was saved"):
        patients.register_patient(staff.receptionist, family_name="During", given_name="Ann",
                                  date_of_birth=date(1970, 1, 1))
    after = patients.register_patient(staff.receptionist, family_name="After", given_name="Ann",
                                      date_of_birth=date(1970, 1, 1))
    assert [row.family_name for row in Patient.select().order_by(Patient.id)] == ["Before", "After"]
    assert after.display_name == "AFTER, Ann"


def test_a_server_that_cannot_be_reached_is_said_in_words_every_time(staff):
    """Reconnecting to a stopped server fails too: each attempt gets the sentence, never a raw driver error."""
    from clinic_desktop.models import bind_database, database_proxy, make_database

    working = database_proxy.obj
    bind_database(make_database("postgresql://clinic@127.0.0.1:1/clinic?connect_timeout=2"))
    try:
        for _ in range(2):
            with pytest.raises(DatabaseUnavailable, match="nothing was saved"):
                patient_search.search_patients(staff.receptionist, "smith")
        with pytest.raises(DatabaseUnavailable):
            users.authenticate("reception", PASSWORD)
        with pytest.raises(DatabaseUnavailable):
            users.verify_password(staff.receptionist, PASSWORD)
    finally:
        bind_database(working)
