"""What each clinician's exported calendar was last given for an appointment (schema 8).

A calendar that already holds an event replaces it only when the new copy has a higher
SEQUENCE (RFC 5545, 3.8.7.4), and keeps an event that simply stops appearing in an
imported file. So the export remembers, per clinician and appointment, the times and
state it last wrote and the sequence number it wrote them under: a change raises the
number, and an appointment moved to a colleague or back to the to-book list is written
once more to this clinician's calendar as cancelled (services/exchange/calendar_export.py).
"""
from __future__ import annotations

from peewee import CharField, ForeignKeyField, IntegerField

from clinic_desktop.models.appointments import Appointment
from clinic_desktop.models.base import BaseModel, one_of
from clinic_desktop.models.fields import UTCDateTimeField
from clinic_desktop.models.users import User

# An appointment's timed statuses, and "withdrawn": no longer this clinician's booking.
CALENDAR_EVENT_STATES = ("booked", "attended", "did_not_attend", "cancelled", "withdrawn")


class CalendarEvent(BaseModel):
    clinician = ForeignKeyField(User, backref="+")
    appointment = ForeignKeyField(Appointment, backref="+", index=True)
    sequence = IntegerField()
    starts_at = UTCDateTimeField()  # as last written to this clinician's calendar
    ends_at = UTCDateTimeField()
    state = CharField(max_length=16, constraints=[one_of("state", CALENDAR_EVENT_STATES)])

    class Meta:
        indexes = ((("clinician", "appointment"), True), (("clinician", "starts_at"), False))
