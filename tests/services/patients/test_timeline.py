"""A patient's timeline: every event of every episode, in date order, on both databases.

The story is written as rows (as the episode, appointment and referral services would
leave them), so the test pins what the timeline makes of each kind of row.
"""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from clinic_desktop.models import (
    Appointment,
    AuditEvent,
    Episode,
    LetterVersion,
    Medication,
    PathwayWarning,
    Patient,
    RadicularStatus,
    RedFlagRecord,
    Referral,
    StartBackAssessment,
    TwelveWeekOutcome,
)
from clinic_desktop.services.core.actor import Actor
from clinic_desktop.services.core.errors import NotFound, PermissionDenied
from clinic_desktop.services.patients.timeline import patient_timeline


def utc(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=timezone.utc)


@pytest.fixture
def story(staff):
    """SMITH, Ann: first contact Mon 2 Mar 2026, radicular pain, high risk, improved and discharged 25 May."""
    jones, physio = staff.clinician.user_id, staff.other_clinician.user_id
    patient = Patient.create(family_name="Smith", given_name="Ann", family_name_key="smith", given_name_key="ann",
                             nhs_number="9434765919", date_of_birth=date(1961, 2, 9), sex="female",
                             address="4 Station Road", postcode="LS2 9ZZ", hepatic_impairment="mild",
                             created_at=utc(3, 2, 9), updated_at=utc(3, 2, 9))
    episode = Episode.create(patient=patient, first_contact_on=date(2026, 3, 2), presentation="radicular",
                             severity="severe", advised_stay_active=True, advised_no_bed_rest=True,
                             clinician=jones, created_at=utc(3, 2, 10, 5), status="discharged",
                             discharged_on=date(2026, 5, 25), discharge_reason="Improved; self-managing")
    recorded = {"recorded_by": jones}
    Medication.create(episode=episode, name="Cyclobenzaprine", category="muscle_relaxant", dose="5 mg at night",
                      started_on=date(2026, 3, 2), stopped_on=date(2026, 3, 20), recorded_at=utc(3, 2, 10, 6),
                      **recorded)
    PathwayWarning.create(episode=episode, pathway_key="hepatic", kind="hepatic_impairment",
                          message="Mild hepatic impairment: start at 5 mg", requires_acknowledgement=False,
                          raised_at=utc(3, 2, 10, 7), acknowledged_by=jones, acknowledged_at=utc(3, 2, 10, 8))
    review = Appointment.create(episode=episode, kind="two_week_review", status="attended", due_by=date(2026, 3, 16),
                                clinician=physio, starts_at=utc(3, 16, 9), ends_at=utc(3, 16, 9, 20),
                                created_at=utc(3, 2, 10, 5), updated_at=utc(3, 16, 9, 30))
    RadicularStatus.create(episode=episode, recorded_on=date(2026, 3, 16), severe_radicular_pain=True,
                           neurological_deficit=False, recorded_at=utc(3, 16, 9, 20), **recorded)
    StartBackAssessment.create(episode=episode, assessed_on=date(2026, 3, 16), total=7, psychosocial=4, risk="high",
                               recorded_at=utc(3, 16, 9, 25), **recorded,
                               **{f"item_{number}": 1 for number in range(1, 10)})
    referral = Referral.create(episode=episode, kind="early_radicular", status="closed", due_by=date(2026, 3, 30),
                               raised_by=jones, raised_at=utc(3, 16, 9, 21), drafted_by=jones, signed_by=jones,
                               signed_at=utc(3, 18, 12), sent_at=utc(3, 19, 9), acknowledged_at=utc(3, 25, 9),
                               closed_at=utc(4, 1, 10), updated_at=utc(4, 1, 10))
    AuditEvent.create(at=utc(3, 17, 11), user=jones, actor_label="Dr Alys Jones (drjones)", action="draft_referral",
                      entity="referral", entity_id=referral.id, patient=patient, summary="saved the draft letter")
    for version, day, amendment in ((1, 17, None), (2, 18, "Added the MRI result")):
        LetterVersion.create(referral=referral, version=version, pdf=b"%PDF-1.4", sha256="0" * 64, signed_by=jones,
                             signed_at=utc(3, day, 12), signer_name="Dr Alys Jones", signer_role="clinician",
                             signer_registration="GMC 7012345", amendment_reason=amendment)
    missed = Appointment.create(episode=episode, kind="medication_review", status="did_not_attend",
                                due_by=date(2026, 3, 23), clinician=physio, starts_at=utc(3, 23, 10),
                                ends_at=utc(3, 23, 10, 20), created_at=utc(3, 2, 10, 6), updated_at=utc(3, 23, 11))
    Appointment.create(episode=episode, kind="medication_review", status="cancelled", due_by=date(2026, 3, 23),
                       rebooked_from=missed, cancel_reason="discharged", created_at=utc(3, 23, 11),
                       updated_at=utc(5, 25, 9, 45))
    RedFlagRecord.create(episode=episode, recorded_on=date(2026, 4, 10), flags="Saddle anaesthesia\nUrinary retention",
                         recorded_at=utc(4, 10, 14), **recorded)
    Referral.create(episode=episode, kind="urgent_red_flag", urgent=True, status="cancelled", due_by=date(2026, 4, 10),
                    raised_at=utc(4, 10, 14, 1), cancel_reason="Seen in A&E the same day", updated_at=utc(4, 10, 16))
    Appointment.create(episode=episode, kind="twelve_week_review", status="attended", due_by=date(2026, 5, 25),
                       clinician=jones, starts_at=utc(5, 25, 9), ends_at=utc(5, 25, 9, 20),
                       created_at=utc(3, 2, 10, 5), updated_at=utc(5, 25, 9, 30))
    TwelveWeekOutcome.create(episode=episode, recorded_on=date(2026, 5, 25), improved=True,
                             notes="Back at work", recorded_at=utc(5, 25, 9, 30), **recorded)
    return {"patient": patient.id, "episode": episode.id, "review": review.id}


