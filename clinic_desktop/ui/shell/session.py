"""A signed-in session: the main window, the idle lock, resuming, and changing user.

An unattended workstation must not show patients' records. After the clinic's idle time
(default 10 minutes) every open window is hidden, not closed, behind the lock screen: the
same user's password brings them back exactly as they were, half-filled forms included.
Anyone else signing in there gets a fresh window, and the previous user's unsaved work is
discarded (it was theirs, not the newcomer's).
"""
from __future__ import annotations

from html import escape

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from clinic_desktop.services.admin import users
from clinic_desktop.services.admin.settings import ClinicSettings, load_settings
from clinic_desktop.services.core.actor import Actor
from clinic_desktop.services.core.errors import ServiceError
from clinic_desktop.services.referrals import signing_keys
from clinic_desktop.ui.admin.backup_timer import DailyBackupTimer
from clinic_desktop.ui.ops.messages import sentence
from clinic_desktop.ui.shell.main_window import MainWindow
from clinic_desktop.ui.shell.password_check import PasswordCheck
from clinic_desktop.ui.shell.sign_in_dialog import SignInDialog, credential_fields
from clinic_desktop.ui.widgets.form_dialog import show_as_refusal

_ACTIVITY = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel,
             QEvent.Type.TouchBegin}


class IdleWatcher(QObject):
    """Emits ``idle`` when no key, mouse or touch input reached the application for a while."""

    idle = Signal()

    def __init__(self, idle_ms: int, parent=None):
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(idle_ms)
        self._timer.timeout.connect(self.idle)
        QApplication.instance().installEventFilter(self)
        self._timer.start()

    def eventFilter(self, watched, event) -> bool:
        if event.type() in _ACTIVITY:
            self._timer.start()
        return False

    def restart(self) -> None:
        self._timer.start()

    def set_interval(self, idle_ms: int) -> None:
        self._timer.setInterval(idle_ms)
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        QApplication.instance().removeEventFilter(self)


class LockScreen(QDialog):
    """The locked workstation: the same user resumes; someone else signs in afresh."""

    unlocked = Signal(object)  # the Actor who signed in (the same user: resume)

    def __init__(self, clinic_name: str, locked_user: Actor, parent=None):
        super().__init__(parent)
        self._locked_user = locked_user
        self.setWindowTitle(f"Locked — {clinic_name}")
        self.setObjectName("lockScreen")
        heading = QLabel(f"<h3>{escape(clinic_name)}: this workstation is locked</h3>"
                         f"<p>{escape(locked_user.full_name)} was signed in. Enter your password to carry on "
                         "where you were.<br>Someone else can sign in with their own username; "
                         f"{escape(locked_user.full_name)}'s unsaved work is then discarded.</p>")
        heading.setWordWrap(True)
        self.username, self.password, form = credential_fields(locked_user.username)
        self.message = QLabel()
        self.message.setWordWrap(True)
        show_as_refusal(self.message)
        buttons = QDialogButtonBox()
        self.unlock_button = buttons.addButton("&Unlock", QDialogButtonBox.ButtonRole.AcceptRole)
        self.unlock_button.setDefault(True)
        quit_button = buttons.addButton("&Quit Clinic Desktop", QDialogButtonBox.ButtonRole.DestructiveRole)
        buttons.accepted.connect(self.try_unlock)
        quit_button.clicked.connect(QApplication.instance().quit)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 76)  # in letters: grows with the font
        self.password.setFocus()
        self.check = PasswordCheck(self, self.message, self.password)

    def try_unlock(self) -> None:
        username, password = self.username.text().strip(), self.password.text()
        self.check.start(lambda: self._who_unlocks(username, password), self._unlocked)

    def _who_unlocks(self, username: str, password: str) -> Actor:
        """On the check's own thread: the locked user resuming, or someone else signing in."""
        if username.casefold() != self._locked_user.username.casefold():
            return users.authenticate(username, password)
        if not users.verify_password(self._locked_user, password):
            raise ServiceError("wrong password")
        return self._locked_user

    def _unlocked(self, actor: Actor) -> None:
        self.unlocked.emit(actor)
        self.accept()

    def reject(self) -> None:
        """Esc or the window's close button must not uncover the records."""


