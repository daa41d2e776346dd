"""The urgent red-flag referrals pinned above every tab, in one line until asked for more.

Listing each referral took a line of the window's height per patient, which on a 1366×768
laptop (or 1920×1080 at 200 %) left the lists beneath a handful of rows. One line names
how many there are and the first patient; "Show all" unfolds the list, "Hide" folds it.
"""
from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from clinic_desktop.services.core.change_reach import Record
from clinic_desktop.ui.shell.view_reads import Reads
from clinic_desktop.ui.widgets.palette import banner_style
from clinic_desktop.ui.widgets.time_format import short_date

__all__ = ["READS", "UrgentBanner"]

# The urgent referrals not acted on (raised by a red flag recorded in an episode), their patients and
# clinicians, and the clinic's today.
READS = Reads(Record.REFERRAL, Record.PATIENT, Record.EPISODE, Record.STAFF, Record.SETTING)
_LISTED = 5  # unfolded, the first five by name; the rest are on the Overdue and Awaiting signature lists


class UrgentBanner(QFrame):
    """``show_referrals(rows)`` with the urgent referrals awaiting action; hidden when there are none."""

    linkActivated = Signal(str)  # "patient:<id>", from a name in either line

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("urgentBanner")
        self.setAccessibleName("Urgent red-flag referrals")
        self.summary = self._label()
        self.details = self._label()
        self.details.hide()
        self.toggle = QPushButton("Show all")
        self.toggle.setAccessibleName("Show every urgent referral")
        self.toggle.setCheckable(True)
        self.toggle.toggled.connect(self._unfold)
        line = QHBoxLayout()
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.summary, 1)
        line.addWidget(self.toggle)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 3, 6, 3)
        layout.setSpacing(2)
        layout.addLayout(line)
        layout.addWidget(self.details)
        self.apply_palette()
        self.hide()

    def _label(self) -> QLabel:
        label = QLabel()
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setWordWrap(True)
        # Reachable from the keyboard too: Tab to a name, Enter opens the patient.
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        label.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        label.linkActivated.connect(self.linkActivated)
        return label

    def apply_palette(self) -> None:
        self.setStyleSheet(banner_style("urgentBanner", "urgent") + " #urgentBanner QLabel { font-weight: bold; }")

    def text(self) -> str:
        """What the banner says now: the line, and the list when unfolded."""
        return self.summary.text() + ("<br>" + self.details.text() if self.details.isVisibleTo(self) else "")

    def show_referrals(self, referrals) -> None:
        if not referrals:
            self.hide()
            return
        first = referrals[0]
        if len(referrals) == 1:
            self.summary.setText(f"⚠ URGENT red-flag referral awaiting action: {_named(first)} (Ctrl+U opens)")
        else:
            self.summary.setText(f"⚠ {len(referrals)} URGENT red-flag referrals awaiting action — first "
                                 f"{_named(first)} (Ctrl+U opens)")
        lines = [_named(row) for row in referrals[:_LISTED]]
        if len(referrals) > _LISTED:
            lines.append(f"… and {len(referrals) - _LISTED} more: see the Overdue and Awaiting signature lists")
        self.details.setText("<br>".join(f"• {line}" for line in lines))
        self.toggle.setVisible(len(referrals) > 1)
        self.details.setVisible(len(referrals) > 1 and self.toggle.isChecked())
        self.show()

    def _unfold(self, unfolded: bool) -> None:
        self.details.setVisible(unfolded)
        self.toggle.setText("Hide" if unfolded else "Show all")


def _named(row) -> str:
    return (f"<a href='patient:{row.patient_id}'>{escape(row.patient_name)}</a> — {escape(row.kind_title)}, "
            f"due {short_date(row.due_by)} ({row.status.replace('_', ' ')})")
