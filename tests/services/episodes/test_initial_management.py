"""The first contact's initial management: every question answered, stored, and its pitfalls on the list."""
import json
from dataclasses import replace
from datetime import date, datetime, timezone

import pytest

from clinic_desktop.models import AuditEvent, Episode, InitialManagement, Patient
from clinic_desktop.services.core.errors import Conflict, PermissionDenied, ValidationError
from clinic_desktop.services.episodes import episode_records, episodes, initial_management
from clinic_desktop.services.episodes.initial_management import InitialManagementInput
from clinic_desktop.services.worklists.warnings_due import warnings_to_acknowledge

CLINIC_TIME = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)  # every test here (tests/conftest.py: clinic_clock)
FIRST_CONTACT = date(2026, 11, 26)
GOOD = InitialManagementInput(reactivation_advised=True, bed_rest_advised=False, resources_online=False,
                              resources_helpline=True, resources_paper=True, heat_advised=True, massage_advised=False)
BED_REST = ("Bed rest advised: prolonged bed rest may worsen back pain (a listed pitfall); advise staying active.")
NO_REACTIVATION = ("Reactivation not advised: advising reactivation is the first step of initial management; "
                   "advise the patient to keep active.")


def register(family="Smith"):
    return Patient.create(family_name=family, given_name="Ann", family_name_key=family.lower(), given_name_key="ann",
                          date_of_birth=date(1970, 5, 1), hepatic_impairment="none", created_at=CLINIC_TIME,
                          updated_at=CLINIC_TIME).id


def open_with(staff, answers=GOOD, patient_id=None, **legacy):
    return episodes.open_episode(staff.clinician, patient_id or register(), first_contact_on=FIRST_CONTACT,
                                 presentation="non_specific", severity="moderate", initial_management=answers,
                                 **legacy)


def own_warnings(staff):
    return [row.message for row in warnings_to_acknowledge(staff.clinician, clinician_id=staff.clinician.user_id)]


def test_every_answer_is_stored_with_the_episode_and_read_back(staff):
    update = open_with(staff)
    record = episode_records.get_episode(staff.clinician, update.episode_id)
    assert record.initial_management == GOOD
    row = InitialManagement.get(InitialManagement.episode == update.episode_id)
    assert (row.recorded_by_id, row.heat_advised, row.resources_online) == (staff.clinician.user_id, True, False)


def test_the_older_yes_no_columns_follow_the_answers(staff):
    record = episode_records.get_episode(staff.clinician, open_with(staff).episode_id)
    assert (record.advised_stay_active, record.advised_no_bed_rest, record.self_care_education) == (True, True, True)
    none_given = replace(GOOD, reactivation_advised=False, bed_rest_advised=True, resources_helpline=False,
                         resources_paper=False)
    record = episode_records.get_episode(staff.clinician, open_with(staff, none_given, register("Jones")).episode_id)
    assert (record.advised_stay_active, record.advised_no_bed_rest, record.self_care_education) == (False, False,
                                                                                                    False)


def test_the_audit_event_records_the_answers(staff):
    update = open_with(staff)
    event = AuditEvent.select().where(AuditEvent.action == "open_episode").order_by(AuditEvent.id.desc()).get()
    assert json.loads(event.details)["initial_management"]["resources_helpline"] is True
    assert event.entity_id == update.episode_id


@pytest.mark.parametrize(("unanswered", "question"), [
    ("heat_advised", "Say whether heat therapy was advised: yes or no."),
    ("reactivation_advised", "Say whether reactivation (staying active) was advised: yes or no."),
    ("resources_paper", "Say whether paper-based information was given: yes or no."),
])
def test_an_unanswered_question_is_refused_by_name_and_nothing_is_stored(staff, unanswered, question):
    patient_id = register()
    with pytest.raises(ValidationError) as refused:
        open_with(staff, replace(GOOD, **{unanswered: None}), patient_id)
    assert (str(refused.value), refused.value.field) == (question, unanswered)
    assert Episode.select().where(Episode.patient == patient_id).count() == 0
    assert InitialManagement.select().count() == 0


def test_an_answer_that_is_not_a_yes_or_no_is_refused(staff):
    with pytest.raises(ValidationError, match="Say whether massage therapy was advised"):
        open_with(staff, replace(GOOD, massage_advised="no"))


