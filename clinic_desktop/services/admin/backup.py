"""Backing the clinic's database up to a file, and restoring it from one.

SQLite: an online copy with SQLite's backup API, checked (integrity, a Clinic Desktop
database, its schema version) before it is called done. A restore checks the chosen file
on a working copy, upgrades that copy if it is older, keeps a safety copy of the current
database, and then writes the whole database in one transaction of the live file: it
either all happens or nothing does. PostgreSQL: the exact pg_dump / pg_restore commands
(pg_dump is run when it is installed; a restore is left to the server's administrator,
with every workstation closed).

Copying and restoring do not run inside the usual service transaction: SQLite's backup API
needs the live connection free of any transaction, and a copy must not hold the write
lock over other workstations for its whole length. They check the permission first and
write their one audit event afterwards, through a service of its own.
"""
from __future__ import annotations

import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from clinic_desktop.models import ALL_MODELS, User, database_proxy, is_sqlite, make_database, schema
from clinic_desktop.models import backup_files as files
from clinic_desktop.models.backup_files import BackupFileError, Contents
from clinic_desktop.models.database import sqlite_file_of
from clinic_desktop.services.admin import server_logins
from clinic_desktop.services.audit import audit
from clinic_desktop.services.core.actor import Actor
from clinic_desktop.services.core.entity import Entity
from clinic_desktop.services.core.errors import Conflict, ValidationError
from clinic_desktop.services.core.progress import step
from clinic_desktop.services.core.transaction import permission_checked, service

__all__ = ["BackupResult", "Contents", "RestoreCheck", "RestoreResult", "back_up", "check_restore_file",
           "copy_database", "describe", "live_database_file", "pg_dump_available", "pg_dump_command", "pg_restore_command",
           "restore", "seconds_in_words", "size_in_words", "uses_sqlite"]

# One copy or restore at a time in this process: the daily backup runs on a thread of its own,
# and a restore briefly binds the models to its working copy while it upgrades it.
one_at_a_time = threading.RLock()


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size_bytes: int
    seconds: float
    contents: Contents | None  # what the copy holds (None for a pg_dump archive)


@dataclass(frozen=True)
class RestoreCheck:
    path: Path
    contents: Contents  # what the chosen file holds
    current: Contents  # what it would replace
    upgrade_from: int | None  # the file's schema when it needs upgrading after the restore


@dataclass(frozen=True)
class RestoreResult:
    path: Path
    replaced: Contents
    restored: Contents
    safety_copy: Path
    upgraded_from: int | None
    seconds: float


def uses_sqlite() -> bool:
    return is_sqlite()


def live_database_file() -> Path | None:
    """The SQLite file in use, or None on a PostgreSQL server."""
    return sqlite_file_of(database_proxy.obj).resolve() if is_sqlite() else None


def describe(contents: Contents, zone: ZoneInfo) -> str:
    """'1,204 patients, 3,310 appointments, last activity 25 Nov 2026 09:20' (clinic time)."""
    when = "no activity recorded"
    if contents.last_activity is not None:
        local = contents.last_activity.astimezone(zone)
        when = f"last activity {local.day} {local:%b %Y %H:%M}"
    return f"{_count(contents.patients, 'patient')}, {_count(contents.appointments, 'appointment')}, {when}"


def size_in_words(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{max(1, round(size / 1000))} kB"


def seconds_in_words(seconds: float) -> str:
    return f"{seconds:.2f} s" if seconds < 1 else f"{seconds:.1f} s"


def pg_dump_available() -> bool:
    return files.pg_tool("pg_dump") is not None


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}" if number == 1 else f"{number:,} {noun}s"


@permission_checked("back_up_database")
def back_up(actor: Actor, target: Path) -> BackupResult:
    """Copy the whole database to ``target`` (replaced if it exists), checked; one audit event."""
    target = _writable_target(Path(target))
    with one_at_a_time:  # may run on a thread: never while a restore has the models bound elsewhere
        result = copy_database(target)
        _note_backup(actor, "back_up_database", f"backed up the database to {result.path}",
                     file=str(result.path), size_bytes=result.size_bytes)
    return result


