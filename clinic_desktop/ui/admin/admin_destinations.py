"""The Referral destinations page: where each kind of referral letter goes.

A destination takes some kinds of referral and may be the usual one (the default) for
some of them, so a new letter is addressed without anyone choosing. Destinations are
deactivated, never deleted: a letter already addressed to one still prints its address.
"""
from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QFormLayout, QGridLayout, QLabel, QPlainTextEdit, QWidget

from clinic_desktop.services.core.actor import Actor
from clinic_desktop.services.core.change_reach import Record
from clinic_desktop.services.referrals import destinations
from clinic_desktop.services.referrals.destinations import REFERRAL_KINDS, DestinationRecord
from clinic_desktop.services.referrals.letter_content import kind_title
from clinic_desktop.ui.admin.admin_form import AdminDialog, AdminListPage
from clinic_desktop.ui.admin.admin_user_dialogs import line_edit
from clinic_desktop.ui.shell.view_reads import Reads
from clinic_desktop.ui.widgets.text_size import at_least_characters_wide

# Short names for the list's columns (the dialog and messages use the full ones).
_SHORT_KINDS = {
    "standard_physiotherapy": "Physiotherapy",
    "biopsychosocial": "Biopsychosocial",
    "pain_spinal_centre": "Pain / spinal centre",
    "spinal_surgical": "Spinal surgical",
    "early_radicular": "Early radicular",
    "urgent_red_flag": "Urgent red-flag",
}


def _kinds(kinds: tuple[str, ...], short: bool = False) -> str:
    return "; ".join(_SHORT_KINDS.get(kind, kind) if short else kind_title(kind) for kind in kinds)


_COLUMNS = (
    ("Name", lambda record: record.name),
    ("Department", lambda record: record.department),
    ("Status", lambda record: "in use" if record.active else "deactivated"),
    ("Usual destination for", lambda record: _kinds(record.default_for, short=True) or "—"),
    ("Takes", lambda record: _kinds(record.kinds, short=True)),
    ("Telephone", lambda record: record.telephone),
)
# At a large font, first to narrow first (their tooltips have it all); the name never narrows.
_GIVES_WAY = ("Telephone", "Takes", "Department", "Usual destination for", "Status")


class DestinationDialog(AdminDialog):
    """A new destination (``record`` None) or an existing one's details and kinds."""

    def __init__(self, actor: Actor, record: DestinationRecord | None = None, parent=None):
        super().__init__("New referral destination" if record is None else f"Edit {record.label}", parent)
        self.actor, self.record = actor, record
        self.name = line_edit("Name", record.name if record else "")
        self.department = line_edit("Department", record.department if record else "")
        self.address = QPlainTextEdit(record.address if record else "")
        self.address.setAccessibleName("Address")
        self.address.setTabChangesFocus(True)
        self.address.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        self.telephone = line_edit("Telephone", record.telephone if record else "", max_length=40)
        self.email = line_edit("Email", record.email if record else "")
        self.takes: dict[str, QCheckBox] = {}
        self.default: dict[str, QCheckBox] = {}
        kinds = QGridLayout()
        kinds.addWidget(QLabel("<b>Takes</b>"), 0, 0)
        kinds.addWidget(QLabel("<b>Usual destination</b>"), 0, 1)
        for row, kind in enumerate(REFERRAL_KINDS, start=1):
            takes = QCheckBox(kind_title(kind))
            takes.setAccessibleName(f"Takes {kind_title(kind)} referrals")
            takes.setChecked(bool(record) and kind in record.kinds)
            default = QCheckBox("usual")
            default.setAccessibleName(f"Usual destination for {kind_title(kind)} referrals")
            default.setChecked(bool(record) and kind in record.default_for)
            default.setEnabled(takes.isChecked())
            takes.toggled.connect(lambda on, box=default: (box.setEnabled(on), on or box.setChecked(False)))
            kinds.addWidget(takes, row, 0)
            kinds.addWidget(default, row, 1)
            self.takes[kind], self.default[kind] = takes, default
        form = QFormLayout()
        form.addRow("&Name", self.name)
        form.addRow("&Department", self.department)
        form.addRow("&Address", self.address)
        form.addRow("&Telephone", self.telephone)
        form.addRow("&Email", self.email)
        form.addRow("Referrals", kinds)
        first_kind = self.takes[REFERRAL_KINDS[0]]
        self.fields = {"name": self.name, "department": self.department, "address": self.address,
                       "telephone": self.telephone, "email": self.email, "kinds": first_kind,
                       "default_for": self.default[REFERRAL_KINDS[0]]}
        self.lay_out("Tick the kinds of referral it takes; as the usual destination for a kind, new letters of "
                     "that kind are addressed to it (it replaces the previous usual one).", form,
                     "Add destination" if record is None else "Save")
        at_least_characters_wide(self, 113)

    def save(self) -> None:
        details = dict(name=self.name.text(), department=self.department.text(),
                       address=self.address.toPlainText(), telephone=self.telephone.text(), email=self.email.text(),
                       kinds=[kind for kind, box in self.takes.items() if box.isChecked()],
                       default_for=[kind for kind, box in self.default.items() if box.isChecked()])
        if self.record is None:
            self.run(lambda: destinations.create_destination(self.actor, **details),
                     lambda record: f"Added {record.label} to the directory")
        else:
            self.run(lambda: destinations.edit_destination(self.actor, self.record.id, **details),
                     lambda record: f"Saved {record.label}")


class DestinationsPage(AdminListPage):
    def __init__(self, actor: Actor, hub, parent=None):
        super().__init__(hub, "Where referral letters go. Deactivate a destination that no longer takes "
                         "referrals: letters already addressed to it keep its address.", "Referral destinations",
                         _COLUMNS, Reads(Record.DESTINATION), parent, gives_way=_GIVES_WAY)
        self.actor = actor
        self.add_button("&New destination…", self.new_destination, needs_selection=False)
        self.add_button("&Edit…", self.edit_selected)
        self.add_active_toggle()
        self.buttons.addStretch(1)
        self.reload()

    def load(self):
        return destinations.list_destinations(self.actor, include_inactive=True)

    def new_destination(self) -> None:
        self.open_dialog(DestinationDialog(self.actor, None, self))

    def edit_dialog(self, record: DestinationRecord) -> DestinationDialog:
        return DestinationDialog(self.actor, record, self)

    def deactivate(self, record: DestinationRecord) -> None:
        self.write(lambda: destinations.deactivate_destination(self.actor, record.id),
                   lambda done: f"Deactivated {done.label}: new letters can no longer go there"
                   + (f"; choose another usual destination for {_kinds(record.default_for)}"
                      if record.default_for else ""))

    def reactivate(self, record: DestinationRecord) -> None:
        self.write(lambda: destinations.reactivate_destination(self.actor, record.id),
                   lambda done: f"Reactivated {done.label}; it is nobody's usual destination until you edit it")


def for_screenshot(actor, settings, hub) -> QWidget:
    page = DestinationsPage(actor, hub)
    page.table.selectRow(0)
    page.resize(1100, 520)
    return page
