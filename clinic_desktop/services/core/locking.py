"""Row locks for changes two workstations might make to one record at the same moment."""
from __future__ import annotations

from clinic_desktop.models import is_sqlite

__all__ = ["locked_row"]


def locked_row(model, row_id: int):
    """The row or None, locked on PostgreSQL so two workstations change it one after the other
    (two episodes opened for one patient, one warning acknowledged twice, a draft rewritten
    while it is being signed); SQLite's writers are serialised already."""
    query = model.select().where(model.id == row_id)
    return (query if is_sqlite() else query.for_update()).first()
