"""Clinic-wide settings kept by the practice manager (services/settings.py)."""
import json
from datetime import date, datetime, time, timezone

import pytest

from clinic_desktop.models import Appointment, AuditEvent
from clinic_desktop.services import episodes, patients
from clinic_desktop.services.clock import frozen_at
from clinic_desktop.services.errors import PermissionDenied, ValidationError
from clinic_desktop.services.settings import (
    ClinicSettings,
    load_settings,
    update_clinic_settings,
)

CHRISTMAS_EVE, BOXING_DAY_AFTER, NEW_YEARS_EVE = date(2025, 12, 24), date(2025, 12, 29), date(2025, 12, 31)


def test_defaults_apply_until_settings_are_saved(staff):
    assert load_settings() == ClinicSettings()


def test_manager_changes_some_settings_and_the_rest_keep_their_values(staff):
    update_clinic_settings(staff.manager, name="Riverside MSK", time_zone="Europe/London")
    updated = update_clinic_settings(staff.manager, slot_minutes=30, opens_at=time(8, 0))
    assert updated == load_settings()
    assert (updated.name, updated.slot_minutes, updated.opens_at, updated.closes_at) == (
        "Riverside MSK", 30, time(8, 0), time(17, 30))


def test_the_change_is_audited_with_its_new_values(staff):
    update_clinic_settings(staff.manager, name="Riverside MSK", slot_minutes=30,
                           closure_days=[NEW_YEARS_EVE, CHRISTMAS_EVE], opens_at=time(8, 0))
    event = AuditEvent.select().order_by(AuditEvent.id.desc()).get()
    assert (event.action, event.user_id, event.summary) == (
        "update_clinic_settings", staff.manager.user_id,
        "changed clinic settings: closure_days, name, opens_at, slot_minutes")
    assert json.loads(event.details) == {"name": "Riverside MSK", "slot_minutes": 30, "opens_at": "08:00:00",
                                         "closure_days": ["2025-12-24", "2025-12-31"], "pathway": []}


@pytest.mark.parametrize("who", ["receptionist", "clinician"])
def test_only_a_manager_changes_settings(staff, who):
    events = AuditEvent.select().count()
    with pytest.raises(PermissionDenied, match="may not manage settings"):
        update_clinic_settings(getattr(staff, who), name="Hijacked")
    assert load_settings() == ClinicSettings()
    assert AuditEvent.select().count() == events


@pytest.mark.parametrize("changes, field, message", [
    (dict(name="   "), "name", "the clinic needs a name"),
    (dict(time_zone="Mars/Olympus"), "time_zone", "unknown time zone 'Mars/Olympus'"),
    (dict(time_zone="../etc"), "time_zone", "unknown time zone"),
    (dict(holiday_region="XX-YY"), "holiday_region", "unknown holiday region 'XX-YY'"),
    (dict(opens_at=time(18, 0)), "opens_at", "the clinic must open before it closes"),
    (dict(closes_at=time(8, 30)), "opens_at", "the clinic must open before it closes"),
    (dict(slot_minutes=4), "slot_minutes", "a slot lasts between 5 and 240 minutes"),
    (dict(slot_minutes=241), "slot_minutes", "a slot lasts between 5 and 240 minutes"),
    (dict(slot_minutes="20"), "slot_minutes", "a slot lasts between 5 and 240 minutes"),
    (dict(lock_after_minutes=0), "lock_after_minutes", "the screen locks after between 1 and 120 idle minutes"),
    (dict(lock_after_minutes=121), "lock_after_minutes", "the screen locks after between 1 and 120 idle minutes"),
    (dict(closure_days=["2025-12-24"]), "closure_days", "closure days must be dates"),
    (dict(closure_days=[CHRISTMAS_EVE, "2025-12-31"]), "closure_days", "closure days must be dates"),
    (dict(colour="blue"), None, "unknown setting 'colour'"),
])
def test_invalid_settings_are_refused_and_nothing_is_saved(staff, changes, field, message):
    events = AuditEvent.select().count()
    with pytest.raises(ValidationError, match=message) as refused:
        update_clinic_settings(staff.manager, **changes)
    assert refused.value.field == field
    assert load_settings() == ClinicSettings()
    assert AuditEvent.select().count() == events


def test_closure_days_are_sorted_and_deduplicated(staff):
    updated = update_clinic_settings(
        staff.manager, closure_days=[NEW_YEARS_EVE, CHRISTMAS_EVE, NEW_YEARS_EVE, BOXING_DAY_AFTER])
    assert updated.closure_days == load_settings().closure_days == (CHRISTMAS_EVE, BOXING_DAY_AFTER, NEW_YEARS_EVE)


def test_a_closure_day_is_not_a_working_day(staff):
    update_clinic_settings(staff.manager, closure_days=[BOXING_DAY_AFTER])
    calendar = load_settings().calendar()
    assert not calendar.is_working_day(BOXING_DAY_AFTER)
    assert calendar.is_working_day(date(2025, 12, 30))


def _episode_first_seen(staff, first_contact: date) -> int:
    patient = patients.register_patient(staff.receptionist, family_name="Khan", given_name="Aisha",
                                        date_of_birth=date(1980, 3, 4))
    return episodes.open_episode(staff.clinician, patient.id, first_contact_on=first_contact,
                                 presentation="non_specific", severity="mild").episode_id


def _two_week_due(episode_id: int) -> date:
    return Appointment.get((Appointment.episode == episode_id) & (Appointment.kind == "two_week_review")).due_by


def test_a_new_closure_day_moves_a_waiting_deadline_to_the_working_day_before(staff):
    with frozen_at(datetime(2026, 11, 26, 9, 0, tzinfo=timezone.utc)):
        episode_id = _episode_first_seen(staff, date(2026, 11, 26))  # 2-week review due Thu 10 Dec
        assert _two_week_due(episode_id) == date(2026, 12, 10)
        update_clinic_settings(staff.manager, closure_days=[date(2026, 12, 10)])
        assert _two_week_due(episode_id) == date(2026, 12, 9)
        update_clinic_settings(staff.manager, closure_days=[])
        assert _two_week_due(episode_id) == date(2026, 12, 10)
