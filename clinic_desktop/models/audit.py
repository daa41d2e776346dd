"""The append-only record of every change: who, when, what, chained by hashes.

Each event carries the SHA-256 of the event before it (``previous_hash``) and its own
(``entry_hash``, over a canonical form of all its fields, id and previous hash included).
Altering, deleting or reordering a stored event therefore breaks the chain at that
point, and ``services.audit_log.verify_chain`` finds it. The database triggers already
refuse UPDATE and DELETE (constraints.py); the chain shows tampering by anyone who got
round them (dropped a trigger, edited the file).

Appending is serialised so that two workstations never fork the chain: SQLite writers
already hold the database's write lock (BEGIN IMMEDIATE); PostgreSQL takes a
transaction-scoped advisory lock before reading the last event. Ids are given out under
that lock as the last id + 1, so the chain has no gaps of its own and a missing id means
a deleted event. A unique index on ``previous_hash`` makes a fork impossible even if
the lock were bypassed.
"""
from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from typing import Iterable

from peewee import CharField, FixedCharField, ForeignKeyField, IntegerField, TextField

from clinic_desktop.models.base import BaseModel
from clinic_desktop.models.database import is_sqlite
from clinic_desktop.models.fields import UTCDateTimeField
from clinic_desktop.models.patients import Patient
from clinic_desktop.models.users import User

GENESIS_HASH = "0" * 64  # the "previous hash" of the very first event
# pg_advisory_xact_lock key of the chain's tail: the bytes of "cd-audit" as a bigint.
CHAIN_LOCK_KEY = int.from_bytes(b"cd-audit", "big")
_CANONICAL_TAG = "clinic-desktop audit v1"  # never change: every stored hash depends on it


class AuditEvent(BaseModel):
    at = UTCDateTimeField(index=True)
    user = ForeignKeyField(User, null=True, backref="+")  # null: the command line or the system
    actor_label = CharField(max_length=200)
    action = CharField(max_length=64)
    entity = CharField(max_length=32)
    entity_id = IntegerField(null=True)
    patient = ForeignKeyField(Patient, null=True, backref="+")
    summary = TextField()
    details = TextField(default="{}")  # JSON
    previous_hash = FixedCharField(max_length=64, unique=True)
    entry_hash = FixedCharField(max_length=64)

    class Meta:
        indexes = ((("patient", "at"), False), (("user", "at"), False), (("action", "at"), False))

    def save(self, force_insert: bool = False, only=None):
        """A new event is linked to the chain's tail; a stored one is never saved again (triggers)."""
        if self.id is not None:
            return super().save(force_insert=force_insert, only=only)
        with self._meta.database.atomic():
            last_id, last_hash = chain_tail()
            self.id = last_id + 1
            self.previous_hash = last_hash
            self.entry_hash = entry_hash_of(self.id, self.at, self.user_id, self.actor_label, self.action,
                                            self.entity, self.entity_id, self.patient_id, self.summary,
                                            self.details, self.previous_hash)
            return super().save(force_insert=True)

    @classmethod
    def append_many(cls, rows: Iterable[dict]) -> int:
        """Append plain row dicts (bulk data, imports) in order, chained like single events."""
        with cls._meta.database.atomic():
            last_id, last_hash = chain_tail()
            batch: list[dict] = []
            count = 0
            for row in rows:
                row = {"details": "{}", "entity_id": None, "user": None, "patient": None, **row}
                last_id += 1
                row["id"], row["previous_hash"] = last_id, last_hash
                last_hash = row["entry_hash"] = entry_hash_of(
                    last_id, row["at"], _id_of(row["user"]), row["actor_label"], row["action"], row["entity"],
                    row["entity_id"], _id_of(row["patient"]), row["summary"], row["details"], last_hash)
                batch.append(row)
                count += 1
                if len(batch) == 1000:
                    cls.insert_many(batch).execute()
                    batch = []
            if batch:
                cls.insert_many(batch).execute()
            return count


