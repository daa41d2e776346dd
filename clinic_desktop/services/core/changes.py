"""What changed in the database since a window last looked, from the audit log.

Every changing service writes exactly one audit event, so the log is also the feed that
tells each open window (on this workstation or another) what to redraw.

On PostgreSQL, event ids come from a sequence when the row is inserted, but transactions
commit in their own order: id 11 can become visible before id 10. So a window asks again
for the ids in a short stretch below the newest it has seen that it has not had yet (the
gaps: usually none, so a read brings only what is new, at 200 windows twice a second).

A window also checks that the newest event it saw is still there, unchanged (its hash):
if not, the whole database was replaced under it (a backup restored, perhaps from the
command line), and nothing it holds, the signed-in account included, can be trusted.

What changed is said in the records each event's kind and action may have changed, and
whose (services/core/change_reach.py), never bare strings; an event naming a kind this
version does not know (written by a newer workstation) makes the feed say ``everything``,
so no window keeps showing something stale.
"""
from __future__ import annotations

from dataclasses import dataclass

from peewee import fn

from clinic_desktop.models import AuditEvent, is_sqlite
from clinic_desktop.services.core.change_reach import Reached, reached_by
from clinic_desktop.services.core.entity import Entity
from clinic_desktop.services.core.transaction import service

__all__ = ["LOOK_BACK", "MOST_AT_ONCE", "ChangeFeed", "changes_since", "read_over_the_network", "starting_point"]

LOOK_BACK = 200  # ids below the newest seen that may still commit late
MOST_AT_ONCE = 1000  # more new events than this: the caller just redraws everything


@dataclass(frozen=True)
class ChangeFeed:
    newest_id: int
    event_ids: frozenset[int]  # the events read this time (to skip them next time)
    everything: bool  # too many to list, or of a kind this version does not know: treat everything as changed
    newest_hash: str = ""  # the newest event's hash, to notice a replaced database next time
    replaced: bool = False  # the event last seen is gone or different: another database is in its place
    reached: frozenset[Reached] = frozenset()  # what the events may have changed, and whose (change_reach.py)


def read_over_the_network() -> bool:
    """Whether reading the feed is a round trip to a server (PostgreSQL), not a local file:
    a window then reads it off its own thread, so a slow network never freezes it."""
    return not is_sqlite()


@service("view_worklists", changes=False)
def starting_point(actor) -> ChangeFeed:
    """Where a new window starts: the newest event and those just below it, already shown."""
    return _starting_point()


def _starting_point() -> ChangeFeed:
    newest = AuditEvent.select(fn.MAX(AuditEvent.id)).scalar() or 0
    recent = AuditEvent.select(AuditEvent.id).where(AuditEvent.id > newest - LOOK_BACK).tuples()
    return ChangeFeed(newest_id=newest, event_ids=frozenset(row[0] for row in recent), everything=False,
                      newest_hash=_hash_of(newest))


def _hash_of(event_id: int) -> str:
    row = AuditEvent.select(AuditEvent.entry_hash).where(AuditEvent.id == event_id).tuples().first()
    return row[0] if row else ""


@service("view_worklists", changes=False)
def changes_since(actor, newest_seen: int, already_seen: frozenset[int] = frozenset(),
                  newest_seen_hash: str = "") -> ChangeFeed:
    """Events after ``newest_seen``, plus late commits just below it that are not in ``already_seen``.

    ``newest_seen_hash``: that event's hash when it was seen; if the event now differs, the
    feed says ``replaced`` and starts afresh from the database now in place.
    """
    if newest_seen and newest_seen_hash and _hash_of(newest_seen) != newest_seen_hash:
        fresh = _starting_point()
        return ChangeFeed(fresh.newest_id, fresh.event_ids, everything=True, newest_hash=fresh.newest_hash,
                          replaced=True)
    gaps = [number for number in range(max(1, newest_seen - LOOK_BACK + 1), newest_seen + 1)
            if number not in already_seen]
    query = (AuditEvent.select(AuditEvent.id, AuditEvent.entity, AuditEvent.action, AuditEvent.patient)
             .where((AuditEvent.id > newest_seen) | AuditEvent.id.in_(gaps) if gaps else AuditEvent.id > newest_seen)
             .order_by(AuditEvent.id)
             .limit(MOST_AT_ONCE + LOOK_BACK + 1)
             .tuples())
    events = [(event_id, Entity.of(entity), action, patient) for event_id, entity, action, patient in query]
    kinds = {kind for _id, kind, _action, _patient in events}
    everything = len(events) > MOST_AT_ONCE or None in kinds
    newest = max([newest_seen, *(event_id for event_id, *_rest in events)])
    return ChangeFeed(
        newest_id=newest,
        event_ids=frozenset(event_id for event_id, *_rest in events),
        everything=everything,
        newest_hash=newest_seen_hash if newest == newest_seen else _hash_of(newest),
        reached=frozenset(reach for _id, kind, action, patient in events if kind is not None
                          for reach in reached_by(kind, action, patient)),
    )
