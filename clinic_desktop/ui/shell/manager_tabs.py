"""The tabs a role has beyond the three everyone has: Dashboard, Audit, Administration (with Backups), Reminders.

Each exists only for a role the permission table lets see it, so a receptionist's
window never holds the audit trail or the user accounts, not even hidden. Each is built
the first time it is shown (``LazyPage``): the dashboard's charts, the audit trail and
the accounts are read when the manager goes there, not at sign-in, and their modules
(QtCharts, reportlab for the letterhead sample) are imported then too.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from clinic_desktop.services.admin.settings import ClinicSettings
from clinic_desktop.services.core.actor import Actor
from clinic_desktop.services.core.permissions import allowed
from clinic_desktop.ui.shell.change_hub import ChangeHub
from clinic_desktop.ui.widgets.lazy_tabs import LazyPage

if TYPE_CHECKING:
    from clinic_desktop.ui.admin.admin_panel import AdminPanel
    from clinic_desktop.ui.admin.backup_page import BackupPage
    from clinic_desktop.ui.manager.audit_viewer import AuditViewer
    from clinic_desktop.ui.manager.dashboard import DashboardView
    from clinic_desktop.ui.reminders.reminders_page import RemindersPage

BACKUP_PAGE = "Backups"


class ManagerTabs:
    """The role's manager tabs as stand-ins; asking for a page (``dashboard``, ...) builds it."""

    def __init__(self, actor: Actor, settings: Callable[[], ClinicSettings], hub: ChangeHub):
        """``settings``: the clinic's settings when a page is built (the manager may have changed them since)."""
        self._actor = actor
        self._settings = settings
        self._hub = hub
        self._backups: BackupPage | None = None
        self._pages: dict[str, LazyPage] = {}
        for key, permission, build in (("dashboard", "view_reports", self._dashboard),
                                       ("audit", "view_audit", self._audit),
                                       ("admin", "manage_users", self._admin),
                                       ("reminders", "send_reminders", self._reminders)):
            if allowed(actor.role, permission):
                self._pages[key] = LazyPage(build)

    def titled(self) -> list[tuple[LazyPage, str, str]]:
        """The tabs this role has, in order: (tab page, tab title, Go menu entry).

        The tab titles carry no Alt-letter: every letter a tab takes is one the pages' own
        buttons and fields may not use, and these tabs have Ctrl+4 to Ctrl+6 instead.
        """
        tabs = (("dashboard", "Dashboard", "&Dashboard"), ("audit", "Audit", "&Audit"),
                ("admin", "Administration", "Ad&ministration"), ("reminders", "Reminders", "&Reminders"))
        return [(self._pages[key], title, entry) for key, title, entry in tabs if key in self._pages]

    def when_built(self, key: str, connect: Callable) -> None:
        """``connect(page)`` once the page exists (the window wires its signals then)."""
        if key in self._pages:
            self._pages[key].built.connect(connect)

    @property
    def dashboard(self) -> DashboardView | None:
        return self._page("dashboard")

    @property
    def audit(self) -> AuditViewer | None:
        return self._page("audit")

    @property
    def admin(self) -> AdminPanel | None:
        return self._page("admin")

    @property
    def reminders(self) -> RemindersPage | None:
        return self._page("reminders")

    @property
    def backups(self) -> BackupPage | None:
        """The Administration tab's Backups page (building that tab if need be)."""
        return self._backups if self.admin is not None else None

    def _page(self, key: str):
        stand_in = self._pages.get(key)
        return stand_in.page() if stand_in is not None else None

    def _dashboard(self) -> DashboardView:
        from clinic_desktop.ui.manager.dashboard import DashboardView

        return DashboardView(self._actor, self._settings(), self._hub)

    def _audit(self) -> AuditViewer:
        from clinic_desktop.ui.manager.audit_viewer import AuditViewer

        return AuditViewer(self._actor, self._settings(), self._hub)

    def _reminders(self) -> RemindersPage:
        from clinic_desktop.ui.reminders.reminders_page import RemindersPage

        return RemindersPage(self._actor, self._settings(), self._hub)

    def _admin(self) -> AdminPanel:
        from clinic_desktop.ui.admin.admin_panel import AdminPanel

        panel = AdminPanel(self._actor, self._settings(), self._hub)
        if allowed(self._actor.role, "back_up_database"):
            from clinic_desktop.ui.admin.backup_page import BackupPage

            self._backups = BackupPage(self._actor, self._settings(), self._hub)
            panel.add_page(BACKUP_PAGE, self._backups)
        return panel
