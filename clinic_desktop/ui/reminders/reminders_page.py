"""The Reminders tab: what is due, what went, what failed and why; Send now and Retry.

Sending talks to the mail server and to GOV.UK Notify, seconds per message, so it runs in
the background with a progress dialog that can stop it between messages (ui/ops). Another
workstation or the scheduled job may be sending at the same time: the services make sure
each reminder goes once, and this page redraws when their audit events arrive.
"""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget

from clinic_desktop.services.admin.settings import ClinicSettings, load_settings
from clinic_desktop.services.core.actor import Actor
from clinic_desktop.services.core.change_reach import Record
from clinic_desktop.services.reminders import reminder_lists, reminder_sending
from clinic_desktop.ui.admin.admin_form import RecordTableModel, StatusLine
from clinic_desktop.ui.ops.messages import sentence
from clinic_desktop.ui.ops.op import Op
from clinic_desktop.ui.shell.view_reads import Reads
from clinic_desktop.ui.widgets.page_stacks import name_pages
from clinic_desktop.ui.widgets.redraw_when_seen import READ_AGAIN, RedrawWhenSeen
from clinic_desktop.ui.widgets.tables import read_only_table
from clinic_desktop.ui.widgets.time_format import local_time, weekday_date

_CHANNEL_TITLES = {"sms": "SMS", "email": "E-mail"}
# The reminders, the bookings they are for (a discharge or leave cancels or takes off a booking too), the
# patients' contact details and consent, and the days ahead to remind.
READS = Reads(Record.REMINDER, Record.APPOINTMENT, Record.PATIENT, Record.SETTING)


