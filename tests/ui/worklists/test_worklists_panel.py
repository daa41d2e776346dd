"""The home tab's worklists: each role's own lists, the row actions, redrawing on changes."""
from __future__ import annotations

import threading
from datetime import date, datetime, timezone

from database_fixtures import PASSWORD
from letter_drawing import drawn
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from relaxant_answers import FOR_SPASM

from clinic_desktop.services.admin import users
from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.services.appointments import appointments, day_book
from clinic_desktop.services.core.clock import frozen_at
from clinic_desktop.services.core.errors import DatabaseUnavailable
from clinic_desktop.services.episodes import episodes
from clinic_desktop.services.episodes.episodes import MedicationInput
from clinic_desktop.services.episodes.handover import UNASSIGNED
from clinic_desktop.services.patients import patients
from clinic_desktop.services.referrals import destinations, referrals
from clinic_desktop.services.worklists import worklists
from clinic_desktop.ui.forms.medication_form import MedicationForm
from clinic_desktop.ui.letters.letter_batch_dialog import LetterBatchDialog
from clinic_desktop.ui.letters.letter_window import LetterWindow
from clinic_desktop.ui.letters.referral_dialogs import DraftLetterDialog
from clinic_desktop.ui.shell.change_hub import ChangeHub
from clinic_desktop.ui.worklists.worklists_panel import WorklistsPanel

MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)


CLINIC_TIME = MONDAY  # every test here runs at this moment (tests/conftest.py: clinic_clock)


def _episode(staff, family_name: str, first_contact: date, **facts) -> int:
    patient = patients.register_patient(staff.receptionist, family_name=family_name, given_name="Ann",
                                        date_of_birth=date(1970, 1, 1))
    return episodes.open_episode(staff.clinician, patient.id, first_contact_on=first_contact,
                                 presentation="non_specific", severity="moderate", **facts).episode_id


def _booked_today(staff, family_name: str) -> int:
    """A 2-week review booked for 11:00 today with the clinician."""
    episode_id = _episode(staff, family_name, date(2026, 11, 16))
    review = next(row for row in worklists.to_book(staff.receptionist).rows
                  if row.episode_id == episode_id and row.kind == "two_week_review")
    appointments.book_appointment(staff.receptionist, review.appointment_id, clinician_id=staff.clinician.user_id,
                                  starts_local=datetime(2026, 11, 23, 11, 0))
    return review.appointment_id


def _panel(qtbot, actor, poll_seconds=60):
    hub = ChangeHub(actor, poll_seconds=poll_seconds)
    panel = WorklistsPanel(actor, load_settings(), hub)
    hub.setParent(panel)  # goes with the panel: no poll of a later test's database redraws a deleted panel
    qtbot.addWidget(panel)
    return panel, hub


def _counted(qtbot, panel) -> list[str]:
    """The tab titles once every list's count has arrived (read off the window's thread)."""
    qtbot.waitUntil(lambda: all(title.endswith(")") for title in panel.titles()))
    return panel.titles()


def _select(table_widget, row: int) -> None:
    table_widget.table.selectRow(row)


def test_each_role_sees_its_own_lists_first(qtbot, rows_shown, sqlite_staff):
    panels = {role: _panel(qtbot, getattr(sqlite_staff, role))[0] for role in ("receptionist", "clinician", "manager")}
    for panel in panels.values():
        assert not any(title.endswith(")") for title in panel.titles())  # nothing read before it is shown
        panel.show()
    titles = {role: _counted(qtbot, panel) for role, panel in panels.items()}
    assert titles["receptionist"] == ["To book (0)", "Today (0)", "Outcome to record (0)", "To send (0)",
                                      "Acknowledgements to chase (0)", "Did not attend (0)", "Overdue (0)"]
    assert titles["clinician"] == ["Today (0)", "Referrals to write (0)", "Assessments due (0)",
                                   "Awaiting signature (0)", "Warnings to acknowledge (0)",
                                   "Muscle relaxants to review (0)"]
    assert titles["manager"][:3] == ["Overdue (0)", "All open work (0)", "Red flags cancelled (0)"]


