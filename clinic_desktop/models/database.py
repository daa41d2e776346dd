"""Where the clinic's data lives and how a connection to it is opened.

The models are bound late through one proxy, so the same code runs on the embedded
SQLite file, a file in a test, or the clinic's PostgreSQL server.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlparse

import platformdirs
from peewee import DatabaseProxy, OperationalError, PostgresqlDatabase, SqliteDatabase

from clinic_desktop.models.fields import FIELD_TYPES_POSTGRES, FIELD_TYPES_SQLITE

database_proxy = DatabaseProxy()

DATABASE_ENV = "CLINIC_DESKTOP_DATABASE"
APP_NAME = "clinic-desktop"

# A committed clinical record must survive a power cut, not only a crash (DESIGN.md):
# synchronous=FULL with WAL; writers take the lock up front via BEGIN IMMEDIATE.
SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "synchronous": "full",
    "foreign_keys": 1,
    "busy_timeout": 15000,
}


class DatabaseUrlError(ValueError):
    """The database location given on the command line or in the environment is unusable."""


def default_database_path() -> Path:
    """The embedded database in the user's data directory (created when missing)."""
    folder = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    return folder / "clinic.sqlite3"


def database_location(explicit: str | None = None) -> str:
    """The location to use: the explicit one, then the environment, then the default."""
    if explicit is not None:
        if not explicit.strip():
            raise DatabaseUrlError("the database location is empty: give a file path or a postgresql:// URL")
        return explicit
    return os.environ.get(DATABASE_ENV) or str(default_database_path())


def sqlite_path(location: str) -> Path | None:
    """The file an SQLite location names, or None for a server URL."""
    if location.startswith(("postgresql://", "postgres://")) or (
            "://" in location and not location.startswith("sqlite:///")):
        return None
    if location.startswith("sqlite:///"):
        location = unquote(location[len("sqlite:///") - 1:])
    return Path(location).expanduser()


def shown_location(location: str) -> str:
    """The location fit to print: a server URL without its password."""
    parsed = urlparse(location)
    if parsed.password:
        return location.replace(f":{parsed.password}@", ":***@", 1)
    return location


def make_database(location: str, *, staff_sign_in: bool = False):
    """An unconnected peewee database for a file path, ``sqlite:///path`` or ``postgresql://…``.

    ``staff_sign_in``: the window, where a server URL without a user is reached as whoever signs in.
    """
    if location.startswith(("postgresql://", "postgres://")):
        return _postgres_from_url(location, staff_sign_in and signs_in_to_server(location))
    path = sqlite_path(location)
    if path is None:
        scheme = location.split("://", 1)[0]
        raise DatabaseUrlError(
            f"unsupported database URL scheme '{scheme}': use a file path, sqlite:///path "
            "or postgresql://user@host:port/dbname"
        )
    if path.is_dir():
        raise DatabaseUrlError(f"{path} is a folder, not a database file")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DatabaseUrlError(f"cannot make the folder for {path}: {error.strerror}") from None
    return SqliteDatabase(
        str(path),
        pragmas=SQLITE_PRAGMAS,
        lock_type="IMMEDIATE",
        field_types=FIELD_TYPES_SQLITE,
        check_same_thread=False,
    )


def make_read_only_sqlite(path: Path) -> SqliteDatabase:
    """An unconnected database that only reads ``path``, for commands that only read.

    A full disk or a read-only volume (a failing server's share, a USB stick locked against
    writing) must not stop a backup being taken off it. So the file is opened read-only, its
    journal mode is never switched (that would write its header), and writers' transactions
    are deferred, not taken up front. A WAL-mode file on a read-only folder cannot get the
    shared-memory file SQLite reads it through, so it is opened as immutable (nothing can
    change it there) when its write-ahead log holds nothing; a log that holds commits is read
    through it, and if that is impossible the open fails and says so.
    """
    wal = path.with_name(f"{path.name}-wal")
    immutable = "" if wal.is_file() and wal.stat().st_size else "&immutable=1"
    return SqliteDatabase(
        f"{path.resolve().as_uri()}?mode=ro{immutable}",
        uri=True,
        pragmas={"foreign_keys": 1, "busy_timeout": SQLITE_PRAGMAS["busy_timeout"]},
        field_types=FIELD_TYPES_SQLITE,
        check_same_thread=False,
    )


def is_read_only(database=None) -> bool:
    """Whether ``database`` (default: the bound one) was opened by make_read_only_sqlite."""
    database = getattr(database or database_proxy, "obj", database or database_proxy)
    return isinstance(database, SqliteDatabase) and "?mode=ro" in str(database.database)


def sqlite_file_of(database) -> Path:
    """The file an SQLite database object reads, whether opened by path or read-only by URI."""
    name = str(database.database)
    if name.startswith("file:"):
        return Path(unquote(urlparse(name).path))
    return Path(name)


_NETWORK_TIMEOUTS = {"connect_timeout": 10, "keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 5,
                     "keepalives_count": 3, "tcp_user_timeout": 15_000}


@dataclass(frozen=True)
class ServerFacts:
    """What a clinic's PostgreSQL server said of itself when a connection to it last opened.

    Kept for when the server can no longer be asked: a refusal for want of free connections names
    the limit (``max_connections``), and a server that does not flush its commits to disk
    (``fsync`` or ``synchronous_commit`` off) is warned of (services/core/server_health.py).
    """

    max_connections: int
    fsync: bool
    synchronous_commit: str  # "off" acknowledges a commit before it is on disk; any other value waits for it

    def durability_off(self) -> tuple[str, ...]:
        """The settings that let a committed record be lost in a crash, by name."""
        return (("fsync",) if not self.fsync else ()) + (
            ("synchronous_commit",) if self.synchronous_commit == "off" else ())


