"""Starting the desktop application: first run or sign-in, then the main window."""
from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import qInstallMessageHandler
from PySide6.QtWidgets import QApplication

from clinic_desktop.services import users
from clinic_desktop.services.errors import ServiceError
from clinic_desktop.services.settings import load_settings
from clinic_desktop.ui.first_run_dialog import FirstRunDialog
from clinic_desktop.ui.main_window import MainWindow
from clinic_desktop.ui.sign_in_dialog import SignInDialog


def _application() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Clinic Desktop")
    app.setOrganizationName("Clinic Desktop")
    return app


def run_application(database_location: str) -> int:
    app = _application()
    dialog = SignInDialog(load_settings().name) if users.has_users() else FirstRunDialog()
    if dialog.exec() != dialog.DialogCode.Accepted:
        return 0
    window = MainWindow(dialog.actor, load_settings())
    window.statusBar().showMessage(f"Database: {database_location}")
    window.show()
    return app.exec()


def _quiet_offscreen_notes(kind, context, message: str) -> None:
    """The offscreen platform reports window-manager hints it cannot honour; nobody needs them."""
    if "propagateSizeHints" not in message:
        sys.stderr.write(message + "\n")


def save_screenshot(target: Path, database_location: str) -> None:
    """Render the main window as the first practice manager would see it (for docs and checks)."""
    qInstallMessageHandler(_quiet_offscreen_notes)
    app = _application()
    actor = users.first_active_manager()
    if actor is None:
        raise ServiceError("the database has no active practice manager to show the window for")
    window = MainWindow(actor, load_settings())
    window.statusBar().showMessage(f"Database: {database_location}")
    window.show()
    app.processEvents()
    target.parent.mkdir(parents=True, exist_ok=True)
    if not window.grab().save(str(target), "PNG"):
        raise ServiceError(f"could not write {target}")
    window.close()
