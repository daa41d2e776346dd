"""Alt+letter: on every page a user can reach, each letter does one thing.

A letter taken twice among what is on screen (a menu, a tab, a page's buttons and fields)
makes Qt cycle between them instead of acting, so a keyboard user's Alt+D would land on
the wrong control or none.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timezone

import pytest
from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel, QTabBar, QWidget

from clinic_desktop.services.episodes import episodes
from clinic_desktop.services.patients import patients
from clinic_desktop.ui.shell.main_window import MainWindow

CLINIC_TIME = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)  # every test here (tests/conftest.py: clinic_clock)


def _letter(text: str | None) -> str | None:
    found = re.search(r"&([^&])", text or "")
    return found.group(1).lower() if found else None


def _letters_on(page: QWidget, window: QWidget) -> list[tuple[str, str]]:
    """(letter, text) of every visible control on ``page`` that takes an Alt+letter."""
    taken = []
    for kind in (QAbstractButton, QLabel, QGroupBox):
        for control in page.findChildren(kind):
            if not control.isVisibleTo(window) or (isinstance(control, QLabel) and control.buddy() is None):
                continue
            text = control.title() if isinstance(control, QGroupBox) else control.text()
            if _letter(text):
                taken.append((_letter(text), text))
    for bar in page.findChildren(QTabBar):
        if bar.isVisibleTo(window):
            taken += [(_letter(bar.tabText(index)), bar.tabText(index)) for index in range(bar.count())
                      if _letter(bar.tabText(index))]
    return taken


def _clashes(window: MainWindow) -> list[str]:
    window_wide = [(_letter(action.text()), action.text()) for action in window.menuBar().actions()]
    window_wide += [(_letter(window.tabs.tabText(index)), window.tabs.tabText(index))
                    for index in range(window.tabs.count())]
    window_wide = [(letter, text) for letter, text in window_wide if letter]
    found = []
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        page = window.tabs.widget(index)
        stack = getattr(page, "stack", None)  # the Administration tab's pages, one at a time
        for shown in ([stack.widget(number) for number in range(stack.count())] if stack else [page]):
            if stack:
                stack.setCurrentWidget(shown)
            taken = window_wide + _letters_on(shown, window)
            letters = [letter for letter, _ in taken]
            found += [f"{window.tabs.tabText(index)} / {type(shown).__name__}: Alt+{letter} is "
                      f"{' and '.join(text for each, text in taken if each == letter)}"
                      for letter in sorted(set(letters)) if letters.count(letter) > 1]
    return found


@pytest.mark.parametrize("role", ["receptionist", "clinician", "manager"])
def test_every_alt_letter_on_every_page_does_one_thing(qtbot, main_window, sqlite_staff, role):
    patient = patients.register_patient(sqlite_staff.receptionist, family_name="Smith", given_name="Ann",
                                        date_of_birth=date(1970, 1, 1))
    episodes.open_episode(sqlite_staff.clinician, patient.id, first_contact_on=date(2026, 11, 9),
                          presentation="non_specific", severity="moderate")
    actor = getattr(sqlite_staff, role)
    window = main_window(actor)
    window.resize(1280, 800)
    window.show()
    window.open_patient(patient.id)
    assert _clashes(window) == []
