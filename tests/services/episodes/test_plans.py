"""Management plans through the services: stored, checked by the pathway, read back and printed."""
import io
import json
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from pypdf import PdfReader

from clinic_desktop.models import AuditEvent, ManagementPlan, PathwayWarning, Patient
from clinic_desktop.services.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationError
from clinic_desktop.services.episodes import episode_records, episodes, plan_printout, plan_records, plans
from clinic_desktop.services.worklists.warnings_due import warnings_to_acknowledge

NOW = datetime(2026, 12, 4, 10, 0, tzinfo=timezone.utc)  # Fri 4 Dec 2026
CLINIC_TIME = NOW
FIRST_CONTACT = date(2026, 11, 20)
REVIEW = date(2026, 12, 3)
MEDIUM, HIGH = (1, 1, 1, 1, 0, 0, 0, 0, 0), (1, 1, 1, 1, 1, 1, 1, 1, 4)


def episode_for(staff, answers=None):
    patient = Patient.create(family_name="Łukasz", given_name="Nowak", family_name_key="łukasz",
                             given_name_key="nowak", date_of_birth=date(1975, 3, 2), created_at=NOW, updated_at=NOW)
    update = episodes.open_episode(staff.clinician, patient.id, first_contact_on=FIRST_CONTACT,
                                   presentation="non_specific", severity="moderate")
    if answers:
        episodes.record_start_back(staff.clinician, update.episode_id, assessed_on=REVIEW, answers=answers)
    return update.episode_id


def agree(staff, episode_id, *treatments, lifestyle=("stay_active",), **changes):
    values = {"agreed_on": NOW.date(), "goals": "Walk the dog for 30 minutes\nBack to gardening",
              "treatments": treatments, "lifestyle": lifestyle, **changes}
    return plans.record_plan(staff.clinician, episode_id, **values)


def warnings_of(episode_id):
    return {row.kind: row for row in PathwayWarning.select().where(PathwayWarning.episode == episode_id)}


def test_medium_risk_prompts_for_a_plan_and_a_plan_is_stored_in_the_sources_order(staff):
    episode_id = episode_for(staff)
    prompt = episodes.record_start_back(staff.clinician, episode_id, assessed_on=REVIEW, answers=MEDIUM)
    assert "Medium risk: develop a patient-centred management plan with the patient" in prompt.notices
    update = agree(staff, episode_id, "yoga", "supervised_exercise", lifestyle=("activity_modification",))
    assert update.notices == ()
    closed = warnings_of(episode_id)["plan_needed"]
    assert (closed.acknowledged_by_id, closed.acknowledged_at) == (staff.clinician.user_id, NOW)
    assert episode_records.get_episode(staff.clinician, episode_id).open_warnings == ()
    plan = plan_records.current_plan(staff.clinician, episode_id)
    assert plan.treatments == ("supervised_exercise", "yoga")
    assert plan.treatment_labels[0].startswith("Supervised exercise")
    assert (plan.goals, plan.agreed_by, plan.bmi) == ("Walk the dog for 30 minutes\nBack to gardening",
                                                      "Dr Alys Jones", None)
    event = AuditEvent.select().where(AuditEvent.action == "record_plan").get()
    assert json.loads(event.details)["treatments"] == ["supervised_exercise", "yoga"]


def test_a_passive_only_plan_is_warned_and_waits_on_the_clinicians_list(staff):
    episode_id = episode_for(staff, MEDIUM)
    update = agree(staff, episode_id, "massage", "heat")
    message = ("The plan of 4 Dec 2026 has passive treatments only (massage, heat): the source advises active "
               "approaches; add exercise or another active treatment.")
    assert message in update.notices
    assert warnings_of(episode_id)["passive_plan"].requires_acknowledgement
    rows = warnings_to_acknowledge(staff.clinician, clinician_id=staff.clinician.user_id)
    assert [row.message for row in rows] == [message]


def test_the_live_caution_is_worded_as_the_stored_warning(staff):
    episode_id = episode_for(staff, HIGH)
    cautions = plans.plan_cautions(staff.clinician, episode_id, ["heat"])
    assert [caution.requires_acknowledgement for caution in cautions] == [True, True]
    update = agree(staff, episode_id, "heat")
    assert {caution.message for caution in cautions} <= set(update.notices)
    assert plans.plan_cautions(staff.clinician, episode_id, ["supervised_exercise", "cbt"]) == ()


