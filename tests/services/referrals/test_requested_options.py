"""What a letter asks the receiving service to consider, and the plan the physiotherapy letters carry."""
from __future__ import annotations

import io
import json
from datetime import date, datetime, timezone

import pytest
from pypdf import PdfReader

from clinic_desktop.models import AuditEvent
from clinic_desktop.services.core.errors import InvalidTransition, PermissionDenied, ValidationError
from clinic_desktop.services.episodes import episodes, plans
from clinic_desktop.services.patients import patients
from clinic_desktop.services.referrals import referrals, requested_options

PASSWORD = "correct horse battery"
CLINIC_TIME = datetime(2025, 6, 2, 9, 0, tzinfo=timezone.utc)  # Mon 2 Jun 2025
MEDIUM = (1, 1, 1, 1, 0, 0, 0, 0, 0)


def open_episode(staff) -> int:
    patient = patients.register_patient(staff.receptionist, family_name="Øster", given_name="Åsa",
                                        date_of_birth=date(1961, 2, 9))
    return episodes.open_episode(staff.clinician, patient.id, first_contact_on=date(2025, 3, 3),
                                 presentation="radicular", severity="severe").episode_id


def letter_text(staff, referral_id: int) -> str:
    pdf = referrals.preview_letter(staff.clinician, referral_id)
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)


def referral_of(staff, episode_id: int, kind: str) -> int:
    return next(row.id for row in referrals.referrals_for_episode(staff.clinician, episode_id) if row.kind == kind)


def test_the_pain_centre_letter_asks_for_the_options_chosen_in_the_sources_order(staff):
    referral = referrals.raise_referral(staff.clinician, open_episode(staff), kind="pain_spinal_centre",
                                        reason="Not improved at 12 weeks")
    record = requested_options.set_requested_options(staff.clinician, referral.id,
                                                     ["high_intensity_cbt", "mdt_biopsychosocial"])
    assert record.requested_options == ("mdt_biopsychosocial", "high_intensity_cbt")
    text = letter_text(staff, referral.id)
    assert ("We ask you to consider: • Biopsychosocial assessment in a multidisciplinary team • High-intensity "
            "cognitive behavioural therapy") in text
    assert "Complex medication management" not in text
    event = AuditEvent.select().where(AuditEvent.action == "set_requested_options").get()
    assert json.loads(event.details)["options"] == ["mdt_biopsychosocial", "high_intensity_cbt"]
    requested_options.set_requested_options(staff.clinician, referral.id, [])
    assert "We ask you to consider" not in letter_text(staff, referral.id)


def test_the_early_radicular_letter_offers_injection_and_rehabilitation(staff):
    episode_id = open_episode(staff)
    episodes.record_radicular_status(staff.clinician, episode_id, recorded_on=date(2025, 6, 2),
                                     severe_radicular_pain=True, neurological_deficit=False)
    referral_id = referral_of(staff, episode_id, "early_radicular")
    assert [option.key for option in requested_options.options_for("early_radicular")] == [
        "epidural_injection", "coordinated_rehabilitation"]
    requested_options.set_requested_options(staff.clinician, referral_id, ["epidural_injection"])
    assert "Consideration of image-guided epidural steroid injection" in letter_text(staff, referral_id)


def test_the_surgical_opinion_points_to_the_spinal_surgical_referral_too():
    (surgical,) = [option for option in requested_options.options_for("pain_spinal_centre")
                   if option.key == "spinal_surgical_opinion"]
    assert "raise a spinal surgical referral as well" in surgical.hint
    assert requested_options.options_for("standard_physiotherapy") == ()


def test_options_are_refused_for_other_kinds_for_unknown_keys_and_once_signed(staff):
    episode_id = open_episode(staff)
    surgical = referrals.raise_referral(staff.clinician, episode_id, kind="spinal_surgical", reason="Persistent")
    with pytest.raises(ValidationError, match="asks for no options"):
        requested_options.set_requested_options(staff.clinician, surgical.id, ["epidural_injection"])
    centre = referrals.raise_referral(staff.clinician, episode_id, kind="pain_spinal_centre", reason="Not improved")
    with pytest.raises(ValidationError, match="no option 'epidural_injection'"):
        requested_options.set_requested_options(staff.clinician, centre.id, ["epidural_injection"])
    with pytest.raises(PermissionDenied):
        requested_options.set_requested_options(staff.receptionist, centre.id, ["high_intensity_cbt"])
    requested_options.set_requested_options(staff.clinician, centre.id, ["complex_medication"])
    referrals.draft_referral(staff.clinician, centre.id, "Dear colleague,\n\nPlease see her.")
    referrals.sign_referral(staff.clinician, centre.id, PASSWORD)
    with pytest.raises(InvalidTransition, match="is signed"):
        requested_options.set_requested_options(staff.clinician, centre.id, ["high_intensity_cbt"])
    pdf = referrals.letter_pdf(staff.clinician, centre.id)
    assert "Complex medication management" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def test_the_physiotherapy_letter_carries_the_plan_that_stands(staff):
    episode_id = open_episode(staff)
    episodes.record_start_back(staff.clinician, episode_id, assessed_on=date(2025, 5, 26), answers=MEDIUM)
    referral_id = referral_of(staff, episode_id, "standard_physiotherapy")
    assert "Management plan" not in letter_text(staff, referral_id)
    plans.record_plan(staff.clinician, episode_id, agreed_on=date(2025, 5, 26), goals="Cycle to work again",
                      treatments=["supervised_exercise", "progressive_relaxation"],
                      lifestyle=["workplace_accommodations", "weight_management"], bmi=32.5)
    text = letter_text(staff, referral_id)
    plan = text[text.index("Management plan"):]
    for expected in ("Agreed 26 May 2025 with Dr Alys Jones", "Patient's goals Cycle to work again",
                     "Supervised exercise, individually tailored", "Progressive relaxation",
                     "Workplace accommodations", "Weight management BMI 32.5"):
        assert expected in plan
