"""Pathway timings kept by the practice manager (services/admin/pathway_settings.py)."""
import json
from dataclasses import asdict
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from clinic_desktop.models import Appointment, AuditEvent, ClinicSetting
from clinic_desktop.models.appointments import APPOINTMENT_KINDS
from clinic_desktop.models.referrals import REFERRAL_KINDS
from clinic_desktop.pathway.calendar import WorkingCalendar
from clinic_desktop.pathway.facts import (
    EpisodeFacts,
    MeasureFact,
    MedicationFact,
    OutcomeFact,
    RadicularFact,
    RedFlagFact,
    StartBackFact,
)
from clinic_desktop.pathway.rules import evaluate
from clinic_desktop.pathway.timings import PathwayTimings
from clinic_desktop.services.admin import pathway_settings
from clinic_desktop.services.admin.pathway_settings import (
    TIMED_ITEMS,
    current_timings,
    load_pathway_timings,
    preview_clinic_settings,
    preview_pathway_timings,
    update_pathway_timings,
)
from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.appointments import appointments
from clinic_desktop.services.core.clock import frozen_at
from clinic_desktop.services.core.errors import PermissionDenied, ValidationError
from clinic_desktop.services.episodes import episodes
from clinic_desktop.services.patients import patients

THURSDAY = datetime(2026, 11, 26, 9, 0, tzinfo=timezone.utc)  # first contact; 2-week review due Thu 10 Dec


@pytest.fixture
def at_first_contact():
    with frozen_at(THURSDAY):
        yield


def first_seen(staff, family_name: str = "Khan") -> int:
    patient = patients.register_patient(staff.receptionist, family_name=family_name, given_name="Aisha",
                                        date_of_birth=date(1980, 3, 4))
    return episodes.open_episode(staff.clinician, patient.id, first_contact_on=THURSDAY.date(),
                                 presentation="non_specific", severity="mild").episode_id


def two_week_review(episode_id: int) -> Appointment:
    return Appointment.get((Appointment.episode == episode_id) & (Appointment.kind == "two_week_review"))


def test_the_packaged_timings_apply_until_the_clinic_saves_its_own(staff):
    record = current_timings(staff.manager)
    assert (record.timings, record.saved_by_clinic) == (PathwayTimings(), False)


def test_saved_timings_apply_and_the_others_keep_theirs(staff):
    update_pathway_timings(staff.manager, medication_review_days=14)
    record = current_timings(staff.manager)
    assert record.saved_by_clinic
    assert (record.timings.medication_review_days, record.timings.twelve_week_check_days) == (14, 84)
    assert load_pathway_timings() == record.timings


def test_a_shorter_timing_moves_the_deadline_of_a_review_still_to_book(staff, at_first_contact):
    episode_id = first_seen(staff)
    assert two_week_review(episode_id).due_by == date(2026, 12, 10)
    change = update_pathway_timings(staff.manager, two_week_review_days=10)  # Sun 6 Dec -> Fri 4 Dec
    assert two_week_review(episode_id).due_by == date(2026, 12, 4)
    assert (change.moved, change.newly_overdue, change.changed) == (1, 0, ("two_week_review_days",))
    assert change.in_words == "1 deadline of items nobody has acted on moved."


def test_a_booked_review_keeps_its_deadline(staff, at_first_contact):
    booked, waiting = first_seen(staff, "Booked"), first_seen(staff, "Waiting")
    appointments.book_appointment(staff.receptionist, two_week_review(booked).id,
                                  clinician_id=staff.clinician.user_id, starts_local=datetime(2026, 12, 1, 10, 0))
    change = update_pathway_timings(staff.manager, two_week_review_days=10)
    assert two_week_review(booked).due_by == date(2026, 12, 10)
    assert two_week_review(waiting).due_by == date(2026, 12, 4)
    assert change.moved == 1


