"""The daily backup: one copy per clinic day, exactly N of ours kept, nothing else ever deleted."""
from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from clinic_desktop.models import AuditEvent
from clinic_desktop.services.admin import backup_schedule, settings
from clinic_desktop.services.core.clock import frozen_at
from clinic_desktop.services.core.errors import PermissionDenied, ValidationError

MORNING = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)  # Monday, London is on UTC


@pytest.fixture
def folder(sqlite_staff, tmp_path) -> Path:
    folder = tmp_path / "backups"
    settings.update_clinic_settings(sqlite_staff.manager, backup_folder=str(folder), backup_copies_kept=3)
    return folder


def daily(staff, moment: datetime, **options):
    with frozen_at(moment):
        return backup_schedule.run_daily(staff.manager, **options)


def test_the_first_run_of_a_clinic_day_makes_its_copy(sqlite_staff, folder):
    result = daily(sqlite_staff, MORNING)
    assert result.made.path == folder / "clinic-daily-2026-11-23.sqlite3"
    with sqlite3.connect(result.made.path) as connection:
        assert connection.execute("SELECT count(*) FROM user").fetchone()[0] == 4


def test_a_second_run_on_the_same_clinic_day_makes_nothing(sqlite_staff, folder):
    daily(sqlite_staff, MORNING)
    again = daily(sqlite_staff, MORNING + timedelta(hours=8))
    assert again.made is None and "already" in again.reason
    assert [path.name for path in folder.iterdir()] == ["clinic-daily-2026-11-23.sqlite3"]


def test_after_midnight_in_the_clinic_a_new_copy_is_made(sqlite_staff, folder):
    settings.update_clinic_settings(sqlite_staff.manager, time_zone="Australia/Sydney")
    daily(sqlite_staff, datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc))  # 23:00 in Sydney
    result = daily(sqlite_staff, datetime(2026, 11, 23, 13, 30, tzinfo=timezone.utc))  # 00:30 next day
    assert result.made.path.name == "clinic-daily-2026-11-24.sqlite3"


def test_exactly_the_newest_copies_are_kept(sqlite_staff, folder):
    for day in range(6):
        result = daily(sqlite_staff, MORNING + timedelta(days=day))
    assert [copy.day for copy in result.kept] == [date(2026, 11, 28), date(2026, 11, 27), date(2026, 11, 26)]
    assert sorted(path.name for path in folder.iterdir()) == [
        "clinic-daily-2026-11-26.sqlite3", "clinic-daily-2026-11-27.sqlite3", "clinic-daily-2026-11-28.sqlite3"]
    assert [path.name for path in result.deleted] == ["clinic-daily-2026-11-25.sqlite3"]


def test_fewer_copies_kept_takes_effect_the_same_day(sqlite_staff, folder):
    for day in range(3):
        daily(sqlite_staff, MORNING + timedelta(days=day))
    settings.update_clinic_settings(sqlite_staff.manager, backup_copies_kept=1)
    again = daily(sqlite_staff, MORNING + timedelta(days=2, hours=4))
    assert again.made is None
    assert [path.name for path in folder.iterdir()] == ["clinic-daily-2026-11-25.sqlite3"]
    assert len(again.deleted) == 2


def test_files_that_are_not_our_daily_copies_are_never_deleted(sqlite_staff, folder):
    folder.mkdir()
    others = ["notes.txt", "clinic-daily-2020-01-01.sqlite3.bak", "other-daily-2020-01-01.sqlite3",
              "clinic-daily-2020-01-01.sqlite3.gz", "clinic.before-restore.20200101T000000Z.sqlite3",
              "Clinic-daily-2020-01-02.sqlite3", "clinic-daily-2020-1-3.sqlite3", "clinic-monthly-2020-01.sqlite3"]
    for name in others:
        (folder / name).write_text("someone else's")
    (folder / "clinic-daily-2020-01-04.sqlite3").mkdir()  # a folder, even named like ours
    for day in range(5):
        daily(sqlite_staff, MORNING + timedelta(days=day))
    remaining = sorted(path.name for path in folder.iterdir())
    assert remaining == sorted([*others, "clinic-daily-2020-01-04.sqlite3", "clinic-daily-2026-11-25.sqlite3",
                                "clinic-daily-2026-11-26.sqlite3", "clinic-daily-2026-11-27.sqlite3"])
    assert all((folder / name).read_text() == "someone else's" for name in others)