def copy_database(target: Path) -> BackupResult:
    """The copy itself, for back_up and the daily backup. Internal: the caller checks the
    permission and writes the audit event."""
    started = time.perf_counter()
    with one_at_a_time:
        try:
            if is_sqlite():
                _refuse_inside_transaction()
                files.copy_sqlite(database_proxy.obj.connection(), target)
                contents = files.read_contents(target, _schema_version())
            else:
                if server_logins.backed_up_on_the_server():
                    raise ValidationError(server_logins.SERVER_BACKUPS)
                files.run_pg_tool(_pg_dump(target), _password())
                files.pg_archive_version(target)
                contents = None
        except BackupFileError as error:
            raise ValidationError(str(error)) from None
    return BackupResult(target, target.stat().st_size, time.perf_counter() - started, contents)


def pg_dump_command(target: Path) -> str:
    """The command that backs the PostgreSQL database up to ``target`` (no password in it)."""
    return files.shown(_pg_dump(Path(target)))


def pg_restore_command(source: Path) -> str:
    """The command that restores ``source`` into the PostgreSQL database, all or nothing."""
    database = database_proxy.obj
    return files.shown(files.pg_restore_command(database.database, database.connect_params, Path(source)))


@permission_checked("restore_database")
def check_restore_file(actor: Actor, path: Path) -> RestoreCheck:
    """What restoring ``path`` would do; refuses a file that cannot be restored. Changes nothing."""
    live = _live_sqlite_file()
    with one_at_a_time, tempfile.TemporaryDirectory(prefix=".restore-", dir=live.parent) as work:
        copy, contents = _checked_copy(Path(path), Path(work), _CHECK_STEPS)
        step(2, _CHECK_STEPS, "Counting what the current database holds…")
        return RestoreCheck(Path(path), contents, files.read_contents(live, _schema_version(), live, check=False),
                            contents.schema_version if contents.schema_version < _schema_version() else None)


@permission_checked("restore_database")
def restore(actor: Actor, path: Path) -> RestoreResult:
    """Replace the whole database with the backup at ``path``, after a safety copy of the current one.

    The file is checked first (a working copy: integrity, ours, not newer; upgraded there if
    older), so a refusal or a failure leaves the live database exactly as it was.
    """
    path = Path(path)
    live = _live_sqlite_file()
    started = time.perf_counter()
    with one_at_a_time, tempfile.TemporaryDirectory(prefix=".restore-", dir=live.parent) as work:
        _refuse_inside_transaction()
        copy, contents = _checked_copy(path, Path(work), _RESTORE_STEPS)
        upgraded_from = None
        if contents.schema_version < _schema_version():
            upgraded_from = contents.schema_version
            step(2, _RESTORE_STEPS, f"Upgrading the backup from schema {upgraded_from}…")
            _upgrade(copy, Path(work))
            contents = _read(copy, path)
        replaced = files.read_contents(live, _schema_version(), live, check=False)
        safety = live.with_name(f"{live.stem}.before-restore.{_stamp()}.sqlite3")
        try:
            step(3, _RESTORE_STEPS, "Keeping a safety copy of the current database…")
            files.copy_sqlite(database_proxy.obj.connection(), safety)
            step(4, _RESTORE_STEPS, "Replacing the database with the backup…")
            files.copy_into_live(copy, database_proxy.obj.connection())
        except BackupFileError as error:
            raise ValidationError(str(error)) from None
    restored = files.read_contents(live, _schema_version(), live, check=False)
    _note_restore(_actor_in_restored_database(actor), "restore_database",
                  f"restored the database from {path} ({restored.patients} patients); the database it "
                  f"replaced was kept at {safety}", file=str(path), safety_copy=str(safety),
                  upgraded_from=upgraded_from)
    return RestoreResult(path, replaced, restored, safety, upgraded_from, time.perf_counter() - started)


