"""What can be done to a worklist row, as named actions (Anki's one verb per operation).

Each list gets its own QAction objects (text, shortcut, enabled state), shown as buttons
above the list and in its context menu. An action is offered only to a role the service
layer would allow; the service still checks, and a refusal is shown, never swallowed.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from clinic_desktop.services.admin.settings import ClinicSettings
from clinic_desktop.services.appointments import appointments
from clinic_desktop.services.core.actor import Actor
from clinic_desktop.services.core.errors import ServiceError
from clinic_desktop.services.core.permissions import allowed
from clinic_desktop.services.episodes.episode_records import WarningRecord
from clinic_desktop.services.referrals import referrals
from clinic_desktop.ui.book.booking_dialog import BookingDialog
from clinic_desktop.ui.forms.medication_form import MedicationForm
from clinic_desktop.ui.forms.outcome_form import TwelveWeekOutcomeForm
from clinic_desktop.ui.forms.start_back_form import StartBackForm
from clinic_desktop.ui.forms.warning_dialog import AcknowledgeWarningDialog
from clinic_desktop.ui.letters.letter_batch_dialog import LetterBatchDialog
from clinic_desktop.ui.letters.letter_window import LetterWindow
from clinic_desktop.ui.letters.referral_dialogs import DraftLetterDialog
from clinic_desktop.ui.ops.messages import show_refusal
from clinic_desktop.ui.ops.writes import write_and_redraw
from clinic_desktop.ui.shell.change_hub import ChangeHub


@dataclass(frozen=True)
class _Verb:
    text: str
    shortcut: str
    permission: str
    lists: tuple[str, ...]
    applies: Callable[[object], bool]
    run: str  # the RowActions method that carries it out
    whole_list: bool = False  # acts on the list, not the selected row: always enabled, no row passed


def _bookable(row) -> bool:
    if getattr(row, "item_type", "appointment") != "appointment":
        return False
    return getattr(row, "status", "to_book") == "to_book"


def _booked(row) -> bool:
    return getattr(row, "status", "booked") == "booked"  # an outcome-to-record row is booked by definition


_VERBS = (
    _Verb("&Open patient", "Ctrl+O", "view_patient",
          ("to_book", "did_not_attend", "today", "overdue", "awaiting_signature", "assessments_due", "warnings",
           "to_send", "outcome_to_record", "acknowledgements", "referrals_to_write", "relaxants", "open_work",
           "cancelled_red_flags"),
          lambda row: True, "open_patient"),
    _Verb("&Book review…", "Ctrl+B", "book_appointment", ("to_book", "did_not_attend", "overdue"),
          _bookable, "book"),
    _Verb("&Arrived", "Ctrl+Shift+A", "record_attendance", ("today", "outcome_to_record"), _booked, "arrived"),
    _Verb("&Did not attend", "Ctrl+Shift+D", "record_attendance", ("today", "outcome_to_record"), _booked,
          "did_not_attend"),
    _Verb("Write the &letter…", "Ctrl+Shift+W", "draft_referral", ("referrals_to_write",),
          lambda row: True, "write_letter"),
    _Verb("&Record finding…", "Ctrl+T", "record_clinical_fact", ("assessments_due",),
          lambda row: True, "record_finding"),
    _Verb("A&cknowledge…", "Ctrl+K", "acknowledge_warning", ("warnings",),
          lambda row: True, "acknowledge"),
    _Verb("&Stop or keep on…", "Ctrl+Shift+S", "record_clinical_fact", ("relaxants",),
          lambda row: True, "review_medicine"),
    _Verb("Record ac&knowledgement", "Ctrl+K", "record_referral_reply", ("acknowledgements",),
          lambda row: True, "record_acknowledgement"),
    _Verb("&View letter…", "Ctrl+Shift+L", "view_patient", ("to_send",),
          lambda row: True, "view_letter"),
    # A letter whose referral was superseded after signing waits for the clinician's decision.
    _Verb("&Mark sent", "Ctrl+Shift+M", "send_referral", ("to_send",),
          lambda row: row.status == "signed" and not row.check_with_clinician, "mark_sent"),
    _Verb("&Print or export all…", "Ctrl+P", "export_letters", ("to_send",),
          lambda row: True, "print_or_export_all", whole_list=True),
)


def _appointment_id(row) -> int:
    """Today's rows name their appointment; an obligation's row names its item."""
    return getattr(row, "appointment_id", None) or row.item_id


class RowActions(QObject):
    patient_requested = Signal(int)
    pathway_updated = Signal(object)  # an EpisodeUpdate, for the "what the pathway did" strip

    def __init__(self, actor: Actor, settings: ClinicSettings, hub: ChangeHub, window: QWidget):
        super().__init__(window)
        self._actor = actor
        self._settings = settings
        self._hub = hub
        self._window = window
        self._made: dict[str, list[tuple[QAction, _Verb]]] = {}
        self._current: dict[str, object] = {}

    def for_list(self, list_key: str, owner: QWidget) -> list[QAction]:
        """New actions for one list (each list has its own, so shortcuts work where the focus is)."""
        made = []
        for verb in _VERBS:
            if list_key not in verb.lists or not allowed(self._actor.role, verb.permission):
                continue
            action = QAction(verb.text, owner)
            action.setShortcut(QKeySequence(verb.shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.setEnabled(False)
            action.triggered.connect(lambda _=False, key=list_key, v=verb: self._run(key, v))
            made.append((action, verb))
        self._made[list_key] = made
        return [action for action, _ in made]

    def update_enabled(self, list_key: str, row) -> None:
        self._current[list_key] = row
        for action, verb in self._made.get(list_key, ()):
            action.setEnabled(verb.whole_list or (row is not None and verb.applies(row)))

    def _run(self, list_key: str, verb: _Verb) -> None:
        if verb.whole_list:
            getattr(self, verb.run)()
            return
        row = self._current.get(list_key)
        if row is not None and verb.applies(row):
            getattr(self, verb.run)(row)

    # --- the verbs ---

    def open_patient(self, row) -> None:
        self.patient_requested.emit(row.patient_id)

    def book(self, row) -> None:
        dialog = BookingDialog(self._actor, self._settings, _appointment_id(row), self._window)
        dialog.booked.connect(lambda _record: self._hub.after_change())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def arrived(self, row) -> None:
        self._change(lambda: appointments.record_attended(self._actor, _appointment_id(row)))

    def did_not_attend(self, row) -> None:
        self._change(lambda: appointments.record_did_not_attend(self._actor, _appointment_id(row)))

    def write_letter(self, row) -> None:
        """The referral's draft dialog, as the patient view opens it."""
        try:
            referral = referrals.get_referral(self._actor, row.item_id)
        except ServiceError as error:
            show_refusal(self._window, str(error))
            return
        dialog = DraftLetterDialog(self._actor, referral, self._window)
        dialog.saved.connect(lambda _record: self._hub.after_change())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def record_finding(self, row) -> None:
        form_class = StartBackForm if row.item_kind == "two_week_review" else TwelveWeekOutcomeForm
        self._open_form(form_class(self._actor, self._settings, row.episode_id, self._window))

    def acknowledge(self, row) -> None:
        warning = WarningRecord(id=row.item_id, kind=row.item_kind, message=row.item_title,
                                requires_acknowledgement=True)
        self._open_form(AcknowledgeWarningDialog(self._actor, warning, self._window))

    def review_medicine(self, row) -> None:
        """The episode's medicines form, where the relaxant is stopped (or kept on, with a reason)."""
        self._open_form(MedicationForm(self._actor, self._settings, row.episode_id, self._window))

    def record_acknowledgement(self, row) -> None:
        self._change(lambda: referrals.record_referral_acknowledged(self._actor, row.item_id))

    def view_letter(self, row) -> None:
        """The letter in its own window (not modal): read it, print or save just this one."""
        try:
            window = LetterWindow.for_referral(self._actor, self._settings, row.referral_id, version=row.version,
                                               hub=self._hub, parent=self._window)
        except ServiceError as error:
            show_refusal(self._window, str(error))
            return
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.show()

    def mark_sent(self, row) -> None:
        self._change(lambda: referrals.mark_referral_sent(self._actor, row.referral_id, version=row.version))

    def print_or_export_all(self) -> None:
        dialog = LetterBatchDialog(self._actor, self._settings, self._hub, self._window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def _open_form(self, form) -> None:
        form.saved.connect(self._saved)
        form.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        form.open()

    def _saved(self, update) -> None:
        self.pathway_updated.emit(update)
        self._hub.after_change()

    def _change(self, call: Callable[[], object]) -> None:
        write_and_redraw(self._window, self._hub, call)
