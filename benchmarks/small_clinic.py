"""An empty SQLite clinic with its two staff, for a benchmark that builds its own rows.

The letter and calendar benchmarks each need a clinician (id 1, drjones) and a receptionist
(id 2) in a fresh file before they add what they time; the clinic-scale data (bulk_data.py)
is more than they need.
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from clinic_desktop.models import User, bind_database, make_database
from clinic_desktop.models.schema import prepare_database
from clinic_desktop.services.core.actor import Actor

RECEPTION = Actor(user_id=2, username="reception", full_name="Rita Reception", role="receptionist")


def new_clinic(folder: Path, now: datetime):
    """The database, bound and connected, with Dr Alys Jones and Rita Reception in it."""
    database = make_database(str(folder / "clinic.sqlite3"))
    bind_database(database)
    database.connect()
    prepare_database(database)
    User.insert_many([
        dict(id=1, username="drjones", full_name="Dr Alys Jones", role="clinician", password_hash="!",
             registration_number="GMC 7012345", created_at=now),
        dict(id=2, username="reception", full_name="Rita Reception", role="receptionist", password_hash="!",
             created_at=now),
    ]).execute()
    return database
