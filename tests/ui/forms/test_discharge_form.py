"""Discharge through the real form: a reason is required, the form says what discharge does, and it
cannot be saved until every open item has its decision."""
from __future__ import annotations

from PySide6.QtCore import Qt
from test_pathway_notices import CLINIC_TIME, episode_form  # noqa: F401 (CLINIC_TIME: the clinic's clock)

from clinic_desktop.services.episodes import episode_records
from clinic_desktop.services.worklists import obligations
from clinic_desktop.ui.forms.discharge_form import DischargeForm


def discharge_form(qtbot, staff, **facts):
    return episode_form(qtbot, staff, DischargeForm, **facts)


def status(staff, episode_id):
    return episode_records.get_episode(staff.clinician, episode_id).status


def test_discharge_requires_a_reason(qtbot, sqlite_staff):
    form = discharge_form(qtbot, sqlite_staff)
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert form.message.text() == "Give the reason for the discharge."
    assert status(sqlite_staff, form.episode_id) == "open" and form.announced == []


def test_a_typed_reason_discharges_and_cancels_the_reviews_not_yet_booked(qtbot, sqlite_staff):
    form = discharge_form(qtbot, sqlite_staff)
    qtbot.keyClicks(form.reason.lineEdit(), "Back to work, pain free")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    (update,) = form.announced
    assert update.notices == ("2-week review cancelled: discharged", "12-week check cancelled: discharged")
    record = episode_records.get_episode(sqlite_staff.clinician, form.episode_id)
    assert (record.status, record.discharge_reason) == ("discharged", "Back to work, pain free")


def choose(combo, label: str) -> None:
    combo.setCurrentIndex(combo.findText(label))


def test_an_open_referral_needs_a_decision_before_the_discharge_can_be_saved(qtbot, sqlite_staff):
    form = discharge_form(qtbot, sqlite_staff, red_flags=["suspected spinal fracture"])
    (row,) = form.rows
    assert row.title.text().startswith("<b>Urgent red-flag referral: letter not written</b> <b>(URGENT)</b>")
    qtbot.keyClicks(form.reason.lineEdit(), "Care continues with the spinal service")
    assert not form.save_button.isEnabled()
    assert form.still_needed.text() == ("Still to decide before discharging: a decision for "
                                        "“Urgent red-flag referral: letter not written”.")
    choose(row.choice, "Hand over")
    assert not form.save_button.isEnabled() and form.hand_to.isEnabled()
    assert form.still_needed.text().endswith("who the handed-over items go to.")
    choose(form.hand_to, "Sam Physio")
    assert form.save_button.isEnabled() and form.still_needed.text() == ""
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    (update,) = form.announced
    assert "Handed over: Urgent red-flag referral: letter not written, now on Sam Physio's list" in update.notices
    page = obligations.obligation_list(sqlite_staff.other_clinician, "referral_to_write",
                                       owner_user_id=sqlite_staff.other_clinician.user_id)
    assert [row.owner_name for row in page.rows] == ["Sam Physio"]


def test_cancelling_an_item_needs_its_reason_before_the_discharge_can_be_saved(qtbot, sqlite_staff):
    form = discharge_form(qtbot, sqlite_staff, red_flags=["suspected spinal fracture"])
    (row,) = form.rows
    qtbot.keyClicks(form.reason.lineEdit(), "Symptoms resolved")
    assert not row.reason.isEnabled()
    choose(row.choice, "Cancel with a reason")
    assert row.reason.isEnabled() and not form.save_button.isEnabled() and not form.hand_to.isEnabled()
    qtbot.keyClicks(row.reason, "Red flags excluded on examination")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert status(sqlite_staff, form.episode_id) == "discharged"
    assert "Urgent red-flag referral cancelled: Red flags excluded on examination" in form.announced[0].notices


def test_items_needing_no_decision_say_what_becomes_of_them(qtbot, sqlite_staff):
    form = discharge_form(qtbot, sqlite_staff)
    assert form.rows == [] and form.save_button.isEnabled()
    assert "2-week review: not booked — cancelled by discharge (reason “discharged”)" in form.staying.text()
    assert "Nothing else is closed silently" in form.what.text()
