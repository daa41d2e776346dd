"""The main window: the signed-in user's worklists, their own first, with counts.

Urgent red-flag referrals are pinned above every list until someone acts on them.
"""
from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QMainWindow,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from clinic_desktop.services import worklists
from clinic_desktop.services.actor import Actor
from clinic_desktop.services.settings import ClinicSettings
from clinic_desktop.ui.paged_table_model import PagedTableModel
from clinic_desktop.ui.time_format import short_date
from clinic_desktop.ui.worklist_views import WorklistView, views_for


class MainWindow(QMainWindow):
    def __init__(self, actor: Actor, settings: ClinicSettings, parent=None):
        super().__init__(parent)
        self._actor = actor
        self.setWindowTitle(f"Clinic Desktop — {settings.name}")
        self.resize(1180, 720)

        self._signed_in = QLabel(f"Signed in as <b>{escape(actor.full_name)}</b> "
                                 f"({actor.role.replace('_', ' ')})")
        self._urgent = QLabel()
        self._urgent.setObjectName("urgentBanner")
        self._urgent.setWordWrap(True)
        self._urgent.setStyleSheet(
            "#urgentBanner { background: #fde7e9; color: #8a0015; border: 1px solid #b00020;"
            " border-radius: 4px; padding: 8px; font-weight: bold; }"
        )
        self._urgent.setAccessibleName("Urgent red-flag referrals")
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self._models: list[tuple[WorklistView, PagedTableModel]] = []
        for view in views_for(actor.role, settings.zone):
            model = PagedTableModel(view.columns, lambda offset, limit, v=view: v.fetch(actor, offset, limit))
            self._models.append((view, model))
            self.tabs.addTab(_table(model, view.title), "")

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self._signed_in)
        layout.addWidget(self._urgent)
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)
        self._add_actions()
        self.refresh()

    def _add_actions(self) -> None:
        self.refresh_action = QAction("&Refresh", self)
        self.refresh_action.setShortcut(QKeySequence.StandardKey.Refresh)
        self.refresh_action.triggered.connect(self.refresh)
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        menu = self.menuBar().addMenu("&File")
        menu.addAction(self.refresh_action)
        menu.addSeparator()
        menu.addAction(quit_action)

    def refresh(self) -> None:
        """Re-read every list and the urgent banner from the database."""
        for index, (view, model) in enumerate(self._models):
            model.reload()
            self.tabs.setTabText(index, f"{view.title} ({model.total})")
        self._show_urgent(worklists.urgent_red_flags(self._actor))
        self.statusBar().showMessage("Lists up to date")

    def _show_urgent(self, referrals) -> None:
        if not referrals:
            self._urgent.hide()
            return
        lines = [f"⚠ URGENT red-flag referral{'s' if len(referrals) > 1 else ''} awaiting action:"]
        lines += [f"• {escape(row.patient_name)} — due {short_date(row.due_by)} ({row.status})" for row in referrals[:5]]
        if len(referrals) > 5:
            lines.append(f"… and {len(referrals) - 5} more")
        self._urgent.setText("<br>".join(lines))
        self._urgent.show()

    def tab_titles(self) -> list[str]:
        return [self.tabs.tabText(index) for index in range(self.tabs.count())]


def _table(model: PagedTableModel, title: str) -> QTableView:
    table = QTableView()
    table.setModel(model)
    table.setAccessibleName(title)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setStretchLastSection(True)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setMaximumSectionSize(320)  # a long referral name elides; its tooltip has it all
    table.setWordWrap(False)
    table.setTextElideMode(Qt.TextElideMode.ElideRight)
    return table
