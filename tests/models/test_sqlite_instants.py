"""Instants compared as instants: another program's ``…T10:00:00Z`` cannot slip past the double-booking guard.

SQLite's trigger compares instants as text, which is time order only in the one form the
app writes; "2026-12-03T10:00:00Z" sorts after "2026-12-03 10:20…" and so once overlapped a
booking unnoticed. Now SQLite refuses any other form in every UTC column, and the upgrade to
schema 8 rewrites rows already stored in another form (or refuses, untouched, a value that
is not an instant). PostgreSQL stores timestamptz and needs no such rule: the same foreign
row is caught there by the exclusion constraint.
"""
from __future__ import annotations

import hashlib
import re
import sqlite3
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from peewee import IntegrityError

from clinic_desktop.models import ALL_MODELS, Appointment, Episode, Patient, User, bind_database, make_database, schema
from clinic_desktop.models.constraints import instant_statements
from clinic_desktop.models.database import is_sqlite
from clinic_desktop.models.fields import utc_columns
from clinic_desktop.models.schema import SchemaError, prepare_database, stored_version

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
STORED_10_00 = "2026-12-03 10:00:00.000000+00:00"
STORED_10_20 = "2026-12-03 10:20:00.000000+00:00"


def _clinician_and_episode():
    clinician = User.create(username="drjones", full_name="Dr Alys Jones", role="clinician", password_hash="x",
                            registration_number="GMC 7012345", created_at=NOW)
    patient = Patient.create(family_name="Smith", given_name="Ann", family_name_key="smith", given_name_key="ann",
                             date_of_birth=date(1980, 2, 1), created_at=NOW, updated_at=NOW)
    episode = Episode.create(patient=patient, first_contact_on=date(2026, 11, 30), presentation="non_specific",
                             severity="mild", clinician=clinician, created_at=NOW)
    return clinician.id, episode.id


def _book_as_the_app(clinician_id, episode_id, hour=10, minute=0):
    starts = datetime(2026, 12, 3, hour, minute, tzinfo=timezone.utc)
    return Appointment.create(episode=episode_id, kind="two_week_review", status="booked", due_by=date(2026, 12, 14),
                              clinician=clinician_id, starts_at=starts, ends_at=starts.replace(minute=minute + 20),
                              created_at=NOW, updated_at=NOW)


def _insert_as_another_program(database, clinician_id, episode_id, starts_at, ends_at):
    """A raw INSERT, as a script or a reporting tool connected to the database might write it."""
    p = database.param
    database.execute_sql(
        "INSERT INTO appointment (episode_id, kind, status, reason, due_by, clinician_id, starts_at, ends_at, created_at, "
        f"updated_at) VALUES ({p}, 'two_week_review', 'booked', 'review', '2026-12-14', {p}, {p}, {p}, {p}, {p})",
        (episode_id, clinician_id, starts_at, ends_at, STORED_10_00, STORED_10_00))


@pytest.mark.parametrize("starts_at, ends_at", [
    ("2026-12-03T10:00:00Z", "2026-12-03T10:20:00Z"),
    ("2026-12-03 11:05:00+01:00", "2026-12-03 11:15:00+01:00"),
    ("2026-12-03 10:10:00", "2026-12-03 10:30:00"),
], ids=["Z", "offset", "no zone"])
def test_another_programs_overlapping_booking_is_refused_whatever_its_text(database, starts_at, ends_at):
    clinician_id, episode_id = _clinician_and_episode()
    _book_as_the_app(clinician_id, episode_id)
    with pytest.raises(IntegrityError, match="UTC instant|double-booked|conflicting key|exclusion|time zone"), \
            database.atomic():
        _insert_as_another_program(database, clinician_id, episode_id, starts_at, ends_at)
    assert Appointment.select().count() == 1


