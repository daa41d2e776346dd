"""First contact through the real form: what it schedules, and the hepatic warning it enforces."""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from test_pathway_notices import CLINIC_TIME, FIRST_CONTACT, register, settings, shown, tick  # noqa: F401

from clinic_desktop.services.episodes import episode_records
from clinic_desktop.services.referrals import referrals
from clinic_desktop.ui.forms.first_contact_form import FirstContactForm
from clinic_desktop.ui.forms.pathway_notices import PathwayNoticeBar


def first_contact(qtbot, staff, hepatic="none"):
    patient_id = register(staff, hepatic)
    form = FirstContactForm(staff.clinician, settings(), patient_id)
    form.announced = shown(qtbot, form)
    form.patient_id = patient_id
    form.first_contact_on.setDate(QDate(FIRST_CONTACT))
    return form


def give_relaxant(qtbot, form):
    relaxant = form.analgesia[2]
    tick(qtbot, relaxant.given)
    qtbot.keyClicks(relaxant.name, "cyclobenzaprine")
    qtbot.keyClicks(relaxant.dose, "5 mg at night")


def test_first_contact_schedules_the_two_week_review_shown_with_its_due_by_date(qtbot, sqlite_staff):
    form = first_contact(qtbot, sqlite_staff)
    tick(qtbot, form.stay_active, form.no_bed_rest, form.presentation.button(0), form.severity.button(1))
    bar = PathwayNoticeBar()
    qtbot.addWidget(bar)
    form.saved.connect(bar.show_update)
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert form.result() == form.DialogCode.Accepted
    assert "• 2-week review to book, due by Thu 10 Dec 2026" in bar.texts()
    episode = episode_records.open_episode_for(sqlite_staff.clinician, form.patient_id)
    assert (episode.first_contact_on, episode.severity, episode.advised_stay_active) == (FIRST_CONTACT, "moderate",
                                                                                         True)


def test_presentation_must_be_chosen_before_saving(qtbot, sqlite_staff):
    form = first_contact(qtbot, sqlite_staff)
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert form.message.text() == "Choose the presentation: non-specific low back pain or radicular pain."
    assert episode_records.open_episode_for(sqlite_staff.clinician, form.patient_id) is None


def test_a_muscle_relaxant_with_moderate_hepatic_impairment_needs_the_acknowledgement(qtbot, sqlite_staff):
    form = first_contact(qtbot, sqlite_staff, hepatic="moderate")
    tick(qtbot, form.presentation.button(0), form.severity.button(0))
    assert not form.caution.isVisible()
    give_relaxant(qtbot, form)
    assert form.caution.text.text() == ("⚠ Moderate hepatic impairment: muscle relaxant not recommended. "
                                        "Acknowledge it to record this medicine.")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert form.message.text() == ("Moderate hepatic impairment: muscle relaxant not recommended. "
                                   "Acknowledge to proceed.")
    assert form.announced == [] and episode_records.open_episode_for(sqlite_staff.clinician, form.patient_id) is None
    tick(qtbot, form.caution.acknowledge)
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    (update,) = form.announced
    assert ("Moderate hepatic impairment: muscle relaxant not recommended. Acknowledged by Dr Alys Jones."
            in update.notices)


def test_mild_hepatic_impairment_shows_the_5_mg_caution_and_asks_nothing(qtbot, sqlite_staff):
    form = first_contact(qtbot, sqlite_staff, hepatic="mild")
    give_relaxant(qtbot, form)
    assert form.caution.text.text() == "⚠ Mild hepatic impairment: start at 5 mg."
    assert not form.caution.acknowledge.isVisible()


def test_a_recognised_red_flag_raises_the_urgent_referral(qtbot, sqlite_staff):
    form = first_contact(qtbot, sqlite_staff)
    form.first_contact_on.setDate(QDate(2026, 11, 30))
    tick(qtbot, form.presentation.button(1), form.severity.button(2),
           form.red_flags.boxes["suspected cauda equina syndrome"])
    qtbot.keyClicks(form.red_flags.other, "new urinary retention")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    (update,) = form.announced
    assert "Urgent red-flag referral raised: due today" in update.notices
    (referral,) = [row for row in referrals.referrals_for_episode(sqlite_staff.clinician, update.episode_id)
                   if row.urgent]
    assert "suspected cauda equina syndrome, new urinary retention" in referral.reason
    assert referral.due_by == date(2026, 11, 30)


def test_a_relaxant_named_in_another_row_shows_the_hepatic_warning(qtbot, sqlite_staff):
    form = first_contact(qtbot, sqlite_staff, hepatic="moderate")
    nsaid = form.analgesia[0]
    tick(qtbot, nsaid.given)
    assert not form.caution.isVisible()
    qtbot.keyClicks(nsaid.name, "Diazepam")
    assert form.caution.isVisible() and form.caution.acknowledge.isVisible()
    assert nsaid.name.completer().model().rowCount() > 0
