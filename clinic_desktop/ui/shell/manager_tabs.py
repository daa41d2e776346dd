"""The practice manager's own tabs: Dashboard, Audit and Administration (with Backups).

Each is built only for a role the permission table lets see it, so a receptionist's
window never holds the audit trail or the user accounts, not even hidden.
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QWidget

from clinic_desktop.services.admin.settings import ClinicSettings
from clinic_desktop.services.core.actor import Actor
from clinic_desktop.services.core.permissions import allowed
from clinic_desktop.ui.admin.admin_panel import AdminPanel
from clinic_desktop.ui.admin.backup_page import BackupPage
from clinic_desktop.ui.manager.audit_viewer import AuditViewer
from clinic_desktop.ui.manager.dashboard import DashboardView
from clinic_desktop.ui.shell.change_hub import ChangeHub

BACKUP_PAGE = "Backups"


@dataclass
class ManagerTabs:
    dashboard: DashboardView | None = None
    audit: AuditViewer | None = None
    admin: AdminPanel | None = None
    backups: BackupPage | None = None

    def titled(self) -> list[tuple[QWidget, str, str]]:
        """The tabs this role has, in order: (widget, tab title, Go menu entry).

        The tab titles carry no Alt-letter: every letter a tab takes is one the pages' own
        buttons and fields may not use, and these tabs have Ctrl+4 to Ctrl+6 instead.
        """
        tabs = ((self.dashboard, "Dashboard", "&Dashboard"), (self.audit, "Audit", "&Audit"),
                (self.admin, "Administration", "Ad&ministration"))
        return [(widget, title, entry) for widget, title, entry in tabs if widget is not None]


def build_manager_tabs(actor: Actor, settings: ClinicSettings, hub: ChangeHub) -> ManagerTabs:
    tabs = ManagerTabs()
    if allowed(actor.role, "view_reports"):
        tabs.dashboard = DashboardView(actor, settings, hub)
    if allowed(actor.role, "view_audit"):
        tabs.audit = AuditViewer(actor, settings, hub)
    if allowed(actor.role, "manage_users"):
        tabs.admin = AdminPanel(actor, settings, hub)
        if allowed(actor.role, "back_up_database"):
            tabs.backups = BackupPage(actor, settings, hub)
            tabs.admin.add_page(BACKUP_PAGE, tabs.backups)
    return tabs
