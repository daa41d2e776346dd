"""Fact dates that make no clinical sense are refused (hazard log H-18).

The decisions on fact dates (docs/safety/hazard-log.md, H-18): a fact dated after today, or
before the episode's first contact, is refused for every kind of fact, with nothing stored
and no audit event; a decision to keep a muscle relaxant on is refused before the relaxant
started and before the last such decision. The other decisions (early STarT Back, early
12-week outcome, high risk after the outcome) are accepted and tested with the rules
(tests/pathway/test_rules_again.py, tests/services/episodes/test_pathway_sync.py).
"""
from datetime import date, datetime, timedelta, timezone

import pytest
from relaxant_answers import FOR_SPASM

from clinic_desktop.models import AuditEvent, Episode, Medication, Patient
from clinic_desktop.services.core.errors import ValidationError
from clinic_desktop.services.episodes import episodes
from clinic_desktop.services.episodes.episodes import MedicationInput

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)  # Mon 30 Nov 2026, 09:00 in London
TODAY = date(2026, 11, 30)
FIRST_CONTACT = date(2026, 11, 26)
TOMORROW, BEFORE_FIRST_CONTACT = TODAY + timedelta(1), FIRST_CONTACT - timedelta(1)
MEDIUM = (1, 1, 1, 1, 0, 0, 0, 0, 0)


CLINIC_TIME = NOW  # every test here runs at this moment (tests/conftest.py: clinic_clock)


@pytest.fixture
def episode_id(staff):
    patient = Patient.create(family_name="Smith", given_name="Ann", family_name_key="smith", given_name_key="ann",
                             date_of_birth=date(1970, 5, 1), hepatic_impairment="none", created_at=NOW, updated_at=NOW)
    return episodes.open_episode(staff.clinician, patient.id, first_contact_on=FIRST_CONTACT,
                                 presentation="non_specific", severity="moderate",
                                 medications=[MedicationInput("cyclobenzaprine", "muscle_relaxant", "5 mg",
                                                              FIRST_CONTACT, **FOR_SPASM)]).episode_id


def relaxant_of(episode_id):
    return Medication.get(Medication.episode == episode_id).id


FACTS = {
    "radicular status": lambda actor, episode, day: episodes.record_radicular_status(
        actor, episode, recorded_on=day, severe_radicular_pain=True, neurological_deficit=False),
    "red flags": lambda actor, episode, day: episodes.record_red_flags(
        actor, episode, recorded_on=day, flags=["suspected spinal infection"]),
    "STarT Back": lambda actor, episode, day: episodes.record_start_back(
        actor, episode, assessed_on=day, answers=MEDIUM),
    "12-week outcome": lambda actor, episode, day: episodes.record_twelve_week_outcome(
        actor, episode, recorded_on=day, improved=False),
    "medication started": lambda actor, episode, day: episodes.record_medication(
        actor, episode, name="ibuprofen", category="nsaid", started_on=day),
    "medication stopped": lambda actor, episode, day: episodes.stop_medication(actor, relaxant_of(episode), day),
    "relaxant kept on": lambda actor, episode, day: episodes.keep_medication_on(
        actor, relaxant_of(episode), reason="still in spasm", decided_on=day),
    "discharge": lambda actor, episode, day: episodes.discharge_episode(
        actor, episode, discharged_on=day, reason="Recovered"),
}


@pytest.mark.parametrize("day", [TOMORROW, BEFORE_FIRST_CONTACT], ids=["tomorrow", "before first contact"])
@pytest.mark.parametrize("fact", sorted(FACTS))
def test_a_fact_dated_in_the_future_or_before_the_first_contact_is_refused(staff, episode_id, fact, day):
    events = AuditEvent.select().count()
    with pytest.raises(ValidationError, match="is in the future|is before"):
        FACTS[fact](staff.clinician, episode_id, day)
    assert AuditEvent.select().count() == events
    assert Episode.get_by_id(episode_id).status == "open"


@pytest.mark.parametrize("fact", sorted(FACTS))
def test_the_same_fact_dated_today_or_on_the_first_contact_is_accepted(staff, episode_id, fact):
    FACTS[fact](staff.clinician, episode_id, FIRST_CONTACT if fact != "discharge" else TODAY)


def test_a_keep_on_decision_dated_before_the_last_one_is_refused(staff, episode_id):
    medication_id = relaxant_of(episode_id)
    episodes.keep_medication_on(staff.clinician, medication_id, reason="still in spasm", decided_on=date(2026, 11, 28))
    with pytest.raises(ValidationError, match="before the last decision to keep it on"):
        episodes.keep_medication_on(staff.clinician, medication_id, reason="still in spasm",
                                    decided_on=date(2026, 11, 27))
    assert Medication.get_by_id(medication_id).continued_on == date(2026, 11, 28)
