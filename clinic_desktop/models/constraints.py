"""Rules and indexes the database itself keeps, beyond what peewee declares.

A clinician must never be double-booked, even when two workstations book the same slot
at the same moment, so the check lives in the database: an exclusion constraint on
PostgreSQL, triggers on SQLite (whose writers are serialised by BEGIN IMMEDIATE). The
audit log is append-only and a signed letter never changes (DESIGN.md), so the database
refuses to update or delete either, whatever program is connected to it.

The SQLite triggers compare instants as text, which is time order only while every instant
has the one form the app writes; so on SQLite every UTC column refuses any other form
(instant_statements), whatever program writes it. PostgreSQL's timestamptz needs no such
rule: it stores instants, not text.

On PostgreSQL each audit event, once committed, is also announced on ``CHANGE_CHANNEL``
(NOTIFY), so that open windows learn of a change within milliseconds instead of at their
next poll (services/core/change_listener.py). The announcement is installed here, and
again, idempotently, by ``install_change_notice`` on a database made before it existed.
"""
from __future__ import annotations

from clinic_desktop.models.appointments import slot_statuses_sql
from clinic_desktop.models.fields import sqlite_instant_form, utc_columns

DOUBLE_BOOKING_MESSAGE = "clinician double-booked"
LONGEST_APPOINTMENT_MESSAGE = "an appointment lasts at most a day"
# Tables whose rows, once written, stay exactly as they are: table -> why.
WRITE_ONCE_TABLES = {
    "audit_event": "the audit log is append-only",
    "letter_version": "a signed letter never changes",
}

# The search for a clash reads the clinician's bookings from two days before the new one's start
# (no appointment lasts more than a day, which the triggers below also refuse), so the index on
# (clinician_id, starts_at) gives it a few rows, not every appointment the clinician ever had:
# at a million appointments a booking took ~175 ms without the lower bound.
_SQLITE_OVERLAP = f"""
    NEW.status IN ({slot_statuses_sql}) AND EXISTS (
        SELECT 1 FROM appointment AS other
        WHERE other.clinician_id = NEW.clinician_id
          AND other.id IS NOT NEW.id
          AND other.status IN ({slot_statuses_sql})
          AND other.starts_at >= strftime('%Y-%m-%d %H:%M:%S', NEW.starts_at, '-2 days')
          AND other.starts_at < NEW.ends_at
          AND NEW.starts_at < other.ends_at)
"""
_SQLITE_TOO_LONG = "NEW.ends_at IS NOT NULL AND julianday(NEW.ends_at) - julianday(NEW.starts_at) > 1"

SQLITE_STATEMENTS = (
    f"""CREATE TRIGGER IF NOT EXISTS appointment_no_double_booking_insert
        BEFORE INSERT ON appointment WHEN {_SQLITE_OVERLAP}
        BEGIN SELECT RAISE(ABORT, '{DOUBLE_BOOKING_MESSAGE}'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS appointment_no_double_booking_update
        BEFORE UPDATE OF status, clinician_id, starts_at, ends_at ON appointment
        WHEN {_SQLITE_OVERLAP}
        BEGIN SELECT RAISE(ABORT, '{DOUBLE_BOOKING_MESSAGE}'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS appointment_at_most_a_day_insert
        BEFORE INSERT ON appointment WHEN {_SQLITE_TOO_LONG}
        BEGIN SELECT RAISE(ABORT, '{LONGEST_APPOINTMENT_MESSAGE}'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS appointment_at_most_a_day_update
        BEFORE UPDATE OF starts_at, ends_at ON appointment WHEN {_SQLITE_TOO_LONG}
        BEGIN SELECT RAISE(ABORT, '{LONGEST_APPOINTMENT_MESSAGE}'); END""",
    *(
        f"""CREATE TRIGGER IF NOT EXISTS {table}_write_once_{event.lower()}
            BEFORE {event} ON {table} BEGIN SELECT RAISE(ABORT, '{why}'); END"""
        for table, why in WRITE_ONCE_TABLES.items()
        for event in ("UPDATE", "DELETE")
    ),
)


# Every audit event appended is told, at its commit, to whoever LISTENs on this channel; NOTIFY
# is per database, so two clinics on one server do not hear each other. The payload is small
# (far under NOTIFY's 8000 bytes): the event's id, so a window that has already read it skips it,
# and its kind and patient, for a listener that wants to decide without reading. The feed
# (services/core/changes.py) stays the truth: a notice is only a prompt to read it.
CHANGE_CHANNEL = "clinic_change"
CHANGE_NOTICE_TRIGGER = "audit_event_announce"
CHANGE_NOTICE_STATEMENTS = (
    f"""CREATE OR REPLACE FUNCTION announce_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('{CHANGE_CHANNEL}', json_build_object(
                'id', NEW.id, 'entity', NEW.entity, 'patient', NEW.patient_id)::text);
            RETURN NULL;
        END $$""",
    f"""CREATE OR REPLACE TRIGGER {CHANGE_NOTICE_TRIGGER} AFTER INSERT ON audit_event
        FOR EACH ROW EXECUTE FUNCTION announce_change()""",
)


