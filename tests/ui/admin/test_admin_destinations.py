"""The Referral destinations page: the directory of where letters go, kept by the manager."""
from __future__ import annotations

import pytest
from admin_helpers import cells, click_row, press_enter, row_of, shown, type_into
from PySide6.QtCore import QPoint, Qt

from clinic_desktop.services.referrals import destinations
from clinic_desktop.ui.admin.admin_destinations import DestinationDialog, DestinationsPage
from clinic_desktop.ui.shell.change_hub import ChangeHub


@pytest.fixture
def page(qtbot, sqlite_staff):
    destinations.create_destination(sqlite_staff.manager, name="Bristol Community Physiotherapy",
                                    department="MSK physiotherapy", telephone="0117 496 0200",
                                    kinds=["standard_physiotherapy", "biopsychosocial"],
                                    default_for=["standard_physiotherapy"])
    return shown(qtbot, DestinationsPage(sqlite_staff.manager, ChangeHub(sqlite_staff.manager)))


def opened_dialog(qtbot, page, text: str) -> DestinationDialog:
    button = next(button for button in page.findChildren(type(page.active_button)) if button.text() == text)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = page.findChild(DestinationDialog)
    assert dialog is not None and dialog.isVisible()
    return dialog


def tick(qtbot, box) -> None:
    """Click on the box itself: a stretched check box ignores clicks beyond its text."""
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))


def test_the_directory_lists_what_each_destination_takes_and_is_usual_for(page):
    assert row_of(page, "Bristol Community Physiotherapy") == [
        "Bristol Community Physiotherapy", "MSK physiotherapy", "in use", "Physiotherapy",
        "Physiotherapy; Biopsychosocial", "0117 496 0200"]


def test_a_new_destination_becomes_the_usual_one_for_its_kind(qtbot, page, sqlite_staff):
    dialog = opened_dialog(qtbot, page, "&New destination…")
    type_into(qtbot, dialog.name, "Severn Pain Centre")
    assert not dialog.default["pain_spinal_centre"].isEnabled()  # only for a kind it takes
    tick(qtbot, dialog.takes["pain_spinal_centre"])
    tick(qtbot, dialog.default["pain_spinal_centre"])
    press_enter(dialog.name)
    assert not dialog.isVisible()
    assert page.status.text() == "Added Severn Pain Centre to the directory."
    assert row_of(page, "Severn Pain Centre")[2:5] == ["in use", "Pain / spinal centre", "Pain / spinal centre"]
    assert destinations.list_destinations(sqlite_staff.manager, kind="pain_spinal_centre")[0].default_for == (
        "pain_spinal_centre",)


def test_a_destination_without_a_name_is_refused_in_the_form(qtbot, page):
    dialog = opened_dialog(qtbot, page, "&New destination…")
    tick(qtbot, dialog.takes["spinal_surgical"])
    press_enter(dialog.department)
    assert dialog.isVisible()
    assert dialog.message.text() == "Enter the destination's name."
    assert dialog.focusWidget() is dialog.name


def test_a_destination_taking_no_kind_is_refused_in_the_form(qtbot, page):
    dialog = opened_dialog(qtbot, page, "&New destination…")
    type_into(qtbot, dialog.name, "Nowhere Clinic")
    press_enter(dialog.name)
    assert dialog.message.text() == "Choose at least one kind of referral the destination takes."
    assert "Nowhere Clinic" not in cells(page, 0)


def test_an_edited_telephone_is_saved(qtbot, page, sqlite_staff):
    click_row(qtbot, page, "Bristol Community Physiotherapy")
    dialog = opened_dialog(qtbot, page, "&Edit…")
    type_into(qtbot, dialog.telephone, "0117 496 0999")
    press_enter(dialog.telephone)
    assert page.status.text() == "Saved Bristol Community Physiotherapy – MSK physiotherapy."
    assert row_of(page, "Bristol Community Physiotherapy")[-1] == "0117 496 0999"


def test_deactivating_says_which_kinds_need_a_new_usual_destination(qtbot, page, sqlite_staff):
    click_row(qtbot, page, "Bristol Community Physiotherapy")
    qtbot.mouseClick(page.active_button, Qt.MouseButton.LeftButton)
    assert page.status.text() == ("Deactivated Bristol Community Physiotherapy – MSK physiotherapy: new letters "
                                  "can no longer go there; choose another usual destination for Standard "
                                  "physiotherapy.")
    assert row_of(page, "Bristol Community Physiotherapy")[2:4] == ["deactivated", "—"]
    assert page.active_button.text() == "Re&activate"
    assert destinations.list_destinations(sqlite_staff.manager) == ()
