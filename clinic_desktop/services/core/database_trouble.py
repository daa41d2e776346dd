"""Database trouble named by its real cause: a full disk, a read-only file, a refused permission.

When the disk fills mid-write, SQLite rolls the transaction back itself, and peewee's own
rollback then fails with "cannot rollback - no transaction is active", which hid the cause
under advice to check the network. The driver's error is found wherever it sits in the
chain (peewee wraps it; a failed rollback hides it as the context) and its code, not its
wording, says what happened: SQLite's result code, PostgreSQL's SQLSTATE. Details of the
driver's message go to the log, the user gets one sentence saying what to do.

A server that refuses a connection says why only in words: psycopg2 has no SQLSTATE before
a connection exists. So the server's reasons (no free connection slots, a wrong password, no
such database, encryption required, shutting down) and the network's (no answer, refused) are
recognised by libpq's wording, which is English whatever the workstation's language, and said
in plain words instead of "the connection to the database was lost". A server out of free
connections names its limit as it gave it at the last connection that opened
(models/database.py ServerFacts).
"""
from __future__ import annotations

import logging
import sqlite3

from clinic_desktop.models import database_proxy
from clinic_desktop.services.core.errors import DatabaseBusy, DatabaseUnavailable, PermissionDenied, ServiceError

__all__ = ["BUSY", "cause_in_words", "driver_error", "read_only_in_words"]

_log = logging.getLogger(__name__)

BUSY = "the database is busy with another workstation's change; nothing was saved, please try again"
_NOTHING_SAVED = "nothing was saved"
_READ_ONLY = ("the database file or its folder is read-only; {saved}. "
              "Ask for it to be made writable again (it can still be backed up)")
_SHUTTING_DOWN = "the database server is shutting down or starting up; {saved}. Try again in a minute"
_NO_FREE_CONNECTIONS = ("the server has no free connections{limit}: ask the administrator to raise max_connections "
                        "or use a pooler; {saved}")

# SQLite's primary result codes (sqlite.org/rescode.html) -> what happened and what to do.
_SQLITE_CAUSES = {
    sqlite3.SQLITE_FULL: (DatabaseUnavailable, "the disk holding the database is full; {saved}. "
                          "Free some space on it, then try again"),
    sqlite3.SQLITE_READONLY: (DatabaseUnavailable, _READ_ONLY),
    sqlite3.SQLITE_PERM: (DatabaseUnavailable, "the operating system denied access to the database file; {saved}. "
                          "Ask for its permissions to be put right"),
    sqlite3.SQLITE_CANTOPEN: (DatabaseUnavailable, "the database file or its folder cannot be opened (permission "
                              "denied, or moved away); {saved}. Check the file is where it was"),
    sqlite3.SQLITE_IOERR: (DatabaseUnavailable, "the disk holding the database failed to read or write; {saved}. "
                           "Check the disk (or the network share) is connected, then try again"),
    sqlite3.SQLITE_CORRUPT: (DatabaseUnavailable, "the database file is damaged; {saved}. "
                             "Stop using it and restore the last good backup"),
    sqlite3.SQLITE_NOTADB: (DatabaseUnavailable, "the database file is damaged or not a database; {saved}. "
                            "Stop using it and restore the last good backup"),
    sqlite3.SQLITE_BUSY: (DatabaseBusy, BUSY),
    sqlite3.SQLITE_LOCKED: (DatabaseBusy, BUSY),
}
# PostgreSQL's SQLSTATEs (postgresql.org/docs/current/errcodes-appendix.html).
_POSTGRES_CAUSES = {
    "53100": (DatabaseUnavailable, "the database server's disk is full; {saved}. "
                                   "Ask the server's administrator to free space on it"),
    "53200": (DatabaseUnavailable, "the database server ran out of memory; {saved}. Try again in a moment"),
    "53300": (DatabaseUnavailable, _NO_FREE_CONNECTIONS),
    "25006": (DatabaseUnavailable, "the database server only allows reading just now (a standby, or "
                                   "maintenance); {saved}. Ask the server's administrator"),
    "42501": (PermissionDenied, "the database server refused your login permission for this; {saved}. "
                                "Ask the practice manager if you should have it"),
    "57P03": (DatabaseUnavailable, _SHUTTING_DOWN),
    "40001": (DatabaseBusy, BUSY),
    "40P01": (DatabaseBusy, BUSY),
    "55P03": (DatabaseBusy, BUSY),
}
# Where libpq's words say a connection could not be opened (not a query's error, which has its SQLSTATE).
_CONNECTING = ("connection to server", "could not connect to server", "could not translate host name")
# A connection the server or the network refused: the words libpq reports (its messages are not translated
# unless the server's lc_messages is), the first match wins.
_REFUSALS = (
    (("too many clients already", "remaining connection slots are reserved"), DatabaseUnavailable,
     _NO_FREE_CONNECTIONS),
    (("password authentication failed", "no password supplied", "is not permitted to log in"), PermissionDenied,
     "the database server refused the login in the database address (wrong user name or password); {saved}. "
     "Ask the server's administrator for the right one"),
    (('" does not exist',), DatabaseUnavailable,
     "the database server has no database of the name in the database address; {saved}. "
     "Check the name after the last / of the address"),
    (("server does not support SSL",), DatabaseUnavailable,
     "the database address asks for an encrypted connection (sslmode) and the server offers none; {saved}. "
     "Ask the server's administrator to turn SSL on, or correct the address"),
    (("no encryption", "SSL off"), DatabaseUnavailable,
     "the database server accepts only encrypted connections from this workstation; {saved}. "
     "Add sslmode=verify-full and sslrootcert to the database address"),
    (("certificate verify failed", "root certificate file", "does not match host name",
      "server certificate for"), DatabaseUnavailable,
     "the database server's certificate could not be trusted (not signed by the clinic's root certificate, or "
     "issued for another name); {saved}. Ask the server's administrator to check sslrootcert and the server's name"),
    (("the database system is shutting down", "the database system is starting up",
      "the database system is in recovery mode"), DatabaseUnavailable, _SHUTTING_DOWN),
    (("Connection refused", "could not translate host name", "Name or service not known", "No route to host",
      "Network is unreachable", "timeout expired", "Connection timed out"), DatabaseUnavailable,
     "the database server cannot be reached (no answer at its address, or nothing listening there); {saved}. "
     "Check the network, and ask the server's administrator whether the server is running"),
)


