"""Backing up the live database: a whole, checked copy, on SQLite and on PostgreSQL."""
from __future__ import annotations

import shlex
import sqlite3
import subprocess
import threading
import time
from datetime import date
from pathlib import Path

import pytest

from clinic_desktop.models import AuditEvent, Patient, schema
from clinic_desktop.models import backup_files as files
from clinic_desktop.services.admin import backup
from clinic_desktop.services.core.errors import PermissionDenied, ValidationError
from clinic_desktop.services.patients import patients

needs_pg_dump = pytest.mark.skipif(files.pg_tool("pg_dump") is None, reason="pg_dump is not installed")


def register(staff, family: str, nhs: str) -> int:
    return patients.register_patient(staff.receptionist, family_name=family, given_name="Ann",
                                     date_of_birth=date(1961, 2, 9), nhs_number=nhs).id


def family_names_in(path: Path) -> list[str]:
    with sqlite3.connect(path) as connection:
        return [row[0] for row in connection.execute("SELECT family_name FROM patient ORDER BY family_name")]


@pytest.fixture
def sqlite_clinic(sqlite_staff):
    register(sqlite_staff, "Smith", "9434765919")
    register(sqlite_staff, "Wang", "4010232137")
    return sqlite_staff


def test_a_backup_holds_every_patient_and_says_what_it_holds(sqlite_clinic, tmp_path):
    result = backup.back_up(sqlite_clinic.manager, tmp_path / "copy.sqlite3")
    assert family_names_in(tmp_path / "copy.sqlite3") == ["Smith", "Wang"]
    assert (result.contents.patients, result.contents.schema_version) == (2, schema.SCHEMA_VERSION)
    assert result.size_bytes == (tmp_path / "copy.sqlite3").stat().st_size


def test_a_backup_is_one_self_contained_file(sqlite_clinic, tmp_path):
    backup.back_up(sqlite_clinic.manager, tmp_path / "copy.sqlite3")
    assert sorted(path.name for path in tmp_path.iterdir() if path.name.startswith("copy")) == ["copy.sqlite3"]
    with sqlite3.connect(tmp_path / "copy.sqlite3") as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def test_a_backup_taken_while_another_connection_writes_is_whole(sqlite_clinic, sqlite_database, tmp_path):
    stop = threading.Event()
    written = []

    def keep_writing() -> None:
        writer = sqlite3.connect(sqlite_database.database, isolation_level=None, timeout=15)
        number = 0
        while not stop.is_set():
            number += 1
            writer.execute("INSERT INTO clinic_setting (name, value) VALUES (?, '{}')", (f"load-{number}",))
            written.append(number)
            time.sleep(0.001)  # a busy clinic, not a writer that never lets go (it would starve the audit write)
        writer.close()

    thread = threading.Thread(target=keep_writing)
    thread.start()
    try:
        while len(written) < 50:
            pass
        counts = []
        for number in range(5):
            copy = tmp_path / f"copy-{number}.sqlite3"
            backup.back_up(sqlite_clinic.manager, copy)
            with sqlite3.connect(copy) as connection:
                assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
                counts.append(connection.execute(
                    "SELECT count(*) FROM clinic_setting WHERE name LIKE 'load-%'").fetchone()[0])
    finally:
        stop.set()
        thread.join()
    assert counts == sorted(counts) and counts[0] >= 50 and counts[-1] <= len(written)
    assert family_names_in(tmp_path / "copy-4.sqlite3") == ["Smith", "Wang"]


def test_a_backup_replaces_an_older_backup_of_the_same_name(sqlite_clinic, tmp_path):
    backup.back_up(sqlite_clinic.manager, tmp_path / "copy.sqlite3")
    register(sqlite_clinic, "Later", "9876543210")
    backup.back_up(sqlite_clinic.manager, tmp_path / "copy.sqlite3")
    assert family_names_in(tmp_path / "copy.sqlite3") == ["Later", "Smith", "Wang"]


