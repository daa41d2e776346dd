"""``clinic-desktop export fhir``: one patient's record, or every patient's, as FHIR R4 Bundles.

``--patient ID FILE`` writes one record; ``--all DIR`` writes one file per patient into an
empty folder, for a clinic moving to another system, saying how far it has got as it goes
(a line every tenth of the way, or one line kept up to date on a terminal). A patient whose
record fails the FHIR check is named on stderr and the others are still written; the
command then exits 1 so a script notices.
"""
from __future__ import annotations

import sys
from pathlib import Path

from clinic_desktop.cli.database_option import open_database
from clinic_desktop.cli.errors import CommandError
from clinic_desktop.services.core.actor import Actor
from clinic_desktop.services.core.progress import Watcher, watched_by
from clinic_desktop.services.exchange import fhir_bulk_export, fhir_export

EXIT_RECORDS_LEFT_OUT = 1


def register(kinds) -> None:
    fhir = kinds.add_parser(
        "fhir", help="a patient's record, or every patient's, as FHIR R4 Bundles (JSON)",
        description="Write a patient's record (episodes, appointments, STarT Back and its scores, measures, "
        "referrals and signed letters) as a FHIR R4 Bundle, checked before it is written; with --all, every "
        "patient's, one file per patient (patient-000123.json) in an empty folder.")
    which = fhir.add_mutually_exclusive_group(required=True)
    which.add_argument("--patient", metavar="ID", type=int, help="the patient's record number (give FILE too)")
    which.add_argument("--all", dest="folder", metavar="DIR", type=Path,
                       help="an empty folder to write every patient's record into")
    fhir.add_argument("file", metavar="FILE", type=Path, nargs="?", help="with --patient: the file to write")
    fhir.set_defaults(run=run_export_fhir)


def run_export_fhir(arguments) -> int:
    if arguments.folder is not None:
        return _export_every_record(arguments)
    if arguments.file is None:
        raise CommandError("--patient needs the FILE to write the record to")
    if not arguments.file.parent.is_dir():  # refused before the database is opened
        raise CommandError(f"there is no folder {arguments.file.parent} to write {arguments.file.name} into")
    if arguments.file.is_dir():
        raise CommandError(f"{arguments.file} is a folder: give a file name")
    open_database(arguments, only_reads=True)
    written = fhir_export.export_patient_record(Actor.command_line(), arguments.patient, arguments.file)
    counts = ", ".join(f"{count} {kind}" for kind, count in written.resources.items())
    print(f"Wrote the record of {written.patient_name} ({counts}; {written.size_bytes:,} bytes) to {written.path}")
    return 0


def _export_every_record(arguments) -> int:
    if arguments.file is not None:
        raise CommandError(f"--all writes one file per patient into DIR: leave out {arguments.file}")
    refusal = fhir_bulk_export.folder_refusal(arguments.folder)  # before the database is opened
    if refusal:
        raise CommandError(f"--all: {refusal}")
    open_database(arguments, only_reads=True)
    with watched_by(Watcher(_ProgressLine(sys.stderr))):
        report = fhir_bulk_export.export_every_record(Actor.command_line(), arguments.folder)
    print(f"Wrote {report.written:,} of {report.patients:,} patients' records ({report.resources:,} resources, "
          f"{report.size_bytes:,} bytes) to {report.folder}")
    for left_out in report.not_exported:
        print(f"clinic-desktop: left out {left_out.patient_name} (record {left_out.patient_id}): {left_out.fault}",
              file=sys.stderr)
    return EXIT_RECORDS_LEFT_OUT if report.not_exported else 0


class _ProgressLine:
    """"12,000 of 100,000 records written": redrawn in place on a terminal, else a line each tenth."""

    def __init__(self, stream) -> None:
        self.stream = stream
        self.in_place = stream.isatty()
        self.tenths_said = 0

    def __call__(self, done: int, total: int, _text: str) -> None:
        words = f"{done:,} of {total:,} records exported"
        if self.in_place:
            self.stream.write(f"\r{words}" + ("\n" if done == total else ""))
        elif done * 10 // total > self.tenths_said:
            self.tenths_said = done * 10 // total
            self.stream.write(words + "\n")
        self.stream.flush()
