"""The Users page: everyone who may sign in, and everyone who no longer may.

Accounts are deactivated, never deleted, so the audit trail and signed letters keep
naming real people. The service refuses deactivating or re-roling yourself; the buttons
say so before anyone tries.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from clinic_desktop.services import users
from clinic_desktop.services.actor import Actor
from clinic_desktop.services.users import UserRecord
from clinic_desktop.ui.admin_form import AdminListPage
from clinic_desktop.ui.admin_user_dialogs import PasswordDialog, UserDialog

_COLUMNS = (
    ("Name", lambda user: user.full_name),
    ("Username", lambda user: user.username),
    ("Role", lambda user: user.role_label.capitalize()),
    ("Professional title", lambda user: user.professional_title or ""),
    ("Registration number", lambda user: user.registration_number or ""),
    ("Status", lambda user: "active" if user.active else "deactivated: cannot sign in"),
)


class UsersPage(AdminListPage):
    def __init__(self, actor: Actor, hub, parent=None):
        super().__init__(hub, "Staff accounts. Deactivated accounts are kept (greyed) so the record still names "
                         "who did what; reactivate one to let the person sign in again.", "Staff accounts",
                         _COLUMNS, frozenset({"user"}), parent)
        self.actor = actor
        self.confirmation: QMessageBox | None = None  # the open "Deactivate …?" question
        self.new_button = self.add_button("&New user…", self.new_user, needs_selection=False)
        self.edit_button = self.add_button("&Edit…", self.edit_selected)
        self.password_button = self.add_button("Re&set password…", self.reset_password)
        self.add_active_toggle()
        self.buttons.addStretch(1)
        self.reload()

    def load(self):
        return users.list_users(self.actor)

    def update_buttons(self) -> None:
        super().update_buttons()
        user = self.selected()
        yourself = user is not None and user.id == self.actor.user_id
        self.active_button.setEnabled(user is not None and not yourself)
        self.active_button.setToolTip("You cannot deactivate your own account; another practice manager can."
                                      if yourself else "")

    def new_user(self) -> None:
        self.open_dialog(UserDialog(self.actor, None, self))

    def edit_dialog(self, user: UserRecord) -> UserDialog:
        return UserDialog(self.actor, user, self)

    def reset_password(self) -> None:
        user = self.selected()
        if user is not None:
            self.open_dialog(PasswordDialog(self.actor, user, self))

    def deactivate(self, user: UserRecord) -> None:
        """Ask first: the person is stopped at once, wherever they are signed in."""
        box = QMessageBox(QMessageBox.Icon.Question, "Deactivate account",
                          f"Deactivate {user.username} ({user.full_name})? They can no longer sign in, and a "
                          "session they have open stops at their next action. The account and everything it "
                          "recorded are kept; you can reactivate it later.",
                          QMessageBox.StandardButton.Cancel, self)
        box.setObjectName("confirmDeactivation")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        confirm = box.addButton("&Deactivate", QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        confirm.clicked.connect(lambda: self.write(
            lambda: users.deactivate_user(self.actor, user.id),
            lambda done: f"Deactivated {done.username} ({done.full_name}): they can no longer sign in"))
        self.confirmation = box
        box.open()

    def reactivate(self, user: UserRecord) -> None:
        self.write(lambda: users.reactivate_user(self.actor, user.id),
                   lambda done: f"Reactivated {done.username} ({done.full_name}): they can sign in again")


def for_screenshot(actor, settings, hub) -> QWidget:
    page = UsersPage(actor, hub)
    page.select_id(actor.user_id)
    page.resize(980, 560)
    return page
