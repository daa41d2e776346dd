"""What can be done from a patient's view, as named actions offered per role and state.

An action exists only for a role the permission table allows (a receptionist is never
offered a clinical form); it is enabled only when the episode, review or referral in view
is in a state the service would accept. The service still checks. Every successful
change shows what it did in the notice strip and tells the change hub, so every open
view (this one included) redraws.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from PySide6.QtCore import QDate, QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from clinic_desktop.services.appointments import appointments
from clinic_desktop.services.appointments.appointments import AppointmentRecord
from clinic_desktop.services.core import clock
from clinic_desktop.services.core.clinic_time import format_day, format_time
from clinic_desktop.services.core.errors import ServiceError
from clinic_desktop.services.core.permissions import CLINICIAN, allowed
from clinic_desktop.services.episodes.episode_records import EpisodeRecord
from clinic_desktop.services.referrals import referrals
from clinic_desktop.services.referrals.referrals import ReferralRecord
from clinic_desktop.services.worklists.worklists import KIND_TITLES
from clinic_desktop.ui.book.booking_dialog import BookingDialog
from clinic_desktop.ui.forms.discharge_form import DischargeForm
from clinic_desktop.ui.forms.findings_form import FindingsForm
from clinic_desktop.ui.forms.first_contact_form import FirstContactForm
from clinic_desktop.ui.forms.medication_form import MedicationForm
from clinic_desktop.ui.forms.outcome_form import TwelveWeekOutcomeForm
from clinic_desktop.ui.forms.start_back_form import StartBackForm
from clinic_desktop.ui.forms.warning_dialog import AcknowledgeWarningDialog
from clinic_desktop.ui.letters.letter_window import LetterWindow
from clinic_desktop.ui.letters.referral_dialogs import (
    AmendLetterDialog,
    CancelReferralDialog,
    DraftLetterDialog,
    SignLetterDialog,
)
from clinic_desktop.ui.ops.messages import show_refusal
from clinic_desktop.ui.ops.writes import busy_cursor
from clinic_desktop.ui.patients.patient_dialog import PatientDialog
from clinic_desktop.ui.widgets.form_dialog import lay_out_form_dialog


@dataclass(frozen=True)
class PatientState:
    """What the view has in hand: the episode shown, and the review and referral selected."""

    episode: EpisodeRecord | None = None
    has_open_episode: bool = False
    appointment: AppointmentRecord | None = None
    referral: ReferralRecord | None = None

    @property
    def episode_open(self) -> bool:
        return self.episode is not None and self.episode.status == "open"


@dataclass(frozen=True)
class _Verb:
    name: str
    text: str
    shortcut: str
    permission: str
    group: str  # "patient" (the toolbar), "review" or "referral" (above those lists)
    applies: Callable[[PatientState], bool]


def _referral_in(*statuses: str) -> Callable[[PatientState], bool]:
    return lambda state: state.referral is not None and state.referral.status in statuses


def _has_letter(state: PatientState) -> bool:
    """A signed letter to read, or a draft written and not yet signed."""
    referral = state.referral
    return referral is not None and (bool(referral.versions) or (referral.status == "drafted"))


def _appointment_in(status: str) -> Callable[[PatientState], bool]:
    return lambda state: state.episode_open and state.appointment is not None and state.appointment.status == status


VERBS = (
    _Verb("edit_details", "&Edit details…", "Ctrl+E", "edit_patient", "patient", lambda state: True),
    _Verb("first_contact", "&First contact…", "Ctrl+Shift+F", "open_episode", "patient",
          lambda state: not state.has_open_episode),
    _Verb("start_back", "&STarT Back…", "Ctrl+T", "record_clinical_fact", "patient", lambda s: s.episode_open),
    _Verb("medication", "&Medication…", "Ctrl+M", "record_clinical_fact", "patient", lambda s: s.episode_open),
    _Verb("findings", "F&indings…", "Ctrl+I", "record_clinical_fact", "patient", lambda s: s.episode_open),
    _Verb("outcome", "12-&week outcome…", "Ctrl+Shift+W", "record_clinical_fact", "patient",
          lambda s: s.episode_open),
    _Verb("discharge", "&Discharge…", "Ctrl+Shift+D", "discharge_episode", "patient", lambda s: s.episode_open),
    _Verb("acknowledge", "&Acknowledge warning…", "Ctrl+K", "acknowledge_warning", "patient",
          lambda s: s.episode is not None and bool(s.episode.open_warnings)),
    _Verb("follow_up", "Add f&ollow-up…", "Ctrl+Shift+U", "book_appointment", "review", lambda s: s.episode_open),
    _Verb("book", "&Book review…", "Ctrl+B", "book_appointment", "review", _appointment_in("to_book")),
    _Verb("rebook", "&Rebook review…", "Ctrl+Shift+B", "book_appointment", "review", _appointment_in("booked")),
    _Verb("write_letter", "&Write letter…", "Ctrl+Shift+L", "draft_referral", "referral", _referral_in("raised", "drafted")),
    _Verb("sign", "&Sign letter…", "Ctrl+Shift+S", "sign_referral", "referral", _referral_in("drafted")),
    _Verb("view_letter", "&View letter…", "Ctrl+Shift+V", "view_patient", "referral", _has_letter),
    _Verb("amend_letter", "Ame&nd letter…", "Ctrl+Shift+N", "sign_referral", "referral", _referral_in("signed", "sent")),
    _Verb("mark_sent", "Mark letter s&ent", "", "send_referral", "referral", _referral_in("signed")),
    _Verb("acknowledged", "Record ac&knowledged", "", "record_referral_reply", "referral", _referral_in("sent")),
    _Verb("close", "&Close referral", "", "record_referral_reply", "referral", _referral_in("acknowledged")),
    _Verb("cancel_referral", "Cancel referra&l…", "", "cancel_referral", "referral", _referral_in("raised", "drafted")),
    _Verb("print_leaflet", "&Print leaflet…", "Ctrl+Shift+P", "view_patient", "patient", lambda state: True),
)


def offered(role: str, verb: _Verb) -> bool:
    """A verb is offered to a role the service would allow; only a clinician signs (DESIGN.md)."""
    return allowed(role, verb.permission) and (verb.name not in ("sign", "amend_letter") or role == CLINICIAN)


class PatientActions(QObject):
    """The patient view's QActions (toolbar, list buttons and context menus share them)."""

    def __init__(self, actor, settings, hub, patient_id: int, owner: QWidget, notices):
        super().__init__(owner)
        self._actor, self._settings, self._hub = actor, settings, hub
        self._patient_id = patient_id
        self._owner = owner
        self._notices = notices
        self.state = PatientState()
        self.dialog: QDialog | None = None  # the one last opened (tests and the idle lock find it)
        self.actions: dict[str, QAction] = {}
        self._verbs: dict[str, _Verb] = {}
        for verb in VERBS:
            if not offered(actor.role, verb):
                continue
            action = QAction(verb.text, owner)
            action.setObjectName(verb.name)
            if verb.shortcut:
                action.setShortcut(QKeySequence(verb.shortcut))
                action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                action.setToolTip(f"{verb.text.replace('&', '').rstrip('…')} ({verb.shortcut})")
            action.triggered.connect(getattr(self, verb.name))
            owner.addAction(action)
            self.actions[verb.name] = action
            self._verbs[verb.name] = verb
        self.set_state(self.state)

    def in_group(self, group: str) -> list[QAction]:
        return [self.actions[name] for name, verb in self._verbs.items() if verb.group == group]

    def list_with_buttons(self, table: QTableView, group: str) -> QWidget:
        """The list of reviews or referrals with its actions as buttons above it and in its context menu."""
        actions = self.in_group(group)
        holder = QWidget()
        buttons = QHBoxLayout()
        for action in actions:
            button = QToolButton()
            button.setDefaultAction(action)
            buttons.addWidget(button)
        buttons.addStretch(1)
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        table.addActions(actions)
        layout = QVBoxLayout(holder)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(table)
        return holder

    def set_state(self, state: PatientState) -> None:
        self.state = state
        for name, action in self.actions.items():
            action.setEnabled(self._verbs[name].applies(state))

    # --- what each action opens -------------------------------------------------------------

    def _open(self, dialog: QDialog, signal, on_done: Callable[[object], None]) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        signal.connect(lambda result: self._done(on_done, result))
        self.dialog = dialog
        dialog.open()

    def _done(self, on_done: Callable[[object], None], result) -> None:
        on_done(result)
        self._hub.after_change()

    def _pathway_form(self, form_class, subject_id: int) -> None:
        form = form_class(self._actor, self._settings, subject_id, parent=self._owner)
        self._open(form, form.saved, self._notices.show_update)

    def edit_details(self) -> None:
        dialog = PatientDialog(self._actor, self._settings, self._patient_id, parent=self._owner)
        self._open(dialog, dialog.saved,
                   lambda record: self._notices.show_notices([f"Details of {record.display_name} saved."]))

    def first_contact(self) -> None:
        self._pathway_form(FirstContactForm, self._patient_id)

    def start_back(self) -> None:
        self._pathway_form(StartBackForm, self.state.episode.id)

    def medication(self) -> None:
        self._pathway_form(MedicationForm, self.state.episode.id)

    def findings(self) -> None:
        self._pathway_form(FindingsForm, self.state.episode.id)

    def outcome(self) -> None:
        self._pathway_form(TwelveWeekOutcomeForm, self.state.episode.id)

    def discharge(self) -> None:
        self._pathway_form(DischargeForm, self.state.episode.id)

    def acknowledge(self) -> None:
        warnings = self.state.episode.open_warnings
        warning = next((item for item in warnings if item.requires_acknowledgement), warnings[0])
        dialog = AcknowledgeWarningDialog(self._actor, warning, parent=self._owner)
        self._open(dialog, dialog.saved, self._notices.show_update)

    def follow_up(self) -> None:
        dialog = FollowUpDialog(self._actor, self._settings, self.state.episode.id, parent=self._owner)
        self._open(dialog, dialog.saved, lambda record: self._notices.show_notices(
            [f"Follow-up put on the to-book list, due by {format_day(record.due_by)}."]))

    def book(self, reschedule: bool = False) -> None:
        dialog = BookingDialog(self._actor, self._settings, self.state.appointment.id, parent=self._owner,
                               reschedule=reschedule)
        self._open(dialog, dialog.booked, lambda record: self._notices.show_notices([booked_notice(record,
                                                                                                   self._settings)]))

    def rebook(self) -> None:
        self.book(reschedule=True)

    def write_letter(self) -> None:
        self._referral_dialog(DraftLetterDialog, "letter drafted")

    def sign(self) -> None:
        self._referral_dialog(SignLetterDialog, "letter signed; it can now be sent")

    def cancel_referral(self) -> None:
        self._referral_dialog(CancelReferralDialog, "cancelled")

    def amend_letter(self) -> None:
        dialog = AmendLetterDialog(self._actor, self.state.referral, parent=self._owner)
        self._open(dialog, dialog.saved, lambda record: self._notices.show_notices(
            [f"{record.kind_title} referral: letter amended and signed as version {record.versions[-1].version}; "
             "it must be sent again."]))

    def view_letter(self) -> None:
        self._show_window(LetterWindow.for_referral(self._actor, self._settings, self.state.referral.id,
                                                    hub=self._hub, parent=self._owner))

    def print_leaflet(self) -> None:
        self._show_window(LetterWindow.for_leaflet(self._actor, self._settings, self._patient_id,
                                                   parent=self._owner))

    def _show_window(self, window: LetterWindow) -> None:
        """A letter window is not modal: the patient's record stays usable beside it."""
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = window
        window.show()
        window.activateWindow()

    def _referral_dialog(self, dialog_class, did: str) -> None:
        dialog = dialog_class(self._actor, self.state.referral, parent=self._owner)
        self._open(dialog, dialog.saved,
                   lambda record: self._notices.show_notices([f"{record.kind_title} referral: {did}."]))

    def mark_sent(self) -> None:
        self._referral_step(referrals.mark_referral_sent, "letter marked as sent")

    def acknowledged(self) -> None:
        self._referral_step(referrals.record_referral_acknowledged, "receipt acknowledged")

    def close(self) -> None:
        self._referral_step(referrals.close_referral, "closed")

    def _referral_step(self, step: Callable, did: str) -> None:
        """A one-click step after signing; a refusal (someone moved it meanwhile) is shown, not swallowed."""
        try:
            with busy_cursor():
                record = step(self._actor, self.state.referral.id)
        except ServiceError as error:
            self.dialog = show_refusal(self._owner, str(error))
            return
        self._notices.show_notices([f"{record.kind_title} referral: {did}."])
        self._hub.after_change()


