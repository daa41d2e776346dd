"""Column types the clinical record needs on both SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import datetime, timezone

from peewee import Field, SqliteDatabase

_SQLITE_FORMAT = "%Y-%m-%d %H:%M:%S.%f+00:00"


class UTCDateTimeField(Field):
    """A timezone-aware instant, always stored in UTC.

    A naive datetime is refused rather than guessed at: an event time that silently
    shifted by an hour is a clinical error. SQLite keeps a fixed-width UTC text so that
    text order is time order (the double-booking trigger compares them); PostgreSQL keeps
    ``timestamptz``.
    """

    field_type = "UTC_TIMESTAMP"

    def db_value(self, value):
        if value is None:
            return None
        if not isinstance(value, datetime) or value.tzinfo is None:
            raise ValueError(f"{self.name}: a timezone-aware datetime is required, got {value!r}")
        value = value.astimezone(timezone.utc)
        if self._is_sqlite():
            return value.strftime(_SQLITE_FORMAT)
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


FIELD_TYPES_SQLITE = {"UTC_TIMESTAMP": "TEXT"}
FIELD_TYPES_POSTGRES = {"UTC_TIMESTAMP": "TIMESTAMPTZ"}
