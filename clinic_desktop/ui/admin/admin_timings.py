"""The Pathway timings page: the eight clocks of the stepped-care pathway, in days.

A change applies at once to every review still to book and every referral only raised:
their deadlines follow the new timing. Before saving, the page works out how many
deadlines would move (how many would become overdue, and how many would stop being overdue)
and asks the manager to confirm. Working that out, and saving, re-run the pathway for every
open episode with a waiting item (seconds at clinic scale), so both run off the window's
thread with a progress dialog and Cancel; of two previews, the newer one wins. Each timing
shows its limit, the stepped-care guidance's own deadline: it may be made stricter, never
later. The urgent red-flag referral's timing is shown but fixed at the same day, as the
clinical guidance says.
"""
from __future__ import annotations

from dataclasses import asdict

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from clinic_desktop.services.admin import pathway_settings
from clinic_desktop.services.admin.pathway_settings import (
    FIXED_TIMINGS,
    RED_FLAG_REASON,
    TIMING_LIMITS,
    TIMING_WORDS,
    TimingsRecord,
)
from clinic_desktop.services.core.change_reach import Record
from clinic_desktop.ui.admin.admin_form import StatusLine, confirm_moving_deadlines
from clinic_desktop.ui.ops.op import Op
from clinic_desktop.ui.shell.view_reads import Reads
from clinic_desktop.ui.widgets.redraw_when_seen import RedrawWhenSeen

_INTRO = ("Each timing is the number of days from the event that starts its clock to the item's deadline. A "
          "deadline on a weekend, public holiday or closure day moves to the working day before. Saving moves "
          "the deadlines of reviews still to book and referrals only raised; booked reviews and drafted, "
          "signed or sent referrals keep theirs. A timing may be made stricter than the stepped-care guidance, "
          "never later: each says its limit.")

# Each label's own access key, none shared with another label or the page's buttons.
_MNEMONIC_LABELS = {
    "two_week_review_days": "2-week rev&iew",
    "medication_review_days": "&Medication review",
    "early_radicular_referral_days": "&Early radicular referral",
    "red_flag_referral_days": "Urgent red-flag referral",  # fixed: nothing to jump to
    "stratified_referral_days": "P&hysiotherapy / biopsychosocial referral",
    "twelve_week_check_days": "1&2-week check",
    "escalation_referral_days": "Pain / spinal &centre referral",
    "opioid_review_days": "&Opioid monitoring review",
    "ongoing_evaluation_days": "On&going evaluation follow-up",
}