@pytest.mark.parametrize("today, days, counts, words", [
    pytest.param(date(2026, 12, 8), 7, (1, 0), "; of them, 1 is now overdue", id="newly-overdue"),
    pytest.param(date(2026, 12, 11), 7, (0, 0), "", id="already-overdue-stays-overdue-not-counted"),
])
def test_a_moved_deadline_is_counted_only_when_it_crosses_today(staff, today, days, counts, words):
    """The 2-week review due Thu 10 Dec moves to Thu 3 Dec (7 days) or Wed 16 Dec (20 days)."""
    with frozen_at(THURSDAY):
        first_seen(staff, "Early")
    with frozen_at(datetime.combine(today, datetime.min.time(), tzinfo=timezone.utc)):
        change = update_pathway_timings(staff.manager, two_week_review_days=days)
    assert (change.moved, change.newly_overdue, change.no_longer_overdue) == (1, *counts)
    assert change.in_words == f"1 deadline of items nobody has acted on moved{words}."


def test_a_timing_made_less_strict_again_counts_deadlines_no_longer_overdue(staff):
    with frozen_at(THURSDAY):
        first_seen(staff, "Early")  # 2-week review due Thu 10 Dec
    with frozen_at(datetime(2026, 12, 8, 9, 0, tzinfo=timezone.utc)):
        update_pathway_timings(staff.manager, two_week_review_days=7)  # -> Thu 3 Dec, overdue
        change = update_pathway_timings(staff.manager, two_week_review_days=14)  # back to Thu 10 Dec
    assert (change.moved, change.newly_overdue, change.no_longer_overdue) == (1, 0, 1)
    assert change.in_words == "1 deadline of items nobody has acted on moved; of them, 1 is no longer overdue."


def test_a_timing_later_than_the_source_is_refused_with_its_limit(staff):
    with pytest.raises(ValidationError) as refused:
        update_pathway_timings(staff.manager, medication_review_days=28)
    assert str(refused.value) == ("The Medication review timing is a whole number of days from 1 to 21, not 28: it "
                                  "may be made stricter than the stepped-care guidance's 21 days, never later.")
    assert refused.value.field == "medication_review_days"
    assert not current_timings(staff.manager).saved_by_clinic


def test_a_timing_saved_later_than_the_source_before_the_limits_never_applies(staff):
    ClinicSetting.create(name=pathway_settings.TIMINGS_SETTING,
                         value=json.dumps({**asdict(PathwayTimings()), "two_week_review_days": 28}))
    assert load_pathway_timings().two_week_review_days == 14
    change = update_pathway_timings(staff.manager, medication_review_days=14)
    assert "two_week_review_days" in change.changed


def test_a_timing_added_since_the_clinic_saved_takes_its_packaged_default(staff):
    saved = {name: value for name, value in asdict(PathwayTimings(two_week_review_days=10)).items()
             if name != "ongoing_evaluation_days"}
    ClinicSetting.create(name=pathway_settings.TIMINGS_SETTING, value=json.dumps(saved))
    assert load_pathway_timings() == PathwayTimings(two_week_review_days=10, ongoing_evaluation_days=28)
    change = update_pathway_timings(staff.manager, ongoing_evaluation_days=21)
    assert change.changed == ("ongoing_evaluation_days",)
    assert load_pathway_timings().two_week_review_days == 10


def test_timings_saved_before_a_timing_existed_take_its_packaged_value(staff):
    before_opioids = {name: days for name, days in asdict(PathwayTimings()).items() if name != "opioid_review_days"}
    ClinicSetting.create(name=pathway_settings.TIMINGS_SETTING,
                         value=json.dumps({**before_opioids, "medication_review_days": 14}))
    timings = load_pathway_timings()
    assert (timings.opioid_review_days, timings.medication_review_days) == (14, 14)
    assert update_pathway_timings(staff.manager, opioid_review_days=7).changed == ("opioid_review_days",)
    assert current_timings(staff.manager).timings.opioid_review_days == 7