def test_an_empty_list_says_what_empty_means(qtbot, rows_shown, sqlite_staff):
    panel, _ = _panel(qtbot, sqlite_staff.receptionist)
    empty = panel.list_for("to_book").findChild(type(panel.list_for("to_book")._empty), "emptyList")
    panel.show()
    assert empty.isVisible() and empty.text() == "Loading…"  # in place of the rows, not a dialog
    rows_shown(panel.list_for("to_book"))
    assert empty.isVisible() and empty.text() == "No reviews are waiting to be booked."


def test_receptionist_records_arrival_from_todays_list(qtbot, rows_shown, sqlite_staff):
    appointment_id = _booked_today(sqlite_staff, "Smith")
    panel, _ = _panel(qtbot, sqlite_staff.receptionist)
    today = rows_shown(panel.list_for("today"))
    _select(today, 0)
    assert today.buttons["Arrived"].isEnabled()
    today.buttons["Arrived"].click()
    assert appointments.get_appointment(sqlite_staff.receptionist, appointment_id).status == "attended"
    rows_shown(today)  # redrawn
    assert today.model.index(0, 6).data() == "attended"
    assert not today.buttons["Arrived"].isEnabled()  # the same row stays selected, now attended


def test_did_not_attend_puts_the_review_on_the_rebook_list(qtbot, rows_shown, sqlite_staff):
    _booked_today(sqlite_staff, "Smith")
    panel, _ = _panel(qtbot, sqlite_staff.receptionist)
    today = rows_shown(panel.list_for("today"))
    _select(today, 0)
    with frozen_at(MONDAY.replace(hour=11, minute=30)):  # the 11:00 review has started
        today.buttons["Did not attend"].click()
    qtbot.waitUntil(lambda: "Did not attend (1)" in panel.titles())  # a tab behind: its count, off the UI thread
    rebook = rows_shown(panel.list_for("did_not_attend")).model
    assert rebook.index(0, 0).data() == "2-week review (after did not attend)"


def test_a_refused_action_is_explained_and_the_list_catches_up(qtbot, rows_shown, sqlite_staff):
    appointment_id = _booked_today(sqlite_staff, "Smith")
    panel, _ = _panel(qtbot, sqlite_staff.receptionist)
    today = rows_shown(panel.list_for("today"))
    _select(today, 0)
    appointments.record_attended(sqlite_staff.clinician, appointment_id)  # another workstation, meanwhile
    today.buttons["Did not attend"].click()
    box = panel.findChild(QMessageBox, "refusal")
    assert box is not None and box.isVisible() and "attended" in box.text()
    rows_shown(today)
    assert today.model.index(0, 6).data() == "attended"


def test_a_refusal_from_a_list_is_one_sentence(qtbot, rows_shown, sqlite_staff):
    referral_id = _signed_letter(sqlite_staff, "Adams")
    panel, _ = _panel(qtbot, sqlite_staff.receptionist)
    to_send = rows_shown(panel.list_for("to_send"))
    _select(to_send, 0)
    referrals.mark_referral_sent(sqlite_staff.manager, referral_id)  # another workstation, meanwhile
    to_send.buttons["Mark sent"].click()
    boxes = [box for box in panel.findChildren(QMessageBox, "refusal") if box.isVisible()]
    assert len(boxes) == 1
    text = boxes[0].text()
    assert text[0].isupper() and text.endswith(".") and ". " not in text


def test_a_lists_button_and_its_context_menu_entry_are_one_action_enabled_by_the_row(qtbot, rows_shown, sqlite_staff):
    _booked_today(sqlite_staff, "Smith")
    panel, _ = _panel(qtbot, sqlite_staff.receptionist)
    today = rows_shown(panel.list_for("today"))
    arrived = today.buttons["Arrived"].defaultAction()
    assert arrived in today.table.actions()  # the context menu offers the same action
    assert today.table.contextMenuPolicy() == Qt.ContextMenuPolicy.ActionsContextMenu
    assert not arrived.isEnabled()  # no row selected yet
    _select(today, 0)
    assert arrived.isEnabled() and arrived.shortcut().toString() == "Ctrl+Shift+A"


