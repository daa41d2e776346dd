"""Commands that only read work on a database on a read-only volume, so a backup can be taken off it.

A full or read-only disk once made even `backup` fail (opening the file switched its journal
mode, a write). Here the clinic's folder is made read-only for real (a read-only bind mount
when the tests run as root, chmod otherwise) and each reading command is run on it; the file
is byte for byte the same afterwards, and a command that would change the record is refused
with one sentence.
"""
from __future__ import annotations

import hashlib
import sqlite3
from datetime import date

import pytest
from volumes import read_only

import clinic_desktop.cli as cli
from clinic_desktop.models import database_proxy
from clinic_desktop.services.episodes import episodes
from clinic_desktop.services.patients import patients

READ_ONLY = ("the database file or its folder is read-only; nothing was changed. Ask for it to be made writable "
             "again (it can still be backed up)")


@pytest.fixture
def clinic_folder(sqlite_staff, sqlite_database, tmp_path):
    """A clinic with one patient in an open episode, closed cleanly (no -wal left), in its own folder."""
    patient = patients.register_patient(sqlite_staff.receptionist, family_name="Smith", given_name="Ann",
                                        date_of_birth=date(1961, 2, 9), nhs_number="9434765919")
    episodes.open_episode(sqlite_staff.clinician, patient.id, first_contact_on=date(2026, 11, 2),
                          presentation="non_specific", severity="mild")
    sqlite_database.close()
    return tmp_path


def _run(*argv) -> int:
    return cli.main([str(word) for word in argv])


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_backup_is_taken_off_a_read_only_folder_and_the_database_is_untouched(clinic_folder, tmp_path_factory,
                                                                                 capsys):
    database = clinic_folder / "clinic.sqlite3"
    target = tmp_path_factory.mktemp("elsewhere") / "rescued.sqlite3"
    before = _digest(database), sorted(p.name for p in clinic_folder.iterdir())
    with read_only(clinic_folder):
        assert _run("--database", database, "backup", target) == 0
        said = capsys.readouterr()
        database_proxy.obj.close()
    assert said.out.startswith(f"Backed up to {target} (1 patient, 2 appointments") and "checked." in said.out
    assert said.err == ("clinic-desktop: the database is read-only here, so its audit trail could not record: "
                        f"backed up the database to {target}\n")
    with sqlite3.connect(target) as copy:
        assert copy.execute("SELECT family_name FROM patient").fetchall() == [("Smith",)]
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert (_digest(database), sorted(p.name for p in clinic_folder.iterdir())) == before


@pytest.mark.parametrize("argv, says", [
    (["audit", "verify"], "Audit trail intact"),
    (["worklist", "overdue", "--as-of", "2026-12-20"], "SMITH, Ann"),
    (["report", "overdue", "--as-of", "2026-12-20", "{out}/overdue.csv"], "overdue.csv"),
    (["export", "patients", "{out}/patients.csv"], "Wrote 1 patient to"),
])
def test_reading_commands_work_on_a_read_only_folder(clinic_folder, tmp_path_factory, capsys, argv, says):
    database = clinic_folder / "clinic.sqlite3"
    out = tmp_path_factory.mktemp("out")
    before = _digest(database)
    with read_only(clinic_folder):
        status = _run("--database", database, *(word.replace("{out}", str(out)) for word in argv))
        said = capsys.readouterr()
        database_proxy.obj.close()
    assert status == 0, said.err
    assert says in said.out
    assert _digest(database) == before


def test_a_change_on_a_read_only_folder_is_refused_in_one_sentence(clinic_folder, tmp_path, capsys):
    database = clinic_folder / "clinic.sqlite3"
    csv_file = tmp_path.parent / f"{tmp_path.name}-import.csv"
    csv_file.write_text("nhs_number,family_name,given_name,date_of_birth\n,Jones,Bob,1970-01-01\n")
    before = _digest(database)
    with read_only(clinic_folder):
        assert _run("--database", database, "import", "patients", csv_file) == 2
    assert capsys.readouterr().err == f"clinic-desktop: cannot open the database at {database}: {READ_ONLY}\n"
    assert _digest(database) == before
