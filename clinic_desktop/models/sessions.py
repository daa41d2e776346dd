"""When each clinician works and when they are away (schema 8).

A session is a stretch of a day a clinician takes bookings: a weekly one (a weekday,
every week or every n-th week counted from an anchor Monday, between two dates) or a
one-off extra on a date. Its start and end are clinic wall times; both empty means "the
clinic's opening hours", and an empty slot length "the clinic's slot length", so the
default pattern every clinician starts with follows the opening hours when they change.
Leave is a stretch of time (UTC instants) a clinician is away, with its reason. Neither
is ever deleted: a session is ended (``valid_until``) and leave cancelled, by someone, at
a moment, so the book of any past day can still be explained.
"""
from __future__ import annotations

from datetime import date

from peewee import SQL, CharField, DateField, ForeignKeyField, IntegerField, TextField, TimeField

from clinic_desktop.models.base import BaseModel, one_of
from clinic_desktop.models.fields import UTCDateTimeField
from clinic_desktop.models.users import User

LEAVE_REASONS = ("annual_leave", "sickness", "training", "other")
# A weekly session runs every week, every second, third or fourth week.
MOST_WEEKS_APART = 4
# The first day of the default pattern (the opening hours, every weekday): earlier than any
# record, as every clinician was taken to work the opening hours before sessions were kept.
DEFAULT_PATTERN_FROM = date(2000, 1, 3)


class ClinicianSession(BaseModel):
    clinician = ForeignKeyField(User, backref="sessions", index=True)
    weekday = IntegerField(null=True)  # Monday 0 .. Sunday 6; None: a one-off on ``on_date``
    on_date = DateField(null=True)
    starts_time = TimeField(null=True)  # clinic wall time; None (with ends_time): the opening hours
    ends_time = TimeField(null=True)
    slot_minutes = IntegerField(null=True)  # None: the clinic's slot length
    kinds = CharField(max_length=200, default="")  # appointment kinds, comma-separated; "" every kind
    every_weeks = IntegerField(default=1)
    anchor_week = DateField(null=True)  # the Monday of a week it runs, when every_weeks > 1
    valid_from = DateField()
    valid_until = DateField(null=True)  # the last day it runs; None: until further notice
    created_by = ForeignKeyField(User, null=True, backref="+")  # None: the default, set by the upgrade to schema 8
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
            SQL(f"CHECK (every_weeks BETWEEN 1 AND {MOST_WEEKS_APART})"),
            SQL("CHECK (every_weeks = 1 OR anchor_week IS NOT NULL)"),
            SQL("CHECK ((ended_at IS NULL) = (ended_by_id IS NULL))"),
        ]


class ClinicianLeave(BaseModel):
    clinician = ForeignKeyField(User, backref="leave", index=True)
    starts_at = UTCDateTimeField()
    ends_at = UTCDateTimeField()
    reason = CharField(max_length=16, constraints=[one_of("reason", LEAVE_REASONS)])
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
