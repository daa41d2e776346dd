"""A server that refuses a connection is heard in its own words, not as "the connection was lost" (issue 19).

At 86 workstations a default server refused the next one, and the window said the connection was
lost. Each refusal here is real: a private throw-away server with a handful of connection slots
(filled by the test), one shutting down, the session's server asked for a database it has not or
for encryption it does not offer, the password server given a wrong password, and a port where
nothing listens.
"""
from __future__ import annotations

from datetime import date, datetime, timezone

import psycopg2
import pytest
from database_fixtures import make_staff
from postgres_server import ThrowawayPostgres, free_port

from clinic_desktop.models import database_proxy
from clinic_desktop.models.database import make_database
from clinic_desktop.services.core.database_trouble import cause_in_words
from clinic_desktop.services.core.errors import DatabaseUnavailable
from clinic_desktop.services.core.startup import DatabaseUrlError, open_clinic_database
from clinic_desktop.services.patients import patients

CLINIC_TIME = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)  # every test here (tests/conftest.py: clinic_clock)
SLOTS = 4  # the private server's max_connections: 1 for ordinary logins, 3 kept for superusers
NO_FREE = "the server has no free connections"
ADVICE = "ask the administrator to raise max_connections or use a pooler"


@pytest.fixture
def small_server(postgres_server):
    """A private server of its own with four connection slots (needs the session's binaries)."""
    server = ThrowawayPostgres(settings={"max_connections": str(SLOTS)})
    server.start()
    yield server
    server.stop()


def _fill(server: ThrowawayPostgres, url: str) -> list:
    """Open connections until the server refuses one: every slot taken."""
    held = []
    for _ in range(SLOTS + 1):
        try:
            held.append(psycopg2.connect(url, connect_timeout=10))
        except psycopg2.OperationalError:
            return held
    raise AssertionError("the server never ran out of connections")


def _close(held: list) -> None:
    for connection in held:
        connection.close()


def _register(actor):
    return patients.register_patient(actor, family_name="Smith", given_name="Ann", date_of_birth=date(1970, 5, 1))


def test_a_full_server_says_so_with_the_limit_it_gave_when_last_connected(small_server):
    url = small_server.create_database("clinic")
    open_clinic_database(url)
    staff = make_staff()
    database_proxy.obj.close()  # the next call connects afresh, as a new window's thread does
    held = _fill(small_server, url)
    try:
        with pytest.raises(DatabaseUnavailable) as refused:
            _register(staff.receptionist)
    finally:
        _close(held)
    assert str(refused.value) == f"{NO_FREE} (limit {SLOTS}): {ADVICE}; nothing was saved"
    assert _register(staff.receptionist).family_name == "Smith"  # a slot free again: it works


def test_a_full_server_at_start_up_says_so_without_a_limit_it_never_gave(small_server):
    url = small_server.create_database("clinic")
    held = _fill(small_server, url)
    try:
        with pytest.raises(DatabaseUrlError) as refused:
            open_clinic_database(url)
    finally:
        _close(held)
    assert str(refused.value).endswith(f"{NO_FREE}: {ADVICE}; nothing was changed")


def test_the_slots_kept_for_the_administrator_are_no_free_connections_for_a_staff_login(small_server):
    url = small_server.create_database("clinic")
    admin = psycopg2.connect(url)
    admin.autocommit = True
    admin.cursor().execute("CREATE ROLE clerk LOGIN")
    try:  # the one ordinary slot is the administrator's connection: what is left is kept for superusers
        with pytest.raises(DatabaseUrlError) as refused:
            open_clinic_database(url.replace("postgres@", "clerk@"))
    finally:
        admin.close()
    assert f"{NO_FREE}: {ADVICE}" in str(refused.value)


def test_a_server_shutting_down_says_so(small_server):
    url = small_server.create_database("clinic")
    still_open = psycopg2.connect(url)
    small_server.stop_accepting()  # it waits for the open session to end, and refuses new ones meanwhile
    try:
        with pytest.raises(DatabaseUrlError) as refused:
            open_clinic_database(url)
    finally:
        still_open.close()
    assert "the database server is shutting down or starting up; nothing was changed. Try again in a minute" in str(
        refused.value)


def test_a_database_the_server_has_not_is_named_as_such(postgres_server):
    with pytest.raises(DatabaseUrlError) as refused:
        open_clinic_database(postgres_server.url("no_such_clinic"))
    assert "the database server has no database of the name in the database address" in str(refused.value)


def test_a_wrong_password_in_the_address_is_a_refused_login(password_postgres):
    url = password_postgres.url("postgres").replace(password_postgres.superuser_password, "not-the-password")
    with pytest.raises(DatabaseUrlError) as refused:
        open_clinic_database(url)
    assert "the database server refused the login in the database address (wrong user name or password)" in str(
        refused.value)


def test_encryption_asked_of_a_server_without_it_is_said_and_the_address_passes_it_on(postgres_url):
    url = f"{postgres_url}?sslmode=verify-full&sslrootcert=/etc/clinic/root.crt"
    assert {key: make_database(url).connect_params[key] for key in ("sslmode", "sslrootcert")} == {
        "sslmode": "verify-full", "sslrootcert": "/etc/clinic/root.crt"}
    with pytest.raises(DatabaseUrlError) as refused:
        open_clinic_database(url)
    assert "the database address asks for an encrypted connection (sslmode) and the server offers none" in str(
        refused.value)


def test_nothing_listening_at_the_address_is_an_unreachable_server():
    with pytest.raises(DatabaseUrlError) as refused:
        open_clinic_database(f"postgresql://postgres@127.0.0.1:{free_port()}/clinic")
    assert "the database server cannot be reached (no answer at its address, or nothing listening there)" in str(
        refused.value)


def test_a_query_error_is_not_mistaken_for_a_refused_connection():
    """A query's own error (a missing table) has its SQLSTATE: no refusal words for it."""
    error = psycopg2.errors.UndefinedTable('relation "patient" does not exist')
    assert cause_in_words(error) is None
