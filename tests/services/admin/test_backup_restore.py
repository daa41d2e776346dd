"""Restoring an SQLite database from a backup: all of it, or none of it."""
from __future__ import annotations

import hashlib
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from clinic_desktop.models import AuditEvent, Patient, schema
from clinic_desktop.models import backup_files as files
from clinic_desktop.services.admin import backup
from clinic_desktop.services.core.errors import PermissionDenied, ValidationError
from clinic_desktop.services.patients import patients


def register(staff, family: str, nhs: str) -> int:
    return patients.register_patient(staff.receptionist, family_name=family, given_name="Ann",
                                     date_of_birth=date(1961, 2, 9), nhs_number=nhs).id


def family_names() -> list[str]:
    return [patient.family_name for patient in Patient.select().order_by(Patient.family_name)]


@pytest.fixture
def saved(sqlite_staff, tmp_path):
    """A backup holding SMITH; then WANG registered after it."""
    register(sqlite_staff, "Smith", "9434765919")
    path = tmp_path / "saved" / "monday.sqlite3"
    path.parent.mkdir()
    backup.back_up(sqlite_staff.manager, path)
    register(sqlite_staff, "Wang", "4010232137")
    return path


def live_bytes(database) -> dict[str, str]:
    """The live database file and its WAL, as hashes: what a refused restore must not change.

    (Not the -shm file: SQLite's shared-memory index of the WAL, rewritten by any reader.)
    """
    live = Path(database.database)
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest()
            for path in live.parent.iterdir() if path.name in (live.name, f"{live.name}-wal")}


def test_a_restore_brings_back_the_records_of_the_backup(sqlite_staff, saved):
    backup.restore(sqlite_staff.manager, saved)
    assert family_names() == ["Smith"]


def test_the_restore_says_what_it_replaced_and_what_it_restored(sqlite_staff, saved):
    result = backup.restore(sqlite_staff.manager, saved)
    assert (result.replaced.patients, result.restored.patients) == (2, 1)


def test_the_safety_copy_holds_the_replaced_database(sqlite_staff, sqlite_database, saved):
    result = backup.restore(sqlite_staff.manager, saved)
    assert result.safety_copy.parent == Path(sqlite_database.database).parent
    with sqlite3.connect(result.safety_copy) as connection:
        assert [row[0] for row in connection.execute("SELECT family_name FROM patient ORDER BY 1")] == [
            "Smith", "Wang"]


def test_the_restore_is_audited_in_the_restored_database(sqlite_staff, saved):
    result = backup.restore(sqlite_staff.manager, saved)
    event = AuditEvent.select().order_by(AuditEvent.id.desc()).first()
    assert event.action == "restore_database" and event.user_id == sqlite_staff.manager.user_id
    assert str(saved) in event.summary and str(result.safety_copy) in event.summary


def test_the_check_shows_what_the_file_holds_and_changes_nothing(sqlite_staff, sqlite_database, saved):
    before = live_bytes(sqlite_database)
    check = backup.check_restore_file(sqlite_staff.manager, saved)
    assert (check.contents.patients, check.current.patients, check.upgrade_from) == (1, 2, None)
    assert live_bytes(sqlite_database) == before


def test_a_backup_with_another_page_size_is_restored(sqlite_staff, saved, tmp_path):
    other = tmp_path / "small-pages.sqlite3"
    with sqlite3.connect(saved) as source, sqlite3.connect(other, isolation_level=None) as copy:
        copy.execute("PRAGMA page_size = 1024")
        source.backup(copy)
        copy.execute("VACUUM")
        assert copy.execute("PRAGMA page_size").fetchone()[0] == 1024
    source.close()
    copy.close()
    backup.restore(sqlite_staff.manager, other)
    assert family_names() == ["Smith"]


def test_the_app_keeps_working_on_the_restored_database(sqlite_staff, saved):
    backup.restore(sqlite_staff.manager, saved)
    register(sqlite_staff, "After", "9990001006")
    assert family_names() == ["After", "Smith"]


