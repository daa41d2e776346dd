"""The daily automatic backup: one copy per clinic day, the newest N kept.

It runs from the open app (at start, and again after midnight) or from a scheduled job
(``clinic-desktop backup --daily``); whichever comes first on a clinic day makes the copy,
the others find it there and do nothing. A daily copy is named
``<database>-daily-YYYY-MM-DD.sqlite3`` (``.pgdump`` on PostgreSQL): only files named
exactly so are ever deleted, so whatever else shares the folder is safe.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import platformdirs

from clinic_desktop.models import database_proxy, is_sqlite
from clinic_desktop.models.database import APP_NAME
from clinic_desktop.services.admin import backup, server_logins
from clinic_desktop.services.admin.settings import ClinicSettings, load_settings
from clinic_desktop.services.audit import audit
from clinic_desktop.services.core import clock
from clinic_desktop.services.core.actor import Actor
from clinic_desktop.services.core.entity import Entity
from clinic_desktop.services.core.errors import ValidationError
from clinic_desktop.services.core.permissions import COMMAND_LINE
from clinic_desktop.services.core.transaction import permission_checked, service

__all__ = ["DailyResult", "KeptCopy", "backup_folder", "daily_backup_actor", "daily_file_name", "kept_copies",
           "list_kept_copies", "run_daily"]


@dataclass(frozen=True)
class KeptCopy:
    path: Path
    day: date
    size_bytes: int


@dataclass(frozen=True)
class DailyResult:
    made: backup.BackupResult | None  # None when today's copy was already there, or the backup is off
    deleted: tuple[Path, ...]
    kept: tuple[KeptCopy, ...]
    reason: str  # in words: what happened


def daily_backup_actor() -> Actor:
    """Who takes the daily copy from an open window: the workstation itself, not the signed-in
    user (a receptionist's open window backs the clinic up too)."""
    return Actor(user_id=None, username="daily-backup", full_name="daily automatic backup", role=COMMAND_LINE)


def backup_folder(settings: ClinicSettings) -> Path:
    """Where the daily copies go: the chosen folder, else "backups" beside the database file."""
    if settings.backup_folder.strip():
        return Path(settings.backup_folder.strip()).expanduser()
    live = backup.live_database_file()
    if live is not None:
        return live.parent / "backups"
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "backups"


def _pattern() -> re.Pattern:
    name = re.escape(_database_name())
    suffix = re.escape(_suffix())
    return re.compile(rf"{name}-daily-(\d{{4}}-\d{{2}}-\d{{2}}){suffix}")


def _database_name() -> str:
    live = backup.live_database_file()
    name = live.stem if live is not None else str(database_proxy.obj.database)
    return re.sub(r"[^\w.-]", "_", name)


def _suffix() -> str:
    return ".sqlite3" if is_sqlite() else ".pgdump"


def daily_file_name(day: date) -> str:
    return f"{_database_name()}-daily-{day.isoformat()}{_suffix()}"


def kept_copies(folder: Path) -> tuple[KeptCopy, ...]:
    """Our daily copies in ``folder``, newest first (other files are not ours: never listed)."""
    pattern = _pattern()
    copies = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return ()
    for entry in entries:
        found = pattern.fullmatch(entry.name)
        if not found or entry.is_symlink() or not entry.is_file():
            continue
        try:
            day = date.fromisoformat(found.group(1))
        except ValueError:
            continue
        copies.append(KeptCopy(entry, day, entry.stat().st_size))
    return tuple(sorted(copies, key=lambda copy: copy.day, reverse=True))


@permission_checked("back_up_database")
def list_kept_copies(actor: Actor) -> tuple[Path, tuple[KeptCopy, ...]]:
    """The daily backup folder and the copies kept in it, newest first."""
    folder = backup_folder(load_settings())
    return folder, kept_copies(folder)


@permission_checked("back_up_database")
def run_daily(actor: Actor, *, even_if_off: bool = False) -> DailyResult:
    """Make today's copy unless there is one, then delete our copies beyond the newest N.

    ``even_if_off``: the scheduled job asked for it explicitly, so run although the window's
    daily backup is switched off.
    """
    with backup.one_at_a_time:  # a restore must not swap the database between the look and the copy
        return _run_daily(actor, even_if_off)


def _run_daily(actor: Actor, even_if_off: bool) -> DailyResult:
    settings = load_settings()
    folder = backup_folder(settings)
    if not settings.daily_backup and not even_if_off:
        return DailyResult(None, (), kept_copies(folder), "the daily backup is switched off")
    if server_logins.backed_up_on_the_server():
        return DailyResult(None, (), (), server_logins.SERVER_BACKUPS)
    today = clock.today(settings.zone)
    target = folder / daily_file_name(today)
    if target.is_file():
        # A lowered "copies kept" takes effect today, not only with tomorrow's copy.
        deleted = _delete_beyond(folder, settings.backup_copies_kept)
        if deleted:
            _note_daily(actor, f"deleted {len(deleted)} daily backups beyond the newest "
                        f"{settings.backup_copies_kept} kept", deleted=[path.name for path in deleted])
        return DailyResult(None, deleted, kept_copies(folder), f"today's backup is already in {folder}")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ValidationError(f"the backup folder {folder} cannot be made ({error.strerror or error})") from None
    made = backup.copy_database(target)
    deleted = _delete_beyond(folder, settings.backup_copies_kept)
    _note_daily(actor, f"daily backup to {target}" + (f"; deleted {len(deleted)} older" if deleted else ""),
                file=str(target), size_bytes=made.size_bytes, deleted=[path.name for path in deleted])
    return DailyResult(made, deleted, kept_copies(folder), f"today's backup was written to {target}")


def _delete_beyond(folder: Path, keep: int) -> tuple[Path, ...]:
    deleted = []
    for copy in kept_copies(folder)[keep:]:
        try:
            copy.path.unlink()
        except OSError:
            continue  # tried again tomorrow
        deleted.append(copy.path)
    return tuple(deleted)


@service("back_up_database")
def _note_daily(actor: Actor, summary: str, **details) -> None:
    audit.record(actor, "daily_backup", Entity.DATABASE, None, summary, **details)
