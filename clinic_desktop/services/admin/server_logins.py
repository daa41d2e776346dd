"""Staff logins on a PostgreSQL server that enforces the roles (models/server_roles.py).

There the server, not argon2, checks a password: signing in is connecting as oneself, and a
password re-checked (unlocking, signing a letter) is a connection tried. Creating, re-roling,
deactivating an account or setting its password changes its login in the same transaction, so
the two never disagree. On SQLite, or a server where setup-postgres has not run, all this is
skipped and the app's own accounts work as before.
"""
from __future__ import annotations

from clinic_desktop.models import database_proxy, is_sqlite, server_roles
from clinic_desktop.models.database import StaffLoginDatabase
from clinic_desktop.models.schema import SCHEMA_VERSION, stored_version
from clinic_desktop.services.core.errors import DatabaseUnavailable, ValidationError
from clinic_desktop.services.core.permissions import MANAGER

__all__ = ["SERVER_BACKUPS", "backed_up_on_the_server", "check_server_schema", "enforces_roles", "server_checks_passwords", "server_name",
           "shared_login_advice", "sign_in", "sign_out", "sync_login"]

_RUN_SETUP = "ask whoever administers the server to run 'clinic-desktop setup-postgres'"


def server_checks_passwords() -> bool:
    """Whether this workstation reaches the server as whoever signs in (its URL names no user)."""
    return isinstance(database_proxy.obj, StaffLoginDatabase)


def server_name() -> str:
    """What the sign-in dialog calls a clinic whose own name cannot be read before someone signs in."""
    database = database_proxy.obj
    return f"{database.database} on {database.connect_params.get('host', 'this computer')}"


SERVER_BACKUPS = ("this server enforces the staff roles, so no staff login can read all of it: its backups are "
                  "taken on the server by whoever administers it (pg_dump with the owner's or a superuser's login)")


def backed_up_on_the_server() -> bool:
    """Whether a copy taken with this login would miss what only the owner reads (password hashes)."""
    return enforces_roles() and not server_roles.is_superuser(database_proxy.obj)


def enforces_roles() -> bool:
    """Whether the server holds the clinic's roles (setup-postgres has run on it)."""
    return not is_sqlite() and server_roles.roles_installed(database_proxy.obj)


def sign_in(username: str, password: str) -> bool:
    """Connect as this person from now on, if the server lets them in."""
    return database_proxy.obj.sign_in(username, password)


def sign_out() -> None:
    """After a sign-in the server let through but the app refused: nobody stays connected as anyone."""
    database_proxy.obj.sign_out()


def check_server_schema() -> None:
    """A staff login may not change tables: an older schema is upgraded by setup-postgres, not here."""
    version = stored_version(database_proxy.obj)
    if version is None:
        raise DatabaseUnavailable(f"the clinic's database on the server has no tables yet: {_RUN_SETUP}")
    if version < SCHEMA_VERSION:
        raise DatabaseUnavailable(f"the clinic's database is at schema {version} and this version of Clinic Desktop "
                                  f"needs {SCHEMA_VERSION}: {_RUN_SETUP}")
    if version > SCHEMA_VERSION:
        raise DatabaseUnavailable(f"the clinic's database was written by a newer Clinic Desktop (schema {version}): "
                                  "install the newer version on this workstation")


def sync_login(username: str, password: str | None = None) -> None:
    """Bring ``username``'s server login in line with their account (and give it ``password``)."""
    if not enforces_roles():
        return
    database = database_proxy.obj
    login = server_roles.login_role(database.database, username)
    if len(login.encode()) > server_roles.MAX_ROLE_NAME:
        longest = server_roles.MAX_ROLE_NAME - len(database.database.encode()) - 1
        raise ValidationError(f"a username here has at most {longest} characters (it is also the login "
                              "on the clinic's database server)", field="username")
    server_roles.sync_login(database, username, password)


def shared_login_advice(role: str) -> str | None:
    """For a manager (``role``) on a server every workstation reaches with one shared login: what to do."""
    if role != MANAGER or is_sqlite() or server_checks_passwords():
        return None
    return ("Every workstation reaches the database server with one shared login that can change anything: "
            "run 'clinic-desktop setup-postgres' on the server and give workstations a URL without a user "
            "(the README says how)")
