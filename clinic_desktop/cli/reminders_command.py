"""``clinic-desktop reminders send``: send the appointment reminders due now, for a scheduled job.

Run it every 15 minutes or so during the day (Task Scheduler, cron, a systemd timer) on a
machine whose keyring holds the mail and SMS secrets. It sends what the Reminders page would
send with "Send now", and the two never send a reminder twice between them. The exit status
tells the scheduler how it went: 0 everything due went (or nothing was due), 1 some
reminders failed (named on stderr; they wait on the Reminders page for Retry), 2 the
command could not run (bad input, database, keyring).
"""
from __future__ import annotations

import sys

from clinic_desktop.cli.database_option import open_database
from clinic_desktop.services.core.actor import Actor
from clinic_desktop.services.reminders import reminder_sending

EXIT_SOME_FAILED = 1

_SEND_DESCRIPTION = (
    "Send every appointment reminder due now (appointments within the clinic's reminder days, to "
    "patients who consented, by the channels set up under Administration → Messages), each once only "
    "even when another workstation sends at the same time. Prints what was sent; names each failure on "
    "stderr and exits with 1 when any failed."
)


def register(commands) -> None:
    parser = commands.add_parser("reminders", help="send appointment reminders by SMS and e-mail")
    actions = parser.add_subparsers(dest="reminders_action", metavar="ACTION", required=True)
    send = actions.add_parser("send", help="send the reminders due now", description=_SEND_DESCRIPTION)
    send.set_defaults(run=run_send)


def run_send(arguments) -> int:
    open_database(arguments, must_exist=True)
    report = reminder_sending.send_due_reminders(Actor.command_line())
    print(f"Reminders: {report.in_words()}")
    for failure in report.failed:
        print(f"clinic-desktop: not sent: {failure}", file=sys.stderr)
    return EXIT_SOME_FAILED if report.failed else 0
