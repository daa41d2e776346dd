"""Which review goes into a free slot chosen on the clinic's day: the to-book list, soonest due first.

A free slot is picked on the day view first (the way a receptionist with a patient on the
phone often starts); this small list then names the review, filtered as the worklists are,
and the booking dialog opens on that review with the slot already chosen, so booking has
one set of rules and one place that asks for a reason when it is late.
"""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QListWidget, QListWidgetItem, QVBoxLayout

from clinic_desktop.services.worklists import worklists
from clinic_desktop.services.worklists.worklists import KIND_TITLES
from clinic_desktop.ui.ops.latest import LatestOp
from clinic_desktop.ui.ops.messages import sentence
from clinic_desktop.ui.widgets.filter_box import filter_box
from clinic_desktop.ui.widgets.palette import attention_colour
from clinic_desktop.ui.widgets.text_size import characters, lines
from clinic_desktop.ui.widgets.time_format import weekday_date

__all__ = ["ReviewChooser"]

_SHOWN = 100  # the soonest due; the filter finds any other


class ReviewChooser(QDialog):
    chosen = Signal(int)  # the appointment to book

    def __init__(self, actor, slot_words: str, kinds: tuple[str, ...] = (), parent=None):
        """``kinds``: the only kinds of appointment the slot's session takes (none: any)."""
        super().__init__(parent)
        self._actor, self._kinds = actor, kinds
        self._rows = ()
        self._reads = LatestOp(self, None)
        self.setWindowTitle("Book a review here")
        only = (f" This session takes {' and '.join(KIND_TITLES[kind] for kind in kinds)} appointments only."
                if kinds else "")
        intro = QLabel(f"Which review goes into <b>{slot_words}</b>? The soonest due are first; type to find "
                       f"another.{only}")
        intro.setWordWrap(True)
        self.filter = filter_box("Filter the reviews to book", lambda _text: self.load())
        self.reviews = QListWidget()
        self.reviews.setAccessibleName("Reviews to book")
        self.reviews.setMinimumSize(characters(self.reviews, 87), lines(self.reviews, 10))
        self.reviews.itemActivated.connect(lambda _item: self.choose())
        self.message = QLabel()
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Choose")
        buttons.accepted.connect(self.choose)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (intro, self.filter, self.reviews, self.message, buttons):
            layout.addWidget(widget)
        self.load()
        self.reviews.setFocus()

    def load(self) -> None:
        actor, text = self._actor, self.filter.text()
        self._reads.run(lambda: worklists.to_book(actor, limit=_SHOWN, text=text or None).rows, self._show,
                        lambda failure: self.message.setText(sentence(failure)))

    def wait(self) -> None:
        """Block until the list is read (tests, pictures); it is shown when the event loop next runs."""
        self._reads.wait()

    def _show(self, rows) -> None:
        rows = tuple(row for row in rows if not self._kinds or row.kind in self._kinds)
        self._rows = rows
        self.reviews.clear()
        for row in rows:
            late = "   OVERDUE" if row.days_left < 0 else ""
            item = QListWidgetItem(f"{row.patient_name}  ·  {row.kind_title}  ·  due by {weekday_date(row.due_by)}"
                                   f"{late}")
            if late:
                item.setForeground(attention_colour("overdue"))
            self.reviews.addItem(item)
        self.message.setText("" if rows else "Nothing to book matches.")
        if rows:
            self.reviews.setCurrentRow(0)

    def choose(self) -> None:
        row = self.reviews.currentRow()
        if not 0 <= row < len(self._rows):
            self.message.setText("Choose a review to book.")
            return
        self.chosen.emit(self._rows[row].appointment_id)
        self.accept()
