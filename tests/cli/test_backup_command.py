"""``clinic-desktop backup FILE``, ``backup --daily`` and ``restore FILE``."""
from __future__ import annotations

import sqlite3
from datetime import date

import pytest
from database_fixtures import empty_postgres, without_server_warning

import clinic_desktop.cli as cli
from clinic_desktop.models.schema import prepare_database
from clinic_desktop.services.admin import backup
from clinic_desktop.services.patients import patients


@pytest.fixture
def clinic(sqlite_staff, sqlite_database):
    patients.register_patient(sqlite_staff.receptionist, family_name="Smith", given_name="Ann",
                              date_of_birth=date(1961, 2, 9), nhs_number="9434765919")
    return sqlite_database.database


def run(*argv) -> int:
    return cli.main([str(word) for word in argv])


def test_backup_writes_the_file_and_says_what_it_holds(clinic, tmp_path, capsys):
    assert run("--database", clinic, "backup", tmp_path / "copy.sqlite3") == 0
    said = capsys.readouterr().out.strip()
    assert said.startswith(f"Backed up to {tmp_path / 'copy.sqlite3'} (1 patient, 0 appointments, last activity")
    assert said.endswith("checked.")
    with sqlite3.connect(tmp_path / "copy.sqlite3") as connection:
        assert connection.execute("SELECT family_name FROM patient").fetchall() == [("Smith",)]


def test_daily_makes_todays_copy_in_the_folder(clinic, tmp_path, capsys):
    assert run("--database", clinic, "backup", "--daily") == 0
    said = capsys.readouterr().out.strip()
    assert said.startswith("Today's backup was written to ") and said.endswith("; 1 daily copy kept.")
    assert len(list((tmp_path / "backups").glob("clinic-daily-*.sqlite3"))) == 1


@pytest.mark.parametrize(("argv", "reason"), [
    (["backup"], "give the backup FILE to write, or --daily"),
    (["backup", "--daily", "copy.sqlite3"], "give either FILE or --daily, not both"),
    (["backup", "{missing}/copy.sqlite3"], "there is no folder"),
    (["restore", "{missing}/copy.sqlite3"], "there is no file"),
    (["restore"], "the following arguments are required: FILE"),
])
def test_bad_input_exits_2_with_one_line(clinic, tmp_path, capsys, argv, reason):
    argv = [word.replace("{missing}", str(tmp_path / "missing")) for word in argv]
    assert run("--database", clinic, *argv) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and reason in error


def test_a_missing_database_is_not_created_by_a_backup(tmp_path, capsys):
    assert run("--database", tmp_path / "typo.sqlite3", "backup", tmp_path / "copy.sqlite3") == 2
    assert "there is no database at" in capsys.readouterr().err
    assert not (tmp_path / "typo.sqlite3").exists()


def test_restore_prints_what_it_replaced_and_where_the_safety_copy_is(clinic, sqlite_staff, tmp_path, capsys):
    run("--database", clinic, "backup", tmp_path / "copy.sqlite3")
    patients.register_patient(sqlite_staff.receptionist, family_name="Wang", given_name="Fang",
                              date_of_birth=date(1970, 1, 1), nhs_number="4010232137")
    capsys.readouterr()
    assert run("--database", clinic, "restore", tmp_path / "copy.sqlite3") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"Restored {tmp_path / 'copy.sqlite3'} (1 patient, ")
    assert lines[1].startswith("It replaced: 2 patients, ")
    safety = lines[-1].removeprefix("Safety copy of the replaced database: ")
    with sqlite3.connect(safety) as connection:
        assert connection.execute("SELECT count(*) FROM patient").fetchone()[0] == 2


def test_restoring_a_file_that_is_not_a_backup_exits_2_and_changes_nothing(clinic, tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("not a database")
    before = (tmp_path / "clinic.sqlite3").read_bytes()
    assert run("--database", clinic, "restore", tmp_path / "notes.txt") == 2
    assert "is not a Clinic Desktop backup" in capsys.readouterr().err
    assert (tmp_path / "clinic.sqlite3").read_bytes() == before


@pytest.fixture
def postgres_clinic(postgres_url):
    database = empty_postgres(postgres_url)
    prepare_database(database)
    yield postgres_url
    database.close()


def test_on_postgresql_restore_names_the_pg_restore_command(postgres_clinic, tmp_path, capsys):
    assert run("--database", postgres_clinic, "restore", __file__) == 2
    error = without_server_warning(capsys.readouterr().err)
    assert len(error) == 1 and "pg_restore --clean --if-exists --single-transaction" in error[0]


def test_on_postgresql_backup_runs_pg_dump(postgres_clinic, tmp_path, capsys):
    if not backup.pg_dump_available():
        pytest.skip("pg_dump is not installed")
    assert run("--database", postgres_clinic, "backup", tmp_path / "copy.pgdump") == 0
    assert capsys.readouterr().out.startswith(f"Backed up to {tmp_path / 'copy.pgdump'}: ")


def test_a_damaged_backup_is_refused_in_one_line_with_the_details_in_the_log(clinic, tmp_path, capsys, caplog):
    assert run("--database", clinic, "backup", tmp_path / "copy.sqlite3") == 0
    damaged = tmp_path / "damaged.sqlite3"
    damaged.write_bytes((tmp_path / "copy.sqlite3").read_bytes())
    with sqlite3.connect(damaged) as connection:  # two indexes swapped: fault after fault, each on its own lines
        (one, one_root), (two, two_root) = connection.execute(
            "SELECT name, rootpage FROM sqlite_master WHERE type = 'index' AND tbl_name = 'patient' "
            "AND rootpage > 0 ORDER BY name LIMIT 2").fetchall()
        connection.execute("PRAGMA writable_schema = ON")
        connection.execute("UPDATE sqlite_master SET rootpage = ? WHERE name = ?", (two_root, one))
        connection.execute("UPDATE sqlite_master SET rootpage = ? WHERE name = ?", (one_root, two))
    connection.close()
    capsys.readouterr()
    assert run("--database", clinic, "restore", damaged) == 2
    assert capsys.readouterr().err == (f"clinic-desktop: {damaged} is damaged, so it cannot be restored: "
                                       "choose another backup\n")
    assert any("missing from index" in record.getMessage() for record in caplog.records)
