"""A signed letter held for a clinician's decision, built through the services, for the tests that
check nobody can send it (referrals, the To send batch, its dialog)."""
from __future__ import annotations

from datetime import date

from database_fixtures import PASSWORD

from clinic_desktop.services.episodes import episodes
from clinic_desktop.services.patients import patients
from clinic_desktop.services.referrals import referrals

MEDIUM, LOW = [1, 1, 1, 1, 0, 0, 0, 0, 0], [0] * 9


def signed_then_superseded(staff, family: str = "Jones", assessed_on: date = date(2025, 6, 2)) -> int:
    """A standard physiotherapy letter signed at medium risk, then the risk fell to low: the pathway's
    warning asks the clinician whether it should still be sent. Returns the referral's id."""
    referral_id, episode_id = signed_at_medium_risk(staff, family, assessed_on)
    lower_the_risk(staff, episode_id, assessed_on)
    return referral_id


def signed_at_medium_risk(staff, family: str, assessed_on: date) -> tuple[int, int]:
    """(referral id, episode id) of a signed standard physiotherapy letter, nothing holding it yet."""
    patient = patients.register_patient(staff.receptionist, family_name=family, given_name="Bryn",
                                        date_of_birth=date(1975, 4, 1))
    episode_id = episodes.open_episode(staff.clinician, patient.id, first_contact_on=assessed_on,
                                       presentation="non_specific", severity="moderate").episode_id
    episodes.record_start_back(staff.clinician, episode_id, assessed_on=assessed_on, answers=MEDIUM)
    (referral,) = referrals.referrals_for_episode(staff.clinician, episode_id)
    referrals.draft_referral(staff.clinician, referral.id, "Physiotherapy, please.")
    referrals.sign_referral(staff.clinician, referral.id, PASSWORD)
    return referral.id, episode_id


def lower_the_risk(staff, episode_id: int, assessed_on: date) -> None:
    """A new STarT Back at low risk supersedes the signed letter's referral."""
    episodes.record_start_back(staff.clinician, episode_id, assessed_on=assessed_on, answers=LOW)
