"""Fixtures that give a test a real, empty clinic database and its staff.

``database`` runs a test twice: on an SQLite file and on the throw-away PostgreSQL
server (see conftest.py). ``sqlite_database`` is for tests about the file itself.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass

import pytest
from argon2 import PasswordHasher

from clinic_desktop.models import bind_database, make_database
from clinic_desktop.models.schema import prepare_database
from clinic_desktop.services.admin import users
from clinic_desktop.services.core.actor import Actor

PASSWORD = "correct horse battery"


def open_test_database(location: str):
    database = make_database(location)
    bind_database(database)
    database.connect(reuse_if_open=True)
    return database


def without_server_warning(stderr: str) -> list[str]:
    """A command's stderr lines but the warning the session's test server earns on every command (its fsync
    is off, for speed: tests/services/core/test_server_health.py)."""
    return [line for line in stderr.splitlines() if not line.startswith("clinic-desktop: warning:")]


def empty_postgres(url: str):
    """Bind to the test PostgreSQL database with every table dropped."""
    database = open_test_database(url)
    database.execute_sql("DROP SCHEMA public CASCADE")
    database.execute_sql("CREATE SCHEMA public")
    return database


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database(request, tmp_path):
    if request.param == "sqlite":
        database = open_test_database(str(tmp_path / "clinic.sqlite3"))
    else:
        database = empty_postgres(request.getfixturevalue("postgres_url"))
    prepare_database(database)
    yield database
    background_work_settled()
    database.close()


@pytest.fixture
def sqlite_database(tmp_path):
    database = open_test_database(str(tmp_path / "clinic.sqlite3"))
    prepare_database(database)
    yield database
    background_work_settled()
    database.close()


def background_work_settled() -> None:
    """Wait for the window's background reads before the database they read goes.

    A test's own fixtures end before the autouse ones, so without this a read still running
    (an Administration page drawing its letterhead) met its database closing under it, and
    the process died of a segmentation fault. Only where a test used the window (Qt loaded).
    """
    if "clinic_desktop.ui.ops.op" in sys.modules:
        sys.modules["clinic_desktop.ui.ops.op"].Op.settle()


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch):
    """argon2id with small costs: the real costs take ~50 ms a hash, too slow for hundreds of tests."""
    monkeypatch.setattr(users, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@dataclass(frozen=True)
class Staff:
    manager: Actor
    receptionist: Actor
    clinician: Actor
    other_clinician: Actor


def make_staff() -> Staff:
    manager = users.create_first_manager("manager", "Morag Manager", PASSWORD)
    return Staff(
        manager=manager,
        receptionist=users.create_user(manager, "reception", "Rita Reception", "receptionist", PASSWORD),
        clinician=users.create_user(manager, "drjones", "Dr Alys Jones", "clinician", PASSWORD,
                                    registration_number="GMC 7012345"),
        other_clinician=users.create_user(manager, "physio", "Sam Physio", "clinician", PASSWORD,
                                          registration_number="HCPC PH123456"),
    )


@pytest.fixture
def staff(database) -> Staff:
    return make_staff()


@pytest.fixture
def sqlite_staff(sqlite_database) -> Staff:
    return make_staff()
