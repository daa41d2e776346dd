"""``clinic-desktop audit verify`` and ``audit export``: the audit trail for a scheduled job.

``verify`` walks the hash chain and exits 0 when it is intact, 1 when it is broken (with
where and how on one line), so a nightly job can raise the alarm; bad input exits 2.
Deleting the newest entries leaves a shorter chain that is still intact, so ``verify``
prints the newest entry's ``--expect ID:HASH`` for the job to keep outside the database
and give back next time: an entry that was there and is gone is then found.
``export`` writes the entries matching the filters to a CSV file, oldest first.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

from clinic_desktop.cli.database_option import open_database
from clinic_desktop.cli.errors import CommandError
from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.audit import audit_log, letters_verify
from clinic_desktop.services.core.actor import Actor

EXIT_BROKEN = 1

_VERIFY_DESCRIPTION = (
    "Check the audit trail's hash chain, oldest entry first, and that the newest patient and "
    "account still have the entries that created them. Prints 'Audit trail intact: N entries "
    "checked' and exits 0, or names the first broken entry (altered, deleted or out of order) and "
    "exits 1. An intact trail is followed by a check of every stored letter as 'letters verify' does it, "
    "a line for each that fails (exit 1). On success its last line is 'Next check: clinic-desktop audit verify --expect ID:HASH': "
    "keep that ID:HASH somewhere other than the database (a scheduled job's own file) and pass it "
    "with --expect next time. Deleting the newest entries leaves a shorter chain that is still "
    "intact; with --expect the check fails (exit 1) when that entry is gone or was changed."
)
_EXPORT_DESCRIPTION = (
    "Write the audit entries matching every filter given to FILE as CSV (UTF-8), oldest first, with "
    "times in the clinic's time zone. The file is replaced only once it is complete. The export "
    "is itself recorded in the audit trail."
)


def register(commands) -> None:
    parser = commands.add_parser("audit", help="check or export the audit trail")
    actions = parser.add_subparsers(dest="audit_action", metavar="ACTION", required=True)
    verify = actions.add_parser("verify", help="check the audit trail's hash chain (exit 1 if broken)",
                                description=_VERIFY_DESCRIPTION)
    verify.add_argument("--expect", metavar="ID:HASH", type=_anchor,
                        help="the newest entry an earlier check printed (ID:HASH, or the HASH alone); "
                             "exit 1 if the trail no longer holds it")
    verify.set_defaults(run=run_verify)
    export = actions.add_parser("export", help="write audit entries to a CSV file", description=_EXPORT_DESCRIPTION)
    export.add_argument("--patient", metavar="ID", type=_patient_id, help="only entries about this patient (number)")
    export.add_argument("--user", metavar="USERNAME", help="only entries by this account")
    export.add_argument("--action", metavar="A", help="only this action (e.g. book_appointment)")
    export.add_argument("--from", dest="start", metavar="YYYY-MM-DD", type=_date("--from"),
                        help="from this clinic date (included)")
    export.add_argument("--to", dest="end", metavar="YYYY-MM-DD", type=_date("--to"),
                        help="up to this clinic date (included)")
    export.add_argument("file", metavar="FILE", type=Path, help="the CSV file to write")
    export.set_defaults(run=run_export)


def run_verify(arguments) -> int:
    open_database(arguments, only_reads=True)
    actor = Actor.command_line()
    report = audit_log.verify_chain(actor, expect=arguments.expect)
    print(report.message(load_settings().zone))
    if not report.intact:
        return EXIT_BROKEN  # the letters are checked against signing events a broken trail cannot vouch for
    letters = letters_verify.verify_letters(actor)
    for failure in letters.failures:
        print(failure.line)
    print(letters.message)
    if report.newest_id is not None:
        print(f"Newest entry #{report.newest_id}, hash {report.newest_hash}")
        print(f"Next check: clinic-desktop audit verify --expect {report.newest_id}:{report.newest_hash}")
    return 0 if letters.intact else EXIT_BROKEN


def run_export(arguments) -> int:
    target = arguments.file
    if target.is_dir():
        raise CommandError(f"{target} is a folder: give the CSV file to write")
    if not (target.parent if str(target.parent) else Path(".")).is_dir():
        raise CommandError(f"there is no folder {target.parent} to write {target.name} into")
    open_database(arguments, only_reads=True)
    actor = Actor.command_line()
    user_id = audit_log.user_named(actor, arguments.user) if arguments.user is not None else None
    filters = audit_log.AuditFilters(patient_id=arguments.patient, user_id=user_id, action=arguments.action,
                                     start=arguments.start, end=arguments.end)
    try:
        count = audit_log.export_events_csv(actor, target, filters)
    except OSError as error:
        raise CommandError(f"writing {target} failed: {error.strerror or error}") from None
    print(f"Wrote {count:,} audit {'entry' if count == 1 else 'entries'} to {target}.")
    return 0


def _patient_id(text: str) -> int:
    if not text.strip().isdigit() or int(text) < 1:
        raise CommandError(f"--patient needs a patient's number (for example 12), got {text!r}")
    return int(text)


def _anchor(text: str) -> audit_log.Anchor:
    try:
        return audit_log.Anchor.parse(text)
    except ValueError:
        raise CommandError(f"--expect needs the ID:HASH an earlier 'audit verify' printed (or the 64-character "
                           f"HASH alone), got {text!r}") from None


def _date(option: str):
    def parse(text: str) -> date:
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise CommandError(f"{option} needs a date as YYYY-MM-DD, got {text!r}") from None

    return parse

