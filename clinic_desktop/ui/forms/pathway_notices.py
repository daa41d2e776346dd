"""What the pathway did after a save, shown in a strip that stays until dismissed.

A clinical fact saved is only half the story: the reviews put on the to-book list and the
referrals raised are what keep the patient from falling through a gap, so the clinician
sees them at once.
"""
from __future__ import annotations

from typing import Callable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from clinic_desktop.services.episodes.episodes import EpisodeUpdate
from clinic_desktop.services.episodes.pathway_sync import due_wording, notice_attention
from clinic_desktop.services.worklists import worklists
from clinic_desktop.ui.widgets.palette import attention_colour, banner_style

NOTHING_NEW = "Saved. The pathway has nothing new to schedule or raise."
# Most pressing first; within a kind, the order the service gave.
_ORDER = {"urgent": 0, "overdue": 1, "today": 2, None: 3}
_MARKS = {"urgent": "⚠ ", "overdue": "⚠ ", "today": "● ", None: "• "}


class PathwayNoticeBar(QFrame):
    """A visible, dismissible strip listing what the pathway did after a save.

    Urgent, overdue and due-today notices come first, in their attention colour and with
    a ⚠ or ● as well as their own words ("Urgent…", "overdue", "due today").
    """

    dismissed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("pathwayNotices")
        self.setAccessibleName("What the pathway did")
        self._heading = QLabel("<b>What the pathway did</b>")
        self._lines = QVBoxLayout()
        self._lines.setSpacing(2)
        close = QToolButton()
        close.setText("✕")
        close.setAutoRaise(True)
        close.setAccessibleName("Dismiss what the pathway did")
        close.setToolTip("Dismiss")
        close.clicked.connect(self._dismiss)
        self.dismiss_button = close
        top = QHBoxLayout()
        top.addWidget(self._heading, 1)
        top.addWidget(close)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 4, 4, 8)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addLayout(self._lines)
        layout.addStretch(1)
        self.labels: list[QLabel] = []
        self.offers: list[QPushButton] = []
        self.hide()

    def show_update(self, update: EpisodeUpdate) -> None:
        """The notices of a save; a save that required nothing new says so rather than vanish."""
        self.show_notices(update.notices or (NOTHING_NEW,))

    def show_notices(self, notices: Sequence[str]) -> None:
        self.clear()
        if not notices:
            return
        self.setStyleSheet(banner_style(self.objectName(), "info"))
        ranked = sorted(enumerate(notices), key=lambda pair: (_ORDER[notice_attention(pair[1])], pair[0]))
        for _, notice in ranked:
            label = _notice_label(notice, notice_attention(notice))
            self._lines.addWidget(label)
            self.labels.append(label)
        self.show()

    def offer(self, text: str, act: Callable[[], None]) -> None:
        """A button under the notices for the next step one of them asks for ("Agree a plan…")."""
        button = QPushButton(text)
        button.setAutoDefault(False)
        button.clicked.connect(act)
        row = QHBoxLayout()
        row.addWidget(button)
        row.addStretch(1)
        self._lines.addLayout(row)
        self.offers.append(button)
        self.show()

    def clear(self) -> None:
        for widget in [*self.labels, *self.offers]:
            widget.deleteLater()
        while self._lines.count():
            self._lines.takeAt(0)
        self.labels, self.offers = [], []
        self.hide()

    def texts(self) -> list[str]:
        """The lines as shown, most pressing first (for tests and screen readers)."""
        return [label.text() for label in self.labels]

    def _dismiss(self) -> None:
        self.clear()
        self.dismissed.emit()


def _notice_label(notice: str, attention: str | None) -> QLabel:
    label = QLabel(_MARKS[attention] + notice)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if attention is not None:
        weight = "bold" if attention in ("urgent", "overdue") else "normal"
        label.setStyleSheet(f"color: {attention_colour(attention).name()}; font-weight: {weight};")
    return label


def for_screenshot(actor, settings, hub) -> QWidget:
    """The strip as a save leaves it: an urgent red-flag referral first, then reviews to book.

    Made from demo items worded as the pathway words their notices (a screenshot changes
    nothing, so no real save is made for it).
    """
    reviews = [row for row in worklists.to_book(actor, limit=200).rows if row.days_left >= 0][:2]
    urgent = worklists.urgent_red_flags(actor)[:1]
    bar = PathwayNoticeBar()
    bar.show_notices([f"{row.kind_title} to book{due_wording(row.due_by)}" for row in reviews]
                     + [f"{row.kind_title} raised{due_wording(row.due_by)}" for row in urgent])
    bar.setFixedWidth(640)
    bar.setFixedHeight(bar.heightForWidth(640))
    return bar