class TimingsPage(QWidget):
    def __init__(self, actor, settings, hub, parent=None):
        super().__init__(parent)
        self.actor, self.hub = actor, hub
        self.record: TimingsRecord | None = None
        self.confirmation: QMessageBox | None = None
        self._previewing: Op | None = None  # the newest preview asked for, while it runs
        self.days: dict[str, QSpinBox] = {}
        self.fixed_reason: QLabel | None = None
        grid = QGridLayout()
        for row, (name, (item, clock_start)) in enumerate(TIMING_WORDS.items()):
            box = QSpinBox()
            box.setRange(1, TIMING_LIMITS[name])
            box.setSuffix(" days")
            box.setAccessibleName(f"{item}: days {clock_start}")
            explanation = QLabel(f"{clock_start}; at most {TIMING_LIMITS[name]} days")
            explanation.setObjectName(f"{name}_limit")
            if name in FIXED_TIMINGS:  # shown, never editable: the guidance fixes it
                box.setRange(FIXED_TIMINGS[name], FIXED_TIMINGS[name])
                box.setReadOnly(True)
                box.setButtonSymbols(QSpinBox.ButtonSymbols.NoButtons)
                box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
                box.setAccessibleDescription(RED_FLAG_REASON)
                box.setToolTip(RED_FLAG_REASON)
                explanation.setText(f"{clock_start}. {RED_FLAG_REASON}")
                explanation.setWordWrap(True)
                self.fixed_reason = explanation
            label = QLabel(_MNEMONIC_LABELS[name])
            label.setBuddy(box)
            grid.addWidget(label, row, 0)
            grid.addWidget(box, row, 1)
            grid.addWidget(explanation, row, 2)
            self.days[name] = box
        grid.setColumnStretch(2, 1)
        intro = QLabel(_INTRO)
        intro.setWordWrap(True)
        self.source = QLabel()
        self.message = StatusLine()
        self.save_button = QPushButton("Sa&ve timings…")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.undo_button = QPushButton("&Undo changes")
        self.undo_button.clicked.connect(lambda: self.record and self.show_timings(self.record))
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.undo_button)
        buttons.addStretch(1)
        group = QGroupBox("Pathway timings")
        group.setLayout(grid)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.source)
        layout.addWidget(group)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self.reload()
        self.redraws = RedrawWhenSeen(self, hub, self._on_changes)

    def reload(self) -> None:
        Op(self, lambda: pathway_settings.current_timings(self.actor)).success(self.show_timings).failure(
            self.message.refuse).run()

    def show_timings(self, record: TimingsRecord) -> None:
        self.record = record
        for name, value in asdict(record.timings).items():
            self.days[name].setValue(value)
        self.source.setText("These are the clinic's own timings." if record.saved_by_clinic else
                            "These are the packaged defaults (from the stepped-care guidance); "
                            "nothing has been saved for this clinic yet.")

    def changes(self) -> dict[str, int]:
        if self.record is None:
            return {}
        stored = asdict(self.record.timings)
        return {name: box.value() for name, box in self.days.items()
                if box.value() != stored[name] and name not in FIXED_TIMINGS}

    def save(self) -> Op | None:
        """Work out what would move, then ask before moving anything. A preview still running
        is stopped: only the newest one's answer is asked about."""
        changes = self.changes()
        if not changes:
            self.message.tell("Nothing to save: no timing was changed.")
            return None
        if self._previewing is not None:
            self._previewing.cancel()
        op = Op(self, lambda: pathway_settings.preview_pathway_timings(self.actor, **changes))
        op.success(lambda preview: self._previewed(op, changes, preview))
        op.failure(lambda why: op is self._previewing and self.message.refuse(why))
        op.finished.connect(lambda: self._previewing is op and setattr(self, "_previewing", None))
        self._previewing = op.in_background("Working out which deadlines the new timings would move…",
                                            cancellable=True)
        return op

    def _previewed(self, op: Op, changes: dict[str, int], preview) -> None:
        if op is not self._previewing:
            return  # a newer preview was asked for meanwhile: its answer is the one to ask about
        if not preview.moved:
            self.save_now(changes)
            return
        self.confirmation = confirm_moving_deadlines(self, "Save pathway timings", preview,
                                                     lambda: self.save_now(changes))

    def save_now(self, changes: dict[str, int]) -> Op:
        """Save and move the deadlines in one transaction: Cancel keeps the old timings and every deadline."""
        return (Op(self, lambda: pathway_settings.update_pathway_timings(self.actor, **changes), hub=self.hub)
                .success(self._saved).failure(self.message.refuse)
                .cancelled(lambda: self.message.tell("Not saved: stopped before any deadline moved."))
                .in_background("Saving the timings and moving deadlines…", cancellable=True))

    def _saved(self, change) -> None:
        self.record = TimingsRecord(change.timings, True)
        self.show_timings(self.record)
        self.message.tell(f"Saved the new timings. {change.in_words}")

    def _on_changes(self, changes) -> None:
        if Reads(Record.SETTING).concerned(changes) and not self.changes():
            self.reload()


def for_screenshot(actor, settings, hub) -> QWidget:
    page = TimingsPage(actor, settings, hub)
    page.days["two_week_review_days"].setValue(10)
    preview = pathway_settings.preview_pathway_timings(actor, **page.changes())
    page.message.tell(f"Not saved yet. Saving would move {preview.moved} deadlines of reviews still to book and "
                      f"referrals only raised ({preview.newly_overdue} of them would become overdue, "
                      f"{preview.no_longer_overdue} would no longer be overdue).")
    page.resize(900, 560)
    return page
