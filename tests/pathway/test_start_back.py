import itertools

import pytest

from clinic_desktop.pathway.start_back import (
    BOTHERSOMENESS_CHOICES,
    CREDIT,
    ITEM_COUNT,
    ITEM_LABELS,
    StartBackScore,
    score_start_back,
)

NOT_AT_ALL, SLIGHTLY, MODERATELY, VERY_MUCH, EXTREMELY = range(5)


def answers(agreed=(), bothersomeness=NOT_AT_ALL):
    """Nine answers agreeing with the numbered items 1–8 and the given item 9."""
    return [int(number in agreed) for number in range(1, 9)] + [bothersomeness]


def test_there_is_a_label_for_each_of_the_nine_items():
    assert ITEM_COUNT == 9
    assert len(ITEM_LABELS) == ITEM_COUNT
    assert all(label.strip() for label in ITEM_LABELS)


def test_bothersomeness_has_five_choices_from_not_at_all_to_extremely():
    assert BOTHERSOMENESS_CHOICES == ("not at all", "slightly", "moderately", "very much", "extremely")


def test_credit_names_keele_university():
    assert "STarT Back" in CREDIT
    assert "Keele University" in CREDIT


def test_all_disagree_scores_zero_and_low_risk():
    assert score_start_back(answers()) == StartBackScore(total=0, psychosocial=0, risk="low")


def test_all_agree_and_extremely_scores_nine_and_high_risk():
    assert score_start_back(answers(range(1, 9), EXTREMELY)) == StartBackScore(9, 5, "high")


def test_psychosocial_four_is_high_risk():
    assert score_start_back(answers({5, 6, 7, 8})) == StartBackScore(4, 4, "high")


def test_psychosocial_three_with_total_four_is_medium_risk():
    assert score_start_back(answers({1, 5, 6, 7})) == StartBackScore(4, 3, "medium")


def test_total_four_from_physical_items_is_medium_risk():
    assert score_start_back(answers({1, 2, 3, 4})) == StartBackScore(4, 0, "medium")


def test_total_three_is_low_risk():
    assert score_start_back(answers({1, 2, 5})) == StartBackScore(3, 1, "low")


def test_very_much_bothersome_counts_one_towards_both_scores():
    assert score_start_back(answers(bothersomeness=VERY_MUCH)) == StartBackScore(1, 1, "low")


def test_extremely_bothersome_counts_one_towards_both_scores():
    assert score_start_back(answers(bothersomeness=EXTREMELY)) == StartBackScore(1, 1, "low")


def test_moderately_bothersome_counts_nothing():
    assert score_start_back(answers(bothersomeness=MODERATELY)) == StartBackScore(0, 0, "low")


def test_bothersomeness_can_tip_psychosocial_subscore_to_high_risk():
    assert score_start_back(answers({5, 6, 7}, VERY_MUCH)).risk == "high"


def test_answers_may_be_any_sequence():
    assert score_start_back(tuple(answers({1}))) == score_start_back(answers({1}))


def test_eight_answers_are_refused():
    with pytest.raises(ValueError, match="STarT Back needs 9 answers, got 8"):
        score_start_back(answers()[:8])


def test_ten_answers_are_refused():
    with pytest.raises(ValueError, match="STarT Back needs 9 answers, got 10"):
        score_start_back(answers() + [0])


def test_no_answers_are_refused():
    with pytest.raises(ValueError, match="STarT Back needs 9 answers, got none"):
        score_start_back(None)


def test_missing_item_is_refused_naming_it():
    incomplete = answers()
    incomplete[2] = None
    with pytest.raises(ValueError, match="item 3 is missing"):
        score_start_back(incomplete)


def test_missing_bothersomeness_is_refused_naming_item_9():
    with pytest.raises(ValueError, match="item 9 is missing"):
        score_start_back(answers(bothersomeness=None))


@pytest.mark.parametrize("answer", [2, -1])
def test_agree_item_out_of_range_is_refused_naming_it(answer):
    wrong = answers()
    wrong[3] = answer
    with pytest.raises(ValueError, match=rf"item 4 must be 0 or 1 \(disagree/agree\), got {answer}"):
        score_start_back(wrong)


@pytest.mark.parametrize("answer", [True, False])
def test_bool_answer_is_refused(answer):
    wrong = answers()
    wrong[0] = answer
    with pytest.raises(ValueError, match="item 1 must be 0 or 1"):
        score_start_back(wrong)


@pytest.mark.parametrize("answer", [1.0, "1"])
def test_non_int_answer_is_refused(answer):
    wrong = answers()
    wrong[4] = answer
    with pytest.raises(ValueError, match="item 5 must be 0 or 1"):
        score_start_back(wrong)


def test_bothersomeness_out_of_range_is_refused_naming_item_9():
    with pytest.raises(ValueError, match="item 9 must be 0–4 \\(not at all … extremely\\), got 7"):
        score_start_back(answers(bothersomeness=7))


@pytest.mark.parametrize("answer", [-1, 5, True, 3.0])
def test_bothersomeness_that_is_not_a_choice_is_refused(answer):
    with pytest.raises(ValueError, match="item 9 must be 0–4"):
        score_start_back(answers(bothersomeness=answer))


def published_rule(questionnaire):
    """Keele's scoring restated plainly, independent of the module under test."""
    agreed = list(questionnaire[:8])
    bothersome = 1 if questionnaire[8] in (3, 4) else 0
    total = sum(agreed) + bothersome
    psychosocial = agreed[4] + agreed[5] + agreed[6] + agreed[7] + bothersome
    if psychosocial >= 4:
        risk = "high"
    elif total >= 4:
        risk = "medium"
    else:
        risk = "low"
    return total, psychosocial, risk


def test_every_possible_questionnaire_scores_by_the_published_rule():
    every = list(itertools.product(*[(0, 1)] * 8, range(5)))
    assert len(every) == 1280
    for questionnaire in every:
        score = score_start_back(questionnaire)
        assert (score.total, score.psychosocial, score.risk) == published_rule(questionnaire), questionnaire
