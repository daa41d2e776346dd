"""What each kind of audit event may change (services/core/change_reach.py), checked against what the writes did.

The shown lists decide from ``REACH`` whether a change concerns them: a write that changed a record its
event's kind does not reach would leave a list stale. The safety-net state machine drives every clinical
service at random (bookings, facts, discharge, hand-overs, leave, timings, closures); here each of its
changing calls is watched: every row of every table before and after, and the records that changed
must be within the reach of the kind its one audit event names, or of its action where that changes
less (a registration). For the kinds that name their patient, every patient-scoped row that changed
must be that patient's (a view of one patient ignores the rest).
"""
from __future__ import annotations

from database_fixtures import open_test_database
from hypothesis import settings
from hypothesis.stateful import run_state_machine_as_test
from test_safety_net_state_machine import SQLITE_RUN, Figures, SafetyNet

from clinic_desktop.models import (
    ALL_MODELS,
    Appointment,
    AuditEvent,
    CalendarEvent,
    ClinicianLeave,
    ClinicianSession,
    ClinicSetting,
    DestinationKind,
    Episode,
    ImagingRequest,
    ImprovementMeasure,
    InitialManagement,
    LetterVersion,
    ManagementPlan,
    Medication,
    PathwayWarning,
    Patient,
    RadicularStatus,
    RedFlagRecord,
    Referral,
    ReferralDestination,
    ReferralRecipient,
    Reminder,
    SchemaVersion,
    SigningAuthority,
    SigningKey,
    StartBackAssessment,
    TwelveWeekOutcome,
    User,
    WaitingListEntry,
)
from clinic_desktop.models.schema import prepare_database
from clinic_desktop.services.core.change_reach import NAMES_ITS_PATIENT, REACH, Record, reached_by
from clinic_desktop.services.core.entity import Entity

TABLES = {
    Record.PATIENT: (Patient,),
    Record.EPISODE: (Episode, Medication, RadicularStatus, RedFlagRecord, StartBackAssessment, TwelveWeekOutcome,
                     InitialManagement, ImprovementMeasure, ManagementPlan, ImagingRequest),
    Record.WARNING: (PathwayWarning,),
    Record.APPOINTMENT: (Appointment,),
    Record.WAITING_LIST: (WaitingListEntry,),
    Record.REFERRAL: (Referral, LetterVersion, ReferralRecipient),
    Record.DESTINATION: (ReferralDestination, DestinationKind),
    Record.STAFF: (User, SigningAuthority, SigningKey),
    Record.ROTA: (ClinicianSession, ClinicianLeave),
    Record.SETTING: (ClinicSetting,),
    Record.REMINDER: (Reminder,),
    Record.CALENDAR: (CalendarEvent,),
    Record.AUDIT: (AuditEvent,),
}
RECORD_OF = {model: record for record, models in TABLES.items() for model in models}
_TOWARDS_PATIENT = {"patient": Patient, "episode": Episode, "referral": Referral, "appointment": Appointment}
EXAMPLES = settings(SQLITE_RUN, max_examples=max(4, SQLITE_RUN.max_examples // 3))


def _snapshot() -> dict:
    """Every row of every table, by its primary key."""
    return {model: {row[model._meta.primary_key.name]: row for row in model.select().dicts()} for model in RECORD_OF}


def _patient_of(model, row: dict, tables: dict) -> int | None:
    """The patient a row belongs to, following its links (episode, referral, appointment); None: nobody's."""
    if model is Patient:
        return row["id"]
    for field, parent in _TOWARDS_PATIENT.items():
        if row.get(field) is not None and row[field] in tables[parent]:
            return _patient_of(parent, tables[parent][row[field]], tables)
    return None


class ReachWatched(SafetyNet):
    """The safety net's machine, each changing call watched for what it changed."""

    def call(self, service, actor, *args, **kwargs):
        before = _snapshot()
        result = super().call(service, actor, *args, **kwargs)
        after = _snapshot()
        events = [row for key, row in after[AuditEvent].items() if key not in before[AuditEvent]]
        if not events:
            return result  # refused: nothing changed (the machine checks that)
        event = events[0]
        kind = Entity(event["entity"])
        changed = {model: {key for key in before[model].keys() | after[model].keys()
                           if before[model].get(key) != after[model].get(key)} for model in RECORD_OF}
        records = {RECORD_OF[model] for model, keys in changed.items() if keys}
        reach = {reached.record for reached in reached_by(kind, event["action"], event["patient"])}
        assert records <= reach, (f"{service.__name__} wrote a {kind} event ({event['action']}) but changed "
                                  f"{sorted(records - reach)}: add them to its reach (change_reach.py)")
        if kind in NAMES_ITS_PATIENT:
            patients = {_patient_of(model, after[model].get(key) or before[model][key], after | {
                parent: before[parent] | after[parent] for parent in _TOWARDS_PATIENT.values()})
                for model, keys in changed.items() if model is not AuditEvent for key in keys}
            assert patients - {None} <= {event["patient"]}, (
                f"{service.__name__} wrote a {kind} event naming patient {event['patient']} but changed the "
                f"records of patients {sorted(patients - {None, event['patient']})}")
        return result


def test_the_reach_table_knows_every_kind_and_table():
    assert set(REACH) == set(Entity)
    assert set(RECORD_OF) == set(ALL_MODELS) - {SchemaVersion}
    assert set(TABLES) == set(Record) - {Record.BACKUPS}  # the backups are files, not rows


def test_no_write_changes_a_record_beyond_its_event_kinds_reach(tmp_path):
    def new_database():
        for old in tmp_path.glob("clinic.sqlite3*"):
            old.unlink()
        database = open_test_database(str(tmp_path / "clinic.sqlite3"))
        prepare_database(database)
        return database

    figures = Figures()
    machine = type("ReachRun", (ReachWatched,), {"new_database": staticmethod(new_database), "figures": figures})
    run_state_machine_as_test(machine, settings=EXAMPLES)
    assert sum(figures.changes.values()) > figures.examples  # the calls watched did change things
