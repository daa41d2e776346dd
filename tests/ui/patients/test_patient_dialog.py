"""Registering and editing a patient: inline messages, the duplicate warning, Register anyway."""
from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QPushButton
from test_patient_search import CLINIC_TIME  # noqa: F401 (the clinic's clock: Mon 23 Nov 2026)

from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.core.errors import DatabaseUnavailable
from clinic_desktop.services.patients import patient_search, patients
from clinic_desktop.ui.patients.patient_dialog import PatientDialog, for_screenshot, parse_date_of_birth


@pytest.fixture
def dialog(qtbot, sqlite_staff):
    widget = PatientDialog(sqlite_staff.receptionist, load_settings())
    qtbot.addWidget(widget)
    widget.open()
    return widget


def fill(qtbot, dialog, family="Smith", given="Ann", born="01/02/1970", nhs=""):
    for field, text in ((dialog.family_name, family), (dialog.given_name, given), (dialog.date_of_birth, born),
                        (dialog.nhs_number, nhs)):
        field.setFocus()
        qtbot.keyClicks(field, text)
        field.editingFinished.emit()  # leaving the field, as Tab would


def click_register(qtbot, dialog):
    """Enter in a field presses the default button, Register."""
    QTest.keyClick(dialog.nhs_number, Qt.Key.Key_Return)


def test_registering_saves_the_patient_and_emits_the_record(qtbot, dialog, sqlite_staff):
    fill(qtbot, dialog, nhs="943 476 5919")
    with qtbot.waitSignal(dialog.saved) as saved:
        click_register(qtbot, dialog)
    assert saved.args[0].display_name == "SMITH, Ann"
    assert patient_search.search_patients(sqlite_staff.receptionist, "9434765919")[0].date_of_birth == date(1970, 2, 1)
    assert not dialog.isVisible()


def test_bad_nhs_number_shows_the_check_digit_message_under_the_field_as_typed(qtbot, dialog):
    dialog.nhs_number.setFocus()
    qtbot.keyClicks(dialog.nhs_number, "943 476 5918")
    note = dialog.notes["nhs_number"]
    assert note.isVisible() and "is not a valid NHS number" in note.text()


def test_half_typed_nhs_number_is_not_called_wrong_until_the_field_is_left(qtbot, dialog):
    dialog.nhs_number.setFocus()
    qtbot.keyClicks(dialog.nhs_number, "943 47")
    assert not dialog.notes["nhs_number"].isVisible()
    dialog.nhs_number.editingFinished.emit()
    assert "has 5" in dialog.notes["nhs_number"].text()


def test_register_with_a_bad_nhs_number_stores_nothing(qtbot, dialog, sqlite_staff):
    fill(qtbot, dialog, nhs="943 476 5918")
    with qtbot.assertNotEmitted(dialog.saved):
        click_register(qtbot, dialog)
    assert dialog.isVisible()
    assert "Correct the details marked" in dialog.message.text()
    assert patient_search.search_patients(sqlite_staff.receptionist, "smith") == ()


def test_missing_family_name_is_said_when_the_field_is_left(qtbot, dialog):
    dialog.family_name.setFocus()
    dialog.family_name.editingFinished.emit()
    assert dialog.notes["family_name"].text() == "⚠ Enter the patient's family name"


def test_date_of_birth_in_the_future_is_refused_under_the_field(qtbot, dialog):
    fill(qtbot, dialog, born="01/02/2027")
    assert "is in the future" in dialog.notes["date_of_birth"].text()


def test_date_of_birth_is_read_back_with_the_age(qtbot, dialog):
    fill(qtbot, dialog, born="1 feb 1970")
    assert dialog.notes["date_of_birth"].text() == "Sun 1 Feb 1970 — 56 years old"


@pytest.mark.parametrize("typed", ["01/02/1970", "1/2/1970", "1970-02-01", "1 Feb 1970", "01 february 1970",
                                   "01.02.1970"])
def test_date_of_birth_is_understood_typed_several_ways(typed):
    assert parse_date_of_birth(typed) == date(1970, 2, 1)


@pytest.mark.parametrize("typed, message", [("31/02/1970", "not a date that exists"), ("1/2/70", "year in full"),
                                            ("yesterday", "is not a date")])
def test_date_of_birth_that_cannot_be_read_says_why(typed, message):
    with pytest.raises(ValueError, match=message):
        parse_date_of_birth(typed)


