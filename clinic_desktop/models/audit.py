"""The append-only record of every change: who, when, what."""
from __future__ import annotations

from peewee import CharField, ForeignKeyField, IntegerField, TextField

from clinic_desktop.models.base import BaseModel
from clinic_desktop.models.fields import UTCDateTimeField
from clinic_desktop.models.patients import Patient
from clinic_desktop.models.users import User


class AuditEvent(BaseModel):
    at = UTCDateTimeField(index=True)
    user = ForeignKeyField(User, null=True, backref="+")  # null: the command line or the system
    actor_label = CharField(max_length=200)
    action = CharField(max_length=64)
    entity = CharField(max_length=32)
    entity_id = IntegerField(null=True)
    patient = ForeignKeyField(Patient, null=True, backref="+")
    summary = TextField()
    details = TextField(default="{}")  # JSON

    class Meta:
        indexes = ((("patient", "at"), False), (("user", "at"), False))