@pytest.mark.parametrize("written", [
    "2026-12-03T10:00:00.000000+00:00", "2026-12-03 10:00:00+00:00", "2026-12-03 10:00:00.000000Z",
    "2026-02-30 10:00:00.000000+00:00", "2026-12-03 24:00:00.000000+00:00", "tomorrow at ten", "1764756000",
])
def test_sqlite_refuses_any_other_form_of_an_instant_in_every_utc_column(sqlite_database, written):
    connection = sqlite3.connect(sqlite_database.database)
    try:
        for table, column in utc_columns(ALL_MODELS):
            trigger = "insert" if table in ("audit_event", "letter_version") else "update"
            names = {row[0] for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?", (table,))}
            assert f"{table}_{column}_instant_{trigger}" in names and f"{table}_{column}_instant_insert" in names
        clinician_id, episode_id = _clinician_and_episode()
        booked = _book_as_the_app(clinician_id, episode_id)
        with pytest.raises(sqlite3.IntegrityError, match="appointment.ends_at must be a UTC instant written "
                                                         r"YYYY-MM-DD HH:MM:SS.ffffff\+00:00"):
            connection.execute("UPDATE appointment SET ends_at = ? WHERE id = ?", (written, booked.id))
        with pytest.raises(sqlite3.IntegrityError, match="user.created_at must be a UTC instant"):
            connection.execute("INSERT INTO user (username, full_name, role, password_hash, created_at, active) "
                               "VALUES ('x', 'X', 'clinician', 'x', ?, 1)", (written,))
    finally:
        connection.close()
    assert Appointment.get().ends_at == datetime(2026, 12, 3, 10, 20, tzinfo=timezone.utc)


def test_the_apps_own_instants_pass_to_the_last_microsecond(sqlite_database):
    clinician_id, episode_id = _clinician_and_episode()
    last = datetime(2026, 12, 31, 23, 59, 59, 999999, tzinfo=timezone.utc)
    User.update(created_at=last).where(User.id == clinician_id).execute()
    leap = datetime(2028, 2, 29, 12, 0, tzinfo=timezone.utc)
    Patient.update(updated_at=leap).execute()
    assert (User.get().created_at, Patient.get().updated_at) == (last, leap)


def test_a_clash_is_still_found_with_an_appointment_that_began_the_day_before(sqlite_database):
    """The clash search starts two days back (an index range, not every booking ever made)."""
    clinician_id, episode_id = _clinician_and_episode()
    _insert_as_another_program(sqlite_database, clinician_id, episode_id, "2026-12-02 10:30:00.000000+00:00",
                               "2026-12-03 10:10:00.000000+00:00")  # 23 h 40 min: long, but under a day
    with pytest.raises(IntegrityError, match="clinician double-booked"), sqlite_database.atomic():
        _book_as_the_app(clinician_id, episode_id)
    with pytest.raises(IntegrityError, match="an appointment lasts at most a day"), sqlite_database.atomic():
        _insert_as_another_program(sqlite_database, clinician_id, episode_id, "2026-12-01 10:00:00.000000+00:00",
                                   "2026-12-02 10:00:01.000000+00:00")
    assert Appointment.select().count() == 1


# --- the upgrade to schema 8 on an SQLite file written before it ---


@pytest.fixture
def schema_7_file(tmp_path, monkeypatch):
    """A schema 7 SQLite file as the app made it, without the instant triggers schema 8 adds."""
    from test_schema import schema_7_models

    database = make_database(str(tmp_path / "clinic.sqlite3"))
    bind_database(database)
    database.connect()
    with schema_7_models() as models, monkeypatch.context() as patch:
        patch.setattr(schema, "ALL_MODELS", models)
        prepare_database(database, target=7)
    for (name,) in database.execute_sql("SELECT name FROM sqlite_master WHERE name LIKE '%\\_instant\\_%' "
                                        "ESCAPE '\\'").fetchall():
        database.execute_sql(f"DROP TRIGGER {name}")
    yield database
    database.close()


def test_the_upgrade_rewrites_instants_stored_in_another_form_and_then_guards_them(schema_7_file, tmp_path):
    clinician_id, episode_id = _clinician_and_episode()
    _book_as_the_app(clinician_id, episode_id, hour=9)
    _insert_as_another_program(schema_7_file, clinician_id, episode_id, "2026-12-03T10:00:00Z",
                               "2026-12-03T11:20:00+01:00")
    prepare_database(schema_7_file, backup_folder=tmp_path / "backups")
    assert stored_version(schema_7_file) == schema.SCHEMA_VERSION
    guarded = {row[0] for row in schema_7_file.execute_sql(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%instant%'").fetchall()}
    assert guarded == {re.search(r"TRIGGER IF NOT EXISTS (\w+)", statement).group(1)
                       for statement in instant_statements(utc_columns(ALL_MODELS))}  # every UTC column, as new
    rows = schema_7_file.execute_sql("SELECT starts_at, ends_at FROM appointment ORDER BY id").fetchall()
    assert rows[1] == (STORED_10_00, STORED_10_20)
    with pytest.raises(IntegrityError, match="clinician double-booked"), schema_7_file.atomic():
        _book_as_the_app(clinician_id, episode_id, hour=10, minute=10)
    with pytest.raises(IntegrityError, match="must be a UTC instant"), schema_7_file.atomic():
        _insert_as_another_program(schema_7_file, clinician_id, episode_id, "2026-12-03T12:00:00Z",
                                   "2026-12-03T12:20:00Z")


def test_the_upgrade_refuses_a_value_that_is_no_instant_and_leaves_the_file_as_it_was(schema_7_file, tmp_path):
    clinician_id, episode_id = _clinician_and_episode()
    _insert_as_another_program(schema_7_file, clinician_id, episode_id, "03/12/2026 10:00", "2026-12-03T10:20:00Z")
    schema_7_file.close()
    path = Path(schema_7_file.database)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    schema_7_file.connect()
    with pytest.raises(SchemaError) as refused:
        prepare_database(schema_7_file, backup_folder=tmp_path / "backups")
    assert str(refused.value) == ("appointment.starts_at of row 1 holds '03/12/2026 10:00', which is not a date and "
                                  "time with its time zone: correct it, then open the database again (it was left "
                                  "untouched)")
    assert stored_version(schema_7_file) == 7
    schema_7_file.close()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert is_sqlite(schema_7_file)
