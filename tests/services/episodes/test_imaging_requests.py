"""Imaging requests: recorded with their reason, and without red flags a warning on the clinician's list."""
import json
from datetime import date, datetime, timezone

import pytest

from clinic_desktop.models import AuditEvent, ImagingRequest, Patient
from clinic_desktop.services.core.errors import InvalidTransition, PermissionDenied, ValidationError
from clinic_desktop.services.episodes import discharge, episode_records, episodes, imaging
from clinic_desktop.services.worklists.warnings_due import warnings_to_acknowledge

CLINIC_TIME = datetime(2026, 12, 4, 9, 0, tzinfo=timezone.utc)  # every test here (tests/conftest.py: clinic_clock)
FIRST_CONTACT = date(2026, 11, 26)
REQUESTED = date(2026, 12, 3)
WITHOUT_RED_FLAGS = ("X-ray requested on 3 Dec 2026 without red flags: routine imaging without red flags is a "
                     "listed pitfall.")


@pytest.fixture
def episode_id(staff):
    patient_id = Patient.create(family_name="Smith", given_name="Ann", family_name_key="smith", given_name_key="ann",
                                date_of_birth=date(1970, 5, 1), hepatic_impairment="none", created_at=CLINIC_TIME,
                                updated_at=CLINIC_TIME).id
    return episodes.open_episode(staff.clinician, patient_id, first_contact_on=FIRST_CONTACT,
                                 presentation="non_specific", severity="moderate").episode_id


def request_x_ray(staff, episode_id, requested_on=REQUESTED, reason="pain at night"):
    return imaging.request_imaging(staff.clinician, episode_id, requested_on=requested_on, modality="x_ray",
                                   reason=reason)


def own_warnings(staff):
    return [row.message for row in warnings_to_acknowledge(staff.clinician, clinician_id=staff.clinician.user_id)]


def test_imaging_without_red_flags_waits_on_the_list_until_acknowledged(staff, episode_id):
    update = request_x_ray(staff, episode_id)
    assert update.notices == (WITHOUT_RED_FLAGS,)
    assert own_warnings(staff) == [WITHOUT_RED_FLAGS]
    (warning,) = episode_records.get_episode(staff.clinician, episode_id).open_warnings
    episodes.acknowledge_warning(staff.clinician, warning.id)
    assert own_warnings(staff) == []


def test_the_request_and_its_reason_are_stored_and_audited(staff, episode_id):
    request_x_ray(staff, episode_id)
    row = ImagingRequest.get(ImagingRequest.episode == episode_id)
    assert (row.requested_on, row.modality, row.reason, row.recorded_by_id) == (REQUESTED, "x_ray", "pain at night",
                                                                                 staff.clinician.user_id)
    event = AuditEvent.select().order_by(AuditEvent.id.desc()).get()
    assert (event.action, event.summary) == ("request_imaging", "requested X-ray on Thu 3 Dec 2026: pain at night")
    assert json.loads(event.details)["notices"] == [WITHOUT_RED_FLAGS]


def test_imaging_after_a_red_flag_raises_no_warning(staff, episode_id):
    episodes.record_red_flags(staff.clinician, episode_id, recorded_on=date(2026, 12, 1),
                              flags=["suspected spinal fracture"])
    assert request_x_ray(staff, episode_id).notices == ()
    assert own_warnings(staff) == []


def test_the_caution_the_form_shows_is_the_warning_saving_stores(staff, episode_id):
    caution = imaging.imaging_caution(staff.clinician, episode_id, requested_on=REQUESTED, modality="x_ray")
    assert caution == WITHOUT_RED_FLAGS == request_x_ray(staff, episode_id).notices[0]
    episodes.record_red_flags(staff.clinician, episode_id, recorded_on=REQUESTED, flags=["suspected cancer"])
    assert imaging.imaging_caution(staff.clinician, episode_id, requested_on=REQUESTED, modality="mri") is None


@pytest.mark.parametrize(("changes", "message"), [
    ({"reason": "  "}, "Give the reason for the imaging"),
    ({"requested_on": date(2026, 12, 5)}, "in the future"),
    ({"requested_on": date(2026, 11, 25)}, "before the first contact"),
    ({"modality": "ultrasound"}, "imaging"),
])
def test_an_incomplete_request_is_refused_and_nothing_is_stored(staff, episode_id, changes, message):
    details = {"requested_on": REQUESTED, "modality": "x_ray", "reason": "pain at night", **changes}
    with pytest.raises(ValidationError, match=message):
        imaging.request_imaging(staff.clinician, episode_id, **details)
    assert ImagingRequest.select().count() == 0
    assert own_warnings(staff) == []


def test_a_receptionist_cannot_request_imaging(staff, episode_id):
    with pytest.raises(PermissionDenied):
        imaging.request_imaging(staff.receptionist, episode_id, requested_on=REQUESTED, modality="mri", reason="x")


def test_a_discharged_episode_takes_no_request(staff, episode_id):
    episodes.discharge_episode(staff.clinician, episode_id, discharged_on=REQUESTED, reason="better",
                               decisions=[discharge.ItemDecision(item.kind, item.item_id, discharge.CANCEL)
                                          for item in discharge.discharge_items(staff.clinician, episode_id)
                                          if item.needs_decision])
    with pytest.raises(InvalidTransition, match="discharged"):
        request_x_ray(staff, episode_id)
