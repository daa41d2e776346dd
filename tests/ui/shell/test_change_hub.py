"""The change hub: what changed, whoever changed it, and the clinic's date moving on."""
from __future__ import annotations

import threading
from datetime import date, datetime, timedelta, timezone

import pytest
from PySide6.QtWidgets import QWidget

from clinic_desktop.services.core import changes as change_feed
from clinic_desktop.services.core.change_reach import Reached, Record
from clinic_desktop.services.core.clock import frozen_at
from clinic_desktop.services.patients import patients
from clinic_desktop.ui.shell.change_hub import ChangeHub
from clinic_desktop.ui.widgets.redraw_when_seen import RedrawWhenSeen

EVENING = datetime(2026, 11, 23, 23, 50, tzinfo=timezone.utc)  # London is on GMT in November


def _announced(hub) -> list:
    seen = []
    hub.changed.connect(seen.append)
    return seen


def test_a_change_names_the_patient_it_touched(qtbot, sqlite_staff):
    hub = ChangeHub(sqlite_staff.receptionist)
    seen = _announced(hub)
    patient = patients.register_patient(sqlite_staff.receptionist, family_name="Smith", given_name="Ann",
                                        date_of_birth=date(1970, 1, 1))
    hub.after_change()
    assert len(seen) == 1 and Reached(Record.PATIENT, patient.id) in seen[0].reached and Reached(Record.PATIENT, patient.id + 1) not in seen[0].reached


def test_nothing_new_announces_nothing(qtbot, sqlite_staff):
    hub = ChangeHub(sqlite_staff.receptionist)
    seen = _announced(hub)
    hub.poll()
    assert seen == []


def test_midnight_redraws_everything_though_nobody_changed_anything(qtbot, sqlite_staff):
    """What was due today is overdue tomorrow: a window left open overnight must say so."""
    with frozen_at(EVENING):
        hub = ChangeHub(sqlite_staff.receptionist)
        seen = _announced(hub)
        hub.poll()
    assert seen == []
    with frozen_at(EVENING + timedelta(minutes=20)):
        hub.poll()
        hub.poll()
    assert len(seen) == 1 and seen[0].everything and seen[0].new_day


def test_changes_are_told_in_the_records_they_may_have_changed(qtbot, sqlite_staff):
    """A registration changes the new patient's details (and the audit trail) and nothing of anyone's care."""
    hub = ChangeHub(sqlite_staff.receptionist)
    seen = _announced(hub)
    patient = patients.register_patient(sqlite_staff.receptionist, family_name="Smith", given_name="Ann",
                                        date_of_birth=date(1970, 1, 1))
    hub.after_change()
    assert seen[0].reached == {Reached(Record.PATIENT, patient.id), Reached(Record.AUDIT, patient.id)}


class _Counted(QWidget):
    """A view that counts its redraws and remembers what it was handed."""

    def __init__(self, hub):
        super().__init__()
        self.handed: list = []
        self.redraws = RedrawWhenSeen(self, hub, self.handed.append)


def test_a_hidden_view_is_not_redrawn_until_it_is_shown(qtbot, sqlite_staff):
    hub = ChangeHub(sqlite_staff.receptionist)
    view = _Counted(hub)
    qtbot.addWidget(view)
    smith = patients.register_patient(sqlite_staff.receptionist, family_name="Smith", given_name="Ann",
                                      date_of_birth=date(1970, 1, 1))
    hub.after_change()
    jones = patients.register_patient(sqlite_staff.receptionist, family_name="Jones", given_name="Ann",
                                      date_of_birth=date(1970, 1, 1))
    hub.after_change()
    assert view.handed == [] and view.redraws.stale

    view.show()

    assert len(view.handed) == 1 and not view.redraws.stale  # once, for both changes
    assert Reached(Record.PATIENT, smith.id) in view.handed[0].reached and Reached(Record.PATIENT, jones.id) in view.handed[0].reached
    view.hide()
    view.show()
    assert len(view.handed) == 1  # shown again with nothing new: no redraw


def test_a_shown_view_is_handed_each_change_as_it_comes(qtbot, sqlite_staff):
    hub = ChangeHub(sqlite_staff.receptionist)
    view = _Counted(hub)
    qtbot.addWidget(view)
    view.show()
    patients.register_patient(sqlite_staff.receptionist, family_name="Smith", given_name="Ann",
                              date_of_birth=date(1970, 1, 1))
    hub.after_change()
    assert len(view.handed) == 1


@pytest.mark.parametrize("database", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)
def test_on_postgresql_the_poll_reads_off_the_window_thread_one_read_at_a_time(qtbot, staff, monkeypatch):
    reads: list[bool] = []  # per read: was it on the window's thread?
    let_go = threading.Event()
    read = change_feed.changes_since

    def held_read(*args):
        reads.append(threading.current_thread() is threading.main_thread())
        let_go.wait(30)
        return read(*args)

    hub = ChangeHub(staff.receptionist)
    seen = _announced(hub)
    monkeypatch.setattr(change_feed, "changes_since", held_read)
    patient = patients.register_patient(staff.receptionist, family_name="Smith", given_name="Ann",
                                        date_of_birth=date(1970, 1, 1))
    hub.poll_soon()  # what the timer calls every 3 s
    qtbot.waitUntil(lambda: len(reads) == 1)
    hub.poll_soon()  # the next tick, while the first read is still under way
    assert reads == [False] and hub.is_reading() and seen == []

    let_go.set()

    qtbot.waitUntil(lambda: len(seen) == 1)
    assert reads == [False] and Reached(Record.PATIENT, patient.id) in seen[0].reached
    qtbot.waitUntil(lambda: not hub.is_reading())
