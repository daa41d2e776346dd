"""``clinic-desktop demo``: a synthetic clinic to try the app with."""
from __future__ import annotations

import sys

from clinic_desktop.cli.database_option import open_database
from clinic_desktop.cli.errors import CommandError
from clinic_desktop.demo.clinic_story import (
    DEFAULT_PATIENTS,
    build_demo,
    database_is_empty,
    require_empty_database,
)


def register(commands) -> None:
    parser = commands.add_parser("demo", help="fill an empty database with a synthetic demo clinic")
    parser.add_argument("--patients", type=int, default=DEFAULT_PATIENTS, metavar="N",
                        help=f"how many patients (default {DEFAULT_PATIENTS})")
    parser.add_argument("--seed", type=int, default=7, metavar="S", help="the same seed gives the same clinic")
    parser.set_defaults(run=run_demo)


def run_demo(arguments) -> int:
    if arguments.patients < 1:
        raise CommandError("--patients needs a number of at least 1")
    where = open_database(arguments)
    require_empty_database()  # before announcing the work
    _build_and_report(arguments.patients, arguments.seed, where)
    return 0


def fill_if_empty() -> None:
    """For ``make run``: a brand-new database gets the demo clinic, an existing one is left alone."""
    if database_is_empty():
        _build_and_report(DEFAULT_PATIENTS, 7, "the new database")


def _build_and_report(patients: int, seed: int, where: str) -> None:
    print(f"Creating a demo clinic with {patients} patients in {where} …", file=sys.stderr)
    summary = build_demo(patients, seed)
    print(f"Demo clinic ready: {summary.patients} patients. Sign in with one of:")
    for username, password in summary.usernames.items():
        print(f"  {username:<10} password {password}")

