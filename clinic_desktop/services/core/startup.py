"""Opening the clinic's database: bind the models, create or upgrade the schema."""
from __future__ import annotations

from peewee import DatabaseError

from clinic_desktop.models import bind_database, is_sqlite, make_database, server_roles
from clinic_desktop.models.database import (
    DATABASE_ENV,
    DatabaseUrlError,
    database_location,
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

# What the command line and the window need to know of opening a database, from here only.
__all__ = ["DATABASE_ENV", "DatabaseUrlError", "SchemaError", "open_clinic_database"]


def open_clinic_database(location: str | None = None, *, must_exist: bool = False,
                         sign_in_later: bool = False) -> tuple[str, SchemaReport]:
    """Open the database at ``location`` (or the configured default) and make it ready.

    ``must_exist`` is for commands that only read: a mistyped file name must not quietly
    become a new, empty clinic whose lists say nothing is overdue. Raises DatabaseUrlError
    or SchemaError with a message fit for the user; returns the location as fit to print.
    ``sign_in_later`` is for the window: a PostgreSQL URL without a user is then reached as the person
    who signs in, so nothing is opened until they do (users.authenticate checks the schema then).
    """
    where = database_location(location)
    shown = shown_location(where)
    path = sqlite_path(where)
    if path is not None:
        if must_exist and not path.is_file():
            raise DatabaseUrlError(f"there is no database at {path}: check the file name")
        check_sqlite_file(path)
    database = make_database(where, staff_sign_in=sign_in_later)
    bind_database(database)
    if sign_in_later and signs_in_to_server(where):
        return shown, SchemaReport(created=False, upgraded_from=None, backup=None)
    try:
        database.connect(reuse_if_open=True)
        _refuse_an_upgrade_by_a_staff_login(database)
        return shown, prepare_database(database)
    except DatabaseError as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
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
