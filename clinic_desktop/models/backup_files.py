"""Whole-database copies: SQLite's online backup API, and PostgreSQL's pg_dump and pg_restore.

A copy is written under a temporary name beside its destination, checked, flushed to the
disk and only then renamed: a file with the final name is always a whole, readable
database, never the half of one that a full disk or a power cut left behind. A copy taken
with the backup API is a consistent snapshot even while other workstations write (WAL
lets them carry on meanwhile). Plain sqlite3 and subprocess: no services, and the models only for their table names.
A file that cannot be restored is refused in one sentence; what SQLite or the integrity check
said in detail goes to the log, for whoever looks into it.
"""
from __future__ import annotations

import glob
import logging
import os
import re
import shlex
import shutil
import sqlite3
import subprocess
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from clinic_desktop.models import Appointment, AuditEvent, Patient, SchemaVersion, User
from clinic_desktop.models.fields import SQLITE_INSTANT_FORMAT

SQLITE_HEADER = b"SQLite format 3\x00"
# A copy waits at most this long for another workstation's write to finish.
BUSY_SECONDS = 15.0
_VERSION, _PATIENT, _APPOINTMENT, _AUDIT = (model._meta.table_name for model in
                                            (SchemaVersion, Patient, Appointment, AuditEvent))
# Tables every Clinic Desktop database has, whatever its schema version.
_OUR_TABLES = (_VERSION, _PATIENT, _APPOINTMENT, _AUDIT, User._meta.table_name)
_STORED_AT = SQLITE_INSTANT_FORMAT  # models.fields: SQLite keeps UTC instants as text


_log = logging.getLogger(__name__)
PG_DUMP_HEADER = b"PGDMP"


class BackupFileError(RuntimeError):
    """A copy could not be made or a file cannot be used; the message is a sentence for the user."""


class _Busy(Exception):
    """Another connection held its lock past BUSY_SECONDS."""


_BUSY = "another workstation kept the database busy"


@dataclass(frozen=True)
class Contents:
    """What a database holds, as the user recognises it."""

    schema_version: int
    patients: int
    appointments: int
    last_activity: datetime | None  # the newest audit event, aware UTC


def copy_sqlite(source: sqlite3.Connection, target: Path) -> None:
    """Copy the open database ``source`` to the file ``target`` (replaced), checked and flushed.

    The copy is a single self-contained file (rollback journal, not WAL), fit to carry away.
    """
    target = Path(target)
    try:
        _write_copy(source, target, check=True)
    except _Busy:
        raise BackupFileError(f"{_BUSY}; no backup was written, please try again") from None
    except BackupFileError as damaged:
        raise BackupFileError(f"{damaged}; no backup was written. The database itself may be damaged: "
                              "keep the last good backup and ask for help") from None
    except sqlite3.Error as error:
        raise BackupFileError(f"the copy to {target} failed ({error}); no backup was written") from None
    except OSError as error:
        raise BackupFileError(f"the copy to {target} could not be written ({error.strerror or error}); "
                              "no backup was written") from None


def _write_copy(source: sqlite3.Connection, target: Path, *, check: bool) -> None:
    """Write under a temporary name, check, flush, rename; the temporary file never stays behind."""
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    try:
        copy = sqlite3.connect(partial, isolation_level=None)
        try:
            _backup(source, copy)
            copy.execute("PRAGMA journal_mode=DELETE")
            if check:
                _check_integrity(copy, f"the copy to {target}")
        finally:
            copy.close()
        with partial.open("rb+") as file:
            os.fsync(file.fileno())
        os.replace(partial, target)
        _sync_folder(target.parent)
    finally:
        partial.unlink(missing_ok=True)


def snapshot_chosen_file(path: Path, target: Path) -> None:
    """Copy a file someone chose to restore into ``target``, after refusing what is plainly not ours.

    The chosen file is only ever opened read-only; all checks then run on the copy.
    """
    path = Path(path)
    if not path.is_file():
        raise BackupFileError(f"there is no file {path}")
    try:
        with path.open("rb") as file:
            header = file.read(16)
    except OSError as error:
        raise BackupFileError(f"{path} cannot be read ({error.strerror or error})") from None
    if header.startswith(PG_DUMP_HEADER):
        raise BackupFileError(f"{path} is a PostgreSQL backup (a pg_dump archive): the server's administrator "
                              "restores it with pg_restore, not into this SQLite database")
    if header != SQLITE_HEADER:
        raise BackupFileError(f"{path} is not a Clinic Desktop backup: it is not an SQLite database file")
    try:
        source = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise BackupFileError(f"{path} cannot be read ({error})") from None
    try:
        _write_copy(source, Path(target), check=False)  # read_contents then checks the working copy
    except _Busy:
        raise BackupFileError(f"{path} is in use by another program; close it and try again") from None
    except sqlite3.DatabaseError as error:
        raise _damaged(path, error) from None
    except OSError as error:
        raise BackupFileError(f"no working copy of {path} could be made beside the database "
                              f"({error.strerror or error}); nothing was changed") from None
    finally:
        source.close()


