"""Starting and stopping medicines through the real form, with the hepatic warning before saving."""
from __future__ import annotations

from datetime import date

from medicine_typing import enter_medicine
from PySide6.QtCore import QDate, Qt
from relaxant_answers import FOR_SPASM
from test_pathway_notices import CLINIC_TIME, episode_form, tick  # noqa: F401 (CLINIC_TIME: the clinic's clock)

from clinic_desktop.models import Medication
from clinic_desktop.services.core.errors import DatabaseUnavailable
from clinic_desktop.services.episodes import episode_records
from clinic_desktop.services.episodes.episodes import MedicationInput
from clinic_desktop.services.patients import patients
from clinic_desktop.ui.forms.medication_form import MedicationForm
from clinic_desktop.ui.forms.medicine_entry import CATEGORY_LABELS


def fill_relaxant(qtbot, form, amount="5"):
    enter_medicine(qtbot, form.medicine, "cyclobenzaprine", amount, "mg", "at_night", "muscle spasm", spasm=True)
    form.category.setCurrentIndex(list(CATEGORY_LABELS).index("muscle_relaxant"))


def medicines(staff, episode_id):
    return [(row.name, row.stopped_on) for row in episode_records.get_episode(staff.clinician, episode_id).medications]


def test_a_relaxant_with_moderate_hepatic_impairment_is_not_saved_without_acknowledgement(qtbot, sqlite_staff):
    form = episode_form(qtbot, sqlite_staff, MedicationForm, hepatic="moderate")
    episode_id = form.episode_id
    fill_relaxant(qtbot, form)
    assert form.caution.isVisible() and form.caution.acknowledge.isVisible()
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert form.message.text().endswith("Acknowledge to proceed.")
    assert medicines(sqlite_staff, episode_id) == [] and form.announced == []
    tick(qtbot, form.caution.acknowledge)
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert medicines(sqlite_staff, episode_id) == [("cyclobenzaprine", None)]
    (update,) = form.announced
    assert "Medication review to book, due by Mon 21 Dec 2026" in update.notices


def test_an_unlisted_medicine_needs_its_category(qtbot, sqlite_staff):
    form = episode_form(qtbot, sqlite_staff, MedicationForm)
    qtbot.keyClicks(form.name, "devil's claw")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert form.message.text() == "Choose the medicine's category."


def test_stopping_the_relaxant_cancels_its_unbooked_review(qtbot, sqlite_staff):
    relaxant = MedicationInput("cyclobenzaprine", "muscle_relaxant", "5 mg at night", **FOR_SPASM)
    form = episode_form(qtbot, sqlite_staff, MedicationForm, medications=[relaxant])
    episode_id = form.episode_id
    assert form.current.item(0).text() == "cyclobenzaprine 5 mg at night — Muscle relaxant, since 26 Nov 2026"
    form.stopped_on.setDate(QDate(2026, 11, 30))
    qtbot.mouseClick(form.stop_button, Qt.MouseButton.LeftButton)
    assert medicines(sqlite_staff, episode_id) == [("cyclobenzaprine", date(2026, 11, 30))]
    (update,) = form.announced
    assert update.notices == ("Medication review cancelled: medication stopped",)


def test_stopping_one_medicine_keeps_a_new_one_half_typed(qtbot, sqlite_staff):
    """Switching medicines: the old one stopped, the new one still in the form to record."""
    relaxant = MedicationInput("ibuprofen", "nsaid", "400 mg")
    form = episode_form(qtbot, sqlite_staff, MedicationForm, medications=[relaxant])
    qtbot.keyClicks(form.name, "naproxen")
    form.stopped_on.setDate(QDate(2026, 11, 30))
    qtbot.mouseClick(form.stop_button, Qt.MouseButton.LeftButton)
    assert form.isVisible() and form.name.text() == "naproxen"
    assert form.current.count() == 0 and "Stopped ibuprofen 400 mg on 30 Nov 2026" in form.message.text()
    assert medicines(sqlite_staff, form.episode_id) == [("ibuprofen", date(2026, 11, 30))]


def test_the_name_completes_from_the_list_and_a_listed_relaxant_files_itself(qtbot, sqlite_staff):
    form = episode_form(qtbot, sqlite_staff, MedicationForm, hepatic="mild")
    form.category.setCurrentIndex(list(CATEGORY_LABELS).index("other"))
    qtbot.keyClicks(form.name, "methoc")
    completer = form.name.completer()
    assert completer.currentCompletion() == "methocarbamol"
    qtbot.keyClicks(form.name, "arbamol")
    assert form.category.currentData() == "muscle_relaxant"
    assert form.caution.isVisible() and form.caution.text.text() == "⚠ Mild hepatic impairment: start at 5 mg."


