"""Opening the clinic's database: bind the models, create or upgrade the schema.

A database on a read-only or full volume is opened read-only for a command that only
reads (a backup, a report, a check), so a copy can still be taken off a failing disk;
anything that would write to it is refused with a sentence naming why.
"""
from __future__ import annotations

import os
from pathlib import Path

from peewee import DatabaseError

from clinic_desktop.models import bind_database, is_sqlite, make_database, server_roles
from clinic_desktop.models.database import (
    DATABASE_ENV,
    DatabaseUrlError,
    database_location,
    make_read_only_sqlite,
    shown_location,
    signs_in_to_server,
    sqlite_path,
)
from clinic_desktop.models.schema import (
    SCHEMA_VERSION,
    SchemaError,
    SchemaReport,
    check_sqlite_file,
    prepare_database,
    stored_version,
)
from clinic_desktop.services.core.database_trouble import cause_in_words, read_only_in_words

# What the command line and the window need to know of opening a database, from here only.
__all__ = ["DATABASE_ENV", "DatabaseUrlError", "SchemaError", "open_clinic_database"]


def open_clinic_database(location: str | None = None, *, must_exist: bool = False,
                         sign_in_later: bool = False, only_reads: bool = False) -> tuple[str, SchemaReport]:
    """Open the database at ``location`` (or the configured default) and make it ready.

    ``must_exist`` is for commands that only read: a mistyped file name must not quietly
    become a new, empty clinic whose lists say nothing is overdue. ``only_reads`` (which
    implies it) lets such a command read a file it may not write. Raises DatabaseUrlError
    or SchemaError with a message fit for the user; returns the location as fit to print.
    ``sign_in_later`` is for the window: a PostgreSQL URL without a user is then reached as the person
    who signs in, so nothing is opened until they do (users.authenticate checks the schema then).
    """
    where = database_location(location)
    shown = shown_location(where)
    path = sqlite_path(where)
    read_only = False
    if path is not None:
        if (must_exist or only_reads) and not path.is_file():
            raise DatabaseUrlError(f"there is no database at {path}: check the file name")
        check_sqlite_file(path)
        read_only = path.is_file() and not _writable(path)
        if read_only and not only_reads:
            raise DatabaseUrlError(f"cannot open the database at {shown}: {read_only_in_words('nothing was changed')}")
    database = make_read_only_sqlite(path) if read_only else make_database(where, staff_sign_in=sign_in_later)
    bind_database(database)
    if sign_in_later and signs_in_to_server(where):
        return shown, SchemaReport(created=False, upgraded_from=None, backup=None)
    try:
        database.connect(reuse_if_open=True)
        if read_only:
            return shown, _as_it_is(database, path)
        _refuse_an_upgrade_by_a_staff_login(database)
        return shown, prepare_database(database)
    except DatabaseError as error:
        named = cause_in_words(error, saved="nothing was changed")
        reason = str(named) if named else (str(error).strip().splitlines() or [type(error).__name__])[0]
        raise DatabaseUrlError(f"cannot open the database at {shown}: {reason}") from None


def _refuse_an_upgrade_by_a_staff_login(database) -> None:
    """On a server that enforces the roles only the owner changes tables: setup-postgres upgrades."""
    if is_sqlite(database) or not server_roles.roles_installed(database) or server_roles.is_superuser(database):
        return
    version = stored_version(database)
    if version is not None and version < SCHEMA_VERSION:
        raise SchemaError(f"the database is at schema {version} and this version needs {SCHEMA_VERSION}: "
                          "whoever administers the server upgrades it with 'clinic-desktop setup-postgres'; "
                          "nothing was changed")


def _writable(path: Path) -> bool:
    """Whether the file and its folder (where SQLite keeps its journal) can be written.

    os.access sees a read-only mount as well as permissions, as the user running the app.
    """
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def _as_it_is(database, path: Path) -> SchemaReport:
    """A read-only file is read at the schema it has, which must be this version's: an older one
    would need upgrading, which cannot be done where nothing can be written."""
    version = stored_version(database)
    if version != SCHEMA_VERSION:
        database.close()
        raise SchemaError(f"{path} is read-only here and holds schema {version}, not this version's "
                          f"{SCHEMA_VERSION}: copy it somewhere writable and open the copy")
    return SchemaReport(created=False, upgraded_from=None, backup=None)