def driver_error(error: BaseException) -> BaseException | None:
    """The database driver's own error behind ``error``, the one with a code, or None.

    peewee keeps it as ``orig`` and as the context; a failed rollback keeps the error that
    made SQLite roll back as its context. The first one with a code we know wins.
    """
    seen, waiting = set(), [error]
    while waiting:
        candidate = waiting.pop(0)
        if candidate is None or id(candidate) in seen or not isinstance(candidate, BaseException):
            continue
        seen.add(id(candidate))
        if _known(candidate):
            return candidate
        waiting.extend((getattr(candidate, "orig", None), candidate.__cause__, candidate.__context__))
    return None


def cause_in_words(error: BaseException, *, saved: str = _NOTHING_SAVED) -> ServiceError | None:
    """The sentence for a cause we can name (disk full, read-only, permission, busy…), or None."""
    found = driver_error(error)
    if found is None:
        return None
    kind, wording = (_SQLITE_CAUSES.get(_sqlite_code(found)) or _POSTGRES_CAUSES.get(getattr(found, "pgcode", None))
                     or _refusal(found))
    _log.warning("database trouble: %s", " | ".join(str(found).split("\n")))
    return kind(wording.format(saved=saved, limit=_limit_in_words()))


def read_only_in_words(saved: str = _NOTHING_SAVED) -> str:
    """The sentence for a database file or folder that cannot be written."""
    return _READ_ONLY.format(saved=saved)


def _known(candidate: BaseException) -> bool:
    return (_sqlite_code(candidate) in _SQLITE_CAUSES or getattr(candidate, "pgcode", None) in _POSTGRES_CAUSES
            or _refusal(candidate) is not None)


def _refusal(candidate: BaseException) -> tuple | None:
    """What a refused connection's words say, for the database's own errors only (peewee's or psycopg2's)."""
    text = str(candidate)
    if not type(candidate).__module__.startswith(("peewee", "psycopg2")) or not any(
            words in text for words in _CONNECTING):
        return None
    return next(((kind, wording) for words, kind, wording in _REFUSALS if any(word in text for word in words)),
                None)


def _limit_in_words() -> str:
    """" (limit 100)", the server's connection limit when a connection last opened; nothing if none ever did."""
    facts = getattr(database_proxy.obj, "server_facts", None)
    return f" (limit {facts.max_connections})" if facts is not None else ""


def _sqlite_code(candidate: BaseException) -> int | None:
    code = getattr(candidate, "sqlite_errorcode", None) if isinstance(candidate, sqlite3.Error) else None
    return code & 0xFF if code is not None else None