def test_a_file_that_is_not_a_backup_is_never_overwritten(sqlite_clinic, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("last week's notes")
    with pytest.raises(ValidationError, match="already exists and is not a database backup"):
        backup.back_up(sqlite_clinic.manager, notes)
    assert notes.read_text() == "last week's notes"


def test_backing_up_over_the_database_itself_is_refused(sqlite_clinic, sqlite_database):
    with pytest.raises(ValidationError, match="cannot replace the database itself"):
        backup.back_up(sqlite_clinic.manager, Path(sqlite_database.database))
    assert Patient.select().count() == 2


def test_backing_up_into_a_missing_folder_is_refused_in_words(sqlite_clinic, tmp_path):
    with pytest.raises(ValidationError, match=f"there is no folder {tmp_path / 'nowhere'}"):
        backup.back_up(sqlite_clinic.manager, tmp_path / "nowhere" / "copy.sqlite3")


def test_a_failed_copy_leaves_no_file_behind(sqlite_clinic, tmp_path, monkeypatch):
    def broken(_connection):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(files, "_check_integrity", lambda connection, name: broken(connection))
    with pytest.raises(ValidationError, match="no backup was written"):
        backup.back_up(sqlite_clinic.manager, tmp_path / "copy.sqlite3")
    assert [path.name for path in tmp_path.iterdir() if "copy" in path.name] == []


# --- both databases ---


@needs_pg_dump
def test_a_backup_is_audited_with_its_file(staff, tmp_path):
    target = tmp_path / "copy.backup"
    backup.back_up(staff.manager, target)
    event = AuditEvent.select().order_by(AuditEvent.id.desc()).first()
    assert (event.action, event.user_id) == ("back_up_database", staff.manager.user_id)
    assert str(target) in event.summary


@needs_pg_dump
def test_the_copy_holds_the_schema_version_on_either_database(staff, tmp_path):
    register(staff, "Smith", "9434765919")
    target = tmp_path / "copy.backup"
    result = backup.back_up(staff.manager, target)
    if backup.uses_sqlite():
        assert result.contents.schema_version == schema.SCHEMA_VERSION
    else:
        assert files.pg_archive_version(target) == schema.SCHEMA_VERSION


@pytest.mark.parametrize("who", ["receptionist", "clinician"])
def test_only_the_manager_backs_up(staff, tmp_path, who):
    with pytest.raises(PermissionDenied):
        backup.back_up(getattr(staff, who), tmp_path / "copy.backup")
    assert not (tmp_path / "copy.backup").exists()


# --- PostgreSQL: the commands shown really work ---


@pytest.fixture
def postgres_clinic(staff):
    return staff


# The tests of the PostgreSQL tools run on the PostgreSQL server only (no SQLite twin to skip).
postgres_only = pytest.mark.parametrize("database", [pytest.param("postgres", marks=pytest.mark.postgres)],
                                        indirect=True)


def _run_shown(command: str, database) -> None:
    environment = None
    password = database.connect_params.get("password")
    if password:
        import os
        environment = dict(os.environ, PGPASSWORD=str(password))
    words = shlex.split(command)
    words[0] = files.pg_tool(words[0]) or words[0]
    result = subprocess.run(words, capture_output=True, text=True, env=environment)
    assert result.returncode == 0, result.stderr


@postgres_only
@needs_pg_dump
def test_the_pg_dump_command_shown_makes_a_backup(postgres_clinic, database, tmp_path):
    register(postgres_clinic, "Smith", "9434765919")
    command = backup.pg_dump_command(tmp_path / "shown.pgdump")
    assert "password" not in command.lower()
    _run_shown(command, database)
    assert files.pg_archive_version(tmp_path / "shown.pgdump") == schema.SCHEMA_VERSION


@postgres_only
@needs_pg_dump
def test_the_pg_restore_command_shown_brings_the_backup_back(postgres_clinic, database, tmp_path):
    register(postgres_clinic, "Smith", "9434765919")
    backup.back_up(postgres_clinic.manager, tmp_path / "copy.pgdump")
    register(postgres_clinic, "Later", "4010232137")
    database.close()
    _run_shown(backup.pg_restore_command(tmp_path / "copy.pgdump"), database)
    database.connect()
    assert [patient.family_name for patient in Patient.select()] == ["Smith"]
    assert schema.stored_version(database) == schema.SCHEMA_VERSION


@postgres_only
def test_a_postgresql_database_is_not_restored_from_the_app(postgres_clinic, tmp_path):
    with pytest.raises(ValidationError, match="restored with pg_restore"):
        backup.restore(postgres_clinic.manager, tmp_path / "copy.pgdump")


def test_a_copy_that_fails_its_integrity_check_is_not_kept(sqlite_clinic, tmp_path, monkeypatch, caplog):
    real_execute = sqlite3.Connection.execute

    class Damaged(sqlite3.Connection):
        def execute(self, sql, *args):
            if sql.startswith("PRAGMA integrity_check"):
                return iter([("row 7 missing from index patient_nhs_number",)])
            return real_execute(self, sql, *args)

    real_connect = sqlite3.connect
    monkeypatch.setattr(files.sqlite3, "connect", lambda *a, **k: real_connect(*a, factory=Damaged, **k))
    with pytest.raises(ValidationError, match=r"copy.sqlite3 is damaged; no backup was written\. The database itself "
                                              "may be damaged: keep the last good backup and ask for help$"):
        backup.back_up(sqlite_clinic.manager, tmp_path / "copy.sqlite3")
    assert "row 7 missing from index patient_nhs_number" in caplog.text  # the details, for whoever looks into it
    assert [path.name for path in tmp_path.iterdir() if "copy" in path.name] == []
