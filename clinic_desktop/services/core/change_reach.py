"""Which records an audit event of each kind may have changed, so a list knows which changes concern it.

An audit event names one kind (``Entity``), but the write behind it often changes more than
that kind's own table: recording a STarT Back (an ``EPISODE`` event) raises referrals and
puts reviews on the to-book list; leave over bookings (a ``USER`` event) takes them off the
book; a shorter timing (a ``CLINIC_SETTING`` event) moves due dates. A list that listened
only for the kinds named after what it shows would stay stale after such a change, which in
a safety tool is a patient left off a list. So each shown list declares the *records* it
reads (``Record``), and the kinds that concern it are worked out here from ``REACH``, one
table for the whole app. tests/services/episodes/test_change_reach_machine.py drives every
service at random and checks that no write changes a record its event's kind does not reach,
nor (for the kinds that name their patient) another patient's records.

Two refinements keep a whole-clinic list from re-reading after every registration at 200
workstations (issue 19): an action may change less than its kind (``_NARROWER``: a patient
just registered has no care yet, so no pathway runs), and a list whose rows are items of care
shows a patient's details only on that patient's rows, so a change to nothing but the details
of a patient not on its rows read so far leaves it as it is (``concerns``, ``shown_patients``).
"""
from __future__ import annotations

from collections.abc import Collection
from enum import StrEnum
from typing import NamedTuple

from clinic_desktop.services.core.entity import Entity

__all__ = ["NAMES_ITS_PATIENT", "REACH", "Reached", "Record", "concerns", "reached_by"]


class Record(StrEnum):
    """What a list may read, a little coarser than the tables (models/)."""

    PATIENT = "patient"  # patients' details
    EPISODE = "episode"  # episodes and what is recorded in them: medicines, findings, care records, measures
    WARNING = "warning"  # the pathway's warnings and their acknowledgement
    APPOINTMENT = "appointment"  # reviews to book, bookings, what happened at them, the findings they owe
    WAITING_LIST = "waiting_list"  # who is waiting for an earlier appointment
    REFERRAL = "referral"  # referrals, their letter versions and chosen recipients
    DESTINATION = "destination"  # the directory of referral destinations
    STAFF = "staff"  # accounts, their roles and whether active, signing keys
    ROTA = "rota"  # clinicians' sessions and leave
    SETTING = "setting"  # clinic details, hours, closures, timings, letterhead
    REMINDER = "reminder"  # appointment reminders sent, failed or being sent
    CALENDAR = "calendar"  # what each exported calendar event last said
    BACKUPS = "backups"  # the backup copies (files beside the database)
    AUDIT = "audit"  # the audit trail: every event adds to it


_PATHWAY = frozenset({Record.APPOINTMENT, Record.WAITING_LIST, Record.REFERRAL, Record.WARNING})  # synchronise()

# What an event of each kind may have changed besides the audit trail, which every event adds to, and why.
_CHANGES: dict[Entity, frozenset[Record]] = {
    # book, move, cancel, arrived, did not attend; a booking closes its waiting-list entry
    Entity.APPOINTMENT: frozenset({Record.APPOINTMENT, Record.WAITING_LIST}),
    # every clinical fact runs the pathway (services/episodes/pathway_sync.py); findings close reviews; discharge
    Entity.EPISODE: frozenset({Record.EPISODE} | _PATHWAY),
    # a patient's details (hepatic impairment) run the pathway again for their episodes
    Entity.PATIENT: frozenset({Record.PATIENT} | _PATHWAY),
    # raise, draft, sign, send, acknowledge, cancel; the letter's recipient
    Entity.REFERRAL: frozenset({Record.REFERRAL}),
    Entity.REFERRAL_DESTINATION: frozenset({Record.DESTINATION}),
    # accounts and signing keys; deactivation hands episodes over; sessions and leave take bookings off the
    # book; a calendar export remembers what it wrote
    Entity.USER: frozenset({Record.STAFF, Record.ROTA, Record.EPISODE, Record.APPOINTMENT, Record.WAITING_LIST,
                            Record.CALENDAR}),
    # a timing, closure day or zone moves the due dates nobody has acted on yet
    Entity.CLINIC_SETTING: frozenset({Record.SETTING} | _PATHWAY),
    Entity.DATABASE: frozenset({Record.BACKUPS}),
    Entity.REPORT: frozenset(),  # a report written to a file
    Entity.AUDIT_EVENT: frozenset(),  # the trail exported
    Entity.REMINDER: frozenset({Record.REMINDER}),
}
REACH: dict[Entity, frozenset[Record]] = {kind: records | {Record.AUDIT} for kind, records in _CHANGES.items()}

# The kinds whose events name the one patient whose records they changed (``audit_event.patient``), so a
# view of one patient may ignore them for another patient; the other kinds change many patients' records
# at once (a hand-over, leave, a timing) without naming any, or none.
NAMES_ITS_PATIENT = frozenset({Entity.APPOINTMENT, Entity.EPISODE, Entity.PATIENT, Entity.REFERRAL})


# Actions whose write changes less than their kind reaches, and what it does change (the audit trail aside).
_NARROWER: dict[str, frozenset[Record]] = {
    "register_patient": frozenset({Record.PATIENT}),  # a new patient: no episode yet, so no pathway to run
}


class Reached(NamedTuple):
    """A record one event may have changed, and whose: the patient its event names, for the kinds that
    name theirs (``NAMES_ITS_PATIENT``); None when it does not say, which any view must take as its own."""

    record: Record
    patient: int | None


def reached_by(kind: Entity, action: str, patient: int | None) -> frozenset[Reached]:
    """What an event of this kind and action, naming this patient (or none), may have changed."""
    records = _NARROWER[action] | {Record.AUDIT} if action in _NARROWER else REACH[kind]
    whose = patient if kind in NAMES_ITS_PATIENT else None
    return frozenset(Reached(record, whose) for record in records)


def concerns(reached: Collection[Reached], records: Collection[Record], *, patient: int | None = None,
             shown_patients: Collection[int] | None = None) -> bool:
    """Whether changes that reached these may alter a view that reads ``records``.

    ``patient``: the view shows that one patient, so changes that name another leave it alone.
    ``shown_patients``: the view lists items of care, each on its patient's row, in an order and a
    number that patients' details do not decide (no filter by name is on), and these are the
    patients on the rows it has read; a change to the details of anyone else cannot alter it.
    """
    for record, whose in reached:
        if record not in records:
            continue
        if patient is not None and whose is not None and whose != patient:
            continue
        if (record is Record.PATIENT and shown_patients is not None and whose is not None
                and whose not in shown_patients):
            continue
        return True
    return False
