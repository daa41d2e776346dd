"""A patient's view: the header and alerts, the episode drawn and listed, redrawn on change."""
from __future__ import annotations

from datetime import date

import pytest
from patient_story import Story, at, build_story
from PySide6.QtWidgets import QMessageBox
from relaxant_answers import FOR_SPASM
from test_patient_search import CLINIC_TIME  # noqa: F401 (the clinic's clock: Mon 23 Nov 2026)

from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.core.clock import frozen_at
from clinic_desktop.services.core.errors import DatabaseUnavailable
from clinic_desktop.services.episodes import discharge, episode_records, episodes
from clinic_desktop.services.patients import patients
from clinic_desktop.services.referrals import referrals
from clinic_desktop.ui.patients.patient_view import PatientView, for_screenshot, pick_demo_patient
from clinic_desktop.ui.shell.change_hub import ChangeHub


@pytest.fixture
def story(sqlite_staff) -> Story:
    return build_story(sqlite_staff)


def open_view(qtbot, actor, patient_id: int) -> PatientView:
    hub = ChangeHub(actor)
    hub.stop()  # the tests call after_change themselves; no polling timer
    view = PatientView(actor, load_settings(), hub, patient_id)
    qtbot.addWidget(view)
    view.resize(1200, 800)
    view.show()
    return view


def listed(view: PatientView) -> list[str]:
    model = view.timeline_model
    return [model.index(row, 2).data() for row in range(model.rowCount())]


def test_header_shows_name_age_date_of_birth_and_nhs_number(qtbot, sqlite_staff, story):
    view = open_view(qtbot, sqlite_staff.receptionist, story.patient_id)
    assert view.title() == "SMITH, Ann"
    assert view.name.text() == "SMITH, Ann"
    assert view.details.text().startswith("Born 01 Feb 1970 (56 years) · NHS 943 476 5919")


def test_hepatic_impairment_shows_as_an_alert_chip_in_words(qtbot, sqlite_staff, story):
    view = open_view(qtbot, sqlite_staff.receptionist, story.patient_id)
    assert [chip.text() for chip in view.alert_chips] == ["⚠ Hepatic impairment: mild"]
    assert view.alert_chips[0].isVisible()


def test_nsaid_contraindications_show_as_a_chip_naming_them(qtbot, sqlite_staff, story):
    patients.edit_patient(sqlite_staff.receptionist, story.patient_id,
                          nsaid_contraindications=["renal_impairment", "anticoagulant"])
    view = open_view(qtbot, sqlite_staff.receptionist, story.patient_id)
    chip = view.alert_chips[1]
    assert (chip.text(), chip.toolTip()) == ("⚠ NSAID contraindicated", "Renal impairment\nTaking an anticoagulant")


def test_header_shows_the_phone_numbers_and_an_interpreter_need(qtbot, sqlite_staff, story):
    patients.edit_patient(sqlite_staff.receptionist, story.patient_id, mobile="07700 900123",
                          telephone="0117 496 0001", interpreter_language="Polish")
    view = open_view(qtbot, sqlite_staff.receptionist, story.patient_id)
    assert view.details.text().endswith("07700 900123 (mobile), 0117 496 0001")
    assert "Interpreter needed: Polish" in [chip.text() for chip in view.alert_chips]


def test_no_chip_without_an_alert(qtbot, sqlite_staff):
    bob = patients.register_patient(sqlite_staff.receptionist, family_name="Jones", given_name="Bob",
                                    date_of_birth=date(1960, 5, 5))
    view = open_view(qtbot, sqlite_staff.receptionist, bob.id)
    assert view.alert_chips == []
    assert view.episode_summary.text().startswith("No episode of back pain on record")


def test_list_shows_reviews_booked_attended_and_missed(qtbot, sqlite_staff, story):
    shown = listed(open_view(qtbot, sqlite_staff.clinician, story.patient_id))
    assert "2-week review attended" in shown
    assert "Follow-up: did not attend" in shown
    assert "12-week check booked" in shown


def test_list_shows_the_start_back_risk_and_the_referral_states(qtbot, sqlite_staff, story):
    shown = listed(open_view(qtbot, sqlite_staff.clinician, story.patient_id))
    title = "Biopsychosocial assessment / specialised physiotherapy referral"
    assert "STarT Back: high risk" in shown
    for state in (f"{title} raised", f"{title}: letter drafted", f"{title}: letter signed, version 1",
                  f"{title} sent"):
        assert state in shown


