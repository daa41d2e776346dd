"""What can be done from a patient's view, as named verbs offered per role and state.

The actions are entries of the one table in ui/shell/actions: an action exists only for
a role the permission table allows (a receptionist is never offered a clinical form); it
is enabled only when the episode, review or referral in view is in a state the service
would accept. The service still checks, through an Op. Every successful change shows
what it did in the notice strip and tells the change hub, so every open view (this one
included) redraws.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from PySide6.QtCore import QDate, QObject, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QFormLayout,
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
from clinic_desktop.services.core.clinic_time import format_day
from clinic_desktop.services.episodes import plans
from clinic_desktop.services.episodes.episode_records import EpisodeRecord
from clinic_desktop.services.episodes.episodes import EpisodeUpdate
from clinic_desktop.services.episodes.plan_records import PlanRecord
from clinic_desktop.services.referrals import referrals
from clinic_desktop.services.referrals.referrals import ReferralRecord
from clinic_desktop.ui.book.booking_dialog import BookingDialog
from clinic_desktop.ui.book.confirmation_offer import ConfirmationOffer
from clinic_desktop.ui.book.waiting_list_dialog import AddToWaitingListDialog
from clinic_desktop.ui.forms.advice_form import AdviceForm
from clinic_desktop.ui.forms.discharge_form import DischargeForm
from clinic_desktop.ui.forms.evaluation_form import EvaluationForm
from clinic_desktop.ui.forms.findings_form import FindingsForm
from clinic_desktop.ui.forms.first_contact_form import FirstContactForm
from clinic_desktop.ui.forms.imaging_form import ImagingForm
from clinic_desktop.ui.forms.medication_form import MedicationForm
from clinic_desktop.ui.forms.outcome_form import TwelveWeekOutcomeForm
from clinic_desktop.ui.forms.plan_form import PlanForm
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
from clinic_desktop.ui.ops.op import Op
from clinic_desktop.ui.patients.patient_dialog import PatientDialog
from clinic_desktop.ui.shell.actions import ActionSet
from clinic_desktop.ui.widgets.form_dialog import lay_out_form_dialog
from clinic_desktop.ui.widgets.wrapping_tool_bar import FlowLayout


@dataclass(frozen=True)
class PatientState:
    """What the view has in hand: the episode shown, and the review and referral selected."""

    episode: EpisodeRecord | None = None
    has_open_episode: bool = False
    appointment: AppointmentRecord | None = None
    referral: ReferralRecord | None = None
    plan: PlanRecord | None = None  # the management plan that stands in the episode shown

    @property
    def episode_open(self) -> bool:
        return self.episode is not None and self.episode.status == "open"


_GROUP_PLACES = {"patient": "patient:toolbar", "review": "patient:reviews", "referral": "patient:referrals"}


class PatientActions(QObject):
    """The patient view's QActions (toolbar, list buttons and context menus share them)."""

    def __init__(self, actor, settings, hub, patient_id: int, owner: QWidget, notices):
        super().__init__(owner)
        self._actor, self._settings, self._hub = actor, settings, hub
        self._patient_id = patient_id
        self._owner = owner
        self._notices = notices
        self.state = PatientState()
        self.confirmations = ConfirmationOffer(actor, settings, notices, owner, show=self._show_window)
        self.dialog: QDialog | None = None  # the one last opened (tests and the idle lock find it)
        self._set = ActionSet(actor.role, _GROUP_PLACES.values(), owner, self)
        self.actions: dict[str, QAction] = self._set.actions
        owner.addActions(list(self.actions.values()))  # their shortcuts work anywhere in the view
        self.set_state(self.state)

    def in_group(self, group: str) -> list[QAction]:
        """The actions of the toolbar ("patient") or of the reviews or referrals list."""
        return self._set.in_place(_GROUP_PLACES[group])

    def list_with_buttons(self, table: QTableView, group: str) -> QWidget:
        """The list of reviews or referrals with its actions as buttons above it and in its context menu.
        Tab comes to the buttons after the list, so a row chosen with the arrow keys is then acted on."""
        actions = self.in_group(group)
        holder = QWidget()
        table.setParent(holder)  # the table first in the holder's focus chain, its buttons after it
        buttons = FlowLayout(spacing=6)  # a second row at a large font, rather than a window wider than the screen
        for action in actions:
            button = QToolButton(holder)
            button.setDefaultAction(action)
            buttons.addWidget(button)
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        table.addActions(actions)
        layout = QVBoxLayout(holder)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(table)
        return holder

    def set_state(self, state: PatientState) -> None:
        self.state = state
        self._set.update(state)

    def open_on(self, verb: str, item_id: int, item_kind: str) -> bool:
        """Open what ``verb`` (item_target.py) opens on the item selected in the view, as its action
        would: only when the role is offered the action and the item's state enables it. True when
        something opened."""
        action_id = {"record_finding": "start_back" if item_kind == "two_week_review" else "outcome"}.get(verb, verb)
        action = self.actions.get(action_id)
        if action is None or not action.isEnabled():
            return False
        if verb == "acknowledge":
            self.acknowledge(self.state, item_id)
        else:
            action.trigger()
        return True

    # --- what each action opens -------------------------------------------------------------

    def _open(self, dialog: QDialog, signal, on_done: Callable[[object], None]) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        signal.connect(lambda result: self._done(on_done, result))
        self.dialog = dialog
        dialog.open()

    def _done(self, on_done: Callable[[object], None], result) -> None:
        on_done(result)
        self._hub.after_change()

    def _pathway_form(self, form_class, subject_id: int,
                      on_done: Callable[[EpisodeUpdate], None] | None = None) -> None:
        form = form_class(self._actor, self._settings, subject_id, parent=self._owner)
        self._open(form, form.saved, on_done or self._notices.show_update)

    def edit_details(self) -> None:
        dialog = PatientDialog(self._actor, self._settings, self._patient_id, parent=self._owner)
        self._open(dialog, dialog.saved,
                   lambda record: self._notices.show_notices([f"Details of {record.display_name} saved."]))

    def first_contact(self, _state: PatientState) -> None:
        self._pathway_form(FirstContactForm, self._patient_id)

    def start_back(self, state: PatientState) -> None:
        self._pathway_form(StartBackForm, state.episode.id, self._offer_plan)

    def _offer_plan(self, update: EpisodeUpdate) -> None:
        """After a stratification, what the pathway did; and the plan form, when the new risk asks for a plan."""
        self._notices.show_update(update)
        # Unreadable just now: no offer; the toolbar's Management plan… is there all the same.
        (Op(self._owner, lambda: plans.plan_needed(self._actor, update.episode_id))
         .success(lambda prompt: prompt and self._notices.offer(
             "Agree a management plan…", lambda: self._pathway_form(PlanForm, update.episode_id)))
         .failure(lambda _error: None).run())

    def plan(self, state: PatientState) -> None:
        self._pathway_form(PlanForm, state.episode.id)

    def print_plan(self, state: PatientState) -> None:
        self._open_window(lambda: LetterWindow.for_plan(self._actor, self._settings, state.episode.id,
                                                        parent=self._owner))

    def medication(self, state: PatientState) -> None:
        self._pathway_form(MedicationForm, state.episode.id)

    def findings(self, state: PatientState) -> None:
        self._pathway_form(FindingsForm, state.episode.id)

    def imaging(self, state: PatientState) -> None:
        self._pathway_form(ImagingForm, state.episode.id)

    def record_advice(self, state: PatientState) -> None:
        self._pathway_form(AdviceForm, state.episode.id)

    def evaluation(self, state: PatientState) -> None:
        self._pathway_form(EvaluationForm, state.episode.id)

    def outcome(self, state: PatientState) -> None:
        self._pathway_form(TwelveWeekOutcomeForm, state.episode.id)

    def discharge(self, state: PatientState) -> None:
        self._pathway_form(DischargeForm, state.episode.id)

    def acknowledge(self, state: PatientState, warning_id: int | None = None) -> None:
        """The warning asked for, else the first that must be acknowledged, else the first."""
        warnings = state.episode.open_warnings
        warning = next((item for item in warnings if item.id == warning_id), None) or next(
            (item for item in warnings if item.requires_acknowledgement), warnings[0])
        dialog = AcknowledgeWarningDialog(self._actor, warning, parent=self._owner)
        self._open(dialog, dialog.saved, self._notices.show_update)

    def follow_up(self, state: PatientState) -> None:
        dialog = FollowUpDialog(self._actor, self._settings, state.episode.id, parent=self._owner)
        self._open(dialog, dialog.saved, lambda record: self._notices.show_notices(
            [f"Follow-up put on the to-book list, due by {format_day(record.due_by)}."]))

    def book(self, state: PatientState, reschedule: bool = False) -> None:
        dialog = BookingDialog(self._actor, self._settings, state.appointment.id, parent=self._owner,
                               reschedule=reschedule)
        self._open(dialog, dialog.booked, self.confirmations.booked)

    def rebook(self, state: PatientState) -> None:
        self.book(state, reschedule=True)

    def print_confirmation(self, state: PatientState) -> None:
        self.confirmations.open(state.appointment.id)

    def add_to_waiting_list(self, state: PatientState) -> None:
        dialog = AddToWaitingListDialog(self._actor, state.appointment.id, parent=self._owner)
        self._open(dialog, dialog.saved, lambda entry: self._notices.show_notices(
            [f"{entry.kind_title} on the waiting list for an earlier slot: a cancellation will be offered "
             f"for it ({entry.can_come.lower()})."]))

    def write_letter(self, state: PatientState) -> None:
        self._referral_dialog(DraftLetterDialog, state, "letter drafted")

    def sign(self, state: PatientState) -> None:
        self._referral_dialog(SignLetterDialog, state, "letter signed; it can now be sent")

    def cancel_referral(self, state: PatientState) -> None:
        self._referral_dialog(CancelReferralDialog, state, "cancelled")

    def amend_letter(self, state: PatientState) -> None:
        dialog = AmendLetterDialog(self._actor, state.referral, parent=self._owner)
        self._open(dialog, dialog.saved, lambda record: self._notices.show_notices(
            [f"{record.kind_title} referral: letter amended and signed as version {record.versions[-1].version}; "
             "it must be sent again."]))

    def view_letter(self, state: PatientState) -> None:
        self._open_window(lambda: LetterWindow.for_referral(self._actor, self._settings, state.referral.id,
                                                            hub=self._hub, parent=self._owner))

    def print_leaflet(self) -> None:
        self._open_window(lambda: LetterWindow.for_leaflet(self._actor, self._settings, self._patient_id,
                                                           parent=self._owner))

    def _open_window(self, make: Callable[[], LetterWindow]) -> None:
        Op(self._owner, make).success(self._show_window).failure(self._refused).run()

    def _show_window(self, window: LetterWindow) -> None:
        """A letter window is not modal: the patient's record stays usable beside it."""
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = window
        window.show()
        window.activateWindow()

    def _referral_dialog(self, dialog_class, state: PatientState, did: str) -> None:
        dialog = dialog_class(self._actor, state.referral, parent=self._owner)
        self._open(dialog, dialog.saved,
                   lambda record: self._notices.show_notices([f"{record.kind_title} referral: {did}."]))

    def mark_sent(self, state: PatientState) -> None:
        self._referral_step(referrals.mark_referral_sent, state, "letter marked as sent")

    def acknowledged(self, state: PatientState) -> None:
        self._referral_step(referrals.record_referral_acknowledged, state, "receipt acknowledged")

    def close(self, state: PatientState) -> None:
        self._referral_step(referrals.close_referral, state, "closed")

    def _referral_step(self, step: Callable, state: PatientState, did: str) -> None:
        """A one-click step after signing; a refusal (someone moved it meanwhile) is shown, not swallowed."""
        Op(self._owner, lambda: step(self._actor, state.referral.id), hub=self._hub).success(
            lambda record: self._notices.show_notices([f"{record.kind_title} referral: {did}."])).failure(
            self._refused).run()

    def _refused(self, text: str) -> None:
        """The refusal box, kept as the dialog last opened (the idle lock hides it with the window)."""
        self.dialog = show_refusal(self._owner, text)


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
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 70)  # in letters: grows with the font

    def save(self) -> None:
        Op(self, lambda: appointments.add_follow_up(self._actor, self._episode_id,
                                                    due_by=self.due_by.date().toPython(),
                                                    reason=self.reason.text())).success(self._added).failure(
            self.message.setText).run()

    def _added(self, record: AppointmentRecord) -> None:
        self.saved.emit(record)
        self.accept()
