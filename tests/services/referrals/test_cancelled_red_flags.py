"""The manager's list of urgent red-flag referrals cancelled in the last 30 days, on both databases."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from clinic_desktop.models import Referral
from clinic_desktop.services.core.errors import PermissionDenied
from clinic_desktop.services.episodes import episodes
from clinic_desktop.services.patients import patients
from clinic_desktop.services.referrals import referrals
from clinic_desktop.services.referrals.cancelled_red_flags import cancelled_red_flags

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=timezone.utc)


CLINIC_TIME = NOW  # every test here runs at this moment (tests/conftest.py: clinic_clock)


def _red_flag(staff, family: str, cancelled_days_ago: int | None, kind: str = "urgent_red_flag") -> int:
    patient = patients.register_patient(staff.receptionist, family_name=family, given_name="Ann",
                                        date_of_birth=date(1961, 2, 9))
    episode_id = episodes.open_episode(staff.clinician, patient.id, first_contact_on=date(2026, 5, 1),
                                       presentation="non_specific", severity="moderate").episode_id
    referral = referrals.raise_referral(staff.clinician, episode_id, kind=kind, reason="Saddle anaesthesia")
    if cancelled_days_ago is not None:
        referrals.cancel_referral(staff.clinician, referral.id, "Imaging excluded cauda equina")
        # Who cancelled and when are recorded by cancel_referral (the rules branch); set here so
        # that this list is tested on its own.
        Referral.update(cancelled_by=staff.clinician.user_id,
                        cancelled_at=NOW - timedelta(days=cancelled_days_ago)).where(
            Referral.id == referral.id).execute()
    return referral.id


def test_a_cancelled_red_flag_shows_who_when_and_why(staff):
    recent = _red_flag(staff, "Recent", cancelled_days_ago=2)
    _red_flag(staff, "Older", cancelled_days_ago=31)
    _red_flag(staff, "Open", cancelled_days_ago=None)
    _red_flag(staff, "Physio", cancelled_days_ago=1, kind="standard_physiotherapy")

    page = cancelled_red_flags(staff.manager)

    assert page.total == 1
    row = page.rows[0]
    assert (row.referral_id, row.patient_name, row.cancelled_by_name, row.reason) == (
        recent, "RECENT, Ann", "Dr Alys Jones", "Imaging excluded cauda equina")
    assert row.cancelled_at == NOW - timedelta(days=2)


def test_the_latest_cancellation_comes_first(staff):
    earlier = _red_flag(staff, "Earlier", cancelled_days_ago=10)
    later = _red_flag(staff, "Later", cancelled_days_ago=1)
    assert [row.referral_id for row in cancelled_red_flags(staff.manager).rows] == [later, earlier]


@pytest.mark.parametrize("role", ["receptionist", "clinician"])
def test_only_the_manager_reviews_cancellations(staff, role):
    with pytest.raises(PermissionDenied):
        cancelled_red_flags(getattr(staff, role))
