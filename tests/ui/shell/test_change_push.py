"""Push: a change committed on another workstation reaches this window's hub at once, without its timer.

On PostgreSQL each audit event is announced (NOTIFY) and every hub listens on a connection of its
own; the timer stays as the safety net and takes over whenever notices cannot arrive.
"""
from __future__ import annotations

import threading
from datetime import date

import psycopg2
import pytest
from postgres_server import free_port

from clinic_desktop.models import bind_database, make_database
from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.core import change_listener
from clinic_desktop.services.core import changes as change_feed
from clinic_desktop.services.core.change_reach import Reached, Record
from clinic_desktop.services.patients import patients
from clinic_desktop.ui.ops.op import Op
from clinic_desktop.ui.shell import change_hub
from clinic_desktop.ui.shell.change_hub import ChangeHub
from clinic_desktop.ui.shell.change_push import SAFETY_NET_SECONDS
from clinic_desktop.ui.shell.session import DesktopSession

on_postgresql = pytest.mark.parametrize("database", [pytest.param("postgres", marks=pytest.mark.postgres)],
                                        indirect=True)


@pytest.fixture(autouse=True)
def nothing_left_listening():
    """A stopped hub leaves no listening thread behind (it would hold a server connection)."""
    yield
    assert [thread for thread in threading.enumerate() if thread.name == change_listener.LISTENER_NAME] == []


@pytest.fixture
def hubs():
    """Hubs made by the test, stopped at its end as a window's close stops its own."""
    made: list[ChangeHub] = []

    def make(actor, **options) -> ChangeHub:
        made.append(ChangeHub(actor, listen=True, **options))
        return made[-1]

    yield make
    for hub in made:
        hub.stop()


@pytest.fixture
def counted_reads(monkeypatch):
    """Each read of the change feed, as it happens."""
    reads: list[int] = []
    read = change_feed.changes_since

    def counted(*args, **kwargs):
        reads.append(1)
        return read(*args, **kwargs)

    monkeypatch.setattr(change_feed, "changes_since", counted)
    return reads


def _register(actor, family_name: str):
    return patients.register_patient(actor, family_name=family_name, given_name="Ann", date_of_birth=date(1970, 1, 1))


def _listening(qtbot, hub) -> None:
    """Wait until the hub listens and has read what changed before it did."""
    qtbot.waitUntil(lambda: hub.push.listening and not hub.is_reading(), timeout=10_000)


def _server_sessions(url: str, where: str) -> list[tuple]:
    """(pid, query) of the server's sessions matching ``where``, seen from an administrator's connection."""
    connection = psycopg2.connect(url)
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT pid, query FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND {where}")
            return cursor.fetchall()
    finally:
        connection.close()


@on_postgresql
def test_a_write_elsewhere_reaches_the_window_at_once_though_its_timer_waits_an_hour(qtbot, staff, hubs):
    hub = hubs(staff.receptionist, poll_seconds=3600)
    seen = []
    hub.changed.connect(seen.append)
    _listening(qtbot, hub)

    patient = _register(staff.clinician, "Smith")  # another connection: this test's own, not the hub's

    qtbot.waitUntil(lambda: bool(seen), timeout=5_000)
    assert Reached(Record.PATIENT, patient.id) in seen[0].reached and hub.polls_every() == 3600


@on_postgresql
def test_five_writes_in_a_burst_are_read_once_and_announced_once(qtbot, staff, hubs, counted_reads, monkeypatch):
    # A window long enough that even a loaded test machine's five saves fall within it.
    monkeypatch.setattr(change_listener, "COALESCE_SECONDS", 1.0)
    hub = hubs(staff.receptionist, poll_seconds=3600)
    seen = []
    hub.changed.connect(seen.append)
    _listening(qtbot, hub)
    counted_reads.clear()

    burst = [_register(staff.clinician, name) for name in ("Smith", "Jones", "Patel", "Brown", "Evans")]

    qtbot.waitUntil(lambda: bool(seen), timeout=5_000)
    qtbot.wait(1_500)  # a second wake-up, had there been one, would have come by now
    assert len(counted_reads) == 1 and len(seen) == 1
    assert all(Reached(Record.PATIENT, patient.id) in seen[0].reached for patient in burst)


@on_postgresql
def test_a_write_made_in_this_window_is_not_read_again_when_its_notice_comes(qtbot, staff, hubs, counted_reads):
    hub = hubs(staff.receptionist, poll_seconds=3600)
    _listening(qtbot, hub)
    counted_reads.clear()

    _register(staff.receptionist, "Smith")
    hub.after_change()  # what every write in the window does: read at once

    qtbot.wait(int(change_listener.COALESCE_SECONDS * 1000) + 800)
    assert len(counted_reads) == 1


