"""``clinic-desktop backup FILE``, ``backup --daily`` and ``restore FILE``.

``backup --daily`` is for a scheduled job (cron, Task Scheduler): it makes the clinic day's
copy in the daily backup folder unless the open app already did, and keeps the newest N.
"""
from __future__ import annotations

import sys
from pathlib import Path

from clinic_desktop.cli.database_option import open_database
from clinic_desktop.cli.errors import CommandError
from clinic_desktop.services.admin import backup, backup_schedule
from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.core.actor import Actor

_BACKUP_DESCRIPTION = (
    "Copy the whole database to FILE while the clinic keeps working (SQLite's online backup; on "
    "PostgreSQL, pg_dump). The copy is checked before it is reported done. With --daily, make "
    "today's copy in the daily backup folder (set in the app) unless there is one, and delete our "
    "daily copies beyond the number to keep; other files in the folder are never touched."
)
_RESTORE_DESCRIPTION = (
    "Replace the whole database with the backup in FILE. The file is checked first (whole, a "
    "Clinic Desktop database, not from a newer version); a safety copy of the current database "
    "is kept beside it. Close the app on every workstation first."
)


def register(commands) -> None:
    parser = commands.add_parser("backup", help="back the database up to a file, or make the daily backup",
                                 description=_BACKUP_DESCRIPTION)
    parser.add_argument("file", nargs="?", metavar="FILE", type=Path, help="the backup file to write")
    parser.add_argument("--daily", action="store_true",
                        help="make today's copy in the daily backup folder and keep the newest N")
    parser.set_defaults(run=run_backup)
    restore = commands.add_parser("restore", help="replace the database with a backup",
                                  description=_RESTORE_DESCRIPTION)
    restore.add_argument("file", metavar="FILE", type=Path, help="the backup file to restore")
    restore.set_defaults(run=run_restore)


def run_backup(arguments) -> int:
    if arguments.daily and arguments.file is not None:
        raise CommandError("give either FILE or --daily, not both")
    if not arguments.daily and arguments.file is None:
        raise CommandError("give the backup FILE to write, or --daily")
    open_database(arguments, must_exist=True, only_reads=not arguments.daily)
    actor = Actor.command_line()
    if arguments.daily:
        result = backup_schedule.run_daily(actor, even_if_off=True)
        kept = "1 daily copy" if len(result.kept) == 1 else f"{len(result.kept)} daily copies"
        print(f"{result.reason[0].upper()}{result.reason[1:]}; {kept} kept"
              + (f", {len(result.deleted)} older deleted." if result.deleted else "."))
        return 0
    if not backup.uses_sqlite() and not backup.pg_dump_available():
        raise CommandError("pg_dump was not found: install the PostgreSQL client tools, or run: "
                           + backup.pg_dump_command(arguments.file))
    result = backup.back_up(actor, arguments.file)
    held = f" ({backup.describe(result.contents, load_settings().zone)})" if result.contents else ""
    print(f"Backed up to {result.path}{held}: {backup.size_in_words(result.size_bytes)} "
          f"in {backup.seconds_in_words(result.seconds)}, checked.")
    return 0


def run_restore(arguments) -> int:
    if not arguments.file.is_file():
        raise CommandError(f"there is no file {arguments.file}")
    open_database(arguments, must_exist=True)
    if not backup.uses_sqlite():
        raise CommandError("a PostgreSQL database is restored by its administrator with every workstation "
                           "closed, all or nothing: " + backup.pg_restore_command(arguments.file))
    result = backup.restore(Actor.command_line(), arguments.file)
    zone = load_settings().zone
    print(f"Restored {arguments.file} ({backup.describe(result.restored, zone)}).")
    print(f"It replaced: {backup.describe(result.replaced, zone)}.")
    if result.upgraded_from is not None:
        print(f"The backup was upgraded from schema {result.upgraded_from}.")
    print(f"Safety copy of the replaced database: {result.safety_copy}")
    print("clinic-desktop: restart the app on every workstation", file=sys.stderr)
    return 0
