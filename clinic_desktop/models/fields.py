"""Column types the clinical record needs on both SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import datetime, timezone

from peewee import Field, SqliteDatabase

SQLITE_INSTANT_FORMAT = "%Y-%m-%d %H:%M:%S.%f+00:00"


class UTCDateTimeField(Field):
    """A timezone-aware instant, always stored in UTC.

    A naive datetime is refused rather than guessed at: an event time that silently
    shifted by an hour is a clinical error. SQLite keeps a fixed-width UTC text so that
    text order is time order (the double-booking trigger compares them, through an index);
    PostgreSQL keeps ``timestamptz``. That only holds if every row has that one form, so
    SQLite itself refuses any other (constraints.py, sqlite_instant_form): another program
    writing ``2026-12-03T10:00:00Z`` would otherwise sort before ``2026-12-03 09:00…`` and a
    double booking would pass unnoticed.
    """

    field_type = "UTC_TIMESTAMP"

    def db_value(self, value):
        if value is None:
            return None
        if not isinstance(value, datetime) or value.tzinfo is None:
            raise ValueError(f"{self.name}: a timezone-aware datetime is required, got {value!r}")
        value = value.astimezone(timezone.utc)
        if self._is_sqlite():
            return value.strftime(SQLITE_INSTANT_FORMAT)
        return value

    def python_value(self, value):
        if value is None:
            return None
        if isinstance(value, str):  # the text db_value wrote, "+00:00" and all; 50x quicker than strptime
            return datetime.fromisoformat(value)
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)

    def _is_sqlite(self) -> bool:
        database = self.model._meta.database
        return isinstance(getattr(database, "obj", database), SqliteDatabase)


def sqlite_instant_form(column: str) -> str:
    """SQL that is true when ``column`` holds an instant in exactly the form db_value writes.

    The shape is checked character by character (GLOB), then the date and time are checked to
    be real ones (no 30 February, no 24:00) by a round trip through julianday, which would
    move an impossible one to another day. The fraction is left out of the round trip: a
    microsecond in julianday's float could round a real second up to the next.
    """
    digits = "[0-9]"
    shape = (f"{digits * 4}-{digits * 2}-{digits * 2} {digits * 2}:{digits * 2}:{digits * 2}."
             f"{digits * 6}+00:00")
    return (f"(typeof({column}) = 'text' AND {column} GLOB '{shape}' AND "
            f"strftime('%Y-%m-%d %H:%M:%S', julianday(substr({column}, 1, 19))) = substr({column}, 1, 19))")


def utc_columns(models) -> list[tuple[str, str]]:
    """(table, column) of every UTCDateTimeField of ``models``, in their order."""
    return [(model._meta.table_name, field.column_name) for model in models
            for field in model._meta.sorted_fields if isinstance(field, UTCDateTimeField)]


FIELD_TYPES_SQLITE = {"UTC_TIMESTAMP": "TEXT"}
FIELD_TYPES_POSTGRES = {"UTC_TIMESTAMP": "TIMESTAMPTZ"}
