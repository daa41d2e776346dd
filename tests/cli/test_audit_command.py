"""``clinic-desktop audit verify`` and ``audit export``, as a nightly job runs them."""
from __future__ import annotations

import csv
from datetime import date, datetime, timezone

import pytest
from audit_tampering import tamper

from clinic_desktop import cli
from clinic_desktop.models import AuditEvent, is_sqlite
from clinic_desktop.services import patients
from clinic_desktop.services.clock import frozen_at

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def clinic(staff, database, request):
    """Staff (entries #1-#4) and two patients (#5, #6); the location the command is given."""
    with frozen_at(NOW):
        for family in ("Smith", "Jones"):
            patients.register_patient(staff.receptionist, family_name=family, given_name="Ann",
                                      date_of_birth=date(1970, 1, 1))
    location = database.database if is_sqlite(database) else request.getfixturevalue("postgres_url")
    return staff, location


def run(location, *arguments) -> int:
    return cli.main(["--database", location, "audit", *arguments])


def test_verify_says_the_trail_is_intact_and_exits_0(clinic, capsys):
    _, location = clinic
    assert run(location, "verify") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Audit trail intact: 6 entries checked"
    assert lines[1] == f"Newest entry #6, hash {AuditEvent.get_by_id(6).entry_hash}"


def test_verify_names_an_altered_entry_and_exits_1(clinic, capsys):
    _, location = clinic
    tamper("UPDATE audit_event SET summary = ? WHERE id = ?", "registered nobody", 5)
    assert run(location, "verify") == 1
    assert capsys.readouterr().out.strip() == (
        "Audit trail broken at entry #5 (25 Nov 2026 09:00): its contents were changed after it was written "
        "(4 entries before it intact)")


def test_verify_names_a_deleted_entry_and_exits_1(clinic, capsys):
    _, location = clinic
    tamper("DELETE FROM audit_event WHERE id = ?", 5)
    assert run(location, "verify") == 1
    assert capsys.readouterr().out.strip() == (
        "Audit trail broken at entry #6 (25 Nov 2026 09:00): entry #5 before it is missing (deleted) "
        "(4 entries before it intact)")


def test_export_writes_the_filtered_entries_and_says_how_many(clinic, tmp_path, capsys):
    _, location = clinic
    target = tmp_path / "reception.csv"
    assert run(location, "export", "--user", "reception", "--from", "2026-11-25", "--to", "2026-11-25",
               "--action", "register_patient", str(target)) == 0
    assert capsys.readouterr().out.strip() == f"Wrote 2 audit entries to {target}."
    with target.open(encoding="utf-8", newline="") as file:
        assert [row["patient"] for row in csv.DictReader(file)] == ["SMITH, Ann", "JONES, Ann"]


def test_export_by_patient_number(clinic, tmp_path, capsys):
    _, location = clinic
    smith = AuditEvent.get_by_id(5).patient_id
    assert run(location, "export", "--patient", str(smith), str(tmp_path / "smith.csv")) == 0
    assert capsys.readouterr().out.strip().startswith("Wrote 1 audit entry to ")


@pytest.mark.parametrize("arguments, reason", [
    (["--from", "25/11/2026"], "--from needs a date as YYYY-MM-DD, got '25/11/2026'"),
    (["--to", "2026-02-30"], "--to needs a date as YYYY-MM-DD, got '2026-02-30'"),
    (["--patient", "smith"], "--patient needs a patient's number (for example 12), got 'smith'"),
    (["--patient", "9999"], "There is no patient #9999."),
    (["--user", "nobody"], "There is no user called 'nobody'."),
    (["--action", "Drop Table"], "'Drop Table' is not an action name (they read like book_appointment)."),
    (["--from", "2026-12-01", "--to", "2026-11-01"],
     "The 'from' date (1 Dec 2026) is after the 'to' date (1 Nov 2026)."),
])
def test_export_refuses_bad_input_in_one_line_and_exits_2(clinic, tmp_path, capsys, arguments, reason):
    _, location = clinic
    target = tmp_path / "out.csv"
    assert run(location, "export", *arguments, str(target)) == 2
    assert capsys.readouterr().err == f"clinic-desktop: {reason}\n"
    assert not target.exists()


def test_export_into_a_missing_folder_is_refused_before_the_database_is_opened(tmp_path, capsys):
    missing = tmp_path / "nowhere" / "out.csv"
    assert run(str(tmp_path / "no-such.sqlite3"), "export", str(missing)) == 2
    assert capsys.readouterr().err == f"clinic-desktop: there is no folder {missing.parent} to write out.csv into\n"
    assert not (tmp_path / "no-such.sqlite3").exists()


def test_verify_on_a_missing_database_file_creates_nothing(tmp_path, capsys):
    assert run(str(tmp_path / "typo.sqlite3"), "verify") == 2
    assert "there is no database at" in capsys.readouterr().err
    assert not (tmp_path / "typo.sqlite3").exists()
