"""Setting up a clinic's PostgreSQL server so that it enforces the roles (``clinic-desktop setup-postgres``).

Run once by whoever administers the server, with a superuser's login, and again after each
upgrade of the app: it creates or upgrades the schema (a staff login may not change tables, so
this is where upgrades run), hands every table to the owner role, gives each group exactly the
grants of models/server_privileges.py, and makes a login for every staff account that has none.
Running it twice changes nothing the first run did; it says what it did in plain words.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from time import monotonic

from peewee import DatabaseError

from clinic_desktop.models import User, bind_database, is_sqlite, make_database, server_roles
from clinic_desktop.models.database import DatabaseUrlError, database_location, shown_location
from clinic_desktop.models.schema import prepare_database
from clinic_desktop.services.audit import audit
from clinic_desktop.services.core.actor import Actor
from clinic_desktop.services.core.entity import Entity

__all__ = ["ServerSetup", "set_up_server"]


@dataclass
class ServerSetup:
    """What setup-postgres did, to print; ``new_logins`` maps a username to its one-time password."""

    done: list[str] = field(default_factory=list)
    new_logins: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0


def set_up_server(location: str | None = None) -> ServerSetup:
    """Create the roles and grants on the server ``location`` names (a superuser's URL).

    Raises DatabaseUrlError with a sentence when it is not a PostgreSQL server or not a superuser's login.
    """
    began = monotonic()
    where = database_location(location)
    database = make_database(where)
    if is_sqlite(database):
        raise DatabaseUrlError("setup-postgres is for a PostgreSQL server; an SQLite file has one login "
                               "(the README says what protects it)")
    bind_database(database)
    try:
        database.connect(reuse_if_open=True)
        if not server_roles.is_superuser(database):
            raise DatabaseUrlError(f"setup-postgres needs a superuser's login to create roles; "
                                   f"{shown_location(where)} is not one")
        setup = ServerSetup()
        report = prepare_database(database)
        if report.created:
            setup.done.append("created the clinic's tables")
        elif report.upgraded_from is not None:
            setup.done.append(f"upgraded the tables from schema {report.upgraded_from} (backup at {report.backup})")
        with database.atomic():
            _install(database, setup)
    except DatabaseError as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise DatabaseUrlError(f"setting up {shown_location(where)} failed, nothing was changed: {reason}") from None
    finally:
        database.close()
    setup.seconds = monotonic() - began
    return setup


def _install(database, setup: ServerSetup) -> None:
    name = database.database
    setup.done.extend(server_roles.create_roles(database, name))
    moved = server_roles.hand_to_owner(database, name)
    if moved:
        setup.done.append(f"handed {moved} tables, sequences and functions to {server_roles.owner_role(name)}")
    grants = server_roles.grant_privileges(database, name)
    setup.done.append(f"gave the three group roles their {grants} table privileges, nothing more "
                      "(no one deletes clinical rows; audit and signed letters insert-only; passwords unreadable)")
    server_roles.install_sync_function(database, name)
    setup.done.append(f"installed {server_roles.SYNC_FUNCTION}, which only the practice manager group may run")
    kept = 0
    for username, active in User.select(User.username, User.active).order_by(User.username).tuples():
        if server_roles.login_exists(database, username):
            server_roles.sync_login(database, username)
            kept += 1
            continue
        password = secrets.token_urlsafe(12) if active else None
        server_roles.sync_login(database, username, password)
        if password:
            setup.new_logins[username] = password
        else:
            setup.done.append(f"created the login {server_roles.login_role(name, username)} locked "
                              "(the account is deactivated)")
    if kept:
        setup.done.append(f"brought {kept} existing staff logins in line with their accounts")
    new = f"; new logins for {', '.join(sorted(setup.new_logins))}" if setup.new_logins else ""
    audit.record(Actor.command_line(), "set_up_server_roles", Entity.DATABASE, None,
                 f"set up the server's roles and grants{new}", new_logins=sorted(setup.new_logins))
