"""Starting the desktop application: first run or sign-in, then the signed-in session."""
from __future__ import annotations

import sys
from importlib import resources

from PySide6.QtGui import QIcon, QPalette
from PySide6.QtWidgets import QApplication

from clinic_desktop.services.admin import server_logins, users
from clinic_desktop.services.admin.settings import load_settings
from clinic_desktop.ui.ops.readers import Readers
from clinic_desktop.ui.shell.first_run_dialog import FirstRunDialog
from clinic_desktop.ui.shell.session import DesktopSession
from clinic_desktop.ui.shell.sign_in_dialog import SignInDialog
from clinic_desktop.ui.widgets.focus_ring import FocusRingStyle
from clinic_desktop.ui.widgets.palette import readable_selection


def application() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Clinic Desktop")
    app.setOrganizationName("Clinic Desktop")
    if not isinstance(app.style(), FocusRingStyle):
        app.setStyle(FocusRingStyle(app.style().name()))
        use_palette(app)
    # The icon every window carries (packaging/icons/make_icons.py draws it), read as a packaged
    # resource so that the bundle finds it too; the desktop file name ties the windows to the
    # launcher entry the Linux bundle installs (packaging/linux/clinic-desktop.desktop).
    app.setWindowIcon(QIcon(str(resources.files("clinic_desktop").joinpath("resources", "clinic-desktop.png"))))
    app.setDesktopFileName("clinic-desktop")
    return app


def use_palette(app: QApplication, palette: QPalette | None = None) -> None:
    """The desktop's palette (or ``palette``), with a selection colour that meets WCAG AA (issue 16)."""
    given = palette or app.palette()
    app.setPalette(readable_selection(given).resolve(given) if palette else readable_selection(given))


def first_dialog(notice: str = ""):
    """Signing in, or the first manager on a new clinic. A server reached as whoever signs in is read
    only once someone has: its clinic's name is not known yet, and its first manager was made with it."""
    if server_logins.server_checks_passwords():
        return SignInDialog(server_logins.server_name(), notice=notice)
    return SignInDialog(load_settings().name, notice=notice) if users.has_users() else FirstRunDialog()


def run_application(database_location: str, *, demo_if_empty: bool = False) -> int:
    """``demo_if_empty``: a database with nobody in it gets the demo clinic first (``make run``)."""
    app = application()
    notice = ""
    if demo_if_empty:
        from clinic_desktop.ui.shell.demo_first_run import build_demo_if_empty, sign_in_notice

        summary = build_demo_if_empty()
        notice = sign_in_notice(summary) if summary else ""
    dialog = first_dialog(notice)
    if dialog.exec() != dialog.DialogCode.Accepted:
        return 0
    session = DesktopSession(load_settings(), database_location)
    session.start(dialog.actor)
    advice = server_logins.shared_login_advice(dialog.actor.role)
    if advice:
        session.window.show_status(f"⚠ {advice}")
    session.start_daily_backup()
    try:
        return app.exec()
    finally:
        session.stop_daily_backup()
        Readers.stop()