class ClinicServerDatabase(PostgresqlDatabase):
    """A clinic's PostgreSQL server, which says its connection limit and durability at each connection
    (one round trip as a thread connects, not at every query)."""

    server_facts: ServerFacts | None = None  # None: no connection has opened yet

    def _initialize_connection(self, conn):
        super()._initialize_connection(conn)
        with conn.cursor() as cursor:
            cursor.execute("SELECT current_setting('max_connections'), current_setting('fsync'), "
                           "current_setting('synchronous_commit')")
            limit, fsync, synchronous_commit = cursor.fetchone()
        self.server_facts = ServerFacts(int(limit), fsync == "on", synchronous_commit)


class StaffLoginDatabase(ClinicServerDatabase):
    """A clinic server reached as whoever signed in: its URL names no user, so no password sits on
    the workstation; each person's own login and password connect (models/server_roles.py).

    Signing in someone else (at the lock screen) makes every thread's open connection stale: each
    reconnects as the new person at its next query outside a transaction.
    """

    # What the server says when the login, not the network, is at fault.
    _REFUSED = ("password authentication failed", "is not permitted to log in", "no password supplied",
                "permission denied for database")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.login: str | None = None

    def login_accepted(self, username: str, password: str) -> bool:
        """Whether the server lets this staff member in with this password (a connection tried and closed)."""
        import psycopg2

        params = {**self.connect_params, "user": self._login_of(username), "password": password}
        try:
            psycopg2.connect(dbname=self.database, **params).close()
        except psycopg2.OperationalError as error:
            unknown = f'role "{params["user"]}" does not exist'  # told only where the server trusts the network
            if any(words in str(error) for words in (*self._REFUSED, unknown)):
                return False
            raise OperationalError(str(error).strip().splitlines()[0]) from None
        return True

    def sign_in(self, username: str, password: str) -> bool:
        """Connect as this person from now on, if the server accepts them."""
        if not self.login_accepted(username, password):
            return False
        with self._lock:
            self.connect_params.update(user=self._login_of(username), password=password)
            self.login = self._login_of(username)
        return True

    def sign_out(self) -> None:
        """Nobody is signed in: every thread's connection closes at its next query, and none opens."""
        with self._lock:
            self.connect_params.pop("password", None)
            self.login = None

    def _login_of(self, username: str) -> str:
        from clinic_desktop.models.server_roles import login_role

        return login_role(self.database, username.strip().lower())

    def _connect(self):
        if self.login is None:
            raise OperationalError("nobody has signed in to the database server yet")
        connection = super()._connect()
        self._state.login = self.login
        return connection

    def is_closed(self) -> bool:
        if (not self._state.closed and getattr(self._state, "login", None) != self.login
                and not self.in_transaction()):
            self.close()  # opened for the person signed in before
        return self._state.closed


# The URL option saying where a window listens for changes (services/core/change_listener.py).
# PgBouncer in transaction mode hands each transaction to any server connection, so a LISTEN made
# through it is heard by nobody: behind such a pooler the administrator writes ``listen=off`` (the
# windows poll) or ``listen=HOST:PORT``, the server itself, reached directly for that one connection.
LISTEN_OPTION = "listen"
LISTEN_OFF = "off"


def listen_route(database) -> str | None:
    """Where ``database``'s windows listen: None for nowhere (SQLite, or ``listen=off``), "" for the
    server the URL names, or the ``HOST:PORT`` its ``listen`` option names."""
    database = getattr(database, "obj", database)
    if not isinstance(database, PostgresqlDatabase):
        return None
    route = getattr(database, "listen_at", "")
    return None if route == LISTEN_OFF else route


def signs_in_to_server(location: str) -> bool:
    """Whether ``location`` is a PostgreSQL URL without a user: each person then connects as themselves."""
    return location.startswith(("postgresql://", "postgres://")) and not urlparse(location).username


def _postgres_from_url(url: str, staff_sign_in: bool) -> ClinicServerDatabase:
    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    if not name:
        raise DatabaseUrlError(f"the PostgreSQL URL names no database: {url}")
    options = dict(parse_qsl(parsed.query))
    listen_at = _listen_at(options.pop(LISTEN_OPTION, "").strip(), url)
    if parsed.username:
        options["user"] = unquote(parsed.username)
    if parsed.password:
        options["password"] = unquote(parsed.password)
    if parsed.hostname:
        options["host"] = parsed.hostname
    if parsed.port:
        options["port"] = parsed.port
    # A workstation must notice a dead server or network within seconds, not after the
    # operating system's TCP timeout of many minutes, or its window would hang (the URL's
    # own values win).
    for option, value in _NETWORK_TIMEOUTS.items():
        options.setdefault(option, value)
    kind = StaffLoginDatabase if staff_sign_in else ClinicServerDatabase
    database = kind(unquote(name), field_types=FIELD_TYPES_POSTGRES, **options)
    database.listen_at = listen_at
    return database


def _listen_at(value: str, url: str) -> str:
    """The ``listen`` option checked: empty, ``off`` or ``HOST:PORT``."""
    if value in ("", LISTEN_OFF):
        return value
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise DatabaseUrlError(f"the URL's listen option must be 'off' or the server's HOST:PORT, not '{value}': "
                               f"{shown_location(url)}")
    return value


def is_sqlite(database=None) -> bool:
    database = database or database_proxy
    return isinstance(getattr(database, "obj", database), SqliteDatabase)


def bind_database(database) -> None:
    """Point every model at ``database`` (a peewee database, connected lazily)."""
    database_proxy.initialize(database)
