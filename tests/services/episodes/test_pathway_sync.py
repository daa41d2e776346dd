"""Reconciling the pathway rules with the stored record: by key, once, never re-raising."""
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from relaxant_answers import FOR_SPASM

from clinic_desktop.models import (
    Appointment,
    Episode,
    PathwayWarning,
    Patient,
    Referral,
)
from clinic_desktop.pathway.rules import (
    MedicationFact,
    OutcomeFact,
    RadicularFact,
    StartBackFact,
)
from clinic_desktop.services.core.clock import frozen_at
from clinic_desktop.services.episodes import episode_records, episodes, pathway_sync
from clinic_desktop.services.episodes.episodes import MedicationInput

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=timezone.utc)  # Thu 3 Dec 2026
FIRST_CONTACT = date(2026, 11, 26)
MEDIUM, HIGH = (1, 1, 1, 1, 0, 0, 0, 0, 0), (1, 1, 1, 1, 1, 1, 1, 1, 4)


CLINIC_TIME = NOW  # every test here runs at this moment (tests/conftest.py: clinic_clock)


@pytest.fixture
def patient(database):
    return Patient.create(family_name="Smith", given_name="Ann", family_name_key="smith", given_name_key="ann",
                          date_of_birth=date(1970, 5, 1), created_at=NOW, updated_at=NOW)


@pytest.fixture
def episode_id(staff, patient):
    return episodes.open_episode(staff.clinician, patient.id, first_contact_on=FIRST_CONTACT,
                                 presentation="non_specific", severity="severe").episode_id


def stored_rows():
    """Everything the pathway may create, as comparable tuples."""
    return (
        sorted((row.pathway_key, row.status, row.due_by) for row in Appointment.select()),
        sorted((row.pathway_key, row.status, row.due_by) for row in Referral.select()),
        sorted((row.pathway_key, row.message) for row in PathwayWarning.select()),
    )


def stratify(staff, episode_id, answers, on):
    return episodes.record_start_back(staff.clinician, episode_id, assessed_on=on, answers=answers)


def test_load_facts_reads_every_fact_from_the_rows(staff, patient):
    update = episodes.open_episode(
        staff.clinician, patient.id, first_contact_on=FIRST_CONTACT, presentation="radicular", severity="severe",
        medications=[MedicationInput("cyclobenzaprine", "muscle_relaxant", dose_amount=Decimal("7.5"), dose_unit="mg",
                                     dose_frequency="at_night", **FOR_SPASM)], severe_radicular_pain=True,
        red_flags=["suspected cauda equina", "urinary retention"])
    stratify(staff, update.episode_id, MEDIUM, date(2026, 12, 1))
    episodes.record_twelve_week_outcome(staff.clinician, update.episode_id, recorded_on=date(2026, 12, 2),
                                        improved=False)
    facts = pathway_sync.load_facts(Episode.get_by_id(update.episode_id))
    (medication,) = facts.medications
    assert medication == MedicationFact(medication.id, "muscle_relaxant", "cyclobenzaprine", FIRST_CONTACT, None,
                                        Decimal("7.5"), "mg", True)
    assert [fact.flags for fact in facts.red_flags] == [("suspected cauda equina", "urinary retention")]
    assert facts.radicular == (RadicularFact(facts.radicular[0].id, FIRST_CONTACT, True, False),)
    assert facts.start_back == (StartBackFact(facts.start_back[0].id, date(2026, 12, 1), "medium"),)
    assert facts.outcome == OutcomeFact(facts.outcome.id, date(2026, 12, 2), False)
    assert (facts.hepatic_impairment, facts.discharged_on) == ("none", None)


def test_load_facts_takes_the_latest_outcome(staff, episode_id):
    for day, improved in ((date(2026, 12, 2), False), (date(2026, 12, 3), True)):
        episodes.record_twelve_week_outcome(staff.clinician, episode_id, recorded_on=day, improved=improved)
    assert pathway_sync.load_facts(Episode.get_by_id(episode_id)).outcome.improved is True


def test_red_flags_stored_one_a_line_come_back_as_a_tuple():
    assert pathway_sync.split_lines("cauda equina\n\n  fever \n") == ("cauda equina", "fever")


