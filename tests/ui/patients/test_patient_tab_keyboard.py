"""A patient's tab worked from the keyboard (issue 16, WCAG 2.1.1, 2.4.3, 1.4.10): the toolbar's
actions are Tab stops, a row chosen with the arrows is acted on by the buttons Tab comes to next,
the tab's close button is named for the patient and closes it from the keyboard, as Ctrl+W does,
and at 18 pt the toolbar wraps with every action in sight."""
from __future__ import annotations

from datetime import date

from patient_story import build_story
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QTabBar, QToolButton
from test_patient_view import CLINIC_TIME  # noqa: F401 (the clinic's clock: Mon 23 Nov 2026)

from clinic_desktop.services.patients import patients


def _shown_with_patient(qtbot, main_window, actor, patient_id):
    window = main_window(actor, shown=True)
    window.resize(1366, 768)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)  # key presses and shortcuts reach the active window only
    view = window.open_patient(patient_id)
    return window, view


def _tab_from(widget) -> object:
    QTest.keyClick(widget, Qt.Key.Key_Tab)
    return QApplication.focusWidget()


def test_the_toolbar_buttons_are_tab_stops_one_after_another(qtbot, main_window, sqlite_staff):
    story = build_story(sqlite_staff)
    _window, view = _shown_with_patient(qtbot, main_window, sqlite_staff.clinician, story.patient_id)
    buttons = [button for button in view.toolbar.buttons() if button.isVisible() and button.isEnabled()]
    assert [button.defaultAction().text() for button in buttons][:3] == ["&Edit details…", "&STarT Back…",
                                                                         "&Medication…"]
    buttons[0].setFocus()
    for before, after in zip(buttons, buttons[1:]):
        assert _tab_from(before) is after


def test_a_review_chosen_with_the_arrows_is_booked_from_the_button_tab_comes_to_next(qtbot, main_window,
                                                                                    sqlite_staff):
    story = build_story(sqlite_staff)
    _window, view = _shown_with_patient(qtbot, main_window, sqlite_staff.receptionist, story.patient_id)
    view.tabs.setCurrentWidget(view.reviews_tab)
    view.reviews_table.setFocus()
    while view.reviews_model.index(view.reviews_table.currentIndex().row(), 1).data() != "booked":
        QTest.keyClick(view.reviews_table, Qt.Key.Key_Down)  # the 12-week check, booked
    enabled = [button for button in view.reviews_tab.findChildren(QToolButton) if button.isEnabled()]
    assert enabled  # a booked review can be rescheduled, cancelled, marked arrived…
    assert _tab_from(view.reviews_table) is enabled[0]  # not the filter box, nor back to the toolbar


def test_a_patient_tab_closes_from_its_named_close_button_and_with_ctrl_w(qtbot, main_window, sqlite_staff):
    story = build_story(sqlite_staff)
    window, view = _shown_with_patient(qtbot, main_window, sqlite_staff.clinician, story.patient_id)
    bar = window.tabs.tabBar()
    close = bar.tabButton(window.tabs.indexOf(view), QTabBar.ButtonPosition.RightSide)
    assert close.accessibleName() == "Close SMITH, Ann"
    bar.setFocus()
    assert _tab_from(bar) is close  # straight after the tab bar
    QTest.keyClick(close, Qt.Key.Key_Space)
    assert story.patient_id not in window.open_patient_ids()
    window.open_patient(story.patient_id)
    QTest.keyClick(window, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
    assert story.patient_id not in window.open_patient_ids()


def test_each_patient_tab_has_its_own_close_button_in_tab_order(qtbot, main_window, sqlite_staff):
    story = build_story(sqlite_staff)
    other = patients.register_patient(sqlite_staff.receptionist, family_name="Jones", given_name="Bob",
                                      date_of_birth=date(1960, 3, 4))
    window, first = _shown_with_patient(qtbot, main_window, sqlite_staff.clinician, story.patient_id)
    second = window.open_patient(other.id)
    bar = window.tabs.tabBar()
    closes = [bar.tabButton(window.tabs.indexOf(view), QTabBar.ButtonPosition.RightSide) for view in (first, second)]
    assert [button.accessibleName() for button in closes] == ["Close SMITH, Ann", "Close JONES, Bob"]
    closes[0].setFocus()
    assert _tab_from(closes[0]) is closes[1]
    QTest.keyClick(closes[1], Qt.Key.Key_Space)
    assert window.open_patient_ids() == [story.patient_id]


def test_at_18_points_the_toolbar_wraps_with_every_action_in_sight(qtbot, main_window, sqlite_staff):
    app = QApplication.instance()
    before = QFont(app.font())
    large = QFont(before)
    large.setPointSizeF(18)
    app.setFont(large)
    try:
        story = build_story(sqlite_staff)
        window, view = _shown_with_patient(qtbot, main_window, sqlite_staff.clinician, story.patient_id)
        qtbot.waitUntil(lambda: window.width() == 1366)
        QApplication.processEvents()
        shown = [button for button in view.toolbar.buttons() if not button.isHidden()]
        rows = {button.y() for button in shown}
        assert len(rows) >= 2  # wrapped: at 18 pt one row is wider than the screen
        assert all(view.toolbar.rect().contains(button.geometry()) for button in shown)
        assert window.width() <= 1366
    finally:
        app.setFont(before)
