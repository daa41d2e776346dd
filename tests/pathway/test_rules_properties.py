"""Properties of evaluate over random episodes: deterministic, and every deadline a working day."""

import random
from dataclasses import replace
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from clinic_desktop.pathway.calendar import WorkingCalendar
from clinic_desktop.pathway.rules import (
    EpisodeFacts,
    MedicationFact,
    OutcomeFact,
    RadicularFact,
    RedFlagFact,
    StartBackFact,
    evaluate,
)
from clinic_desktop.pathway.timings import PathwayTimings

days = st.dates(date(2020, 1, 1), date(2035, 12, 31))
ids = st.integers(1, 10_000)


def facts_with_own_ids(fact):
    return st.lists(fact, max_size=4, unique_by=lambda fact: fact.id).map(tuple)


medications = facts_with_own_ids(
    st.builds(
        MedicationFact,
        ids,
        st.sampled_from(["nsaid", "topical", "muscle_relaxant", "other"]),
        st.just("cyclobenzaprine"),
        days,
        st.none() | days,
    )
)
radicular = facts_with_own_ids(st.builds(RadicularFact, ids, days, st.booleans(), st.booleans()))
red_flags = facts_with_own_ids(
    st.builds(
        RedFlagFact,
        ids,
        days,
        st.lists(st.sampled_from(["suspected cauda equina", "fever", "weight loss"]), max_size=2).map(tuple),
    )
)
start_back = facts_with_own_ids(st.builds(StartBackFact, ids, days, st.sampled_from(["low", "medium", "high"])))
outcomes = st.none() | st.builds(OutcomeFact, ids, days, st.booleans())

episodes = st.builds(
    EpisodeFacts,
    first_contact_on=days,
    discharged_on=st.none() | days,
    hepatic_impairment=st.sampled_from(["none", "mild", "moderate", "severe"]),
    medications=medications,
    radicular=radicular,
    red_flags=red_flags,
    start_back=start_back,
    outcome=outcomes,
)
timings = st.builds(
    PathwayTimings,
    two_week_review_days=st.integers(1, 200),
    medication_review_days=st.integers(1, 200),
    early_radicular_referral_days=st.integers(1, 200),
    red_flag_referral_days=st.integers(0, 30),
    stratified_referral_days=st.integers(1, 200),
    twelve_week_check_days=st.integers(1, 200),
    escalation_referral_days=st.integers(1, 200),
)
calendars = st.builds(WorkingCalendar, st.sampled_from(["GB-ENG", "GB-SCT", "US"]), st.frozensets(days, max_size=20))


def raw_deadline(key, facts, timings):
    """The undisplaced deadline of a required item, restated from DESIGN.md's rules."""
    kind, _, id = key.partition(":")
    start_back_by_id = {fact.id: fact for fact in facts.start_back}
    anchors = {
        "two_week_review": lambda: (facts.first_contact_on, timings.two_week_review_days),
        "twelve_week_review": lambda: (facts.first_contact_on, timings.twelve_week_check_days),
        "medication_review": lambda: (
            next(med.started_on for med in facts.medications if med.id == int(id)), timings.medication_review_days
        ),
        "early_radicular": lambda: (
            min(f.recorded_on for f in facts.radicular if f.severe_radicular_pain or f.neurological_deficit),
            timings.early_radicular_referral_days,
        ),
        "red_flag": lambda: (
            next(f.recorded_on for f in facts.red_flags if f.id == int(id)), timings.red_flag_referral_days
        ),
        "start_back": lambda: (start_back_by_id[int(id)].assessed_on, timings.stratified_referral_days),
        "escalation": lambda: (facts.outcome.recorded_on, timings.escalation_referral_days),
    }
    anchor, days_allowed = anchors[kind]()
    return anchor + timedelta(days=days_allowed)


@given(episodes, timings, calendars)
def test_evaluating_the_same_facts_twice_gives_equal_actions(facts, timings, calendar):
    assert evaluate(facts, timings, calendar) == evaluate(replace(facts), timings, calendar)


@given(episodes, timings, calendars, st.randoms())
def test_the_order_facts_are_listed_in_does_not_change_the_actions(facts, timings, calendar, rng: random.Random):
    def shuffled(records):
        records = list(records)
        rng.shuffle(records)
        return tuple(records)

    reordered = replace(
        facts,
        medications=shuffled(facts.medications),
        radicular=shuffled(facts.radicular),
        red_flags=shuffled(facts.red_flags),
        start_back=shuffled(facts.start_back),
    )
    assert evaluate(reordered, timings, calendar) == evaluate(facts, timings, calendar)


@given(episodes, timings, calendars)
def test_every_deadline_is_a_working_day_no_later_than_its_raw_deadline(facts, timings, calendar):
    actions = evaluate(facts, timings, calendar)
    for item in actions.appointments + actions.referrals:
        raw = raw_deadline(item.key, facts, timings)
        if item.kind == "urgent_red_flag" and timings.red_flag_referral_days == 0:
            assert item.due_by == raw
        else:
            assert calendar.is_working_day(item.due_by), item
            assert item.due_by <= raw, item


@given(episodes, timings, calendars)
def test_each_required_item_has_its_own_key(facts, timings, calendar):
    actions = evaluate(facts, timings, calendar)
    keys = [item.key for item in actions.appointments + actions.referrals]
    assert len(keys) == len(set(keys))


@given(episodes, timings, calendars)
def test_a_discharged_episode_requires_no_appointment_or_referral(facts, timings, calendar):
    actions = evaluate(replace(facts, discharged_on=facts.first_contact_on), timings, calendar)
    assert actions.appointments == actions.referrals == ()


@given(episodes, timings, calendars)
def test_a_current_referral_is_never_also_superseded(facts, timings, calendar):
    actions = evaluate(facts, timings, calendar)
    assert not {r.key for r in actions.referrals} & set(actions.superseded_referral_keys)
