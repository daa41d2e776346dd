"""The main window: the signed-in user's worklists, patients, the appointment book.

Fixed tabs come first (Worklists, Patients, Appointment book, and for the practice manager
Dashboard, Audit and Administration), then one closable tab per open patient. Widgets never reach for the window: they ask for a patient with a signal and
the window opens that patient's tab. Urgent red-flag referrals are pinned above every tab
until someone acts on them.

Only the Worklists tab is built at sign-in; every other fixed tab is built, and reads its
data, the first time it is shown (``LazyTabs``), so the window appears at once and a change
announced for a tab nobody opened costs nothing. ``book``, ``patient_search`` and the
manager's ``dashboard``, ``audit``, ``admin`` give a tab's page, building it if need be.
"""
from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QStyle,
    QTabBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from clinic_desktop.services.admin.settings import ClinicSettings
from clinic_desktop.services.core.actor import Actor
from clinic_desktop.services.core.permissions import MANAGER
from clinic_desktop.services.core.server_health import durability_warning
from clinic_desktop.services.worklists import worklists
from clinic_desktop.ui.book.confirmation_offer import ConfirmationOffer
from clinic_desktop.ui.exchange import exchange_actions
from clinic_desktop.ui.forms.pathway_notices import PathwayNoticeBar
from clinic_desktop.ui.letters.letter_batch_dialog import LetterBatchDialog
from clinic_desktop.ui.ops.messages import sentence
from clinic_desktop.ui.ops.op import Op
from clinic_desktop.ui.ops.readers import Readers
from clinic_desktop.ui.shell import urgent_banner
from clinic_desktop.ui.shell.actions import MENU_TITLES, ActionSet, menu_places
from clinic_desktop.ui.shell.change_hub import ChangeHub
from clinic_desktop.ui.shell.manager_tabs import ManagerTabs
from clinic_desktop.ui.shell.patient_menu import PatientMenu
from clinic_desktop.ui.shell.urgent_banner import UrgentBanner
from clinic_desktop.ui.shell.warm_up import warm_up_later
from clinic_desktop.ui.widgets.lazy_tabs import LazyPage, LazyTabs
from clinic_desktop.ui.widgets.page_stacks import name_pages
from clinic_desktop.ui.widgets.palette import banner_style
from clinic_desktop.ui.widgets.window_layout import restore_window, save_window
from clinic_desktop.ui.worklists.worklists_panel import WorklistsPanel

if TYPE_CHECKING:  # built when first shown, and imported then
    from clinic_desktop.ui.book.appointment_book import AppointmentBookView
    from clinic_desktop.ui.patients.item_target import ItemTarget
    from clinic_desktop.ui.patients.patient_search import PatientSearch
    from clinic_desktop.ui.patients.patient_view import PatientView

_LAYOUT_KEY = "main_window"