def read_contents(path: Path, newest_version: int, shown_as: Path | None = None, *,
                  check: bool = True) -> Contents:
    """Check a database file is whole, a Clinic Desktop database, and not from a newer version.

    ``shown_as`` is the name the user knows the file by (``path`` may be a working copy).
    ``check=False`` skips the integrity check (slow on a large file) for the live database.
    """
    name = shown_as or path
    try:
        connection = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise BackupFileError(f"{name} cannot be read ({error})") from None
    try:
        if check:
            _check_integrity(connection, name, restoring=True)
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        missing = [table for table in _OUR_TABLES if table not in tables]
        if missing:
            raise BackupFileError(f"{name} is not a Clinic Desktop database (it has no {missing[0]} table)")
        row = connection.execute(f"SELECT version FROM {_VERSION}").fetchone()
        if row is None:
            raise BackupFileError(f"{name} is not a Clinic Desktop database (it records no schema version)")
        version = row[0]
        if version > newest_version:
            raise BackupFileError(f"{name} was written by a newer Clinic Desktop (schema {version}; this version "
                                  f"knows up to {newest_version}): install the newer version to restore it")
        return Contents(
            schema_version=version,
            patients=connection.execute(f"SELECT count(*) FROM {_PATIENT}").fetchone()[0],
            appointments=connection.execute(f"SELECT count(*) FROM {_APPOINTMENT}").fetchone()[0],
            last_activity=_instant(connection.execute(f"SELECT max(at) FROM {_AUDIT}").fetchone()[0]),
        )
    except sqlite3.DatabaseError as error:
        raise _damaged(name, error) from None
    finally:
        connection.close()


def copy_into_live(source: Path, live: sqlite3.Connection) -> None:
    """Replace the whole live database with ``source`` in one step of the backup API.

    SQLite writes every page in one transaction of the live database: if the copy fails
    (disk full, another workstation holding its write lock too long) it is rolled back and
    the live database stays exactly as it was. ``live`` must have no transaction open.
    ``source`` is a working copy: its page size is changed to the live one's if need be (a
    database in WAL mode only takes pages of its own size).
    """
    page_size = live.execute("PRAGMA page_size").fetchone()[0]
    try:
        with sqlite3.connect(source, isolation_level=None) as working:
            if working.execute("PRAGMA page_size").fetchone()[0] != page_size:
                working.execute(f"PRAGMA page_size = {int(page_size)}")
                working.execute("VACUUM")
        working.close()
    except sqlite3.Error as error:
        raise BackupFileError(f"the backup could not be prepared ({error}); nothing was changed") from None
    connection = sqlite3.connect(f"{Path(source).resolve().as_uri()}?mode=ro", uri=True)
    try:
        _backup(connection, live)
    except _Busy:
        raise BackupFileError(f"{_BUSY}; the restore changed nothing, please try again") from None
    except sqlite3.Error as error:
        raise BackupFileError(f"the restore could not write the database ({error}); nothing was changed") from None
    finally:
        connection.close()


def _backup(source: sqlite3.Connection, target: sqlite3.Connection) -> None:
    """All pages in one step (a consistent snapshot); give up when a lock is held past BUSY_SECONDS."""
    deadline = time.monotonic() + BUSY_SECONDS

    def waited(status: int, _remaining: int, _total: int) -> None:
        if status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) and time.monotonic() > deadline:
            raise _Busy()

    source.backup(target, pages=-1, progress=waited, sleep=0.1)


def _check_integrity(connection: sqlite3.Connection, name, *, restoring: bool = False) -> None:
    try:
        answer = [row[0] for row in connection.execute("PRAGMA integrity_check(5)")]
    except sqlite3.DatabaseError as error:
        answer = [str(error)]
    if answer != ["ok"]:
        raise _damaged(name, "; ".join(answer), restoring=restoring)


def _damaged(name, detail, *, restoring: bool = True) -> BackupFileError:
    """One sentence for the user; what SQLite found, however many lines, for the log."""
    _log.warning("%s is damaged: %s", name, " | ".join(str(detail).splitlines()))
    if restoring:
        return BackupFileError(f"{name} is damaged, so it cannot be restored: choose another backup")
    return BackupFileError(f"{name} is damaged")


