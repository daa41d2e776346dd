"""The first contact's advice recorded later, for an episode opened before every answer was asked."""
from __future__ import annotations

from PySide6.QtCore import Qt
from test_first_contact_form import BED_REST, answer_advice
from test_pathway_notices import CLINIC_TIME, episode_form  # noqa: F401 (CLINIC_TIME: the clinic's clock)

from clinic_desktop.services.episodes import episode_records
from clinic_desktop.ui.forms.advice_form import AdviceForm


def test_every_answer_is_recorded_for_an_older_episode(qtbot, sqlite_staff):
    form = episode_form(qtbot, sqlite_staff, AdviceForm, advised_stay_active=True)
    answer_advice(qtbot, form, bed_rest_advised=True)
    assert form.advice.caution.text().startswith(f"⚠ {BED_REST}")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    (update,) = form.announced
    assert BED_REST in update.notices
    record = episode_records.get_episode(sqlite_staff.clinician, form.episode_id)
    assert record.initial_management.bed_rest_advised and not record.advised_no_bed_rest


def test_an_unanswered_question_is_named_and_focused(qtbot, sqlite_staff):
    form = episode_form(qtbot, sqlite_staff, AdviceForm)
    answer_advice(qtbot, form, resources_online=None)
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert form.message.text() == "Say whether online resources were given: yes or no."
    assert form.focusWidget() is form.advice.questions["resources_online"].yes
    assert episode_records.get_episode(sqlite_staff.clinician, form.episode_id).initial_management is None
