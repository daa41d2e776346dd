"""The main window: the signed-in user's worklists, patients, the appointment book.

Fixed tabs come first (Worklists, Patients, Appointment book, and for the practice manager
Dashboard, Audit and Administration), then one closable tab per open patient. Widgets never reach for the window: they ask for a patient with a signal and
the window opens that patient's tab. Urgent red-flag referrals are pinned above every tab
until someone acts on them.
"""
from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from clinic_desktop.services.admin.settings import ClinicSettings
from clinic_desktop.services.core.actor import Actor
from clinic_desktop.services.core.entity import Entity
from clinic_desktop.services.core.errors import ServiceError
from clinic_desktop.services.core.permissions import allowed
from clinic_desktop.services.worklists import worklists
from clinic_desktop.ui.book.appointment_book import AppointmentBookView
from clinic_desktop.ui.exchange import exchange_actions
from clinic_desktop.ui.forms.pathway_notices import PathwayNoticeBar
from clinic_desktop.ui.letters.letter_batch_dialog import LetterBatchDialog
from clinic_desktop.ui.ops.messages import show_refusal
from clinic_desktop.ui.patients.patient_search import PatientSearch
from clinic_desktop.ui.patients.patient_view import PatientView
from clinic_desktop.ui.shell.change_hub import ChangeHub
from clinic_desktop.ui.shell.manager_tabs import build_manager_tabs
from clinic_desktop.ui.widgets.palette import banner_style
from clinic_desktop.ui.widgets.time_format import short_date
from clinic_desktop.ui.widgets.window_layout import restore_window, save_window
from clinic_desktop.ui.worklists.worklists_panel import WorklistsPanel

_LAYOUT_KEY = "main_window"


