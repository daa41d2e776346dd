"""Creating a new database and upgrading an older one.

A new database gets today's schema in one go. An older one is upgraded one numbered step
at a time (playhouse.migrate), all steps in one transaction, after a backup copy has been
taken. A database written by a newer version of the app is refused untouched: this
version cannot know what the newer one stored.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Callable

from peewee import (
    SQL,
    BooleanField,
    CharField,
    Database,
    DateField,
    DecimalField,
    FixedCharField,
    ForeignKeyField,
    IntegerField,
    IntegrityError,
    Model,
    TextField,
    TimeField,
)
from playhouse.migrate import SchemaMigrator, migrate

from clinic_desktop.models import ALL_MODELS, SchemaVersion, User, constraints
from clinic_desktop.models.appointments import FINDING_DUE_SQL
from clinic_desktop.models.base import one_of
from clinic_desktop.models.database import is_sqlite
from clinic_desktop.models.fields import SQLITE_INSTANT_FORMAT, UTCDateTimeField, sqlite_instant_form, utc_columns
from clinic_desktop.models.settings import store_installation_id

SCHEMA_VERSION = 8

# MIGRATIONS[n] upgrades a database from version n - 1 to n. Never edit a released
# step: add the next one. Each takes the migrator and the database.
MigrationStep = Callable[[SchemaMigrator, Database], None]


def _step_2_referral_destinations(migrator: SchemaMigrator, database: Database) -> None:
    """Schema 2: the directory of referral destinations, where each referral goes, and staff titles.

    The tables are declared here as they stood at schema 2, not taken from the live models,
    so this step stays the same when a later step changes them.
    """
    from clinic_desktop.models.referrals import REFERRAL_KINDS, Referral

    class Step2(Model):
        class Meta:
            database = migrator.database
            legacy_table_names = False

    class ReferralDestination(Step2):
        name = CharField(max_length=200)
        department = CharField(max_length=200, default="")
        address = TextField(default="")
        telephone = CharField(max_length=40, default="")
        email = CharField(max_length=200, default="")
        active = BooleanField(default=True)
        created_at = UTCDateTimeField()
        updated_at = UTCDateTimeField()

    class DestinationKind(Step2):
        destination = ForeignKeyField(ReferralDestination, backref="kinds")
        kind = CharField(max_length=32, constraints=[one_of("kind", REFERRAL_KINDS)])
        is_default = BooleanField(default=False)

        class Meta:
            indexes = ((("destination", "kind"), True),)

    DestinationKind.add_index(DestinationKind.index(DestinationKind.kind, unique=True,
                                                    name="destination_kind_one_default").where(SQL("is_default")))

    class ReferralRecipient(Step2):
        referral = ForeignKeyField(Referral, unique=True, backref="+")
        destination = ForeignKeyField(ReferralDestination, backref="+")
        chosen_by = ForeignKeyField(User, backref="+")
        chosen_at = UTCDateTimeField()

    database.create_tables([ReferralDestination, DestinationKind, ReferralRecipient])
    migrate(migrator.add_column("user", "professional_title", CharField(max_length=100, null=True)))


def _step_3_audit_hash_chain(migrator: SchemaMigrator, database: Database) -> None:
    """Schema 3: each audit event carries the hash of the one before it and its own.

    The chain is filled in for the events already stored, oldest first (by id). The
    write-once triggers refuse any UPDATE, so they are lifted inside this step's
    transaction and put back before it commits: no other connection ever sees the table
    without them. Rows are read and written as raw SQL, not through the live model, so
    this step stays the same when a later step changes the model.
    """
    from clinic_desktop.models.audit import fill_chain

    sqlite = is_sqlite(database)
    lift_write_once(database, "audit_event", sqlite)
    hash_column = FixedCharField(max_length=64, null=True)
    migrate(migrator.add_column("audit_event", "previous_hash", hash_column),
            migrator.add_column("audit_event", "entry_hash", hash_column))
    fill_chain(database)
    migrate(migrator.add_not_null("audit_event", "previous_hash"),
            migrator.add_not_null("audit_event", "entry_hash"),
            migrator.add_index("audit_event", ("previous_hash",), unique=True),
            migrator.add_index("audit_event", ("action", "at")))
    constraints.restore_write_once(database, "audit_event", sqlite)


def lift_write_once(database: Database, table: str, sqlite: bool) -> None:
    """Drop (SQLite) or disable (PostgreSQL) a write-once table's triggers, inside a migration only."""
    if sqlite:
        for event in ("update", "delete"):
            database.execute_sql(f"DROP TRIGGER IF EXISTS {table}_write_once_{event}")
    else:
        database.execute_sql(f"ALTER TABLE {table} DISABLE TRIGGER USER")


