"""Discharge decides what becomes of every open item (services/episodes/discharge.py), on both databases.

Driven through the services as a clinic would: a red flag raises the urgent referral, a booked
review is attended, a risk change supersedes a signed letter; then the discharge either resolves
each item with a reason or hands it to a colleague's (or the unassigned) list, checked through
the same obligations query the worklists read.
"""
from __future__ import annotations

import json
from datetime import date, datetime, timezone

import pytest
from database_fixtures import PASSWORD
from relaxant_answers import FOR_SPASM

from clinic_desktop.models import Appointment, AuditEvent, Episode, Medication, PathwayWarning, Referral
from clinic_desktop.services.admin import users
from clinic_desktop.services.appointments import appointments
from clinic_desktop.services.core.clock import frozen_at
from clinic_desktop.services.core.errors import Conflict, ValidationError
from clinic_desktop.services.episodes import discharge, episodes
from clinic_desktop.services.episodes.discharge import ItemDecision
from clinic_desktop.services.episodes.episodes import MedicationInput
from clinic_desktop.services.episodes.handover import UNASSIGNED
from clinic_desktop.services.patients.patients import register_patient
from clinic_desktop.services.referrals import referrals
from clinic_desktop.services.worklists import obligations

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)  # Mon 30 Nov 2026, 09:00 in London
TODAY = date(2026, 11, 30)
FIRST_CONTACT = date(2026, 11, 26)
MEDIUM, LOW = (1, 1, 1, 1, 0, 0, 0, 0, 0), (0, 0, 0, 0, 0, 0, 0, 0, 0)


CLINIC_TIME = NOW  # every test here runs at this moment (tests/conftest.py: clinic_clock)


def opened(staff, given="Zoë", **facts) -> int:
    patient = register_patient(staff.receptionist, family_name="Evans", given_name=given,
                               date_of_birth=date(1970, 5, 1))
    return episodes.open_episode(staff.clinician, patient.id, first_contact_on=FIRST_CONTACT,
                                 presentation="non_specific", severity="moderate", **facts).episode_id


def review(episode_id: int) -> int:
    return Appointment.get((Appointment.episode == episode_id) & (Appointment.kind == "two_week_review")).id


def attended(staff, episode_id: int) -> int:
    """The 2-week review booked this morning and attended: its finding (STarT Back) is owed."""
    appointment_id = review(episode_id)
    appointments.book_appointment(staff.receptionist, appointment_id, clinician_id=staff.clinician.user_id,
                                  starts_local=datetime(2026, 11, 30, 10, 0))
    with frozen_at(datetime(2026, 11, 30, 10, 5, tzinfo=timezone.utc)):
        appointments.record_attended(staff.receptionist, appointment_id)
    return appointment_id


def items(staff, episode_id):
    return {item.kind: item for item in discharge.discharge_items(staff.clinician, episode_id)}


def discharged(staff, episode_id, decisions=(), **options):
    return discharge.discharge_episode(staff.clinician, episode_id, discharged_on=TODAY, reason="resolved",
                                       decisions=decisions, **options)


def decide(item, choice, reason=""):
    return ItemDecision(item.kind, item.item_id, choice, reason)


def on_list(actor, kind):
    """(item id, owner) of one kind's obligations on ``actor``'s own list, unassigned included."""
    page = obligations.obligation_list(actor, kind, owner_user_id=actor.user_id)
    return [(row.item_id, row.owner_name) for row in page.rows]


def test_the_form_lists_every_open_item_and_what_each_may_become(staff):
    episode_id = opened(staff, red_flags=["suspected cauda equina"])
    open_items = items(staff, episode_id)
    urgent = open_items["referral_to_write"]
    assert (urgent.title, urgent.urgent, urgent.choices) == (
        "Urgent red-flag referral: letter not written", True, ("cancel", "hand_over"))
    assert urgent.detail == "due by Thu 26 Nov 2026; on Dr Alys Jones's list"
    assert open_items["appointment_to_book"].without_decision == "cancelled by discharge (reason “discharged”)"
    assert not open_items["appointment_to_book"].needs_decision


def test_a_discharge_leaving_an_item_without_a_decision_is_refused_naming_it(staff):
    episode_id = opened(staff, red_flags=["suspected cauda equina"])
    before = AuditEvent.select().count()
    with pytest.raises(ValidationError, match="“Urgent red-flag referral: letter not written” has no decision"):
        discharged(staff, episode_id)
    assert Episode.get_by_id(episode_id).status == "open"
    assert AuditEvent.select().count() == before


def test_an_unacknowledged_warning_is_acknowledged_at_discharge(staff):
    episode_id = opened(staff)
    warning = PathwayWarning.create(episode=episode_id, pathway_key="test", kind="hepatic_impairment",
                                    message="Moderate hepatic impairment: muscle relaxant not recommended.",
                                    requires_acknowledgement=True, raised_at=NOW)
    update = discharged(staff, episode_id, [decide(items(staff, episode_id)["warning_to_acknowledge"], "acknowledge")])
    assert "Acknowledged: Moderate hepatic impairment: muscle relaxant not recommended." in update.notices
    assert PathwayWarning.get_by_id(warning.id).acknowledged_by_id == staff.clinician.user_id
    assert on_list(staff.clinician, "warning_to_acknowledge") == []