def test_a_change_from_another_workstation_shows_within_seconds(qtbot, rows_shown, sqlite_staff):
    panel, _ = _panel(qtbot, sqlite_staff.receptionist, poll_seconds=0.2)
    rows_shown(panel.list_for("to_book"))
    assert panel.titles()[0] == "To book (0)"
    _episode(sqlite_staff, "Taylor", date(2026, 11, 20))  # as if typed on another workstation
    qtbot.waitUntil(lambda: panel.titles()[0] == "To book (2)", timeout=3000)


def test_a_reload_keeps_the_selected_row(qtbot, rows_shown, sqlite_staff):
    _episode(sqlite_staff, "Adams", date(2026, 11, 10))
    _episode(sqlite_staff, "Baker", date(2026, 11, 12))
    panel, hub = _panel(qtbot, sqlite_staff.receptionist)
    to_book = rows_shown(panel.list_for("to_book"))
    baker_row = next(number for number in range(to_book.model.rowCount())
                     if to_book.model.row_at(number).patient_name == "BAKER, Ann")
    _select(to_book, baker_row)
    _episode(sqlite_staff, "Aaron", date(2026, 11, 9))  # sorts above everyone
    hub.after_change()
    rows_shown(to_book)
    assert to_book.model.row_at(0).patient_name == "AARON, Ann"  # redrawn
    assert to_book.selected_row().patient_name == "BAKER, Ann"
    current = to_book.table.currentIndex()  # where Enter and the arrow keys go from
    assert to_book.model.row_at(current.row()).patient_name == "BAKER, Ann"


def test_a_row_opens_its_patient(qtbot, rows_shown, sqlite_staff):
    episode_id = _episode(sqlite_staff, "Smith", date(2026, 11, 20))
    panel, _ = _panel(qtbot, sqlite_staff.receptionist)
    table = rows_shown(panel.list_for("to_book")).table
    with qtbot.waitSignal(panel.item_requested) as opened:
        table.doubleClicked.emit(table.model().index(0, 0))
    assert opened.args[0].patient_id == episodes_patient(sqlite_staff, episode_id)


def episodes_patient(staff, episode_id: int) -> int:
    from clinic_desktop.services.episodes.episode_records import get_episode

    return get_episode(staff.clinician, episode_id).patient_id


def test_manager_sees_overdue_grouped_by_kind_and_picks_one(qtbot, rows_shown, sqlite_staff):
    _episode(sqlite_staff, "Jones", date(2026, 10, 1))  # 2-week review overdue since 15 Oct
    _episode(sqlite_staff, "Early", date(2026, 8, 3))  # and its 12-week check too
    panel, _ = _panel(qtbot, sqlite_staff.manager)
    overdue = rows_shown(panel.list_for("overdue"))
    kinds = [overdue.kinds.item(number).text() for number in range(overdue.kinds.count())]
    assert kinds == ["All overdue (3)", "2-week review (2)", "12-week check (1)"]
    overdue.kinds.setCurrentRow(2)
    rows_shown(overdue)
    assert overdue.model.total == 1
    assert overdue.model.index(0, 1).data() == "12-week check"
    assert panel.titles()[0] == "Overdue (1)"


def test_overdue_rows_say_so_in_words_as_well_as_colour(qtbot, rows_shown, sqlite_staff):
    _episode(sqlite_staff, "Jones", date(2026, 10, 1))
    panel, _ = _panel(qtbot, sqlite_staff.manager)
    model = rows_shown(panel.list_for("overdue")).model
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Overdue"
    assert model.index(0, 0).data() == "OVERDUE 39 d"
    assert model.index(0, 0).data(Qt.ItemDataRole.ForegroundRole) is not None


