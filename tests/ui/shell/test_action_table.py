"""The one table of actions: every entry is offered, reached and keyed without a clash.

A shortcut two actions share where the focus can be in both scopes fires neither (Qt calls
it ambiguous); a mnemonic used twice in one menu or toolbar makes Alt+letter cycle
instead of choosing. These are checked on the table for every role, and on the real main
window, where the menus, a worklist and a patient's tab meet.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timezone

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QWidget

from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.core.clock import frozen_at
from clinic_desktop.services.core.permissions import CLINICIAN, MANAGER, PERMISSIONS, RECEPTIONIST
from clinic_desktop.services.episodes import episodes
from clinic_desktop.services.patients import patients
from clinic_desktop.ui.book.clinic_day_view import ClinicDayView
from clinic_desktop.ui.patients.patient_actions import PatientActions
from clinic_desktop.ui.shell.actions import ACTIONS, MENU_TITLES, places, specs_for
from clinic_desktop.ui.shell.change_hub import ChangeHub
from clinic_desktop.ui.shell.main_window import MainWindow
from clinic_desktop.ui.worklists.row_actions import RowActions

ROLES = (RECEPTIONIST, CLINICIAN, MANAGER)
_OWNERS = {"list": RowActions, "patient": PatientActions, "menu": MainWindow, "book": ClinicDayView}


@pytest.fixture(autouse=True)
def monday():
    with frozen_at(datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)):
        yield


def mnemonic(text: str) -> str | None:
    """The letter after a single ``&`` (``&&`` is a literal ampersand), lower case."""
    position = text.replace("&&", "").find("&")
    return text.replace("&&", "")[position + 1].lower() if position >= 0 else None


def shortcut_contexts() -> list[list[str]]:
    """Places whose shortcuts are live at the same time: one worklist, or the whole patient
    view (its toolbar and both lists belong to it), each together with the menu bar's."""
    menus = [place for place in places() if place.startswith("menu:")]
    patient = [place for place in places() if place.startswith("patient:")]
    lists = [[place] for place in places() if place.startswith("list:")]
    return [group + menus for group in (*lists, patient)]


def test_every_entry_names_a_known_permission_and_a_handler_its_place_owns():
    for spec in ACTIONS:
        assert spec.permission is None or spec.permission in PERMISSIONS, spec.id
        for place in spec.places:
            assert spec.submenu is not None or callable(getattr(_OWNERS[place.split(":")[0]], spec.id, None)), (
                f"{spec.id} in {place}")


def test_every_id_is_unique():
    ids = [spec.id for spec in ACTIONS]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("role", ROLES)
def test_no_two_actions_live_together_share_a_shortcut(qapp, role):  # a standard key needs the app's platform
    for context in shortcut_contexts():
        keys = defaultdict(list)
        for place in context:
            for spec in specs_for(place, role):
                if spec.shortcut and spec.submenu is None:
                    keys[QKeySequence(spec.shortcut).toString()].append(spec.id)
        shared = {key: ids for key, ids in keys.items() if len(set(ids)) > 1}
        assert not shared, f"{role} in {context[0]}: {shared}"


@pytest.mark.parametrize("role", ROLES)
def test_every_action_has_its_own_mnemonic_in_its_menu_or_toolbar(role):
    for place in places():
        letters = [mnemonic(spec.text) for spec in specs_for(place, role)]
        assert None not in letters, f"{role} in {place}: an action without a mnemonic"
        assert len(letters) == len(set(letters)), f"{role} in {place}: {letters}"
    titles = [mnemonic(title) for title in MENU_TITLES.values()]
    assert len(titles) == len(set(titles))


def _window_with_a_patient(qtbot, actor, staff) -> MainWindow:
    patient = patients.register_patient(staff.receptionist, family_name="Smith", given_name="Ann",
                                        date_of_birth=date(1970, 1, 1))
    episodes.open_episode(staff.clinician, patient.id, first_contact_on=date(2026, 11, 16),
                          presentation="non_specific", severity="moderate")
    window = MainWindow(actor, load_settings(), "clinic.sqlite3", ChangeHub(actor, poll_seconds=3600))
    qtbot.addWidget(window)
    window.open_patient(patient.id)
    return window


def _scopes(window: MainWindow, action: QAction) -> list[QWidget]:
    """Where the focus must be for the action's shortcut to fire."""
    if action.shortcutContext() == Qt.ShortcutContext.WindowShortcut:
        return [window]
    return [widget for widget in action.associatedObjects()
            if isinstance(widget, QWidget) and not isinstance(widget, QMenu)]


def _overlap(first: list[QWidget], second: list[QWidget]) -> bool:
    return any(one is other or one.isAncestorOf(other) or other.isAncestorOf(one)
               for one in first for other in second)


@pytest.mark.parametrize("role", ["receptionist", "clinician", "manager"])
def test_no_shortcut_in_the_real_window_is_ambiguous_wherever_the_focus_is(qtbot, sqlite_staff, role):
    window = _window_with_a_patient(qtbot, getattr(sqlite_staff, role), sqlite_staff)
    keyed = [action for action in window.findChildren(QAction) if not action.shortcut().isEmpty()]
    clashes = [(first.text(), second.text(), first.shortcut().toString())
               for number, first in enumerate(keyed) for second in keyed[number + 1:]
               if first.shortcut() == second.shortcut() and _overlap(_scopes(window, first), _scopes(window, second))]
    assert clashes == []


@pytest.mark.parametrize("role", ["receptionist", "clinician", "manager"])
def test_every_menu_of_the_real_window_has_one_mnemonic_per_entry(qtbot, sqlite_staff, role):
    window = _window_with_a_patient(qtbot, getattr(sqlite_staff, role), sqlite_staff)
    for menu in [window.menuBar(), *window.menuBar().findChildren(QMenu)]:
        letters = [mnemonic(action.text()) for action in menu.actions()
                   if action.isVisible() and not action.isSeparator()]
        assert None not in letters and len(letters) == len(set(letters)), (menu.title(), letters)