def _step_4_dashboard_indexes(migrator: SchemaMigrator, database: Database) -> None:
    """Schema 4: indexes for the practice manager's dashboard.

    At 1,000,000 appointments they take its figures from about 190 ms to 64 ms on SQLite:
    open items carry their episode (for "by clinician"), and attended or missed visits,
    high-risk stratifications and sent referrals are found by date without a table scan.
    """
    for statement in (
        'DROP INDEX IF EXISTS "appointment_open_due_by"',
        'CREATE INDEX "appointment_open_due_by" ON "appointment" ("due_by", "status", "kind", "episode_id") '
        "WHERE status IN ('to_book', 'booked')",
        'CREATE INDEX IF NOT EXISTS "appointment_outcome_starts_at" ON "appointment" '
        '("starts_at", "status", "kind", "due_by", "episode_id") '
        "WHERE status IN ('attended', 'did_not_attend')",
        'CREATE INDEX IF NOT EXISTS "referral_sent_at" ON "referral" ("sent_at") WHERE sent_at IS NOT NULL',
        'CREATE INDEX IF NOT EXISTS "start_back_assessment_risk_assessed_on" ON "start_back_assessment" ("risk", "assessed_on")',
    ):
        database.execute_sql(statement)


def _step_5_obligation_owners(migrator: SchemaMigrator, database: Database) -> None:
    """Schema 5: what the safety net needs to say who owes what (DESIGN.md, "The safety net").

    Each episode gets a responsible clinician (at first whoever recorded its first contact);
    an attended review records when its finding was closed; a muscle relaxant kept on past its
    review records why; a cancelled referral records who cancelled it. Reviews whose episode
    already holds a finding of their kind count as found, as they did before this step.
    The indexes are those the safety net's lists read (services/worklists/obligation_sides.py), each
    holding what its list shows, so that a list's first page and count stay under 50 ms at a
    million appointments (benchmarks/test_obligations_bench.py).
    """
    migrate(
        migrator.add_column("episode", "responsible_clinician_id",
                            ForeignKeyField(User, null=True, field=User.id, backref="+")),
        migrator.add_column("medication", "continued_on", DateField(null=True)),
        migrator.add_column("medication", "continued_reason", TextField(null=True)),
        migrator.add_column("appointment", "finding_closed_at", UTCDateTimeField(null=True)),
        migrator.add_column("appointment", "finding_note", TextField(null=True)),
        migrator.add_column("referral", "cancelled_by_id",
                            ForeignKeyField(User, null=True, field=User.id, backref="+")),
        migrator.add_column("referral", "cancelled_at", UTCDateTimeField(null=True)),
    )
    database.execute_sql("UPDATE episode SET responsible_clinician_id = clinician_id")
    for kind, finding in (("two_week_review", "start_back_assessment"), ("twelve_week_review", "twelve_week_outcome")):
        database.execute_sql(
            "UPDATE appointment SET finding_closed_at = updated_at, finding_note = 'recorded before schema 5' "
            f"WHERE status = 'attended' AND kind = '{kind}' "
            f"AND EXISTS (SELECT 1 FROM {finding} f WHERE f.episode_id = appointment.episode_id)"
        )
    for statement in (
        'CREATE INDEX IF NOT EXISTS "episode_responsible_clinician_id" ON "episode" ("responsible_clinician_id")',
        'CREATE INDEX IF NOT EXISTS "appointment_booked_ends_at" ON "appointment" '
        '("due_by", "id", "ends_at", "kind", "episode_id", "starts_at") '
        "WHERE status = 'booked'",
        'CREATE INDEX IF NOT EXISTS "appointment_finding_due" ON "appointment" '
        f'("due_by", "id", "kind", "episode_id", "clinician_id", "starts_at") WHERE {FINDING_DUE_SQL}',
        'CREATE INDEX IF NOT EXISTS "referral_sent_awaiting_reply" ON "referral" '
        '("status", "sent_at", "urgent", "id", "kind", "episode_id")',
        'CREATE INDEX IF NOT EXISTS "referral_cancelled_kind_at" ON "referral" ("status", "kind", "cancelled_at")',
        'CREATE INDEX IF NOT EXISTS "medication_relaxant_running" ON "medication" '
        '("episode_id", "started_on", "continued_on", "id") '
        "WHERE category = 'muscle_relaxant' AND stopped_on IS NULL",
    ):
        database.execute_sql(statement)