def test_clinicians_today_shows_only_their_own_appointments(qtbot, rows_shown, sqlite_staff):
    _booked_today(sqlite_staff, "Smith")
    mine, _ = _panel(qtbot, sqlite_staff.clinician)
    theirs, _ = _panel(qtbot, sqlite_staff.other_clinician)
    rows_shown(mine.list_for("today")), rows_shown(theirs.list_for("today"))
    assert mine.titles()[0] == "Today (1)" and theirs.titles()[0] == "Today (0)"
    assert mine.list_for("today").model.index(0, 0).data() == "11:00"  # London time = UTC in November


# --- the To send list: signed letters waiting to go out ---


def _signed_letter(staff, family_name: str, kind: str = "spinal_surgical") -> int:
    episode_id = _episode(staff, family_name, date(2026, 11, 16))
    referral = referrals.raise_referral(staff.clinician, episode_id, kind=kind, reason="Seen today")
    referrals.draft_referral(staff.clinician, referral.id, "Dear colleague,")
    referrals.sign_referral(staff.clinician, referral.id, PASSWORD)
    return referral.id


def test_to_send_lists_signed_letters_urgent_first(qtbot, rows_shown, sqlite_staff):
    _signed_letter(sqlite_staff, "Adams")
    _signed_letter(sqlite_staff, "Brown", kind="urgent_red_flag")
    panel, _ = _panel(qtbot, sqlite_staff.manager)
    to_send = rows_shown(panel.list_for("to_send"))
    assert panel.titles()[-1] == "To send (2)"
    assert to_send.model.index(0, 0).data() == "URGENT · Urgent red-flag referral"
    assert to_send.model.index(0, 3).data() == "BROWN, Ann"
    assert to_send.model.index(1, 6).data() == "v1"


def test_mark_sent_takes_the_letter_off_the_to_send_list(qtbot, rows_shown, sqlite_staff):
    referral_id = _signed_letter(sqlite_staff, "Adams")
    panel, _ = _panel(qtbot, sqlite_staff.receptionist)
    to_send = rows_shown(panel.list_for("to_send"))
    assert not to_send.buttons["Mark sent"].isEnabled()
    _select(to_send, 0)
    assert to_send.buttons["Mark sent"].isEnabled()
    to_send.buttons["Mark sent"].click()
    assert referrals.get_referral(sqlite_staff.receptionist, referral_id).status == "sent"
    rows_shown(to_send)
    assert "To send (0)" in panel.titles() and to_send.model.rowCount() == 0
    assert not to_send.buttons["Mark sent"].isEnabled()


def test_view_letter_shows_the_signed_letter_in_its_own_window(qtbot, rows_shown, sqlite_staff):
    referral_id = _signed_letter(sqlite_staff, "Adams")
    panel, _ = _panel(qtbot, sqlite_staff.receptionist)
    to_send = rows_shown(panel.list_for("to_send"))
    _select(to_send, 0)
    to_send.buttons["View letter"].click()
    window = panel.findChild(LetterWindow)
    assert window.isVisible() and not window.isModal()
    drawn(qtbot, window.preview)
    assert window.pdf_bytes() == referrals.letter_pdf(sqlite_staff.receptionist, referral_id)


def test_print_or_export_all_opens_the_batch_dialog_from_the_list(qtbot, rows_shown, sqlite_staff):
    _signed_letter(sqlite_staff, "Adams")
    panel, _ = _panel(qtbot, sqlite_staff.receptionist)
    button = panel.list_for("to_send").buttons["Print or export all"]
    assert button.isEnabled()  # about the whole list: no row needs to be selected
    button.click()
    dialog = panel.findChild(LetterBatchDialog)
    assert dialog.isVisible() and dialog.windowModality() == Qt.WindowModality.WindowModal
    assert dialog.model.total == 1


