"""Opening the clinic's database: bind the models, create or upgrade the schema."""
from __future__ import annotations

from clinic_desktop.models import bind_database, make_database
from clinic_desktop.models.database import database_location
from clinic_desktop.models.schema import SchemaReport, prepare_database


def open_clinic_database(location: str | None = None) -> tuple[str, SchemaReport]:
    """Open the database at ``location`` (or the configured default) and make it ready.

    Raises DatabaseUrlError or SchemaError with a message fit for the user.
    """
    where = database_location(location)
    database = make_database(where)
    bind_database(database)
    database.connect(reuse_if_open=True)
    return where, prepare_database(database)
