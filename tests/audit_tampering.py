"""What someone with the database and a SQL prompt could do to the audit trail, for the tests that catch it."""
from __future__ import annotations

from clinic_desktop.models import AuditEvent, database_proxy, is_sqlite
from clinic_desktop.models.audit import entry_hash_of
from clinic_desktop.models.constraints import restore_write_once
from clinic_desktop.models.schema import lift_write_once


def tamper(sql: str, *params) -> None:
    """Lift the write-once triggers, run ``sql`` (with ? placeholders), put the triggers back."""
    database = database_proxy.obj
    sqlite = is_sqlite(database)
    with database.atomic():
        lift_write_once(database, "audit_event", sqlite)
        database.execute_sql(sql.replace("?", "?" if sqlite else "%s"), params)
        restore_write_once(database, "audit_event", sqlite)


def rehash(event_id: int, **changes) -> None:
    """Rewrite an entry's columns and recompute its own hash, as a tamperer who read models/audit.py would."""
    event = AuditEvent.get_by_id(event_id)
    for name, value in changes.items():
        setattr(event, name, value)
    new_hash = entry_hash_of(event.id, event.at, event.user_id, event.actor_label, event.action, event.entity,
                             event.entity_id, event.patient_id, event.summary, event.details, event.previous_hash)
    assignments = ", ".join(f"{name} = ?" for name in changes)
    tamper(f"UPDATE audit_event SET {assignments}, entry_hash = ? WHERE id = ?", *changes.values(), new_hash,
           event_id)


def drop_fork_guard() -> None:
    """A tamperer moving entries must first drop the unique index that refuses forks."""
    database_proxy.execute_sql("DROP INDEX audit_event_previous_hash")
