"""``clinic-desktop report overdue|dashboard --format csv|pdf FILE``: the manager's reports for a scheduled job.

Each writes one file (replacing one of the same name) and records the export in the
audit trail; bad input ends with a one-line reason and exit status 2.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

from clinic_desktop.cli.database_option import open_database
from clinic_desktop.cli.errors import CommandError
from clinic_desktop.services.core.actor import Actor
from clinic_desktop.services.reporting import dashboard, report_export

_BANDS = tuple(band.key for band in dashboard.AGE_BANDS)


def register(commands) -> None:
    parser = commands.add_parser("report", help="write the overdue list or the dashboard as CSV or PDF")
    reports = parser.add_subparsers(dest="report", metavar="REPORT", required=True)
    overdue = reports.add_parser(
        "overdue", help="open reviews and referrals past their due-by date",
        description="Write the overdue list (or the part of it one dashboard figure counts) to FILE. "
                    "Urgent red-flag referrals come first, then the longest overdue.")
    _common(overdue)
    overdue.add_argument("--kind", help="only this kind (e.g. two_week_review, urgent_red_flag)")
    overdue.add_argument("--band", choices=_BANDS, help="only items overdue by this many days")
    overdue.add_argument("--clinician", metavar="USERNAME",
                         help="only the episodes of this clinician (the one who recorded the first contact)")
    overdue.set_defaults(run=run_overdue)
    board = reports.add_parser(
        "dashboard", help="every dashboard figure and the pathway measures' last 12 weeks",
        description="Write the dashboard to FILE: overdue counts by kind, by how long and by clinician, and "
                    "each pathway measure with its definition and its last 12 weeks.")
    _common(board)
    board.set_defaults(run=run_dashboard)


def _common(parser) -> None:
    parser.add_argument("--format", choices=report_export.FORMATS,
                        help="csv or pdf (default: from the file name's ending)")
    parser.add_argument("--as-of", metavar="YYYY-MM-DD", type=_iso_date,
                        help="report as of this date (default: today in the clinic's time zone)")
    parser.add_argument("file", metavar="FILE", type=Path, help="the file to write (replaced if it exists)")


def run_overdue(arguments) -> int:
    file_format = _format(arguments)
    open_database(arguments, only_reads=True)
    actor = Actor.command_line()
    clinician_id = dashboard.clinician_id_for(actor, arguments.clinician) if arguments.clinician else None
    result = report_export.export_overdue(actor, arguments.file, file_format, as_of=arguments.as_of,
                                         kind=arguments.kind, band=arguments.band, clinician_id=clinician_id)
    print(result.message)
    return 0


def run_dashboard(arguments) -> int:
    file_format = _format(arguments)
    open_database(arguments, only_reads=True)
    result = report_export.export_dashboard(Actor.command_line(), arguments.file, file_format, as_of=arguments.as_of)
    print(result.message)
    return 0


def _format(arguments) -> str:
    """--format, else the file's ending; checked before the database is opened."""
    if arguments.format:
        return arguments.format
    ending = arguments.file.suffix.lower().lstrip(".")
    if ending not in report_export.FORMATS:
        raise CommandError(f"say --format csv or --format pdf (the name {arguments.file.name!r} does not end in "
                           ".csv or .pdf)")
    return ending


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--as-of needs a date as YYYY-MM-DD, got {text!r}") from None
