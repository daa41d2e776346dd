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
leaves a shorter intact chain. Two checks catch that:

- the records: every patient and every account was created by an audit entry, so the
  newest patient's and the newest account's creating entries must still be there, and a
  trail with no entries at all is broken while any patient, account or appointment
  exists (a few indexed reads, however long the trail);
- an anchor kept outside the database: the newest entry's id and hash an earlier check
  printed, which a scheduled job keeps elsewhere and passes back (``Anchor``); the walk
  must meet that entry, unchanged.

The log is read a batch at a time, each batch in its own short read, so a check of a
million entries never holds the database away from the workstations.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Callable
from zoneinfo import ZoneInfo

from peewee import fn

from clinic_desktop.models import Appointment, AuditEvent, Patient, User, database_proxy, is_sqlite
from clinic_desktop.models.audit import CHAIN_COLUMNS, GENESIS_HASH, entry_hash_of, stored_time
from clinic_desktop.services.core import progress
from clinic_desktop.services.core.clinic_time import format_date, format_time
from clinic_desktop.services.core.transaction import permission_checked, service

__all__ = ["BATCH", "TRUNCATED", "Anchor", "ChainBreak", "ChainReport", "local_when", "verify_chain"]

BATCH = 5000
ALTERED, DELETED, OUT_OF_ORDER = "altered", "deleted", "out of order"
TRUNCATED = "deleted from the end"  # the chain is intact but shorter than it was
_ANCHOR = re.compile(r"(?:#?(\d{1,12}):)?([0-9a-fA-F]{64})")


@dataclass(frozen=True)
class ChainBreak:
    entry_id: int | None  # TRUNCATED: the newest entry left, None when none is
    at: datetime | None  # None when the entry's time itself is unreadable
    kind: str  # ALTERED, DELETED, OUT_OF_ORDER or TRUNCATED
    what: str  # "its contents were changed after it was written", worded for the manager


@dataclass(frozen=True)
class Anchor:
    """The newest entry an earlier check saw ("972:3f2a…", or the hash alone), kept outside the database."""

    entry_id: int | None
    entry_hash: str

    @classmethod
    def parse(cls, text: str) -> Anchor:
        """``ID:HASH`` or ``HASH`` as ``audit verify`` printed them; ValueError when it is neither."""
        found = _ANCHOR.fullmatch(text.strip())
        if found is None or (found.group(1) is not None and int(found.group(1)) < 1):
            raise ValueError(text)
        return cls(int(found.group(1)) if found.group(1) else None, found.group(2).lower())

    def __str__(self) -> str:
        return self.entry_hash if self.entry_id is None else f"{self.entry_id}:{self.entry_hash}"

    @property
    def named(self) -> str:
        """ "the entry #972 with hash 3f2a9c81d0e4…" """
        number = "" if self.entry_id is None else f" #{self.entry_id}"
        return f"the entry{number} with hash {self.entry_hash[:12]}…"


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
        if self.broken.kind == TRUNCATED:
            intact = f" ({_entries(self.checked)} intact)" if self.checked else ""
            return f"Audit trail broken: {self.broken.what}{intact}"
        return (f"Audit trail broken at entry #{self.broken.entry_id} ({local_when(self.broken.at, zone)}): "
                f"{self.broken.what} ({_entries(self.checked)} before it intact)")


def local_when(at: datetime | None, zone: ZoneInfo) -> str:
    if at is None:
        return "time unreadable"
    local = at.astimezone(zone)
    return f"{format_date(local.date())} {format_time(local)}"


@permission_checked("view_audit")
def verify_chain(actor, expect: Anchor | None = None) -> ChainReport:
    """Walk the whole audit trail oldest first; stop at the first break. A step per batch
    (services/core/progress.py): how far, and a chance to stop (the check changes nothing).

    An intact chain is then held against the records and, when given, the ``expect``ed anchor.
    """
    newest = _newest(actor)
    walk = _Walk(expect)
    if newest is None:
        return ChainReport(0, _empty_but_records(actor) or walk.anchor_missing(), None, None)
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
        progress.step(after, newest, f"Checking the audit trail: {_entries(walk.checked)} intact so far…")
    broken = walk.anchor_missing() or _creation_missing(actor, walk.last_id, walk.last_at)
    if broken is not None:
        return ChainReport(walk.checked, broken, None, None)
    return ChainReport(walk.checked, None, walk.last_id, walk.last_hash)


