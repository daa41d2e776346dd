"""The change feed every open window polls: what changed since it last looked."""
from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

import pytest

from clinic_desktop.models import AuditEvent
from clinic_desktop.services.audit import audit
from clinic_desktop.services.core import changes
from clinic_desktop.services.core.change_reach import Reached, Record
from clinic_desktop.services.core.clock import now_utc
from clinic_desktop.services.core.entity import Entity
from clinic_desktop.services.patients import patients

SOURCE = Path(__file__).resolve().parents[3] / "clinic_desktop"


def _register(staff, family_name: str):
    return patients.register_patient(staff.receptionist, family_name=family_name, given_name="Ann",
                                     date_of_birth=date(1970, 1, 1))


def test_a_new_window_starts_after_the_newest_change(staff):
    patient = _register(staff, "Smith")
    start = changes.starting_point(staff.receptionist)
    assert start.newest_id == AuditEvent.get(AuditEvent.patient == patient.id).id
    feed = changes.changes_since(staff.receptionist, start.newest_id, start.event_ids)
    assert feed.event_ids == frozenset() and feed.newest_id == start.newest_id


def test_changes_name_the_patients_and_records_touched(staff):
    start = changes.starting_point(staff.receptionist)
    smith = _register(staff, "Smith")
    jones = _register(staff, "Jones")
    feed = changes.changes_since(staff.receptionist, start.newest_id, start.event_ids)
    # A registration changes nothing but the new patient's details (and adds to the audit trail).
    assert feed.reached == {Reached(record, patient.id) for record in (Record.PATIENT, Record.AUDIT)
                            for patient in (smith, jones)}
    assert all(type(reach.record) is Record for reach in feed.reached)
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
    assert {reach.patient for reach in feed.reached} == {smith.id} and feed.event_ids == {smith_event}


def test_an_event_about_a_kind_this_version_does_not_know_redraws_everything(staff):
    """Written by a newer workstation, perhaps: no window may keep showing something it did not understand."""
    start = changes.starting_point(staff.receptionist)
    AuditEvent.append_many([dict(at=now_utc(), actor_label="newer version", action="invent", entity="invention",
                                 summary="something new")])
    feed = changes.changes_since(staff.receptionist, start.newest_id, start.event_ids)
    assert feed.everything and feed.reached == frozenset()


def test_rows_written_before_the_enum_read_back_as_its_kinds(staff):
    """The column stays text: an old row's "appointment" is Entity.APPOINTMENT."""
    assert Entity.of("appointment") is Entity.APPOINTMENT and Entity.APPOINTMENT == "appointment"
    assert Entity.of("invention") is None


def test_the_audit_trail_refuses_a_bare_string_for_what_changed(staff):
    with pytest.raises(TypeError, match="Entity"):
        audit.record(staff.manager, "edit_patient", "patient", None, "a typo would stop every window redrawing")


def test_every_audit_record_call_names_an_entity_kind():
    """Each call's third argument is ``Entity.SOMETHING`` written out, so a reader (and a
    search) sees what each service changes."""
    calls = []
    for path in SOURCE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "record"
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "audit"):
                calls.append((path.relative_to(SOURCE), node.lineno, node.args[2] if len(node.args) > 2 else None))
    assert len(calls) >= 30
    bare = [(str(path), line) for path, line, entity in calls
            if not (isinstance(entity, ast.Attribute) and isinstance(entity.value, ast.Name)
                    and entity.value.id == "Entity" and entity.attr in Entity.__members__)]
    assert bare == []
