"""A pathway form worked from the keyboard alone (issue 16): Enter saves, a refusal takes the
focus so a screen reader reads it out, Tab goes on from a notes box, Escape walks away."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from screen_reader import announcements
from test_discharge_form import discharge_form, status
from test_imaging_form import choose
from test_pathway_notices import CLINIC_TIME, episode_form  # noqa: F401 (CLINIC_TIME: the clinic's clock)

from clinic_desktop.ui.forms.imaging_form import ImagingForm
from clinic_desktop.ui.forms.plan_form import PlanForm
from clinic_desktop.ui.forms.start_back_form import StartBackForm


def test_enter_with_no_reason_refuses_and_the_refusal_is_read_out_and_takes_the_focus(qtbot, sqlite_staff,
                                                                                     monkeypatch):
    form = discharge_form(qtbot, sqlite_staff)
    said = announcements(monkeypatch)
    QTest.keyClick(form.reason.lineEdit(), Qt.Key.Key_Return)
    assert said == ["Give the reason for the discharge."] == [form.message.text()]
    assert form.focusWidget() is form.message
    assert status(sqlite_staff, form.episode_id) == "open"
    QTest.keyClick(form.message, Qt.Key.Key_Tab)
    assert form.focusWidget() is form.save_button  # on to the buttons; Shift+Tab back to the fields


def test_a_refusal_that_points_to_its_field_is_read_out_and_leaves_the_focus_there(qtbot, sqlite_staff,
                                                                                   monkeypatch):
    form = episode_form(qtbot, sqlite_staff, ImagingForm)
    choose(form, "x_ray")
    said = announcements(monkeypatch)
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert said == ["Give the reason for the imaging."]
    assert form.focusWidget() is form.reason


def test_tab_in_a_notes_box_moves_on_and_types_no_tab(qtbot, sqlite_staff):
    form = episode_form(qtbot, sqlite_staff, PlanForm)
    qtbot.keyClicks(form.goals, "Walk the dog")
    QTest.keyClick(form.goals, Qt.Key.Key_Tab)
    assert form.focusWidget() is not form.goals
    assert form.goals.toPlainText() == "Walk the dog"


def test_escape_closes_the_form_without_saving(qtbot, sqlite_staff):
    form = discharge_form(qtbot, sqlite_staff)
    qtbot.keyClicks(form.reason.lineEdit(), "Back to work, pain free")
    QTest.keyClick(form.reason.lineEdit(), Qt.Key.Key_Escape)
    assert form.result() == form.DialogCode.Rejected and not form.isVisible()
    assert status(sqlite_staff, form.episode_id) == "open"


def test_a_start_back_answer_is_chosen_with_the_arrow_keys(qtbot, sqlite_staff):
    form = episode_form(qtbot, sqlite_staff, StartBackForm)
    agree, disagree = form.items[0].button(1), form.items[0].button(0)
    with qtbot.waitActive(form):
        form.activateWindow()
    agree.setFocus()
    QTest.keyClick(agree, Qt.Key.Key_Space)
    assert agree.isChecked()
    QTest.keyClick(agree, Qt.Key.Key_Right)
    assert disagree.isChecked() and not agree.isChecked() and form.focusWidget() is disagree