def test_synchronising_twice_changes_nothing_the_second_time(staff, episode_id):
    stratify(staff, episode_id, MEDIUM, date(2026, 12, 1))
    stratify(staff, episode_id, HIGH, date(2026, 12, 3))
    before = stored_rows()
    assert pathway_sync.synchronise(staff.clinician, Episode.get_by_id(episode_id)) == []
    assert pathway_sync.synchronise(staff.clinician, Episode.get_by_id(episode_id)) == []
    assert stored_rows() == before


def test_a_cancelled_review_is_never_raised_again(staff, episode_id):
    Appointment.update(status="cancelled", cancel_reason="patient moved away").where(
        Appointment.pathway_key == "two_week_review").execute()
    assert pathway_sync.synchronise(staff.clinician, Episode.get_by_id(episode_id)) == []
    assert Appointment.select().where(Appointment.pathway_key == "two_week_review").count() == 1


def test_a_missed_review_rebooked_under_the_same_key_is_not_duplicated(staff, episode_id):
    old = Appointment.get(Appointment.pathway_key == "two_week_review")
    Appointment.update(status="did_not_attend", clinician=staff.clinician.user_id, starts_at=NOW,
                       ends_at=NOW.replace(minute=20)).where(Appointment.id == old.id).execute()
    Appointment.create(episode=episode_id, kind="two_week_review", pathway_key="two_week_review", status="to_book",
                       due_by=old.due_by, rebooked_from=old.id, created_at=NOW, updated_at=NOW)
    assert pathway_sync.synchronise(staff.clinician, Episode.get_by_id(episode_id)) == []


def test_superseded_referral_is_cancelled_with_the_risk_change_in_its_reason(staff, episode_id):
    stratify(staff, episode_id, MEDIUM, date(2026, 12, 1))
    Referral.update(status="drafted").execute()
    high = stratify(staff, episode_id, HIGH, date(2026, 12, 3))
    physiotherapy = Referral.get(Referral.kind == "standard_physiotherapy")
    assert (physiotherapy.status, physiotherapy.cancel_reason) == (
        "cancelled", "superseded: risk changed to high on 3 Dec 2026")
    assert high.notices == ("Biopsychosocial assessment / specialised physiotherapy referral raised, "
                            "due by Thu 17 Dec 2026", "High risk: develop a patient-centred management plan with "
                            "the patient, including a psychosocial approach",
                            "Superseded: standard physiotherapy referral cancelled")


def test_a_signed_unsent_superseded_referral_stays_signed_and_warns_the_clinician(staff, episode_id):
    stratify(staff, episode_id, MEDIUM, date(2026, 12, 1))
    Referral.update(status="signed", signed_by=staff.clinician.user_id, signed_at=NOW).execute()
    physiotherapy = Referral.get(Referral.kind == "standard_physiotherapy")
    stratify(staff, episode_id, HIGH, date(2026, 12, 3))
    assert Referral.get_by_id(physiotherapy.id).status == "signed"
    warning = PathwayWarning.get(PathwayWarning.pathway_key == f"superseded-signed:{physiotherapy.id}")
    assert warning.requires_acknowledgement
    assert warning.message == ("The STarT Back risk changed to high on 3 Dec 2026, after the standard physiotherapy "
                               "referral was signed but before it was sent: check whether it should still be sent.")


def test_the_signed_referral_warning_is_raised_once(staff, episode_id):
    stratify(staff, episode_id, MEDIUM, date(2026, 12, 1))
    Referral.update(status="signed").execute()
    stratify(staff, episode_id, HIGH, date(2026, 12, 3))
    assert pathway_sync.synchronise(staff.clinician, Episode.get_by_id(episode_id)) == []
    assert PathwayWarning.select().where(PathwayWarning.kind == "superseded_signed").count() == 1


def test_hepatic_impairment_found_later_warns_on_every_open_episode(staff, patient, episode_id):
    episodes.record_medication(staff.clinician, episode_id, name="cyclobenzaprine", category="muscle_relaxant",
                               started_on=date(2026, 12, 1), **FOR_SPASM)
    Patient.update(hepatic_impairment="moderate").where(Patient.id == patient.id).execute()
    notices = pathway_sync.synchronise_patient_episodes(staff.clinician, patient.id)
    assert notices == ["Moderate hepatic impairment: muscle relaxant not recommended."]
    (warning,) = episode_records.get_episode(staff.clinician, episode_id).open_warnings
    assert warning.requires_acknowledgement


