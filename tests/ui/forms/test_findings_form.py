"""Radicular status and red flags recorded later in the episode, through the real form."""
from __future__ import annotations

from PySide6.QtCore import Qt
from test_pathway_notices import CLINIC_TIME, episode_form, tick  # noqa: F401 (CLINIC_TIME: the clinic's clock)

from clinic_desktop.services.core.errors import InvalidTransition
from clinic_desktop.services.referrals import referrals
from clinic_desktop.ui.forms.findings_form import FindingsForm


def findings_form(qtbot, staff):
    return episode_form(qtbot, staff, FindingsForm)


def raised(staff, episode_id):
    return [(row.kind, row.urgent) for row in referrals.referrals_for_episode(staff.clinician, episode_id)]


def test_a_red_flag_found_later_raises_the_urgent_referral(qtbot, sqlite_staff):
    form = findings_form(qtbot, sqlite_staff)
    tick(qtbot, form.red_flags.boxes["suspected spinal infection"])
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    (update,) = form.announced
    assert update.notices == ("Urgent red-flag referral raised: due today",)
    assert raised(sqlite_staff, form.episode_id) == [("urgent_red_flag", True)]


def test_red_flags_and_radicular_status_together_announce_both_referrals(qtbot, sqlite_staff):
    form = findings_form(qtbot, sqlite_staff)
    form.radicular_group.setChecked(True)
    tick(qtbot, form.radicular.deficit)
    qtbot.keyClicks(form.red_flags.other, "unexplained weight loss")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    (update,) = form.announced
    assert update.notices == ("Urgent red-flag referral raised: due today",
                              "Early radicular referral raised, due by Mon 14 Dec 2026")
    assert sorted(raised(sqlite_staff, form.episode_id)) == [("early_radicular", False), ("urgent_red_flag", True)]


def test_nothing_ticked_is_refused_before_anything_is_saved(qtbot, sqlite_staff):
    form = findings_form(qtbot, sqlite_staff)
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert form.message.text().startswith("Tick a red flag, or tick “Record radicular status”")
    assert form.announced == [] and raised(sqlite_staff, form.episode_id) == []


def test_a_refused_second_save_keeps_the_first_and_says_so(qtbot, sqlite_staff, monkeypatch):
    form = findings_form(qtbot, sqlite_staff)
    form.radicular_group.setChecked(True)
    tick(qtbot, form.red_flags.boxes["suspected cancer"])

    def refused(*args, **kwargs):  # discharged on another workstation between the two saves
        raise InvalidTransition("This episode was discharged on Mon 30 Nov 2026")

    monkeypatch.setattr("clinic_desktop.services.episodes.episodes.record_radicular_status", refused)
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert form.message.text() == ("Saved: red flags. Not saved: radicular status. "
                                   "This episode was discharged on Mon 30 Nov 2026.")
    (update,) = form.announced
    assert update.notices == ("Urgent red-flag referral raised: due today",)
    assert not form.red_flag_group.isEnabled() and form.red_flags.flags() == []
    assert form.result() != form.DialogCode.Accepted
