"""The moment the accessibility tests' demo clinic is built and looked at, and the roles that work in it."""
from __future__ import annotations

from datetime import datetime, timezone

CLINIC_TIME = datetime(2026, 11, 25, 7, 30, tzinfo=timezone.utc)
ROLES = ("receptionist", "clinician", "practice_manager")
