"""The wrapper every service runs in: permission, one transaction, exactly one audit event."""
import sqlite3
from datetime import date, datetime, timezone

import pytest

from clinic_desktop.models import AuditEvent, Patient, User
from clinic_desktop.services import audit, clock, patients, users
from clinic_desktop.services.errors import DatabaseBusy, PermissionDenied, ValidationError
from clinic_desktop.services.transaction import service

from database_fixtures import PASSWORD

NOW = datetime(2025, 6, 16, 9, 0, tzinfo=timezone.utc)


def _add_patient(family_name: str) -> Patient:
    return Patient.create(family_name=family_name, given_name="Test", family_name_key=family_name.lower(),
                          given_name_key="test", date_of_birth=date(1970, 1, 1), created_at=NOW, updated_at=NOW)


@service("register_patient")
def register_then_fail(actor):
    """Writes a patient and its audit event, then hits a problem."""
    patient = _add_patient("Halfway")
    audit.record(actor, "register_patient", "patient", patient.id, "registered HALFWAY, Test")
    raise ValidationError("something was wrong after all")


@service("register_patient")
def register_without_audit(actor):
    _add_patient("Unaudited")


@service("register_patient")
def register_with_two_events(actor):
    patient = _add_patient("Twice")
    audit.record(actor, "register_patient", "patient", patient.id, "registered TWICE, Test")
    audit.record(actor, "register_patient", "patient", patient.id, "registered TWICE, Test again")


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
        audit.record(actor, "register_patient", "patient", patient.id, "registered after a retry")

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