class RemindersPage(QWidget):
    patient_requested = Signal(int)

    def __init__(self, actor: Actor, settings: ClinicSettings, hub, parent=None):
        super().__init__(parent)
        self._actor, self._hub = actor, hub
        zone = settings.zone

        def when(instant) -> str:
            return f"{weekday_date(instant.astimezone(zone).date())} {local_time(instant, zone)}"

        def by(record) -> str:
            return _CHANNEL_TITLES[record.channel]

        self.due = RecordTableModel((("Appointment", lambda item: when(item.starts_at)),
                                     ("Patient", lambda item: item.patient_name), ("By", by),
                                     ("To", lambda item: item.to)), self)
        self.sent = RecordTableModel((("Sent", lambda item: when(item.finished_at or item.attempted_at)),
                                      ("Appointment", lambda item: when(item.starts_at)),
                                      ("Patient", lambda item: item.patient_name), ("By", by),
                                      ("State", lambda item: "Sent" if item.status == "sent" else "Sending…"),
                                      ("Attempts", lambda item: str(item.attempts))), self)
        self.failed = RecordTableModel((("Failed", lambda item: when(item.finished_at or item.attempted_at)),
                                        ("Appointment", lambda item: when(item.starts_at)),
                                        ("Patient", lambda item: item.patient_name), ("By", by),
                                        ("Reason", lambda item: item.failure or ""),
                                        ("Attempts", lambda item: str(item.attempts))), self)
        self.lists = QTabWidget()
        name_pages(self.lists, "Reminders due, sent and failed")
        self.tables = {}
        for key, model, name in (("due", self.due, "Reminders due"), ("sent", self.sent, "Reminders sent"),
                                 ("failed", self.failed, "Reminders failed")):
            # A column grows to 80 letters, not pixels: as wide again at a larger system font.
            table = read_only_table(model, name, fit_contents=True, widest=self.fontMetrics().averageCharWidth() * 80)
            table.setTabKeyNavigation(False)  # Tab leaves the list for Send now and Retry; the arrows move in it
            table.activated.connect(lambda index, model=model: self.patient_requested.emit(
                model.records[index.row()].patient_id))
            self.tables[key] = table
            self.lists.addTab(table, "")
        self.tables["failed"].selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.lists.currentChanged.connect(lambda _index: self._update_buttons())

        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.send_button = QPushButton("&Send now")
        self.send_button.setAccessibleName("Send the reminders due now")
        self.send_button.clicked.connect(self.send_now)
        self.retry_button = QPushButton("Retr&y")
        self.retry_button.setAccessibleName("Retry the selected failed reminder")
        self.retry_button.clicked.connect(self.retry_selected)
        self.status = StatusLine()
        buttons = QHBoxLayout()
        buttons.addWidget(self.send_button)
        buttons.addWidget(self.retry_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.lists, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        self.sending: Op | None = None
        self._said_unread = False  # the status line says the lists could not be read
        # Every change to a patient's details concerns it, whoever's: consent and a number or address decide
        # which reminders are due, so a patient not listed may have one due after a change to their details.
        self.redraws = RedrawWhenSeen(self, hub, lambda changes: self.refresh() if READS.concerned(changes)
                                      else None)
        self.refresh()

    def refresh(self) -> None:
        """Read the lists again (and the days ahead, which the manager may have changed on another workstation)."""
        actor = self._actor
        Op(self, lambda: (load_settings(), reminder_lists.due_reminders(actor), reminder_lists.sent_reminders(actor),
                          reminder_lists.failed_reminders(actor))).success(self._show).failure(self._unreadable).run()

    def _unreadable(self, reason: str) -> None:
        """The lists as they were stay, saying why; read again when the database answers."""
        self.status.refuse(f"{sentence(reason)} {READ_AGAIN}")
        self._said_unread = True
        self.redraws.read_failed()

    def _show(self, read) -> None:
        settings, *lists = read
        if self._said_unread:  # read at last: the warning goes (what an action said stays)
            self._said_unread = False
            self.status.tell("")
        days = settings.reminder_days_before
        self.intro.setText(f"Reminders go to patients who consented, by SMS and e-mail, for appointments up to "
                           f"{days} day{'s' if days != 1 else ''} ahead. They say only the date, time and place. "
                           "A scheduled job can send them too: clinic-desktop reminders send.")
        for index, (model, title, records) in enumerate(zip((self.due, self.sent, self.failed),
                                                            ("&Due", "Se&nt", "Fa&iled"), lists)):
            model.set_records(records)
            self.lists.setTabText(index, f"{title} ({len(records)})")
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.send_button.setEnabled(bool(self.due.records) and self.sending is None)
        self.retry_button.setEnabled(self._selected_failure() is not None and self.sending is None)

    def _selected_failure(self):
        if self.lists.currentWidget() is not self.tables["failed"]:
            return None
        rows = self.tables["failed"].selectionModel().selectedRows()
        return self.failed.records[rows[0].row()] if rows else None

    def send_now(self) -> None:
        """Send every reminder due, in the background; the page says what went and what failed."""
        actor = self._actor
        self.sending = Op(self, lambda: reminder_sending.send_due_reminders(actor), hub=self._hub,
                          refusal_title="Reminders not sent")
        self.sending.success(self._sent).failure(self.status.refuse).cancelled(
            lambda: self.status.tell("Sending stopped; what had gone is listed under Sent."))
        self.sending.finished.connect(self._done_sending)
        self._update_buttons()
        self.sending.in_background("Sending reminders…", cancellable=True)

    def retry_selected(self) -> None:
        failure = self._selected_failure()
        if failure is None:
            return
        actor = self._actor
        self.sending = Op(self, lambda: reminder_sending.retry_reminder(actor, failure.reminder_id), hub=self._hub)
        self.sending.success(self._sent).failure(self.status.refuse)
        self.sending.finished.connect(self._done_sending)
        self._update_buttons()
        self.sending.in_background("Sending the reminder again…")

    def _sent(self, report) -> None:
        if report.failed:
            self.status.refuse(f"{report.in_words()} " + " ".join(report.failed))
        else:
            self.status.tell(report.in_words())

    def _done_sending(self) -> None:
        self.sending = None
        self.refresh()


def for_screenshot(actor, settings, hub) -> QWidget:
    page = RemindersPage(actor, settings, hub)
    page.resize(1180, 720)
    return page
