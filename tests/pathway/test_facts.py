from datetime import date

import pytest

from clinic_desktop.pathway.facts import (
    RECOGNISED_RED_FLAGS,
    EpisodeFacts,
    MedicationFact,
    RadicularFact,
    RedFlagFact,
    StartBackFact,
)

DAY = date(2026, 11, 3)


def test_unknown_medication_category_is_refused():
    with pytest.raises(ValueError, match="medication category must be one of"):
        MedicationFact(1, "herbal", "st john's wort", DAY, None)


def test_unknown_start_back_risk_is_refused():
    with pytest.raises(ValueError, match="STarT Back risk must be one of low, medium, high; got 'severe'"):
        StartBackFact(1, DAY, "severe")


def test_unknown_hepatic_impairment_is_refused():
    with pytest.raises(ValueError, match="hepatic impairment must be one of"):
        EpisodeFacts(DAY, None, "unknown")


def test_lists_of_facts_are_kept_as_tuples():
    facts = EpisodeFacts(DAY, None, "none", red_flags=[RedFlagFact(1, DAY, ["suspected cauda equina"])])
    assert facts.red_flags == (RedFlagFact(1, DAY, ("suspected cauda equina",)),)


def test_facts_with_the_same_id_are_refused():
    radicular = [RadicularFact(1, DAY, True, False), RadicularFact(1, DAY, False, True)]
    with pytest.raises(ValueError, match="radicular: each fact needs its own id"):
        EpisodeFacts(DAY, None, "none", radicular=radicular)


def test_facts_are_hashable_so_they_can_be_compared_and_cached():
    facts = EpisodeFacts(DAY, None, "none", medications=[MedicationFact(1, "nsaid", "ibuprofen", DAY)])
    assert hash(facts) == hash(EpisodeFacts(DAY, None, "none", medications=(MedicationFact(1, "nsaid", "ibuprofen", DAY),)))


def test_recognised_red_flags_are_distinct_single_lines_a_record_can_hold():
    # Red flags are stored one a line: a flag with a line break would come back as two.
    assert len(set(RECOGNISED_RED_FLAGS)) == len(RECOGNISED_RED_FLAGS)
    assert all(flag == " ".join(flag.split()) and flag for flag in RECOGNISED_RED_FLAGS)
    assert "suspected cauda equina syndrome" in RECOGNISED_RED_FLAGS  # DESIGN.md rule 4's example