def booked_notice(record: AppointmentRecord, settings) -> str:
    starts = record.starts_at.astimezone(settings.zone)
    return (f"{KIND_TITLES[record.kind]} booked for {format_day(starts.date())} {format_time(starts)}"
            f" with {record.clinician_name}.")


class FollowUpDialog(QDialog):
    """A follow-up beyond the pathway's reviews: due-by date and reason, onto the to-book list."""

    saved = Signal(object)  # the AppointmentRecord

    def __init__(self, actor, settings, episode_id: int, parent=None):
        super().__init__(parent)
        self._actor = actor
        self._episode_id = episode_id
        self.setWindowTitle("Add a follow-up")
        today = clock.today(settings.zone)
        self.due_by = QDateEdit()
        self.due_by.setCalendarPopup(True)
        self.due_by.setDisplayFormat("dd MMM yyyy")
        self.due_by.setMinimumDate(QDate(today))
        self.due_by.setDate(QDate(today))
        self.due_by.setAccessibleName("Due by")
        self.reason = QLineEdit()
        self.reason.setAccessibleName("Reason for the follow-up")
        form = QFormLayout()
        form.addRow("&Due by", self.due_by)
        form.addRow("&Reason", self.reason)
        intro = QLabel("The follow-up goes on the to-book list; a due date on a closed day moves to the "
                       "working day before.")
        intro.setWordWrap(True)
        self.message = lay_out_form_dialog(self, intro, form, "&Add follow-up", self.save)
        self.setMinimumWidth(420)

    def save(self) -> None:
        try:
            with busy_cursor():
                record = appointments.add_follow_up(self._actor, self._episode_id,
                                                    due_by=self.due_by.date().toPython(), reason=self.reason.text())
        except ServiceError as error:
            self.message.setText(str(error))
            return
        self.saved.emit(record)
        self.accept()
