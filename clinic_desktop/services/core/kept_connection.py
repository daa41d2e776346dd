"""A reader thread's server connection, kept open from one read to the next.

Opening a PostgreSQL connection costs the server a new process, authentication and the
connection's first queries: with a new one for every background read (the change feed after
each announcement, each list's reload), 50 workstations had the server at 87 % of a core and
a change took 3.7 s at p99 to reach the other screens; with a connection kept per reader it
took 0.68 s (issue 19, benchmarks/test_push_bench.py). So the window's background reads run on
a few reader threads (ui/ops/readers.py), each of which keeps peewee's connection for its
thread open between reads and closes it when the readers stop.

A kept connection can be dropped while it idles: the server restarted, an administrator ended
the session, an idle timeout. The driver learns of it only at the next query, which then fails;
the connection is then closed and the read run once more on a new one, so the user sees no
error unless the server really cannot be reached. Only reads are run here, so running one
twice changes nothing; a write is never run again (it stays on the window's thread).
"""
from __future__ import annotations

from typing import Any, Callable

from peewee import InterfaceError, OperationalError

from clinic_desktop.models import database_proxy, is_sqlite
from clinic_desktop.services.core.errors import DatabaseUnavailable
from clinic_desktop.services.core.transaction import database_errors_in_words

__all__ = ["READER_NAME", "KeptConnection", "keeps_connections"]

# What the server's pg_stat_activity shows for a reader's connection: an administrator counting a
# workstation's connections (docs/deployment/regional-postgresql.md) tells them from the window's own.
READER_NAME = "clinic-desktop reader"


def keeps_connections() -> bool:
    """Whether background reads are better run on kept connections: on a server, where each new
    connection costs a round trip and a process. An SQLite file opens in microseconds and a kept
    handle would hold it open, so there each read keeps its thread and connection of its own."""
    return not is_sqlite()


class KeptConnection:
    """The calling thread's connection to the bound database, kept between ``read`` calls.

    One per reader thread, used only from that thread (peewee keeps a connection per thread)."""

    def __init__(self):
        self._database = None  # the database last read: the bound one may be replaced meanwhile

    def read(self, call: Callable[[], Any]) -> Any:
        """``call()``, a read, on this thread's kept connection; run once more on a new connection
        if the kept one turned out to have been dropped by the server."""
        database = database_proxy.obj
        if self._database is not None and self._database is not database:
            self.close()  # another database is bound now (a test's, a restored one): let the old go
        self._database = database
        kept = not database.is_closed()
        if not kept:
            self._open(database)
        try:
            return call()
        except (DatabaseUnavailable, OperationalError, InterfaceError):
            if not (kept and _dropped(database)):
                raise
        database.close()
        self._open(database)
        return call()

    def close(self) -> None:
        """Close the kept connection (the readers stop: sign-out, the window closed, the app quit)."""
        if self._database is not None:
            self._database.close()
            self._database = None

    @staticmethod
    def _open(database) -> None:
        """Open this thread's connection, named so that the server's administrator can count them."""
        with database_errors_in_words():
            database.connect(reuse_if_open=True)
            database.execute_sql("SET application_name = %s", (READER_NAME,))


def _dropped(database) -> bool:
    """Whether the connection a read just failed on is gone (the service's error handling closes a
    lost one; a read that is no service leaves the driver's connection marked closed)."""
    if database.is_closed():
        return True
    return bool(getattr(database.connection(), "closed", 0))