def _step_6_whole_pathway(migrator: SchemaMigrator, database: Database) -> None:
    """Schema 6: what the source asks of a clinician beyond the routing (DESIGN.md, "Decision support").

    New tables for the first contact's advice, improvement measures, management plans and
    imaging requests; structured doses, indications and muscle spasm on medicines, whose
    classes gain opioids and neuropathic pain medicines; NSAID contraindications on the
    patient; the options a referral letter asks for. Every existing row is kept as it was:
    questions not asked before are empty (None), not "no". Tables are declared as they stood
    at schema 6, so this step stays the same when a later step changes the live models.
    """
    from clinic_desktop.models.episodes import Episode

    class Step6(Model):
        recorded_by = ForeignKeyField(User, backref="+")
        recorded_at = UTCDateTimeField()

        class Meta:
            database = migrator.database
            legacy_table_names = False

    class InitialManagement(Step6):
        episode = ForeignKeyField(Episode, backref="+", unique=True)
        reactivation_advised = BooleanField()
        bed_rest_advised = BooleanField()
        resources_online = BooleanField()
        resources_helpline = BooleanField()
        resources_paper = BooleanField()
        heat_advised = BooleanField()
        massage_advised = BooleanField()

    class ImprovementMeasure(Step6):
        episode = ForeignKeyField(Episode, backref="+", index=True)
        measured_on = DateField()
        occasion = CharField(max_length=24, constraints=[one_of("occasion", _STEP_6_OCCASIONS)])
        pain_now = IntegerField(constraints=[SQL("CHECK (pain_now BETWEEN 0 AND 10)")])
        function_scale = CharField(max_length=8, constraints=[one_of("function_scale", ("nrs", "psfs"))])
        function_score = DecimalField(max_digits=4, decimal_places=2, auto_round=True,
                                      constraints=[SQL("CHECK (function_score BETWEEN 0 AND 10)")])
        psfs_activities = TextField(default="")
        global_change = IntegerField(null=True, constraints=[SQL("CHECK (global_change BETWEEN 1 AND 7)")])
        improving = BooleanField(null=True)
        notes = TextField(default="")

    class ManagementPlan(Step6):
        episode = ForeignKeyField(Episode, backref="+", index=True)
        agreed_on = DateField()
        goals = TextField()
        treatments = TextField(default="")
        lifestyle = TextField(default="")
        bmi = DecimalField(max_digits=4, decimal_places=1, null=True, auto_round=True)
        notes = TextField(default="")

    class ImagingRequest(Step6):
        episode = ForeignKeyField(Episode, backref="+", index=True)
        requested_on = DateField()
        modality = CharField(max_length=8, constraints=[one_of("modality", ("x_ray", "mri", "ct", "other"))])
        reason = TextField()

    database.create_tables([InitialManagement, ImprovementMeasure, ManagementPlan, ImagingRequest])
    if is_sqlite(database):
        _rebuild_sqlite_medication(database, Step6, Episode)
    else:
        database.execute_sql("ALTER TABLE medication DROP CONSTRAINT medication_category_check")
        database.execute_sql("ALTER TABLE medication ADD CONSTRAINT medication_category_check "
                             f"CHECK ({_in_list('category', _STEP_6_CATEGORIES)})")
        migrate(*(migrator.add_column("medication", name, field) for name, field in _step_6_medicine_columns()))
    # Raw SQL: playhouse would add these NOT NULL columns on SQLite by rebuilding the tables,
    # which the foreign keys pointing at patient and referral forbid. The default stays on
    # SQLite (it cannot drop one), harmlessly: the app always writes the column.
    for table, column in (("patient", "nsaid_contraindications"), ("referral", "requested_options")):
        database.execute_sql(f"ALTER TABLE {table} ADD COLUMN {column} TEXT NOT NULL DEFAULT ''")
        if not is_sqlite(database):
            database.execute_sql(f"ALTER TABLE {table} ALTER COLUMN {column} DROP DEFAULT")


