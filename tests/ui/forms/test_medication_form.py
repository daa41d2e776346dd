"""Starting and stopping medicines through the real form, with the hepatic warning before saving."""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from test_pathway_notices import CLINIC_TIME, episode_form, tick  # noqa: F401 (CLINIC_TIME: the clinic's clock)
from relaxant_answers import FOR_SPASM

from clinic_desktop.models import Medication
from clinic_desktop.services.core.errors import DatabaseUnavailable
from clinic_desktop.services.episodes import episode_records
from clinic_desktop.services.episodes.episodes import MedicationInput
from clinic_desktop.ui.forms.medication_form import CATEGORY_LABELS, MedicationForm


def fill_relaxant(qtbot, form):
    qtbot.keyClicks(form.name, "cyclobenzaprine")
    qtbot.keyClicks(form.dose, "5 mg at night")
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
