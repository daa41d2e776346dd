"""Requesting imaging through the real form: the pitfall shown before saving, then on the list."""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from test_pathway_notices import CLINIC_TIME, episode_form  # noqa: F401 (CLINIC_TIME: the clinic's clock)

from clinic_desktop.pathway.care_options import IMAGING_MODALITIES
from clinic_desktop.services.episodes import episode_records, episodes
from clinic_desktop.services.worklists.warnings_due import warnings_to_acknowledge
from clinic_desktop.ui.forms.imaging_form import ImagingForm

WITHOUT_RED_FLAGS = ("MRI requested on 30 Nov 2026 without red flags: routine imaging without red flags is a "
                     "listed pitfall.")


def choose(form, modality: str) -> None:
    form.modality.setCurrentIndex(list(IMAGING_MODALITIES).index(modality))


def test_imaging_without_red_flags_shows_the_warning_before_saving_and_lists_it_after(qtbot, sqlite_staff):
    form = episode_form(qtbot, sqlite_staff, ImagingForm)
    assert not form.caution.isVisible()
    choose(form, "mri")
    assert form.caution.isVisible() and form.caution.text().startswith(f"⚠ {WITHOUT_RED_FLAGS}")
    qtbot.keyClicks(form.reason, "patient anxious about a disc")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    (update,) = form.announced
    assert update.notices == (WITHOUT_RED_FLAGS,)
    (row,) = warnings_to_acknowledge(sqlite_staff.clinician, clinician_id=sqlite_staff.clinician.user_id)
    assert row.message == WITHOUT_RED_FLAGS


def test_with_a_red_flag_on_record_no_warning_is_shown(qtbot, sqlite_staff):
    form = episode_form(qtbot, sqlite_staff, ImagingForm, red_flags=["suspected spinal fracture"])
    choose(form, "x_ray")
    assert not form.caution.isVisible()


def test_a_date_before_the_red_flag_brings_the_warning_back(qtbot, sqlite_staff):
    form = episode_form(qtbot, sqlite_staff, ImagingForm)
    episodes.record_red_flags(sqlite_staff.clinician, form.episode_id, recorded_on=date(2026, 11, 28),
                              flags=["suspected cancer"])
    form.requested_on.setDate(QDate(2026, 11, 29))
    choose(form, "ct")
    assert not form.caution.isVisible()
    form.requested_on.setDate(QDate(2026, 11, 27))
    assert form.caution.text().startswith("⚠ CT requested on 27 Nov 2026 without red flags")


def test_the_reason_is_asked_for_and_nothing_is_saved_without_it(qtbot, sqlite_staff):
    form = episode_form(qtbot, sqlite_staff, ImagingForm)
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert form.message.text() == "Choose the imaging: X-ray, MRI, CT or other."
    choose(form, "x_ray")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert form.message.text() == "Give the reason for the imaging."
    assert form.focusWidget() is form.reason
    assert form.announced == []
    assert episode_records.get_episode(sqlite_staff.clinician, form.episode_id).open_warnings == ()