# A check copies the file aside and checks it (the long step), then counts the current database;
# a restore, after the same two, upgrades the copy if need be, keeps a safety copy and replaces.
_CHECK_STEPS = 3
_RESTORE_STEPS = 5


def _checked_copy(path: Path, work: Path, steps: int) -> tuple[Path, Contents]:
    copy = work / "chosen.sqlite3"
    step(0, steps, f"Copying {path.name} aside to check it…")
    try:
        files.snapshot_chosen_file(path, copy)
    except BackupFileError as error:
        raise ValidationError(str(error)) from None
    step(1, steps, f"Checking {path.name}: its integrity, then its schema…")
    return copy, _read(copy, path)


def _read(copy: Path, shown_as: Path) -> Contents:
    try:
        return files.read_contents(copy, _schema_version(), shown_as)
    except BackupFileError as error:
        raise ValidationError(str(error)) from None


def _upgrade(copy: Path, work: Path) -> None:
    """Bring the working copy to this version's schema before it goes live (never the live file)."""
    database = make_database(str(copy))
    try:
        with database.bind_ctx(ALL_MODELS):
            database.connect()
            schema.prepare_database(database, backup_folder=work)
            database.execute_sql("PRAGMA journal_mode=DELETE")
    except schema.SchemaError as error:
        raise ValidationError(f"the backup could not be upgraded to this version ({error}); nothing was changed") \
            from None
    finally:
        database.close()


def _actor_in_restored_database(actor: Actor) -> Actor:
    """The restored database may not know this user (or know another under the same number)."""
    if actor.user_id is not None:
        user = User.get_or_none(User.id == actor.user_id)
        if user is not None and user.username == actor.username and user.active and user.role == actor.role:
            return actor
    return Actor(None, actor.username, actor.full_name, actor.role, actor.registration_number)


@service("back_up_database")
def _note_backup(actor: Actor, action: str, summary: str, **details) -> None:
    audit.record(actor, action, Entity.DATABASE, None, summary, **details)


@service("restore_database")
def _note_restore(actor: Actor, action: str, summary: str, **details) -> None:
    audit.record(actor, action, Entity.DATABASE, None, summary, **details)


def _live_sqlite_file() -> Path:
    live = live_database_file()
    if live is None:
        raise ValidationError("a PostgreSQL database is restored with pg_restore by the server's administrator, "
                              "with every workstation closed")
    return live


def _refuse_inside_transaction() -> None:
    if database_proxy.obj.in_transaction():
        raise Conflict("a backup or restore cannot run inside another change; nothing was copied")


def _writable_target(target: Path) -> Path:
    target = target.expanduser()
    if target.is_dir():
        raise ValidationError(f"{target} is a folder: give the backup a file name")
    if not target.parent.is_dir():
        raise ValidationError(f"there is no folder {target.parent}")
    live = live_database_file()
    if live is not None and target.resolve() == live:
        raise ValidationError("the backup cannot replace the database itself: choose another file name")
    if target.is_file() and target.stat().st_size and not _is_replaceable_backup(target):
        raise ValidationError(f"{target} already exists and is not a database backup, so it was left as it "
                              "was: choose another file name")
    return target


def _is_replaceable_backup(target: Path) -> bool:
    """Only an earlier backup (an SQLite file, or pg_dump's archive) is replaced by a new one."""
    try:
        with target.open("rb") as file:
            start = file.read(16)
    except OSError:
        return False
    return start == b"SQLite format 3\x00" or start.startswith(b"PGDMP")


def _pg_dump(target: Path) -> list[str]:
    database = database_proxy.obj
    return files.pg_dump_command(database.database, database.connect_params, target)


def _password() -> str | None:
    password = database_proxy.obj.connect_params.get("password")
    return str(password) if password else None


def _schema_version() -> int:
    return schema.SCHEMA_VERSION


def _stamp() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
