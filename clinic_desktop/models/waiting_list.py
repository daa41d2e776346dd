"""Patients waiting for an earlier appointment than the one they have (schema 7).

An entry names the review that is waiting (booked, or still to book) and, while it is
open, nothing else may wait for the same review: a partial unique index holds one open
entry per appointment. It closes, with why, when the review is moved into an earlier
slot, rebooked, attended, missed or cancelled, or the patient no longer wants it; the
closed rows stay as the list's history. ``days`` and ``times`` say when the patient can
come at short notice, so a freed slot is offered only to those who can take it.
"""
from __future__ import annotations

from peewee import SQL, CharField, ForeignKeyField, TextField

from clinic_desktop.models.appointments import Appointment
from clinic_desktop.models.base import BaseModel, one_of
from clinic_desktop.models.fields import UTCDateTimeField
from clinic_desktop.models.users import User

# When in the day the patient can come: any time, or before or after 12:00 clinic time.
WAITING_TIMES = ("any", "morning", "afternoon")
# Why an entry closed.
WAITING_CLOSED_REASONS = ("moved_earlier", "rebooked", "attended", "did_not_attend", "cancelled", "patient_asked")


class WaitingListEntry(BaseModel):
    appointment = ForeignKeyField(Appointment, backref="waiting_entries", index=True)
    note = TextField(default="")
    days = CharField(max_length=7, default="")  # weekday digits, Monday 0 ("024": Mon, Wed, Fri); "" any day
    times = CharField(max_length=12, default="any", constraints=[one_of("times", WAITING_TIMES)])
    added_by = ForeignKeyField(User, backref="+")
    added_at = UTCDateTimeField()
    closed_at = UTCDateTimeField(null=True)
    closed_by = ForeignKeyField(User, null=True, backref="+")
    closed_reason = CharField(max_length=16, null=True, constraints=[one_of("closed_reason", WAITING_CLOSED_REASONS)])

    class Meta:
        constraints = [SQL("CHECK ((closed_at IS NULL) = (closed_reason IS NULL))")]


WaitingListEntry.add_index(
    WaitingListEntry.index(WaitingListEntry.appointment, unique=True, name="waiting_list_one_open_entry")
    .where(SQL("closed_at IS NULL"))
)
