"""Creating, re-opening, refusing and upgrading the database schema (models/schema.py)."""
import hashlib
import shutil
import sqlite3
import subprocess
from contextlib import contextmanager
from datetime import date, datetime, timezone
from pathlib import Path

import psycopg2
import pytest
from database_fixtures import empty_postgres
from peewee import CharField, IntegrityError
from playhouse.migrate import migrate

from clinic_desktop.models import (
    ALL_MODELS,
    Appointment,
    AuditEvent,
    CalendarEvent,
    ClinicianLeave,
    ClinicianSession,
    DestinationKind,
    Episode,
    ImagingRequest,
    ImprovementMeasure,
    InitialManagement,
    ManagementPlan,
    Medication,
    Patient,
    Referral,
    ReferralDestination,
    ReferralRecipient,
    Reminder,
    SchemaVersion,
    StartBackAssessment,
    User,
    WaitingListEntry,
    backup_files,
    bind_database,
    is_sqlite,
    make_database,
    schema,
)
from clinic_desktop.models import audit as audit_model
from clinic_desktop.models.base import one_of
from clinic_desktop.models.schema import (
    SCHEMA_VERSION,
    SchemaError,
    prepare_database,
    stored_version,
)
from clinic_desktop.models.signing import SigningAuthority, SigningKey

NOW = datetime(2025, 6, 16, 8, 0, tzinfo=timezone.utc)
# A made-up step after today's schema, for testing the upgrade machinery itself.
NEXT = SCHEMA_VERSION + 1


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def blank_database(request, tmp_path):
    """A connected database with nothing in it, not yet prepared."""
    if request.param == "sqlite":
        database = make_database(str(tmp_path / "clinic.sqlite3"))
        bind_database(database)
        database.connect()
    else:
        database = empty_postgres(request.getfixturevalue("postgres_url"))
    yield database
    database.close()