def test_same_name_and_birth_date_shows_the_match_and_needs_register_anyway(qtbot, dialog, sqlite_staff):
    existing = patients.register_patient(sqlite_staff.receptionist, family_name="Smith", given_name="Ann",
                                         date_of_birth=date(1970, 2, 1), postcode="LS2 9ZZ")
    fill(qtbot, dialog)
    panel = dialog.duplicates
    assert panel.isVisible() and "may already be registered" in panel.heading.text()
    assert any("SMITH, Ann, born 01 Feb 1970" in label.text() and "LS2 9ZZ" in label.text()
               for label in panel.findChildren(QLabel))
    assert panel.anyway.isVisible() and not panel.anyway.isChecked()
    with qtbot.assertNotEmitted(dialog.saved):
        click_register(qtbot, dialog)  # not confirmed: the service refuses
    assert "confirm that this is a different person" in panel.heading.text()
    panel.anyway.setChecked(True)
    with qtbot.waitSignal(dialog.saved) as saved:
        click_register(qtbot, dialog)
    assert saved.args[0].id != existing.id
    assert len(patient_search.search_patients(sqlite_staff.receptionist, "smith, ann")) == 2


def test_same_nhs_number_is_shown_without_register_anyway(qtbot, dialog, sqlite_staff):
    patients.register_patient(sqlite_staff.receptionist, family_name="Jones", given_name="Bob",
                              date_of_birth=date(1960, 5, 5), nhs_number="9434765919")
    fill(qtbot, dialog, nhs="9434765919")
    panel = dialog.duplicates
    assert "This NHS number is already registered" in panel.heading.text()
    assert not panel.anyway.isVisible()
    with qtbot.assertNotEmitted(dialog.saved):
        click_register(qtbot, dialog)
    assert "already registered to JONES, Bob" in dialog.message.text() + panel.heading.text()


def test_opening_the_matching_record_asks_for_that_patient(qtbot, dialog, sqlite_staff):
    existing = patients.register_patient(sqlite_staff.receptionist, family_name="Smith", given_name="Ann",
                                         date_of_birth=date(1970, 2, 1))
    fill(qtbot, dialog)
    button = next(b for b in dialog.duplicates.findChildren(QPushButton) if b.text() == "Open SMITH, Ann")
    with qtbot.waitSignal(dialog.patient_requested) as requested:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert requested.args == [existing.id]


def open_for_editing(qtbot, staff, **details):
    """SMITH, Ann registered, then 'Edit details' opened on her by reception."""
    record = patients.register_patient(staff.receptionist, family_name="Smith", given_name="Ann",
                                       date_of_birth=date(1970, 2, 1), **details)
    dialog = PatientDialog(staff.receptionist, load_settings(), record.id)
    qtbot.addWidget(dialog)
    dialog.open()
    return dialog, record


def test_editing_shows_the_details_and_saves_a_change(qtbot, sqlite_staff):
    dialog, _ = open_for_editing(qtbot, sqlite_staff, nhs_number="9434765919")
    assert dialog.nhs_number.text() == "943 476 5919" and dialog.date_of_birth.text() == "01 Feb 1970"
    dialog.hepatic_impairment.setCurrentIndex(dialog.hepatic_impairment.findData("moderate"))
    dialog.check_duplicates()
    assert not dialog.duplicates.isVisible()  # the patient is not their own duplicate
    with qtbot.waitSignal(dialog.saved) as saved:
        QTest.keyClick(dialog.family_name, Qt.Key.Key_Return)
    assert saved.args[0].hepatic_impairment == "moderate"


def test_screenshot_shows_the_duplicate_warning(qtbot, sqlite_staff):
    patients.register_patient(sqlite_staff.receptionist, family_name="Smith", given_name="Ann",
                              date_of_birth=date(1970, 2, 1))
    dialog = for_screenshot(sqlite_staff.receptionist, load_settings(), None)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.duplicates.isVisible()


def test_a_detail_the_service_refuses_is_marked_under_its_field_until_corrected(qtbot, dialog, sqlite_staff):
    fill(qtbot, dialog)
    qtbot.keyClicks(dialog.postcode, "12345")
    with qtbot.assertNotEmitted(dialog.saved):
        click_register(qtbot, dialog)
    assert "does not look like a UK postcode" in dialog.notes["postcode"].text()
    dialog.postcode.clear()
    qtbot.keyClicks(dialog.postcode, "ls2 9zz")
    with qtbot.waitSignal(dialog.saved) as saved:
        click_register(qtbot, dialog)
    assert saved.args[0].postcode == "LS2 9ZZ"


