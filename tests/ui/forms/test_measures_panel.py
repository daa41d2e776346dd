"""Improvement measured through the real forms: the 2-week review, an ongoing evaluation, the 12-week check."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from test_pathway_notices import CLINIC_TIME, episode_form, tick  # noqa: F401 (CLINIC_TIME: the clinic's clock)

from clinic_desktop.models import Appointment, ImprovementMeasure
from clinic_desktop.services.episodes.measures import MeasuresInput
from clinic_desktop.ui.forms.evaluation_form import EvaluationForm
from clinic_desktop.ui.forms.outcome_form import TwelveWeekOutcomeForm
from clinic_desktop.ui.forms.start_back_form import StartBackForm

LOW = (0, 0, 0, 0, 0, 0, 0, 0, 0)
BASELINE = MeasuresInput(pain_now=7, function_score=4)


def opened_with_baseline(qtbot, staff, form_class):
    return episode_form(qtbot, staff, form_class, measures=BASELINE)


def enter(qtbot, box, value) -> None:
    """Type a score as the clinician does: select what is there, type the number."""
    box.setFocus()
    box.selectAll()
    qtbot.keyClicks(box, str(value))


def measure(qtbot, panel, pain, function, pgic) -> None:
    enter(qtbot, panel.pain, pain)
    enter(qtbot, panel.function, function)
    panel.global_change.setFocus()
    qtbot.keyClicks(panel.global_change, str(pgic))  # the choice starting with that number


def stored(episode_id):
    return list(ImprovementMeasure.select().where(ImprovementMeasure.episode == episode_id)
                .order_by(ImprovementMeasure.id))


def save(qtbot, form):
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)


@pytest.fixture
def review(qtbot, sqlite_staff):
    form = opened_with_baseline(qtbot, sqlite_staff, StartBackForm)
    for group, answer in zip(form.items, LOW):
        group.button(answer).setChecked(True)
    return form


def test_the_suggestion_appears_once_everything_is_entered_and_chooses_nothing(qtbot, review):
    panel = review.improvement
    assert panel.suggestion_line.text().startswith("Suggested once pain, function")
    measure(qtbot, panel, 3, 4, 3)
    assert panel.suggestion_line.text() == (
        "Suggested: improved — Pain 7 → 3 (−4, 57 %), function 4 → 4 (no change) since the first contact on "
        "26 Nov 2026: a clinically important improvement.")
    assert not panel.improving_yes.isChecked() and not panel.improving_no.isChecked()


def test_the_review_is_not_saved_until_the_clinician_judges_improvement(qtbot, review):
    measure(qtbot, review.improvement, 6, 4, 4)
    save(qtbot, review)
    assert review.message.text() == "Say whether the patient is improving: yes or no."
    assert review.announced == [] and len(stored(review.episode_id)) == 1


def test_low_risk_not_improving_puts_an_ongoing_evaluation_on_the_to_book_list(qtbot, review):
    measure(qtbot, review.improvement, 6, 4, 4)
    assert review.improvement.suggestion_line.text().startswith("Suggested: not improved — Pain 7 → 6 (−1, 14 %)")
    tick(qtbot, review.improvement.improving_no)
    save(qtbot, review)
    (update,) = review.announced
    assert ("Low risk and not improving: proceed to ongoing evaluation; an ongoing evaluation follow-up was put "
            "on the to-book list") in update.notices
    assert any(notice.startswith("Follow-up to book, due by") for notice in update.notices)
    latest = stored(review.episode_id)[-1]
    assert (latest.occasion, latest.pain_now, latest.global_change, latest.improving) == (
        "two_week_review", 6, 4, False)
    assert Appointment.get(Appointment.pathway_key == f"ongoing_evaluation:{latest.id}").status == "to_book"


def test_low_risk_improving_says_continue_current_management(qtbot, review):
    measure(qtbot, review.improvement, 2, 8, 2)
    tick(qtbot, review.improvement.improving_yes)
    save(qtbot, review)
    (update,) = review.announced
    assert update.notices[0] == "Low risk and improving: continue current management and self-management"


def test_a_missing_measure_is_named_before_anything_is_saved(qtbot, review):
    enter(qtbot, review.improvement.pain, 5)
    save(qtbot, review)
    assert review.message.text() == "Enter the function score, 0 to 10."


def test_psfs_scores_the_activities_named_and_needs_a_score_for_each(qtbot, sqlite_staff):
    form = opened_with_baseline(qtbot, sqlite_staff, EvaluationForm)
    panel = form.improvement
    tick(qtbot, panel.on_psfs)
    assert panel.psfs.isVisible() and not panel.function.isVisible()
    enter(qtbot, panel.pain, 5)
    (walking, walking_score), (sitting, _), _ = panel.activities
    qtbot.keyClicks(walking, "Walking 1 km")
    enter(qtbot, walking_score, 7)
    qtbot.keyClicks(sitting, "Sitting")
    panel.global_change.setCurrentIndex(4)
    save(qtbot, form)
    assert form.message.text() == ("Give each activity of the Patient-Specific Functional Scale both a name and a "
                                   "score.")
    sitting.clear()
    tick(qtbot, panel.improving_no)
    save(qtbot, form)
    latest = stored(form.episode_id)[-1]
    assert (latest.occasion, latest.function_scale, latest.psfs_activities) == (
        "ongoing_evaluation", "psfs", "Walking 1 km\t7")


def test_the_12_week_check_shows_the_suggestion_and_leaves_the_outcome_to_the_clinician(qtbot, sqlite_staff):
    form = opened_with_baseline(qtbot, sqlite_staff, TwelveWeekOutcomeForm)
    measure(qtbot, form.improvement, 8, 3, 5)
    assert form.improvement.suggestion_line.text().startswith(
        "Suggested: not improved — The patient feels minimally worse (5/7); pain 7 → 8 (+1)")
    assert form.outcome.checkedButton() is None
    tick(qtbot, form.not_improved)
    save(qtbot, form)
    latest = stored(form.episode_id)[-1]
    assert (latest.occasion, latest.pain_now, latest.improving) == ("twelve_week_check", 8, False)