class MainWindow(QMainWindow):
    lock_requested = Signal()
    sign_out_requested = Signal()
    settings_changed = Signal(object)  # the clinic's new ClinicSettings, saved on the Administration tab
    database_restored = Signal()  # every record was replaced from a backup: whoever is signed in starts again

    def __init__(self, actor: Actor, settings: ClinicSettings, location: str = "", hub: ChangeHub | None = None,
                 parent=None):
        super().__init__(parent)
        Readers.resume()  # stopped when the window before this one closed
        self.actor = actor
        self._settings = settings
        self._location = location
        self.hub = hub or ChangeHub(actor, parent=self)
        self.setObjectName("mainWindow")
        self._signed_in = QLabel()
        self._signed_in.setWordWrap(True)  # a long clinic name at a large font: two lines, not a wider window
        self._show_clinic_name()
        self.urgent = UrgentBanner()
        self._urgent_patients: list[int] = []
        self.urgent.linkActivated.connect(lambda link: self.open_patient(int(link.removeprefix("patient:"))))
        # A server that may lose committed records: the practice manager is the one to have it put right.
        warning = durability_warning() if actor.role == MANAGER else None
        self.durability = QLabel(f"⚠ {warning}" if warning else "")
        self.durability.setObjectName("durabilityBanner")
        self.durability.setWordWrap(True)
        self.durability.setVisible(warning is not None)

        self.worklists = WorklistsPanel(actor, settings, self.hub)
        self.notices = PathwayNoticeBar()
        self.worklists.row_actions.pathway_updated.connect(self.notices.show_update)
        self.confirmations = ConfirmationOffer(actor, settings, self.notices, self)
        self.worklists.row_actions.booked.connect(self.confirmations.booked)
        home = QWidget()
        home_layout = QVBoxLayout(home)
        home_layout.setContentsMargins(0, 0, 0, 0)
        home_layout.addWidget(self.notices)
        home_layout.addWidget(self.worklists, 1)
        self._search_tab = LazyPage(self._build_patient_search)
        self._book_tab = LazyPage(self._build_book)

        self.tabs = LazyTabs()
        name_pages(self.tabs, "Pages of the window")
        self.tabs.setDocumentMode(True)
        self.tabs.setTabsClosable(True)
        self.tabs.tabCloseRequested.connect(self._close_patient_tab)
        self.manager = ManagerTabs(actor, lambda: self._settings, self.hub)
        for widget, title in ((home, "&Worklists"), (self._search_tab, "&Patients"),
                              (self._book_tab, "Appointment &book"),
                              *((widget, title) for widget, title, _entry in self.manager.titled())):
            index = self.tabs.addTab(widget, title)
            self.tabs.tabBar().setTabButton(index, self.tabs.tabBar().ButtonPosition.RightSide, None)
        self._fixed_tabs = self.tabs.count()
        self._patients: dict[int, PatientView] = {}

        self.worklists.item_requested.connect(self.open_item)
        for key in ("dashboard", "audit", "reminders"):
            self.manager.when_built(key, lambda page: page.patient_requested.connect(self.open_patient))
        self.manager.when_built("admin", self._admin_built)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self._signed_in)
        layout.addWidget(self.urgent)
        layout.addWidget(self.durability)
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)
        self._add_actions()
        self.try_now = QToolButton()  # while the database cannot be reached: read now, not at the next try
        self.try_now.setText("Try now")
        self.try_now.setToolTip(f"Read the database again now ({self.refresh_action.shortcut().toString()})")
        self.try_now.clicked.connect(self.refresh_action.trigger)
        self.try_now.hide()
        self.statusBar().addPermanentWidget(self.try_now)
        self._apply_palette()
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._apply_palette)
        self.hub.changed.connect(  # on every window: not re-read for a registration (view_reads.py)
            lambda changes: self._show_urgent() if urgent_banner.READS.concerned(
                changes, frozenset(self._urgent_patients)) else None)
        self.hub.unreachable.connect(self._database_unreachable)
        self.hub.replaced.connect(self.database_restored)  # e.g. `clinic-desktop restore` while this was open
        self.hub.reachable.connect(self._database_reachable)
        self._show_urgent()
        self.show_status("Lists up to date")
        if not restore_window(self, _LAYOUT_KEY):
            self.resize(1240, 760)
        warm_up_later(self)

    # --- tabs built when first shown ---

    @property
    def patient_search(self) -> PatientSearch:
        return self._search_tab.page()

    @property
    def book(self) -> AppointmentBookView:
        return self._book_tab.page()

    def _build_patient_search(self) -> PatientSearch:
        from clinic_desktop.ui.patients.patient_search import PatientSearch

        search = PatientSearch(self.actor, settings=self._settings, hub=self.hub)
        search.patient_chosen.connect(self.open_patient)
        return search

    def _build_book(self) -> AppointmentBookView:
        from clinic_desktop.ui.book.appointment_book import AppointmentBookView

        book = AppointmentBookView(self.actor, self._settings, self.hub)
        book.patient_requested.connect(self.open_patient)
        return book

    def _admin_built(self, admin) -> None:
        admin.settings_changed.connect(self._settings_saved)
        if self.manager.backups is not None:
            self.manager.backups.restored.connect(self.database_restored)

    # --- actions and menus ---

    def _add_actions(self) -> None:
        """The menus, made from the one table of actions (ui/shell/actions), each entry offered
        only to a role the services allow."""
        self.menu_actions = ActionSet(self.actor.role, menu_places(), self, self, Qt.ShortcutContext.WindowShortcut)
        actions = self.menu_actions.actions
        menus = {place: self.menuBar().addMenu(title) for place, title in MENU_TITLES.items()
                 if self.menu_actions.in_place(place)}
        for place, menu in menus.items():
            self.menu_actions.fill_menu(menu, place)
        self.refresh_action, self.lock_action = actions["refresh"], actions["lock"]
        self.find_action, self.urgent_action = actions["find_patient"], actions["open_urgent_patient"]
        self.letters_batch_action = actions.get("print_or_export_letters")
        self.export_record_action = actions.get("export_patient_record")
        for number, (widget, _title, entry) in enumerate(self.manager.titled(), start=4):
            shown = QAction(entry, self)
            shown.setShortcut(QKeySequence(f"Ctrl+{number}"))
            shown.triggered.connect(lambda _=False, tab=widget: self.tabs.setCurrentWidget(tab))
            menus["menu:go"].insertAction(self.urgent_action, shown)
        self.patient_menu = PatientMenu(menus["menu:patient"])
        self.tabs.currentChanged.connect(self._patient_in_front)
        self._patient_in_front()

    def _patient_in_front(self, _index=None) -> None:
        """The menus follow the tab in front: its patient's actions, their record's export."""
        view = self.tabs.currentWidget()
        self.patient_menu.show_actions_of(view if view in self._patients.values() else None)
        if self.export_record_action is not None:
            self.export_record_action.setEnabled(self._current_patient() is not None)

    # --- what the menus do ---

    def import_patients(self) -> None:
        exchange_actions.import_patients(self, self.actor, self._settings, lambda _result: self.hub.after_change())

    def export_calendar(self) -> None:
        exchange_actions.export_calendar(self, self.actor, self._settings)

    export_my_calendar = export_calendar  # the same export, in a clinician's own words

    def export_patients(self) -> None:
        exchange_actions.export_patients(self, self.actor)

    def export_every_record(self) -> None:
        exchange_actions.export_every_record(self, self.actor)

    def lock(self) -> None:
        self.lock_requested.emit()

    def sign_out(self) -> None:
        self.sign_out_requested.emit()

    def quit(self) -> None:
        self.close()

    def show_worklists(self) -> None:
        self.tabs.setCurrentIndex(0)

    def show_book(self) -> None:
        self.tabs.setCurrentWidget(self.book)

    def next_tab(self) -> None:
        self._step_tab(1)

    def previous_tab(self) -> None:
        self._step_tab(-1)

    def close_patient_tab(self) -> None:
        self._close_patient_tab(self.tabs.currentIndex())

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
            from clinic_desktop.ui.patients.patient_view import PatientView

            opened: list[PatientView] = []
            if not (Op(self, lambda: PatientView(self.actor, self._settings, self.hub, patient_id))
                    .success(opened.append).run()):
                return None  # no such patient, or the database unreachable: the refusal box says which
            view = opened[0]
            self._patients[patient_id] = view
            index = self.tabs.addTab(view, view.title())
            self._give_close_button(view, index)
            self._retitle(view, view.title())
            view.title_changed.connect(lambda title, shown=view: self._retitle(shown, title))
        self.tabs.setCurrentWidget(view)
        return view

    def open_item(self, target: ItemTarget) -> None:
        """The patient's tab, landed on the item a worklist row is about (the review selected, the
        letter or the form open)."""
        view = self.open_patient(target.patient_id)
        if view is not None:
            view.go_to(target)

    def _give_close_button(self, view: PatientView, index: int) -> None:
        """The patient tab's close button: a Tab stop of its own, after the tab bar and the close
        buttons before it, named for the patient (the tab bar's own takes no focus and has no name)."""
        bar = self.tabs.tabBar()
        bar.tabButton(index, QTabBar.ButtonPosition.RightSide).deleteLater()
        button = QToolButton(bar)
        button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_TabCloseButton))
        button.setAutoRaise(True)
        button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        button.clicked.connect(lambda: self._close_patient_tab(self.tabs.indexOf(view)))
        before = bar
        for earlier in range(self._fixed_tabs, index):
            before = bar.tabButton(earlier, QTabBar.ButtonPosition.RightSide) or before
        QWidget.setTabOrder(before, button)
        bar.setTabButton(index, QTabBar.ButtonPosition.RightSide, button)

    def _retitle(self, view: PatientView, title: str) -> None:
        index = self.tabs.indexOf(view)
        self.tabs.setTabText(index, title)
        self.tabs.setTabToolTip(index, title)
        close = self.tabs.tabBar().tabButton(index, QTabBar.ButtonPosition.RightSide)
        close.setAccessibleName(f"Close {title}")
        close.setToolTip(f"Close {title} (Ctrl+W)")

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
        """The banner read again; unreadable, it stays as it was and the status bar says why."""
        (Op(self, lambda: worklists.urgent_red_flags(self.actor))
         .success(self._show_urgent_referrals).failure(self._database_unreachable).run())

    def _show_urgent_referrals(self, referrals) -> None:
        self._urgent_patients = [row.patient_id for row in referrals]
        self.urgent_action.setEnabled(bool(referrals))
        self.urgent.show_referrals(referrals)

    def _database_unreachable(self, reason: str) -> None:
        """Why, and when the hub tries again (it waits longer after each failure); Try now does not wait."""
        retry = self.hub.next_try
        when = f" Trying again at {retry.astimezone(self._settings.zone):%H:%M:%S}." if retry is not None else ""
        self.show_status(f"⚠ The database cannot be reached — lists may be out of date. {sentence(reason)}{when}")
        self.try_now.setVisible(retry is not None)

    def _database_reachable(self) -> None:
        self.try_now.hide()
        self.show_status("Connected to the database again; lists up to date")

    def show_status(self, text: str) -> None:
        where = f" · Database: {self._location}" if self._location else ""
        self.statusBar().showMessage(text + where)

    def _apply_palette(self, _scheme=None) -> None:
        self.urgent.apply_palette()
        self.durability.setStyleSheet(banner_style("durabilityBanner", "urgent"))

    def tab_titles(self) -> list[str]:
        return self.worklists.titles()

    # --- closing ---

    def save_layout(self) -> None:
        save_window(self, _LAYOUT_KEY)
        self.worklists.save_layout()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_layout()
        self.hub.stop()
        Readers.stop()  # signing out, a restored database, quitting: no reader's session stays on the server
        super().closeEvent(event)