# --- saving a form read before another workstation's change ---


@pytest.fixture
def opened_for_editing(qtbot, sqlite_staff):
    """Reception opens 'Edit details'; then a clinician records severe hepatic impairment elsewhere."""
    dialog, record = open_for_editing(qtbot, sqlite_staff, telephone="01632 960000")
    patients.edit_patient(sqlite_staff.clinician, record.id, hepatic_impairment="severe")
    return dialog, record


def retype(qtbot, field, text):
    field.clear()
    qtbot.keyClicks(field, text)


def test_a_stale_edit_keeps_the_other_change_and_what_was_typed(qtbot, opened_for_editing, sqlite_staff):
    dialog, record = opened_for_editing
    retype(qtbot, dialog.telephone, "01632 960001")
    with qtbot.assertNotEmitted(dialog.saved):
        QTest.keyClick(dialog.telephone, Qt.Key.Key_Return)
    stored = patients.get_patient(sqlite_staff.receptionist, record.id)
    assert (stored.hepatic_impairment, stored.telephone) == ("severe", "01632 960000")
    assert dialog.isVisible()
    assert "were changed by Dr Alys Jones since you opened them (hepatic impairment); nothing was saved" in (
        dialog.message.text())
    assert dialog.telephone.text() == "01632 960001"
    assert dialog.hepatic_impairment.currentData() == "severe"
    assert dialog.notes["hepatic_impairment"].text() == "⚠ Changed on another workstation: now Severe"
    with qtbot.waitSignal(dialog.saved) as saved:
        QTest.keyClick(dialog.telephone, Qt.Key.Key_Return)
    assert (saved.args[0].telephone, saved.args[0].hepatic_impairment) == ("01632 960001", "severe")
    assert patients.get_patient(sqlite_staff.receptionist, record.id) == saved.args[0]


def test_a_field_changed_on_both_workstations_keeps_the_typed_value_and_shows_the_stored_one(
        qtbot, opened_for_editing, sqlite_staff):
    dialog, record = opened_for_editing
    dialog.hepatic_impairment.setCurrentIndex(dialog.hepatic_impairment.findData("mild"))
    with qtbot.assertNotEmitted(dialog.saved):
        dialog.save()
    assert dialog.hepatic_impairment.currentData() == "mild"
    assert dialog.notes["hepatic_impairment"].text() == (
        "⚠ Changed on another workstation to Severe; saving replaces it with what you typed")
    with qtbot.waitSignal(dialog.saved):
        dialog.save()
    assert patients.get_patient(sqlite_staff.receptionist, record.id).hepatic_impairment == "mild"


def test_an_edit_sends_only_the_details_the_user_changed(qtbot, sqlite_staff, monkeypatch):
    dialog, record = open_for_editing(qtbot, sqlite_staff)
    sent = []
    monkeypatch.setattr(patients, "edit_patient", lambda actor, patient_id, **changes: sent.append(changes) or record)
    retype(qtbot, dialog.telephone, "01632 960001")
    dialog.save()
    assert sent == [dict(as_read=record.updated_at, telephone="01632 960001")]


def test_a_database_error_while_checking_for_duplicates_is_shown_not_raised(qtbot, dialog, monkeypatch):
    def unreachable(*args, **kwargs):
        raise DatabaseUnavailable("The database server could not be reached; nothing was saved.")

    monkeypatch.setattr(patients, "find_possible_duplicates", unreachable)
    dialog.nhs_number.setFocus()
    qtbot.keyClicks(dialog.nhs_number, "943 476 5919")  # the check runs on the keystroke completing the number
    assert dialog.message.text() == ("Could not check whether this patient is already registered: "
                                     "The database server could not be reached; nothing was saved.")


def test_nsaid_contraindications_are_ticked_registered_and_shown_again(qtbot, dialog, sqlite_staff):
    fill(qtbot, dialog)
    boxes = dialog.nsaid_contraindications.boxes
    assert [box.text() for box in boxes.values()][:2] == ["Gastrointestinal bleed or peptic ulcer history",
                                                          "Renal impairment"]
    assert not any(box.isChecked() for box in boxes.values())
    for key in ("anticoagulant", "gi_bleed_or_ulcer"):
        QTest.keyClick(boxes[key], Qt.Key.Key_Space)
    with qtbot.waitSignal(dialog.saved) as saved:
        click_register(qtbot, dialog)
    assert saved.args[0].nsaid_contraindications == ("gi_bleed_or_ulcer", "anticoagulant")
    again = PatientDialog(sqlite_staff.receptionist, load_settings(), saved.args[0].id)
    qtbot.addWidget(again)
    assert again.nsaid_contraindications.keys() == ("gi_bleed_or_ulcer", "anticoagulant")


