"""The safety net's one query (services/worklists/obligations.py): each kind of open obligation, its
owner, and the lists and counts read from it, on both databases, driven through the services."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from database_fixtures import PASSWORD, make_staff
from relaxant_answers import FOR_SPASM

from clinic_desktop.services.admin import users
from clinic_desktop.services.appointments import appointments
from clinic_desktop.services.core.clock import frozen_at
from clinic_desktop.services.core.errors import PermissionDenied, ValidationError
from clinic_desktop.services.episodes import episodes
from clinic_desktop.services.episodes.handover import UNASSIGNED
from clinic_desktop.services.patients.patients import register_patient
from clinic_desktop.services.referrals import referrals
from clinic_desktop.services.worklists import obligations

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=timezone.utc)  # Mon 1 Jun 2026, 10:00 in London (BST)
TODAY = date(2026, 6, 1)


@pytest.fixture
def staff(database):
    with frozen_at(NOW):
        yield make_staff()


def first_contact(staff, on=TODAY, **facts):
    with frozen_at(datetime.combine(on, datetime.min.time(), timezone.utc) + timedelta(hours=9)):
        patient = register_patient(staff.receptionist, family_name="Smith", given_name="Ann",
                                   date_of_birth=date(1961, 2, 9))
        return episodes.open_episode(staff.clinician, patient.id, first_contact_on=on, presentation="non_specific",
                                     severity="moderate", **facts).episode_id


def kinds(actor, **filters):
    return sorted((row.kind, row.item_title) for row in obligations.open_work(actor, **filters).rows)


def test_a_new_episode_owes_its_reviews_to_reception(staff):
    first_contact(staff)
    with frozen_at(NOW):
        page = obligations.obligation_list(staff.receptionist, "appointment_to_book", limit=1)
    assert [(row.item_title, row.owner_name, row.due_by) for row in page.rows] == [
        ("2-week review", "Reception", date(2026, 6, 15))]
    assert page.total == 2


def test_a_referral_raised_by_the_pathway_is_on_its_clinicians_list_at_once(staff):
    first_contact(staff, red_flags=["suspected cauda equina syndrome"])
    with frozen_at(NOW):
        mine = obligations.obligation_list(staff.clinician, "referral_to_write",
                                           owner_user_id=staff.clinician.user_id)
        others = obligations.obligation_list(staff.other_clinician, "referral_to_write",
                                             owner_user_id=staff.other_clinician.user_id)
    assert [(row.item_title, row.urgent, row.owner_name) for row in mine.rows] == [
        ("Urgent red-flag referral", True, "Dr Alys Jones")]
    assert others.total == 0


def test_a_deactivated_clinicians_referrals_fall_to_the_unassigned_list(staff):
    first_contact(staff, red_flags=["suspected spinal fracture"])
    with frozen_at(NOW):
        users.deactivate_user(staff.manager, staff.clinician.user_id, hand_over_to=UNASSIGNED)
        page = obligations.obligation_list(staff.other_clinician, "referral_to_write",
                                           owner_user_id=staff.other_clinician.user_id)
        alone = obligations.obligation_list(staff.other_clinician, "referral_to_write",
                                            owner_user_id=staff.other_clinician.user_id, include_unassigned=False)
        everything = obligations.open_work(staff.manager, unassigned_only=True)
    assert [row.owner_name for row in page.rows] == ["Unassigned"]
    assert alone.total == 0
    assert [row.kind for row in everything.rows] == ["referral_to_write"]


def test_a_booked_visit_whose_slot_ended_needs_its_outcome_recorded(staff):
    episode_id = first_contact(staff)
    with frozen_at(NOW):
        review = next(item for item in appointments.appointments_for_episode(staff.clinician, episode_id))
        appointments.book_appointment(staff.receptionist, review.id, clinician_id=staff.clinician.user_id,
                                      starts_local=datetime(2026, 6, 2, 9, 0))
    with frozen_at(datetime(2026, 6, 2, 8, 15, tzinfo=timezone.utc)):  # 09:15 local: the slot is under way
        assert obligations.obligation_list(staff.receptionist, "outcome_to_record").total == 0
    with frozen_at(datetime(2026, 6, 2, 8, 25, tzinfo=timezone.utc)):  # 09:25: the 20-minute slot has ended
        page = obligations.obligation_list(staff.receptionist, "outcome_to_record")
        assert [(row.item_id, row.action_label) for row in page.rows] == [
            (review.id, "Arrived / Did not attend")]
        appointments.record_attended(staff.receptionist, review.id)
        assert obligations.obligation_list(staff.receptionist, "outcome_to_record").total == 0
        assert kinds(staff.manager, kinds=("finding_to_record",)) == [("finding_to_record", "2-week review")]


def test_a_sent_referral_is_chased_after_the_clinics_working_days(staff):
    episode_id = first_contact(staff, red_flags=["suspected cancer"])
    with frozen_at(NOW):
        referral = referrals.referrals_for_episode(staff.clinician, episode_id)[0]
        referrals.draft_referral(staff.clinician, referral.id, "Please see urgently.")
        referrals.sign_referral(staff.clinician, referral.id, PASSWORD)
        assert kinds(staff.manager, kinds=("letter_to_send",)) == [("letter_to_send", "Urgent red-flag referral")]
        referrals.mark_referral_sent(staff.receptionist, referral.id)
    # Sent Mon 1 Jun; ten working days (no holidays in June) end on Mon 15 Jun.
    with frozen_at(datetime(2026, 6, 15, 9, tzinfo=timezone.utc)):
        assert obligations.obligation_list(staff.receptionist, "acknowledgement_to_chase").total == 0
    with frozen_at(datetime(2026, 6, 16, 9, tzinfo=timezone.utc)):
        assert obligations.obligation_list(staff.receptionist, "acknowledgement_to_chase").total == 1
        referrals.record_referral_acknowledged(staff.receptionist, referral.id)
        assert obligations.obligation_list(staff.receptionist, "acknowledgement_to_chase").total == 0


def test_counts_by_kind_match_the_lists(staff):
    first_contact(staff, red_flags=["suspected cancer"])
    with frozen_at(NOW):
        counts = obligations.open_work_counts(staff.manager)
        assert counts == {"appointment_to_book": 2, "referral_to_write": 1}
        assert obligations.open_work(staff.manager).total == 3


def test_an_unknown_kind_is_refused_in_words(staff):
    with pytest.raises(ValidationError, match="no kind of open work called 'everything'"):
        obligations.obligation_list(staff.manager, "everything")


def test_the_command_line_may_not_read_a_persons_work_without_a_role(staff):
    from clinic_desktop.services.core.actor import Actor
    with pytest.raises(PermissionDenied):
        obligations.open_work(Actor(user_id=None, username="x", full_name="X", role="nobody"))


def test_a_chased_acknowledgement_is_due_the_last_working_day_of_the_wait(staff):
    episode_id = first_contact(staff, red_flags=["suspected cancer"])
    with frozen_at(NOW):
        referral = referrals.referrals_for_episode(staff.clinician, episode_id)[0]
        referrals.draft_referral(staff.clinician, referral.id, "Please see urgently.")
        referrals.sign_referral(staff.clinician, referral.id, PASSWORD)
        referrals.mark_referral_sent(staff.receptionist, referral.id)
    with frozen_at(datetime(2026, 6, 17, 9, tzinfo=timezone.utc)):
        row = obligations.obligation_list(staff.receptionist, "acknowledgement_to_chase").rows[0]
    assert (row.due_by, row.days_left, row.since) == (date(2026, 6, 15), -2, NOW)


def test_a_booked_visit_says_when_its_slot_was(staff):
    episode_id = first_contact(staff)
    with frozen_at(NOW):
        review = next(item for item in appointments.appointments_for_episode(staff.clinician, episode_id))
        appointments.book_appointment(staff.receptionist, review.id, clinician_id=staff.clinician.user_id,
                                      starts_local=datetime(2026, 6, 2, 9, 0))
    with frozen_at(datetime(2026, 6, 3, 9, tzinfo=timezone.utc)):
        row = obligations.obligation_list(staff.receptionist, "outcome_to_record").rows[0]
        appointments.record_did_not_attend(staff.receptionist, review.id)  # still allowed the day after
        assert obligations.obligation_list(staff.receptionist, "outcome_to_record").total == 0
    assert row.since == datetime(2026, 6, 2, 8, 0, tzinfo=timezone.utc)


def test_a_relaxant_comes_up_for_review_after_the_clinics_stricter_medication_review_days(staff):
    from clinic_desktop.services.admin.pathway_settings import update_pathway_timings
    from clinic_desktop.services.episodes.episodes import MedicationInput

    first_contact(staff, medications=[MedicationInput("Cyclobenzaprine", "muscle_relaxant", "5 mg", **FOR_SPASM)])
    with frozen_at(NOW + timedelta(days=14)):
        assert obligations.obligation_list(staff.clinician, "relaxant_to_review").total == 0
        update_pathway_timings(staff.manager, medication_review_days=14)
        page = obligations.obligation_list(staff.clinician, "relaxant_to_review")
    assert [(row.item_title, row.due_by) for row in page.rows] == [("Cyclobenzaprine", date(2026, 6, 15))]
