"""The command line: opens the window, or runs one command for a script or scheduled job.

Every command calls services only. Bad input ends with a one-line reason on stderr and a
non-zero exit status, never a traceback.
"""
from __future__ import annotations

import argparse
import os
import sys

from clinic_desktop import __version__
from clinic_desktop.cli import (
    audit_command,
    backup_command,
    demo_command,
    exchange_commands,
    letters_command,
    reminders_command,
    report_command,
    setup_postgres_command,
    user_commands,
    window_command,
    worklist_command,
)
from clinic_desktop.cli.errors import CommandError
from clinic_desktop.services.audit import audit
from clinic_desktop.services.core.errors import ServiceError
from clinic_desktop.services.core.startup import DATABASE_ENV, DatabaseUrlError, SchemaError

EXIT_BAD_INPUT = 2
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as a shell reports a reader that went away


class _OneLineParser(argparse.ArgumentParser):
    """argparse prints the usage and exits on bad input; we say what is wrong in one line."""

    def error(self, message: str):
        raise CommandError(f"{message} (see '{self.prog} --help')")


def build_parser() -> argparse.ArgumentParser:
    parser = _OneLineParser(
        prog="clinic-desktop",
        description="Clinic Desktop: the stepped-care pathway for back pain. "
        "Without a command it opens the window.",
    )
    parser.add_argument(
        "--database", metavar="URL",
        help=f"SQLite file path, sqlite:///path or postgresql://host:port/db (the window signs each person in "
        f"as their own login; a command names one: postgresql://db.user@host/db) "
        f"(default: ${DATABASE_ENV}, else the embedded file in your data folder)",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}",
                        help="say which version this is and exit")
    window_command.add_window_options(parser)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo_command.register(commands)
    worklist_command.register(commands)
    user_commands.register(commands)
    letters_command.register(commands)
    audit_command.register(commands)
    exchange_commands.register(commands)
    report_command.register(commands)
    reminders_command.register(commands)
    backup_command.register(commands)
    setup_postgres_command.register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        arguments = parser.parse_args(argv)
        arguments.invocation = list(sys.argv[1:] if argv is None else argv)
        if arguments.command is None:
            return window_command.run(arguments)
        status = arguments.run(arguments)
        for summary in audit.unrecorded():
            print(f"clinic-desktop: the database is read-only here, so its audit trail could not record: {summary}",
                  file=sys.stderr)
        return status
    except (CommandError, DatabaseUrlError, SchemaError, ServiceError, ValueError) as error:
        print(f"clinic-desktop: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader (e.g. `| head`) has all it wants; stop writing without a traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
