"""The window's background reads on a server share a few kept connections (issue 19: a new connection
a read cost 50 workstations 87 % of the server's core and p99 3.7 s), replace one the server dropped
without the user seeing it, and leave none behind when the window closes."""
from __future__ import annotations

import time
from datetime import datetime, timezone

import psycopg2
import pytest
from database_fixtures import empty_postgres, make_staff
from PySide6.QtWidgets import QLabel

from clinic_desktop.models import database_proxy
from clinic_desktop.models.schema import prepare_database
from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.core import changes
from clinic_desktop.services.core.errors import DatabaseUnavailable
from clinic_desktop.services.core.kept_connection import READER_NAME
from clinic_desktop.ui.ops.op import Op
from clinic_desktop.ui.ops.readers import READERS, Readers
from clinic_desktop.ui.shell.session import DesktopSession

CLINIC_TIME = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)  # every test here (tests/conftest.py: clinic_clock)


@pytest.fixture
def server(postgres_url):
    """The clinic on the throw-away server, and the server's own view of its sessions."""
    prepare_database(empty_postgres(postgres_url))
    watcher = psycopg2.connect(postgres_url)
    watcher.autocommit = True
    yield watcher
    watcher.close()


@pytest.fixture
def label(qtbot):
    widget = QLabel()
    qtbot.addWidget(widget)
    return widget


def reader_sessions(watcher) -> set[int]:
    with watcher.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE application_name = %s AND datname = current_database()",
                       (READER_NAME,))
        return {pid for (pid,) in cursor.fetchall()}


def read_all(qtbot, label, calls) -> list[str]:
    """Each call as a background read, its answer shown in ``label``; the answers, once every one came back."""
    answers = []
    ops = [Op(label, call).success(lambda text: (answers.append(text), label.setText(text))).read_in_background()
           for call in calls]
    qtbot.waitUntil(lambda: all(op.ok is not None for op in ops), timeout=20_000)
    assert len(answers) == len(calls)
    return answers


def backend_pid() -> str:
    return str(database_proxy.obj.execute_sql("SELECT pg_backend_pid(), pg_sleep(0.05)").fetchone()[0])


def test_many_background_reads_use_no_more_server_connections_than_there_are_readers(qtbot, server, label):
    used = {int(pid) for pid in read_all(qtbot, label, [backend_pid] * 12)}
    assert 1 <= len(reader_sessions(server)) <= READERS
    assert used == reader_sessions(server)  # the reads ran on connections still open, named as readers


def test_a_reader_connection_the_server_ended_is_replaced_and_the_next_read_shows_its_answer(qtbot, server, label):
    manager = make_staff().manager
    read_all(qtbot, label, [backend_pid] * 6)
    ended = reader_sessions(server)
    with server.cursor() as cursor:
        for pid in ended:
            cursor.execute("SELECT pg_terminate_backend(%s)", (pid,))
    qtbot.waitUntil(lambda: not reader_sessions(server) & ended, timeout=10_000)

    read_all(qtbot, label, [lambda: f"newest event {changes.starting_point(manager).newest_id}"] * READERS * 2)
    assert label.text().startswith("newest event ")
    assert reader_sessions(server) and not reader_sessions(server) & ended


def test_a_read_that_fails_on_a_live_connection_is_run_once_and_its_reason_shown(qtbot, server, label):
    read_all(qtbot, label, [backend_pid] * 4)  # the readers' connections are open and kept
    attempts = []

    def refused():
        attempts.append(time.monotonic())
        raise DatabaseUnavailable("the database server could not be reached")

    op = Op(label, refused).failure(label.setText).read_in_background()
    qtbot.waitUntil(lambda: op.ok is not None, timeout=10_000)
    assert (op.ok, len(attempts), label.text()) == (False, 1, "the database server could not be reached")


def test_signing_out_leaves_no_reader_connection_on_the_server(qtbot, server):
    """Signing out, another user at the lock screen, a restored database and quitting all close the window."""
    session = DesktopSession(load_settings(), "clinic", idle_ms=3_600_000)
    window = session.start(make_staff().receptionist)
    qtbot.waitUntil(lambda: all(widget.is_read() for widget in window.worklists.lists if widget.isVisible()))
    assert 1 <= len(reader_sessions(server)) <= READERS  # the lists were read on kept connections

    session.sign_out()

    assert Readers.running() == 0
    qtbot.waitUntil(lambda: not reader_sessions(server), timeout=10_000)  # the server ends a closed session soon after
    Op.settle()  # the closed window's lists: an answer that came back as it closed may ask for more
    assert Readers.running() == 0 and not reader_sessions(server)
    session._idle.stop()
    session.sign_in.hide()
    session.sign_in.deleteLater()


def test_on_sqlite_each_background_read_keeps_a_thread_and_connection_of_its_own(qtbot, sqlite_database, label):
    assert read_all(qtbot, label, [lambda: "read"] * 3) == ["read"] * 3
    assert Readers.running() == 0
