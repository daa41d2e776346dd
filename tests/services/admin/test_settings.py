"""Clinic-wide settings kept by the practice manager (services/admin/settings.py)."""
import json
from datetime import date, datetime, time, timezone

import pytest

from clinic_desktop.models import Appointment, AuditEvent
from clinic_desktop.services.admin.settings import (
    ClinicSettings,
    load_settings,
    update_clinic_settings,
)
from clinic_desktop.services.core.clock import frozen_at
from clinic_desktop.services.core.errors import PermissionDenied, ValidationError
from clinic_desktop.services.episodes import episodes
from clinic_desktop.services.patients import patients

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


def _episode_first_seen(staff, first_contact: date, family_name: str = "Khan") -> int:
    patient = patients.register_patient(staff.receptionist, family_name=family_name, given_name="Aisha",
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


def test_a_new_closure_day_moves_a_discharged_episodes_open_referral_and_a_drafted_letter(staff):
    from clinic_desktop.models import Referral
    from clinic_desktop.services.episodes import discharge

    with frozen_at(datetime(2026, 6, 1, 9, 0, tzinfo=timezone.utc)):
        medium = (1, 1, 1, 1, 0, 0, 0, 0, 0)  # a standard physiotherapy referral, due Mon 15 Jun
        kept = _episode_first_seen(staff, date(2026, 6, 1))
        episodes.record_start_back(staff.clinician, kept, assessed_on=date(2026, 6, 1), answers=medium)
        left = _episode_first_seen(staff, date(2026, 6, 1), family_name="Left")
        episodes.record_start_back(staff.clinician, left, assessed_on=date(2026, 6, 1), answers=medium)
        decisions = [discharge.ItemDecision(item.kind, item.item_id, discharge.HAND_OVER)
                     for item in discharge.discharge_items(staff.clinician, left) if item.needs_decision]
        episodes.discharge_episode(staff.clinician, left, discharged_on=date(2026, 6, 1), reason="moved away",
                                   decisions=decisions, hand_over_to=staff.clinician.user_id)
        Referral.update(status="drafted").where(Referral.episode == kept).execute()
        update_clinic_settings(staff.manager, closure_days=[date(2026, 6, 15)])
    due = {row.episode_id: (row.status, row.due_by) for row in Referral.select()}
    assert due == {kept: ("drafted", date(2026, 6, 12)), left: ("raised", date(2026, 6, 12))}


def test_a_new_closure_day_moves_a_referral_raised_by_hand(staff):
    from clinic_desktop.services.referrals import referrals

    with frozen_at(datetime(2026, 6, 1, 9, 0, tzinfo=timezone.utc)):
        episode_id = _episode_first_seen(staff, date(2026, 6, 1))
        raised = referrals.raise_referral(staff.clinician, episode_id, kind="spinal_surgical",
                                          reason="Surgical opinion", due_by=date(2026, 6, 12))
        update_clinic_settings(staff.manager, closure_days=[date(2026, 6, 12)])
        assert referrals.get_referral(staff.clinician, raised.id).due_by == date(2026, 6, 11)


def test_a_new_closure_day_moves_an_escalation_a_later_outcome_was_noted_against(staff):
    from clinic_desktop.models import Referral

    with frozen_at(datetime(2026, 6, 1, 9, 0, tzinfo=timezone.utc)):
        episode_id = _episode_first_seen(staff, date(2026, 5, 20))
        for dated in (date(2026, 5, 26), date(2026, 5, 28)):  # the second is noted against the first's referral
            episodes.record_twelve_week_outcome(staff.clinician, episode_id, recorded_on=dated, improved=False)
        assert [row.due_by for row in Referral.select()] == [date(2026, 6, 9)]
        update_clinic_settings(staff.manager, closure_days=[date(2026, 6, 9)])
    assert [row.due_by for row in Referral.select()] == [date(2026, 6, 8)]


# --- closing the clinic on booked patients is refused ---

BOOKED_DAY = date(2026, 11, 27)  # Fri
SEEN = datetime(2026, 11, 26, 9, 0, tzinfo=timezone.utc)  # Thu: first contact, and when they were booked


def _book_review(staff, family_name: str, starts_local: datetime) -> int:
    """A new patient's 2-week review booked with Dr Jones at a clinic wall time."""
    from clinic_desktop.services.appointments import appointments

    patient = patients.register_patient(staff.receptionist, family_name=family_name, given_name="Aisha",
                                        date_of_birth=date(1980, 3, 4))
    episode_id = episodes.open_episode(staff.clinician, patient.id, first_contact_on=SEEN.date(),
                                       presentation="non_specific", severity="mild").episode_id
    review = Appointment.get((Appointment.episode == episode_id) & (Appointment.kind == "two_week_review"))
    return appointments.book_appointment(staff.receptionist, review.id, clinician_id=staff.clinician.user_id,
                                         starts_local=starts_local).id


@pytest.fixture
def booked(staff):
    """Three reviews booked on Fri 27 Nov 2026 at 10:00, 09:10 and 16:40 clinic time (20 minutes each)."""
    with frozen_at(SEEN):
        for family_name, at in (("Ahmed", time(10, 0)), ("Brown", time(9, 10)), ("Clark", time(16, 40))):
            _book_review(staff, family_name, datetime.combine(BOOKED_DAY, at))


def refused_unchanged(staff, message: str, field: str, **changes) -> None:
    events = AuditEvent.select().count()
    with frozen_at(datetime(2026, 11, 26, 10, 0, tzinfo=timezone.utc)):
        with pytest.raises(ValidationError) as refused:
            update_clinic_settings(staff.manager, **changes)
    assert (str(refused.value), refused.value.field) == (message, field)
    assert load_settings() == ClinicSettings()
    assert AuditEvent.select().count() == events


def test_a_closure_day_with_booked_appointments_is_refused(staff, booked):
    refused_unchanged(staff, "3 appointments are booked on Fri 27 Nov 2026 (the first at 09:10): move them before "
                      "closing that day.", "closure_days", closure_days=[BOOKED_DAY])


def test_closure_days_over_booked_appointments_on_several_days_are_refused(staff, booked):
    with frozen_at(SEEN):
        _book_review(staff, "Davies", datetime(2026, 11, 30, 11, 0))
    refused_unchanged(staff, "4 appointments are booked on the new closure days, the first on Fri 27 Nov 2026 at "
                      "09:10: move them before closing those days.", "closure_days",
                      closure_days=[BOOKED_DAY, date(2026, 11, 30)])


def test_opening_later_than_a_booked_appointment_is_refused(staff, booked):
    refused_unchanged(staff, "1 booked appointment falls outside the new opening hours 09:30–17:30, on Fri 27 Nov "
                      "2026 at 09:10: move it before changing the hours.", "opens_at", opens_at=time(9, 30))


def test_closing_before_booked_appointments_end_is_refused(staff, booked):
    refused_unchanged(staff, "2 booked appointments fall outside the new opening hours 08:30–10:15, the first on "
                      "Fri 27 Nov 2026 at 10:00: move them before changing the hours.", "closes_at",
                      closes_at=time(10, 15))  # 10:00-10:20 and 16:40-17:00 end after it


def test_a_closure_day_over_a_cancelled_appointment_is_accepted(staff):
    from clinic_desktop.services.appointments import appointments

    with frozen_at(SEEN):
        episode_id = _episode_first_seen(staff, SEEN.date())
        follow_up = appointments.add_follow_up(staff.clinician, episode_id, due_by=BOOKED_DAY, reason="Check")
        appointments.book_appointment(staff.receptionist, follow_up.id, clinician_id=staff.clinician.user_id,
                                      starts_local=datetime.combine(BOOKED_DAY, time(9, 10)))
        appointments.cancel_appointment(staff.receptionist, follow_up.id, reason="Patient asked")
        assert update_clinic_settings(staff.manager, closure_days=[BOOKED_DAY]).closure_days == (BOOKED_DAY,)


def test_bookings_in_the_past_do_not_stop_a_change_of_hours(staff, booked):
    with frozen_at(datetime(2026, 11, 28, 10, 0, tzinfo=timezone.utc)):  # the day after they were booked for
        assert update_clinic_settings(staff.manager, opens_at=time(9, 30)).opens_at == time(9, 30)
