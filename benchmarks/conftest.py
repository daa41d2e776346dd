"""Fixtures for the benchmarks: clinic-scale databases, built once and then reused.

benchmarks/ sits outside tests/, so tests/conftest.py is not loaded on its own: this
file sets Qt's platform, borrows its throw-away PostgreSQL server fixture, and prints
the figures (medians, the ORM/hand-SQL ratio, the growth, the stall table) at the end of the run.
"""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

import importlib.util  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from clinic_desktop.models import bind_database, make_database  # noqa: E402

_HERE = Path(__file__).resolve().parent
for folder in (_HERE, _HERE.parent / "tests"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

import bulk_data  # noqa: E402
import measuring  # noqa: E402
import push_table  # noqa: E402
import stall_table  # noqa: E402


def _tests_conftest():
    """tests/conftest.py under a name of its own (both files are "conftest" to pytest)."""
    spec = importlib.util.spec_from_file_location("clinic_tests_conftest", _HERE.parent / "tests" / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_shared = _tests_conftest()
postgres_server = _shared.postgres_server
password_postgres = _shared.password_postgres
_postgres_summary = _shared.pytest_terminal_summary


@pytest.fixture(scope="session")
def sqlite_clinic():
    """``open(scale)`` binds the models to that scale's SQLite file (built or reused) and returns it."""
    opened: dict[bulk_data.Scale, tuple] = {}

    def open_scale(scale: bulk_data.Scale):
        if scale not in opened:
            built = bulk_data.cached_sqlite(scale)
            database = make_database(built.location)
            database.connect()
            opened[scale] = (built, database)
        built, database = opened[scale]
        bind_database(database)
        return built, database

    yield open_scale
    for _built, database in opened.values():
        database.close()


@pytest.fixture(scope="session")
def postgres_clinic_built(postgres_server):
    """The PostgreSQL clinic, filled once a session (the server is thrown away afterwards)."""
    url = postgres_server.create_database("clinic_bench")
    built = bulk_data.build_postgres(url, bulk_data.POSTGRES_SCALE)
    database = make_database(url)
    database.connect()
    yield built, database
    database.close()


@pytest.fixture
def postgres_clinic(postgres_clinic_built):
    built, database = postgres_clinic_built
    bind_database(database)
    return built, database


def pytest_terminal_summary(terminalreporter):
    _postgres_summary(terminalreporter)
    for line in measuring.summary_lines() + stall_table.lines() + push_table.lines():
        terminalreporter.write_line(line)
