"""The clinician's STarT Back at the 2-week review, driven through the real radio buttons."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from test_pathway_notices import CLINIC_TIME, episode_form  # noqa: F401 (CLINIC_TIME: the clinic's clock)

from clinic_desktop.services.referrals import referrals
from clinic_desktop.ui.forms.start_back_form import StartBackForm

HIGH = (1, 0, 1, 0, 1, 1, 1, 1, 4)  # psychosocial 5/5
CHOICE_TEXT = {0: "Disagree", 1: "Agree"}


@pytest.fixture
def form(qtbot, sqlite_staff):
    return episode_form(qtbot, sqlite_staff, StartBackForm)


def click(qtbot, form, item: int, answer: int) -> None:
    button = form.items[item - 1].button(answer)
    if item < 9:
        assert button.text() == CHOICE_TEXT[answer]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_a_high_risk_start_back_raises_the_biopsychosocial_referral(qtbot, sqlite_staff, form):
    form.improvement.setChecked(False)  # a stratification without the review's measures
    for item, answer in enumerate(HIGH, 1):
        click(qtbot, form, item, answer)
    assert form.score.text() == "Total <b>7</b>/9 · psychosocial subscore <b>5</b>/5 · risk: <b>HIGH</b>"
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    (update,) = form.announced
    assert ("Biopsychosocial assessment / specialised physiotherapy referral raised, due by Mon 14 Dec 2026"
            in update.notices)
    (referral,) = referrals.referrals_for_episode(sqlite_staff.clinician, form.episode_id)
    assert (referral.kind, referral.status) == ("biopsychosocial", "raised")
    assert form.result() == form.DialogCode.Accepted


def test_save_stays_disabled_until_all_nine_are_answered(qtbot, form):
    assert form.score.text().startswith("<b>Incomplete</b> — 9 items unanswered")
    for item, answer in enumerate(HIGH[:8], 1):
        click(qtbot, form, item, answer)
        assert not form.save_button.isEnabled()
    assert form.score.text().startswith("<b>Incomplete</b> — 1 item unanswered")
    click(qtbot, form, 9, 4)
    assert form.save_button.isEnabled()


def test_the_score_follows_each_answer_as_it_changes(qtbot, form):
    for item, answer in enumerate((1, 1, 1, 1, 0, 0, 0, 0, 0), 1):
        click(qtbot, form, item, answer)
    assert form.score.text().endswith("risk: <b>MEDIUM</b>")
    click(qtbot, form, 4, 0)
    assert form.score.text() == "Total <b>3</b>/9 · psychosocial subscore <b>0</b>/5 · risk: <b>LOW</b>"


def test_the_questionnaire_can_be_answered_from_the_keyboard_alone(qtbot, form):
    def press(key):
        QTest.keyClick(form.focusWidget(), key)

    form.improvement.setChecked(False)
    form.assessed_on.setFocus()
    press(Qt.Key.Key_Tab)  # the date's next section
    press(Qt.Key.Key_Tab)
    press(Qt.Key.Key_Tab)  # item 1, on "Agree"
    for answer in HIGH[:8]:
        if answer == 0:
            press(Qt.Key.Key_Right)  # to "Disagree"
        press(Qt.Key.Key_Space)
        press(Qt.Key.Key_Tab)
    for _ in range(4):  # item 9: from "Not at all" to "Extremely"
        press(Qt.Key.Key_Right)
    press(Qt.Key.Key_Space)
    assert form.answers() == list(HIGH)
    QTest.keyClick(form.focusWidget(), Qt.Key.Key_Return)
    assert form.result() == form.DialogCode.Accepted


def test_the_form_credits_keele_university(qtbot, form):
    assert any("Keele University" in label.text() for label in form.findChildren(type(form.score)))