def test_only_the_manager_restores(sqlite_staff, sqlite_database, saved):
    before = live_bytes(sqlite_database)
    with pytest.raises(PermissionDenied):
        backup.restore(sqlite_staff.receptionist, saved)
    assert live_bytes(sqlite_database) == before


# --- refused files leave the live database byte for byte as it was ---


def corrupt_copy(saved: Path, tmp_path: Path) -> Path:
    damaged = tmp_path / "damaged.sqlite3"
    data = bytearray(saved.read_bytes())
    page = 4096
    for offset in range(2 * page, len(data) - page, page):
        data[offset:offset + 64] = b"\xff" * 64  # every b-tree page header scrambled; the file header kept
    damaged.write_bytes(bytes(data))
    return damaged


def crossed_indexes(saved: Path, tmp_path: Path) -> Path:
    """Every page readable, but the patient table's indexes point at each other's pages: the
    integrity check lists fault after fault, each on lines of its own."""
    damaged = tmp_path / "crossed.sqlite3"
    damaged.write_bytes(saved.read_bytes())
    with sqlite3.connect(damaged) as connection:
        (first, first_root), (second, second_root) = connection.execute(
            "SELECT name, rootpage FROM sqlite_master WHERE type = 'index' AND tbl_name = 'patient' "
            "AND rootpage > 0 ORDER BY name LIMIT 2").fetchall()
        connection.execute("PRAGMA writable_schema = ON")
        for name, root in ((first, second_root), (second, first_root)):
            connection.execute("UPDATE sqlite_master SET rootpage = ? WHERE name = ?", (root, name))
    connection.close()
    return damaged


def not_sqlite(_saved: Path, tmp_path: Path) -> Path:
    path = tmp_path / "letter.sqlite3"
    path.write_bytes(b"%PDF-1.7 not a database at all" * 100)
    return path


def foreign_database(_saved: Path, tmp_path: Path) -> Path:
    path = tmp_path / "firefox.sqlite3"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
        connection.execute("INSERT INTO moz_places (url) VALUES ('https://example.org')")
    connection.close()
    return path


def with_schema(saved: Path, path: Path, version: int) -> Path:
    """A copy of the backup claiming another schema version."""
    path.write_bytes(saved.read_bytes())
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE schema_version SET version = ?", (version,))
    connection.close()
    return path


def newer_schema(saved: Path, tmp_path: Path) -> Path:
    return with_schema(saved, tmp_path / "newer.sqlite3", schema.SCHEMA_VERSION + 1)


