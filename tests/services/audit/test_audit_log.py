"""The manager's view of the audit trail: filters, clinic-local dates, paging, the CSV export."""
from __future__ import annotations

import csv
from datetime import date, datetime, timezone

import pytest

from clinic_desktop.models import AuditEvent, Patient
from clinic_desktop.services.admin import users
from clinic_desktop.services.audit import audit_log
from clinic_desktop.services.audit.audit_log import NO_USER, AuditFilters
from clinic_desktop.services.core import progress
from clinic_desktop.services.core.actor import Actor
from clinic_desktop.services.core.clock import frozen_at
from clinic_desktop.services.core.errors import NotFound, PermissionDenied, ValidationError
from clinic_desktop.services.exchange import patient_import
from clinic_desktop.services.exchange.patient_csv import COLUMNS
from clinic_desktop.services.patients import patients

# British Summer Time: 23:30 UTC on 1 Jul is 00:30 on 2 Jul at the clinic.
LATE_EVENING = datetime(2026, 7, 1, 23, 30, tzinfo=timezone.utc)


def register(actor, family: str, given: str = "Ann", at: datetime = LATE_EVENING):
    with frozen_at(at):
        return patients.register_patient(actor, family_name=family, given_name=given, date_of_birth=date(1970, 1, 1))


@pytest.fixture
def clinic(staff):
    """Four account entries (written now), then three registrations and an edit on 1 and 2 Jul 2026."""
    smith = register(staff.receptionist, "Smith", at=datetime(2026, 7, 1, 9, 0, tzinfo=timezone.utc))
    jones = register(staff.clinician, "Jones", at=datetime(2026, 7, 1, 10, 0, tzinfo=timezone.utc))
    brown = register(staff.receptionist, "Brown")
    with frozen_at(datetime(2026, 7, 2, 8, 0, tzinfo=timezone.utc)):
        patients.edit_patient(staff.receptionist, smith.id, given_name="Anne")
    return staff, smith, jones, brown


def summaries(page) -> list[str]:
    return [row.summary.split(",")[0] for row in page.rows]


def test_entries_come_newest_first_with_who_and_the_patient(clinic):
    staff, smith, *_ = clinic
    page = audit_log.search_events(staff.manager, start=date(2026, 7, 1), end=date(2026, 7, 2))
    assert [(row.action_title, row.patient_name) for row in page.rows] == [
        ("Edit patient", "SMITH, Anne"), ("Register patient", "BROWN, Ann"), ("Register patient", "JONES, Ann"),
        ("Register patient", "SMITH, Anne")]
    assert page.rows[0].who == "Rita Reception (reception)"


def test_a_page_says_how_many_entries_match_in_all(clinic):
    staff, *_ = clinic
    page = audit_log.search_events(staff.manager, offset=2, limit=3)
    assert (len(page.rows), page.total) == (3, 8)
    assert [row.id for row in page.rows] == [2, 1, 8]  # the staff accounts (#1-#4) were made today, after July


def test_a_patient_filter_shows_only_that_patients_entries(clinic):
    staff, smith, *_ = clinic
    page = audit_log.search_events(staff.manager, patient_id=smith.id)
    assert [row.action for row in page.rows] == ["edit_patient", "register_patient"]


def test_a_user_filter_shows_only_what_that_account_did(clinic):
    staff, *_ = clinic
    page = audit_log.search_events(staff.manager, user_id=staff.clinician.user_id)
    assert summaries(page) == ["registered JONES"]


def test_the_command_line_filter_shows_entries_by_no_account(clinic, tmp_path):
    staff, *_ = clinic
    audit_log.export_events_csv(Actor.command_line(), tmp_path / "all.csv")
    page = audit_log.search_events(staff.manager, user_id=NO_USER)
    assert [(row.action, row.who) for row in page.rows] == [("export_audit", Actor.command_line().label)]


def test_an_action_filter_shows_only_that_action(clinic):
    staff, *_ = clinic
    assert summaries(audit_log.search_events(staff.manager, action="register_patient")) == [
        "registered BROWN", "registered JONES", "registered SMITH"]


