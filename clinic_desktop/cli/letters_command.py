"""``clinic-desktop letters export --signed-unsent DIR``: signed letters as PDF files, for upload.

For clinics that send letters through a referral service's upload: a scheduled job puts
every signed letter not yet sent into a folder. It only reads: the letters stay "signed"
until someone marks them sent in the app, so nothing is lost if the upload fails.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from clinic_desktop.cli.database_option import open_database
from clinic_desktop.cli.errors import CommandError
from clinic_desktop.services.core.actor import Actor
from clinic_desktop.services.referrals import letter_batch

_EXPORT_DESCRIPTION = (
    "Write each signed referral letter that is not yet marked as sent into DIR as a PDF, one "
    "file per letter named by patient, referral number and letter version (for example "
    "SMITH-Ann_referral-12_v1.pdf); a file of the same name is replaced. The letters are NOT "
    "marked as sent: once they have gone, mark them sent in the app. Prints how many it wrote."
)


def register(commands) -> None:
    parser = commands.add_parser("letters", help="export signed referral letters")
    actions = parser.add_subparsers(dest="letters_action", metavar="ACTION", required=True)
    export = actions.add_parser("export", help="write signed, unsent letters into a folder as PDF files "
                                "(does not mark them sent)", description=_EXPORT_DESCRIPTION)
    export.add_argument("--signed-unsent", metavar="DIR", required=True, type=Path,
                        help="an existing folder to write the letters into")
    export.set_defaults(run=run_export)


def run_export(arguments) -> int:
    folder = _writable_folder(arguments.signed_unsent)  # refused before the database is opened
    open_database(arguments, only_reads=True)
    written = 0

    def count(_letter) -> None:
        nonlocal written
        written += 1

    try:
        report = letter_batch.export_signed_unsent(Actor.command_line(), folder, progress=count)
    except OSError as error:
        raise CommandError(f"writing into {folder} failed after {_letters(written)}: "
                           f"{error.strerror or error}") from None
    print(f"Wrote {_letters(len(report.written))} to {folder}; none was marked as sent.")
    if report.skipped:
        print(f"clinic-desktop: {_letters(len(report.skipped))} sent or amended during the export "
              "were left out", file=sys.stderr)
    for held in report.held:
        print(f"clinic-desktop: left out: {held}", file=sys.stderr)
    return 0


def _writable_folder(folder: Path) -> Path:
    """The folder, if it exists and a file can really be made in it (permissions, read-only disks)."""
    if not folder.exists():
        raise CommandError(f"--signed-unsent: there is no folder {folder}")
    if not folder.is_dir():
        raise CommandError(f"--signed-unsent: {folder} is not a folder")
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as error:
        raise CommandError(f"--signed-unsent: cannot write into {folder} ({error.strerror or error})") from None
    return folder


def _letters(count: int) -> str:
    return f"{count} letter" if count == 1 else f"{count} letters"
