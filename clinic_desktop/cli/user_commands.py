"""``clinic-desktop create-manager``: the first account, for a clinic set up from a terminal."""
from __future__ import annotations

import getpass
import sys

from clinic_desktop.cli.database_option import open_database
from clinic_desktop.cli.errors import CommandError
from clinic_desktop.services.admin import users


def register(commands) -> None:
    parser = commands.add_parser(
        "create-manager", help="create the first practice-manager account (first run only)"
    )
    parser.add_argument("--username", required=True)
    parser.add_argument("--full-name", required=True)
    parser.add_argument("--password-stdin", action="store_true",
                        help="read the password from the first line of standard input")
    parser.set_defaults(run=run_create_manager)


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    if not sys.stdin.isatty():
        raise CommandError("no terminal to ask for the password: use --password-stdin")
    password = getpass.getpass("Password: ")
    if password != getpass.getpass("Password again: "):
        raise CommandError("the two passwords differ; nothing was created")
    return password


def run_create_manager(arguments) -> int:
    open_database(arguments)
    password = _read_password(arguments.password_stdin)
    actor = users.create_first_manager(arguments.username, arguments.full_name, password)
    print(f"Created practice manager {actor.username} ({actor.full_name}).")
    return 0
