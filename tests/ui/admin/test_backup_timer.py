"""The open app's daily backup: made at start, again after the clinic's midnight, never twice a day."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from clinic_desktop.models import Patient
from clinic_desktop.services.admin import settings
from clinic_desktop.services.core.clock import frozen_at
from clinic_desktop.services.patients import patients
from clinic_desktop.ui.admin.backup_timer import DailyBackupTimer

MORNING = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def folder(sqlite_staff, tmp_path):
    folder = tmp_path / "daily"
    settings.update_clinic_settings(sqlite_staff.manager, backup_folder=str(folder), backup_copies_kept=2)
    return folder


@pytest.fixture
def timer(qtbot):
    timer = DailyBackupTimer(check_minutes=60)
    yield timer
    timer.stop()
    timer.wait()


def test_opening_the_app_makes_todays_copy(qtbot, timer, folder):
    with frozen_at(MORNING), qtbot.waitSignal(timer.backed_up, timeout=10_000) as made:
        timer.start()
    assert made.args[0].made.path == folder / "clinic-daily-2026-11-23.sqlite3"
    assert (folder / "clinic-daily-2026-11-23.sqlite3").is_file()


def test_a_second_look_the_same_day_makes_nothing(qtbot, timer, folder):
    with frozen_at(MORNING), qtbot.waitSignal(timer.backed_up, timeout=10_000):
        timer.run_now()
    with frozen_at(MORNING + timedelta(hours=3)), qtbot.assertNotEmitted(timer.backed_up, wait=300):
        timer.run_now()
        timer.wait()
    assert len(list(folder.iterdir())) == 1


def test_after_midnight_the_next_look_makes_the_new_days_copy_and_keeps_two(qtbot, timer, folder):
    for day in range(3):
        with frozen_at(MORNING + timedelta(days=day)), qtbot.waitSignal(timer.backed_up, timeout=10_000):
            timer.run_now()
    assert sorted(path.name for path in folder.iterdir()) == [
        "clinic-daily-2026-11-24.sqlite3", "clinic-daily-2026-11-25.sqlite3"]


def test_a_folder_that_cannot_be_used_is_reported_in_words(qtbot, timer, sqlite_staff, tmp_path):
    (tmp_path / "a-file").write_text("")
    settings.update_clinic_settings(sqlite_staff.manager, backup_folder=str(tmp_path / "a-file" / "daily"))
    with frozen_at(MORNING), qtbot.waitSignal(timer.failed, timeout=10_000) as failed:
        timer.run_now()
    assert failed.args[0].startswith(f"The daily backup was not made: the backup folder {tmp_path / 'a-file'}")


def test_the_window_keeps_working_while_the_copy_runs(qtbot, timer, folder, sqlite_staff):
    with frozen_at(MORNING), qtbot.waitSignal(timer.backed_up, timeout=10_000):
        timer.run_now()
        registered = patients.register_patient(sqlite_staff.receptionist, family_name="Smith", given_name="Ann",
                                               date_of_birth=date(1961, 2, 9), nhs_number="9434765919")
    assert Patient.get_by_id(registered.id).family_name == "Smith"


def test_only_one_copy_runs_at_a_time(qtbot, timer, folder):
    with frozen_at(MORNING), qtbot.waitSignal(timer.backed_up, timeout=10_000):
        assert timer.run_now() is True
        assert timer.run_now() is False