def test_a_clinician_has_no_to_send_list_and_no_batch_action(qtbot, rows_shown, sqlite_staff):
    panel, _ = _panel(qtbot, sqlite_staff.clinician)
    assert not any(title.startswith("To send") for title in panel.titles())
    offered = [action.text() for action in panel.row_actions.for_list("to_send", panel)]
    assert "&Print or export all…" not in offered and "&Mark sent" not in offered


def test_a_list_that_cannot_be_read_keeps_its_rows_says_so_and_is_read_again_once_the_database_answers(
        qtbot, rows_shown, sqlite_staff, monkeypatch):
    _episode(sqlite_staff, "Smith", date(2026, 11, 20))
    panel, hub = _panel(qtbot, sqlite_staff.receptionist)
    to_book = rows_shown(panel.list_for("to_book"))
    assert to_book.model.rowCount() == 2

    def unreachable(*args, **kwargs):
        raise DatabaseUnavailable("the connection to the database was lost; nothing was saved")

    monkeypatch.setattr(worklists, "to_book", unreachable)
    panel.reload()
    rows_shown(to_book)
    assert to_book.model.rowCount() == 2
    message = to_book.findChild(type(to_book._empty), "emptyList")
    assert message.isVisible() and "could not be read again, so it may be out of date" in message.text()
    assert "It is read again as soon as the database answers." in message.text()

    monkeypatch.undo()  # the server is back
    hub.poll()  # the hub's next read goes through, with no change to tell of
    rows_shown(to_book)
    assert message.isHidden() and to_book.model.rowCount() == 2


# --- the safety net's lists: each offers the action that closes its item ---


def test_a_referral_the_pathway_raised_offers_write_the_letter(qtbot, rows_shown, sqlite_staff):
    _episode(sqlite_staff, "Flag", date(2026, 11, 23), red_flags=["suspected cauda equina syndrome"])
    panel, _ = _panel(qtbot, sqlite_staff.clinician)
    to_write = rows_shown(panel.list_for("referrals_to_write"))
    assert "Referrals to write (1)" in panel.titles()
    assert to_write.model.index(0, 0).data() == "URGENT · Urgent red-flag referral"
    _select(to_write, 0)
    to_write.buttons["Write the letter"].click()
    dialog = panel.findChild(DraftLetterDialog)
    assert dialog.isVisible()
    dialog.text.setPlainText("Please see today.")
    dialog.save()
    rows_shown(to_write)
    assert "Referrals to write (0)" in panel.titles()
    qtbot.waitUntil(lambda: "Awaiting signature (1)" in panel.titles())


def test_reception_records_an_outcome_after_the_slot_has_ended(qtbot, rows_shown, sqlite_staff):
    appointment_id = _booked_today(sqlite_staff, "Smith")  # 11:00 to 11:20
    with frozen_at(MONDAY.replace(hour=11, minute=30)):
        panel, _ = _panel(qtbot, sqlite_staff.receptionist)
        outcomes = rows_shown(panel.list_for("outcome_to_record"))
        assert "Outcome to record (1)" in panel.titles()
        assert outcomes.model.index(0, 0).data() == "23 Nov 2026 11:00"
        _select(outcomes, 0)
        outcomes.buttons["Did not attend"].click()
        rows_shown(outcomes)
    assert appointments.get_appointment(sqlite_staff.receptionist, appointment_id).status == "did_not_attend"
    assert "Outcome to record (0)" in panel.titles()


def test_reception_records_a_late_acknowledgement_from_the_chase_list(qtbot, rows_shown, sqlite_staff):
    referral_id = _signed_letter(sqlite_staff, "Adams")
    referrals.mark_referral_sent(sqlite_staff.receptionist, referral_id)
    with frozen_at(datetime(2026, 12, 9, 9, tzinfo=timezone.utc)):  # eleven working days on
        panel, _ = _panel(qtbot, sqlite_staff.receptionist)
        chase = rows_shown(panel.list_for("acknowledgements"))
        assert "Acknowledgements to chase (1)" in panel.titles()
        assert chase.model.index(0, 1).data() == "23 Nov 2026"
        _select(chase, 0)
        chase.buttons["Record acknowledgement"].click()
        rows_shown(chase)
    assert referrals.get_referral(sqlite_staff.receptionist, referral_id).status == "acknowledged"
    assert "Acknowledgements to chase (0)" in panel.titles()


