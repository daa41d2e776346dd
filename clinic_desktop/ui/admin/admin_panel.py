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
from clinic_desktop.ui.admin.admin_timings import TimingsPage
from clinic_desktop.ui.admin.admin_users import UsersPage


class AdminPanel(QWidget):
    """Users, clinic details, pathway timings, referral destinations, letterhead; more via ``add_page``."""

    settings_changed = Signal(object)  # the new ClinicSettings

    def __init__(self, actor: Actor, settings: ClinicSettings, hub, parent=None):
        super().__init__(parent)
        self.pages = QListWidget()
        self.pages.setAccessibleName("Administration pages")
        self.pages.setSpacing(3)
        self.stack = QStackedWidget()
        self.users = UsersPage(actor, hub)
        self.clinic = ClinicPage(actor, settings, hub)
        self.timings = TimingsPage(actor, settings, hub)
        self.destinations = DestinationsPage(actor, hub)
        self.letterhead = LetterheadPage(actor, hub)
        self.clinic.settings_changed.connect(self.settings_changed)
        for title, page in (("Users", self.users), ("Clinic", self.clinic), ("Pathway timings", self.timings),
                            ("Referral destinations", self.destinations), ("Letterhead", self.letterhead)):
            self.add_page(title, page)
        self.pages.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.pages.setCurrentRow(0)
        layout = QHBoxLayout(self)
        layout.addWidget(self.pages)
        layout.addWidget(self.stack, 1)

    def add_page(self, title: str, widget: QWidget) -> None:
        """Add a page at the end of the list (the lead adds the backup page this way)."""
        self.pages.addItem(title)
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
