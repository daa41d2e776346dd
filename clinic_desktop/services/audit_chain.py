"""Checking the audit trail's hash chain: is every entry as it was written, none gone, none moved?

The chain (models/audit.py) links each entry to the one before it. Walking it oldest
first finds the first place where it breaks and names what is wrong there:

- altered: an entry's fields no longer give its stored hash (changed after it was
  written), or they do but the next entry was linked to a different version of it (the
  change was hidden by recomputing the hash);
- deleted: the entry before this one is missing (a gap in the ids the chain gives out);
- out of order: the entry is intact but was not written after the entry stored before
  it (entries were moved, or that entry was changed and its hash recomputed to hide it).

Times are not compared: entries are dated by each workstation's clock, and history
entered later (the demo's story, an import) is legitimately dated before the entries
around it; the chain, not the clock, says what was written after what.

An intact chain proves nothing was changed in the middle; deleting the newest entries
leaves a shorter intact chain, which is why the report gives the newest entry's hash for
a scheduled job to keep elsewhere and compare next time.

The log is read a batch at a time, each batch in its own short read, so a check of a
million entries never holds the database away from the workstations.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable
from zoneinfo import ZoneInfo

from peewee import fn

from clinic_desktop.models import AuditEvent, database_proxy, is_sqlite
from clinic_desktop.models.audit import CHAIN_COLUMNS, GENESIS_HASH, entry_hash_of, stored_time
from clinic_desktop.services.clinic_time import format_date, format_time
from clinic_desktop.services.permissions import require
from clinic_desktop.services.transaction import service

BATCH = 5000
ALTERED, DELETED, OUT_OF_ORDER = "altered", "deleted", "out of order"


@dataclass(frozen=True)
class ChainBreak:
    entry_id: int
    at: datetime | None  # None when the entry's time itself is unreadable
    kind: str  # ALTERED, DELETED or OUT_OF_ORDER
    what: str  # "its contents were changed after it was written", worded for the manager


@dataclass(frozen=True)
class ChainReport:
    checked: int  # entries found intact (before the break, if there is one)
    broken: ChainBreak | None
    newest_id: int | None
    newest_hash: str | None

    @property
    def intact(self) -> bool:
        return self.broken is None

    def message(self, zone: ZoneInfo) -> str:
        """One line: "Audit trail intact: N entries checked" or where and how it is broken."""
        if self.broken is None:
            return f"Audit trail intact: {_entries(self.checked)} checked"
        return (f"Audit trail broken at entry #{self.broken.entry_id} ({local_when(self.broken.at, zone)}): "
                f"{self.broken.what} ({_entries(self.checked)} before it intact)")


def local_when(at: datetime | None, zone: ZoneInfo) -> str:
    if at is None:
        return "time unreadable"
    local = at.astimezone(zone)
    return f"{format_date(local.date())} {format_time(local)}"


def verify_chain(actor, progress: Callable[[int], None] | None = None) -> ChainReport:
    """Walk the whole audit trail oldest first; stop at the first break. ``progress(checked)`` per batch."""
    require(actor, "view_audit")
    newest = _newest(actor)
    if newest is None:
        return ChainReport(0, None, None, None)
    walk = _Walk()
    after = 0
    while after < newest:
        rows = _rows_after(actor, after, newest, BATCH)
        if not rows:
            break
        for row in rows:
            broken = walk.step(row, lambda wanted, row_id=row[0]: _written_as(actor, wanted, row_id))
            if broken is not None:
                return ChainReport(walk.checked, broken, None, None)
        after = rows[-1][0]
        if progress is not None:
            progress(walk.checked)
    return ChainReport(walk.checked, None, walk.last_id, walk.last_hash)


class _Walk:
    """The state of a walk along the chain: the last intact entry."""

    def __init__(self):
        self.checked = 0
        self.last_id, self.last_hash = 0, GENESIS_HASH

    def step(self, row: tuple, written_after: Callable[[str], int | None]) -> ChainBreak | None:
        event_id, raw_at, *fields, previous_hash, stored_hash = row
        at = computed = None
        try:
            at = stored_time(raw_at)
            computed = entry_hash_of(event_id, at, *fields, previous_hash)
        except (TypeError, ValueError):
            pass  # a field no longer of its kind: the entry was altered
        if previous_hash != self.last_hash and event_id > self.last_id + 1:
            first, last = self.last_id + 1, event_id - 1
            missing = f"entry #{first} before it is" if first == last else f"entries #{first} to #{last} before it are"
            return ChainBreak(event_id, at, DELETED, f"{missing} missing (deleted)")
        if computed != stored_hash:
            what = "its time is unreadable" if at is None else "its contents were changed after it was written"
            return ChainBreak(event_id, at, ALTERED, what)
        if previous_hash != self.last_hash:
            return self._link_broken(event_id, at, previous_hash, written_after)
        self.checked += 1
        self.last_id, self.last_hash = event_id, stored_hash
        return None

    def _link_broken(self, event_id, at, previous_hash, written_after) -> ChainBreak:
        """The entry is itself intact but does not follow the entry stored before it."""
        predecessor = written_after(previous_hash)
        if predecessor is not None:
            return ChainBreak(event_id, at, OUT_OF_ORDER,
                              f"it was written after entry #{predecessor}, not after #{self.last_id}: "
                              "entries were moved")
        if self.last_id == 0:
            return ChainBreak(event_id, at, ALTERED, "it is the first entry, yet it was linked to an entry before it")
        return ChainBreak(event_id, at, OUT_OF_ORDER,
                          f"it was not written after entry #{self.last_id}: entries were moved, or "
                          f"#{self.last_id} was changed and its hash recomputed")


@service("view_audit", changes=False)
def _rows_after(actor, after: int, until: int, limit: int) -> list[tuple]:
    columns = ", ".join((*CHAIN_COLUMNS, "previous_hash", "entry_hash"))
    mark = "?" if is_sqlite() else "%s"
    return database_proxy.execute_sql(
        f"SELECT {columns} FROM audit_event WHERE id > {mark} AND id <= {mark} ORDER BY id LIMIT {int(limit)}",
        (after, until)).fetchall()


@service("view_audit", changes=False)
def _written_as(actor, entry_hash: str, other_than: int) -> int | None:
    """The entry whose hash is ``entry_hash`` (a scan, made only once the chain is broken)."""
    return (AuditEvent.select(AuditEvent.id)
            .where((AuditEvent.entry_hash == entry_hash) & (AuditEvent.id != other_than)).scalar())


@service("view_audit", changes=False)
def _newest(actor) -> int | None:
    return AuditEvent.select(fn.MAX(AuditEvent.id)).scalar()


def _entries(count: int) -> str:
    return f"{count:,} entry" if count == 1 else f"{count:,} entries"
