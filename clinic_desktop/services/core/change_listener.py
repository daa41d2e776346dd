"""Hearing of a change on the server the moment it is committed, instead of at the next poll.

Every audit event appended on PostgreSQL is announced with NOTIFY (models/constraints.py). A
window listens on a connection of its own: not one of peewee's, which run the services'
transactions and would hear nothing while idle in the pool, but a dedicated psycopg2 connection
in autocommit mode, waiting with ``select()`` on its socket in a background thread, so it costs
the server one idle connection and the workstation no CPU while nothing happens.

The announcement only prompts a read of the change feed (services/core/changes.py), which stays
the truth: a notice can be lost with its connection, so the window keeps its timer as the
safety net, and reads the feed once more whenever the listener (re)connects. Notices that come
within ``COALESCE_SECONDS`` of each other make one wake-up, so a burst of changes costs each
window one read, and wake-ups are at least ``SHORTEST_GAP_SECONDS`` apart, so a steady stream
costs two reads a second at most. A lost connection is tried again after 1, 2, 4 … up to 30 seconds.

No listening where it cannot work: on SQLite (one file, nothing to listen to: the timer reads
it) and behind a transaction pooler, where the URL says ``listen=off`` or names the server
itself (``listen=HOST:PORT``, models/database.py).
"""
from __future__ import annotations

import json
import logging
import select
import socket
import threading
import time
from typing import Callable

from clinic_desktop.models import database_proxy
from clinic_desktop.models.constraints import CHANGE_CHANNEL, CHANGE_NOTICE_TRIGGER
from clinic_desktop.models.database import listen_route
from clinic_desktop.services.core.transaction import permission_checked

__all__ = ["COALESCE_SECONDS", "LISTENER_NAME", "ChangeListener", "listen_for_changes"]

_log = logging.getLogger(__name__)

# A save writes one event, but a batch (letters marked sent one by one, an import, a discharge
# closing several items) writes many within milliseconds; gathering them for 0.2 s makes one
# read of them all, while a change still reaches every screen well within the second people expect.
COALESCE_SECONDS = 0.2
# Under a steady stream of changes (a regional service: 20 writes a second) a window would read five
# times a second, and every window at once; no sooner than half a second after the last wake-up
# halves the server's reads (benchmarks/test_push_bench.py) and still shows a change within a second.
SHORTEST_GAP_SECONDS = 0.5
CONNECT_SECONDS = 10  # a server that does not answer within this is tried again later
FIRST_RETRY_SECONDS = 1.0
LONGEST_RETRY_SECONDS = 30.0  # the safety net's own period: no sooner need a dead server be asked again
# What the administrator sees in pg_stat_activity, and what a test looks for.
LISTENER_NAME = "clinic-desktop change listener"

Heard = Callable[[frozenset[int]], None]  # the ids of the events announced (empty: unknown, read anyway)
Listening = Callable[[bool], None]  # True once notices can arrive; False when they cannot


@permission_checked("view_worklists")
def listen_for_changes(actor, heard: Heard, listening: Listening) -> ChangeListener | None:
    """Start listening for this window's ``actor``; None where nobody can listen (the window polls).

    ``heard`` and ``listening`` are called on the listener's own thread.
    """
    database = database_proxy.obj
    route = listen_route(database)
    if route is None:
        return None

    def connection_options() -> dict:
        """Read at each (re)connection: a staff login's own password, as connected now."""
        options = {**database.connect_params, "dbname": database.database, "application_name": LISTENER_NAME}
        if route:
            host, _, port = route.rpartition(":")
            options.update(host=host, port=int(port))
        return options

    listener = ChangeListener(connection_options, heard, listening)
    listener.start()
    return listener


class _Stopping(Exception):
    """The window closed while the listener waited."""


class _NotAnnounced(Exception):
    """The database has no announcement trigger yet: listening would hear nothing."""


