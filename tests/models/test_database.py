"""Where the clinic's data lives and how a connection to it is opened (models/database.py)."""
import re
from pathlib import Path

import pytest
from peewee import PostgresqlDatabase, SqliteDatabase

from clinic_desktop.models.database import (
    DATABASE_ENV,
    DatabaseUrlError,
    database_location,
    default_database_path,
    listen_route,
    make_database,
)


def test_a_plain_file_path_is_an_sqlite_database(tmp_path):
    database = make_database(str(tmp_path / "clinic.sqlite3"))
    assert isinstance(database, SqliteDatabase)
    assert database.database == str(tmp_path / "clinic.sqlite3")


def test_a_missing_folder_of_the_file_is_created(tmp_path):
    make_database(str(tmp_path / "new" / "folder" / "clinic.sqlite3"))
    assert (tmp_path / "new" / "folder").is_dir()


def test_a_home_relative_path_is_expanded(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert make_database("~/clinic.sqlite3").database == str(tmp_path / "clinic.sqlite3")


def test_an_sqlite_url_names_the_file(tmp_path):
    database = make_database(f"sqlite://{tmp_path}/clinic%20data.sqlite3")
    assert isinstance(database, SqliteDatabase)
    assert database.database == str(tmp_path / "clinic data.sqlite3")


NETWORK_TIMEOUTS = {"connect_timeout": 10, "keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 5,
                    "keepalives_count": 3, "tcp_user_timeout": 15_000}


@pytest.mark.parametrize("scheme", ["postgresql", "postgres"])
def test_a_postgresql_url_gives_user_password_host_port_and_database(scheme):
    database = make_database(f"{scheme}://clinic%40desk:s3cr%2Ft@db.example.org:5433/clinic?sslmode=require")
    assert isinstance(database, PostgresqlDatabase)
    assert database.database == "clinic"
    assert database.connect_params == {"user": "clinic@desk", "password": "s3cr/t", "host": "db.example.org",
                                       "port": 5433, "sslmode": "require", **NETWORK_TIMEOUTS}


def test_a_postgresql_url_may_leave_out_password_and_port():
    database = make_database("postgresql://clinic@localhost/clinic")
    assert database.connect_params == {"user": "clinic", "host": "localhost", **NETWORK_TIMEOUTS}


def test_a_dead_server_is_noticed_in_seconds_unless_the_url_says_otherwise():
    database = make_database("postgresql://clinic@localhost/clinic?connect_timeout=3")
    assert database.connect_params["connect_timeout"] == "3"
    assert database.connect_params["tcp_user_timeout"] == 15_000  # ms: an unanswered query fails after 15 s
    assert database.connect_params["keepalives_idle"] == 10


def test_a_postgresql_url_without_a_database_is_refused():
    with pytest.raises(DatabaseUrlError, match="the PostgreSQL URL names no database"):
        make_database("postgresql://clinic@localhost:5432/")


@pytest.mark.parametrize("url, scheme", [("mysql://clinic@localhost/clinic", "mysql"),
                                         ("https://example.org/clinic.sqlite3", "https"),
                                         ("postgresql+psycopg2://clinic@localhost/clinic", "postgresql+psycopg2")])
def test_another_url_scheme_is_refused_saying_what_is_accepted(url, scheme):
    expected = f"unsupported database URL scheme '{scheme}': use a file path, sqlite:///path or postgresql://"
    with pytest.raises(DatabaseUrlError, match=re.escape(expected)):
        make_database(url)


def test_a_folder_is_refused(tmp_path):
    with pytest.raises(DatabaseUrlError, match=f"{tmp_path} is a folder, not a database file"):
        make_database(str(tmp_path))


def _pragma(database, name):
    return database.execute_sql(f"PRAGMA {name}").fetchone()[0]


def test_an_sqlite_file_opens_durable_with_foreign_keys_and_a_busy_timeout(tmp_path):
    database = make_database(str(tmp_path / "clinic.sqlite3"))
    database.connect()
    try:
        assert _pragma(database, "journal_mode") == "wal"
        assert _pragma(database, "synchronous") == 2  # FULL: a committed record survives a power cut
        assert _pragma(database, "foreign_keys") == 1
        assert _pragma(database, "busy_timeout") > 0
    finally:
        database.close()


def test_an_explicit_location_wins(monkeypatch):
    monkeypatch.setenv(DATABASE_ENV, "postgresql://clinic@server/clinic")
    assert database_location("/srv/clinic.sqlite3") == "/srv/clinic.sqlite3"


def test_the_environment_is_used_without_an_explicit_location(monkeypatch):
    monkeypatch.setenv(DATABASE_ENV, "postgresql://clinic@server/clinic")
    assert database_location() == "postgresql://clinic@server/clinic"


def test_an_empty_explicit_location_is_refused_rather_than_replaced(monkeypatch):
    monkeypatch.setenv(DATABASE_ENV, "postgresql://clinic@server/clinic")
    with pytest.raises(DatabaseUrlError, match="the database location is empty"):
        database_location("")


def test_the_user_data_folder_is_the_default(monkeypatch, platformdirs_isolated):
    monkeypatch.delenv(DATABASE_ENV, raising=False)
    expected = Path(platformdirs_isolated) / "user_data" / "clinic-desktop" / "clinic.sqlite3"
    assert default_database_path() == expected
    assert database_location() == str(expected)


def test_a_server_url_is_listened_to_where_it_points_unless_it_says_otherwise(tmp_path):
    """Behind PgBouncer in transaction mode a LISTEN is heard by nobody: the URL says so, or names the server."""
    assert listen_route(make_database("postgresql://db.example.internal/clinic")) == ""
    assert listen_route(make_database("postgresql://pooler:6432/clinic?listen=off")) is None
    direct = make_database("postgresql://pooler:6432/clinic?listen=db.example.internal:5432&sslmode=require")
    assert listen_route(direct) == "db.example.internal:5432"
    assert "listen" not in direct.connect_params and direct.connect_params["sslmode"] == "require"
    assert listen_route(make_database(str(tmp_path / "clinic.sqlite3"))) is None


@pytest.mark.parametrize("value", ["yes", "db.example.internal", ":5432", "db:99999"])
def test_a_listen_option_that_is_neither_off_nor_host_and_port_is_refused_in_words(value):
    with pytest.raises(DatabaseUrlError, match=f"listen option must be 'off' or the server's HOST:PORT, not '{value}'"):
        make_database(f"postgresql://pooler:6432/clinic?listen={value}")
