"""The clinic's installation identifier: one random UUID per database, made with it.

Identifiers the clinic hands to other systems (an exported calendar event's UID) must not
collide with another clinic's, whose appointment numbers start at 1 just the same. The
UUID lives in the database, not on a workstation, so every workstation and the command
line name the same clinic the same way; a restored backup keeps it.
"""
from __future__ import annotations

import json

from clinic_desktop.models import ClinicSetting
from clinic_desktop.models.settings import INSTALLATION_ID

__all__ = ["installation_id"]

def installation_id() -> str:
    """The stored UUID (models/schema.py stores it when the database is made or upgraded to
    schema 8). Internal: called inside a service's transaction."""
    return json.loads(ClinicSetting.get_by_id(INSTALLATION_ID).value)
