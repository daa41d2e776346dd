"""A management plan from the patient's view: offered after a medium or high STarT Back, shown, printed."""
from __future__ import annotations

from letter_drawing import drawn
from patient_story import build_story
from test_patient_view import CLINIC_TIME, open_view  # noqa: F401 (the clinic's clock)

from clinic_desktop.services.episodes import episode_records, plans
from clinic_desktop.ui.forms.plan_form import PlanForm
from clinic_desktop.ui.letters.letter_window import LetterWindow


def agree_plan(staff, episode_id):
    plans.record_plan(staff.clinician, episode_id, agreed_on=CLINIC_TIME.date(), goals="Walk to the shops",
                      treatments=["supervised_exercise", "cbt"], lifestyle=["stay_active"])


def test_a_medium_risk_stratification_offers_the_plan_form_in_what_the_pathway_did(qtbot, sqlite_staff):
    story = build_story(sqlite_staff)  # high risk until now
    view = open_view(qtbot, sqlite_staff.clinician, story.patient_id)
    view.actions.actions["start_back"].trigger()
    form = view.actions.dialog
    form.improvement.setChecked(False)  # a stratification without the review's measures
    for group, answer in zip(form.items, (1, 1, 1, 1, 0, 0, 0, 0, 0)):
        group.button(answer).setChecked(True)
    form.save()
    (offer,) = view.notices.offers
    assert offer.text() == "Agree a management plan…"
    qtbot.waitUntil(offer.isVisible)  # a child added to a shown strip is shown by the next turn of events
    assert "• Medium risk: develop a patient-centred management plan with the patient" in view.notices.texts()
    offer.click()
    assert isinstance(view.actions.dialog, PlanForm) and view.actions.dialog.isVisible()
    view.actions.dialog.reject()


def test_the_plan_is_in_the_episode_summary_and_the_time_line_and_prints(qtbot, sqlite_staff):
    story = build_story(sqlite_staff)
    view = open_view(qtbot, sqlite_staff.clinician, story.patient_id)
    actions = view.actions.actions
    assert actions["plan"].isEnabled() and not actions["print_plan"].isEnabled()
    episode_id = episode_records.open_episode_for(sqlite_staff.clinician, story.patient_id).id
    agree_plan(sqlite_staff, episode_id)
    view.reload()
    assert "Plan agreed 23 Nov 2026: supervised exercise, CBT" in view.episode_summary.text()
    model = view.timeline_model
    rows = [(model.index(row, 2).data(), model.index(row, 3).data()) for row in range(model.rowCount())]
    assert ("Management plan agreed", "Treatments: supervised exercise, CBT — by Dr Alys Jones") in rows
    assert actions["print_plan"].isEnabled()
    actions["print_plan"].trigger()
    window = view.actions.dialog
    assert isinstance(window, LetterWindow) and window.windowTitle() == "Management plan — SMITH, Ann"
    drawn(qtbot, window.preview)
    assert window.choice().file_stem == "SMITH-Ann_management-plan"
    window.close()


def test_a_receptionist_may_print_the_plan_but_not_agree_one(qtbot, sqlite_staff):
    story = build_story(sqlite_staff)
    agree_plan(sqlite_staff, episode_records.open_episode_for(sqlite_staff.clinician, story.patient_id).id)
    view = open_view(qtbot, sqlite_staff.receptionist, story.patient_id)
    assert "plan" not in view.actions.actions
    assert view.actions.actions["print_plan"].isEnabled()