def _instant(stored) -> datetime | None:
    if stored is None:
        return None
    try:
        return datetime.strptime(stored, _STORED_AT).replace(tzinfo=timezone.utc)
    except (TypeError, ValueError):
        return None


def _sync_folder(folder: Path) -> None:
    """Make the rename itself survive a power cut (POSIX; Windows has no folder handles)."""
    if os.name != "posix":
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


# --- PostgreSQL: the client tools ---


def pg_tool(name: str) -> str | None:
    """Where ``pg_dump``/``pg_restore`` is: on PATH, else Debian's newest /usr/lib/postgresql/*/bin."""
    found = shutil.which(name)
    if found:
        return found
    folders = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version_key, reverse=True)
    for folder in folders:
        candidate = Path(folder) / name
        if os.access(candidate, os.X_OK):
            return str(candidate)
    return None


def _version_key(folder: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", Path(folder).parent.name))


def _connection_options(params: dict) -> list[str]:
    options = []
    for option, flag in (("host", "--host"), ("port", "--port"), ("user", "--username")):
        if params.get(option):
            options.append(f"{flag}={params[option]}")
    return options


# The database address's encryption settings (sslmode=verify-full, sslrootcert…): pg_dump and pg_restore must
# check the server's certificate as the app does, not fall back to libpq's default of unverified encryption.
_TLS_OPTIONS = ("sslmode", "sslrootcert", "sslcert", "sslkey", "sslcrl")


def _database_option(name: str, params: dict) -> str:
    """``--dbname=clinic``, or a connection string with the address's encryption settings when it has any."""
    tls = [f"{option}={_conninfo_value(params[option])}" for option in _TLS_OPTIONS if params.get(option)]
    return f"--dbname={name}" if not tls else f"--dbname={' '.join([f'dbname={_conninfo_value(name)}', *tls])}"


def _conninfo_value(value) -> str:
    """A value as libpq's connection string takes it: quoted when it holds a space, a quote or a backslash."""
    text = str(value)
    if text and not any(character in text for character in " '\\"):
        return text
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def pg_dump_command(name: str, params: dict, target: Path) -> list[str]:
    """pg_dump's custom format: compressed, and restored table by table by pg_restore."""
    program = _shown_program("pg_dump")
    return [program, "--format=custom", f"--file={target}", *_connection_options(params),
            _database_option(name, params)]


def pg_restore_command(name: str, params: dict, source: Path) -> list[str]:
    """Everything replaced in ONE transaction: an error rolls all of it back, never half a database."""
    program = _shown_program("pg_restore")
    return [program, "--clean", "--if-exists", "--single-transaction", "--exit-on-error", "--no-owner",
            *_connection_options(params), _database_option(name, params), str(source)]


def _shown_program(name: str) -> str:
    found = pg_tool(name)
    if found is None or shutil.which(name) == found:
        return name
    return found


def shown(command: list[str]) -> str:
    """The command as typed into a shell (the password is never part of it)."""
    return shlex.join(command)


def run_pg_tool(command: list[str], password: str | None) -> None:
    """Run a command built above; the password goes in the environment, never on the command line."""
    program = pg_tool(Path(command[0]).name)
    if program is None:
        raise BackupFileError(f"{Path(command[0]).name} was not found: install the PostgreSQL client tools, "
                              f"or run this on the database server: {shown(command)}")
    environment = dict(os.environ)
    if password:
        environment["PGPASSWORD"] = password
    try:
        result = subprocess.run([program, *command[1:]], capture_output=True, text=True, env=environment,
                                timeout=3600)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise BackupFileError(f"{Path(program).name} could not run ({error})") from None
    if result.returncode != 0:
        reason = (result.stderr.strip().splitlines() or [f"exit status {result.returncode}"])[-1]
        raise BackupFileError(f"{Path(program).name} failed: {reason}")


def pg_archive_version(path: Path) -> int:
    """The schema version stored in a pg_dump archive; refuses a file that is not one of ours."""
    program = pg_tool("pg_restore")
    if program is None:
        raise BackupFileError("pg_restore was not found: install the PostgreSQL client tools to check the file")
    result = subprocess.run([program, "--data-only", f"--table={_VERSION}", "--file=-", str(path)],
                            capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        raise BackupFileError(f"{path} is not a readable pg_dump archive")
    found = re.search(rf"^COPY public\.{_VERSION} .*?;\n(?:\d+\t)?(\d+)\n", result.stdout, re.MULTILINE)
    if not found:
        raise BackupFileError(f"{path} is not a Clinic Desktop database (it records no schema version)")
    return int(found.group(1))