def test_the_advice_is_given_once(staff):
    with pytest.raises(ValidationError, match="Give the first contact's advice once"):
        open_with(staff, advised_stay_active=True)


def test_bed_rest_advised_waits_on_the_clinicians_list_until_acknowledged(staff):
    update = open_with(staff, replace(GOOD, bed_rest_advised=True))
    assert BED_REST in update.notices
    assert own_warnings(staff) == [BED_REST]
    (warning,) = episode_records.get_episode(staff.clinician, update.episode_id).open_warnings
    assert (warning.message, warning.requires_acknowledgement) == (BED_REST, True)
    episodes.acknowledge_warning(staff.clinician, warning.id)
    assert own_warnings(staff) == []
    assert episode_records.get_episode(staff.clinician, update.episode_id).open_warnings == ()


def test_reactivation_not_advised_needs_acknowledging(staff):
    update = open_with(staff, replace(GOOD, reactivation_advised=False))
    assert NO_REACTIVATION in update.notices
    assert own_warnings(staff) == [NO_REACTIVATION]


def test_advice_to_stay_active_without_bed_rest_raises_no_warning(staff):
    update = open_with(staff)
    assert episode_records.get_episode(staff.clinician, update.episode_id).open_warnings == ()
    assert own_warnings(staff) == []


def test_recording_more_does_not_raise_the_warning_again(staff):
    update = open_with(staff, replace(GOOD, bed_rest_advised=True))
    again = episodes.record_red_flags(staff.clinician, update.episode_id, recorded_on=FIRST_CONTACT,
                                      flags=["suspected spinal fracture"])
    assert BED_REST not in again.notices
    assert own_warnings(staff) == [BED_REST]


def test_advice_for_an_episode_opened_before_it_was_asked_is_recorded_later(staff):
    legacy = episodes.open_episode(staff.clinician, register(), first_contact_on=FIRST_CONTACT,
                                   presentation="non_specific", severity="moderate", advised_stay_active=True)
    assert episode_records.get_episode(staff.clinician, legacy.episode_id).initial_management is None
    update = initial_management.record_initial_management(staff.clinician, legacy.episode_id,
                                                          replace(GOOD, bed_rest_advised=True))
    assert BED_REST in update.notices
    assert episode_records.get_episode(staff.clinician, legacy.episode_id).initial_management.bed_rest_advised
    event = AuditEvent.select().order_by(AuditEvent.id.desc()).get()
    assert event.summary == "recorded the advice given at the first contact on Thu 26 Nov 2026"


def test_advice_already_recorded_is_not_recorded_again(staff):
    update = open_with(staff)
    with pytest.raises(Conflict, match="already recorded"):
        initial_management.record_initial_management(staff.clinician, update.episode_id, GOOD)
    assert InitialManagement.select().count() == 1


def test_recording_advice_later_asks_every_answer_too(staff):
    legacy = episodes.open_episode(staff.clinician, register(), first_contact_on=FIRST_CONTACT,
                                   presentation="non_specific", severity="moderate")
    with pytest.raises(ValidationError, match="Say whether a telephone helpline was given"):
        initial_management.record_initial_management(staff.clinician, legacy.episode_id,
                                                     replace(GOOD, resources_helpline=None))
    assert InitialManagement.select().count() == 0


def test_a_receptionist_cannot_record_advice(staff):
    legacy = episodes.open_episode(staff.clinician, register(), first_contact_on=FIRST_CONTACT,
                                   presentation="non_specific", severity="moderate")
    with pytest.raises(PermissionDenied):
        initial_management.record_initial_management(staff.receptionist, legacy.episode_id, GOOD)


def test_the_cautions_a_form_shows_are_the_warnings_saving_stores(staff):
    partly = InitialManagementInput(bed_rest_advised=True)
    assert initial_management.advice_cautions(staff.clinician, partly) == (BED_REST,)
    assert initial_management.advice_cautions(staff.clinician, InitialManagementInput()) == ()
    assert initial_management.advice_cautions(staff.clinician, InitialManagementInput(reactivation_advised=False)) \
        == (NO_REACTIVATION,)
    stored = open_with(staff, replace(GOOD, reactivation_advised=False, bed_rest_advised=True)).notices
    assert set(initial_management.advice_cautions(staff.clinician, replace(GOOD, reactivation_advised=False,
                                                                           bed_rest_advised=True))) <= set(stored)
