"""Reviews the pathway asks for, from "to book" to attended.

An appointment row starts life "to book" with only its due-by date; booking gives it a
clinician and a time. A did-not-attend keeps its row (history) and a new "to book" row
with the same due-by date takes its place, pointing back to it.
"""
from __future__ import annotations

from peewee import SQL, CharField, DateField, ForeignKeyField, TextField

from clinic_desktop.models.base import BaseModel, one_of
from clinic_desktop.models.episodes import Episode
from clinic_desktop.models.fields import UTCDateTimeField
from clinic_desktop.models.users import User

APPOINTMENT_KINDS = ("two_week_review", "medication_review", "twelve_week_review", "follow_up")
APPOINTMENT_STATUSES = ("to_book", "booked", "attended", "did_not_attend", "cancelled")
OPEN_APPOINTMENT_STATUSES = ("to_book", "booked")
# Statuses that hold a clinician's time: two of them may never overlap.
SLOT_HOLDING_STATUSES = ("booked", "attended")


class Appointment(BaseModel):
    episode = ForeignKeyField(Episode, backref="appointments", index=True)
    kind = CharField(max_length=24, constraints=[one_of("kind", APPOINTMENT_KINDS)])
    pathway_key = CharField(max_length=64, null=True)
    reason = TextField(default="")
    status = CharField(max_length=16, default="to_book", constraints=[one_of("status", APPOINTMENT_STATUSES)])
    due_by = DateField()
    clinician = ForeignKeyField(User, null=True, backref="appointments")
    starts_at = UTCDateTimeField(null=True)
    ends_at = UTCDateTimeField(null=True)
    late_booking_reason = TextField(null=True)
    cancel_reason = TextField(null=True)
    rebooked_from = ForeignKeyField("self", null=True, backref="rebookings")
    created_at = UTCDateTimeField()
    updated_at = UTCDateTimeField()
    # Schema 5: an attended 2-week or 12-week review owes its finding until these are set,
    # by recording the finding or, at discharge, by a clinician's stated reason.
    finding_closed_at = UTCDateTimeField(null=True)
    finding_note = TextField(null=True)

    class Meta:
        constraints = [
            SQL("CHECK (status = 'to_book' OR status = 'cancelled' OR "
                "(clinician_id IS NOT NULL AND starts_at IS NOT NULL AND ends_at IS NOT NULL))"),
            SQL("CHECK (ends_at IS NULL OR starts_at < ends_at)"),
        ]


# The reviews that exist to record a finding (STarT Back, the 12-week outcome).
FINDING_KINDS = ("two_week_review", "twelve_week_review")
FINDING_DUE_SQL = ("status = 'attended' AND finding_closed_at IS NULL AND kind IN ("
                   + ", ".join(f"'{kind}'" for kind in FINDING_KINDS) + ")")
open_statuses_sql = ", ".join(f"'{status}'" for status in OPEN_APPOINTMENT_STATUSES)
slot_statuses_sql = ", ".join(f"'{status}'" for status in SLOT_HOLDING_STATUSES)

# Worklist indexes: "overdue" reads open rows by due date (kind and episode ride along, so
# counting them by kind or by the episode's clinician never reads the table), "to book" its
# own rows by due date with their episode; the book and "today" read a clinician's (or
# everyone's) slots by start; the dashboard's measures read attended and missed visits by start.
Appointment.add_index(
    Appointment.index(Appointment.due_by, Appointment.status, Appointment.kind, Appointment.episode,
                      name="appointment_open_due_by")
    .where(SQL(f"status IN ({open_statuses_sql})"))
)
Appointment.add_index(
    Appointment.index(Appointment.starts_at, Appointment.status, Appointment.kind, Appointment.due_by,
                      Appointment.episode, name="appointment_outcome_starts_at")
    .where(SQL("status IN ('attended', 'did_not_attend')"))
)
Appointment.add_index(
    Appointment.index(Appointment.due_by, Appointment.episode, name="appointment_to_book_due_by")
    .where(SQL("status = 'to_book'"))
)
Appointment.add_index(
    Appointment.index(Appointment.clinician, Appointment.starts_at, name="appointment_clinician_slots")
    .where(SQL(f"status IN ({slot_statuses_sql})"))
)
# Schema 5: "outcome to record" (a booked slot that has ended) and "finding to record", each
# holding every column its list reads, so a list's count and first page never read the table.
# The booked slots in the list's order (due by, id), so its first page is the first entries
# whose slot has ended, not a sort of every one that has.
Appointment.add_index(
    Appointment.index(Appointment.due_by, Appointment.id, Appointment.ends_at, Appointment.kind, Appointment.episode,
                      Appointment.starts_at, name="appointment_booked_ends_at")
    .where(SQL("status = 'booked'"))
)
Appointment.add_index(
    Appointment.index(Appointment.due_by, Appointment.id, Appointment.kind, Appointment.episode,
                      Appointment.clinician, Appointment.starts_at, name="appointment_finding_due")
    .where(SQL(FINDING_DUE_SQL))
)
Appointment.add_index(
    Appointment.index(Appointment.starts_at, name="appointment_starts_at")
    .where(SQL("starts_at IS NOT NULL"))
)
Appointment.add_index(
    Appointment.index(Appointment.clinician, Appointment.starts_at, name="appointment_clinician_starts_at")
    .where(SQL("starts_at IS NOT NULL"))
)
