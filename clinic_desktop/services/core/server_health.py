"""A warning when the clinic's server would not keep a committed record through a crash.

PostgreSQL with ``fsync`` or ``synchronous_commit`` off confirms a commit before it is on its
disk: in issue 19's test, 42 of 7,159 records the app had been told were saved were gone after
20 crashes. Nothing in the app can notice afterwards that a saved record is missing, so it says
so whenever it opens the database: in the window, to the practice manager, and on the command
line (the settings as the server gave them at its last connection, models/database.py).
"""
from __future__ import annotations

from clinic_desktop.models import database_proxy

__all__ = ["durability_warning"]


def durability_warning() -> str | None:
    """The warning, in words for a practice manager and for the server's administrator, or None when
    the server keeps every commit (or the database is an SQLite file, which always does here)."""
    facts = getattr(database_proxy.obj, "server_facts", None)
    off = facts.durability_off() if facts is not None else ()
    if not off:
        return None
    settings = " and ".join(f"{name} = off" for name in off)
    return ("The database server is set to confirm saved records before they are safely on its disk "
            f"({settings}): records saved in the moments before a power cut or a crash of the server can be "
            "lost without anyone knowing (a test lost 42 of 7,159 over 20 crashes). Ask the server's administrator "
            "to set fsync and synchronous_commit back on (postgresql.conf, and any ALTER ROLE or ALTER DATABASE "
            "that sets them) and reload the server.")
