"""The change feed every open window polls: what changed since it last looked."""
from __future__ import annotations

from datetime import date

from clinic_desktop.models import AuditEvent
from clinic_desktop.services.core import changes
from clinic_desktop.services.patients import patients


def _register(staff, family_name: str):
    return patients.register_patient(staff.receptionist, family_name=family_name, given_name="Ann",
                                     date_of_birth=date(1970, 1, 1))


def test_a_new_window_starts_after_the_newest_change(staff):
    patient = _register(staff, "Smith")
    start = changes.starting_point(staff.receptionist)
    assert start.newest_id == AuditEvent.get(AuditEvent.patient == patient.id).id
    feed = changes.changes_since(staff.receptionist, start.newest_id, start.event_ids)
    assert feed.event_ids == frozenset() and feed.newest_id == start.newest_id


def test_changes_name_the_patients_and_kinds_of_record_touched(staff):
    start = changes.starting_point(staff.receptionist)
    smith = _register(staff, "Smith")
    jones = _register(staff, "Jones")
    feed = changes.changes_since(staff.receptionist, start.newest_id, start.event_ids)
    assert feed.patient_ids == {smith.id, jones.id}
    assert feed.entities == {"patient"}
    assert feed.newest_id > start.newest_id and not feed.everything


def test_an_event_that_commits_late_below_the_newest_seen_is_still_reported(staff):
    """On PostgreSQL id 11 can become visible before id 10: the feed looks back for it."""
    smith = _register(staff, "Smith")
    jones = _register(staff, "Jones")
    smith_event = AuditEvent.get(AuditEvent.patient == smith.id).id
    jones_event = AuditEvent.get(AuditEvent.patient == jones.id).id
    # The window saw Jones's event (the newer id) but not yet Smith's.
    seen = changes.starting_point(staff.receptionist).event_ids - {smith_event}
    feed = changes.changes_since(staff.receptionist, jones_event, seen)
    assert feed.patient_ids == {smith.id} and smith_event in feed.event_ids