def test_a_relaxant_is_kept_on_with_a_reason_from_the_keep_on_control(qtbot, sqlite_staff):
    relaxant = MedicationInput("cyclobenzaprine", "muscle_relaxant", "5 mg at night", **FOR_SPASM)
    form = episode_form(qtbot, sqlite_staff, MedicationForm, medications=[relaxant])
    assert form.keep_button.isEnabled()
    qtbot.mouseClick(form.keep_button, Qt.MouseButton.LeftButton)
    dialog = form.keep_dialog
    assert dialog.isVisible() and "Why should cyclobenzaprine 5 mg at night stay on?" in dialog.labelText()
    dialog.setTextValue("spasm still limiting walking")
    dialog.accept()
    (medication,) = Medication.select()
    assert (medication.continued_on, medication.continued_reason) == (date(2026, 11, 30),
                                                                      "spasm still limiting walking")
    assert "Keeping cyclobenzaprine 5 mg at night on: spasm still limiting walking." in form.message.text()
    assert form.isVisible()


def test_keeping_on_without_a_reason_is_refused_in_words(qtbot, sqlite_staff):
    relaxant = MedicationInput("cyclobenzaprine", "muscle_relaxant", "5 mg at night", **FOR_SPASM)
    form = episode_form(qtbot, sqlite_staff, MedicationForm, medications=[relaxant])
    qtbot.mouseClick(form.keep_button, Qt.MouseButton.LeftButton)
    form.keep_dialog.accept()
    assert form.message.text() == "Give the reason for keeping it on."
    assert Medication.get().continued_on is None


def test_only_a_relaxant_offers_keep_on(qtbot, sqlite_staff):
    form = episode_form(qtbot, sqlite_staff, MedicationForm, medications=[MedicationInput("ibuprofen", "nsaid", "")])
    assert not form.keep_button.isEnabled()


def test_a_caution_that_cannot_be_read_is_said_in_the_form(qtbot, sqlite_staff, monkeypatch):
    form = episode_form(qtbot, sqlite_staff, MedicationForm, hepatic="moderate")

    def unreachable(*args, **kwargs):
        raise DatabaseUnavailable("the database server could not be reached")

    monkeypatch.setattr(episode_records, "prescribing_caution", unreachable)
    fill_relaxant(qtbot, form)
    assert form.message.text() == "The database server could not be reached."
    assert form.isVisible()


def test_a_relaxant_above_5_mg_with_mild_impairment_asks_for_acknowledgement_and_records_the_dose(qtbot, sqlite_staff):
    form = episode_form(qtbot, sqlite_staff, MedicationForm, hepatic="mild")
    fill_relaxant(qtbot, form, amount="10")
    assert form.caution.text.text() == ("⚠ Mild hepatic impairment: start at 5 mg, not 10 mg. "
                                        "Acknowledge it to record this medicine.")
    tick(qtbot, form.caution.acknowledge)
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    (update,) = form.announced
    assert "Mild hepatic impairment: start at 5 mg, not 10 mg. Acknowledged by Dr Alys Jones." in update.notices
    (medicine,) = episode_records.get_episode(sqlite_staff.clinician, form.episode_id).medications
    assert (medicine.dose, medicine.indication, medicine.spasm_present) == ("10 mg at night", "muscle spasm", True)


def test_spasm_is_asked_only_for_a_relaxant_with_neither_answer_chosen(qtbot, sqlite_staff):
    form = episode_form(qtbot, sqlite_staff, MedicationForm)
    assert not form.medicine.spasm.isVisible()
    qtbot.keyClicks(form.name, "tizanidine")
    assert form.medicine.spasm.isVisible()
    assert not form.medicine.spasm.yes.isChecked() and not form.medicine.spasm.no.isChecked()
    form.name.clear()
    qtbot.keyClicks(form.name, "pregabalin")
    assert form.category.currentData() == "neuropathic" and not form.medicine.spasm.isVisible()


def test_an_nsaid_against_a_recorded_contraindication_is_warned_before_and_listed_after(qtbot, sqlite_staff):
    form = episode_form(qtbot, sqlite_staff, MedicationForm)
    patients.edit_patient(sqlite_staff.receptionist, form.episode.patient_id,
                          nsaid_contraindications=["nsaid_sensitive_asthma"])
    enter_medicine(qtbot, form.medicine, "naproxen", "500", "mg", "twice_daily", "back pain")
    message = ("naproxen is an NSAID and the patient has a recorded contraindication: NSAID-sensitive asthma. "
               "The source gives NSAIDs first-line only if not contraindicated.")
    assert form.caution.text.text() == f"⚠ {message} It stays on the clinician's list until acknowledged."
    assert not form.caution.acknowledge.isVisible()
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    (update,) = form.announced
    assert any(notice.startswith(message) for notice in update.notices)
    open_warnings = episode_records.get_episode(sqlite_staff.clinician, form.episode_id).open_warnings
    assert [(warning.message, warning.requires_acknowledgement) for warning in open_warnings] == [(message, True)]


def test_an_amount_left_blank_is_refused_in_words(qtbot, sqlite_staff):
    form = episode_form(qtbot, sqlite_staff, MedicationForm)
    enter_medicine(qtbot, form.medicine, "paracetamol", "", "g", "four_times_daily")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert form.message.text() == "Enter the dose's amount, e.g. 5 (with its unit and how often)."
