"""Finding a patient from the keyboard: by name, NHS number (spaces or not) and date of birth."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from clinic_desktop.services.core.errors import DatabaseUnavailable
from clinic_desktop.services.patients import patient_search, patients
from clinic_desktop.ui.patients.patient_search import PatientSearch, for_screenshot

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)  # Monday 23 Nov 2026, 09:00 in London


# The clinic's clock for every test of the patient screens (the other modules import it).
CLINIC_TIME = NOW  # every test here runs at this moment (tests/conftest.py: clinic_clock)


@pytest.fixture
def people(sqlite_staff):
    def register(family, given, born, nhs=None):
        return patients.register_patient(sqlite_staff.receptionist, family_name=family, given_name=given,
                                         date_of_birth=born, nhs_number=nhs).id
    return {
        "ann": register("Smith", "Ann", date(1970, 2, 1), "943 476 5919"),
        "anna": register("Smithson", "Anna", date(1985, 7, 3)),
        "bob": register("Jones", "Bob", date(1970, 2, 1), "4010232137"),
    }


@pytest.fixture
def search(qtbot, sqlite_staff, people):
    widget = PatientSearch(sqlite_staff.receptionist)
    qtbot.addWidget(widget)
    widget.show()
    widget.box.setFocus()
    return widget


def shown_names(search) -> list[str]:
    model = search.model
    return [model.index(row, 0).data() for row in range(model.rowCount())] if search.results.isVisible() else []


def test_typing_the_start_of_a_family_name_lists_the_matches(qtbot, search):
    qtbot.keyClicks(search.box, "smi")
    assert shown_names(search) == ["SMITH, Ann", "SMITHSON, Anna"]


def test_family_then_given_name_narrows_the_list(qtbot, search):
    qtbot.keyClicks(search.box, "smith, ann")
    assert shown_names(search) == ["SMITH, Ann", "SMITHSON, Anna"]
    search.box.clear()
    qtbot.keyClicks(search.box, "smiths a")
    assert shown_names(search) == ["SMITHSON, Anna"]


def test_a_row_shows_the_date_of_birth_with_age_and_the_nhs_number_three_three_four(qtbot, search):
    qtbot.keyClicks(search.box, "smith a")
    assert search.model.index(0, 1).data() == "01 Feb 1970 (56 y)"
    assert search.model.index(0, 2).data() == "943 476 5919"


def test_nhs_number_typed_without_spaces_finds_the_patient(qtbot, search, people):
    qtbot.keyClicks(search.box, "9434765919")
    assert shown_names(search) == ["SMITH, Ann"]


def test_nhs_number_typed_with_spaces_finds_the_patient(qtbot, search):
    qtbot.keyClicks(search.box, "401 023 2137")
    assert shown_names(search) == ["JONES, Bob"]


def test_half_an_nhs_number_asks_to_keep_typing(qtbot, search):
    qtbot.keyClicks(search.box, "943 476")
    assert shown_names(search) == []
    assert search.status.text().startswith("Keep typing")


def test_a_mobile_number_typed_digit_by_digit_finds_the_patient_from_the_fifth_digit(qtbot, sqlite_staff, search):
    patients.edit_patient(sqlite_staff.receptionist, patient_search.search_patients(
        sqlite_staff.receptionist, "jones")[0].id, mobile="07700 900123", telephone="0117 496 0001")
    shown = []
    for character in "+44 7700 900123":
        qtbot.keyClicks(search.box, character)
        shown.append(shown_names(search))
    assert search.status.text().startswith("1 patient found")
    assert shown[:7] == [[]] * 7  # "+44 770": four digits of 07700…
    assert shown[7:] == [["JONES, Bob"]] * 8
    assert search.model.index(0, 3).data() == "07700 900123 (mobile), 0117 496 0001"


def test_a_postcode_finds_the_patient_and_shows_in_the_row(qtbot, sqlite_staff, search, people):
    patients.edit_patient(sqlite_staff.receptionist, people["anna"], postcode="bs16 2na")
    qtbot.keyClicks(search.box, "bs16")
    assert shown_names(search) == ["SMITHSON, Anna"]
    assert search.model.index(0, 4).data() == "BS16 2NA"


def test_a_number_too_short_for_a_phone_asks_for_more_digits(qtbot, search):
    qtbot.keyClicks(search.box, "0117")
    assert search.status.text().startswith("Keep typing… a phone number is searched from its first 5 digits")


@pytest.mark.parametrize("typed", ["01/02/1970", "1/2/1970", "1970-02-01"])
def test_date_of_birth_finds_everyone_born_that_day(qtbot, search, typed):
    qtbot.keyClicks(search.box, typed)
    assert shown_names(search) == ["JONES, Bob", "SMITH, Ann"]


def test_no_match_says_so_with_what_was_typed(qtbot, search):
    qtbot.keyClicks(search.box, "zebedee")
    assert shown_names(search) == []
    assert search.status.text().startswith("No patient matches “zebedee”")


def test_keyboard_only_type_down_enter_opens_the_patient(qtbot, search, people):
    qtbot.keyClicks(search.box, "smi")
    QTest.keyClick(search.box, Qt.Key.Key_Down)
    QTest.keyClick(search.results, Qt.Key.Key_Down)
    with qtbot.waitSignal(search.patient_chosen) as chosen:
        QTest.keyClick(search.results, Qt.Key.Key_Return)
    assert chosen.args == [people["anna"]]


def test_enter_in_the_box_opens_the_only_match(qtbot, search, people):
    qtbot.keyClicks(search.box, "943 476 5919")
    with qtbot.waitSignal(search.patient_chosen) as chosen:
        QTest.keyClick(search.box, Qt.Key.Key_Return)
    assert chosen.args == [people["ann"]]


def test_enter_with_several_matches_moves_into_the_list_rather_than_guessing(qtbot, search):
    qtbot.keyClicks(search.box, "smi")
    with qtbot.assertNotEmitted(search.patient_chosen):
        QTest.keyClick(search.box, Qt.Key.Key_Return)
    assert search.results.hasFocus() and search.results.currentIndex().row() == 0


def test_escape_clears_the_search(qtbot, search):
    qtbot.keyClicks(search.box, "smi")
    QTest.keyClick(search.box, Qt.Key.Key_Escape)
    assert search.box.text() == "" and shown_names(search) == []


def test_typing_in_the_list_carries_on_in_the_box(qtbot, search):
    qtbot.keyClicks(search.box, "smith")
    QTest.keyClick(search.box, Qt.Key.Key_Down)
    qtbot.keyClicks(search.results, "s")
    assert search.box.text() == "smiths" and shown_names(search) == ["SMITHSON, Anna"]


def test_each_keystroke_makes_at_most_one_search(qtbot, search, monkeypatch):
    calls = []
    real = patient_search.search_patients
    monkeypatch.setattr(patient_search, "search_patients",
                        lambda *args, **kwargs: calls.append(args) or real(*args, **kwargs))
    qtbot.keyClicks(search.box, "smit")
    assert len(calls) == 4


def test_register_new_patient_opens_the_dialog_with_the_typed_name(qtbot, search):
    qtbot.keyClicks(search.box, "brown, eve")
    qtbot.mouseClick(search.register_button, Qt.MouseButton.LeftButton)
    dialog = search.register_dialog
    assert dialog.isVisible()
    assert (dialog.family_name.text(), dialog.given_name.text()) == ("Brown", "Eve")
    dialog.reject()


def test_screenshot_shows_results(qtbot, sqlite_staff, people):
    widget = for_screenshot(sqlite_staff.receptionist, None, None)
    qtbot.addWidget(widget)
    assert widget.model.rowCount() >= 1


def test_a_search_the_database_cannot_answer_says_so_and_keeps_what_was_typed(qtbot, search, monkeypatch):
    def unreachable(*args, **kwargs):
        raise DatabaseUnavailable("the database server could not be reached")

    qtbot.keyClicks(search.box, "smi")
    assert shown_names(search) == ["SMITH, Ann", "SMITHSON, Anna"]
    monkeypatch.setattr(patient_search, "search_patients", unreachable)
    qtbot.keyClicks(search.box, "t")
    assert search.status.text() == "⚠ The search could not be made just now: the database server could not be reached"
    assert search.box.text() == "smit" and shown_names(search) == []
