"""The Users page: everyone who may sign in, and everyone who no longer may.

Accounts are deactivated, never deleted, so the audit trail and signed letters keep
naming real people. The service refuses deactivating or re-roling yourself; the buttons
say so before anyone tries. Deactivating asks in a dialog, which also names who takes the
person's open work (admin_user_dialogs.DeactivateDialog).
"""
from __future__ import annotations

from PySide6.QtWidgets import QWidget

from clinic_desktop.services.admin import users
from clinic_desktop.services.admin.users import UserRecord
from clinic_desktop.services.core.actor import Actor
from clinic_desktop.services.core.change_reach import Record
from clinic_desktop.ui.admin.admin_form import AdminListPage
from clinic_desktop.ui.admin.admin_user_dialogs import DeactivateDialog, PasswordDialog, UserDialog
from clinic_desktop.ui.ops.op import Op
from clinic_desktop.ui.shell.view_reads import Reads

_COLUMNS = (
    ("Name", lambda user: user.full_name),
    ("Username", lambda user: user.username),
    ("Role", lambda user: user.role_label.capitalize()),
    ("Professional title", lambda user: user.professional_title or ""),
    ("Registration number", lambda user: user.registration_number or ""),
    ("Status", lambda user: "active" if user.active else "deactivated: cannot sign in"),
)

# At a large font, first to narrow first (their tooltips have it all); the name never narrows, and
# whether the account may sign in narrows last.
_GIVES_WAY = ("Username", "Professional title", "Role", "Registration number", "Status")


class UsersPage(AdminListPage):
    def __init__(self, actor: Actor, hub, parent=None):
        super().__init__(hub, "Staff accounts. Deactivated accounts are kept (greyed) so the record still names "
                         "who did what; reactivate one to let the person sign in again.", "Staff accounts",
                         _COLUMNS, Reads(Record.STAFF), parent, gives_way=_GIVES_WAY)
        self.actor = actor
        self.confirmation: DeactivateDialog | None = None  # the open "Deactivate …?" dialog
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
        """Ask first, and for a clinician with open work, who takes it: the person is stopped at once."""
        Op(self, lambda: DeactivateDialog(self.actor, user, self)).success(self._ask).run()

    def _ask(self, dialog: DeactivateDialog) -> None:
        dialog.refused.connect(self._refused_meanwhile)
        self.confirmation = dialog
        self.open_dialog(dialog)

    def _refused_meanwhile(self) -> None:
        self.hub.after_change()
        self.reload()

    def reactivate(self, user: UserRecord) -> None:
        self.write(lambda: users.reactivate_user(self.actor, user.id),
                   lambda done: f"Reactivated {done.username} ({done.full_name}): they can sign in again"
                                f"{_returning(users.open_work_of(self.actor, done.id).items)}")


def _returning(items: int) -> str:
    """Work handed on when they left stays where it went; only what they drafted or saw comes back."""
    if not items:
        return ""
    return f"; {items} open {'item they drafted or saw is' if items == 1 else 'items they drafted or saw are'} " \
           "on their list again"


def for_screenshot(actor, settings, hub) -> QWidget:
    page = UsersPage(actor, hub)
    page.select_id(actor.user_id)
    page.resize(980, 560)
    return page