def test_discharged_episodes_are_left_alone_when_the_patient_changes(staff, patient, episode_id):
    episodes.discharge_episode(staff.clinician, episode_id, discharged_on=date(2026, 12, 3), reason="better")
    before = stored_rows()
    assert pathway_sync.synchronise_patient_episodes(staff.clinician, patient.id) == []
    assert stored_rows() == before


def test_a_backdated_red_flag_referral_is_announced_as_overdue(staff, episode_id):
    flagged = episodes.record_red_flags(staff.clinician, episode_id, recorded_on=date(2026, 12, 1),
                                        flags=["fever"])
    assert flagged.notices == ("Urgent red-flag referral raised: overdue, was due by Tue 1 Dec 2026",)


def test_high_risk_stratification_is_written_into_the_waiting_12_week_check(staff, episode_id):
    stratify(staff, episode_id, HIGH, date(2026, 12, 3))
    check = Appointment.get((Appointment.episode == episode_id) & (Appointment.kind == "twelve_week_review"))
    assert check.status == "to_book"
    assert "high risk: review no later than day 84" in check.reason


def test_a_review_someone_acted_on_keeps_its_reason_when_the_rules_change_it(staff, episode_id):
    Appointment.update(reason="as booked").where(Appointment.kind == "twelve_week_review").execute()
    Appointment.update(status="cancelled").where(Appointment.kind == "twelve_week_review").execute()
    stratify(staff, episode_id, HIGH, date(2026, 12, 3))
    check = Appointment.get((Appointment.episode == episode_id) & (Appointment.kind == "twelve_week_review"))
    assert check.reason == "as booked"


def test_an_urgent_referral_notice_needs_urgent_attention(staff, episode_id):
    flagged = episodes.record_red_flags(staff.clinician, episode_id, recorded_on=date(2026, 12, 3),
                                        flags=["suspected cauda equina syndrome"])
    assert [pathway_sync.notice_attention(notice) for notice in flagged.notices] == ["urgent"]


@pytest.mark.parametrize(("first_contact", "attention"), [
    (date(2026, 11, 12), ["overdue", None]),  # 2-week review was due Thu 26 Nov
    (date(2026, 11, 19), ["today", None]),  # due Thu 3 Dec, today
    (date(2026, 11, 26), [None, None]),
])
def test_a_deadline_already_reached_shows_in_the_notices_attention(staff, patient, first_contact, attention):
    update = episodes.open_episode(staff.clinician, patient.id, first_contact_on=first_contact,
                                   presentation="non_specific", severity="mild")
    assert [pathway_sync.notice_attention(notice) for notice in update.notices] == attention


# --- rules that fire again, and facts out of order ---

LATER = datetime(2027, 3, 1, 9, 0, tzinfo=timezone.utc)  # Mon 1 Mar 2027, past day 84 (Thu 18 Feb)


def referrals_of(kind):
    return list(Referral.select().where(Referral.kind == kind).order_by(Referral.id))


def deficit(staff, episode_id, on):
    return episodes.record_radicular_status(staff.clinician, episode_id, recorded_on=on, severe_radicular_pain=False,
                                            neurological_deficit=True)


def outcome(staff, episode_id, on, improved):
    return episodes.record_twelve_week_outcome(staff.clinician, episode_id, recorded_on=on, improved=improved)


def test_a_new_deficit_after_the_early_radicular_referral_was_sent_raises_it_again(staff, episode_id):
    deficit(staff, episode_id, date(2026, 11, 30))
    Referral.update(status="sent", sent_at=NOW).execute()
    again = deficit(staff, episode_id, date(2026, 12, 3))
    assert again.notices == ("Early radicular referral raised, due by Thu 17 Dec 2026",)
    assert [row.status for row in referrals_of("early_radicular")] == ["sent", "raised"]


def test_a_new_deficit_after_the_early_radicular_referral_was_cancelled_raises_it_again(staff, episode_id):
    deficit(staff, episode_id, date(2026, 11, 30))
    Referral.update(status="cancelled", cancel_reason="seen privately").execute()
    deficit(staff, episode_id, date(2026, 12, 3))
    assert [row.status for row in referrals_of("early_radicular")] == ["cancelled", "raised"]