def test_an_attended_review_without_its_finding_is_closed_with_the_stated_reason(staff):
    episode_id = opened(staff)
    appointment_id = attended(staff, episode_id)
    finding = items(staff, episode_id)["finding_to_record"]
    assert finding.title == "2-week review: attended, finding not recorded"
    discharged(staff, episode_id, [decide(finding, "close", "patient declined the questionnaire")])
    stored = Appointment.get_by_id(appointment_id)
    assert stored.finding_note == "closed at discharge: patient declined the questionnaire"
    assert on_list(staff.clinician, "finding_to_record") == []


def test_closing_a_finding_needs_its_reason(staff):
    episode_id = opened(staff)
    attended(staff, episode_id)
    with pytest.raises(ValidationError, match="Give the reason to close “2-week review: attended"):
        discharged(staff, episode_id, [decide(items(staff, episode_id)["finding_to_record"], "close")])


def test_handed_over_items_stay_open_on_the_chosen_colleagues_list(staff):
    episode_id = opened(staff, red_flags=["suspected cauda equina"])
    referral = items(staff, episode_id)["referral_to_write"]
    update = discharged(staff, episode_id, [decide(referral, "hand_over")],
                        hand_over_to=staff.other_clinician.user_id)
    assert "Handed over: Urgent red-flag referral: letter not written, now on Sam Physio's list" in update.notices
    assert on_list(staff.other_clinician, "referral_to_write") == [(referral.item_id, "Sam Physio")]
    assert on_list(staff.clinician, "referral_to_write") == []
    assert Referral.get_by_id(referral.item_id).status == "raised"


def test_items_handed_to_the_unassigned_list_are_on_every_clinicians_list(staff):
    episode_id = opened(staff, red_flags=["suspected cauda equina"])
    referral = items(staff, episode_id)["referral_to_write"]
    discharged(staff, episode_id, [decide(referral, "hand_over")], hand_over_to=UNASSIGNED)
    assert Episode.get_by_id(episode_id).responsible_clinician_id is None
    for clinician in (staff.clinician, staff.other_clinician):
        assert on_list(clinician, "referral_to_write") == [(referral.item_id, "Unassigned")]


def test_handing_over_needs_someone_named(staff):
    episode_id = opened(staff, red_flags=["suspected cauda equina"])
    handed = [decide(items(staff, episode_id)["referral_to_write"], "hand_over")]
    with pytest.raises(ValidationError, match="Choose who takes over the open items"):
        discharged(staff, episode_id, handed)
    with pytest.raises(ValidationError, match="Rita Reception is not a clinician"):
        discharged(staff, episode_id, handed, hand_over_to=staff.receptionist.user_id)
    users.deactivate_user(staff.manager, staff.other_clinician.user_id)
    with pytest.raises(ValidationError, match="Sam Physio no longer works at the clinic"):
        discharged(staff, episode_id, handed, hand_over_to=staff.other_clinician.user_id)


def test_a_referral_cancelled_at_discharge_records_who_and_why(staff):
    episode_id = opened(staff, red_flags=["suspected cauda equina"])
    referral = items(staff, episode_id)["referral_to_write"]
    update = discharged(staff, episode_id, [decide(referral, "cancel", "red flags excluded on examination")])
    stored = Referral.get_by_id(referral.item_id)
    assert (stored.status, stored.cancel_reason, stored.cancelled_by_id, stored.cancelled_at) == (
        "cancelled", "red flags excluded on examination", staff.clinician.user_id, NOW)
    assert "Urgent red-flag referral cancelled: red flags excluded on examination" in update.notices


def test_the_urgent_referral_is_not_cancelled_at_discharge_without_a_clinical_reason(staff):
    episode_id = opened(staff, red_flags=["suspected cauda equina"])
    with pytest.raises(ValidationError, match="clinical reason for cancelling the urgent red-flag referral"):
        discharged(staff, episode_id, [decide(items(staff, episode_id)["referral_to_write"], "cancel", "no")])
    assert Episode.get_by_id(episode_id).status == "open"


