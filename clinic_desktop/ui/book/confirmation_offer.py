"""After a booking, the patient's confirmation offered where the booking was made.

The strip that says what was booked ("2-week review booked for Tue 1 Dec 2026 10:00 with
Dr Alys Jones.") also offers "Print confirmation…" and "Save as PDF…", each going straight
to its dialog once the page is drawn, so the patient at the desk leaves with the page in
two clicks. The window stays open afterwards for the other one (or Open in viewer).
"E-mail confirmation" sends the same page to the patient's address on record.
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QWidget

from clinic_desktop.services.appointments import confirmation
from clinic_desktop.services.appointments.appointments import AppointmentRecord
from clinic_desktop.services.core.clinic_time import format_day, format_time
from clinic_desktop.services.worklists.worklists import KIND_TITLES
from clinic_desktop.ui.forms.pathway_notices import PathwayNoticeBar
from clinic_desktop.ui.letters.letter_window import CONFIRMATION_DETAIL, CONFIRMATION_TITLE, LetterWindow
from clinic_desktop.ui.ops.messages import show_refusal
from clinic_desktop.ui.ops.op import Op

# (offer, the window's method it goes on to)
OFFERS = (("Print confirmation…", "print_letter"), ("Save as PDF…", "save_as"))


def booked_notice(record: AppointmentRecord, settings) -> str:
    starts = record.starts_at.astimezone(settings.zone)
    return (f"{KIND_TITLES[record.kind]} booked for {format_day(starts.date())} {format_time(starts)}"
            f" with {record.clinician_name}.")


class ConfirmationOffer(QObject):
    """Shows a booking in a notice strip with the confirmation's offers; opens the confirmation's window."""

    def __init__(self, actor, settings, notices: PathwayNoticeBar, owner: QWidget,
                 show: Callable[[LetterWindow], None] | None = None):
        super().__init__(owner)
        self._actor, self._settings, self._notices, self._owner = actor, settings, notices, owner
        self._show = show or _show_window
        self.window: LetterWindow | None = None  # the one last opened (tests find it here)

    def booked(self, record: AppointmentRecord) -> None:
        self._notices.show_notices([booked_notice(record, self._settings)])
        for text, then in OFFERS:
            self._notices.offer(text, lambda *_clicked, then=then: self.open(record.id, then))
        self._notices.offer("E-mail confirmation", lambda *_clicked: self.email(record.id))

    def email(self, appointment_id: int) -> None:
        """Send the confirmation to the patient's address, off the window's thread (a mail server
        may take seconds); the strip then says where it went, or why it could not."""
        (Op(self._owner, lambda: confirmation.email_confirmation(self._actor, appointment_id))
         .success(lambda address: self._notices.show_notices([f"Confirmation e-mailed to {address}."]))
         .failure(lambda text: show_refusal(self._owner, text))
         .in_background("E-mailing the confirmation…"))

    def open(self, appointment_id: int, then: str | None = None) -> None:
        """The confirmation's window; ``then`` names what it goes on to once drawn (print_letter, save_as)."""
        (Op(self._owner, lambda: LetterWindow.for_confirmation(self._actor, self._settings, appointment_id,
                                                               parent=self._owner))
         .success(lambda window: self._opened(window, then))
         .failure(lambda text: show_refusal(self._owner, text)).run())

    def _opened(self, window: LetterWindow, then: str | None) -> None:
        self.window = window
        self._show(window)
        if then is not None:
            window.when_ready(getattr(window, then))


def _show_window(window: LetterWindow) -> None:
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    window.show()
    window.activateWindow()


def for_screenshot(actor, settings, hub) -> QWidget:
    """The confirmation of the first review to book in its earliest free slot (nothing is booked for it), drawn."""
    sample = confirmation.sample_confirmation(actor)
    window = LetterWindow.for_patient_page(actor, settings, CONFIRMATION_TITLE, sample.patient_name,
                                           CONFIRMATION_DETAIL, lambda: sample.pdf)
    window.preview.wait_until_drawn()
    return window
