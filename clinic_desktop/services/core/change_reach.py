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
"""
from __future__ import annotations

from enum import StrEnum

from clinic_desktop.services.core.entity import Entity

__all__ = ["NAMES_ITS_PATIENT", "REACH", "Record", "kinds_changing", "kinds_changing_unnamed"]


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


def kinds_changing(*records: Record) -> tuple[Entity, ...]:
    """The kinds of event that may change any of these records, in a steady order."""
    wanted = set(records)
    return tuple(kind for kind in Entity if REACH[kind] & wanted)


def kinds_changing_unnamed(*records: Record) -> tuple[Entity, ...]:
    """Of those, the kinds whose events do not say which patient they changed."""
    return tuple(kind for kind in kinds_changing(*records) if kind not in NAMES_ITS_PATIENT)