class _Walk:
    """The state of a walk along the chain: the last intact entry."""

    def __init__(self, expect: Anchor | None = None):
        self.checked = 0
        self.last_id, self.last_hash, self.last_at = 0, GENESIS_HASH, None
        self.expect, self.met = expect, expect is None
        self.rewritten_at: int | None = None  # the anchor's id, when that entry's hash is another now

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
        self.last_id, self.last_hash, self.last_at = event_id, stored_hash, at
        if self.expect is not None:
            self._meet(event_id, stored_hash)
        return None

    def _meet(self, event_id: int, stored_hash: str) -> None:
        if stored_hash == self.expect.entry_hash and self.expect.entry_id in (None, event_id):
            self.met = True
        elif event_id == self.expect.entry_id:
            self.rewritten_at = event_id

    def anchor_missing(self) -> ChainBreak | None:
        """After an intact walk: the anchor's entry was not met, so the trail lost its end (or was rewritten)."""
        if self.met:
            return None
        if self.rewritten_at is not None:
            what = (f"entry #{self.rewritten_at} no longer has the hash {self.expect.entry_hash[:12]}… that an "
                    f"earlier check saw: the trail was rewritten from entry #{self.rewritten_at} on")
        else:
            now = f"the newest entry is now #{self.last_id}" if self.last_id else "the trail is empty"
            what = (f"{self.expect.named} that an earlier check saw is gone ({now}): entries were deleted "
                    "from the end of the trail")
        return ChainBreak(self.last_id, self.last_at, TRUNCATED, what)

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
def _empty_but_records(actor) -> ChainBreak | None:
    """No entries at all: broken if the database holds anything an entry must have created."""
    held = [(Patient.select().count(), "patient"), (User.select().count(), "user"),
            (Appointment.select().count(), "appointment")]
    held = [f"{count:,} {noun}{'' if count == 1 else 's'}" for count, noun in held if count]
    if not held:
        return None
    listed = held[0] if len(held) == 1 else f"{', '.join(held[:-1])} and {held[-1]}"
    return ChainBreak(None, None, TRUNCATED,
                      f"the audit trail is empty but the database holds {listed}: entries were deleted")


@service("view_audit", changes=False)
def _creation_missing(actor, newest_id: int, newest_at: datetime | None) -> ChainBreak | None:
    """The newest patient and the newest account must each have the entry that created them.

    A few indexed reads: the patient's own entries (patient+time index), the imports and the
    account creations (action+time index; there are few of either).
    """
    patient_id = Patient.select(fn.MAX(Patient.id)).scalar()
    user_id = User.select(fn.MAX(User.id)).scalar()
    missing = None
    if patient_id is not None and not _patient_created(patient_id):
        missing = f"no entry registered patient #{patient_id}"
    elif user_id is not None and not (AuditEvent.select().where(
            AuditEvent.action.in_(("create_user", "create_first_manager")) & (AuditEvent.entity == "user")
            & (AuditEvent.entity_id == user_id)).exists()):
        missing = f"no entry created user #{user_id} ({User.get_by_id(user_id).username})"
    if missing is None:
        return None
    return ChainBreak(newest_id, newest_at, TRUNCATED,
                      f"the newest entry is #{newest_id}, yet {missing}: entries were deleted from the end "
                      "of the trail")


def _patient_created(patient_id: int) -> bool:
    if AuditEvent.select().where((AuditEvent.patient == patient_id)
                                 & (AuditEvent.action == "register_patient")).exists():
        return True
    imports = AuditEvent.select(AuditEvent.details).where(AuditEvent.action == "import_patients").tuples()
    for (details,) in imports:
        try:
            imported = json.loads(details).get("patient_ids") or ()
        except (ValueError, AttributeError):
            continue  # an altered entry: the walk would have stopped at it
        if patient_id in imported:
            return True
    return False


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