def test_dates_are_the_clinics_own_days(clinic):
    """Registered at 23:30 UTC on 1 Jul, BROWN was registered on 2 Jul in London."""
    staff, *_ = clinic
    second_day = audit_log.search_events(staff.manager, start=date(2026, 7, 2), end=date(2026, 7, 2))
    assert [row.patient_name for row in second_day.rows] == ["SMITH, Anne", "BROWN, Ann"]
    first_day = audit_log.search_events(staff.manager, start=date(2026, 7, 1), end=date(2026, 7, 1))
    assert summaries(first_day) == ["registered JONES", "registered SMITH"]


def test_a_from_date_after_the_to_date_is_refused_in_words(clinic):
    staff, *_ = clinic
    with pytest.raises(ValidationError, match=r"^The 'from' date \(3 Jul 2026\) is after the 'to' date \(1 Jul 2026\)\.$"):
        audit_log.search_events(staff.manager, start=date(2026, 7, 3), end=date(2026, 7, 1))


def test_a_patient_that_does_not_exist_is_refused_not_shown_as_no_entries(clinic):
    staff, *_ = clinic
    with pytest.raises(NotFound, match=r"^There is no patient #9999\.$"):
        audit_log.search_events(staff.manager, patient_id=9999)


def test_only_the_practice_manager_reads_the_trail(clinic):
    staff, *_ = clinic
    for actor in (staff.receptionist, staff.clinician):
        with pytest.raises(PermissionDenied):
            audit_log.search_events(actor)


def test_the_action_filter_offers_each_recorded_action_once(clinic):
    staff, *_ = clinic
    assert audit_log.audit_actions(staff.manager) == (
        "create_first_manager", "create_user", "edit_patient", "register_patient")


def test_the_user_filter_offers_every_account_including_deactivated_ones(clinic):
    staff, *_ = clinic
    with frozen_at(datetime(2026, 7, 3, 9, tzinfo=timezone.utc)):
        users.deactivate_user(staff.manager, staff.other_clinician.user_id)
    labels = [user.label for user in audit_log.audit_users(staff.manager)]
    assert labels == ["Dr Alys Jones (drjones)", "Morag Manager (manager)", "Rita Reception (reception)",
                      "Sam Physio (physio), deactivated", "Command line or system"]


def test_the_export_writes_the_matching_entries_oldest_first_in_clinic_time(clinic, tmp_path):
    staff, smith, *_ = clinic
    target = tmp_path / "smith.csv"
    assert audit_log.export_events_csv(staff.manager, target, AuditFilters(patient_id=smith.id)) == 2
    with target.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    assert [(row["when (clinic time)"], row["action"], row["patient"]) for row in rows] == [
        ("2026-07-01 10:00:00", "register_patient", "SMITH, Anne"),
        ("2026-07-02 09:00:00", "edit_patient", "SMITH, Anne")]
    assert rows[0]["who"] == "Rita Reception (reception)"


def test_the_export_is_itself_recorded_in_the_trail(clinic, tmp_path):
    staff, smith, *_ = clinic
    audit_log.export_events_csv(staff.manager, tmp_path / "smith.csv", AuditFilters(patient_id=smith.id))
    event = AuditEvent.select().order_by(AuditEvent.id.desc()).get()
    assert (event.action, event.patient_id) == ("export_audit", smith.id)
    assert event.summary == f"exported 2 audit entries (patient #{smith.id}) to smith.csv"


def test_text_a_spreadsheet_would_run_as_a_formula_is_exported_as_text(staff, tmp_path):
    register(staff.receptionist, "=HYPERLINK(1)")
    audit_log.export_events_csv(staff.manager, tmp_path / "all.csv", AuditFilters(action="register_patient"))
    with (tmp_path / "all.csv").open(encoding="utf-8", newline="") as file:
        (row,) = list(csv.DictReader(file))
    assert row["patient"].startswith("'=HYPERLINK(1)")


