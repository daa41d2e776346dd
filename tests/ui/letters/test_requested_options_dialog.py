"""Choosing what a pain / spinal centre or early radicular letter asks for, in the letter's draft dialog."""
from __future__ import annotations

from patient_story import build_story
from PySide6.QtCore import QPoint, Qt
from test_letter_window import CLINIC_TIME  # noqa: F401 (CLINIC_TIME: the clinic's clock)
from test_referral_dialogs import opened

from clinic_desktop.services.episodes import episode_records
from clinic_desktop.services.referrals import referrals
from clinic_desktop.ui.letters.referral_dialogs import DraftLetterDialog


def centre_referral(staff):
    story = build_story(staff, sign=False)
    episode_id = episode_records.open_episode_for(staff.clinician, story.patient_id).id
    return referrals.raise_referral(staff.clinician, episode_id, kind="pain_spinal_centre",
                                    reason="Not improved at 12 weeks")


def test_the_pain_centre_draft_offers_the_sources_options_and_saves_those_ticked(qtbot, sqlite_staff):
    dialog = opened(qtbot, DraftLetterDialog(sqlite_staff.clinician, centre_referral(sqlite_staff)))
    assert [box.text() for box in dialog.options.values()] == [
        "Biopsychosocial assessment in a multidisciplinary team",
        "Complex medication management (opioids, neuropathic pain medicines)",
        "High-intensity cognitive behavioural therapy",
        "Opinion of the specialist spinal surgical service"]
    assert "raise a spinal surgical referral as well" in dialog.options["spinal_surgical_opinion"].toolTip()
    for key in ("high_intensity_cbt", "spinal_surgical_opinion"):
        box = dialog.options[key]
        qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
    qtbot.keyClicks(dialog.text, "Dear colleague, please see her.")
    with qtbot.waitSignal(dialog.saved) as saved:
        dialog.save()
    record = saved.args[0]
    assert record.status == "drafted"
    assert record.requested_options == ("high_intensity_cbt", "spinal_surgical_opinion")
    again = opened(qtbot, DraftLetterDialog(sqlite_staff.clinician, record))
    assert [key for key, box in again.options.items() if box.isChecked()] == list(record.requested_options)


def test_a_physiotherapy_draft_offers_no_options(qtbot, sqlite_staff):
    story = build_story(sqlite_staff, sign=False)
    dialog = opened(qtbot, DraftLetterDialog(sqlite_staff.clinician,
                                             referrals.get_referral(sqlite_staff.clinician, story.referral_id)))
    assert dialog.options == {}
