"""The change hub: what changed, whoever changed it, and the clinic's date moving on."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from clinic_desktop.services.core.clock import frozen_at
from clinic_desktop.services.patients import patients
from clinic_desktop.ui.shell.change_hub import ChangeHub

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
    assert len(seen) == 1 and seen[0].touches_patient(patient.id) and not seen[0].touches_patient(patient.id + 1)


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
