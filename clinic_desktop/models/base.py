"""The one base model every table shares, bound late to whichever database is open."""
from __future__ import annotations

from peewee import Check, Model

from clinic_desktop.models.database import database_proxy


class BaseModel(Model):
    class Meta:
        database = database_proxy
        legacy_table_names = False


def one_of(column: str, values) -> Check:
    """A CHECK constraint keeping a text column to its known values."""
    quoted = ", ".join(f"'{value}'" for value in values)
    return Check(f"{column} IN ({quoted})")
