"""Staff accounts: who may sign in, in which role."""
from __future__ import annotations

from peewee import BooleanField, CharField

from clinic_desktop.models.base import BaseModel, one_of
from clinic_desktop.models.fields import UTCDateTimeField
from clinic_desktop.models.server_privileges import SECRET_COLUMNS

ROLES = ("receptionist", "clinician", "practice_manager")


class User(BaseModel):
    username = CharField(max_length=64, unique=True)
    full_name = CharField(max_length=200)
    role = CharField(max_length=32, constraints=[one_of("role", ROLES)])
    password_hash = CharField(max_length=255)
    registration_number = CharField(max_length=64, null=True)
    active = BooleanField(default=True)
    created_at = UTCDateTimeField()
    # What a signed letter calls them ("Physiotherapist", "General practitioner"); schema 2.
    professional_title = CharField(max_length=100, null=True)

    @classmethod
    def select(cls, *fields):
        """Every column but the password hash unless it is named: on a PostgreSQL server no staff
        login may read it (models/server_privileges.py), so a whole-row read must not ask for it."""
        return super().select(*(fields or cls.readable()))

    @classmethod
    def readable(cls, alias=None) -> list:
        """The columns anyone may read, of the table or of an alias of it (for a query joining it)."""
        secret = SECRET_COLUMNS["user"]
        return [getattr(alias or cls, field.name) for field in cls._meta.sorted_fields if field.name not in secret]
