"""Discharge through the real form: a reason is required, and the form says what discharge does."""
from __future__ import annotations

from PySide6.QtCore import Qt
from test_pathway_notices import clinic_now, episode_form  # noqa: F401 (clinic_now: autouse)

from clinic_desktop.services import episode_records
from clinic_desktop.ui.discharge_form import DischargeForm


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


def test_the_form_names_the_referrals_that_stay_open(qtbot, sqlite_staff):
    form = discharge_form(qtbot, sqlite_staff, red_flags=["suspected spinal fracture"])
    assert "Urgent red-flag referral — raised, due by 26 Nov 2026 (URGENT)" in form.staying.text()
    assert "Open referrals stay open until they are sent, or cancelled with a reason" in form.what.text()
