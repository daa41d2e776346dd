"""First contact through the real form: what it schedules, and the hepatic warning it enforces."""
from __future__ import annotations

from datetime import date

from medicine_typing import enter_medicine
from PySide6.QtCore import QDate, Qt
from test_pathway_notices import CLINIC_TIME, FIRST_CONTACT, register, settings, shown, tick  # noqa: F401

from clinic_desktop.services.episodes import episode_records, measures
from clinic_desktop.services.referrals import referrals
from clinic_desktop.ui.forms.first_contact_form import FirstContactForm
from clinic_desktop.ui.forms.pathway_notices import PathwayNoticeBar

BED_REST = "Bed rest advised: prolonged bed rest may worsen back pain (a listed pitfall); advise staying active."


def first_contact(qtbot, staff, hepatic="none"):
    patient_id = register(staff, hepatic)
    form = FirstContactForm(staff.clinician, settings(), patient_id)
    form.announced = shown(qtbot, form)
    form.patient_id = patient_id
    form.first_contact_on.setDate(QDate(FIRST_CONTACT))
    form.baseline.setChecked(False)  # the baseline measures have tests of their own below
    return form


def answer_advice(qtbot, form, **answers):
    """Click Yes or No for every initial-management question: the good advice unless told otherwise."""
    good = {"reactivation_advised": True, "bed_rest_advised": False, "resources_online": True,
            "resources_helpline": False, "resources_paper": True, "heat_advised": True, "massage_advised": False}
    for field, answer in {**good, **answers}.items():
        if answer is not None:
            question = form.advice.questions[field]
            tick(qtbot, question.yes if answer else question.no)


def give_relaxant(qtbot, form, amount="5"):
    relaxant = form.analgesia[2]
    tick(qtbot, relaxant.given)
    enter_medicine(qtbot, relaxant.fields, "cyclobenzaprine", amount, "mg", "at_night", "muscle spasm", spasm=True)


def test_first_contact_schedules_the_two_week_review_shown_with_its_due_by_date(qtbot, sqlite_staff):
    form = first_contact(qtbot, sqlite_staff)
    answer_advice(qtbot, form)
    tick(qtbot, form.presentation.button(0), form.severity.button(1))
    bar = PathwayNoticeBar()
    qtbot.addWidget(bar)
    form.saved.connect(bar.show_update)
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert form.result() == form.DialogCode.Accepted
    assert "• 2-week review to book, due by Thu 10 Dec 2026" in bar.texts()
    episode = episode_records.open_episode_for(sqlite_staff.clinician, form.patient_id)
    assert (episode.first_contact_on, episode.severity, episode.advised_stay_active) == (FIRST_CONTACT, "moderate",
                                                                                         True)
    advice = episode.initial_management
    assert (advice.reactivation_advised, advice.bed_rest_advised, advice.resources_online,
            advice.resources_helpline) == (True, False, True, False)


def test_an_unanswered_advice_question_is_named_and_focused_and_nothing_is_saved(qtbot, sqlite_staff):
    form = first_contact(qtbot, sqlite_staff)
    answer_advice(qtbot, form, heat_advised=None)
    tick(qtbot, form.presentation.button(0), form.severity.button(1))
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert form.message.text() == "Say whether heat therapy was advised: yes or no."
    assert form.focusWidget() is form.advice.questions["heat_advised"].yes
    assert form.announced == [] and episode_records.open_episode_for(sqlite_staff.clinician, form.patient_id) is None


def test_nothing_is_answered_for_the_clinician(qtbot, sqlite_staff):
    form = first_contact(qtbot, sqlite_staff)
    assert all(question.answer() is None for question in form.advice.questions.values())


def test_bed_rest_advised_shows_its_warning_before_saving_and_stores_it(qtbot, sqlite_staff):
    form = first_contact(qtbot, sqlite_staff)
    answer_advice(qtbot, form)
    assert not form.advice.caution.isVisible()
    tick(qtbot, form.advice.questions["bed_rest_advised"].yes)
    assert form.advice.caution.isVisible()
    assert form.advice.caution.text().startswith("⚠ " + BED_REST)
    tick(qtbot, form.presentation.button(0), form.severity.button(1))
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    (update,) = form.announced
    assert BED_REST in update.notices
    (warning,) = episode_records.get_episode(sqlite_staff.clinician, update.episode_id).open_warnings
    assert (warning.message, warning.requires_acknowledgement) == (BED_REST, True)


