"""The Administration tab: the practice manager's pages, listed down the left.

Each page saves through its own services and shows refusals in its own words; the panel
only switches between them and passes on new clinic settings (``settings_changed``) so
the main window can hand them to the views that show opening hours or the clinic's name.
"""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QListWidget, QStackedWidget, QWidget

from clinic_desktop.services.admin.settings import ClinicSettings
from clinic_desktop.services.core.actor import Actor
from clinic_desktop.ui.admin.admin_clinic import ClinicPage
from clinic_desktop.ui.admin.admin_destinations import DestinationsPage
from clinic_desktop.ui.admin.admin_letterhead import LetterheadPage
from clinic_desktop.ui.admin.admin_messages import MessagesPage
from clinic_desktop.ui.admin.admin_sessions import SessionsPage
from clinic_desktop.ui.admin.admin_timings import TimingsPage
from clinic_desktop.ui.admin.admin_users import UsersPage
from clinic_desktop.ui.widgets.lazy_tabs import LazyPage
from clinic_desktop.ui.widgets.page_stacks import name_pages


class AdminPanel(QWidget):
    """Users, sessions and leave, clinic details, pathway timings, referral destinations, letterhead, messages; more via ``add_page``.

    Each page is built when first chosen (``LazyPage``), not when the tab opens: the letterhead
    page alone draws a PDF, and the others read their lists. Code that reaches for a page by
    name (``panel.clinic``) gets it built then.
    """

    settings_changed = Signal(object)  # the new ClinicSettings

    def __init__(self, actor: Actor, settings: ClinicSettings, hub, parent=None):
        super().__init__(parent)
        self.pages = QListWidget()
        self.pages.setAccessibleName("Administration pages")
        self.pages.setSpacing(3)
        self.stack = QStackedWidget()
        name_pages(self.stack, "Administration pages")
        self._users = LazyPage(lambda: UsersPage(actor, hub))
        self._sessions = LazyPage(lambda: SessionsPage(actor, settings, hub))
        self._clinic = LazyPage(lambda: ClinicPage(actor, settings, hub))
        self._clinic.built.connect(lambda page: page.settings_changed.connect(self.settings_changed))
        self._timings = LazyPage(lambda: TimingsPage(actor, settings, hub))
        self._destinations = LazyPage(lambda: DestinationsPage(actor, hub))
        self._letterhead = LazyPage(lambda: LetterheadPage(actor, hub))
        self._messages = LazyPage(lambda: MessagesPage(actor, settings, hub))
        self._messages.built.connect(lambda page: page.settings_changed.connect(self.settings_changed))
        for title, page in (("Users", self._users), ("Sessions and leave", self._sessions), ("Clinic", self._clinic), ("Pathway timings", self._timings),
                            ("Referral destinations", self._destinations), ("Letterhead", self._letterhead),
                            ("Messages", self._messages)):
            self.add_page(title, page)
        self.pages.currentRowChanged.connect(self._show_row)
        self.pages.setCurrentRow(0)
        layout = QHBoxLayout(self)
        layout.addWidget(self.pages)
        layout.addWidget(self.stack, 1)

    @property
    def users(self) -> UsersPage:
        return self._users.page()

    @property
    def sessions(self) -> SessionsPage:
        return self._sessions.page()

    @property
    def clinic(self) -> ClinicPage:
        return self._clinic.page()

    @property
    def timings(self) -> TimingsPage:
        return self._timings.page()

    @property
    def destinations(self) -> DestinationsPage:
        return self._destinations.page()

    @property
    def letterhead(self) -> LetterheadPage:
        return self._letterhead.page()

    @property
    def messages(self) -> MessagesPage:
        return self._messages.page()

    def current_page(self) -> QWidget:
        """The page on show (built, never its stand-in)."""
        shown = self.stack.currentWidget()
        return shown.page() if isinstance(shown, LazyPage) else shown

    def _show_row(self, row: int) -> None:
        shown = self.stack.widget(row)
        if isinstance(shown, LazyPage):
            shown.page()
        self.stack.setCurrentIndex(row)

    def add_page(self, title: str, widget: QWidget) -> None:
        """Add a page at the end of the list (the lead adds the backup page this way)."""
        self.pages.addItem(title)
        widget.setAccessibleName(title)  # the page says which it is, as its line in the list does
        self.stack.addWidget(widget)
        self.pages.setFixedWidth(max(self.pages.sizeHintForColumn(0) + 24, 160))

    def show_page(self, title: str) -> None:
        """Switch to the page called ``title``."""
        for row in range(self.pages.count()):
            if self.pages.item(row).text() == title:
                self.pages.setCurrentRow(row)
                return
        raise KeyError(title)


def for_screenshot(actor, settings, hub) -> QWidget:
    panel = AdminPanel(actor, settings, hub)
    panel.resize(1180, 720)
    return panel
