"""The Administration tab: its page list, a page added by the lead, and new settings passed on."""
from __future__ import annotations

from importlib import import_module

import pytest
from admin_helpers import shown, type_into
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.ui.admin.admin_letterhead import LetterheadPage
from clinic_desktop.ui.admin.admin_panel import AdminPanel, for_screenshot
from clinic_desktop.ui.admin.admin_timings import TimingsPage
from clinic_desktop.ui.shell.change_hub import ChangeHub


@pytest.fixture
def panel(qtbot, sqlite_staff):
    hub = ChangeHub(sqlite_staff.manager)
    return shown(qtbot, AdminPanel(sqlite_staff.manager, load_settings(), hub))


def titles(panel) -> list[str]:
    return [panel.pages.item(row).text() for row in range(panel.pages.count())]


def choose(qtbot, panel, title: str) -> None:
    row = titles(panel).index(title)
    rect = panel.pages.visualItemRect(panel.pages.item(row))
    qtbot.mouseClick(panel.pages.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_the_pages_are_listed_and_the_users_page_comes_first(panel):
    assert titles(panel) == ["Users", "Sessions and leave", "Clinic", "Pathway timings", "Referral destinations",
                             "Letterhead", "Messages"]
    assert panel.current_page() is panel.users


def test_a_page_not_yet_chosen_is_not_built(qtbot, panel):
    """The letterhead page draws a PDF and the others read their lists: only when chosen."""
    assert panel.findChildren(LetterheadPage) == [] and panel.findChildren(TimingsPage) == []
    choose(qtbot, panel, "Letterhead")
    assert panel.findChildren(LetterheadPage) == [panel.current_page()]


def test_choosing_a_page_shows_it(qtbot, panel):
    choose(qtbot, panel, "Pathway timings")
    assert panel.current_page() is panel.timings


def test_a_page_added_later_is_listed_and_shown(qtbot, panel):
    backup = QLabel("Back up now")
    panel.add_page("Backup", backup)
    choose(qtbot, panel, "Backup")
    assert titles(panel)[-1] == "Backup" and panel.current_page() is backup


def test_new_clinic_settings_are_passed_on(qtbot, panel):
    panel.show_page("Clinic")
    type_into(qtbot, panel.clinic.name, "Riverside Back Pain Clinic")
    with qtbot.waitSignal(panel.settings_changed) as changed:
        qtbot.mouseClick(panel.clinic.save_button, Qt.MouseButton.LeftButton)
    assert changed.args[0] == load_settings()
    assert changed.args[0].name == "Riverside Back Pain Clinic"


def test_the_screenshot_builds_over_the_database(qtbot, sqlite_staff):
    widget = for_screenshot(sqlite_staff.manager, load_settings(), ChangeHub(sqlite_staff.manager))
    qtbot.addWidget(widget)
    assert widget.users.model.rowCount() == 4


@pytest.mark.parametrize("module", ["admin_users", "admin_clinic", "admin_timings", "admin_destinations",
                                    "admin_letterhead"])
def test_each_page_pictures_itself_over_the_database(qtbot, sqlite_staff, module):
    widget = import_module(f"clinic_desktop.ui.admin.{module}").for_screenshot(
        sqlite_staff.manager, load_settings(), ChangeHub(sqlite_staff.manager))
    qtbot.addWidget(widget)
    assert not widget.grab().isNull()