class DesktopSession(QObject):
    """Owns the main window of whoever is signed in, and locks it when left idle."""

    def __init__(self, settings: ClinicSettings, location: str, idle_ms: int | None = None, parent=None):
        super().__init__(parent)
        self._settings = settings
        self._location = location
        self._idle_fixed = idle_ms is not None  # tests choose their own; otherwise the clinic setting
        self._idle_ms = idle_ms if idle_ms is not None else settings.lock_after_minutes * 60_000
        self.window: MainWindow | None = None
        self.lock_screen: LockScreen | None = None
        self.sign_in: SignInDialog | None = None
        self._hidden: list[QWidget] = []
        self._idle = IdleWatcher(self._idle_ms, self)
        self._idle.idle.connect(self.lock)
        self.daily_backup: DailyBackupTimer | None = None

    @property
    def locked(self) -> bool:
        return self.lock_screen is not None

    def start(self, actor: Actor) -> MainWindow:
        self.window = MainWindow(actor, self._settings, self._location)
        self.window.lock_requested.connect(self.lock)
        self.window.sign_out_requested.connect(self.sign_out)
        self.window.settings_changed.connect(self._settings_saved)
        self.window.database_restored.connect(self._database_restored)
        self.window.show()
        self._idle.restart()
        return self.window

    def lock(self) -> None:
        if self.window is None or self.locked:
            return
        # Main windows first, so that on resume each dialog comes back over its window.
        self._hidden = sorted((widget for widget in QApplication.topLevelWidgets() if widget.isVisible()),
                              key=lambda widget: widget.parentWidget() is not None)
        for widget in self._hidden:
            widget.hide()
        self.lock_screen = LockScreen(self._settings.name, self.window.actor)
        self.lock_screen.unlocked.connect(self._unlocked)
        self.lock_screen.show()
        self.lock_screen.activateWindow()

    def _unlocked(self, actor: Actor) -> None:
        screen, self.lock_screen = self.lock_screen, None
        screen.deleteLater()
        if self.window is not None and actor.user_id == self.window.actor.user_id:
            for widget in self._hidden:
                widget.show()
            self._hidden = []
        else:
            self._close_everything()
            self.start(actor)
        self._idle.restart()

    def start_daily_backup(self) -> DailyBackupTimer:
        """The clinic's daily copy, made by whichever window is open (at start, then after midnight)."""
        self.daily_backup = DailyBackupTimer(self)
        self.daily_backup.backed_up.connect(lambda result: self._tell(sentence(result.reason)))
        self.daily_backup.failed.connect(lambda reason: self._tell(f"⚠ {reason}"))
        self.daily_backup.start()
        return self.daily_backup

    def stop_daily_backup(self) -> None:
        """Closing the app waits for a copy in progress, so no half-written file is left behind."""
        if self.daily_backup is not None:
            self.daily_backup.stop()
            self.daily_backup.wait()

    def _tell(self, text: str) -> None:
        if self.window is not None:
            self.window.show_status(text)

    def _settings_saved(self, settings: ClinicSettings) -> None:
        """A new idle time applies at once on this workstation (others take it when next opened)."""
        self._settings = settings
        if not self._idle_fixed:
            self._idle_ms = settings.lock_after_minutes * 60_000
            self._idle.set_interval(self._idle_ms)

    def _database_restored(self) -> None:
        """Every record, accounts included, is now the backup's: nobody stays signed in on the old ones."""
        if self.window is None:
            return  # already signed out: the restore is announced by the page and by the change feed
        try:  # no Op: nothing is shown here; the sign-in dialog that follows says what is wrong with the database
            self._settings = load_settings()
        except ServiceError:
            pass  # the clinic's name from before the restore, on the sign-in dialog
        self.sign_out("The database was restored from a backup. Sign in again; accounts and "
                      "passwords are those the backup holds.")

    def sign_out(self, notice: str = "") -> None:
        """Close this user's windows and offer the sign-in dialog to whoever comes next."""
        self.sign_in = SignInDialog(self._settings.name, notice=notice)
        self.sign_in.accepted.connect(lambda: self.start(self.sign_in.actor))
        self.sign_in.rejected.connect(QApplication.instance().quit)
        self.sign_in.show()  # before the window closes, so the application does not quit
        self._close_everything()

    def _close_everything(self) -> None:
        self._hidden = []
        for widget in QApplication.topLevelWidgets():
            if widget is self.window or widget in (self.lock_screen, self.sign_in):
                continue
            if widget.isWindow() and widget.parentWidget() is not None:
                widget.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
                widget.close()
        if self.window is not None:
            # A manager's sign-in opened the clinic's signing authority in this process: it closes with them.
            signing_keys.forget_authority(self.window.actor.user_id)
            self.window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.window.close()
            self.window = None
