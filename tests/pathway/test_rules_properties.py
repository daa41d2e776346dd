"""Properties of evaluate over random episodes: deterministic, every deadline a working day no
later than the source allows, and reconciling its actions with what is stored never duplicates."""

import random
from dataclasses import replace
from datetime import date, timedelta

import pytest
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
    StoredItem,
    evaluate,
)
from clinic_desktop.pathway.timings import SOURCE_LIMITS, PathwayTimings

days = st.dates(date(2020, 1, 1), date(2035, 12, 31))
ids = st.integers(1, 30)  # few enough that stored keys name the facts


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
APPOINTMENT_STATUSES = ("to_book", "booked", "attended", "did_not_attend", "cancelled")
REFERRAL_STATUSES = ("raised", "drafted", "signed", "sent", "acknowledged", "closed", "cancelled")
stored_appointments = st.lists(st.one_of(
    st.builds(StoredItem, st.sampled_from(["two_week_review", "twelve_week_review"]),
              st.sampled_from(["two_week_review", "twelve_week_review"]), st.sampled_from(APPOINTMENT_STATUSES))
    .filter(lambda item: item.kind == item.key),
    st.builds(lambda id, status: StoredItem("twelve_week_review", f"twelve_week_review:{id}", status), ids,
              st.sampled_from(APPOINTMENT_STATUSES)),
    st.builds(lambda id, status: StoredItem("medication_review", f"medication_review:{id}", status), ids,
              st.sampled_from(APPOINTMENT_STATUSES)),
), max_size=4).map(tuple)
stored_referrals = st.lists(st.one_of(
    *(st.builds(lambda id, status, kind=kind, prefix=prefix: StoredItem(kind, f"{prefix}:{id}", status), ids,
                st.sampled_from(REFERRAL_STATUSES))
      for kind, prefix in (("early_radicular", "early_radicular"), ("urgent_red_flag", "red_flag"),
                           ("pain_spinal_centre", "escalation"), ("standard_physiotherapy", "start_back"))),
    st.builds(StoredItem, st.sampled_from(["early_radicular", "urgent_red_flag", "pain_spinal_centre"]), st.none(),
              st.sampled_from(REFERRAL_STATUSES)),  # raised by hand
), max_size=4).map(tuple)

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
    appointments=stored_appointments,
    referrals=stored_referrals,
)
# Any timing the clinic may choose: stricter than the source's, never later.
timings = st.builds(PathwayTimings, **{name: st.integers(min(1, limit), limit) for name, limit in SOURCE_LIMITS.items()})
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
            next(f.recorded_on for f in facts.radicular if f.id == int(id)), timings.early_radicular_referral_days,
        ),
        "red_flag": lambda: (
            next(f.recorded_on for f in facts.red_flags if f.id == int(id)), timings.red_flag_referral_days
        ),
        "start_back": lambda: (start_back_by_id[int(id)].assessed_on, timings.stratified_referral_days),
        "escalation": lambda: (facts.outcome.recorded_on, timings.escalation_referral_days),
    }
    anchor, days_allowed = anchors[kind]()
    return anchor + timedelta(days=days_allowed)


def reconciled(facts, actions):
    """The stored items after the service (pathway_sync) applied the actions: created by key when
    missing, unbooked ones cancelled, superseded unsent referrals cancelled, warnings stored."""
    stored_keys = {item.key for item in facts.appointments + facts.referrals}
    appointments = list(facts.appointments) + [StoredItem(item.kind, item.key, "to_book")
                                               for item in actions.appointments if item.key not in stored_keys]
    referrals = list(facts.referrals) + [StoredItem(item.kind, item.key, "raised")
                                         for item in actions.referrals if item.key not in stored_keys]
    for cancel in actions.cancel_unbooked:
        appointments = [replace(item, status="cancelled")
                        if item.status == "to_book" and cancel.key in (None, item.key) else item
                        for item in appointments]
    superseded = set(actions.superseded_referral_keys) | set(actions.superseded_escalation_keys)
    referrals = [replace(item, status="cancelled") if item.key in superseded and item.status in ("raised", "drafted")
                 else item for item in referrals]
    return replace(facts, appointments=tuple(appointments), referrals=tuple(referrals),
                   warning_keys=facts.warning_keys | {warning.key for warning in actions.warnings})


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
            assert item.due_by <= raw
        else:
            assert calendar.is_working_day(item.due_by), item
            assert item.due_by <= raw, item
        assert item.due_by <= raw_deadline(item.key, facts, PathwayTimings(**SOURCE_LIMITS)), item


@given(episodes, timings, calendars)
def test_reconciling_twice_never_duplicates_anything(facts, timings, calendar):
    once = reconciled(facts, evaluate(facts, timings, calendar))
    twice = reconciled(once, evaluate(once, timings, calendar))
    assert twice == once


@pytest.mark.parametrize("kind", ["early_radicular", "urgent_red_flag", "pain_spinal_centre"])
@given(facts=episodes, timings=timings, calendar=calendars)
def test_while_one_is_open_no_second_referral_of_its_kind_is_raised(kind, facts, timings, calendar):
    open_keys = {item.key for item in facts.referrals if item.kind == kind and item.open}
    stored_keys = {item.key for item in facts.referrals}
    actions = evaluate(facts, timings, calendar)
    raised = [item for item in actions.referrals if item.kind == kind and item.key not in stored_keys]
    if open_keys:
        assert raised == []
    assert len(raised) <= 1


@given(episodes, timings, calendars)
def test_a_new_qualifying_fact_raises_again_once_none_of_its_kind_is_open(facts, timings, calendar):
    facts = replace(facts, discharged_on=None)
    settled = reconciled(facts, evaluate(facts, timings, calendar))
    closed = replace(settled, referrals=tuple(
        replace(item, status="sent") if item.kind == "early_radicular" and item.open else item
        for item in settled.referrals))
    new_id = 100  # above every id drawn: a new record never reuses one
    later = replace(closed, radicular=closed.radicular + (RadicularFact(new_id, closed.first_contact_on, False, True),))
    keys = [item.key for item in evaluate(later, timings, calendar).referrals]
    if "early_radicular" not in {item.key for item in later.referrals}:  # one raised before the fact keys, answers all
        assert f"early_radicular:{new_id}" in keys


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
