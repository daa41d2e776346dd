"""The forms for one staff account: new or edited details, a new password, and deactivation.

Passwords are typed twice and never shown; the service checks length and everything
else, and a refusal stays in the form under the fields. Deactivating a clinician with open
work asks who takes it (a named colleague or the unassigned list) and cannot go ahead until
that is chosen: nothing they owned may be left on nobody's list.
"""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QWidget

from clinic_desktop.services.admin import users
from clinic_desktop.services.admin.users import MIN_PASSWORD_LENGTH, ROLE_LABELS, ROLES, UserRecord
from clinic_desktop.services.appointments import appointment_book
from clinic_desktop.services.core.actor import Actor
from clinic_desktop.services.episodes.handover import UNASSIGNED, counted
from clinic_desktop.ui.admin.admin_form import AdminDialog
from clinic_desktop.ui.widgets.text_size import at_least_characters_wide


def line_edit(accessible_name: str, text: str = "", *, password: bool = False, max_length: int = 200) -> QLineEdit:
    edit = QLineEdit(text)
    edit.setAccessibleName(accessible_name)
    edit.setMaxLength(max_length)
    if password:
        edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


class UserDialog(AdminDialog):
    """A new account (``user`` None) or an existing one's details. The username never changes."""

    def __init__(self, actor: Actor, user: UserRecord | None = None, parent=None):
        super().__init__("New user" if user is None else f"Edit {user.full_name}", parent)
        self.actor, self.user = actor, user
        self.username = line_edit("Username", "" if user is None else user.username, max_length=64)
        self.full_name = line_edit("Full name", "" if user is None else user.full_name)
        self.role = QComboBox()
        self.role.setAccessibleName("Role")
        for role in ROLES:
            self.role.addItem(ROLE_LABELS[role].capitalize(), role)
        self.role.setCurrentIndex(ROLES.index("clinician" if user is None else user.role))
        self.registration = line_edit("Professional registration number",
                                      "" if user is None else user.registration_number or "", max_length=64)
        self.registration.setPlaceholderText("required for a clinician, e.g. GMC 7012345")
        self.title = line_edit("Professional title", "" if user is None else user.professional_title or "",
                               max_length=100)
        self.title.setPlaceholderText("e.g. Physiotherapist (printed on signed letters)")
        self.password = line_edit("Password", password=True)
        self.repeat = line_edit("Password again", password=True)
        form = QFormLayout()
        if user is None:
            form.addRow("&Username", self.username)
        else:
            form.addRow("Username", QLabel(user.username))
        form.addRow("&Full name", self.full_name)
        form.addRow("&Role", self.role)
        form.addRow("Re&gistration number", self.registration)
        form.addRow("Professional &title", self.title)
        if user is None:
            form.addRow("&Password", self.password)
            form.addRow("Password &again", self.repeat)
        if user is not None and user.id == actor.user_id:
            self.role.setEnabled(False)
            self.role.setToolTip("You cannot change your own role; another practice manager can.")
        self.fields = {"username": self.username, "full_name": self.full_name, "role": self.role,
                       "registration_number": self.registration, "professional_title": self.title,
                       "password": self.password}
        intro = (f"A password has at least {MIN_PASSWORD_LENGTH} characters; give it to the person yourself. "
                 "A new clinician works the opening hours every weekday until you change their Sessions and leave."
                 if user is None else "Changes apply the next time they sign in; a new role ends their "
                 "current session at their next action.")
        self.lay_out(intro, form, "Create user" if user is None else "Save")
        at_least_characters_wide(self, 87)

    def save(self) -> None:
        role = self.role.currentData()
        details = dict(full_name=self.full_name.text(), registration_number=self.registration.text(),
                       professional_title=self.title.text())
        if self.user is None:
            if self.password.text() != self.repeat.text():
                self.refuse("The two passwords differ; type the same password twice.", "password")
                return
            self.run(lambda: users.create_user(self.actor, self.username.text(), details["full_name"], role,
                                               self.password.text(), details["registration_number"],
                                               professional_title=details["professional_title"]),
                     lambda created: f"Created the {ROLE_LABELS[role]} account {created.username} "
                                     f"for {created.full_name}")
            return
        if self.role.isEnabled():
            details["role"] = role
        self.run(lambda: users.edit_user(self.actor, self.user.id, **details),
                 lambda record: f"Saved the account {record.username} ({record.full_name})")