def test_a_closure_day_preview_counts_deadlines_newly_overdue_only(staff):
    with frozen_at(THURSDAY):
        first_seen(staff, "Early")  # 2-week review due Thu 10 Dec
    with frozen_at(datetime(2026, 12, 10, 9, 0, tzinfo=timezone.utc)):  # due today: not yet overdue
        moves = preview_clinic_settings(staff.manager, closure_days=[date(2026, 12, 10)])  # -> Wed 9 Dec
    assert (moves.moved, moves.newly_overdue, moves.no_longer_overdue) == (1, 1, 0)


def test_a_new_episode_follows_the_new_timing(staff, at_first_contact):
    update_pathway_timings(staff.manager, twelve_week_check_days=70)
    episode_id = first_seen(staff)
    check = Appointment.get((Appointment.episode == episode_id) & (Appointment.kind == "twelve_week_review"))
    assert check.due_by == date(2027, 2, 4)  # Thu 26 Nov + 70 days


def test_the_change_is_audited_with_how_many_moved(staff, at_first_contact):
    first_seen(staff)
    update_pathway_timings(staff.manager, two_week_review_days=10)
    event = AuditEvent.select().order_by(AuditEvent.id.desc()).get()
    assert (event.action, event.user_id) == ("update_pathway_timings", staff.manager.user_id)
    assert event.summary == ("changed pathway timings: 2-week review 10 days; "
                             "1 deadline of items nobody has acted on moved.")
    assert json.loads(event.details)["moved"] == 1


def test_a_preview_tells_what_would_move_and_changes_nothing(staff, at_first_contact):
    episode_id = first_seen(staff)
    events = AuditEvent.select().count()
    change = preview_pathway_timings(staff.manager, two_week_review_days=10)
    assert change.moved == 1
    assert two_week_review(episode_id).due_by == date(2026, 12, 10)
    assert current_timings(staff.manager).saved_by_clinic is False
    assert AuditEvent.select().count() == events


def test_a_preview_of_a_new_closure_day_tells_what_would_move_and_changes_nothing(staff, at_first_contact):
    episode_id = first_seen(staff)
    events = AuditEvent.select().count()
    moves = preview_clinic_settings(staff.manager, closure_days=[date(2026, 12, 10)])
    assert (moves.moved, moves.newly_overdue, moves.no_longer_overdue) == (1, 0, 0)
    assert two_week_review(episode_id).due_by == date(2026, 12, 10)
    assert load_settings().closure_days == ()
    assert AuditEvent.select().count() == events


def test_a_preview_of_impossible_clinic_settings_is_refused_like_the_change(staff):
    with pytest.raises(ValidationError, match="unknown holiday region 'XX-YY'"):
        preview_clinic_settings(staff.manager, holiday_region="XX-YY")


@pytest.mark.parametrize("changes, field, message", [
    (dict(two_week_review_days=0), "two_week_review_days", "The 2-week review timing is a whole number of days "
                                                           "from 1 to 14, not 0"),
    (dict(red_flag_referral_days=-1), "red_flag_referral_days", "stays at 0 days, not -1"),
    (dict(twelve_week_check_days=85), "twelve_week_check_days", "from 1 to 84, not 85: it may be made stricter"),
    (dict(medication_review_days="21"), "medication_review_days", "not '21'"),
    (dict(medication_review_days=True), "medication_review_days", "not True"),
    (dict(coffee_break_days=1), "coffee_break_days", "There is no pathway timing 'coffee_break_days'"),
])
def test_impossible_timings_are_refused_and_nothing_is_saved(staff, changes, field, message):
    events = AuditEvent.select().count()
    with pytest.raises(ValidationError, match=message) as refused:
        update_pathway_timings(staff.manager, **changes)
    assert refused.value.field == field
    assert not current_timings(staff.manager).saved_by_clinic
    assert AuditEvent.select().count() == events


def test_a_same_day_red_flag_referral_may_be_kept(staff):
    assert update_pathway_timings(staff.manager, red_flag_referral_days=0).timings.red_flag_referral_days == 0