def test_a_relaxant_past_its_review_opens_the_medicines_form(qtbot, rows_shown, sqlite_staff):
    _episode(sqlite_staff, "Relax", date(2026, 10, 26),
             medications=[MedicationInput("Cyclobenzaprine", "muscle_relaxant", "5 mg", **FOR_SPASM)])
    panel, _ = _panel(qtbot, sqlite_staff.clinician)
    relaxants = rows_shown(panel.list_for("relaxants"))
    assert "Muscle relaxants to review (1)" in panel.titles()
    assert relaxants.model.index(0, 0).data() == "Cyclobenzaprine"
    _select(relaxants, 0)
    relaxants.buttons["Stop or keep on"].click()
    assert panel.findChild(MedicationForm).isVisible()


def test_to_send_holds_back_a_letter_superseded_after_signing(qtbot, rows_shown, sqlite_staff):
    episode_id = _episode(sqlite_staff, "Moved", date(2026, 11, 2))
    episodes.record_start_back(sqlite_staff.clinician, episode_id, assessed_on=date(2026, 11, 16),
                               answers=(1, 1, 1, 1, 0, 0, 0, 0, 0))  # medium: standard physiotherapy
    referral_id = referrals.referrals_for_episode(sqlite_staff.clinician, episode_id)[0].id
    referrals.draft_referral(sqlite_staff.clinician, referral_id, "Dear colleague,")
    referrals.sign_referral(sqlite_staff.clinician, referral_id, PASSWORD)
    episodes.record_start_back(sqlite_staff.clinician, episode_id, assessed_on=date(2026, 11, 23),
                               answers=(1, 1, 1, 1, 1, 1, 1, 1, 4))  # high
    panel, _ = _panel(qtbot, sqlite_staff.receptionist)
    to_send = rows_shown(panel.list_for("to_send"))
    assert to_send.model.index(0, 0).data() == ("⚠ Check with clinician before sending · "
                                                "Standard physiotherapy referral")
    _select(to_send, 0)
    assert not to_send.buttons["Mark sent"].isEnabled()


def test_the_manager_sees_all_open_work_and_narrows_it_to_the_unassigned(qtbot, rows_shown, sqlite_staff):
    _episode(sqlite_staff, "Flag", date(2026, 11, 23), red_flags=["suspected spinal fracture"])
    _episode(sqlite_staff, "Other", date(2026, 11, 23))
    users.deactivate_user(sqlite_staff.manager, sqlite_staff.clinician.user_id, hand_over_to=UNASSIGNED)
    panel, _ = _panel(qtbot, sqlite_staff.manager)
    work = rows_shown(panel.list_for("open_work"))
    kinds = [work.kinds.item(number).text() for number in range(work.kinds.count())]
    assert kinds == ["All open work (5)", "Reviews to book (4)", "Referrals to write (1)"]
    assert "All open work (5)" in panel.titles()
    assert work.model.index(0, 0).data() == "Unassigned"  # the handed-over referral first
    qtbot.waitUntil(lambda: [work.owner.itemText(number) for number in range(work.owner.count())]
                    == ["Anyone", sqlite_staff.other_clinician.full_name])  # the active clinicians, read beside
    work.unassigned_only.setChecked(True)
    rows_shown(work)
    assert work.model.total == 1 and work.model.index(0, 1).data() == "Referrals to write"
    with qtbot.waitSignal(panel.item_requested):
        work.table.doubleClicked.emit(work.model.index(0, 0))


# --- what a change redraws ---


