"""Clinic-wide settings, kept as JSON values by name, and the schema version."""
from __future__ import annotations

from peewee import CharField, IntegerField, TextField

from clinic_desktop.models.base import BaseModel


class ClinicSetting(BaseModel):
    name = CharField(max_length=64, primary_key=True)
    value = TextField()  # JSON


class SchemaVersion(BaseModel):
    """One row: the version of the schema this database holds."""

    version = IntegerField()