class PasswordDialog(AdminDialog):
    """A new password for someone who forgot theirs; the old one stops working at once."""

    def __init__(self, actor: Actor, user: UserRecord, parent=None):
        super().__init__(f"Reset password for {user.full_name}", parent)
        self.actor, self.user = actor, user
        self.password = line_edit("New password", password=True)
        self.repeat = line_edit("New password again", password=True)
        form = QFormLayout()
        form.addRow("&New password", self.password)
        form.addRow("New password &again", self.repeat)
        self.fields = {"password": self.password}
        self.lay_out(f"Give {user.full_name} ({user.username}) a new password of at least {MIN_PASSWORD_LENGTH} "
                     "characters, in person. Their old password stops working at once.", form, "Reset password")
        at_least_characters_wide(self, 77)

    def save(self) -> None:
        if self.password.text() != self.repeat.text():
            self.refuse("The two passwords differ; type the same password twice.", "password")
            return
        self.run(lambda: users.reset_password(self.actor, self.user.id, self.password.text()),
                 lambda _: f"Reset the password of {self.user.username} ({self.user.full_name})")


class DeactivateDialog(AdminDialog):
    """Deactivate an account; a clinician's open items go to the colleague (or list) chosen here."""

    refused = Signal()  # the service said no: what stopped it may be another workstation's change

    def __init__(self, actor: Actor, user: UserRecord, parent=None):
        super().__init__(f"Deactivate {user.full_name}", parent)
        self.setObjectName("confirmDeactivation")
        self.actor, self.user = actor, user
        self.work = users.open_work_of(actor, user.id)
        self.hand_to = QComboBox()
        self.hand_to.setAccessibleName("Hand their open items to")
        self.hand_to.addItem("Choose…", None)
        for clinician in appointment_book.clinicians(actor):
            if clinician.id != user.id:
                self.hand_to.addItem(clinician.full_name, clinician.id)
        self.hand_to.addItem("The unassigned list (every clinician sees it)", UNASSIGNED)
        self.fields = {"hand_over_to": self.hand_to}
        form = QFormLayout()
        if self.work.needs_handover:
            self.open_work = QLabel(_open_work_words(user, self.work))
            self.open_work.setWordWrap(True)
            form.addRow(self.open_work)
            form.addRow("&Hand their open items to", self.hand_to)
        self.lay_out(f"Deactivate {user.username} ({user.full_name})? They can no longer sign in, and a session "
                     "they have open stops at their next action. The account and everything it recorded are kept; "
                     "you can reactivate it later.", form, "Deactivate")
        self.hand_to.currentIndexChanged.connect(lambda _index: self._update_save())
        at_least_characters_wide(self, 93)
        self._update_save()

    def _update_save(self) -> None:
        self.save_button.setEnabled(not self.work.needs_handover or self.hand_to.currentData() is not None)

    def save(self) -> None:
        target = self.hand_to.currentData() if self.work.needs_handover else None
        if self.work.needs_handover and target is None:
            self.refuse("Choose who takes over their open items: a colleague, or the unassigned list.", "hand_over_to")
            return
        went = "" if target is None else f"; their open work went to {self.hand_to.currentText()}"
        if not self.run(lambda: users.deactivate_user(self.actor, self.user.id, hand_over_to=target),
                        lambda done: f"Deactivated {done.username} ({done.full_name}): they can no longer sign "
                                     f"in{went}"):
            self.refused.emit()


def _open_work_words(user: UserRecord, work: users.OpenWork) -> str:
    """"Dr Alys Jones has 3 open items on their list (referrals to write 2, …) and is responsible for 4 open
    episodes." """
    parts = []
    if work.items:
        parts.append(f"has {work.items} open {'item' if work.items == 1 else 'items'} on their list "
                     f"({counted(work.by_kind)})")
    if work.open_episodes:
        episodes = "episode" if work.open_episodes == 1 else "episodes"
        parts.append(f"is responsible for {work.open_episodes} open {episodes}")
    return (f"{user.full_name} {' and '.join(parts)}. Choose who takes them over: their episodes get that "
            "clinician as responsible, and their open items move with the episodes (a letter they drafted or a "
            "finding they owe on someone else's episode goes to that episode's clinician).")


def for_screenshot(actor, settings, hub) -> QWidget:
    """Deactivating the demo clinic's busiest clinician, a colleague chosen to take their work."""
    clinicians = appointment_book.clinicians(actor)
    busiest = max(clinicians, key=lambda clinician: users.open_work_of(actor, clinician.id).items)
    record = next(user for user in users.list_users(actor) if user.id == busiest.id)
    dialog = DeactivateDialog(actor, record)
    dialog.hand_to.setCurrentIndex(1)
    return dialog
