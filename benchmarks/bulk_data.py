"""Clinic-scale databases for the benchmarks, built in seconds and cached.

The rows (clinic_rows.py) go straight into the tables with insert_many (SQLite) or COPY
(PostgreSQL), one big transaction a table, not through the services, which would take
hours at a million appointments. Indexes, triggers and the exclusion constraint are set
aside during the load and rebuilt afterwards from the models, so the result has the
app's own schema. SQLite files are kept under .bench-data/ and reused.
"""
from __future__ import annotations

import hashlib
import io
import os
import time as timer
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from clinic_rows import (
    BENCH_TODAY,
    GENERATOR_VERSION,
    ONE_MILLION,
    TABLES,
    Scale,
    table_rows,
)
from peewee import SqliteDatabase

from clinic_desktop.models import ALL_MODELS, bind_database, constraints, make_database
from clinic_desktop.models.fields import FIELD_TYPES_SQLITE
from clinic_desktop.models.schema import SCHEMA_VERSION, prepare_database

__all__ = ["BENCH_TODAY", "ONE_MILLION", "POSTGRES_SCALE", "BuiltDatabase", "Scale", "build_postgres",
           "cached_sqlite"]

CACHE_DIR = Path(__file__).resolve().parents[1] / ".bench-data"
# PostgreSQL is measured at full size too: COPY fills a million appointments in about a
# minute (under the 3 minutes allowed), though the throw-away server needs it every session.
POSTGRES_SCALE = ONE_MILLION


@dataclass(frozen=True)
class BuiltDatabase:
    location: str  # a file path or a postgresql:// URL
    scale: Scale
    build_seconds: float  # 0.0 when an earlier run's file was reused
    reused: bool


# --- SQLite, cached on disk ---


def cached_sqlite(scale: Scale) -> BuiltDatabase:
    """The SQLite file for ``scale`` under .bench-data/, built only when missing."""
    CACHE_DIR.mkdir(exist_ok=True)
    path = CACHE_DIR / (f"clinic-p{scale.patients}-a{scale.appointments}-schema{SCHEMA_VERSION}"
                        f"-{schema_fingerprint()}-gen{GENERATOR_VERSION}.sqlite3")
    if path.exists():
        return BuiltDatabase(str(path), scale, 0.0, reused=True)
    building = path.with_name(f"{path.name}.building-{os.getpid()}")
    for leftover in (building, Path(f"{building}-wal"), Path(f"{building}-shm")):
        leftover.unlink(missing_ok=True)
    began = timer.perf_counter()
    database = make_database(str(building))
    bind_database(database)
    database.connect()
    prepare_database(database)
    database.execute_sql("PRAGMA journal_mode=OFF")  # a failed build is thrown away anyway
    database.execute_sql("PRAGMA synchronous=OFF")
    for name, in database.execute_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        database.execute_sql(f'DROP TRIGGER "{name}"')
    _drop_sqlite_indexes(database)
    for model, rows in table_rows(scale):
        _insert_many(database, model, rows)
    for model in TABLES:
        model._schema.create_indexes(safe=True)
    constraints.install(database, sqlite=True)
    database.execute_sql("PRAGMA journal_mode=WAL")
    database.close()
    os.replace(building, path)
    return BuiltDatabase(str(path), scale, timer.perf_counter() - began, reused=False)


def _insert_many(database, model, rows: Iterable[tuple]) -> None:
    """insert_many in one transaction a table, its statement written once per chunk size.

    peewee spends far longer writing a 2,000-row INSERT than SQLite spends running it,
    so the text is reused and only the values are converted (by each field's db_value,
    exactly as peewee would) for every chunk.
    """
    fields = _fields(model)
    statements: dict[int, str] = {}
    with database.atomic():
        for chunk in _chunks(rows, 30_000 // len(fields)):  # SQLite takes 32,766 values a statement
            if len(chunk) not in statements:
                statements[len(chunk)] = model.insert_many(chunk, fields=fields).sql()[0]
            database.execute_sql(statements[len(chunk)], [
                field.db_value(value) for row in chunk for field, value in zip(fields, row)
            ])


def schema_fingerprint() -> str:
    """A short hash of the schema the models create, so a changed index makes a new cache file."""
    database = SqliteDatabase(":memory:", field_types=FIELD_TYPES_SQLITE)
    with database.bind_ctx(ALL_MODELS):
        database.create_tables(ALL_MODELS)
        statements = database.execute_sql("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name")
        text = "\n".join(sql for sql, in statements.fetchall())
    database.close()
    return hashlib.sha256(text.encode()).hexdigest()[:10]


def _drop_sqlite_indexes(database) -> None:
    tables = tuple(model._meta.table_name for model in TABLES)
    marks = ", ".join("?" for _ in tables)
    names = database.execute_sql(
        f"SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({marks})",
        tables,
    ).fetchall()
    for name, in names:
        database.execute_sql(f'DROP INDEX "{name}"')


# --- PostgreSQL, built afresh in the session's throw-away server ---


def build_postgres(url: str, scale: Scale) -> BuiltDatabase:
    """Fill the (emptied) PostgreSQL database at ``url`` with COPY, one transaction a table."""
    began = timer.perf_counter()
    database = make_database(url)
    bind_database(database)
    database.connect(reuse_if_open=True)
    database.execute_sql("DROP SCHEMA public CASCADE")
    database.execute_sql("CREATE SCHEMA public")
    prepare_database(database)
    database.execute_sql("ALTER TABLE appointment DROP CONSTRAINT appointment_no_double_booking")
    database.execute_sql("DROP FUNCTION refuse_change() CASCADE")  # install() below recreates it and its triggers
    tables = tuple(model._meta.table_name for model in TABLES)
    for name, in database.execute_sql(
        "SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND tablename IN %s "
        "AND indexname NOT LIKE '%%_pkey'", (tables,)
    ).fetchall():
        database.execute_sql(f'DROP INDEX "{name}"')
    for model, rows in table_rows(scale):
        table = model._meta.table_name
        columns = ", ".join(field.column_name for field in _fields(model))
        with database.atomic():
            cursor = database.cursor()
            for chunk in _chunks(rows, 100_000):
                buffer = io.StringIO("".join(",".join(map(_csv_field, row)) + "\n" for row in chunk))
                cursor.copy_expert(f'COPY "{table}" ({columns}) FROM STDIN WITH (FORMAT csv)', buffer)
            database.execute_sql(
                f"""SELECT setval(pg_get_serial_sequence('"{table}"', 'id'), (SELECT max(id) FROM "{table}"))"""
            )
    for model in TABLES:
        model._schema.create_indexes(safe=True)
    constraints.install(database, sqlite=False)
    database.execute_sql("VACUUM ANALYZE")  # what autovacuum would have done by the time anyone looks
    database.close()
    return BuiltDatabase(url, scale, timer.perf_counter() - began, reused=False)


def _csv_field(value) -> str:
    """COPY's CSV: an unquoted empty field is NULL, a quoted one an empty text."""
    if value is None:
        return ""
    if isinstance(value, str):
        return '"' + value.replace('"', '""') + '"'
    if isinstance(value, bool):
        return "t" if value else "f"
    return str(value)  # numbers, dates, and aware datetimes as "2026-06-01 09:00:00+00:00"


# --- the rows ---


def _fields(model) -> list:
    return [field for field in model._meta.sorted_fields]


def _chunks(rows: Iterable[tuple], size: int) -> Iterator[list[tuple]]:
    chunk: list[tuple] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