# int4range on the clinician id lets plain GiST (no btree_gist extension) compare
# clinicians for equality while tstzrange compares the times for overlap.
POSTGRES_STATEMENTS = (
    f"""ALTER TABLE appointment ADD CONSTRAINT appointment_no_double_booking
        EXCLUDE USING gist (
            int4range(clinician_id, clinician_id, '[]') WITH &&,
            tstzrange(starts_at, ends_at) WITH &&
        ) WHERE (status IN ({slot_statuses_sql}))""",
    # A name search is a prefix LIKE; under a non-C collation only a pattern_ops index serves it.
    """CREATE INDEX patient_family_name_key_prefix ON patient (family_name_key text_pattern_ops)""",
    """CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION USING MESSAGE = TG_ARGV[0], ERRCODE = 'integrity_constraint_violation';
        END $$""",
    *(
        statement
        for table, why in WRITE_ONCE_TABLES.items()
        for statement in (
            f"""CREATE TRIGGER {table}_write_once BEFORE UPDATE OR DELETE ON {table}
                FOR EACH ROW EXECUTE FUNCTION refuse_change('{why}')""",
            f"""CREATE TRIGGER {table}_write_once_truncate BEFORE TRUNCATE ON {table}
                FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('{why}')""",
        )
    ),
    *CHANGE_NOTICE_STATEMENTS,
)


def change_notice_installed(database) -> bool:
    """Whether this PostgreSQL database announces its audit events (a window listens only then)."""
    row = database.execute_sql("SELECT 1 FROM pg_trigger WHERE tgname = %s AND tgrelid = 'audit_event'::regclass",
                               (CHANGE_NOTICE_TRIGGER,)).fetchone()
    return row is not None


def install_change_notice(database) -> bool:
    """Put the announcement on a PostgreSQL database made before it existed, if this login may;
    whether it is there now.

    Only the audit table's owner (or a superuser) may add a trigger: setup-postgres does it on a
    server that enforces the staff roles, and a shared-login server's workstation on opening it.
    A staff login cannot, and its windows keep polling every few seconds until it is done.
    """
    if change_notice_installed(database):
        return True
    may = database.execute_sql(
        "SELECT pg_has_role(relowner, 'USAGE') FROM pg_class WHERE oid = 'audit_event'::regclass").fetchone()[0]
    if not may:
        return False
    for statement in CHANGE_NOTICE_STATEMENTS:
        database.execute_sql(statement)
    return True


def replace_double_booking_guard(database) -> None:
    """Put today's double-booking triggers (and their one-day limit) in place of older ones, on SQLite."""
    for statement in SQLITE_STATEMENTS:
        if " ON appointment " in statement:
            name = statement.split("IF NOT EXISTS", 1)[1].split()[0]
            database.execute_sql(f"DROP TRIGGER IF EXISTS {name}")
            database.execute_sql(statement)


def instant_statements(columns) -> tuple[str, ...]:
    """Triggers refusing, on SQLite, any value of these (table, column)s not in the stored UTC form.

    A write-once table gets only the INSERT one: an UPDATE there is already refused.
    """
    statements = []
    for table, column in columns:
        why = f"{table}.{column} must be a UTC instant written YYYY-MM-DD HH:MM:SS.ffffff+00:00"
        check = f"NEW.{column} IS NOT NULL AND NOT {sqlite_instant_form('NEW.' + column)}"
        events = ("INSERT",) if table in WRITE_ONCE_TABLES else ("INSERT", f"UPDATE OF {column}")
        for event in events:
            name = f"{table}_{column}_instant_{event.split()[0].lower()}"
            statements.append(f"""CREATE TRIGGER IF NOT EXISTS {name} BEFORE {event} ON {table}
                WHEN {check} BEGIN SELECT RAISE(ABORT, '{why}'); END""")
    return tuple(statements)


def restore_write_once(database, table: str, sqlite: bool) -> None:
    """Put back a write-once table's triggers after a migration lifted them (schema.lift_write_once)."""
    if not sqlite:
        database.execute_sql(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        return
    for statement in SQLITE_STATEMENTS:
        if f" ON {table} " in statement and "_write_once_" in statement:
            database.execute_sql(statement)


def install(database, sqlite: bool, models=None) -> None:
    """Everything above, on a new database made of ``models`` (default: the live ones, today's schema)."""
    if models is None:
        from clinic_desktop.models import ALL_MODELS as models
    statements = (*SQLITE_STATEMENTS, *instant_statements(utc_columns(models))) if sqlite else POSTGRES_STATEMENTS
    for statement in statements:
        database.execute_sql(statement)