def test_a_finding_dated_earlier_brings_a_drafted_referrals_deadline_forward_never_back(staff, episode_id):
    deficit(staff, episode_id, date(2026, 12, 1))  # due Tue 15 Dec
    Referral.update(status="drafted").execute()
    earlier = deficit(staff, episode_id, date(2026, 11, 27))  # recorded now, dated before: the source allows 11 Dec
    assert "Early radicular referral now due by Fri 11 Dec 2026" in earlier.notices
    assert [(row.status, row.due_by) for row in referrals_of("early_radicular")] == [("drafted", date(2026, 12, 11))]
    deficit(staff, episode_id, date(2026, 12, 3))  # a later finding never moves it back
    assert [row.due_by for row in referrals_of("early_radicular")] == [date(2026, 12, 11)]


def test_a_not_improved_dated_earlier_brings_the_open_escalation_forward(staff, episode_id):
    outcome(staff, episode_id, date(2026, 12, 2), improved=False)  # escalation due Wed 16 Dec
    earlier = outcome(staff, episode_id, date(2026, 11, 27), improved=False)  # the source allows Fri 11 Dec
    assert "Specialist pain / spinal centre referral now due by Fri 11 Dec 2026" in earlier.notices
    assert [(row.status, row.due_by) for row in referrals_of("pain_spinal_centre")] == [("raised", date(2026, 12, 11))]


def test_a_new_deficit_while_the_referral_is_open_raises_no_second_and_says_so(staff, episode_id):
    deficit(staff, episode_id, date(2026, 11, 30))
    covered = deficit(staff, episode_id, date(2026, 12, 3))
    assert covered.notices == ("Neurological deficit recorded on 3 Dec 2026: an early radicular referral is already "
                               "open, so no second one is raised; make sure its letter says so.",)
    assert len(referrals_of("early_radicular")) == 1
    Referral.update(status="sent", sent_at=NOW).execute()
    assert pathway_sync.synchronise(staff.clinician, Episode.get_by_id(episode_id)) == []  # not raised late


def test_a_new_deficit_after_the_open_letter_was_signed_must_be_acknowledged(staff, episode_id):
    deficit(staff, episode_id, date(2026, 11, 30))
    Referral.update(status="signed", signed_by=staff.clinician.user_id, signed_at=NOW).execute()
    deficit(staff, episode_id, date(2026, 12, 3))
    (warning,) = episode_records.get_episode(staff.clinician, episode_id).open_warnings
    assert warning.requires_acknowledgement
    assert "after the early radicular referral letter was signed but before it was sent" in warning.message


def test_a_new_red_flag_after_the_urgent_referral_was_sent_raises_it_again(staff, episode_id):
    episodes.record_red_flags(staff.clinician, episode_id, recorded_on=date(2026, 12, 1), flags=["fever"])
    Referral.update(status="sent", sent_at=NOW).execute()
    again = episodes.record_red_flags(staff.clinician, episode_id, recorded_on=date(2026, 12, 3),
                                      flags=["suspected cauda equina syndrome"])
    assert again.notices == ("Urgent red-flag referral raised: due today",)
    assert [row.status for row in referrals_of("urgent_red_flag")] == ["sent", "raised"]


def test_a_later_not_improved_after_the_escalation_was_sent_raises_it_again(staff, episode_id):
    with frozen_at(LATER):
        outcome(staff, episode_id, date(2027, 2, 18), improved=False)
        Referral.update(status="sent", sent_at=LATER).execute()
        again = outcome(staff, episode_id, date(2027, 3, 1), improved=False)
    assert "Specialist pain / spinal centre referral raised, due by Mon 15 Mar 2027" in again.notices
    assert [row.status for row in referrals_of("pain_spinal_centre")] == ["sent", "raised"]


def test_an_outcome_corrected_to_improved_supersedes_the_unsent_escalation(staff, episode_id):
    with frozen_at(LATER):
        outcome(staff, episode_id, date(2027, 2, 18), improved=False)
        Referral.update(status="drafted").execute()
        corrected = outcome(staff, episode_id, date(2027, 2, 18), improved=True)
    (escalation,) = referrals_of("pain_spinal_centre")
    assert (escalation.status, escalation.cancel_reason) == (
        "cancelled", "superseded: 12-week outcome corrected to improved on 18 Feb 2027")
    assert (escalation.cancelled_by_id, escalation.cancelled_at) == (None, LATER)
    assert corrected.notices == ("Superseded: specialist pain / spinal centre referral cancelled",)


