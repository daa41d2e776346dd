"""Opening the database a command was pointed at, with a one-line report of what happened."""
from __future__ import annotations

import sys

from clinic_desktop.services.core.server_health import durability_warning
from clinic_desktop.services.core.startup import open_clinic_database


def open_database(arguments, *, must_exist: bool = False, sign_in_later: bool = False,
                  only_reads: bool = False) -> str:
    """Open and prepare the database; tell the user when it was created or upgraded, and warn them of a
    server that would lose committed records in a crash.

    ``sign_in_later``: the window's, where a server URL without a user is reached as whoever signs in.
    ``only_reads`` is for a command that writes nothing into the database but its audit event
    (a backup, a report, a check, an export): it can then read a file on a read-only or full
    volume, as startup.open_clinic_database says.
    """
    where, report = open_clinic_database(arguments.database, must_exist=must_exist, sign_in_later=sign_in_later,
                                         only_reads=only_reads)
    if report.created:
        print(f"clinic-desktop: created a new database at {where}", file=sys.stderr)
    elif report.upgraded_from is not None:
        print(
            f"clinic-desktop: upgraded the database from schema {report.upgraded_from}; "
            f"backup copy at {report.backup}",
            file=sys.stderr,
        )
    warning = durability_warning()
    if warning is not None:
        print(f"clinic-desktop: warning: {warning}", file=sys.stderr)
    return where