def chain_tail() -> tuple[int, str]:
    """Lock the chain's tail for this transaction and return the last event's id and hash.

    Must run inside a transaction: on PostgreSQL the advisory lock is held until it ends.
    One read of the primary key's index, however long the log.
    """
    database = AuditEvent._meta.database
    if not is_sqlite(database):
        database.execute_sql("SELECT pg_advisory_xact_lock(%s)", (CHAIN_LOCK_KEY,))
    row = database.execute_sql(
        'SELECT id, entry_hash FROM audit_event ORDER BY id DESC LIMIT 1').fetchone()
    return (row[0], row[1]) if row else (0, GENESIS_HASH)


def entry_hash_of(event_id: int, at: datetime, user_id: int | None, actor_label: str, action: str, entity: str,
                  entity_id: int | None, patient_id: int | None, summary: str, details: str,
                  previous_hash: str) -> str:
    """SHA-256 (hex) of an event's canonical form. Frozen: changing it breaks every stored chain."""
    return hashlib.sha256(canonical_form(event_id, at, user_id, actor_label, action, entity, entity_id,
                                         patient_id, summary, details, previous_hash)).hexdigest()


def canonical_form(event_id, at, user_id, actor_label, action, entity, entity_id, patient_id, summary,
                   details, previous_hash) -> bytes:
    """The same bytes for the same event on SQLite and PostgreSQL (UTC, microseconds, UTF-8 JSON)."""
    if not isinstance(at, datetime) or at.tzinfo is None:
        raise ValueError(f"an audit event needs a timezone-aware time, got {at!r}")
    fields = [_CANONICAL_TAG, int(event_id), at.astimezone(timezone.utc).isoformat(timespec="microseconds"),
              _optional_int(user_id), str(actor_label), str(action), str(entity), _optional_int(entity_id),
              _optional_int(patient_id), str(summary), str(details), str(previous_hash)]
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _optional_int(value) -> int | None:
    return None if value is None else int(value)


def _id_of(value) -> int | None:
    return getattr(value, "id", value)


_SQLITE_TIME = "%Y-%m-%d %H:%M:%S.%f%z"
CHAIN_COLUMNS = ("id", "at", "user_id", "actor_label", "action", "entity", "entity_id", "patient_id",
                 "summary", "details")


def stored_time(value) -> datetime:
    """An ``at`` value as either database returns it raw (SQLite: fixed-width UTC text)."""
    if isinstance(value, str):
        return datetime.strptime(value, _SQLITE_TIME).astimezone(timezone.utc)
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc) if value.tzinfo else value.replace(tzinfo=timezone.utc)
    raise ValueError(f"not a stored time: {value!r}")


FILL_BATCH = 2000


def fill_chain(database) -> int:
    """Link events stored before schema 3, oldest id first (the upgrade's triggers are lifted).

    Reads and writes raw SQL a batch at a time, so memory stays flat however long the log.
    """
    last_id, last_hash = 0, GENESIS_HASH
    sqlite = is_sqlite(database)
    placeholder = "?" if sqlite else "%s"
    count = 0
    while True:
        rows = database.execute_sql(
            f"SELECT {', '.join(CHAIN_COLUMNS)} FROM audit_event WHERE id > {placeholder} "
            f"ORDER BY id LIMIT {int(FILL_BATCH)}", (last_id,)).fetchall()
        if not rows:
            return count
        links = []
        for event_id, at, *rest in rows:
            previous, last_hash = last_hash, entry_hash_of(event_id, stored_time(at), *rest, last_hash)
            links.append((previous, last_hash, event_id))
        _store_links(database, links, sqlite)
        last_id = rows[-1][0]
        count += len(rows)


def _store_links(database, links: list[tuple[str, str, int]], sqlite: bool) -> None:
    """Write (previous_hash, entry_hash, id) triples: row by row in-process on SQLite, one statement a
    batch on PostgreSQL (row by row there costs a network round trip each: 4 minutes a million)."""
    if sqlite:
        database.cursor().executemany(
            "UPDATE audit_event SET previous_hash = ?, entry_hash = ? WHERE id = ?", links)
        return
    values = ", ".join(["(%s, %s, %s::integer)"] * len(links))
    database.execute_sql(
        f"UPDATE audit_event AS event SET previous_hash = link.previous, entry_hash = link.own "
        f"FROM (VALUES {values}) AS link(previous, own, id) WHERE event.id = link.id",
        [value for link in links for value in link])