def test_high_risk_without_a_psychosocial_approach_needs_acknowledging_until_one_is_planned(staff):
    episode_id = episode_for(staff, HIGH)
    agree(staff, episode_id, "supervised_exercise")
    warning = warnings_of(episode_id)["psychosocial"]
    assert warning.requires_acknowledgement and "overlooking psychosocial factors" in warning.message
    better = agree(staff, episode_id, "supervised_exercise", "biopsychosocial_physiotherapy")
    assert better.notices == ()  # the new plan is sound; the earlier warning stays until acknowledged
    episodes.acknowledge_warning(staff.clinician, warning.id)
    assert warnings_to_acknowledge(staff.clinician, clinician_id=staff.clinician.user_id) == ()


def test_weight_management_asks_for_a_bmi_within_reason(staff):
    episode_id = episode_for(staff)
    with pytest.raises(ValidationError, match="Give the patient's BMI") as refused:
        agree(staff, episode_id, "yoga", lifestyle=("weight_management",))
    assert refused.value.field == "bmi"
    with pytest.raises(ValidationError, match="outside 10–80"):
        agree(staff, episode_id, "yoga", lifestyle=("weight_management",), bmi=8)
    agree(staff, episode_id, "yoga", lifestyle=("weight_management",), bmi=31.24)
    assert plan_records.current_plan(staff.clinician, episode_id).bmi == Decimal("31.2")


@pytest.mark.parametrize("changes, field", [
    ({"goals": "  "}, "goals"),
    ({"treatments": ("acupuncture",)}, "treatments"),
    ({"lifestyle": ("bed_rest",)}, "lifestyle"),
    ({"agreed_on": date(2026, 11, 1)}, "agreed_on"),
    ({"bmi": "heavy"}, "bmi"),
])
def test_a_plan_that_does_not_make_sense_is_refused_and_nothing_stored(staff, changes, field):
    episode_id = episode_for(staff)
    changes = dict(changes)
    with pytest.raises(ValidationError) as refused:
        agree(staff, episode_id, *changes.pop("treatments", ("yoga",)), **changes)
    assert refused.value.field == field
    assert ManagementPlan.select().count() == 0


def test_only_a_clinician_agrees_a_plan_and_not_on_a_discharged_episode(staff):
    episode_id = episode_for(staff)
    with pytest.raises(PermissionDenied):
        plans.record_plan(staff.receptionist, episode_id, agreed_on=NOW.date(), goals="x", treatments=(),
                          lifestyle=())
    episodes.discharge_episode(staff.clinician, episode_id, discharged_on=NOW.date(), reason="recovered",
                               decisions=[])
    with pytest.raises(InvalidTransition):
        agree(staff, episode_id, "yoga")


def test_the_printout_carries_goals_treatments_lifestyle_and_who_agreed_it(staff):
    episode_id = episode_for(staff)
    with pytest.raises(NotFound, match="No management plan"):
        plan_printout.management_plan_pdf(staff.clinician, episode_id)
    agree(staff, episode_id, "supervised_exercise", "heat", lifestyle=("stay_active", "weight_management"), bmi=31.2)
    reader = PdfReader(io.BytesIO(plan_printout.management_plan_pdf(staff.receptionist, episode_id)))
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    for expected in ("Your back care plan", "For Nowak Łukasz, agreed with Dr Alys Jones on 4 Dec 2026",
                     "Walk the dog for 30 minutes", "Back to gardening", "Exercise made for you", "Heat",
                     "Stay active", "A healthy weight", "(BMI) when we agreed this plan: 31.2"):
        assert expected in text
    assert "Yoga" not in text


def test_the_plan_form_is_offered_while_the_current_risk_asks_for_a_plan_and_none_is_agreed(staff):
    low = episode_for(staff, (0, 0, 0, 0, 0, 0, 0, 0, 0))
    assert plans.plan_needed(staff.clinician, low) is None
    medium = episode_for(staff, MEDIUM)
    assert plans.plan_needed(staff.clinician, medium) == ("Medium risk: develop a patient-centred management plan "
                                                          "with the patient")
    agree(staff, medium, "supervised_exercise")
    assert plans.plan_needed(staff.clinician, medium) is None
