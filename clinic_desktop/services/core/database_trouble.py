"""Database trouble named by its real cause: a full disk, a read-only file, a refused permission.

When the disk fills mid-write, SQLite rolls the transaction back itself, and peewee's own
rollback then fails with "cannot rollback - no transaction is active", which hid the cause
under advice to check the network. The driver's error is found wherever it sits in the
chain (peewee wraps it; a failed rollback hides it as the context) and its code, not its
wording, says what happened: SQLite's result code, PostgreSQL's SQLSTATE. Details of the
driver's message go to the log, the user gets one sentence saying what to do.
"""
from __future__ import annotations

import logging
import sqlite3

from clinic_desktop.services.core.errors import DatabaseBusy, DatabaseUnavailable, PermissionDenied, ServiceError

__all__ = ["BUSY", "cause_in_words", "driver_error", "read_only_in_words"]

_log = logging.getLogger(__name__)

BUSY = "the database is busy with another workstation's change; nothing was saved, please try again"
_NOTHING_SAVED = "nothing was saved"
_READ_ONLY = ("the database file or its folder is read-only; {saved}. "
              "Ask for it to be made writable again (it can still be backed up)")

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
    "53300": (DatabaseBusy, "the database server has too many workstations connected; {saved}. "
                            "Try again in a moment"),
    "25006": (DatabaseUnavailable, "the database server only allows reading just now (a standby, or "
                                   "maintenance); {saved}. Ask the server's administrator"),
    "42501": (PermissionDenied, "the database server refused your login permission for this; {saved}. "
                                "Ask the practice manager if you should have it"),
    "57P03": (DatabaseUnavailable, "the database server is starting up or shutting down; {saved}. "
                                   "Try again in a minute"),
    "40001": (DatabaseBusy, BUSY),
    "40P01": (DatabaseBusy, BUSY),
    "55P03": (DatabaseBusy, BUSY),
}


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
    kind, wording = _SQLITE_CAUSES.get(_sqlite_code(found)) or _POSTGRES_CAUSES[getattr(found, "pgcode", None)]
    _log.warning("database trouble: %s", " | ".join(str(found).split("\n")))
    return kind(wording.format(saved=saved))


def read_only_in_words(saved: str = _NOTHING_SAVED) -> str:
    """The sentence for a database file or folder that cannot be written."""
    return _READ_ONLY.format(saved=saved)


def _known(candidate: BaseException) -> bool:
    return _sqlite_code(candidate) in _SQLITE_CAUSES or getattr(candidate, "pgcode", None) in _POSTGRES_CAUSES


def _sqlite_code(candidate: BaseException) -> int | None:
    code = getattr(candidate, "sqlite_errorcode", None) if isinstance(candidate, sqlite3.Error) else None
    return code & 0xFF if code is not None else None
