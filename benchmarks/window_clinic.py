"""What the window benchmarks share: the generated clinic's morning, and its database bound.

The widgets remember column widths and read the clinic's "today", so every timed window
starts from an empty settings folder at 09:00 on the generated clinic's today. A test
module imports the two fixtures by name to use them.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import bulk_data
import pytest
from PySide6.QtCore import QSettings

from clinic_desktop.services.core.actor import Actor
from clinic_desktop.services.core.clock import frozen_at
from clinic_desktop.services.core.entity import Entity

ONE_MILLION = bulk_data.ONE_MILLION
BACKENDS = ["sqlite", "postgres"]
# Users 1 and 2 of the generated clinic (clinic_rows._users); services check the account is active.
MANAGER = Actor(user_id=1, username="manager", full_name="Morag Manager", role="practice_manager")
RECEPTION = Actor(user_id=2, username="reception", full_name="Rita Reception", role="receptionist")
# 09:00 on the generated clinic's "today", so the lists read as they would that morning.
MORNING = datetime.combine(bulk_data.BENCH_TODAY, time(9), ZoneInfo("Europe/London"))


@pytest.fixture(autouse=True)
def clinic_morning():
    with frozen_at(MORNING):
        yield


@pytest.fixture(scope="module", autouse=True)
def private_window_layout(tmp_path_factory):
    """Column widths the widgets remember come from an empty folder, never the developer's settings."""
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope,
                      str(tmp_path_factory.mktemp("qsettings")))


def million_clinic(request, backend: str):
    """(built, database, postgres?) for the million-appointment clinic on ``backend``, bound."""
    if backend == "sqlite":
        built, database = request.getfixturevalue("sqlite_clinic")(ONE_MILLION)
    else:
        built, database = request.getfixturevalue("postgres_clinic")
    return built, database, backend == "postgres"


def audit_rows(count: int):
    """A stretch of audit log: bookings by reception over the past weeks, one patient each.

    The generated clinic has no audit log; a benchmark that needs one appends these.
    """
    start = MORNING.astimezone(timezone.utc) - timedelta(minutes=count)
    for number in range(count):
        patient_id = 1 + (number * 7919) % ONE_MILLION.patients
        yield dict(at=start + timedelta(minutes=number), user=RECEPTION.user_id, actor_label=RECEPTION.label,
                   action="book_appointment", entity=Entity.APPOINTMENT, entity_id=number + 1, patient=patient_id,
                   summary=f"booked a review for patient {patient_id}", details="{}")