def events_of(staff, story):
    return patient_timeline(staff.clinician, story["patient"]).events


def event(events, kind, title_part=""):
    found = [event for event in events if event.kind == kind and title_part in event.title]
    assert len(found) == 1, f"{kind} {title_part!r}: {found}"
    return found[0]


def test_every_event_of_the_episode_comes_in_date_order(staff, story):
    assert [(event.on.isoformat(), event.kind) for event in events_of(staff, story)] == [
        ("2026-03-02", "first_contact"),
        ("2026-03-02", "appointment_to_book"),  # 2-week review, created with the episode
        ("2026-03-02", "appointment_to_book"),  # 12-week check
        ("2026-03-02", "medication_started"),
        ("2026-03-02", "appointment_to_book"),  # medication review
        ("2026-03-02", "warning_raised"),
        ("2026-03-02", "warning_acknowledged"),
        ("2026-03-16", "appointment_attended"),
        ("2026-03-16", "radicular_findings"),
        ("2026-03-16", "referral_raised"),
        ("2026-03-16", "start_back"),
        ("2026-03-17", "referral_drafted"),
        ("2026-03-17", "referral_signed"),
        ("2026-03-18", "referral_signed"),
        ("2026-03-19", "referral_sent"),
        ("2026-03-20", "medication_stopped"),
        ("2026-03-23", "appointment_did_not_attend"),
        ("2026-03-23", "appointment_to_book"),
        ("2026-03-25", "referral_acknowledged"),
        ("2026-04-01", "referral_closed"),
        ("2026-04-10", "red_flags"),
        ("2026-04-10", "referral_raised"),
        ("2026-04-10", "referral_cancelled"),
        ("2026-05-25", "discharge"),
        ("2026-05-25", "appointment_attended"),
        ("2026-05-25", "twelve_week_outcome"),
        ("2026-05-25", "appointment_cancelled"),
    ]


def test_first_contact_shows_presentation_and_advice(staff, story):
    first = event(events_of(staff, story), "first_contact")

    assert (first.on, first.at, first.episode_id) == (date(2026, 3, 2), utc(3, 2, 10, 5), story["episode"])
    assert first.detail == ("Radicular pain, severe; advised to stay active, advised against bed rest"
                            " — by Dr Alys Jones")


def test_an_attended_review_shows_its_clinic_local_time_and_clinician(staff, story):
    twelve_week = event(events_of(staff, story), "appointment_attended", "12-week check")

    # 09:00 UTC on 25 May is 10:00 in London (BST).
    assert (twelve_week.title, twelve_week.at) == ("12-week check attended", utc(5, 25, 9))
    assert twelve_week.detail == "Mon 25 May 2026 10:00–10:20 with Dr Alys Jones"


def test_a_review_to_book_shows_its_due_by_date(staff, story):
    rebooked = [event for event in events_of(staff, story)
                if event.kind == "appointment_to_book" and "Medication review" in event.title][-1]

    assert rebooked.detail == "Due by Mon 23 Mar 2026 (rebooked after a did-not-attend)"