def test_list_rows_carry_date_and_detail(qtbot, sqlite_staff, story):
    view = open_view(qtbot, sqlite_staff.clinician, story.patient_id)
    model = view.timeline_model
    row = listed(view).index("STarT Back: high risk")
    assert model.index(row, 0).data() == "11 Nov 2026"
    assert model.index(row, 3).data() == "Score 8/9, psychosocial subscore 4/5 — by Dr Alys Jones"


def test_chart_has_day_zero_two_week_twelve_week_and_today_marks(qtbot, sqlite_staff, story):
    view = open_view(qtbot, sqlite_staff.clinician, story.patient_id)
    geometry = view.chart.chart_geometry()
    assert [mark.label for mark in geometry.marks] == ["Day 0 · 02 Nov 2026", "2 weeks · 16 Nov 2026",
                                                       "12 weeks · 25 Jan 2027", "Today · 23 Nov 2026"]
    assert geometry.mark("day0").x < geometry.mark("2 weeks").x < geometry.mark("today").x \
        < geometry.mark("12 weeks").x


def test_chart_draws_the_events_of_the_episode(qtbot, sqlite_staff, story):
    view = open_view(qtbot, sqlite_staff.clinician, story.patient_id)
    kinds = {event.kind for marker in view.chart.chart_geometry().markers for event in marker.events}
    assert {"first_contact", "start_back", "appointment_attended", "appointment_did_not_attend",
            "appointment_booked", "referral_signed", "referral_sent"} <= kinds


def test_reviews_and_referrals_are_listed_with_their_state(qtbot, sqlite_staff, story):
    view = open_view(qtbot, sqlite_staff.clinician, story.patient_id)
    reviews = view.reviews_model
    statuses = {reviews.index(row, 0).data(): reviews.index(row, 1).data() for row in range(reviews.rowCount())}
    assert statuses["2-week review"] == "attended"
    assert statuses["Follow-up (after did not attend)"] == "to book — OVERDUE 10 d"
    referral = view.referrals_model
    assert referral.index(0, 1).data() == "sent"
    assert referral.index(0, 3).data() == "version 1 signed 12 Nov 2026 by Dr Alys Jones"


def test_view_redraws_when_the_hub_reports_a_change_to_this_patient(qtbot, sqlite_staff, story):
    view = open_view(qtbot, sqlite_staff.receptionist, story.patient_id)
    referrals.record_referral_acknowledged(sqlite_staff.receptionist, story.referral_id)
    assert view.referrals_model.index(0, 1).data() == "sent"
    view._hub.after_change()
    assert view.referrals_model.index(0, 1).data() == "acknowledged"


def test_view_ignores_changes_to_other_patients(qtbot, sqlite_staff, story, monkeypatch):
    view = open_view(qtbot, sqlite_staff.receptionist, story.patient_id)
    reloads = []
    monkeypatch.setattr(view, "reload", lambda: reloads.append(1))
    patients.register_patient(sqlite_staff.receptionist, family_name="Other", given_name="Olly",
                              date_of_birth=date(1990, 1, 1))
    view._hub.after_change()
    assert reloads == []


def test_several_episodes_offer_a_choice_latest_first(qtbot, sqlite_staff, story):
    with frozen_at(at(11, 20)):
        discharged_keeping_the_booking(sqlite_staff, story.episode_id)
        episodes.open_episode(sqlite_staff.clinician, story.patient_id, first_contact_on=date(2026, 11, 20),
                              presentation="radicular", severity="mild")
    view = open_view(qtbot, sqlite_staff.clinician, story.patient_id)
    choice = view.episode_choice
    assert choice.isVisible()
    assert [choice.itemText(index) for index in range(choice.count())] == [
        "First contact 20 Nov 2026 — open", "First contact 02 Nov 2026 — discharged 20 Nov 2026"]
    choice.setCurrentIndex(1)
    assert "STarT Back: high risk" in listed(view)
    assert view.chart.chart_geometry().mark("day0").day == date(2026, 11, 2)


def test_demo_patient_is_one_with_an_episode(qtbot, sqlite_staff, story):
    assert pick_demo_patient(sqlite_staff.clinician) == story.patient_id
    view = for_screenshot(sqlite_staff.clinician, load_settings(), ChangeHub(sqlite_staff.clinician))
    qtbot.addWidget(view)
    view._hub.stop()
    assert view.title() == "SMITH, Ann"


def test_a_corrected_name_retitles_the_tab(qtbot, sqlite_staff, story):
    view = open_view(qtbot, sqlite_staff.receptionist, story.patient_id)
    patients.edit_patient(sqlite_staff.receptionist, story.patient_id, given_name="Anne")
    with qtbot.waitSignal(view.title_changed) as titled:
        view._hub.after_change()
    assert titled.args == ["SMITH, Anne"] and view.title() == "SMITH, Anne"