@pytest.mark.parametrize("days", [1, 30, True])
def test_the_red_flag_referral_stays_due_the_same_day(staff, days):
    events = AuditEvent.select().count()
    with pytest.raises(ValidationError) as refused:
        update_pathway_timings(staff.manager, red_flag_referral_days=days)
    assert str(refused.value) == (
        f"The urgent red-flag referral timing stays at 0 days, not {days!r}: an urgent red-flag referral is always "
        "due the same day the red flags are recorded (the stepped-care guidance), so this timing cannot be "
        "changed.")
    assert refused.value.field == "red_flag_referral_days"
    assert load_pathway_timings().red_flag_referral_days == 0
    assert AuditEvent.select().count() == events


def test_a_red_flag_timing_saved_before_it_was_fixed_never_applies(staff):
    ClinicSetting.create(name=pathway_settings.TIMINGS_SETTING,
                         value=json.dumps({**asdict(PathwayTimings()), "red_flag_referral_days": 30}))
    assert load_pathway_timings().red_flag_referral_days == 0
    change = update_pathway_timings(staff.manager, medication_review_days=14)
    assert "red_flag_referral_days" in change.changed
    stored = ClinicSetting.get(ClinicSetting.name == pathway_settings.TIMINGS_SETTING).value
    assert json.loads(stored)["red_flag_referral_days"] == 0


@pytest.mark.parametrize("who", ["receptionist", "clinician"])
def test_only_a_manager_changes_pathway_timings(staff, who):
    with pytest.raises(PermissionDenied, match="may not manage settings"):
        update_pathway_timings(getattr(staff, who), two_week_review_days=7)
    assert load_pathway_timings() == pathway_settings.packaged_timings()


# --- which items each timing moves: the shortcut that keeps a change fast must match the rules ---

_MONDAY = date(2026, 3, 2)
_BEFORE_STRATIFICATION = EpisodeFacts(
    first_contact_on=_MONDAY, discharged_on=None, hepatic_impairment="none",
    medications=(MedicationFact(1, "muscle_relaxant", "cyclobenzaprine", _MONDAY, None),
                 MedicationFact(2, "opioid", "codeine", _MONDAY, None)),
    radicular=(RadicularFact(1, _MONDAY, True, False),),
    red_flags=(RedFlagFact(1, _MONDAY, ("saddle anaesthesia",)),))
_AFTER_OUTCOME = EpisodeFacts(
    first_contact_on=_MONDAY, discharged_on=None, hepatic_impairment="none",
    start_back=(StartBackFact(1, date(2026, 3, 16), "medium"),),
    outcome=OutcomeFact(1, date(2026, 5, 26), False))
_LOW_RISK_NOT_IMPROVING = EpisodeFacts(
    first_contact_on=_MONDAY, discharged_on=None, hepatic_impairment="none",
    start_back=(StartBackFact(1, date(2026, 3, 16), "low"),),
    measures=(MeasureFact(1, date(2026, 3, 16), "two_week_review", 6, Decimal(4), None, False),))


def _deadlines(facts: EpisodeFacts, timings: PathwayTimings) -> dict[str, date]:
    actions = evaluate(facts, timings, WorkingCalendar("GB-ENG"))
    return {item.kind: item.due_by for item in (*actions.appointments, *actions.referrals)}


@pytest.mark.parametrize("timing", [name for name in TIMED_ITEMS if name not in pathway_settings.FIXED_TIMINGS])
def test_each_timing_moves_exactly_the_kinds_of_item_it_is_said_to(timing):
    stricter = PathwayTimings(**{**asdict(PathwayTimings()), timing: getattr(PathwayTimings(), timing) - 7})
    moved = set()
    for facts in (_BEFORE_STRATIFICATION, _AFTER_OUTCOME, _LOW_RISK_NOT_IMPROVING):
        before, after = _deadlines(facts, PathwayTimings()), _deadlines(facts, stricter)
        moved |= {kind for kind in before if before[kind] != after[kind]}
    model, kinds = TIMED_ITEMS[timing]
    assert moved and moved <= set(kinds)
    assert all(kind in APPOINTMENT_KINDS if model is Appointment else kind in REFERRAL_KINDS for kind in moved)