@on_postgresql
def test_a_killed_listening_connection_falls_back_to_polling_then_listens_again(
        qtbot, staff, hubs, postgres_url, monkeypatch):
    monkeypatch.setattr(change_listener, "FIRST_RETRY_SECONDS", 3.0)  # time for a poll to happen meanwhile
    hub = hubs(staff.receptionist, poll_seconds=0.3)
    heard_while_listening = []
    hub.changed.connect(lambda _changes: heard_while_listening.append(hub.push.listening))
    _listening(qtbot, hub)
    assert hub.polls_every() == SAFETY_NET_SECONDS  # notices arrive: the timer is only the safety net

    (pid, query), = _server_sessions(postgres_url, f"application_name = '{change_listener.LISTENER_NAME}'")
    assert query.startswith("LISTEN")
    _server_sessions(postgres_url, f"pg_terminate_backend({pid})")

    qtbot.waitUntil(lambda: not hub.push.listening, timeout=5_000)
    assert hub.polls_every() == 0.3
    _register(staff.clinician, "Smith")
    qtbot.waitUntil(lambda: bool(heard_while_listening), timeout=5_000)
    assert heard_while_listening == [False]  # the timer's read found it

    _listening(qtbot, hub)
    assert hub.polls_every() == SAFETY_NET_SECONDS
    _register(staff.clinician, "Jones")
    qtbot.waitUntil(lambda: len(heard_while_listening) == 2, timeout=5_000)


@on_postgresql
def test_behind_a_transaction_pooler_no_listen_is_issued_and_the_timer_keeps_its_pace(
        qtbot, staff, hubs, postgres_url, database):
    pooled = make_database(f"{postgres_url}?listen=off")
    bind_database(pooled)
    try:
        hub = hubs(staff.receptionist, poll_seconds=3)
        qtbot.wait(500)
        assert not hub.push.listening and hub.polls_every() == 3
        assert _server_sessions(postgres_url, "query ILIKE 'LISTEN%'") == []
    finally:
        hub.stop()
        pooled.close()
        bind_database(database)


@on_postgresql
def test_listen_host_and_port_take_the_listening_connection_there_and_nowhere_else(
        qtbot, staff, hubs, postgres_url, database):
    """Behind a pooler the listening connection goes straight to the server the option names: here a
    port where nothing answers, so the window, whose reads still work, polls at its usual pace."""
    nowhere = free_port()
    pooled = make_database(f"{postgres_url}?listen=127.0.0.1:{nowhere}")
    bind_database(pooled)
    try:
        hub = hubs(staff.receptionist, poll_seconds=3)
        qtbot.wait(1_000)
        assert not hub.push.listening and hub.polls_every() == 3 and hub.poll()
        assert _server_sessions(postgres_url, f"application_name = '{change_listener.LISTENER_NAME}'") == []
    finally:
        hub.stop()
        pooled.close()
        bind_database(database)


def test_on_sqlite_the_hub_polls_as_before(qtbot, sqlite_staff, hubs):
    hub = hubs(sqlite_staff.receptionist, poll_seconds=3)
    assert hub.push is None and hub.polls_every() == 3


def test_on_a_server_enforcing_the_roles_a_window_listens_as_its_own_staff_login(qtbot, enforcing_clinic, hubs):
    """setup-postgres installed the announcement; a staff login may LISTEN, though it may not add triggers."""
    receptionist = enforcing_clinic.sign_in("reception")
    hub = hubs(receptionist, poll_seconds=3600)
    seen = []
    hub.changed.connect(seen.append)
    _listening(qtbot, hub)

    patient = _register(enforcing_clinic.staff.clinician, "Smith")
    qtbot.waitUntil(lambda: bool(seen), timeout=5_000)
    assert Reached(Record.PATIENT, patient.id) in seen[0].reached


@on_postgresql
def test_signing_out_ends_the_windows_listening_connection(qtbot, staff, postgres_url, monkeypatch):
    """Signing out, another user at the lock screen and a restored database all close the window."""
    monkeypatch.setattr(change_hub, "LISTEN", True)  # as in the app: every window listens
    session = DesktopSession(load_settings(), "clinic", idle_ms=3_600_000)
    window = session.start(staff.receptionist)
    qtbot.waitUntil(lambda: window.hub.push.listening, timeout=10_000)
    qtbot.waitUntil(lambda: all(widget.is_read() for widget in window.worklists.lists if widget.isVisible()))
    Op.settle()  # the lists' first reads and counts done: signing out mid-read is another test's matter
    listening = f"application_name = '{change_listener.LISTENER_NAME}'"
    assert len(_server_sessions(postgres_url, listening)) == 1

    session.sign_out()

    qtbot.waitUntil(lambda: _server_sessions(postgres_url, listening) == [], timeout=5_000)
    session._idle.stop()
    session.sign_in.hide()
    session.sign_in.deleteLater()