def structure(database):
    """Tables with their columns and indexes, triggers/constraints, and the version rows."""
    tables = {table: ([column.name for column in database.get_columns(table)],
                      sorted((index.name, tuple(index.columns)) for index in database.get_indexes(table)))
              for table in database.get_tables()}
    if is_sqlite(database):
        rules = database.execute_sql("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
    else:
        rules = database.execute_sql("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                                     "WHERE connamespace = 'public'::regnamespace ORDER BY conname")
    versions = database.execute_sql("SELECT version FROM schema_version").fetchall() if "schema_version" in tables \
        else None
    return tables, list(rules.fetchall()), versions


def fingerprint(database):
    """What must not change: the structure, and for SQLite the file's bytes too."""
    if not is_sqlite(database):
        return structure(database), None
    database.close()  # the last connection out folds the WAL into the file
    path = Path(database.database)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert not Path(f"{path}-wal").exists()
    database.connect()
    return structure(database), digest


def add_nickname(migrator, database):
    migrate(migrator.add_column("patient", "nickname", CharField(null=True)))


def add_nickname_then_fail(migrator, database):
    add_nickname(migrator, database)
    raise RuntimeError("the next step went wrong")


def patient_columns(database):
    return [column.name for column in database.get_columns("patient")]


# --- a new database ---


def test_a_new_database_is_created_at_the_current_version(blank_database):
    report = prepare_database(blank_database)
    assert (report.created, report.upgraded_from, report.backup) == (True, None, None)
    assert stored_version(blank_database) == SCHEMA_VERSION
    assert set(blank_database.get_tables()) == {model._meta.table_name for model in ALL_MODELS}


def test_a_new_database_holds_the_double_booking_guard(blank_database):
    prepare_database(blank_database)
    names = [name for name, _ in structure(blank_database)[1]]
    if is_sqlite(blank_database):
        assert {"appointment_no_double_booking_insert", "appointment_no_double_booking_update"} <= set(names)
    else:
        assert "appointment_no_double_booking" in names


@pytest.fixture
def clinician_episode(database):
    clinician = User.create(username="drjones", full_name="Dr Alys Jones", role="clinician", password_hash="x",
                            created_at=NOW)
    patient = Patient.create(family_name="Smith", given_name="Ann", family_name_key="smith", given_name_key="ann",
                             date_of_birth=date(1980, 2, 1), created_at=NOW, updated_at=NOW)
    episode = Episode.create(patient=patient, first_contact_on=date(2025, 6, 2), presentation="non_specific",
                             severity="mild", clinician=clinician, created_at=NOW)
    return clinician, episode


def book(clinician, episode, hour, minute, status="booked"):
    starts = NOW.replace(hour=hour, minute=minute)
    return Appointment.create(episode=episode, kind="two_week_review", status=status, due_by=date(2025, 6, 16),
                              clinician=clinician, starts_at=starts, ends_at=starts.replace(minute=minute + 20),
                              created_at=NOW, updated_at=NOW)


def test_the_database_refuses_to_double_book_a_clinician(clinician_episode, database):
    book(*clinician_episode, 10, 0)
    with pytest.raises(IntegrityError), database.atomic():
        book(*clinician_episode, 10, 10)
    assert Appointment.select().count() == 1


def test_back_to_back_and_cancelled_appointments_are_not_double_bookings(clinician_episode):
    book(*clinician_episode, 10, 0)
    book(*clinician_episode, 10, 20)
    book(*clinician_episode, 10, 10, status="cancelled")
    assert Appointment.select().count() == 3


def test_opening_again_changes_nothing(blank_database):
    prepare_database(blank_database)
    before = fingerprint(blank_database)
    report = prepare_database(blank_database)
    assert (report.created, report.upgraded_from, report.backup) == (False, None, None)
    assert fingerprint(blank_database) == before


# --- databases this version must not touch ---


def test_a_database_from_a_newer_version_is_refused_untouched(blank_database):
    prepare_database(blank_database)
    SchemaVersion.update(version=SCHEMA_VERSION + 1).execute()
    before = fingerprint(blank_database)
    with pytest.raises(SchemaError, match=f"written by a newer Clinic Desktop .schema {SCHEMA_VERSION + 1}"):
        prepare_database(blank_database)
    assert fingerprint(blank_database) == before


def test_a_database_of_someone_elses_tables_is_refused_untouched(blank_database):
    blank_database.execute_sql("CREATE TABLE inventory (id INTEGER PRIMARY KEY, item TEXT)")
    blank_database.execute_sql("INSERT INTO inventory (id, item) VALUES (1, 'gloves')")
    before = fingerprint(blank_database)
    with pytest.raises(SchemaError, match="not a Clinic Desktop database, so it was left untouched"):
        prepare_database(blank_database)
    assert fingerprint(blank_database) == before
    assert blank_database.get_tables() == ["inventory"]


def test_an_upgrade_without_a_step_is_refused_untouched(blank_database, tmp_path):
    prepare_database(blank_database)
    before = fingerprint(blank_database)
    with pytest.raises(SchemaError, match=f"no upgrade step to schema {NEXT + 1}"):
        prepare_database(blank_database, target=NEXT + 1, steps={NEXT: add_nickname},
                         backup_folder=tmp_path / "backups")
    assert fingerprint(blank_database) == before
    assert not (tmp_path / "backups").exists()


# --- upgrading an older database ---


def test_an_older_database_is_upgraded_step_by_step(blank_database, tmp_path):
    prepare_database(blank_database)
    report = prepare_database(blank_database, target=NEXT, steps={NEXT: add_nickname},
                              backup_folder=tmp_path / "backups")
    assert (report.created, report.upgraded_from) == (False, SCHEMA_VERSION)
    assert "nickname" in patient_columns(blank_database)
    assert stored_version(blank_database) == NEXT
    assert report.backup.parent == tmp_path / "backups" and report.backup.stat().st_size > 0


def test_an_sqlite_backup_beside_the_file_opens_as_the_old_schema(sqlite_database):
    report = prepare_database(sqlite_database, target=NEXT, steps={NEXT: add_nickname})
    assert report.backup.parent == Path(sqlite_database.database).parent
    with sqlite3.connect(report.backup) as backup:
        assert backup.execute("SELECT version FROM schema_version").fetchall() == [(SCHEMA_VERSION,)]
        assert "nickname" not in [row[1] for row in backup.execute("PRAGMA table_info(patient)")]
    backup.close()


def test_a_postgresql_backup_restores_as_the_old_schema(tmp_path, postgres_server):
    database = empty_postgres(postgres_server.create_database("clinic_upgrade"))
    try:
        prepare_database(database)
        report = prepare_database(database, target=NEXT, steps={NEXT: add_nickname}, backup_folder=tmp_path)
    finally:
        database.close()
    assert report.backup.read_bytes().startswith(b"PGDMP")  # pg_dump's custom format
    restored = postgres_server.create_database("clinic_restored")
    subprocess.run([shutil.which("pg_restore"), "--no-owner", f"--dbname={restored}", str(report.backup)],
                   check=True, capture_output=True)
    connection = psycopg2.connect(restored)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT version FROM schema_version")
            assert cursor.fetchall() == [(SCHEMA_VERSION,)]
            cursor.execute("SELECT column_name FROM information_schema.columns WHERE table_name = 'patient'")
            assert "nickname" not in {row[0] for row in cursor.fetchall()}
    finally:
        connection.close()


def test_a_failing_step_leaves_the_old_schema_and_version(blank_database, tmp_path):
    prepare_database(blank_database)
    before = structure(blank_database)
    with pytest.raises(RuntimeError, match="the next step went wrong"):
        prepare_database(blank_database, target=NEXT, steps={NEXT: add_nickname_then_fail}, backup_folder=tmp_path)
    assert structure(blank_database) == before
    assert stored_version(blank_database) == SCHEMA_VERSION
    assert "nickname" not in patient_columns(blank_database)


@pytest.mark.parametrize("blank_database", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)
def test_a_postgresql_upgrade_without_pg_dump_is_refused_untouched(blank_database, tmp_path, monkeypatch):
    prepare_database(blank_database)
    before = structure(blank_database)
    monkeypatch.setattr(backup_files, "pg_tool", lambda name: None)
    with pytest.raises(SchemaError, match="pg_dump was not found"):
        prepare_database(blank_database, target=NEXT, steps={NEXT: add_nickname}, backup_folder=tmp_path)
    assert structure(blank_database) == before


# --- schema 2: referral destinations and professional titles ---

SCHEMA_2_TABLES = (ReferralDestination, DestinationKind, ReferralRecipient)


# Schema 5's columns and indexes, by model.
SCHEMA_5_FIELDS = {
    Episode: ("responsible_clinician",),
    Medication: ("continued_on", "continued_reason"),
    Appointment: ("finding_closed_at", "finding_note"),
    Referral: ("cancelled_by", "cancelled_at"),
}
SCHEMA_5_INDEXES = ("appointment_booked_ends_at", "appointment_finding_due", "referral_sent_awaiting_reply",
                    "referral_cancelled_kind_at", "medication_relaxant_running")


# Schema 6's tables and columns, and the medicine classes before it.
SCHEMA_6_TABLES = (InitialManagement, ImprovementMeasure, ManagementPlan, ImagingRequest)
SCHEMA_6_FIELDS = {
    Medication: ("dose_amount", "dose_unit", "dose_frequency", "indication", "spasm_present"),
    Patient: ("nsaid_contraindications",),
    Referral: ("requested_options",),
}
SCHEMA_5_CATEGORIES = ("nsaid", "topical", "muscle_relaxant", "other")


@contextmanager
def without_fields(fields_by_model):
    """The models with these fields taken off, put back afterwards."""
    removed = {model: {name: model._meta.fields[name] for name in names} for model, names in fields_by_model.items()}
    for model, fields in removed.items():
        for name in fields:
            model._meta.remove_field(name)
    try:
        yield
    finally:
        for model, fields in removed.items():
            for name, field in fields.items():
                model._meta.add_field(name, field)


SCHEMA_7_TABLES: tuple = (WaitingListEntry, Reminder)
SCHEMA_7_FIELDS = {
    Patient: ("mobile", "email", "preferred_contact", "sms_reminders_consented_on", "email_reminders_consented_on",
              "gp_practice_name", "gp_practice_ods", "interpreter_language", "telephone_key", "mobile_key",
              "postcode_key"),
}


# Schema 8's tables and columns: signed letters, the clinicians' sessions and leave.
SCHEMA_8_TABLES: tuple = (CalendarEvent, ClinicianSession, ClinicianLeave, SigningAuthority, SigningKey)
SCHEMA_8_FIELDS: dict = {}


@contextmanager
def schema_7_models():
    """The models as schema 7 had them: no signing keys, sessions or leave."""
    with without_fields(SCHEMA_8_FIELDS):
        yield tuple(model for model in ALL_MODELS if model not in SCHEMA_8_TABLES)


@contextmanager
def schema_6_models():
    """The models as schema 6 had them: no contact details beyond one telephone, no search keys."""
    with schema_7_models() as models, without_fields(SCHEMA_7_FIELDS):
        yield tuple(model for model in models if model not in SCHEMA_7_TABLES)


@contextmanager
def schema_5_models():
    """The models as schema 5 had them: no advice, measures, plans or imaging tables, unstructured
    doses, four medicine classes, no NSAID contraindications nor requested options."""
    category = Medication._meta.fields["category"]
    constraints = category.constraints
    category.constraints = [one_of("category", SCHEMA_5_CATEGORIES)]
    try:
        with schema_6_models() as models, without_fields(SCHEMA_6_FIELDS):
            yield tuple(model for model in models if model not in SCHEMA_6_TABLES)
    finally:
        category.constraints = constraints


@contextmanager
def schema_4_models():
    """The models as schema 4 had them: no obligation owners, finding closures or cancellers,
    nor the indexes of the safety net's lists (nor schema 6)."""
    indexed = (Appointment, Referral, Medication)
    indexes = {model: model._meta.indexes for model in indexed}
    for model in indexed:
        model._meta.indexes = [index for index in indexes[model]
                               if getattr(index, "_name", None) not in SCHEMA_5_INDEXES]
    try:
        with schema_5_models() as models, without_fields(SCHEMA_5_FIELDS):
            yield models
    finally:
        for model in indexed:
            model._meta.indexes = indexes[model]


@contextmanager
def schema_2_models():
    """The models as schema 2 had them: audit events without their hash chain (nor schema 5)."""
    hashes = {name: AuditEvent._meta.fields[name] for name in ("previous_hash", "entry_hash")}
    indexes = AuditEvent._meta.indexes
    for name in hashes:
        AuditEvent._meta.remove_field(name)
    AuditEvent._meta.indexes = [index for index in indexes if index[0] != ("action", "at")]
    try:
        with schema_4_models() as models:
            yield models
    finally:
        for name, field in hashes.items():
            AuditEvent._meta.add_field(name, field)
        AuditEvent._meta.indexes = indexes


@contextmanager
def schema_1_models():
    """The models as schema 1 had them: no destination tables, no professional title (nor schema 3)."""
    title = User._meta.fields["professional_title"]
    User._meta.remove_field("professional_title")
    try:
        with schema_2_models() as models:
            yield tuple(model for model in models if model not in SCHEMA_2_TABLES)
    finally:
        User._meta.add_field("professional_title", title)


def make_schema_1(database, monkeypatch):
    """A database exactly as the release with schema 1 created it, holding a signed letter's rows."""
    with schema_1_models() as models, monkeypatch.context() as patch:
        patch.setattr(schema, "ALL_MODELS", models)
        prepare_database(database, target=1)
        clinician, episode = _clinician_and_episode()
        referral = Referral.create(episode=episode, kind="spinal_surgical", reason="not improved", status="drafted",
                                   due_by=date(2025, 6, 30), raised_at=NOW, updated_at=NOW)
    assert stored_version(database) == 1
    return clinician.id, referral.id


def _clinician_and_episode():
    clinician = User.create(username="drjones", full_name="Dr Alys Jones", role="clinician", password_hash="x",
                            registration_number="GMC 7012345", created_at=NOW)
    patient = Patient.create(family_name="Smith", given_name="Ann", family_name_key="smith", given_name_key="ann",
                             date_of_birth=date(1980, 2, 1), created_at=NOW, updated_at=NOW)
    episode = Episode.create(patient=patient, first_contact_on=date(2025, 6, 2), presentation="non_specific",
                             severity="mild", clinician=clinician, created_at=NOW)
    return clinician, episode


def test_schema_2_upgrades_a_schema_1_database_to_what_a_new_one_holds(blank_database, tmp_path, monkeypatch,
                                                                          request):
    make_schema_1(blank_database, monkeypatch)
    report = prepare_database(blank_database, backup_folder=tmp_path)
    assert (report.upgraded_from, stored_version(blank_database)) == (1, SCHEMA_VERSION)
    upgraded = structure(blank_database), typed_columns(blank_database)
    fresh = _fresh_structure(blank_database, tmp_path, request)
    assert upgraded == fresh


def test_schema_2_keeps_the_rows_and_lets_them_use_the_new_tables(blank_database, tmp_path, monkeypatch):
    clinician_id, referral_id = make_schema_1(blank_database, monkeypatch)
    prepare_database(blank_database, backup_folder=tmp_path)
    clinician = User.get_by_id(clinician_id)
    assert (clinician.full_name, clinician.professional_title) == ("Dr Alys Jones", None)
    User.update(professional_title="Physiotherapist").where(User.id == clinician_id).execute()
    destination = ReferralDestination.create(name="Spinal surgery", created_at=NOW, updated_at=NOW)
    DestinationKind.create(destination=destination, kind="spinal_surgical", is_default=True)
    ReferralRecipient.create(referral=referral_id, destination=destination, chosen_by=clinician_id, chosen_at=NOW)
    assert User.get_by_id(clinician_id).professional_title == "Physiotherapist"
    assert ReferralRecipient.get(ReferralRecipient.referral == referral_id).destination.name == "Spinal surgery"


def test_the_database_keeps_one_default_destination_per_kind(database):
    first = ReferralDestination.create(name="A", created_at=NOW, updated_at=NOW)
    second = ReferralDestination.create(name="B", created_at=NOW, updated_at=NOW)
    DestinationKind.create(destination=first, kind="biopsychosocial", is_default=True)
    DestinationKind.create(destination=second, kind="biopsychosocial", is_default=False)
    with pytest.raises(IntegrityError), database.atomic():
        DestinationKind.update(is_default=True).where(DestinationKind.destination == second).execute()
    assert [row.destination.name for row in DestinationKind.select().where(DestinationKind.is_default)] == ["A"]


def typed_columns(database):
    """Every column with its declared type and whether it may be empty."""
    return {table: sorted((column.name, column.data_type.lower(), column.null)
                          for column in database.get_columns(table))
            for table in database.get_tables()}


def _fresh_structure(database, tmp_path, request):
    """The structure of a database made new at today's schema, of the same kind as ``database``."""
    if is_sqlite(database):
        fresh = make_database(str(tmp_path / "fresh.sqlite3"))
    else:
        fresh = make_database(request.getfixturevalue("postgres_server").create_database("clinic_fresh"))
    bind_database(fresh)
    fresh.connect()
    try:
        prepare_database(fresh)
        return structure(fresh), typed_columns(fresh)
    finally:
        fresh.close()
        bind_database(database)


# --- schema 3: the audit trail's hash chain ---


def make_schema_2_with_events(database, monkeypatch):
    """A database as schema 2 made it, holding three audit events written before the chain existed."""
    with schema_2_models() as models, monkeypatch.context() as patch:
        patch.setattr(schema, "ALL_MODELS", models)
        prepare_database(database, target=2)
        for number in range(1, 4):
            AuditEvent.insert(at=NOW.replace(minute=number), actor_label="Morag (manager)", action="edit_patient",
                              entity="patient", entity_id=number, summary=f"corrected record {number} – Zoë",
                              details='{"field": "given_name"}').execute()
    assert stored_version(database) == 2


def test_schema_3_links_the_events_already_stored_into_one_chain(blank_database, tmp_path, monkeypatch):
    from clinic_desktop.services.audit import audit_chain
    from clinic_desktop.services.core.actor import Actor

    make_schema_2_with_events(blank_database, monkeypatch)
    monkeypatch.setattr(audit_model, "FILL_BATCH", 2)  # the chain carries on from one batch to the next
    report = prepare_database(blank_database, backup_folder=tmp_path)
    assert (report.upgraded_from, stored_version(blank_database)) == (2, SCHEMA_VERSION)
    events = list(AuditEvent.select().order_by(AuditEvent.id))
    assert events[0].previous_hash == "0" * 64
    assert [event.previous_hash for event in events[1:]] == [event.entry_hash for event in events[:-1]]
    assert audit_chain.verify_chain(Actor.command_line()).checked == 3


def test_schema_3_puts_the_write_once_triggers_back(blank_database, tmp_path, monkeypatch):
    make_schema_2_with_events(blank_database, monkeypatch)
    prepare_database(blank_database, backup_folder=tmp_path)
    with pytest.raises(IntegrityError, match="append-only"), blank_database.atomic():
        AuditEvent.update(summary="rewritten").execute()
    with pytest.raises(IntegrityError, match="append-only"), blank_database.atomic():
        AuditEvent.delete().execute()
    assert [event.summary[-3:] for event in AuditEvent.select()] == ["Zoë"] * 3


def test_schema_3_upgrades_to_what_a_new_database_holds(blank_database, tmp_path, monkeypatch, request):
    make_schema_2_with_events(blank_database, monkeypatch)
    prepare_database(blank_database, backup_folder=tmp_path)
    upgraded = structure(blank_database), typed_columns(blank_database)
    assert upgraded == _fresh_structure(blank_database, tmp_path, request)


def test_an_event_written_after_schema_3_continues_the_chain(blank_database, tmp_path, monkeypatch):
    make_schema_2_with_events(blank_database, monkeypatch)
    prepare_database(blank_database, backup_folder=tmp_path)
    event = AuditEvent.create(at=NOW, actor_label="Morag (manager)", action="edit_patient", entity="patient",
                              summary="after the upgrade")
    assert (event.id, event.previous_hash) == (4, AuditEvent.get_by_id(3).entry_hash)


# --- schema 5: who owes what ---


def make_schema_4(database, monkeypatch):
    """A database as schema 4 made it: one episode with an attended 2-week review and its STarT Back,
    and an attended 12-week check without an outcome."""
    with schema_4_models() as models, monkeypatch.context() as patch:
        patch.setattr(schema, "ALL_MODELS", models)
        prepare_database(database, target=4)
        clinician, episode = _clinician_and_episode()
        for kind, hour in (("two_week_review", 9), ("twelve_week_review", 10)):
            Appointment.create(episode=episode, kind=kind, status="attended", due_by=date(2025, 6, 16),
                               clinician=clinician, starts_at=NOW.replace(hour=hour),
                               ends_at=NOW.replace(hour=hour, minute=20), created_at=NOW, updated_at=NOW)
        StartBackAssessment.create(episode=episode, assessed_on=date(2025, 6, 16), recorded_by=clinician,
                                   recorded_at=NOW, total=1, psychosocial=0, risk="low",
                                   **{f"item_{number}": 0 for number in range(1, 10)})
    assert stored_version(database) == 4
    return clinician.id, episode.id


def test_schema_5_upgrades_to_what_a_new_database_holds(blank_database, tmp_path, monkeypatch, request):
    make_schema_4(blank_database, monkeypatch)
    prepare_database(blank_database, backup_folder=tmp_path)
    upgraded = structure(blank_database), typed_columns(blank_database)
    assert upgraded == _fresh_structure(blank_database, tmp_path, request)


def test_schema_5_makes_the_first_contact_clinician_responsible_and_keeps_recorded_findings(
        blank_database, tmp_path, monkeypatch):
    clinician_id, episode_id = make_schema_4(blank_database, monkeypatch)
    prepare_database(blank_database, backup_folder=tmp_path)
    assert Episode.get_by_id(episode_id).responsible_clinician_id == clinician_id
    owed = {row.kind: row.finding_closed_at is None for row in Appointment.select()}
    assert owed == {"two_week_review": False, "twelve_week_review": True}


# --- schema 6: the whole pathway ---


def make_schema_5(database, monkeypatch):
    """A database as schema 5 made it: one episode with a muscle relaxant and an NSAID, a patient
    and a referral, none of which knew structured doses, contraindications or requested options."""
    with schema_5_models() as models, monkeypatch.context() as patch:
        patch.setattr(schema, "ALL_MODELS", models)
        prepare_database(database, target=5)
        clinician, episode = _clinician_and_episode()
        for name, category in (("cyclobenzaprine", "muscle_relaxant"), ("naproxen", "nsaid")):
            Medication.create(episode=episode, name=name, category=category, dose="5 mg at night",
                              started_on=date(2025, 6, 16), recorded_by=clinician, recorded_at=NOW)
        Referral.create(episode=episode, kind="pain_spinal_centre", reason="not improved", due_by=date(2025, 6, 30),
                        raised_at=NOW, updated_at=NOW)
    assert stored_version(database) == 5
    return episode.id


def test_schema_6_upgrades_to_what_a_new_database_holds(blank_database, tmp_path, monkeypatch, request):
    make_schema_5(blank_database, monkeypatch)
    prepare_database(blank_database, backup_folder=tmp_path)
    upgraded = structure(blank_database), typed_columns(blank_database)
    assert upgraded == _fresh_structure(blank_database, tmp_path, request)


def test_schema_6_keeps_every_medicine_as_it_was_and_asks_nothing_of_it(blank_database, tmp_path, monkeypatch):
    episode_id = make_schema_5(blank_database, monkeypatch)
    prepare_database(blank_database, backup_folder=tmp_path)
    medicines = [(row.id, row.name, row.category, row.dose, row.dose_amount, row.spasm_present)
                 for row in Medication.select().order_by(Medication.id)]
    assert medicines == [(1, "cyclobenzaprine", "muscle_relaxant", "5 mg at night", None, None),
                         (2, "naproxen", "nsaid", "5 mg at night", None, None)]
    assert Patient.get().nsaid_contraindications == ""
    assert Referral.get().requested_options == ""
    opioid = Medication.create(episode=episode_id, name="codeine", category="opioid", started_on=date(2025, 6, 17),
                               recorded_by=1, recorded_at=NOW, dose_amount="30", dose_unit="mg")
    assert opioid.id == 3  # ids carry on after the rebuilt table's rows


def test_schema_6_still_refuses_an_unknown_medicine_class(blank_database, tmp_path, monkeypatch):
    episode_id = make_schema_5(blank_database, monkeypatch)
    prepare_database(blank_database, backup_folder=tmp_path)
    with pytest.raises(IntegrityError), blank_database.atomic():
        Medication.create(episode=episode_id, name="x", category="herbal", started_on=date(2025, 6, 17),
                          recorded_by=1, recorded_at=NOW)


# --- schema 7: contact details ---


def make_schema_6(database, monkeypatch):
    """A database as schema 6 made it: one patient with a telephone number and a postcode."""
    with schema_6_models() as models, monkeypatch.context() as patch:
        patch.setattr(schema, "ALL_MODELS", models)
        prepare_database(database, target=6)
        _clinician_and_episode()
        Patient.update(telephone="+44 (0)1632 960 001", postcode=" sw1a 1aa").execute()
    assert stored_version(database) == 6


def test_schema_7_upgrades_to_what_a_new_database_holds(blank_database, tmp_path, monkeypatch, request):
    make_schema_6(blank_database, monkeypatch)
    prepare_database(blank_database, backup_folder=tmp_path)
    upgraded = structure(blank_database), typed_columns(blank_database)
    assert upgraded == _fresh_structure(blank_database, tmp_path, request)


def test_schema_7_keeps_each_patient_and_finds_them_by_the_phone_and_postcode_already_stored(
        blank_database, tmp_path, monkeypatch):
    make_schema_6(blank_database, monkeypatch)
    prepare_database(blank_database, backup_folder=tmp_path)
    patient = Patient.get()
    assert (patient.telephone, patient.postcode) == ("+44 (0)1632 960 001", " sw1a 1aa")
    assert (patient.telephone_key, patient.mobile_key, patient.postcode_key) == ("01632960001", "", "SW1A1AA")
    assert (patient.mobile, patient.email, patient.preferred_contact, patient.interpreter_language) == ("", "", None,
                                                                                                         None)


# --- schema 8: signed letters, instants, sessions and leave ---


def make_schema_7(database, monkeypatch):
    """A database as schema 7 made it: a clinician, a patient and an episode."""
    with schema_7_models() as models, monkeypatch.context() as patch:
        patch.setattr(schema, "ALL_MODELS", models)
        prepare_database(database, target=7)
        _clinician_and_episode()
    assert stored_version(database) == 7


def test_schema_8_upgrades_to_what_a_new_database_holds(blank_database, tmp_path, monkeypatch, request):
    make_schema_7(blank_database, monkeypatch)
    prepare_database(blank_database, backup_folder=tmp_path)
    upgraded = structure(blank_database), typed_columns(blank_database)
    assert upgraded == _fresh_structure(blank_database, tmp_path, request)


def test_schema_8_gives_every_clinician_the_opening_hours_every_weekday(blank_database, tmp_path, monkeypatch):
    make_schema_7(blank_database, monkeypatch)
    prepare_database(blank_database, backup_folder=tmp_path)
    (clinician,) = User.select().where(User.role == "clinician")
    rows = ClinicianSession.select().where(ClinicianSession.clinician == clinician.id).order_by(
        ClinicianSession.weekday)
    assert [(row.weekday, row.starts_time, row.slot_minutes, row.kinds, row.valid_until) for row in rows] == [
        (weekday, None, None, "", None) for weekday in range(5)]