class MainWindow(QMainWindow):
    lock_requested = Signal()
    sign_out_requested = Signal()
    settings_changed = Signal(object)  # the clinic's new ClinicSettings, saved on the Administration tab
    database_restored = Signal()  # every record was replaced from a backup: whoever is signed in starts again

    def __init__(self, actor: Actor, settings: ClinicSettings, location: str = "", hub: ChangeHub | None = None,
                 parent=None):
        super().__init__(parent)
        self.actor = actor
        self._settings = settings
        self._location = location
        self.hub = hub or ChangeHub(actor, parent=self)
        self.setObjectName("mainWindow")
        self._signed_in = QLabel()
        self._show_clinic_name()
        self.urgent = QLabel()
        self._urgent_patients: list[int] = []
        self.urgent.setObjectName("urgentBanner")
        self.urgent.setWordWrap(True)
        self.urgent.setTextFormat(Qt.TextFormat.RichText)
        self.urgent.setAccessibleName("Urgent red-flag referrals")
        self.urgent.linkActivated.connect(lambda link: self.open_patient(int(link.removeprefix("patient:"))))
        # Reachable from the keyboard too: Tab to a name, Enter opens the patient.
        self.urgent.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.urgent.setFocusPolicy(Qt.FocusPolicy.TabFocus)

        self.worklists = WorklistsPanel(actor, settings, self.hub)
        self.notices = PathwayNoticeBar()
        self.worklists.row_actions.pathway_updated.connect(self.notices.show_update)
        home = QWidget()
        home_layout = QVBoxLayout(home)
        home_layout.setContentsMargins(0, 0, 0, 0)
        home_layout.addWidget(self.notices)
        home_layout.addWidget(self.worklists, 1)
        self.patient_search = PatientSearch(actor, settings=settings, hub=self.hub)
        self.book = AppointmentBookView(actor, settings, self.hub)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.setTabsClosable(True)
        self.tabs.tabCloseRequested.connect(self._close_patient_tab)
        self.manager = build_manager_tabs(actor, settings, self.hub)
        for widget, title in ((home, "&Worklists"), (self.patient_search, "&Patients"),
                              (self.book, "Appointment &book"),
                              *((widget, title) for widget, title, _entry in self.manager.titled())):
            index = self.tabs.addTab(widget, title)
            self.tabs.tabBar().setTabButton(index, self.tabs.tabBar().ButtonPosition.RightSide, None)
        self._fixed_tabs = self.tabs.count()
        self._patients: dict[int, PatientView] = {}

        for source in (self.worklists, self.book, self.worklists.row_actions, self.manager.dashboard,
                       self.manager.audit):
            if source is not None:
                source.patient_requested.connect(self.open_patient)
        if self.manager.admin is not None:
            self.manager.admin.settings_changed.connect(self._settings_saved)
        if self.manager.backups is not None:
            self.manager.backups.restored.connect(self.database_restored)
        self.patient_search.patient_chosen.connect(self.open_patient)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self._signed_in)
        layout.addWidget(self.urgent)
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)
        self._add_actions()
        self._apply_palette()
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._apply_palette)
        self.hub.changed.connect(
            lambda changes: self._show_urgent() if changes.touches(Entity.REFERRAL, Entity.PATIENT) else None)
        self.hub.unreachable.connect(self._database_unreachable)
        self.hub.replaced.connect(self.database_restored)  # e.g. `clinic-desktop restore` while this was open
        self.hub.reachable.connect(lambda: self.show_status("Connected to the database again; lists up to date"))
        self._show_urgent()
        self.show_status("Lists up to date")
        if not restore_window(self, _LAYOUT_KEY):
            self.resize(1240, 760)

    # --- actions and menus ---

    def _add_actions(self) -> None:
        def action(text: str, shortcut, slot, menu) -> QAction:
            made = QAction(text, self)
            made.setShortcut(QKeySequence(shortcut))
            made.triggered.connect(slot)
            menu.addAction(made)
            return made

        file_menu = self.menuBar().addMenu("&File")
        self.refresh_action = action("&Refresh", QKeySequence.StandardKey.Refresh, self.refresh, file_menu)
        file_menu.addSeparator()
        self._add_exchange_actions(file_menu)
        file_menu.addSeparator()
        self.lock_action = action("&Lock screen", "Ctrl+L", self.lock_requested.emit, file_menu)
        action("Sign &out", "Ctrl+Shift+Q", self.sign_out_requested.emit, file_menu)
        action("&Quit", QKeySequence.StandardKey.Quit, self.close, file_menu)

        go_menu = self.menuBar().addMenu("&Go")
        action("&Worklists", "Ctrl+1", lambda: self.tabs.setCurrentIndex(0), go_menu)
        self.find_action = action("&Find patient", QKeySequence.StandardKey.Find, self.find_patient, go_menu)
        action("Appointment &book", "Ctrl+3", lambda: self.tabs.setCurrentWidget(self.book), go_menu)
        for number, (widget, _title, entry) in enumerate(self.manager.titled(), start=4):
            action(entry, f"Ctrl+{number}", lambda _=False, shown=widget: self.tabs.setCurrentWidget(shown), go_menu)
        self.urgent_action = action("&Urgent referral's patient", "Ctrl+U", self.open_urgent_patient, go_menu)
        go_menu.addSeparator()
        action("&Next tab", "Ctrl+Tab", lambda: self._step_tab(1), go_menu)
        action("&Previous tab", "Ctrl+Shift+Tab", lambda: self._step_tab(-1), go_menu)
        action("&Close patient tab", QKeySequence.StandardKey.Close,
               lambda: self._close_patient_tab(self.tabs.currentIndex()), go_menu)

        patient_menu = self.menuBar().addMenu("Pa&tient")  # Alt+P is the Patients tab
        action("&Register new patient…", QKeySequence.StandardKey.New, self.register_patient, patient_menu)

        self.letters_batch_action = None
        if allowed(self.actor.role, "export_letters"):
            letters_menu = self.menuBar().addMenu("&Letters")
            self.letters_batch_action = action("&Print or export signed letters…", "Ctrl+Shift+E",
                                               self.print_or_export_letters, letters_menu)

    def _add_exchange_actions(self, file_menu) -> None:
        """Import and export, each offered only to a role that may use it."""
        role = self.actor.role
        if allowed(role, "import_patients"):
            import_action = file_menu.addAction("&Import patients from CSV…")
            import_action.triggered.connect(lambda: exchange_actions.import_patients(
                self, self.actor, self._settings, lambda _result: self.hub.after_change()))
        export_menu = file_menu.addMenu("&Export")
        calendar = "My &calendar (iCalendar)…" if role == "clinician" else "A clinician's &calendar (iCalendar)…"
        if allowed(role, "export_calendar"):
            export_menu.addAction(calendar).triggered.connect(
                lambda: exchange_actions.export_calendar(self, self.actor, self._settings))
        self.export_record_action = None
        if allowed(role, "export_patient_record"):
            self.export_record_action = export_menu.addAction("This patient's &record (FHIR)…")
            self.export_record_action.triggered.connect(self.export_patient_record)
            self.tabs.currentChanged.connect(
                lambda _index: self.export_record_action.setEnabled(self._current_patient() is not None))
            self.export_record_action.setEnabled(False)
        if allowed(role, "export_patients"):
            export_menu.addAction("All &patients (CSV)…").triggered.connect(
                lambda: exchange_actions.export_patients(self, self.actor))

    def export_patient_record(self) -> None:
        patient_id = self._current_patient()
        if patient_id is not None:
            exchange_actions.export_patient_record(self, self.actor, patient_id)

    def _current_patient(self) -> int | None:
        current = self.tabs.currentWidget()
        return next((patient_id for patient_id, view in self._patients.items() if view is current), None)

    def print_or_export_letters(self) -> None:
        dialog = LetterBatchDialog(self.actor, self._settings, self.hub, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def find_patient(self) -> None:
        self.tabs.setCurrentWidget(self.patient_search)
        self.patient_search.focus_search()

    def register_patient(self) -> None:
        self.tabs.setCurrentWidget(self.patient_search)
        self.patient_search.register_new()

    def _step_tab(self, step: int) -> None:
        self.tabs.setCurrentIndex((self.tabs.currentIndex() + step) % self.tabs.count())

    def _settings_saved(self, settings: ClinicSettings) -> None:
        self._settings = settings
        self._show_clinic_name()
        self.settings_changed.emit(settings)

    def _show_clinic_name(self) -> None:
        name, actor = self._settings.name, self.actor
        self.setWindowTitle(f"Clinic Desktop — {name}")
        self._signed_in.setText(f"<b>{escape(name)}</b> · signed in as <b>{escape(actor.full_name)}</b> "
                                f"({actor.role.replace('_', ' ')})")

    # --- patients ---

    def open_patient(self, patient_id: int) -> PatientView | None:
        """Show the patient's tab, opening it if needed."""
        view = self._patients.get(patient_id)
        if view is None:
            try:
                view = PatientView(self.actor, self._settings, self.hub, patient_id)
            except ServiceError as error:
                show_refusal(self, str(error))
                return None
            self._patients[patient_id] = view
            index = self.tabs.addTab(view, view.title())
            self.tabs.setTabToolTip(index, view.title())
            view.title_changed.connect(lambda title, shown=view: self._retitle(shown, title))
        self.tabs.setCurrentWidget(view)
        return view

    def _retitle(self, view: PatientView, title: str) -> None:
        index = self.tabs.indexOf(view)
        self.tabs.setTabText(index, title)
        self.tabs.setTabToolTip(index, title)

    def _close_patient_tab(self, index: int) -> None:
        if index < self._fixed_tabs:
            return
        view = self.tabs.widget(index)
        self.tabs.removeTab(index)
        self._patients = {key: value for key, value in self._patients.items() if value is not view}
        view.deleteLater()

    def open_patient_ids(self) -> list[int]:
        return list(self._patients)

    # --- refreshing ---

    def refresh(self) -> None:
        """Read everything again now: every open view redraws once (the hub's own polls redraw
        only what changed)."""
        if self.hub.poll(everything=True):
            self.show_status("Lists up to date")

    def open_urgent_patient(self) -> None:
        """The patient of the first urgent red-flag referral awaiting action (the banner's first name)."""
        if self._urgent_patients:
            self.open_patient(self._urgent_patients[0])

    def _show_urgent(self) -> None:
        try:
            referrals = worklists.urgent_red_flags(self.actor)
        except ServiceError as error:
            self._database_unreachable(str(error))
            return
        self._urgent_patients = [row.patient_id for row in referrals]
        self.urgent_action.setEnabled(bool(referrals))
        if not referrals:
            self.urgent.hide()
            return
        lines = [f"⚠ URGENT red-flag referral{'s' if len(referrals) > 1 else ''} awaiting action "
                 f"(select a name, or Ctrl+U, to open the patient):"]
        lines += [f"• <a href='patient:{row.patient_id}'>{escape(row.patient_name)}</a> — {escape(row.kind_title)}, "
                  f"due {short_date(row.due_by)} ({row.status.replace('_', ' ')})" for row in referrals[:5]]
        if len(referrals) > 5:
            lines.append(f"… and {len(referrals) - 5} more: see the Overdue and Awaiting signature lists")
        self.urgent.setText("<br>".join(lines))
        self.urgent.show()

    def _database_unreachable(self, reason: str) -> None:
        self.show_status(f"⚠ The database cannot be reached — lists may be out of date. {reason}")

    def show_status(self, text: str) -> None:
        where = f" · Database: {self._location}" if self._location else ""
        self.statusBar().showMessage(text + where)

    def _apply_palette(self, _scheme=None) -> None:
        self.urgent.setStyleSheet(banner_style("urgentBanner", "urgent") + " #urgentBanner { font-weight: bold; }")

    def tab_titles(self) -> list[str]:
        return self.worklists.titles()

    # --- closing ---

    def save_layout(self) -> None:
        save_window(self, _LAYOUT_KEY)
        self.worklists.save_layout()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_layout()
        self.hub.stop()
        super().closeEvent(event)
