"""What the administration pages share: a list page with its buttons, and a form dialog.

A list page shows records from one read service, redraws when the hub reports a change
to its kind of record, and says what the last action did in a line under the list. A
form dialog saves through one service call and keeps a refusal inline, in red, with
the field at fault focused and everything typed kept.
"""
from __future__ import annotations

from typing import Callable, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from clinic_desktop.ui.ops.messages import sentence
from clinic_desktop.ui.ops.op import Op
from clinic_desktop.ui.shell.view_reads import Reads
from clinic_desktop.ui.widgets.form_dialog import lay_out_form_dialog, show_as_refusal
from clinic_desktop.ui.widgets.palette import attention_colour
from clinic_desktop.ui.widgets.redraw_when_seen import RedrawWhenSeen
from clinic_desktop.ui.widgets.tables import read_only_table
from clinic_desktop.ui.worklists.column_fit import keep_fitted

Column = tuple[str, Callable[[object], str]]  # header, the cell's text for a record


class StatusLine(QLabel):
    """The line under a page that says what the last action did, or in red why it was refused."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWordWrap(True)
        self.setAccessibleName("What happened")

    def refuse(self, text: str) -> None:
        show_as_refusal(self)
        self.setText(sentence(text))

    def tell(self, text: str) -> None:
        self.setStyleSheet("")
        self.setText(text)

    def attempt(self, call: Callable[[], object]) -> tuple[bool, object]:
        """Run a quick service call (ui/ops): (True, its result), or (False, None) with the
        refusal shown here."""
        results = []
        done = Op(self, call).success(results.append).failure(self.refuse).run()
        return done, results[0] if done else None


def confirm_moving_deadlines(parent: QWidget, title: str, moves, on_save: Callable[[], None]) -> QMessageBox:
    """Ask before a change moves deadlines (``moves``: a previewed DeadlineMoves); Save calls ``on_save``."""
    items = "deadline" if moves.moved == 1 else "deadlines"
    overdue = ""
    if moves.newly_overdue:  # only those not overdue already: the manager weighs what the change does
        overdue += (f" {moves.newly_overdue} of them would become overdue and show at once on the overdue "
                    "lists.")
    if moves.no_longer_overdue:
        overdue += (f" {moves.no_longer_overdue} of them would no longer be overdue and leave the overdue "
                    "lists.")
    box = QMessageBox(QMessageBox.Icon.Question, title,
                      f"Saving moves {moves.moved} {items} of reviews still to book and referrals only raised."
                      f"{overdue}\n\nSave the change?",
                      QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Cancel, parent)
    box.setObjectName("confirmMovingDeadlines")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.button(QMessageBox.StandardButton.Save).clicked.connect(on_save)
    box.open()
    return box


class RecordTableModel(QAbstractTableModel):
    """Frozen records as rows; an inactive record (``active`` False) is drawn in the disabled colour."""

    def __init__(self, columns: Sequence[Column], parent=None):
        super().__init__(parent)
        self._columns = tuple(columns)
        self.records: tuple = ()

    def set_records(self, records: Sequence) -> None:
        self.beginResetModel()
        self.records = tuple(records)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 (Qt's name)
        return 0 if parent.isValid() else len(self.records)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._columns)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._columns[section][0]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        record = self.records[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._columns[index.column()][1](record)
        if role == Qt.ItemDataRole.ForegroundRole and not getattr(record, "active", True):
            return attention_colour("quiet")  # data, not a disabled control: greyed but readable (WCAG 1.4.3)
        return None


class AdminListPage(QWidget):
    """A list of records with buttons under it; subclasses say how to load and what to do.

    The list fits its columns to its width (``gives_way``: the titles first to narrow at a large font,
    column_fit.keep_fitted), so it never scrolls sideways."""

    def __init__(self, hub, intro: str, accessible_name: str, columns: Sequence[Column],
                 reads: Reads, parent=None, *, gives_way: Sequence[str]):
        super().__init__(parent)
        self.hub = hub
        self._reads = reads  # the records listed: which changes make the list read again
        self.model = RecordTableModel(columns, self)
        self.table = read_only_table(self.model, accessible_name)
        keep_fitted(self.table, gives_way)
        self.table.activated.connect(lambda _index: self.edit_selected())  # double-click or Enter
        self.status = StatusLine()
        self._selection_buttons: list[QPushButton] = []
        self.active_button: QPushButton | None = None
        self.buttons = QHBoxLayout()
        heading = QLabel(intro)
        heading.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.table, 1)
        layout.addLayout(self.buttons)
        layout.addWidget(self.status)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self.update_buttons())
        self.redraws = RedrawWhenSeen(self, hub, self._on_changes)

    def add_button(self, text: str, slot: Callable[[], None], *, needs_selection: bool = True) -> QPushButton:
        button = QPushButton(text)
        button.setAccessibleName(text.replace("&", "").rstrip("…"))
        button.clicked.connect(slot)
        self.buttons.addWidget(button)
        if needs_selection:
            self._selection_buttons.append(button)
        return button

    def add_active_toggle(self) -> QPushButton:
        """"Deactivate", or "Reactivate" when the chosen record is deactivated."""
        self.active_button = self.add_button("&Deactivate", self._toggle_active)
        return self.active_button

    def load(self) -> Sequence:  # pragma: no cover - every page defines its own
        raise NotImplementedError

    def edit_dialog(self, record) -> "AdminDialog":  # pragma: no cover - every page defines its own
        raise NotImplementedError

    def deactivate(self, record) -> None:  # pragma: no cover - pages with add_active_toggle define it
        raise NotImplementedError

    def reactivate(self, record) -> None:  # pragma: no cover - pages with add_active_toggle define it
        raise NotImplementedError

    def edit_selected(self) -> None:
        """Edit the chosen record (a double-click, or the Edit button)."""
        record = self.selected()
        if record is not None:
            self.open_dialog(self.edit_dialog(record))

    def update_buttons(self) -> None:
        record = self.selected()
        for button in self._selection_buttons:
            button.setEnabled(record is not None)
        if self.active_button is not None:
            self.active_button.setText("Re&activate" if record is not None and not record.active else "&Deactivate")
            self.active_button.setAccessibleName(self.active_button.text().replace("&", ""))

    def _toggle_active(self) -> None:
        record = self.selected()
        if record is not None:
            (self.deactivate if record.active else self.reactivate)(record)

    def reload(self) -> None:
        """Read the records again, keeping the selected one selected."""
        chosen = self.selected()
        Op(self, self.load).success(lambda records: self._show(records, chosen)).failure(self.status.refuse).run()

    def _show(self, records: Sequence, chosen) -> None:
        self.model.set_records(records)
        if chosen is not None:
            self.select_id(chosen.id)
        self.update_buttons()

    def selected(self):
        rows = self.table.selectionModel().selectedRows()
        return self.model.records[rows[0].row()] if rows else None

    def select_id(self, record_id: int) -> None:
        for row, record in enumerate(self.model.records):
            if record.id == record_id:
                self.table.selectRow(row)
                return

    def open_dialog(self, dialog: "AdminDialog") -> None:
        dialog.saved.connect(self.done)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def done(self, words: str) -> None:
        """After a successful write: say what happened, tell every view, redraw."""
        self.status.tell(sentence(words))
        self.hub.after_change()
        self.reload()

    def write(self, call: Callable[[], object], words: Callable[[object], str]) -> bool:
        """A write started from the list; a refusal is shown in a box over the page. Either way
        every view hears of it (what stopped it may be another workstation's change)."""
        went_through = (Op(self, call, hub=self.hub)
                        .success(lambda result: self.status.tell(sentence(words(result)))).run())
        self.reload()
        return went_through

    def _on_changes(self, changes) -> None:
        if self._reads.concerned(changes):
            self.reload()


class AdminDialog(QDialog):
    """A form saved by one service call. On success ``saved`` gets what was done, in words."""

    saved = Signal(str)

    def __init__(self, title: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.message = QLabel()
        self.fields: dict[str, QWidget] = {}  # the service's field name -> its input, focused on a refusal
        self.save_button: QPushButton | None = None

    def lay_out(self, intro: str, form: QFormLayout, ok_text: str) -> None:
        heading = QLabel(intro)
        heading.setWordWrap(True)
        self.message = lay_out_form_dialog(self, heading, form, ok_text, self.save)
        self.message.setAccessibleDescription("Why it was not saved")
        self.save_button = self.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
        self.save_button.setDefault(True)

    def save(self) -> None:  # pragma: no cover - every dialog defines its own
        raise NotImplementedError

    def refuse(self, text: str, field: str | None = None) -> None:
        self.message.setText(sentence(text))
        if field in self.fields:
            self.fields[field].setFocus()

    def run(self, call: Callable[[], object], words: Callable[[object], str]) -> bool:
        """Call the service (ui/ops); announce and close, or explain and stay with the field at fault focused."""
        self.message.clear()
        return (Op(self, call).success(lambda result: self._saved(words(result)))
                .refused(lambda error: self.refuse(str(error), getattr(error, "field", None))).run())

    def _saved(self, words: str) -> None:
        self.saved.emit(words)
        self.accept()
