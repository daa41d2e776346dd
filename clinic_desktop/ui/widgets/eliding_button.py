"""A push button whose words shorten with "…" in the middle when its row is narrow, rather than
widen the window: the middle, so that what it is and "(OVERDUE 23 d)" at its end stay in sight.

The patient header's next-action button can say "⚠ URGENT · Write the letter: urgent red-flag
referral, due …": on a 960-pixel screen that alone would push the window past the screen's
edge. Drawn elided, it keeps its whole text as text() (what screen readers and tests read)
and shows it whole in its tooltip.
"""
from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QPushButton, QSizePolicy, QStyle, QStyleOptionButton, QStylePainter

__all__ = ["ElidingButton"]

_AT_LEAST = "M" * 14  # the narrowest it gets: enough to read what it is about


class ElidingButton(QPushButton):
    def __init__(self, parent=None):
        super().__init__(parent)
        # A push button may not be narrower than its words (Minimum); this one may, down to
        # minimumSizeHint, and is drawn elided when it is.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def setText(self, text: str) -> None:
        super().setText(text)
        self.setToolTip(text)

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        return QSize(min(hint.width(), self.fontMetrics().horizontalAdvance(_AT_LEAST)), hint.height())

    def shown_text(self) -> str:
        """The words as drawn at the button's width (what a large-text check reads)."""
        option = QStyleOptionButton()
        self.initStyleOption(option)
        room = self.style().subElementRect(QStyle.SubElement.SE_PushButtonContents, option, self).width()
        return self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideMiddle, max(room - 8, 0))

    def paintEvent(self, event) -> None:
        painter = QStylePainter(self)
        option = QStyleOptionButton()
        self.initStyleOption(option)
        option.text = self.shown_text()
        painter.drawControl(QStyle.ControlElement.CE_PushButton, option)