def test_a_contraindication_ticked_elsewhere_meanwhile_is_kept_and_said(qtbot, sqlite_staff):
    dialog, record = open_for_editing(qtbot, sqlite_staff)
    patients.edit_patient(sqlite_staff.clinician, record.id, nsaid_contraindications=["heart_failure"])
    retype(qtbot, dialog.telephone, "01632 960001")
    QTest.keyClick(dialog.family_name, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "nothing was saved" in dialog.message.text())
    assert dialog.nsaid_contraindications.keys() == ("heart_failure",)
    assert dialog.notes["nsaid_contraindications"].text() == (
        "⚠ Changed on another workstation: now 'Heart failure'")
    with qtbot.waitSignal(dialog.saved) as saved:
        QTest.keyClick(dialog.family_name, Qt.Key.Key_Return)
    assert (saved.args[0].telephone, saved.args[0].nsaid_contraindications) == ("01632 960001", ("heart_failure",))


# --- the Contact tab ---


def open_contact_tab(qtbot, dialog):
    dialog.tabs.setCurrentIndex(1)
    assert dialog.tabs.tabText(1) == "Contact" and dialog.mobile.isVisible()


def test_registering_with_contact_details_and_sms_consent_stores_them(qtbot, dialog, sqlite_staff):
    fill(qtbot, dialog)
    open_contact_tab(qtbot, dialog)
    for field, text in ((dialog.mobile, "07700 900123"), (dialog.email, "ann@example.org"),
                        (dialog.gp_practice_name, "Riverside Medical Practice"), (dialog.gp_practice_ods, "l99001"),
                        (dialog.interpreter_language, "Polish")):
        qtbot.keyClicks(field, text)
    dialog.preferred_contact.setCurrentIndex(dialog.preferred_contact.findData("sms"))
    qtbot.mouseClick(dialog.sms_reminders_consented_on.given, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(dialog.saved) as saved:
        QTest.keyClick(dialog.mobile, Qt.Key.Key_Return)
    record = saved.args[0]
    assert (record.mobile, record.email, record.preferred_contact, record.sms_reminders_consented_on,
            record.email_reminders_consented_on, record.gp_practice_ods, record.interpreter_language) == (
        "07700 900123", "ann@example.org", "sms", date(2026, 11, 23), None, "L99001", "Polish")


def test_sms_consent_without_a_mobile_is_refused_under_the_consent_on_the_contact_tab(qtbot, dialog, sqlite_staff):
    fill(qtbot, dialog)
    dialog.sms_reminders_consented_on.set_value(date(2026, 11, 20))
    with qtbot.assertNotEmitted(dialog.saved):
        click_register(qtbot, dialog)
    assert dialog.tabs.currentIndex() == 1  # the refusal shows where the consent is
    note = dialog.notes["sms_reminders_consented_on"]
    assert note.isVisible() and "needs a mobile number" in note.text()
    assert patient_search.search_patients(sqlite_staff.receptionist, "smith") == ()


def test_editing_shows_the_stored_consent_and_unticking_withdraws_it(qtbot, sqlite_staff):
    record = patients.register_patient(sqlite_staff.receptionist, family_name="Smith", given_name="Ann",
                                       date_of_birth=date(1970, 2, 1), mobile="07700 900123",
                                       sms_reminders_consented_on=date(2026, 10, 1))
    dialog = PatientDialog(sqlite_staff.receptionist, load_settings(), patient_id=record.id)
    qtbot.addWidget(dialog)
    dialog.open()
    consent = dialog.sms_reminders_consented_on
    assert consent.given.isChecked() and consent.on.date().toPython() == date(2026, 10, 1)
    open_contact_tab(qtbot, dialog)
    qtbot.mouseClick(consent.given, Qt.MouseButton.LeftButton)
    assert not consent.on.isEnabled()
    with qtbot.waitSignal(dialog.saved) as saved:
        QTest.keyClick(dialog.mobile, Qt.Key.Key_Return)
    assert saved.args[0].sms_reminders_consented_on is None
    assert saved.args[0].mobile == "07700 900123"


def test_the_dialog_fits_a_1366_by_768_screen(qtbot, dialog):
    hint = dialog.sizeHint()
    assert hint.width() <= 1366 and hint.height() <= 700  # the rest is the taskbar and the title bar
