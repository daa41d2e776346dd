"""The 12-week outcome through the real form, and the escalation it raises."""
from __future__ import annotations

from PySide6.QtCore import Qt
from test_pathway_notices import CLINIC_TIME, episode_form, tick  # noqa: F401 (CLINIC_TIME: the clinic's clock)

from clinic_desktop.services.episodes import episode_records
from clinic_desktop.services.referrals import referrals
from clinic_desktop.ui.forms.outcome_form import TwelveWeekOutcomeForm


def outcome_form(qtbot, staff):
    """The form with its measures unticked: these tests are about the outcome and its referrals."""
    form = episode_form(qtbot, staff, TwelveWeekOutcomeForm)
    form.improvement.setChecked(False)
    return form


def kinds(staff, episode_id):
    return sorted(row.kind for row in referrals.referrals_for_episode(staff.clinician, episode_id))


def test_not_improved_raises_the_pain_or_spinal_centre_referral(qtbot, sqlite_staff):
    form = outcome_form(qtbot, sqlite_staff)
    tick(qtbot, form.not_improved)
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    (update,) = form.announced
    assert "Specialist pain / spinal centre referral raised, due by Mon 14 Dec 2026" in update.notices
    assert kinds(sqlite_staff, form.episode_id) == ["pain_spinal_centre"]


def test_a_spinal_surgical_referral_is_offered_only_when_not_improved(qtbot, sqlite_staff):
    form = outcome_form(qtbot, sqlite_staff)
    assert not form.surgical.isEnabled()
    tick(qtbot, form.improved)
    assert not form.surgical.isEnabled()
    tick(qtbot, form.not_improved, form.surgical)
    assert form.surgical_reason.isEnabled()


def test_not_improved_with_a_spinal_surgical_referral_raises_both_in_one_save(qtbot, sqlite_staff):
    form = outcome_form(qtbot, sqlite_staff)
    tick(qtbot, form.not_improved, form.surgical)
    qtbot.keyClicks(form.surgical_reason, "Persistent L5 radiculopathy")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    (update,) = form.announced
    assert update.notices[-1] == "Spinal surgical referral raised, due by Mon 14 Dec 2026"
    assert kinds(sqlite_staff, form.episode_id) == ["pain_spinal_centre", "spinal_surgical"]


def test_a_spinal_surgical_referral_without_a_reason_saves_nothing(qtbot, sqlite_staff):
    form = outcome_form(qtbot, sqlite_staff)
    tick(qtbot, form.not_improved, form.surgical)
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert form.message.text() == "Give the reason for the referral."
    assert episode_records.get_episode(sqlite_staff.clinician, form.episode_id).outcome is None


def test_the_outcome_must_be_chosen(qtbot, sqlite_staff):
    form = outcome_form(qtbot, sqlite_staff)
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert form.message.text() == "Choose improved or not improved."
    assert form.announced == []
