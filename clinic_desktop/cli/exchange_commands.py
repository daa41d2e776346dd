"""``clinic-desktop export …`` and ``clinic-desktop import patients``: data for other systems.

For integrators and scheduled jobs: a clinician's calendar (iCalendar), a patient's record
or every patient's (FHIR R4 JSON, fhir_command.py), every patient as CSV, and a CSV import that reports each bad row by line
and column. Bad input (an unknown clinician or patient, an unreadable file, wrong
columns) ends with a one-line reason and exit status 2; an import that left rows out
exits 1 after saying which and why.
"""
from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from clinic_desktop.cli import fhir_command
from clinic_desktop.cli.database_option import open_database
from clinic_desktop.cli.errors import CommandError
from clinic_desktop.services.core.actor import Actor
from clinic_desktop.services.core.clinic_time import format_date
from clinic_desktop.services.exchange import calendar_export, patient_import

EXIT_ROWS_LEFT_OUT = 1


def register(commands) -> None:
    export = commands.add_parser("export", help="export appointments, a patient's record or the patients list")
    kinds = export.add_subparsers(dest="export_kind", metavar="WHAT", required=True)

    ical = kinds.add_parser("ical", help="a clinician's appointments as an iCalendar (.ics) file",
                            description="Write a clinician's appointments (from today unless --from is given) as "
                            "an iCalendar file, every time in UTC so that every calendar program reads it the "
                            "same; cancelled ones, and ones moved to a colleague, are marked cancelled.")
    ical.add_argument("--clinician", metavar="USERNAME", required=True, help="the clinician's username")
    ical.add_argument("--from", dest="start", metavar="DATE", type=_day, help="first day, YYYY-MM-DD (default today)")
    ical.add_argument("--to", dest="end", metavar="DATE", type=_day, help="last day, YYYY-MM-DD (default: no end)")
    ical.add_argument("file", metavar="FILE", type=Path)
    ical.set_defaults(run=run_export_ical)

    fhir_command.register(kinds)

    everyone = kinds.add_parser("patients", help="every patient as CSV, in the columns 'import patients' reads")
    everyone.add_argument("file", metavar="FILE", type=Path)
    everyone.set_defaults(run=run_export_patients)

    bring_in = commands.add_parser("import", help="import patients from a CSV file")
    what = bring_in.add_subparsers(dest="import_kind", metavar="WHAT", required=True)
    patients = what.add_parser(
        "patients", help="register the patients in a CSV file",
        description="Check every row (NHS number, names, date of birth, duplicates in the file or already "
        "registered), print the rows with problems, then register the good rows in one transaction. "
        "A row with a problem is left out whole. With --dry-run nothing is written.")
    patients.add_argument("file", metavar="FILE", type=Path)
    patients.add_argument("--dry-run", action="store_true", help="check and report only; write nothing")
    patients.set_defaults(run=run_import_patients)


def run_export_ical(arguments) -> int:
    _output_folder(arguments.file)
    open_database(arguments, only_reads=True)
    written = calendar_export.export_calendar(Actor.command_line(), arguments.clinician, arguments.file,
                                              start=arguments.start, end=arguments.end)
    until = f" to {format_date(written.last_day)}" if written.last_day else " onwards"
    print(f"Wrote {_count(written.appointments, 'appointment')} of {written.clinician_name} "
          f"({format_date(written.first_day)}{until}) to {written.path}")
    return 0


def run_export_patients(arguments) -> int:
    _output_folder(arguments.file)
    open_database(arguments, only_reads=True)
    written = patient_import.export_patients_csv(Actor.command_line(), arguments.file)
    print(f"Wrote {_count(written.patients, 'patient')} to {written.path}")
    return 0


def run_import_patients(arguments) -> int:
    if not arguments.file.is_file():  # said before the database is opened (or created)
        raise CommandError(f"there is no file {arguments.file}")
    open_database(arguments, must_exist=True)
    actor = Actor.command_line()
    preview = patient_import.preview_patient_import(actor, arguments.file)
    print(f"{arguments.file.name}: {preview.summary()}")
    for line in preview.problem_lines():
        print(f"  {line}")
    if arguments.dry_run:
        print("Dry run: nothing was imported.")
        return 0
    result = patient_import.import_patients(actor, preview)
    print(result.summary())
    if result.left_out:
        print(f"clinic-desktop: {_count(result.left_out, 'row')} with problems left out (listed above)",
              file=sys.stderr)
        return EXIT_ROWS_LEFT_OUT
    return 0


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date: write it as YYYY-MM-DD") from None


def _output_folder(file: Path) -> None:
    """Refuse a file that cannot be written before the database is opened."""
    folder = file.parent
    if not folder.is_dir():
        raise CommandError(f"there is no folder {folder} to write {file.name} into")
    if file.is_dir():
        raise CommandError(f"{file} is a folder: give a file name")


def _count(number: int, thing: str) -> str:
    return f"{number:,} {thing}" if number == 1 else f"{number:,} {thing}s"
