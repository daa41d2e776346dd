"""Opening the clinic's database: a file that is not ours is refused and left exactly as it was."""
from __future__ import annotations

import socket
import sqlite3

import pytest

from clinic_desktop.models.database import DatabaseUrlError
from clinic_desktop.models.schema import SCHEMA_VERSION, SchemaError
from clinic_desktop.services.core.startup import open_clinic_database


def _foreign_file(path, *statements):
    """An SQLite file made by another program, in the default rollback-journal mode."""
    connection = sqlite3.connect(path)
    for statement in statements:
        connection.execute(statement)
    connection.commit()
    connection.close()
    return path.read_bytes()


def test_someone_elses_sqlite_file_is_refused_byte_for_byte_untouched(tmp_path):
    path = tmp_path / "stock.db"
    before = _foreign_file(path, "CREATE TABLE inventory (id INTEGER PRIMARY KEY, item TEXT)",
                           "INSERT INTO inventory (item) VALUES ('gloves')")
    with pytest.raises(SchemaError, match="not a Clinic Desktop database, so it was left untouched"):
        open_clinic_database(str(path))
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["stock.db"]


def test_a_file_from_a_newer_version_is_refused_byte_for_byte_untouched(tmp_path):
    path = tmp_path / "clinic.sqlite3"
    before = _foreign_file(path, "CREATE TABLE schema_version (id INTEGER PRIMARY KEY, version INTEGER)",
                           f"INSERT INTO schema_version (version) VALUES ({SCHEMA_VERSION + 1})")
    with pytest.raises(SchemaError, match="newer Clinic Desktop"):
        open_clinic_database(str(path))
    assert path.read_bytes() == before


def test_a_file_that_is_not_a_database_is_refused_untouched(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("hello\n")
    with pytest.raises(SchemaError, match="is not an SQLite database file; it was left untouched"):
        open_clinic_database(str(path))
    assert path.read_text() == "hello\n"


def test_a_missing_file_is_refused_when_it_must_exist(tmp_path):
    with pytest.raises(DatabaseUrlError, match="there is no database at .*clinc.sqlite3: check the file name"):
        open_clinic_database(str(tmp_path / "typo" / "clinc.sqlite3"), must_exist=True)
    assert not (tmp_path / "typo").exists()


def test_an_empty_location_is_refused():
    with pytest.raises(DatabaseUrlError, match="the database location is empty"):
        open_clinic_database("  ")


def test_an_unreachable_server_is_one_sentence_without_the_password():
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(DatabaseUrlError) as refused:
        open_clinic_database(f"postgresql://clinic:s3cret@127.0.0.1:{port}/clinic")
    message = str(refused.value)
    assert message.startswith(f"cannot open the database at postgresql://clinic:***@127.0.0.1:{port}/clinic: ")
    assert "s3cret" not in message and "\n" not in message


def test_a_zero_byte_file_is_refused_untouched_not_made_a_new_empty_clinic(tmp_path):
    path = tmp_path / "clinic.sqlite3"
    path.touch()
    for must_exist in (False, True):
        with pytest.raises(SchemaError, match=r"^.*clinic.sqlite3 is empty \(0 bytes\), so it is not a clinic "
                                              r"database: it was left untouched; restore the last backup"):
            open_clinic_database(str(path), must_exist=must_exist)
    assert path.stat().st_size == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clinic.sqlite3"]


def test_a_new_clinic_is_made_only_where_no_file_is(tmp_path):
    path = tmp_path / "new" / "clinic.sqlite3"
    _, report = open_clinic_database(str(path))
    assert report.created and path.stat().st_size > 0
