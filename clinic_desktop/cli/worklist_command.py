"""``clinic-desktop worklist overdue``: the overdue list for a script or a printout."""
from __future__ import annotations

import csv
import sys
from datetime import date

from clinic_desktop.cli.database_option import open_database
from clinic_desktop.cli.errors import CommandError
from clinic_desktop.services.core.actor import Actor
from clinic_desktop.services.worklists import worklists

_PAGE = 500
_COLUMNS = ("days overdue", "due by", "kind", "patient", "NHS number", "date of birth", "status", "urgent")


def register(commands) -> None:
    parser = commands.add_parser("worklist", help="print a worklist")
    lists = parser.add_subparsers(dest="worklist", metavar="LIST", required=True)
    overdue = lists.add_parser("overdue", help="open reviews and referrals past their due-by date")
    overdue.add_argument("--as-of", metavar="YYYY-MM-DD", type=_iso_date,
                         help="count overdue as of this date (default: today in the clinic's time zone)")
    overdue.add_argument("--format", choices=("table", "csv"), default="table")
    overdue.add_argument("--kind", help="only this kind (e.g. two_week_review, urgent_red_flag)")
    overdue.set_defaults(run=run_overdue)


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--as-of needs a date as YYYY-MM-DD, got {text!r}") from None


def overdue_rows(actor: Actor, as_of: date | None, kind: str | None):
    """Every overdue row, fetched a page at a time so memory stays flat."""
    offset = 0
    while True:
        page = worklists.overdue(actor, as_of=as_of, kind=kind, offset=offset, limit=_PAGE)
        yield from page.rows
        offset += len(page.rows)
        if not page.rows or offset >= page.total:
            return


def _cells(row) -> tuple[str, ...]:
    return (
        str(row.days_overdue),
        row.due_by.isoformat(),
        row.kind_title,
        row.patient_name,
        row.nhs_number,
        row.date_of_birth.isoformat(),
        row.status.replace("_", " "),
        "URGENT" if row.urgent else "",
    )


def run_overdue(arguments) -> int:
    open_database(arguments, only_reads=True)
    actor = Actor.command_line()
    rows = overdue_rows(actor, arguments.as_of, arguments.kind)
    if arguments.format == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(_COLUMNS)
        for row in rows:
            writer.writerow(_cells(row))
        return 0
    cells = [_cells(row) for row in rows]
    if not cells:
        print("Nothing is overdue.")
        return 0
    widths = [max(len(column), *(len(line[index]) for line in cells)) for index, column in enumerate(_COLUMNS)]
    print("  ".join(column.ljust(width) for column, width in zip(_COLUMNS, widths)).rstrip())
    print("  ".join("-" * width for width in widths))
    for line in cells:
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths)).rstrip())
    print(f"\n{len(cells)} overdue")
    return 0