def test_a_signed_escalation_corrected_to_improved_warns_the_clinician(staff, episode_id):
    with frozen_at(LATER):
        outcome(staff, episode_id, date(2027, 2, 18), improved=False)
        Referral.update(status="signed", signed_by=staff.clinician.user_id, signed_at=LATER).execute()
        corrected = outcome(staff, episode_id, date(2027, 2, 18), improved=True)
    (escalation,) = referrals_of("pain_spinal_centre")
    assert escalation.status == "signed"
    assert corrected.notices == ("The 12-week outcome was corrected to improved on 18 Feb 2027, after the specialist "
                                 "pain / spinal centre referral was signed but before it was sent: check whether it "
                                 "should still be sent.",)


def test_not_improved_again_after_a_superseded_escalation_raises_a_new_one(staff, episode_id):
    with frozen_at(LATER):
        outcome(staff, episode_id, date(2027, 2, 18), improved=False)
        outcome(staff, episode_id, date(2027, 2, 18), improved=True)
        outcome(staff, episode_id, date(2027, 2, 19), improved=False)
    assert [row.status for row in referrals_of("pain_spinal_centre")] == ["cancelled", "raised"]


def test_an_early_outcome_then_high_risk_still_has_a_review_by_day_84(staff, episode_id):
    check = Appointment.get((Appointment.episode == episode_id) & (Appointment.kind == "twelve_week_review"))
    Appointment.update(status="attended", clinician=staff.clinician.user_id, starts_at=NOW,
                       ends_at=NOW.replace(minute=20)).where(Appointment.id == check.id).execute()
    early = outcome(staff, episode_id, date(2026, 12, 3), improved=True)
    assert "12-week check to book, due by Thu 18 Feb 2027" in early.notices
    stratify(staff, episode_id, HIGH, date(2026, 12, 3))
    (waiting,) = Appointment.select().where((Appointment.kind == "twelve_week_review")
                                            & (Appointment.status == "to_book"))
    assert waiting.due_by == date(2027, 2, 18)
    assert "high risk: review no later than day 84" in waiting.reason


def test_a_12_week_visit_before_high_risk_was_found_is_not_the_review_high_risk_needs(staff, episode_id):
    """The safety-net machine's early_visit_hides_high_risk_review: the 12-week review booked early and
    attended, no outcome recorded, then the patient scores high risk the next day."""
    check = Appointment.get((Appointment.episode == episode_id) & (Appointment.kind == "twelve_week_review"))
    Appointment.update(status="attended", clinician=staff.clinician.user_id, starts_at=NOW,
                       ends_at=NOW.replace(minute=20)).where(Appointment.id == check.id).execute()
    with frozen_at(NOW + timedelta(days=1)):
        stratify(staff, episode_id, HIGH, date(2026, 12, 4))
    (waiting,) = Appointment.select().where((Appointment.kind == "twelve_week_review")
                                            & (Appointment.status == "to_book"))
    assert waiting.due_by == date(2027, 2, 18)
    assert "high risk: review no later than day 84" in waiting.reason
    with frozen_at(NOW + timedelta(days=1)):
        stratify(staff, episode_id, HIGH, date(2026, 12, 4))  # the same again raises nothing more
    assert Appointment.select().where(Appointment.kind == "twelve_week_review").count() == 2


def test_a_12_week_visit_after_high_risk_was_found_is_the_review(staff, episode_id):
    stratify(staff, episode_id, HIGH, date(2026, 11, 27))
    check = Appointment.get((Appointment.episode == episode_id) & (Appointment.kind == "twelve_week_review"))
    Appointment.update(status="attended", clinician=staff.clinician.user_id, starts_at=NOW,
                       ends_at=NOW.replace(minute=20)).where(Appointment.id == check.id).execute()
    stratify(staff, episode_id, HIGH, date(2026, 11, 27))
    assert Appointment.select().where((Appointment.kind == "twelve_week_review")
                                      & (Appointment.status == "to_book")).count() == 0


def test_start_back_before_the_two_week_review_leaves_it_to_book(staff, episode_id):
    stratify(staff, episode_id, MEDIUM, date(2026, 12, 1))
    review = Appointment.get((Appointment.episode == episode_id) & (Appointment.kind == "two_week_review"))
    assert (review.status, review.due_by) == ("to_book", date(2026, 12, 10))


def test_an_outcome_in_the_12_week_window_closes_the_unbooked_reviews(staff, episode_id):
    with frozen_at(LATER):
        done = outcome(staff, episode_id, date(2027, 2, 18), improved=True)
    assert set(done.notices) == {"2-week review cancelled: 12-week outcome recorded",
                                 "12-week check cancelled: 12-week outcome recorded"}
