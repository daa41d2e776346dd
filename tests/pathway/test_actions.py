from datetime import date

import pytest

from clinic_desktop.pathway.actions import (
    REFERRAL_KINDS,
    RequiredAppointment,
    RequiredReferral,
)

DAY = date(2026, 11, 3)


def test_unknown_appointment_kind_is_refused():
    with pytest.raises(ValueError, match="unknown appointment kind 'six_week_review'"):
        RequiredAppointment("six_week_review", "six_week_review", DAY, "")


def test_unknown_referral_kind_is_refused():
    with pytest.raises(ValueError, match="unknown referral kind 'dentist'"):
        RequiredReferral("dentist", "dentist", DAY, "", urgent=False)


def test_spinal_surgical_is_a_referral_kind_a_clinician_may_raise():
    assert "spinal_surgical" in REFERRAL_KINDS