def test_start_back_shows_score_and_risk(staff, story):
    start_back = event(events_of(staff, story), "start_back")

    assert (start_back.title, start_back.detail) == (
        "STarT Back: high risk", "Score 7/9, psychosocial subscore 4/5 — by Dr Alys Jones")


def test_each_signed_letter_version_shows_its_signer_and_amendment(staff, story):
    signed = [event for event in events_of(staff, story) if event.kind == "referral_signed"]

    assert [event.title for event in signed] == [
        "Early radicular referral: letter signed, version 1", "Early radicular referral: letter signed, version 2"]
    assert signed[1].detail == ("By Dr Alys Jones (clinician, GMC 7012345) as referring clinician;"
                                " amended: Added the MRI result")


def test_the_draft_is_dated_by_the_audit_trail(staff, story):
    drafted = event(events_of(staff, story), "referral_drafted")

    assert (drafted.at, drafted.detail) == (utc(3, 17, 11), "by Dr Alys Jones")


@pytest.mark.parametrize("kind, title, reason", [
    ("referral_cancelled", "Urgent red-flag referral cancelled", "Seen in A&E the same day"),
    ("appointment_cancelled", "Medication review cancelled", "discharged"),
])
def test_a_cancelled_item_shows_its_reason(staff, story, kind, title, reason):
    cancelled = event(events_of(staff, story), kind)

    assert (cancelled.title, cancelled.detail) == (title, reason)


def test_an_urgent_referral_of_another_kind_is_marked_urgent(staff, story):
    Referral.create(episode=story["episode"], kind="spinal_surgical", urgent=True, due_by=date(2026, 4, 2),
                    raised_at=utc(4, 2, 9), updated_at=utc(4, 2, 9))

    raised = [event.title for event in events_of(staff, story) if event.kind == "referral_raised"]

    assert "URGENT: Spinal surgical referral raised" in raised


def test_red_flags_are_listed_one_after_another(staff, story):
    assert event(events_of(staff, story), "red_flags").detail == (
        "Saddle anaesthesia; Urinary retention — by Dr Alys Jones")


def test_a_fact_recorded_on_a_later_day_has_no_time_and_comes_first_that_day(staff, story):
    RadicularStatus.create(episode=story["episode"], recorded_on=date(2026, 3, 19), severe_radicular_pain=False,
                           neurological_deficit=True, recorded_by=staff.clinician.user_id, recorded_at=utc(3, 20, 8))

    events = events_of(staff, story)
    late = [event for event in events if event.on == date(2026, 3, 19)]

    assert [(event.kind, event.at) for event in late] == [
        ("radicular_findings", None), ("referral_sent", utc(3, 19, 9))]
    assert late[0].detail == "Neurological deficit — by Dr Alys Jones"


def test_the_header_and_episodes_give_what_the_view_draws(staff, story):
    second = Episode.create(patient=story["patient"], first_contact_on=date(2026, 5, 28), presentation="non_specific",
                            severity="mild", clinician=staff.other_clinician.user_id, created_at=utc(5, 28, 9))

    timeline = patient_timeline(staff.receptionist, story["patient"])

    assert (timeline.patient.patient_name, timeline.patient.nhs_number, timeline.patient.hepatic_impairment) == (
        "SMITH, Ann", "943 476 5919", "mild")
    assert [(span.episode_id, span.day_zero, span.status, span.clinician_name) for span in timeline.episodes] == [
        (story["episode"], date(2026, 3, 2), "discharged", "Dr Alys Jones"),
        (second.id, date(2026, 5, 28), "open", "Sam Physio"),
    ]
    assert (timeline.events[-1].kind, timeline.events[-1].episode_id) == ("first_contact", second.id)


def test_a_patient_with_no_episode_has_an_empty_timeline(staff):
    patient = Patient.create(family_name="Jones", given_name="Bo", family_name_key="jones", given_name_key="bo",
                             date_of_birth=date(1990, 1, 1), created_at=utc(1, 1, 9), updated_at=utc(1, 1, 9))

    timeline = patient_timeline(staff.clinician, patient.id)

    assert (timeline.episodes, timeline.events, timeline.patient.nhs_number) == ((), (), "")


def test_an_unknown_patient_is_not_found(staff):
    with pytest.raises(NotFound, match="no patient with record number 999"):
        patient_timeline(staff.clinician, 999)


def test_the_command_line_may_not_view_a_patient(staff, story):
    with pytest.raises(PermissionDenied, match="may not view patient"):
        patient_timeline(Actor.command_line(), story["patient"])
