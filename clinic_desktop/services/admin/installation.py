"""The clinic's installation identifier: one random UUID per database, made on first need.

Identifiers the clinic hands to other systems (an exported calendar event's UID) must not
collide with another clinic's, whose appointment numbers start at 1 just the same. The
UUID lives in the database, not on a workstation, so every workstation and the command
line name the same clinic the same way; a restored backup keeps it.
"""
from __future__ import annotations

import json
import uuid

from clinic_desktop.models import ClinicSetting

__all__ = ["installation_id"]

_KEY = "installation"


def installation_id() -> str:
    """The stored UUID, stored first if there is none yet. Internal: called inside a service's
    transaction; two workstations asking at once both end with whichever was stored first."""
    row = ClinicSetting.get_or_none(ClinicSetting.name == _KEY)
    if row is None:
        ClinicSetting.insert(name=_KEY, value=json.dumps(str(uuid.uuid4()))).on_conflict_ignore().execute()
        row = ClinicSetting.get_by_id(_KEY)
    return json.loads(row.value)
