"""The management plan through the real form: its boxes, its live caution, and what saving stores."""
from __future__ import annotations

from PySide6.QtCore import Qt
from test_pathway_notices import CLINIC_TIME, opened, settings, shown, tick  # noqa: F401 (CLINIC_TIME: the clock)

from clinic_desktop.services.episodes import episodes, plan_records, plans
from clinic_desktop.ui.forms.plan_form import PlanForm

MEDIUM, HIGH = (1, 1, 1, 1, 0, 0, 0, 0, 0), (1, 1, 1, 1, 1, 1, 1, 1, 4)


def plan_form(qtbot, staff, answers=MEDIUM):
    episode_id = opened(staff)
    episodes.record_start_back(staff.clinician, episode_id, assessed_on=CLINIC_TIME.date(), answers=answers)
    form = PlanForm(staff.clinician, settings(), episode_id)
    form.announced = shown(qtbot, form)
    form.episode_id = episode_id
    return form


def save(qtbot, form):
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)


def test_treatments_follow_the_sources_order_with_the_passive_ones_marked(qtbot, sqlite_staff):
    form = plan_form(qtbot, sqlite_staff)
    texts = [box.text() for box in form.treatments.values()]
    assert texts[0].startswith("Supervised exercise")
    assert [text for text in texts if text.endswith("— passive")] == [
        "Spinal manipulation — passive", "Massage therapy — passive", "Heat therapy — passive"]


def test_passive_treatments_only_show_the_caution_the_save_will_store(qtbot, sqlite_staff):
    form = plan_form(qtbot, sqlite_staff)
    tick(qtbot, form.treatments["massage"], form.treatments["heat"])
    assert form.caution.isVisible()
    assert form.caution.text().startswith("⚠ The plan of 30 Nov 2026 has passive treatments only (massage, heat)")
    assert "waits on your list of warnings until acknowledged" in form.caution.text()
    tick(qtbot, form.treatments["supervised_exercise"])
    assert not form.caution.isVisible()
    tick(qtbot, form.treatments["supervised_exercise"])  # off again: only the passive ones are left
    qtbot.keyClicks(form.goals, "Walk to the shops")
    save(qtbot, form)
    (update,) = form.announced
    assert form.caution.text().removeprefix("⚠ ").split("\n")[0] in update.notices


def test_at_high_risk_the_caution_asks_for_a_psychosocial_approach(qtbot, sqlite_staff):
    form = plan_form(qtbot, sqlite_staff, HIGH)
    tick(qtbot, form.treatments["supervised_exercise"])
    assert "overlooking psychosocial factors" in form.caution.text()
    tick(qtbot, form.treatments["cbt"])
    assert not form.caution.isVisible()


def test_saving_agrees_the_plan_with_its_goals_choices_and_bmi(qtbot, sqlite_staff):
    form = plan_form(qtbot, sqlite_staff)
    qtbot.keyClicks(form.goals, "Walk the dog for 30 minutes")
    tick(qtbot, form.treatments["yoga"], form.treatments["supervised_exercise"], form.lifestyle["weight_management"])
    form.bmi.setValue(31.2)
    save(qtbot, form)
    (update,) = form.announced
    assert update.notices == ()  # nothing to warn of; the prompt that asked for a plan closed quietly
    plan = plan_records.current_plan(sqlite_staff.clinician, form.episode_id)
    assert (plan.goals, plan.treatments, plan.lifestyle, str(plan.bmi)) == (
        "Walk the dog for 30 minutes", ("supervised_exercise", "yoga"), ("weight_management",), "31.2")
    assert not form.isVisible()


def test_a_plan_without_goals_or_a_needed_bmi_is_refused_in_the_form(qtbot, sqlite_staff):
    form = plan_form(qtbot, sqlite_staff)
    tick(qtbot, form.treatments["yoga"], form.lifestyle["weight_management"])
    save(qtbot, form)
    assert form.message.text() == "Write the patient's goals: the plan is built on them."
    qtbot.keyClicks(form.goals, "Sleep through the night")
    save(qtbot, form)
    assert form.message.text().startswith("Give the patient's BMI")
    assert form.announced == [] and form.isVisible()


def test_the_form_opens_with_the_plan_that_stands(qtbot, sqlite_staff):
    episode_id = opened(sqlite_staff)
    plans.record_plan(sqlite_staff.clinician, episode_id, agreed_on=CLINIC_TIME.date(), goals="Back to work",
                      treatments=["cbt"], lifestyle=["stay_active"], notes="Phased return")
    form = PlanForm(sqlite_staff.clinician, settings(), episode_id)
    shown(qtbot, form)
    assert form.goals.toPlainText() == "Back to work"
    assert [key for key, box in form.treatments.items() if box.isChecked()] == ["cbt"]
    assert form.lifestyle["stay_active"].isChecked() and form.notes.toPlainText() == "Phased return"