def test_a_warning_awaiting_acknowledgement_shows_as_a_chip_and_can_be_acknowledged(qtbot, sqlite_staff, story):
    episodes.record_medication(sqlite_staff.clinician, story.episode_id, name="Cyclobenzaprine",
                               category="muscle_relaxant", started_on=date(2026, 11, 20), dose="5 mg", **FOR_SPASM)
    patients.edit_patient(sqlite_staff.receptionist, story.patient_id, hepatic_impairment="moderate")
    view = open_view(qtbot, sqlite_staff.clinician, story.patient_id)
    assert [chip.text() for chip in view.alert_chips] == ["⚠ Hepatic impairment: moderate",
                                                          "⚠ 1 warning to acknowledge"]
    assert "not recommended" in view.alert_chips[0].toolTip()
    assert view.actions.actions["acknowledge"].isEnabled()


def test_an_episode_opened_while_the_view_is_open_is_shown(qtbot, sqlite_staff, story):
    with frozen_at(at(11, 20)):
        discharged_keeping_the_booking(sqlite_staff, story.episode_id)
    view = open_view(qtbot, sqlite_staff.clinician, story.patient_id)
    assert view.actions.actions["first_contact"].isEnabled()
    episodes.open_episode(sqlite_staff.clinician, story.patient_id, first_contact_on=date(2026, 11, 23),
                          presentation="radicular", severity="mild")
    view._hub.after_change()
    assert view.episode_choice.currentText() == "First contact 23 Nov 2026 — open"
    assert not view.actions.actions["first_contact"].isEnabled() and view.actions.actions["start_back"].isEnabled()


def discharged_keeping_the_booking(staff, episode_id: int) -> None:
    """Discharged on 20 Nov, the 12-week check's booking kept (discharge asks about each open item)."""
    kept = [discharge.ItemDecision(item.kind, item.item_id, "keep")
            for item in discharge.discharge_items(staff.clinician, episode_id) if item.needs_decision]
    episodes.discharge_episode(staff.clinician, episode_id, discharged_on=date(2026, 11, 20), reason="Improved",
                               decisions=kept)


def test_a_record_that_cannot_be_read_again_says_so_and_keeps_what_is_shown(qtbot, sqlite_staff, story,
                                                                            monkeypatch):
    view = open_view(qtbot, sqlite_staff.receptionist, story.patient_id)
    shown = listed(view)

    def unreachable(*args, **kwargs):
        raise DatabaseUnavailable("the database server could not be reached")

    monkeypatch.setattr(patients, "get_patient", unreachable)
    view.reload()
    assert view.details.text() == "⚠ The record could not be read just now: the database server could not be reached"
    assert view.name.text() == "SMITH, Ann" and listed(view) == shown


def unreachable(*args, **kwargs):
    raise DatabaseUnavailable("the database server could not be reached")


def test_an_episode_that_cannot_be_read_again_says_so_in_the_view(qtbot, sqlite_staff, story, monkeypatch):
    view = open_view(qtbot, sqlite_staff.clinician, story.patient_id)
    reviews = view.reviews_model.rowCount()
    monkeypatch.setattr(episode_records, "get_episode", unreachable)
    view.reload()
    assert view.episode_summary.text() == ("⚠ The episode could not be read just now: the database server could "
                                           "not be reached")
    assert view.reviews_model.rowCount() == reviews and view.findChild(QMessageBox) is None


def test_another_episode_unreadable_shows_none_of_the_last_ones_reviews(qtbot, sqlite_staff, story, monkeypatch):
    with frozen_at(at(11, 20)):
        discharged_keeping_the_booking(sqlite_staff, story.episode_id)
        episodes.open_episode(sqlite_staff.clinician, story.patient_id, first_contact_on=date(2026, 11, 20),
                              presentation="radicular", severity="mild")
    view = open_view(qtbot, sqlite_staff.clinician, story.patient_id)
    monkeypatch.setattr(episode_records, "get_episode", unreachable)

    view.episode_choice.setCurrentIndex(1)  # the discharged episode, whose STarT Back and reviews are on record

    assert view.episode_summary.text().startswith("⚠ The episode could not be read just now")
    assert "STarT Back: high risk" in listed(view)  # its time line, read with the record
    assert view.reviews_model.rowCount() == 0 and view.referrals_model.rowCount() == 0
    assert not view.actions.actions["start_back"].isEnabled()
