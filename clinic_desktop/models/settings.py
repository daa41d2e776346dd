"""Clinic-wide settings, kept as JSON values by name, and the schema version."""
from __future__ import annotations

import json
import uuid

from peewee import CharField, IntegerField, TextField

from clinic_desktop.models.base import BaseModel


class ClinicSetting(BaseModel):
    name = CharField(max_length=64, primary_key=True)
    value = TextField()  # JSON


class SchemaVersion(BaseModel):
    """One row: the version of the schema this database holds."""

    version = IntegerField()


INSTALLATION_ID = "installation"  # the ClinicSetting holding the database's own UUID


def store_installation_id() -> None:
    """Give a database its installation UUID, once: made with the database (schema 8 on), so every
    staff role can read it and none needs to write settings to export (services/admin/installation.py)."""
    ClinicSetting.insert(name=INSTALLATION_ID, value=json.dumps(str(uuid.uuid4()))).on_conflict_ignore().execute()
