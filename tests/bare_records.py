"""Rows made straight in the tables, for tests of what the database itself refuses.

A test of a constraint or trigger must not go through the services, which would check first
(or, as the pathway grows, write the very row under test); it needs a patient and an episode
to hang its row on, and nothing more.
"""
from __future__ import annotations

from datetime import date, datetime

from clinic_desktop.models import Episode, Patient


def bare_episode(clinician_id: int, at: datetime) -> Episode:
    """An open episode of Ann Smith's, first contact on ``at``'s day, recorded by the clinician."""
    patient = Patient.create(family_name="Smith", given_name="Ann", family_name_key="smith", given_name_key="ann",
                             date_of_birth=date(1970, 1, 1), created_at=at, updated_at=at)
    return Episode.create(patient=patient, first_contact_on=at.date(), presentation="non_specific",
                          severity="mild", clinician=clinician_id, created_at=at)
