"""One patient's story told through the services, for the tests of the patient's view and of her letter.

SMITH, Ann's episode has a drafted or signed referral, a missed follow-up and a booked
12-week check: enough for the view, its actions and the letter window to show everything.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone

from database_fixtures import PASSWORD

from clinic_desktop.services.appointments import appointments
from clinic_desktop.services.core.clock import frozen_at
from clinic_desktop.services.episodes import episodes
from clinic_desktop.services.patients import patients
from clinic_desktop.services.referrals import referrals


def at(month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=timezone.utc)


@dataclass(frozen=True)
class Story:
    patient_id: int
    episode_id: int
    referral_id: int


def build_story(staff, *, sign: bool = True) -> Story:
    """SMITH, Ann (mild hepatic impairment): first contact Mon 2 Nov 2026; 2-week review attended
    Wed 11 Nov with a high-risk STarT Back, whose biopsychosocial referral is drafted, then (``sign``)
    signed and sent; a follow-up missed on Thu 12 Nov; the 12-week check booked for Wed 20 Jan 2027."""
    reception, jones = staff.receptionist, staff.clinician
    with frozen_at(at(11, 2)):
        ann = patients.register_patient(reception, family_name="Smith", given_name="Ann",
                                        date_of_birth=date(1970, 2, 1), nhs_number="943 476 5919",
                                        hepatic_impairment="mild")
        episode_id = episodes.open_episode(jones, ann.id, first_contact_on=date(2026, 11, 2),
                                           presentation="non_specific", severity="moderate",
                                           advised_stay_active=True).episode_id
        reviews = {row.kind: row for row in appointments.appointments_for_episode(jones, episode_id)}
        appointments.book_appointment(reception, reviews["two_week_review"].id, clinician_id=jones.user_id,
                                      starts_local=datetime(2026, 11, 11, 10, 0))
        follow_up = appointments.add_follow_up(reception, episode_id, due_by=date(2026, 11, 13),
                                               reason="Check sleep")
        appointments.book_appointment(reception, follow_up.id, clinician_id=jones.user_id,
                                      starts_local=datetime(2026, 11, 12, 11, 0))
    with frozen_at(at(11, 11, 10, 5)):
        appointments.record_attended(reception, reviews["two_week_review"].id)
        episodes.record_start_back(jones, episode_id, assessed_on=date(2026, 11, 11), answers=[1] * 9)
    with frozen_at(at(11, 12, 11, 30)):
        appointments.record_did_not_attend(reception, follow_up.id)
        referral = referrals.referrals_for_episode(jones, episode_id)[0]
        referrals.draft_referral(jones, referral.id, "Persistent pain; high risk on STarT Back.")
    if sign:
        with frozen_at(at(11, 12, 12)):
            referrals.sign_referral(jones, referral.id, PASSWORD)
        with frozen_at(at(11, 13)):
            referrals.mark_referral_sent(reception, referral.id)
    with frozen_at(at(11, 13)):
        appointments.book_appointment(reception, reviews["twelve_week_review"].id, clinician_id=jones.user_id,
                                      starts_local=datetime(2027, 1, 20, 10, 0))
    return Story(ann.id, episode_id, referral.id)
