"""``clinic-desktop letters export|verify|certificate``: signed letters outside the window.

``export --signed-unsent DIR``: for clinics that send letters through a referral service's
upload, a scheduled job puts every signed letter not yet sent into a folder. It only reads:
the letters stay "signed" until someone marks them sent in the app, so nothing is lost if
the upload fails.

``verify [FILE]``: every stored letter version checked against its signing event and its
embedded signature (exit 1 if any fails), or one PDF file: is it a letter the clinic
signed, and which. ``certificate FILE``: the clinic's authority certificate, for recipients.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from clinic_desktop.cli.database_option import open_database
from clinic_desktop.cli.errors import CommandError
from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.audit import letters_verify
from clinic_desktop.services.core.actor import Actor
from clinic_desktop.services.referrals import letter_batch

EXIT_FAILED = 1

_EXPORT_DESCRIPTION = (
    "Write each signed referral letter that is not yet marked as sent into DIR as a PDF, one "
    "file per letter named by patient, referral number and letter version (for example "
    "SMITH-Ann_referral-12_v1.pdf); a file of the same name is replaced. The letters are NOT "
    "marked as sent: once they have gone, mark them sent in the app. Prints how many it wrote."
)


_VERIFY_DESCRIPTION = (
    "Without FILE: check every stored letter version against the hash its signing event in the audit "
    "trail recorded and against its embedded PDF signature (made with a certificate from the clinic's "
    "own authority, covering the letter's referral, patient, NHS number and version, which must be the "
    "record it is stored under). Prints a line for each letter that fails and a summary; exits 1 if any "
    "fails. Letters signed before letters carried a digital signature are checked against the audit "
    "hash only, and the summary says how many. With FILE: check that PDF file, and say which stored "
    "letter it is (exit 0) or why it is not one the clinic signed (exit 1)."
)
_CERTIFICATE_DESCRIPTION = (
    "Write the clinic's signing authority certificate to FILE as PEM. A recipient who adds it to their PDF "
    "reader's trusted certificates sees each signed letter as signed by a trusted certificate."
)


def register(commands) -> None:
    parser = commands.add_parser("letters", help="export or check signed referral letters")
    actions = parser.add_subparsers(dest="letters_action", metavar="ACTION", required=True)
    export = actions.add_parser("export", help="write signed, unsent letters into a folder as PDF files "
                                "(does not mark them sent)", description=_EXPORT_DESCRIPTION)
    export.add_argument("--signed-unsent", metavar="DIR", required=True, type=Path,
                        help="an existing folder to write the letters into")
    export.set_defaults(run=run_export)
    verify = actions.add_parser("verify", help="check every stored letter, or one PDF file (exit 1 if one fails)",
                                description=_VERIFY_DESCRIPTION)
    verify.add_argument("file", metavar="FILE", type=Path, nargs="?",
                        help="a PDF file to check instead: a letter the clinic signed, and which one")
    verify.set_defaults(run=run_verify)
    certificate = actions.add_parser("certificate", help="write the clinic's signing certificate (PEM) for "
                                     "recipients", description=_CERTIFICATE_DESCRIPTION)
    certificate.add_argument("file", metavar="FILE", type=Path, help="the .pem file to write")
    certificate.set_defaults(run=run_certificate)


def run_verify(arguments) -> int:
    pdf = _read_pdf(arguments.file) if arguments.file is not None else None  # refused before the database opens
    open_database(arguments, must_exist=True)
    actor = Actor.command_line()
    if pdf is not None:
        valid, line = letters_verify.check_letter_file(actor, pdf)
        print(line)
        return 0 if valid else EXIT_FAILED
    report = letters_verify.verify_letters(actor)
    for failure in report.failures:
        print(failure.line)
    print(report.message)
    return 0 if report.intact else EXIT_FAILED


def run_certificate(arguments) -> int:
    target = arguments.file
    if target.is_dir():
        raise CommandError(f"{target} is a folder: give the .pem file to write")
    open_database(arguments, must_exist=True)
    letters_verify.save_clinic_certificate(Actor.command_line(), target)
    print(f"Wrote the signing certificate of {load_settings().name} to {target}: give it to recipients, whose PDF "
          "reader then shows the clinic's signed letters as signed by a trusted certificate.")
    return 0


def _read_pdf(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except IsADirectoryError:
        raise CommandError(f"{path} is a folder: give the PDF file to check") from None
    except OSError as error:
        raise CommandError(f"cannot read {path}: {error.strerror or error}") from None


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
