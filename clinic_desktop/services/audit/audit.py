"""Writing the audit trail: one event for every change a service makes.

Each event is linked into the trail's hash chain as it is saved (models/audit.py): the
chain's tail is locked for the rest of the service's transaction, so events are chained
in commit order and two workstations never fork the chain.

A database opened read-only, for a command that only reads it off a read-only or full
volume (services/core/startup.py), cannot take the event: it is kept aside instead, and
the command line says which events its audit trail could not record (unrecorded()).
"""
from __future__ import annotations

import json
from contextvars import ContextVar

from clinic_desktop.models import AuditEvent
from clinic_desktop.models.database import is_read_only
from clinic_desktop.services.core.actor import Actor
from clinic_desktop.services.core.clock import now_utc
from clinic_desktop.services.core.entity import Entity

__all__ = ["counting", "record", "stop_counting", "unrecorded"]

# How many events the innermost running service has written (see transaction.service).
_written: ContextVar[list[int] | None] = ContextVar("audit_written", default=None)
_unrecorded: list[str] = []


def record(actor: Actor, action: str, entity: Entity, entity_id: int | None, summary: str,
           patient_id: int | None = None, **details) -> AuditEvent:
    """Append the event describing what ``actor`` just changed, in the same transaction, to the hash chain.

    ``entity`` is what every open window reads to decide whether to redraw, so it must be
    one of the ``Entity`` kinds: a bare string is refused before anything is written.
    """
    if not isinstance(entity, Entity):
        raise TypeError(f"audit.record needs an Entity, not {entity!r}")
    event = (AuditEvent if is_read_only() else AuditEvent.create)(
        at=now_utc(),
        user=actor.user_id,
        actor_label=actor.label,
        action=action,
        entity=entity,
        entity_id=entity_id,
        patient=patient_id,
        summary=summary,
        details=json.dumps(details, default=str, sort_keys=True),
    )
    if event.id is None:
        _unrecorded.append(summary)
    counter = _written.get()
    if counter is not None:
        counter[0] += 1
    return event


def unrecorded() -> tuple[str, ...]:
    """The summaries of events a read-only database could not take, oldest first (then forgotten)."""
    summaries = tuple(_unrecorded)
    _unrecorded.clear()
    return summaries


def counting():
    """Start counting the events a service writes; returns (counter, token for reset)."""
    counter = [0]
    return counter, _written.set(counter)


def stop_counting(token) -> None:
    _written.reset(token)