_STEP_6_CATEGORIES = ("nsaid", "topical", "muscle_relaxant", "opioid", "neuropathic", "other")
_STEP_6_OCCASIONS = ("first_contact", "two_week_review", "ongoing_evaluation", "twelve_week_check")
_MEDICATION_5_COLUMNS = ("id", "recorded_by_id", "recorded_at", "episode_id", "name", "category", "dose", "started_on",
                         "stopped_on", "continued_on", "continued_reason")


def _step_6_medicine_columns() -> list[tuple[str, object]]:
    units = ("mg", "g", "microgram", "ml", "patch", "application")
    frequencies = ("once_daily", "twice_daily", "three_times_daily", "four_times_daily", "at_night", "as_needed",
                   "weekly")
    return [
        ("dose_amount", DecimalField(max_digits=10, decimal_places=3, null=True, auto_round=True)),
        ("dose_unit", CharField(max_length=16, null=True, constraints=[one_of("dose_unit", units)])),
        ("dose_frequency", CharField(max_length=20, null=True, constraints=[one_of("dose_frequency", frequencies)])),
        ("indication", TextField(null=True)),
        ("spasm_present", BooleanField(null=True)),
    ]


def _in_list(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


def _rebuild_sqlite_medication(database: Database, base: type[Model], episode_model: type[Model]) -> None:
    """SQLite cannot change a CHECK constraint, so the medicine table is rebuilt: the old one
    renamed aside (nothing points to it), the new one made with its indexes, every row copied
    with its id, the old one dropped (sqlite.org/lang_altertable.html, "other kinds of changes")."""

    class Medication(base):
        episode = ForeignKeyField(episode_model, backref="+", index=True)
        name = CharField(max_length=120)
        category = CharField(max_length=20, constraints=[one_of("category", _STEP_6_CATEGORIES)])
        dose = CharField(max_length=120, default="")
        started_on = DateField()
        stopped_on = DateField(null=True)
        continued_on = DateField(null=True)
        continued_reason = TextField(null=True)

    for name, field in _step_6_medicine_columns():
        Medication._meta.add_field(name, field)
    database.execute_sql("ALTER TABLE medication RENAME TO medication_schema_5")
    indexes = database.execute_sql("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                                   "AND tbl_name = 'medication_schema_5'").fetchall()
    for (index,) in indexes:
        database.execute_sql(f'DROP INDEX "{index}"')
    database.create_tables([Medication])
    columns = ", ".join(f'"{column}"' for column in _MEDICATION_5_COLUMNS)
    database.execute_sql(f"INSERT INTO medication ({columns}) SELECT {columns} FROM medication_schema_5")
    database.execute_sql("DROP TABLE medication_schema_5")
    database.execute_sql('CREATE INDEX "medication_relaxant_running" ON "medication" '
                         '("episode_id", "started_on", "continued_on", "id") '
                         "WHERE category = 'muscle_relaxant' AND stopped_on IS NULL")



def _step_7_front_desk(migrator: SchemaMigrator, database: Database) -> None:
    """Schema 7: what the front desk needs (contact details and search keys, first)."""
    _step_7_contact_details(database)
    _step_7_waiting_list(migrator, database)
    _step_7_reminders(migrator)


def _step_7_contact_details(database: Database) -> None:
    """The patient's contact details and the keys that find a patient by phone or postcode.

    Existing patients keep what they had; their search keys are filled from the telephone and
    postcode already stored (services/patients/contact_keys.py computes them the same way for
    every later change). Columns are added by raw SQL, as in step 6: playhouse would rebuild the
    patient table on SQLite, which the foreign keys pointing at it forbid.
    """
    from clinic_desktop.models.contact_keys import phone_key, postcode_key

    for column, kind in (("mobile", "VARCHAR(40) NOT NULL DEFAULT ''"), ("email", "VARCHAR(200) NOT NULL DEFAULT ''"),
                         ("preferred_contact", "VARCHAR(8) NULL CHECK (preferred_contact IN "
                                               "('phone', 'sms', 'email', 'letter'))"),
                         ("sms_reminders_consented_on", "DATE NULL"), ("email_reminders_consented_on", "DATE NULL"),
                         ("gp_practice_name", "VARCHAR(200) NOT NULL DEFAULT ''"),
                         ("gp_practice_ods", "VARCHAR(10) NOT NULL DEFAULT ''"),
                         ("interpreter_language", "VARCHAR(60) NULL"),
                         ("telephone_key", "VARCHAR(20) NOT NULL DEFAULT ''"),
                         ("mobile_key", "VARCHAR(20) NOT NULL DEFAULT ''"),
                         ("postcode_key", "VARCHAR(16) NOT NULL DEFAULT ''")):
        database.execute_sql(f"ALTER TABLE patient ADD COLUMN {column} {kind}")
        if "DEFAULT" in kind and not is_sqlite(database):
            database.execute_sql(f"ALTER TABLE patient ALTER COLUMN {column} DROP DEFAULT")
    rows = database.execute_sql("SELECT id, telephone, postcode FROM patient").fetchall()
    for patient_id, telephone, postcode in rows:
        database.execute_sql("UPDATE patient SET telephone_key = %s, postcode_key = %s WHERE id = %s"
                             if not is_sqlite(database) else
                             "UPDATE patient SET telephone_key = ?, postcode_key = ? WHERE id = ?",
                             (phone_key(telephone), postcode_key(postcode), patient_id))
    for column in ("telephone_key", "mobile_key", "postcode_key"):
        database.execute_sql(f'CREATE INDEX "patient_{column}" ON "patient" ("{column}")')



def _step_7_waiting_list(migrator: SchemaMigrator, database: Database) -> None:
    """The waiting list for earlier appointments, declared as it stands at schema 7."""
    from clinic_desktop.models.appointments import Appointment

    class WaitingListEntry(Model):
        appointment = ForeignKeyField(Appointment, backref="+", index=True)
        note = TextField(default="")
        days = CharField(max_length=7, default="")
        times = CharField(max_length=12, default="any",
                          constraints=[one_of("times", ("any", "morning", "afternoon"))])
        added_by = ForeignKeyField(User, backref="+")
        added_at = UTCDateTimeField()
        closed_at = UTCDateTimeField(null=True)
        closed_by = ForeignKeyField(User, null=True, backref="+")
        closed_reason = CharField(max_length=16, null=True, constraints=[one_of("closed_reason", (
            "moved_earlier", "rebooked", "attended", "did_not_attend", "cancelled", "patient_asked"))])

        class Meta:
            database = migrator.database
            legacy_table_names = False
            constraints = [SQL("CHECK ((closed_at IS NULL) = (closed_reason IS NULL))")]

    WaitingListEntry.add_index(WaitingListEntry.index(WaitingListEntry.appointment, unique=True,
                                                      name="waiting_list_one_open_entry")
                               .where(SQL("closed_at IS NULL")))
    database.create_tables([WaitingListEntry])


def _step_7_reminders(migrator: SchemaMigrator) -> None:
    """The appointment reminders sent or tried, one row per (appointment, channel, start).

    Declared as it stands at schema 7 (models/reminders.py may change later; this stays).
    """
    from clinic_desktop.models.appointments import Appointment

    class Reminder(Model):
        appointment = ForeignKeyField(Appointment, backref="+")
        channel = CharField(max_length=8, constraints=[one_of("channel", ("sms", "email"))])
        starts_at = UTCDateTimeField()
        status = CharField(max_length=8, constraints=[one_of("status", ("sending", "sent", "failed"))])
        attempted_at = UTCDateTimeField()
        finished_at = UTCDateTimeField(null=True)
        provider_id = CharField(max_length=200, null=True)
        failure = TextField(null=True)
        attempts = IntegerField(default=1)

        class Meta:
            database = migrator.database
            legacy_table_names = False
            indexes = ((("appointment", "channel", "starts_at"), True),)

    migrator.database.create_tables([Reminder])


def _step_8_trust_and_book(migrator: SchemaMigrator, database: Database) -> None:
    """Schema 8: letters that prove themselves, instants SQLite compares as instants, and each
    clinician's sessions and leave. Each part is its own function below, called from here."""
    _step_8_calendar_events(migrator)
    _step_8_sessions(migrator, database)
    _step_8_signed_letters(migrator)
    _step_8_sqlite_instants(migrator, database)
    store_installation_id()


def _step_8_calendar_events(migrator: SchemaMigrator) -> None:
    """What each clinician's exported calendar was last given, declared as it stands at schema 8
    (models/calendar_events.py may change later; this stays)."""
    from clinic_desktop.models.appointments import Appointment

    class CalendarEvent(Model):
        clinician = ForeignKeyField(User, backref="+")
        appointment = ForeignKeyField(Appointment, backref="+", index=True)
        sequence = IntegerField()
        starts_at = UTCDateTimeField()
        ends_at = UTCDateTimeField()
        state = CharField(max_length=16, constraints=[one_of("state", (
            "booked", "attended", "did_not_attend", "cancelled", "withdrawn"))])

        class Meta:
            database = migrator.database
            legacy_table_names = False
            indexes = ((("clinician", "appointment"), True), (("clinician", "starts_at"), False))

    migrator.database.create_tables([CalendarEvent])


def _step_8_sessions(migrator: SchemaMigrator, database: Database) -> None:
    """Each clinician's sessions and leave, declared as they stand at schema 8; every clinician
    already on record works the clinic's opening hours on every weekday, as they did before,
    so nothing changes for a clinic that keeps no sessions."""

    class Step8(Model):
        class Meta:
            database = migrator.database
            legacy_table_names = False

    class ClinicianSession(Step8):
        clinician = ForeignKeyField(User, backref="+", index=True)
        weekday = IntegerField(null=True)
        on_date = DateField(null=True)
        starts_time = TimeField(null=True)
        ends_time = TimeField(null=True)
        slot_minutes = IntegerField(null=True)
        kinds = CharField(max_length=200, default="")
        every_weeks = IntegerField(default=1)
        anchor_week = DateField(null=True)
        valid_from = DateField()
        valid_until = DateField(null=True)
        created_by = ForeignKeyField(User, null=True, backref="+")
        created_at = UTCDateTimeField()
        ended_by = ForeignKeyField(User, null=True, backref="+")
        ended_at = UTCDateTimeField(null=True)

        class Meta:
            constraints = [
                SQL("CHECK ((weekday IS NULL) <> (on_date IS NULL))"),
                SQL("CHECK (weekday IS NULL OR weekday BETWEEN 0 AND 6)"),
                SQL("CHECK ((starts_time IS NULL) = (ends_time IS NULL))"),
                SQL("CHECK (starts_time IS NULL OR starts_time < ends_time)"),
                SQL("CHECK (slot_minutes IS NULL OR slot_minutes BETWEEN 5 AND 240)"),
                SQL("CHECK (every_weeks BETWEEN 1 AND 4)"),
                SQL("CHECK (every_weeks = 1 OR anchor_week IS NOT NULL)"),
                SQL("CHECK ((ended_at IS NULL) = (ended_by_id IS NULL))"),
            ]

    class ClinicianLeave(Step8):
        clinician = ForeignKeyField(User, backref="+", index=True)
        starts_at = UTCDateTimeField()
        ends_at = UTCDateTimeField()
        reason = CharField(max_length=16, constraints=[one_of("reason", ("annual_leave", "sickness", "training",
                                                                         "other"))])
        note = TextField(default="")
        created_by = ForeignKeyField(User, backref="+")
        created_at = UTCDateTimeField()
        cancelled_by = ForeignKeyField(User, null=True, backref="+")
        cancelled_at = UTCDateTimeField(null=True)

        class Meta:
            constraints = [
                SQL("CHECK (starts_at < ends_at)"),
                SQL("CHECK ((cancelled_at IS NULL) = (cancelled_by_id IS NULL))"),
            ]

    database.create_tables([ClinicianSession, ClinicianLeave])
    moment = datetime.now(timezone.utc)
    rows = [dict(clinician=clinician.id, weekday=weekday, valid_from=date(2000, 1, 3), created_at=moment)
            for clinician in User.select(User.id).where(User.role == "clinician") for weekday in range(5)]
    if rows:
        ClinicianSession.insert_many(rows).execute()


def _step_8_sqlite_instants(migrator: SchemaMigrator, database: Database) -> None:
    """SQLite refuses any instant not in the one form the app writes (constraints.instant_statements).

    Rows another program wrote in another form (``2026-12-03T10:00:00Z``, ``…+01:00``) are
    first rewritten as the same instant in the stored form, so the double-booking trigger
    compares them correctly; a value that is not an instant with a time zone cannot be
    rewritten without guessing, so the upgrade is refused, naming the row, and the database
    left as it was. Write-once tables (the audit trail, signed letters) are not rewritten:
    their rows are evidence, kept as they were. It covers every UTC column the database
    holds when it runs (all of them up to schema 8; a later step adding one adds its triggers).
    The double-booking triggers are replaced by ones whose search is bounded by the one-day
    limit on an appointment, which a stored appointment must already keep.
    """
    if not is_sqlite(database):
        return
    too_long = database.execute_sql("SELECT id FROM appointment WHERE ends_at IS NOT NULL "
                                    "AND julianday(ends_at) - julianday(starts_at) > 1 ORDER BY id").fetchone()
    if too_long:
        raise SchemaError(f"appointment {too_long[0]} lasts more than a day, which no appointment can: correct it, "
                          "then open the database again (it was left untouched)")
    columns = [(table, column) for table, column in utc_columns(ALL_MODELS)
               if table in database.get_tables() and column in {c.name for c in database.get_columns(table)}]
    for table, column in columns:
        if table not in constraints.WRITE_ONCE_TABLES:
            _rewrite_instants(database, table, column)
    for statement in constraints.instant_statements(columns):
        database.execute_sql(statement)
    constraints.replace_double_booking_guard(database)


def _rewrite_instants(database: Database, table: str, column: str) -> None:
    rows = database.execute_sql(f"SELECT rowid, {column} FROM {table} WHERE {column} IS NOT NULL "
                                f"AND NOT {sqlite_instant_form(column)}").fetchall()
    for rowid, value in rows:
        try:
            instant = datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            instant = None
        if instant is None or instant.tzinfo is None:
            raise SchemaError(f"{table}.{column} of row {rowid} holds {str(value)[:40]!r}, which is not a date and "
                              "time with its time zone: correct it, then open the database again (it was left "
                              "untouched)")
        try:
            with database.atomic():
                database.execute_sql(f"UPDATE {table} SET {column} = ? WHERE rowid = ?",
                                     (instant.astimezone(timezone.utc).strftime(SQLITE_INSTANT_FORMAT), rowid))
        except IntegrityError as error:  # e.g. a double booking the text comparison had missed
            raise SchemaError(f"{table}.{column} of row {rowid} holds {value!r}, which as an instant is refused "
                              f"({error}): correct it, then open the database again (it was left untouched)") from None


def _step_8_signed_letters(migrator: SchemaMigrator) -> None:
    """The clinic's signing authority and the staff's encrypted signing keys, as declared at schema 8.

    The authority itself is not made here: an upgrade knows nobody's password to wrap its key
    under, so it is made at the first practice manager's sign-in after the upgrade
    (services/referrals/signing_keys.py).
    """

    class SigningAuthority(Model):
        certificate = TextField()
        fingerprint = CharField(max_length=64, unique=True)
        created_at = UTCDateTimeField()

        class Meta:
            database = migrator.database
            legacy_table_names = False

    class SigningKey(Model):
        user = ForeignKeyField(User, backref="+", index=True)
        purpose = CharField(max_length=16, constraints=[one_of("purpose", ("authority", "signing"))])
        authority = ForeignKeyField(SigningAuthority, null=True, backref="+")
        encrypted_key = TextField()
        public_key = TextField()
        certificate = TextField(null=True)
        fingerprint = CharField(max_length=64, null=True, index=True)
        created_at = UTCDateTimeField()
        retired_at = UTCDateTimeField(null=True)

        class Meta:
            database = migrator.database
            legacy_table_names = False

    migrator.database.create_tables([SigningAuthority, SigningKey])


MIGRATIONS: dict[int, MigrationStep] = {
    2: _step_2_referral_destinations,
    3: _step_3_audit_hash_chain,
    4: _step_4_dashboard_indexes,
    5: _step_5_obligation_owners,
    6: _step_6_whole_pathway,
    7: _step_7_front_desk,
    8: _step_8_trust_and_book,
}


class SchemaError(RuntimeError):
    """The database cannot be used by this version of the app; nothing was changed."""


@dataclass(frozen=True)
class SchemaReport:
    created: bool
    upgraded_from: int | None
    backup: Path | None


def stored_version(database: Database) -> int | None:
    if not database.table_exists(SchemaVersion._meta.table_name):
        return None
    row = SchemaVersion.select().first()
    return row.version if row else None


def prepare_database(database: Database, target: int = SCHEMA_VERSION, steps=None,
                     backup_folder: Path | None = None) -> SchemaReport:
    """Make ``database`` ready for this version of the app, or raise SchemaError."""
    steps = MIGRATIONS if steps is None else steps
    version = stored_version(database)
    if version is None:
        if database.get_tables():
            raise _not_ours()
        _create(database, target)
        return SchemaReport(created=True, upgraded_from=None, backup=None)
    if version > target:
        raise _newer(version, target)
    if version == target:
        _announce_changes(database)
        return SchemaReport(created=False, upgraded_from=None, backup=None)
    missing = [number for number in range(version + 1, target + 1) if number not in steps]
    if missing:
        raise SchemaError(f"no upgrade step to schema {missing[0]}; the database was left untouched")
    backup = take_backup(database, version, backup_folder)
    migrator = SchemaMigrator.from_database(database)
    with database.atomic():
        for number in range(version + 1, target + 1):
            steps[number](migrator, database)
        SchemaVersion.update(version=target).execute()
    _announce_changes(database)
    return SchemaReport(created=False, upgraded_from=version, backup=backup)


def _announce_changes(database: Database) -> None:
    """A PostgreSQL database made before audit events were announced gets the trigger now, where
    this login may add it (constraints.install_change_notice): no schema version needed, since a
    database without it works exactly as before, its windows polling."""
    if not is_sqlite(database):
        constraints.install_change_notice(database)


def check_sqlite_file(path: Path, target: int = SCHEMA_VERSION) -> None:
    """Refuse a file that is not ours before opening it the usual way.

    Opening an SQLite file for use switches it to WAL mode, which rewrites its header, so a
    file that is not an SQLite database, or someone else's database, or one from a newer
    version of the app, is turned away here, read-only, and so truly left untouched. An
    empty file is refused too: SQLite would take it for a new database, and a clinic whose
    file was emptied (a failed copy, a full disk) would open as a new, empty clinic whose
    lists say nothing is overdue. A new clinic is made only where there is no file.
    """
    if not path.is_file():
        return
    if path.stat().st_size == 0:
        raise SchemaError(f"{path} is empty (0 bytes), so it is not a clinic database: it was left untouched; "
                          "restore the last backup, or delete the file to start a new clinic")
    with path.open("rb") as file:
        if file.read(16) != b"SQLite format 3\x00":
            raise SchemaError(f"{path} is not an SQLite database file; it was left untouched")
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return  # not readable read-only (e.g. a WAL file without its index): the usual open decides
    try:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        version_table = SchemaVersion._meta.table_name
        if tables and version_table not in tables:
            raise _not_ours()
        if version_table in tables:
            row = connection.execute(f'SELECT version FROM "{version_table}"').fetchone()
            if row and row[0] > target:
                raise _newer(row[0], target)
    except sqlite3.Error:
        return
    finally:
        connection.close()


def _not_ours() -> SchemaError:
    return SchemaError(
        "the database holds tables but no Clinic Desktop schema version: "
        "it is not a Clinic Desktop database, so it was left untouched"
    )


def _newer(version: int, target: int) -> SchemaError:
    return SchemaError(
        f"the database was written by a newer Clinic Desktop (schema {version}; this "
        f"version knows up to {target}). It was left untouched: install the newer version."
    )


def _create(database: Database, version: int) -> None:
    with database.atomic():
        database.create_tables(ALL_MODELS)
        constraints.install(database, sqlite=is_sqlite(database), models=ALL_MODELS)
        SchemaVersion.create(version=version)
        if version >= 8:
            store_installation_id()


def take_backup(database: Database, version: int, folder: Path | None = None) -> Path:
    """Copy the whole database aside before an upgrade (checked, and whole or not at all);
    raise SchemaError if that fails, and then nothing is upgraded."""
    from clinic_desktop.models.backup_files import BackupFileError, copy_sqlite, pg_dump_command, run_pg_tool

    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    try:
        if is_sqlite(database):
            source = Path(database.database)
            target = (folder or source.parent) / f"{source.stem}.schema-{version}.{stamp}.backup.sqlite3"
            target.parent.mkdir(parents=True, exist_ok=True)
            copy_sqlite(database.connection(), target)
            return target
        from clinic_desktop.models.database import default_database_path

        params = database.connect_params
        name = f"{database.database}.schema-{version}.{stamp}.backup.pgdump"
        target = (folder or default_database_path().parent) / name
        target.parent.mkdir(parents=True, exist_ok=True)
        run_pg_tool(pg_dump_command(database.database, params, target), params.get("password"))
        return target
    except (BackupFileError, OSError) as error:
        raise SchemaError(f"the backup before the upgrade failed, so nothing was changed: {error}") from None