def truncated(saved: Path, tmp_path: Path) -> Path:
    path = tmp_path / "half.sqlite3"
    path.write_bytes(saved.read_bytes()[: saved.stat().st_size // 2])
    return path


def pg_dump_archive(_saved: Path, tmp_path: Path) -> Path:
    path = tmp_path / "server.pgdump"
    path.write_bytes(b"PGDMP\x01\x0e\x00\x04\x08\x01\x01" + b"\x00" * 4000)
    return path


@pytest.mark.parametrize(("make", "message"), [
    (corrupt_copy, "{chosen} is damaged, so it cannot be restored: choose another backup"),
    (crossed_indexes, "{chosen} is damaged, so it cannot be restored: choose another backup"),
    (truncated, "{chosen} is damaged, so it cannot be restored: choose another backup"),
    (not_sqlite, "{chosen} is not a Clinic Desktop backup: it is not an SQLite database file"),
    (pg_dump_archive, "{chosen} is a PostgreSQL backup (a pg_dump archive): the server's administrator restores it "
                      "with pg_restore, not into this SQLite database"),
    (foreign_database, "{chosen} is not a Clinic Desktop database (it has no schema_version table)"),
    (newer_schema, "{chosen} was written by a newer Clinic Desktop (schema %d; this version knows up to %d): "
                   "install the newer version to restore it" % (schema.SCHEMA_VERSION + 1, schema.SCHEMA_VERSION)),
])
def test_a_file_that_cannot_be_restored_is_refused_in_one_sentence_and_nothing_changes(
        sqlite_staff, sqlite_database, saved, tmp_path, make, message):
    chosen = make(saved, tmp_path)
    chosen_before = chosen.read_bytes()
    before = live_bytes(sqlite_database)
    for attempt in (backup.check_restore_file, backup.restore):
        with pytest.raises(ValidationError) as refused:
            attempt(sqlite_staff.manager, chosen)
        assert str(refused.value) == message.format(chosen=chosen)
    assert live_bytes(sqlite_database) == before
    assert chosen.read_bytes() == chosen_before
    assert family_names() == ["Smith", "Wang"]
    assert not [path for path in Path(sqlite_database.database).parent.iterdir() if "before-restore" in path.name]


def test_a_missing_file_is_refused_in_words(sqlite_staff, tmp_path):
    with pytest.raises(ValidationError, match=f"there is no file {tmp_path / 'gone.sqlite3'}"):
        backup.restore(sqlite_staff.manager, tmp_path / "gone.sqlite3")


def test_a_restore_blocked_by_another_workstation_changes_nothing(sqlite_staff, sqlite_database, saved,
                                                                   monkeypatch):
    monkeypatch.setattr(files, "BUSY_SECONDS", 0.3)
    sqlite_database.execute_sql("PRAGMA busy_timeout = 200")
    other = sqlite3.connect(sqlite_database.database, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    before = live_bytes(sqlite_database)
    try:
        with pytest.raises(ValidationError, match="kept the database busy; the restore changed nothing"):
            backup.restore(sqlite_staff.manager, saved)
        assert live_bytes(sqlite_database) == before
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert family_names() == ["Smith", "Wang"]


def test_an_older_backup_is_upgraded_on_the_way_in(sqlite_staff, sqlite_database, saved, tmp_path, monkeypatch):
    older = with_schema(saved, tmp_path / "older.sqlite3", schema.SCHEMA_VERSION - 1)

    def step(_migrator, database) -> None:
        database.execute_sql("CREATE TABLE upgraded_on_restore (id INTEGER PRIMARY KEY)")

    monkeypatch.setitem(schema.MIGRATIONS, schema.SCHEMA_VERSION, step)
    assert backup.check_restore_file(sqlite_staff.manager, older).upgrade_from == schema.SCHEMA_VERSION - 1
    result = backup.restore(sqlite_staff.manager, older)
    assert result.upgraded_from == schema.SCHEMA_VERSION - 1
    assert schema.stored_version(sqlite_database) == schema.SCHEMA_VERSION
    assert sqlite_database.table_exists("upgraded_on_restore")
    assert family_names() == ["Smith"]


def test_an_older_backup_that_fails_to_upgrade_changes_nothing(sqlite_staff, sqlite_database, saved, tmp_path,
                                                               monkeypatch):
    older = with_schema(saved, tmp_path / "older.sqlite3", schema.SCHEMA_VERSION - 1)

    def step(_migrator, database) -> None:
        raise schema.SchemaError("the step broke")

    monkeypatch.setitem(schema.MIGRATIONS, schema.SCHEMA_VERSION, step)
    before = live_bytes(sqlite_database)
    with pytest.raises(ValidationError, match="could not be upgraded"):
        backup.restore(sqlite_staff.manager, older)
    assert live_bytes(sqlite_database) == before


def test_a_user_the_backup_does_not_know_restores_it_under_their_name(sqlite_staff, saved, tmp_path):
    other_clinic = tmp_path / "other.sqlite3"
    other_clinic.write_bytes(saved.read_bytes())
    with sqlite3.connect(other_clinic) as connection:  # there, the manager's number is someone else's
        connection.execute("UPDATE user SET username = 'boss', full_name = 'Bea Boss' WHERE id = ?",
                           (sqlite_staff.manager.user_id,))
    connection.close()
    backup.restore(sqlite_staff.manager, other_clinic)
    event = AuditEvent.select().order_by(AuditEvent.id.desc()).first()
    assert (event.action, event.user_id, event.actor_label) == ("restore_database", None, "Morag Manager (manager)")


def test_an_unreadable_file_is_refused_in_words(sqlite_staff, saved, monkeypatch):
    def refused(*_args, **_kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "open", refused)
    with pytest.raises(ValidationError, match=f"{saved} cannot be read \\(Permission denied\\)"):
        backup.restore(sqlite_staff.manager, saved)
