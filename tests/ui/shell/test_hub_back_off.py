"""While the database cannot be read the window waits longer each time, and says when it tries again (issue 19).

200 refused windows retrying every 3 s made 2,182 failed connection attempts a minute and kept the
server full. The hub's read is made to fail here as a refused connection does (the reasons
themselves are tested against a real server in tests/services/core/test_connection_refusals.py).
"""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.core import changes as change_feed
from clinic_desktop.services.core.errors import DatabaseUnavailable
from clinic_desktop.ui.shell.change_hub import RETRY_JITTER, RETRY_LONGEST_SECONDS, ChangeHub
from clinic_desktop.ui.shell.main_window import MainWindow

CLINIC_TIME = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)  # 09:00 in London (tests/conftest.py: clinic_clock)
FULL = "the server has no free connections (limit 100): ask the administrator to raise max_connections or use a pooler"


@pytest.fixture
def refusing(monkeypatch):
    """The server refuses every read until ``refusing.stop()``."""

    class Refusal:
        on = True

        def stop(self):
            self.on = False

    refusal, read = Refusal(), change_feed.changes_since

    def changes_since(*args, **kwargs):
        if refusal.on:
            raise DatabaseUnavailable(f"{FULL}; nothing was saved")
        return read(*args, **kwargs)

    monkeypatch.setattr(change_feed, "changes_since", changes_since)
    return refusal


def _waits(hub: ChangeHub, tries: int) -> list[float]:
    """Seconds from now to the next try, after each of ``tries`` failed reads."""
    waits = []
    for _ in range(tries):
        assert not hub.poll()
        waits.append((hub.next_try - CLINIC_TIME).total_seconds())
    return waits


def test_each_failed_read_waits_twice_as_long_up_to_a_minute(qtbot, sqlite_staff, refusing):
    hub = ChangeHub(sqlite_staff.receptionist, poll_seconds=3)
    waits = _waits(hub, 8)
    for wait, plain in zip(waits, (3, 6, 12, 24, 48, 60, 60, 60)):
        assert plain * (1 - RETRY_JITTER) <= wait <= plain * (1 + RETRY_JITTER)
    assert RETRY_LONGEST_SECONDS == 60
    hub.stop()


def test_windows_refused_together_do_not_come_back_together(qtbot, sqlite_staff, refusing):
    hubs = [ChangeHub(sqlite_staff.receptionist, poll_seconds=3) for _ in range(10)]
    fourth = {round(_waits(hub, 4)[-1], 3) for hub in hubs}
    assert len(fourth) > 5  # spread over 19.2–28.8 s, not all at 24 s
    for hub in hubs:
        hub.stop()


def test_the_first_read_that_works_brings_back_the_normal_interval(qtbot, sqlite_staff, refusing):
    hub = ChangeHub(sqlite_staff.receptionist, poll_seconds=3)
    told = []
    hub.reachable.connect(lambda: told.append("reachable"))
    _waits(hub, 5)
    refusing.stop()
    assert hub.poll()
    assert told == ["reachable"] and hub.next_try is None
    refusing.on = True
    assert _waits(hub, 1)[0] <= 3 * (1 + RETRY_JITTER)  # a new outage starts again from 3 s
    hub.stop()


def test_the_window_says_why_and_when_it_tries_again_and_try_now_does_not_wait(qtbot, sqlite_staff, refusing):
    actor = sqlite_staff.receptionist
    window = MainWindow(actor, load_settings(), "clinic.sqlite3", ChangeHub(actor, poll_seconds=3))
    qtbot.addWidget(window)
    window.show()
    assert window.try_now.isHidden()
    assert not window.hub.poll()
    said = window.statusBar().currentMessage()
    assert f"The database cannot be reached — lists may be out of date. {FULL[0].upper()}{FULL[1:]}" in said
    assert f"Trying again at {window.hub.next_try.astimezone(window._settings.zone):%H:%M:%S}." in said
    assert "Trying again at 09:00:0" in said  # 3 s (±20 %) after 09:00 in London
    assert window.try_now.isVisible()
    window.try_now.click()  # still refused: tried at once, and the next try is later again
    assert "Trying again at 09:00:0" in window.statusBar().currentMessage()
    refusing.stop()
    window.try_now.click()  # F5's refresh: everything read again, and said so
    assert window.statusBar().currentMessage().startswith("Lists up to date")
    assert window.try_now.isHidden()