def test_a_booked_visit_still_to_come_is_kept_or_cancelled(staff):
    kept_episode, cancelled_episode = opened(staff), opened(staff, "Bryn")
    for episode_id, hour in ((kept_episode, 10), (cancelled_episode, 11)):
        appointments.book_appointment(staff.receptionist, review(episode_id), clinician_id=staff.clinician.user_id,
                                      starts_local=datetime(2026, 11, 30, hour, 0))
    visit = items(staff, kept_episode)["booked_visit"]
    assert (visit.title, visit.detail, visit.choices) == (
        "2-week review booked Mon 30 Nov 2026 10:00", "with Dr Alys Jones", ("cancel", "keep"))
    discharged(staff, kept_episode, [decide(visit, "keep")])
    discharged(staff, cancelled_episode, [decide(items(staff, cancelled_episode)["booked_visit"], "cancel",
                                                 "no longer needed")])
    assert Appointment.get_by_id(review(kept_episode)).status == "booked"
    cancelled = Appointment.get_by_id(review(cancelled_episode))
    assert (cancelled.status, cancelled.cancel_reason) == ("cancelled", "no longer needed")


def test_a_muscle_relaxant_still_running_is_stopped_or_continued_at_discharge(staff):
    stopped_episode = opened(staff, medications=[
        MedicationInput("cyclobenzaprine", "muscle_relaxant", "5 mg", **FOR_SPASM)])
    continued_episode = opened(staff, "Bryn", medications=[
        MedicationInput("diazepam", "muscle_relaxant", "2 mg", **FOR_SPASM)])
    with frozen_at(datetime(2026, 12, 21, 9, tzinfo=timezone.utc)):
        day = date(2026, 12, 21)
        stop = items(staff, stopped_episode)["relaxant_to_review"]
        discharge.discharge_episode(staff.clinician, stopped_episode, discharged_on=day, reason="better",
                                    decisions=[decide(stop, "stop")])
        go_on = items(staff, continued_episode)["relaxant_to_review"]
        discharge.discharge_episode(staff.clinician, continued_episode, discharged_on=day, reason="better",
                                    decisions=[decide(go_on, "continue", "the GP continues to prescribe")])
    assert Medication.get_by_id(stop.item_id).stopped_on == day
    continued = Medication.get_by_id(go_on.item_id)
    assert (continued.continued_on, continued.continued_reason) == (day, "the GP continues to prescribe")


def test_a_signed_letter_stays_on_receptions_list_without_a_decision(staff):
    episode_id = opened(staff, red_flags=["suspected cauda equina"])
    (referral,) = referrals.referrals_for_episode(staff.clinician, episode_id)
    referrals.draft_referral(staff.clinician, referral.id, "Please see today.")
    referrals.sign_referral(staff.clinician, referral.id, PASSWORD)
    assert items(staff, episode_id)["letter_to_send"].without_decision == "stays on reception's To send list"
    discharged(staff, episode_id)
    assert [row.item_id for row in obligations.obligation_list(staff.receptionist, "letter_to_send").rows] == [
        referral.id]


def test_the_discharge_is_one_audit_event_listing_every_decision(staff):
    episode_id = opened(staff, red_flags=["suspected cauda equina"])
    attended(staff, episode_id)
    open_items = items(staff, episode_id)
    before = AuditEvent.select().count()
    discharged(staff, episode_id, [decide(open_items["referral_to_write"], "hand_over"),
                                   decide(open_items["finding_to_record"], "close", "seen elsewhere")],
               hand_over_to=staff.other_clinician.user_id)
    assert AuditEvent.select().count() == before + 1
    event = AuditEvent.select().order_by(AuditEvent.id.desc()).get()
    details = json.loads(event.details)
    assert (event.action, details["handed_to"]) == ("discharge_episode", "Sam Physio")
    assert [(entry["kind"], entry["decision"], entry["reason"]) for entry in details["decisions"]] == [
        ("referral_to_write", "hand_over", None), ("finding_to_record", "close", "seen elsewhere")]


def test_a_decision_on_an_item_closed_meanwhile_refuses_the_discharge(staff):
    episode_id = opened(staff, red_flags=["suspected cauda equina"])
    referral = items(staff, episode_id)["referral_to_write"]
    referrals.draft_referral(staff.clinician, referral.item_id, "Please see today.")  # another workstation
    with pytest.raises(Conflict, match="changed since the discharge form was opened"):
        discharged(staff, episode_id, [decide(referral, "hand_over")], hand_over_to=UNASSIGNED)
    assert Episode.get_by_id(episode_id).status == "open"


def test_a_signed_letter_superseded_and_handed_over_reaches_the_colleague_as_a_warning(staff):
    episode_id = opened(staff)
    episodes.record_start_back(staff.clinician, episode_id, assessed_on=TODAY, answers=MEDIUM)
    (referral,) = referrals.referrals_for_episode(staff.clinician, episode_id)
    referrals.draft_referral(staff.clinician, referral.id, "Physiotherapy please.")
    referrals.sign_referral(staff.clinician, referral.id, PASSWORD)
    episodes.record_start_back(staff.clinician, episode_id, assessed_on=TODAY, answers=LOW)
    warning = items(staff, episode_id)["warning_to_acknowledge"]
    discharged(staff, episode_id, [decide(warning, "hand_over")], hand_over_to=staff.other_clinician.user_id)
    assert on_list(staff.other_clinician, "warning_to_acknowledge") == [(warning.item_id, "Sam Physio")]