def _reads_of(monkeypatch, module, name: str) -> list[int]:
    """The page sizes asked of ``module.name`` from now on (a count reads a page of one)."""
    limits: list[int] = []
    service = getattr(module, name)

    def counted(*args, **kwargs):
        limits.append(kwargs["limit"])
        return service(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return limits


def test_nothing_is_read_until_the_panel_is_shown_and_then_not_on_the_windows_thread(qtbot, rows_shown,
                                                                                        sqlite_staff, monkeypatch):
    _episode(sqlite_staff, "Smith", date(2026, 11, 20))
    on_the_windows_thread: list[bool] = []
    service = worklists.to_book  # the To book list's pages and the Did not attend list's count

    def noted(*args, **kwargs):
        on_the_windows_thread.append(threading.current_thread() is threading.main_thread())
        return service(*args, **kwargs)

    monkeypatch.setattr(worklists, "to_book", noted)
    panel, _ = _panel(qtbot, sqlite_staff.receptionist)
    assert on_the_windows_thread == [] and panel.titles()[0] == "To book"
    rows_shown(panel.list_for("to_book"))
    assert _counted(qtbot, panel)[0] == "To book (2)" and "Did not attend (0)" in panel.titles()
    assert len(on_the_windows_thread) == 2 and not any(on_the_windows_thread)


def test_a_list_behind_another_tab_only_recounts_until_it_is_chosen(qtbot, rows_shown, sqlite_staff, monkeypatch):
    panel, hub = _panel(qtbot, sqlite_staff.receptionist)
    rows_shown(panel.list_for("to_book"))
    _counted(qtbot, panel)
    today_reads = _reads_of(monkeypatch, day_book, "todays_page")
    _booked_today(sqlite_staff, "Smith")  # as if on another workstation

    hub.after_change()

    qtbot.waitUntil(lambda: "Today (1)" in panel.titles())  # its count in the tab title, read off the window's thread
    assert today_reads == [1] and panel.list_for("today").model.rowCount() == 0
    today = rows_shown(panel.list_for("today"))
    assert today_reads == [1, 100] and today.model.index(0, 0).data() == "11:00"


def test_a_change_the_lists_do_not_show_reads_none_of_them(qtbot, rows_shown, sqlite_staff, monkeypatch):
    panel, hub = _panel(qtbot, sqlite_staff.receptionist)
    rows_shown(panel.list_for("to_book"))
    _counted(qtbot, panel)
    qtbot.waitUntil(lambda: not _op_threads())  # the first counts' thread has ended
    reads = _reads_of(monkeypatch, worklists, "to_book") + _reads_of(monkeypatch, day_book, "todays_page")
    destinations.create_destination(sqlite_staff.manager, name="Spinal surgery, St Elsewhere",
                                    kinds=["spinal_surgical"])

    hub.after_change()

    assert reads == [] and not _op_threads()


def test_a_shown_list_keeps_its_place_past_the_first_page(qtbot, rows_shown, sqlite_staff):
    for number in range(60):  # two reviews each: 120 rows, more than a page of 100
        _episode(sqlite_staff, f"Patient{number:02d}", date(2026, 11, 2))
    panel, hub = _panel(qtbot, sqlite_staff.receptionist)
    to_book = rows_shown(panel.list_for("to_book"))
    panel.resize(900, 500)
    to_book.table.scrollToBottom()  # Qt asks the model for the next page
    qtbot.waitUntil(lambda: to_book.model.rowCount() == 120)
    to_book.table.scrollToBottom()
    _select(to_book, 110)
    chosen, scrolled = to_book.selected_row(), to_book.table.verticalScrollBar().value()
    patients.edit_patient(sqlite_staff.manager, chosen.patient_id, telephone="01632 960123")  # redrawn for

    with qtbot.waitSignal(to_book.total_changed):  # redrawn
        hub.after_change()

    assert to_book.model.rowCount() == 120
    assert to_book.selected_row() == chosen and to_book.table.currentIndex().row() == 110
    assert to_book.table.verticalScrollBar().value() == scrolled


def _op_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name.startswith("op:")]
