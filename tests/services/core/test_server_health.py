"""A server that would lose committed records in a crash is warned of where the app opens it (issue 19).

The session's throw-away server runs with fsync and synchronous_commit off (its data is thrown
away): the warning must show there. A private server as durable as a clinic's must show none,
until its database is set to confirm commits early.
"""
from __future__ import annotations

from datetime import datetime, timezone

import psycopg2
import pytest
from database_fixtures import empty_postgres
from postgres_server import ThrowawayPostgres

from clinic_desktop.__main__ import main
from clinic_desktop.models import database_proxy
from clinic_desktop.services.core.server_health import durability_warning
from clinic_desktop.services.core.startup import open_clinic_database

CLINIC_TIME = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)  # every test here (tests/conftest.py: clinic_clock)
BOTH_OFF = "(fsync = off and synchronous_commit = off)"
ADVICE = "Ask the server's administrator to set fsync and synchronous_commit back on"


@pytest.fixture
def durable_server(postgres_server):
    """A private server that flushes every commit to disk, as a clinic's must."""
    server = ThrowawayPostgres(settings={"fsync": "on", "synchronous_commit": "on"})
    server.start()
    yield server
    server.stop()


def test_a_server_that_confirms_commits_before_they_are_on_disk_is_warned_of(postgres_url):
    open_clinic_database(postgres_url)
    warning = durability_warning()
    assert BOTH_OFF in warning and "42 of 7,159" in warning and ADVICE in warning


def test_a_durable_server_is_not_warned_of_until_its_database_confirms_commits_early(durable_server):
    url = durable_server.create_database("clinic")
    open_clinic_database(url)
    assert durability_warning() is None
    admin = psycopg2.connect(url)
    admin.autocommit = True
    admin.cursor().execute("ALTER DATABASE clinic SET synchronous_commit = off")
    admin.close()
    database_proxy.obj.close()
    database_proxy.obj.connect()
    assert "(synchronous_commit = off)" in durability_warning()


def test_an_sqlite_file_is_never_warned_of(sqlite_database):
    assert durability_warning() is None


def test_a_command_on_the_command_line_warns_on_stderr(postgres_url, capsys):
    empty_postgres(postgres_url).close()
    assert main(["--database", postgres_url, "worklist", "overdue"]) == 0
    error = capsys.readouterr().err
    assert "\nclinic-desktop: warning: The database server is set to confirm saved records" in error
    assert BOTH_OFF in error
