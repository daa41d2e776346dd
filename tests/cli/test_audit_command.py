"""``clinic-desktop audit verify`` and ``audit export``, as a nightly job runs them."""
from __future__ import annotations

import csv
from datetime import date, datetime, timezone

import pytest
from audit_tampering import tamper
from database_fixtures import without_server_warning

from clinic_desktop import cli
from clinic_desktop.models import AuditEvent, is_sqlite
from clinic_desktop.services.core.clock import frozen_at
from clinic_desktop.services.patients import patients

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
    assert lines[1] == "Letters intact: no signed letters yet"
    assert lines[2] == f"Newest entry #6, hash {AuditEvent.get_by_id(6).entry_hash}"


def test_verify_prints_the_line_a_job_keeps_for_the_next_check(clinic, capsys):
    _, location = clinic
    assert run(location, "verify") == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        f"Next check: clinic-desktop audit verify --expect 6:{AuditEvent.get_by_id(6).entry_hash}")


def test_verify_with_the_kept_anchor_passes_while_it_is_still_there(clinic, capsys):
    _, location = clinic
    kept = f"6:{AuditEvent.get_by_id(6).entry_hash}"
    with frozen_at(NOW):
        patients.register_patient(clinic[0].receptionist, family_name="Brown", given_name="Ann",
                                  date_of_birth=date(1970, 1, 1))
    assert run(location, "verify", "--expect", kept) == 0
    assert capsys.readouterr().out.splitlines()[0] == "Audit trail intact: 7 entries checked"


def test_verify_fails_when_the_entry_a_previous_check_saw_was_deleted_from_the_end(clinic, capsys):
    _, location = clinic
    newest = AuditEvent.get_by_id(6).entry_hash
    tamper("DELETE FROM audit_event WHERE id = ?", 6)
    assert run(location, "verify", "--expect", newest) == 1
    assert capsys.readouterr().out == (
        f"Audit trail broken: the entry with hash {newest[:12]}… that an earlier check saw is gone (the newest "
        "entry is now #5): entries were deleted from the end of the trail (5 entries intact)\n")


def test_verify_fails_on_an_emptied_trail_while_patients_remain(clinic, capsys):
    _, location = clinic
    tamper("DELETE FROM audit_event")
    assert run(location, "verify") == 1
    assert capsys.readouterr().out == ("Audit trail broken: the audit trail is empty but the database holds "
                                       "2 patients and 4 users: entries were deleted\n")


def test_verify_refuses_an_anchor_it_cannot_read_and_exits_2(clinic, capsys):
    _, location = clinic
    assert run(location, "verify", "--expect", "6:abc") == 2
    assert capsys.readouterr().err == ("clinic-desktop: --expect needs the ID:HASH an earlier 'audit verify' "
                                       "printed (or the 64-character HASH alone), got '6:abc'\n")


def test_verify_help_tells_a_scheduled_job_to_keep_the_anchor(capsys):
    with pytest.raises(SystemExit):
        cli.main(["audit", "verify", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "--expect ID:HASH" in help_text
    assert "keep that ID:HASH somewhere other than the database" in help_text


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
    (["--action", "bogus"], "No audit entry has the action 'bogus': the actions recorded are create_first_manager, "
                            "create_user, register_patient."),
    (["--from", "2026-12-01", "--to", "2026-11-01"],
     "The 'from' date (1 Dec 2026) is after the 'to' date (1 Nov 2026)."),
])
def test_export_refuses_bad_input_in_one_line_and_exits_2(clinic, tmp_path, capsys, arguments, reason):
    _, location = clinic
    target = tmp_path / "out.csv"
    assert run(location, "export", *arguments, str(target)) == 2
    assert without_server_warning(capsys.readouterr().err) == [f"clinic-desktop: {reason}"]
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