class ChangeListener:
    """One window's LISTEN connection and the thread that waits on it, from ``start()`` to ``stop()``."""

    def __init__(self, connection_options: Callable[[], dict], heard: Heard, listening: Listening):
        self._options = connection_options
        self._heard = heard
        self._listening = listening
        self._stopping = threading.Event()
        self._wake, self._waker = socket.socketpair()  # stop() writes to one end to end a select() at once
        self._thread = threading.Thread(target=self._run, name=LISTENER_NAME, daemon=True)
        self._connected = False  # a LISTEN is in place on the server (notices can arrive)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Close the connection and end the thread before returning: nothing is left listening."""
        self._stopping.set()
        self._waker.send(b".")
        self._thread.join()
        self._wake.close()
        self._waker.close()

    def _run(self) -> None:
        import psycopg2

        delay = FIRST_RETRY_SECONDS
        while not self._stopping.is_set():
            connection = None
            try:
                connection = self._connect()
                delay = FIRST_RETRY_SECONDS
                self._announce(True)
                self._pass_on_notices(connection)
            except _Stopping:
                pass
            except (psycopg2.Error, OSError, _NotAnnounced) as error:
                _log.info("listening for changes stopped (%s); trying again in %.0f s", error, delay)
            finally:
                if connection is not None:
                    connection.close()
            self._announce(False)
            if self._stopping.wait(delay):
                return
            delay = min(delay * 2, LONGEST_RETRY_SECONDS)

    def _announce(self, connected: bool) -> None:
        if connected != self._connected:
            self._connected = connected
            self._listening(connected)

    def _connect(self):
        """A new asynchronous connection (so that stop() never waits on a hung server) with LISTEN in place."""
        import psycopg2

        deadline = time.monotonic() + CONNECT_SECONDS
        connection = psycopg2.connect(**self._options(), async_=True)
        try:
            self._wait(connection, deadline)
            cursor = connection.cursor()
            cursor.execute("SELECT 1 FROM pg_trigger WHERE tgname = %s AND tgrelid = to_regclass('audit_event')",
                           (CHANGE_NOTICE_TRIGGER,))
            self._wait(connection, deadline)
            if cursor.fetchone() is None:  # a database made before changes were announced
                raise _NotAnnounced("this database does not announce its changes yet (setup-postgres adds it)")
            cursor.execute(f"LISTEN {CHANGE_CHANNEL}")
            self._wait(connection, deadline)
        except BaseException:
            connection.close()
            raise
        return connection

    def _wait(self, connection, deadline: float) -> None:
        """Drive an asynchronous connection until its request is done, the deadline passes or stop() comes."""
        import psycopg2.extensions as states

        while True:
            state = connection.poll()
            if state == states.POLL_OK:
                return
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"the database server did not answer within {CONNECT_SECONDS} s")
            reading = [connection, self._wake] if state == states.POLL_READ else [self._wake]
            writing = [connection] if state == states.POLL_WRITE else []
            select.select(reading, writing, [], left)
            if self._stopping.is_set():
                raise _Stopping

    def _pass_on_notices(self, connection) -> None:
        """Wait for notices and pass each burst on as one; returns only by stop(), raises when the connection dies."""
        woke = float("-inf")
        while True:
            ids = self._next_burst(connection, woke + SHORTEST_GAP_SECONDS)
            woke = time.monotonic()
            self._heard(ids)

    def _next_burst(self, connection, not_before: float) -> frozenset[int]:
        ids: set[int] = set()
        deadline = None  # set by the first notice of a burst
        while deadline is None or time.monotonic() < deadline:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            select.select([connection, self._wake], [], [], left)
            if self._stopping.is_set():
                raise _Stopping
            connection.poll()  # reads what arrived; raises if the server closed the connection
            while connection.notifies:
                ids.update(_event_id(connection.notifies.pop(0).payload))
                deadline = deadline or max(time.monotonic() + COALESCE_SECONDS, not_before)
        return frozenset(ids)


def _event_id(payload: str) -> set[int]:
    """The announced event's id; nothing for a payload not of our trigger (a read is made anyway)."""
    try:
        return {int(json.loads(payload)["id"])}
    except (ValueError, TypeError, KeyError):
        return set()