def test_an_export_into_a_missing_folder_is_refused_and_leaves_no_file(clinic, tmp_path):
    staff, *_ = clinic
    with pytest.raises(ValidationError, match="There is no folder"):
        audit_log.export_events_csv(staff.manager, tmp_path / "missing" / "all.csv")
    assert not (tmp_path / "missing").exists()


def test_a_failed_export_leaves_the_old_file_as_it_was(clinic, tmp_path, monkeypatch):
    staff, *_ = clinic
    folder = tmp_path / "exports"
    folder.mkdir()
    target = folder / "all.csv"
    target.write_text("yesterday's export")
    monkeypatch.setattr(audit_log, "_csv_cells", lambda row, zone: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        audit_log.export_events_csv(staff.manager, target)
    assert target.read_text() == "yesterday's export"
    assert [path.name for path in folder.iterdir()] == ["all.csv"]


def test_an_export_stopped_midway_leaves_no_file_and_no_entry(clinic, tmp_path, monkeypatch):
    staff, *_ = clinic
    monkeypatch.setattr(audit_log, "_EXPORT_BATCH", 3)
    folder, written = tmp_path / "exports", []
    folder.mkdir()

    def stop_after_the_first_batch(done, total, text):
        written.append(text)
        watcher.cancel()

    watcher = progress.Watcher(stop_after_the_first_batch)
    entries = audit_log.search_events(staff.manager).total
    with progress.watched_by(watcher), pytest.raises(progress.Cancelled):
        audit_log.export_events_csv(staff.manager, folder / "all.csv")
    assert written == ["Exporting the audit trail: 3 entries written…"]
    assert list(folder.iterdir()) == []
    assert audit_log.search_events(staff.manager).total == entries  # no "exported" entry either


def test_a_file_that_cannot_be_written_is_refused_in_words_leaving_nothing(clinic, tmp_path):
    staff, *_ = clinic
    folder = tmp_path / "exports"
    (folder / "all.csv").mkdir(parents=True)  # a folder where the file should go
    with pytest.raises(ValidationError, match=f"Cannot write the entries to {folder / 'all.csv'}: "):
        audit_log.export_events_csv(staff.manager, folder / "all.csv")
    assert [path.name for path in folder.iterdir()] == ["all.csv"]


UNKNOWN_ACTION = ("No audit entry has the action 'bogus': the actions recorded are create_first_manager, "
                  "create_user, edit_patient, register_patient.")


def test_an_action_no_entry_has_is_refused_not_shown_as_no_entries(clinic):
    staff, *_ = clinic
    with pytest.raises(NotFound) as refused:
        audit_log.search_events(staff.manager, action="bogus")
    assert str(refused.value) == UNKNOWN_ACTION


def test_an_export_of_an_action_no_entry_has_is_refused_and_writes_nothing(clinic, tmp_path):
    staff, *_ = clinic
    folder = tmp_path / "exports"
    folder.mkdir()
    with pytest.raises(NotFound) as refused:
        audit_log.export_events_csv(staff.manager, folder / "bogus.csv", AuditFilters(action="bogus"))
    assert str(refused.value) == UNKNOWN_ACTION
    assert list(folder.iterdir()) == []
    assert audit_log.audit_actions(staff.manager)[-1] == "register_patient"  # no export recorded


def test_a_patient_brought_in_by_an_import_of_several_finds_that_import(staff, tmp_path):
    path = tmp_path / "patients.csv"
    path.write_text(",".join(COLUMNS) + "\n9434765919,Smith,Ann,1961-02-09,,,,,\n"
                    "4010232137,Wang,Fang,1975-02-09,,,,,\n9876543210,Jones,Bob,1970-01-02,,,,,\n", encoding="utf-8")
    patient_import.import_patients(staff.manager, patient_import.preview_patient_import(staff.manager, path))
    for patient in Patient.select():
        assert summaries(audit_log.search_events(staff.manager, patient_id=patient.id)) == [
            "imported 3 patients from patients.csv"], patient.family_name
