"""Appointment reminders: one row per message the clinic sent, or tried to send (schema 7).

The row is the claim that makes each reminder go once only. It is written, as "sending",
in a transaction of its own before the message leaves (services/reminders/reminder_claims.py);
the unique key on (appointment, channel, starts_at) means a second workstation trying the
same reminder at the same moment fails to insert and leaves it alone. A rescheduled
appointment has a new start, and so is owed a new reminder.
"""
from __future__ import annotations

from peewee import CharField, ForeignKeyField, IntegerField, TextField

from clinic_desktop.models.appointments import Appointment
from clinic_desktop.models.base import BaseModel, one_of
from clinic_desktop.models.fields import UTCDateTimeField

REMINDER_CHANNELS = ("sms", "email")
REMINDER_STATUSES = ("sending", "sent", "failed")


class Reminder(BaseModel):
    appointment = ForeignKeyField(Appointment, backref="reminders")
    channel = CharField(max_length=8, constraints=[one_of("channel", REMINDER_CHANNELS)])
    starts_at = UTCDateTimeField()  # the appointment's start the reminder announced
    status = CharField(max_length=8, constraints=[one_of("status", REMINDER_STATUSES)])
    attempted_at = UTCDateTimeField()  # when the latest attempt was claimed
    finished_at = UTCDateTimeField(null=True)  # when it was sent, or failed
    provider_id = CharField(max_length=200, null=True)  # Notify's notification id, or the e-mail's Message-ID
    failure = TextField(null=True)  # why the latest attempt failed, in words
    attempts = IntegerField(default=1)

    class Meta:
        indexes = ((("appointment", "channel", "starts_at"), True),)
