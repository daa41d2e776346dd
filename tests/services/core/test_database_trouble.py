"""When the disk or the server refuses a write, the message names the real cause.

A full disk mid-session once said "cannot rollback - no transaction is active … check the
network or the database server": SQLite had rolled back itself, and peewee's rollback after
it hid the cause. Each case here is a real refusal (a full tmpfs, SQLite at its page limit,
a read-only folder, a read-only or unprivileged PostgreSQL session) and leaves the record as
it was.
"""
from datetime import date, datetime, timezone

import psycopg2
import pytest
from database_fixtures import empty_postgres, make_staff, open_test_database
from peewee import OperationalError
from volumes import fill, read_only, small_volume

from clinic_desktop.models import AuditEvent, Patient, database_proxy
from clinic_desktop.models.schema import prepare_database
from clinic_desktop.services.core import database_trouble
from clinic_desktop.services.core.errors import DatabaseUnavailable, PermissionDenied
from clinic_desktop.services.core.startup import DatabaseUrlError, open_clinic_database
from clinic_desktop.services.core.transaction import service
from clinic_desktop.services.patients import patients

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)
CLINIC_TIME = NOW  # every test here runs at this moment (tests/conftest.py: clinic_clock)
DISK_FULL = "the disk holding the database is full; nothing was saved. Free some space on it, then try again"


def _register(actor, family_name="Smith", address=""):
    return patients.register_patient(actor, family_name=family_name, given_name="Ann", date_of_birth=date(1970, 5, 1),
                                     address=address, confirm_not_duplicate=True)


def _stored():
    return sorted(p.family_name for p in Patient.select()), AuditEvent.select().count()


def test_a_disk_that_fills_mid_session_says_so_and_the_record_is_whole_once_space_is_freed(tmp_path):
    with small_volume(tmp_path / "disk") as disk:
        database = open_test_database(str(disk / "clinic.sqlite3"))
        try:
            prepare_database(database)
            staff = make_staff()
            _register(staff.receptionist, "Before")
            before = _stored()
            filler = fill(disk)
            with pytest.raises(DatabaseUnavailable) as refused:
                for number in range(200):  # the last free pages of the database file go first
                    _register(staff.receptionist, f"Full{number}", address="x" * 900)
            assert str(refused.value) == DISK_FULL
            assert "rollback" not in str(refused.value) and "network" not in str(refused.value)
            filler.unlink()
            _register(staff.receptionist, "After")
            names, events = _stored()
            assert names[0] == "After" and names[1] == "Before" and events > before[1]
            assert database.execute_sql("PRAGMA integrity_check").fetchone()[0] == "ok"
        finally:
            database.close()


def test_a_database_at_its_page_limit_is_a_full_disk_in_words(sqlite_staff, sqlite_database):
    before = _stored()
    pages = sqlite_database.execute_sql("PRAGMA page_count").fetchone()[0]
    sqlite_database.execute_sql(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(DatabaseUnavailable) as refused:
        for number in range(50):
            _register(sqlite_staff.receptionist, f"Full{number}", address="x" * 900)
    assert str(refused.value) == DISK_FULL
    sqlite_database.execute_sql(f"PRAGMA max_page_count = {pages * 100}")
    names, _ = _stored()
    assert names == sorted(f"Full{n}" for n in range(len(names)))  # whole registrations only, none half-written
    _register(sqlite_staff.receptionist, "Roomy")
    assert "Roomy" in _stored()[0] and len(_stored()[0]) == len(names) + 1 and before[0] == []


def test_a_clinic_database_in_a_read_only_folder_is_refused_for_the_window_naming_why(tmp_path):
    folder = tmp_path / "share"
    folder.mkdir()
    open_clinic_database(str(folder / "clinic.sqlite3"))
    database_proxy.obj.close()
    before = (folder / "clinic.sqlite3").read_bytes()
    with read_only(folder), pytest.raises(DatabaseUrlError) as refused:
        open_clinic_database(str(folder / "clinic.sqlite3"))
    assert str(refused.value) == (f"cannot open the database at {folder / 'clinic.sqlite3'}: the database file or its "
                                  "folder is read-only; nothing was changed. Ask for it to be made writable again "
                                  "(it can still be backed up)")
    assert (folder / "clinic.sqlite3").read_bytes() == before


@pytest.fixture
def server(postgres_url):
    """The test PostgreSQL server's database, empty, with its staff."""
    database = empty_postgres(postgres_url)
    prepare_database(database)
    yield database, make_staff()
    database.close()


def test_a_read_only_server_session_is_named_and_nothing_is_saved(server):
    database, staff = server
    before = _stored()
    database.execute_sql("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
    try:
        with pytest.raises(DatabaseUnavailable, match=r"^the database server only allows reading just now \(a "
                                                      r"standby, or maintenance\); nothing was saved\."):
            _register(staff.receptionist)
    finally:
        database.execute_sql("SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE")
    assert _stored() == before


def test_a_write_the_server_refuses_the_login_is_a_permission_sentence(server):
    database, staff = server
    before = _stored()
    database.execute_sql("DROP ROLE IF EXISTS clinic_refuse_reader")
    database.execute_sql("CREATE ROLE clinic_refuse_reader NOLOGIN")
    database.execute_sql("GRANT USAGE ON SCHEMA public TO clinic_refuse_reader")
    database.execute_sql("GRANT SELECT ON ALL TABLES IN SCHEMA public TO clinic_refuse_reader")
    database.execute_sql("SET ROLE clinic_refuse_reader")
    try:
        with pytest.raises(PermissionDenied, match=r"^the database server refused your login permission for this; "
                                                   r"nothing was saved\. Ask the practice manager"):
            _register(staff.receptionist)
    finally:
        database.execute_sql("RESET ROLE")
        database.execute_sql("DROP OWNED BY clinic_refuse_reader")
        database.execute_sql("DROP ROLE clinic_refuse_reader")
    assert _stored() == before


class _ServerError(psycopg2.Error):
    """A driver error carrying the SQLSTATE a real server sends (psycopg2's pgcode is read-only)."""

    def __init__(self, code):
        super().__init__(f"server said {code}")
        self.code = code

    @property
    def pgcode(self):
        return self.code


@service("view_patient", changes=False)
def _fails_with(actor, code):
    raise OperationalError(_ServerError(code))


@pytest.mark.parametrize("code, kind, says", [
    ("53100", DatabaseUnavailable, "the database server's disk is full; nothing was saved. Ask the server's "
                                   "administrator to free space on it"),
    ("53300", DatabaseUnavailable, "the server has no free connections"),
])
def test_a_full_server_disk_and_a_crowded_server_are_named(staff, code, kind, says):
    with pytest.raises(kind) as refused:
        _fails_with(staff.receptionist, code)
    assert str(refused.value).startswith(says)


def test_the_cause_is_found_behind_the_failed_rollback_that_hid_it():
    try:
        try:
            raise OperationalError("database or disk is full") from _sqlite_full()
        except OperationalError:
            raise OperationalError("cannot rollback - no transaction is active")  # noqa: B904 (as peewee does)
    except OperationalError as hidden:
        assert str(database_trouble.cause_in_words(hidden)) == DISK_FULL


def _sqlite_full():
    import sqlite3

    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE TABLE t (x)")
    connection.execute("PRAGMA max_page_count = 2")
    try:
        connection.execute("INSERT INTO t VALUES (zeroblob(100000))")
    except sqlite3.OperationalError as error:
        return error
    finally:
        connection.close()