def test_an_old_copy_of_ours_counts_towards_the_number_kept(sqlite_staff, folder):
    folder.mkdir()
    for day in ("2026-01-01", "2026-01-02", "2026-01-03"):
        (folder / f"clinic-daily-{day}.sqlite3").write_text("older copy")
    result = daily(sqlite_staff, MORNING)
    assert sorted(path.name for path in result.deleted) == ["clinic-daily-2026-01-01.sqlite3"]
    assert len(list(folder.iterdir())) == 3


def test_switched_off_the_daily_backup_makes_nothing(sqlite_staff, folder):
    settings.update_clinic_settings(sqlite_staff.manager, daily_backup=False)
    result = daily(sqlite_staff, MORNING)
    assert result.made is None and result.reason == "the daily backup is switched off"
    assert not folder.exists()


def test_a_scheduled_job_backs_up_even_when_the_window_does_not(sqlite_staff, folder):
    settings.update_clinic_settings(sqlite_staff.manager, daily_backup=False)
    assert daily(sqlite_staff, MORNING, even_if_off=True).made is not None


def test_the_daily_copy_is_audited_by_the_automatic_backup(sqlite_staff, folder):
    with frozen_at(MORNING):
        backup_schedule.run_daily(backup_schedule.daily_backup_actor())
    event = AuditEvent.select().order_by(AuditEvent.id.desc()).first()
    assert (event.action, event.user_id) == ("daily_backup", None)
    assert event.actor_label == "daily automatic backup (daily-backup)"


def test_without_a_chosen_folder_copies_go_beside_the_database(sqlite_staff, sqlite_database):
    result = daily(sqlite_staff, MORNING)
    assert result.made.path.parent == Path(sqlite_database.database).resolve().parent / "backups"


def test_a_receptionist_does_not_run_the_daily_backup_as_herself(sqlite_staff, folder):
    with frozen_at(MORNING), pytest.raises(PermissionDenied):
        backup_schedule.run_daily(sqlite_staff.receptionist)
    assert not folder.exists()


@pytest.mark.parametrize(("changes", "field"), [
    ({"backup_folder": "backups"}, "backup_folder"),
    ({"backup_copies_kept": 0}, "backup_copies_kept"),
    ({"backup_copies_kept": 400}, "backup_copies_kept"),
    ({"daily_backup": "yes"}, "daily_backup"),
])
def test_unusable_backup_settings_are_refused(sqlite_staff, changes, field):
    with pytest.raises(ValidationError) as refused:
        settings.update_clinic_settings(sqlite_staff.manager, **changes)
    assert refused.value.field == field
    assert settings.load_settings() == settings.ClinicSettings()


def test_a_folder_that_cannot_be_made_is_refused_in_words(sqlite_staff, tmp_path):
    (tmp_path / "file").write_text("")
    settings.update_clinic_settings(sqlite_staff.manager, backup_folder=str(tmp_path / "file" / "backups"))
    with pytest.raises(ValidationError, match="cannot be made"):
        daily(sqlite_staff, MORNING)


def test_the_daily_copy_is_a_whole_database_on_either_database(staff, tmp_path):
    from clinic_desktop.models import backup_files
    if backup_files.pg_tool("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    settings.update_clinic_settings(staff.manager, backup_folder=str(tmp_path / "daily"))
    result = daily(staff, MORNING)
    expected = ".sqlite3" if result.made.contents is not None else ".pgdump"
    assert result.made.path.suffix == expected and result.made.path.stat().st_size > 0
