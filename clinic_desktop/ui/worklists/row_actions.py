"""What can be done to a worklist row, as named verbs (Anki's one verb per operation).

The actions themselves (text, shortcut, who is offered them, when they are enabled) are
entries of the one table in ui/shell/actions; each list gets its own QActions made from
it, shown as buttons above the list and in its context menu, so a shortcut works where
the focus is. Every service call goes through an Op: the service still checks, and a
refusal is shown in one sentence, never swallowed.
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from clinic_desktop.services.admin.settings import ClinicSettings
from clinic_desktop.services.appointments import appointments
from clinic_desktop.services.core.actor import Actor
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
from clinic_desktop.ui.ops.op import Op
from clinic_desktop.ui.patients.item_target import of_row
from clinic_desktop.ui.shell.actions import ActionSet
from clinic_desktop.ui.shell.change_hub import ChangeHub


def _appointment_id(row) -> int:
    """Today's rows name their appointment; an obligation's row names its item."""
    return getattr(row, "appointment_id", None) or row.item_id


class RowActions(QObject):
    item_requested = Signal(object)  # an ItemTarget: the patient, and where in their view to land
    pathway_updated = Signal(object)  # an EpisodeUpdate, for the "what the pathway did" strip
    booked = Signal(object)  # an AppointmentRecord just booked: its confirmation is offered

    def __init__(self, actor: Actor, settings: ClinicSettings, hub: ChangeHub, window: QWidget):
        super().__init__(window)
        self._actor = actor
        self._settings = settings
        self._hub = hub
        self._window = window
        self._sets: dict[str, ActionSet] = {}

    def for_list(self, list_key: str, owner: QWidget) -> list[QAction]:
        """New actions for one list (each list has its own, so shortcuts work where the focus is)."""
        self._sets[list_key] = ActionSet(self._actor.role, [f"list:{list_key}"], owner, self)
        return self._sets[list_key].in_place(f"list:{list_key}")

    def update_enabled(self, list_key: str, row) -> None:
        if list_key in self._sets:
            self._sets[list_key].update(row)

    # --- the verbs ---

    def open_patient(self, row) -> None:
        self.item_requested.emit(of_row(row))

    def book_from_list(self, row) -> None:
        dialog = BookingDialog(self._actor, self._settings, _appointment_id(row), self._window)
        dialog.booked.connect(lambda _record: self._hub.after_change())
        dialog.booked.connect(self.booked)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def arrived(self, row) -> None:
        self._change(lambda: appointments.record_attended(self._actor, _appointment_id(row)))

    def did_not_attend(self, row) -> None:
        self._change(lambda: appointments.record_did_not_attend(self._actor, _appointment_id(row)))

    def write_letter_from_list(self, row) -> None:
        """The referral's draft dialog, as the patient view opens it."""
        Op(self._window, lambda: referrals.get_referral(self._actor, row.item_id)).success(self._draft).run()

    def _draft(self, referral) -> None:
        dialog = DraftLetterDialog(self._actor, referral, self._window)
        dialog.saved.connect(lambda _record: self._hub.after_change())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def record_finding(self, row) -> None:
        form_class = StartBackForm if row.item_kind == "two_week_review" else TwelveWeekOutcomeForm
        self._open_form(form_class(self._actor, self._settings, row.episode_id, self._window))

    def acknowledge_from_list(self, row) -> None:
        warning = WarningRecord(id=row.item_id, kind=row.item_kind, message=row.item_title,
                                requires_acknowledgement=True)
        self._open_form(AcknowledgeWarningDialog(self._actor, warning, self._window))

    def review_medicine(self, row) -> None:
        """The episode's medicines form, where the relaxant is stopped (or kept on, with a reason)."""
        self._open_form(MedicationForm(self._actor, self._settings, row.episode_id, self._window))

    def record_acknowledgement(self, row) -> None:
        self._change(lambda: referrals.record_referral_acknowledged(self._actor, row.item_id))

    def view_letter_from_list(self, row) -> None:
        """The letter in its own window (not modal): read it, print or save just this one."""
        Op(self._window, lambda: LetterWindow.for_referral(self._actor, self._settings, row.referral_id,
                                                           version=row.version, hub=self._hub,
                                                           parent=self._window)).success(_show_letter).run()

    def mark_sent_from_list(self, row) -> None:
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
        Op(self._window, call, hub=self._hub).run()


def _show_letter(window: LetterWindow) -> None:
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    window.show()