def test_the_warning_goes_when_the_answer_is_changed_back(qtbot, sqlite_staff):
    form = first_contact(qtbot, sqlite_staff)
    answer_advice(qtbot, form, reactivation_advised=False)
    assert form.advice.caution.text().startswith("⚠ Reactivation not advised")
    tick(qtbot, form.advice.questions["reactivation_advised"].yes)
    assert not form.advice.caution.isVisible()


def test_presentation_must_be_chosen_before_saving(qtbot, sqlite_staff):
    form = first_contact(qtbot, sqlite_staff)
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert form.message.text() == "Choose the presentation: non-specific low back pain or radicular pain."
    assert episode_records.open_episode_for(sqlite_staff.clinician, form.patient_id) is None


def test_a_muscle_relaxant_with_moderate_hepatic_impairment_needs_the_acknowledgement(qtbot, sqlite_staff):
    form = first_contact(qtbot, sqlite_staff, hepatic="moderate")
    answer_advice(qtbot, form)
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
    answer_advice(qtbot, form)
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
    qtbot.keyClicks(nsaid.fields.name, "Diazepam")
    assert form.caution.isVisible() and form.caution.acknowledge.isVisible()
    assert nsaid.fields.name.completer().model().rowCount() > 0
    assert nsaid.fields.spasm.isVisible()  # recorded as a relaxant, so asked about spasm


def test_each_class_is_offered_and_its_details_show_once_ticked(qtbot, sqlite_staff):
    form = first_contact(qtbot, sqlite_staff)
    assert [row.given.text().replace("&", "") for row in form.analgesia] == [
        "NSAID", "Topical analgesic", "Muscle relaxant", "Opioid", "Neuropathic pain medicine (radicular pain)"]
    opioid = form.analgesia[3]
    assert not opioid.details.isVisible()
    tick(qtbot, opioid.given)
    assert opioid.details.isVisible() and not opioid.fields.spasm.isVisible()


def test_an_opioid_at_first_contact_shows_its_caution_and_books_its_monitoring_review(qtbot, sqlite_staff):
    form = first_contact(qtbot, sqlite_staff)
    answer_advice(qtbot, form)
    tick(qtbot, form.presentation.button(0), form.severity.button(2), form.analgesia[3].given)
    enter_medicine(qtbot, form.analgesia[3].fields, "co-codamol 30/500", "2", "g", "four_times_daily",
                   "severe pain")
    assert form.caution.text.text() == ("⚠ co-codamol 30/500 is an opioid: use the lowest effective dose for the "
                                        "shortest time possible, with close monitoring.")
    assert not form.caution.acknowledge.isVisible()
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    (update,) = form.announced
    assert "Follow-up to book, due by Thu 10 Dec 2026" in update.notices
    (medicine,) = episode_records.get_episode(sqlite_staff.clinician, update.episode_id).medications
    assert (medicine.category, medicine.dose) == ("opioid", "2 g four times a day")


def test_a_relaxant_without_spasm_is_said_before_saving_and_a_missing_answer_is_refused(qtbot, sqlite_staff):
    form = first_contact(qtbot, sqlite_staff)
    answer_advice(qtbot, form)
    tick(qtbot, form.presentation.button(0), form.severity.button(0), form.analgesia[2].given)
    fields = form.analgesia[2].fields
    enter_medicine(qtbot, fields, "baclofen", "5", "mg", "three_times_daily", "stiffness")
    assert not form.caution.isVisible()  # spasm not yet answered: nothing to warn about
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert form.message.text() == "Say whether muscle spasm is present (baclofen is a muscle relaxant): yes or no."
    tick(qtbot, fields.spasm.no)
    assert form.caution.text.text() == (
        "⚠ baclofen started without muscle spasm recorded: the source gives muscle relaxants for the relief of "
        "muscle spasm only. It stays on the clinician's list until acknowledged.")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    (update,) = form.announced
    assert any(notice.startswith("baclofen started without muscle spasm recorded") for notice in update.notices)


def test_the_baseline_is_measured_at_first_contact_or_explicitly_not(qtbot, sqlite_staff):
    form = first_contact(qtbot, sqlite_staff)
    form.baseline.setChecked(True)
    answer_advice(qtbot, form)
    tick(qtbot, form.presentation.button(0), form.severity.button(1))
    assert not form.baseline.global_change.isVisibleTo(form)  # nothing to compare a first visit with
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert form.message.text() == "Enter the patient's pain now, 0 to 10."
    assert form.announced == []
    form.baseline.pain.setValue(7)
    form.baseline.function.setValue(3)
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    (update,) = form.announced
    (baseline,) = measures.episode_measures(update.episode_id)
    assert (baseline.occasion, baseline.pain_now, baseline.function_score, baseline.global_change) == (
        "first_contact", 7, 3, None)
