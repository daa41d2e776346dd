"""The practice manager is told in the window of a server that would lose committed records in a crash.

The session's throw-away server runs with fsync and synchronous_commit off (issue 19; the warning's
words and the servers without it: tests/services/core/test_server_health.py).
"""
from __future__ import annotations

from datetime import datetime, timezone

from database_fixtures import empty_postgres, make_staff

from clinic_desktop.models.schema import prepare_database
from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.ui.shell.change_hub import ChangeHub
from clinic_desktop.ui.shell.main_window import MainWindow

CLINIC_TIME = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)  # every test here (tests/conftest.py: clinic_clock)
BOTH_OFF = "(fsync = off and synchronous_commit = off)"


def test_the_practice_manager_sees_the_warning_in_the_window_and_the_front_desk_does_not(qtbot, postgres_url):
    prepare_database(empty_postgres(postgres_url))
    staff = make_staff()
    for actor, shown in ((staff.manager, True), (staff.receptionist, False)):
        window = MainWindow(actor, load_settings(), postgres_url, ChangeHub(actor, poll_seconds=3600))
        qtbot.addWidget(window)
        window.show()
        assert window.durability.isVisible() == shown
        assert (BOTH_OFF in window.durability.text()) == shown
        window.hub.stop()
