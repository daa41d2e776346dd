"""The save step every pathway form shares: fields, one service call, refusals inline.

A form calls its service through an ``Op`` (the wait cursor; a refusal stays in the form,
under its fields); on success it emits ``saved`` (the EpisodeUpdate) and accepts, and the
caller shows the notices and tells the change hub.
"""
from __future__ import annotations

from datetime import date
from typing import Callable, Sequence

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from clinic_desktop.services.admin.settings import ClinicSettings
from clinic_desktop.services.core.actor import Actor
from clinic_desktop.services.core.clock import today
from clinic_desktop.services.core.errors import ServiceError
from clinic_desktop.services.episodes import episode_records
from clinic_desktop.services.episodes.episode_records import EpisodeRecord
from clinic_desktop.services.episodes.episodes import EpisodeUpdate
from clinic_desktop.services.patients import patients
from clinic_desktop.services.worklists import worklists
from clinic_desktop.ui.ops.messages import sentence
from clinic_desktop.ui.ops.op import Op
from clinic_desktop.ui.widgets.form_dialog import lay_out_form_dialog


class PathwayForm(QDialog):
    """A pathway form: fields, then one save through the services that yields an EpisodeUpdate.

    Open it with ``open()``; on success it emits ``saved`` (the EpisodeUpdate) and accepts,
    and the caller shows the notices and tells the change hub. A refusal stays in the form,
    in red under the fields, with everything typed kept.
    """

    saved = Signal(object)

    def __init__(self, actor: Actor, settings: ClinicSettings | None, title: str, parent=None):
        super().__init__(parent)
        self.actor = actor
        self.settings = settings
        self.setWindowTitle(title)
        self.message = QLabel()
        self.save_button: QPushButton | None = None

    def lay_out(self, intro: str | QWidget, form: QFormLayout, ok_text: str) -> None:
        if isinstance(intro, str):
            intro = QLabel(intro)
            intro.setWordWrap(True)
        self.message = lay_out_form_dialog(self, intro, form, ok_text, self.save)
        layout = self.layout()
        layout.insertStretch(layout.indexOf(self.message), 1)  # spare height below the fields, not between
        self.message.setAccessibleDescription("Why it was not saved")
        buttons = self.findChild(QDialogButtonBox)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.save_button.setDefault(True)

    def clinic_today(self) -> date:
        return today(self.settings.zone)

    def date_edit(self, accessible_name: str, earliest: date | None = None) -> QDateEdit:
        """A clinic date: calendar popup, "26 Nov 2026", today by default, never in the future."""
        edit = QDateEdit()
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("dd MMM yyyy")
        edit.setMaximumDate(QDate(self.clinic_today()))
        if earliest is not None:
            edit.setMinimumDate(QDate(earliest))
        edit.setDate(QDate(self.clinic_today()))
        edit.setAccessibleName(accessible_name)
        edit.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        return edit

    def save(self) -> None:  # pragma: no cover - every form defines its own
        raise NotImplementedError

    def refuse(self, text: str) -> None:
        self.message.setText(sentence(text))

    def run_save(self, call: Callable[[], EpisodeUpdate], *, close: bool = True) -> bool:
        """Call the service through an Op; announce (and close) on success, else explain."""
        return self.run_saves([("", call)], close=close) == [""]

    def run_saves(self, steps: Sequence[tuple[str, Callable[[], EpisodeUpdate]]], *,
                  close: bool = True) -> list[str]:
        """Several saves in order, each its own transaction; returns the names of those saved.

        All saved: ``saved`` gets their notices together and the form closes. One refused: the
        ones before it stand, ``saved`` announces them, and the form says what was not saved.
        """
        self.message.clear()
        done: list[tuple[str, EpisodeUpdate]] = []
        refused: list[tuple[str, ServiceError]] = []
        for name, call in steps:
            op = Op(self, call).success(lambda update, name=name: done.append((name, update)))
            if not op.refused(lambda error, name=name: refused.append((name, error))).run():
                break
        if done:
            notices = tuple(notice for _, update in done for notice in update.notices)
            self.saved.emit(EpisodeUpdate(done[0][1].episode_id, notices))
        if not refused:
            if close:
                self.accept()
        elif done:
            saved = " and ".join(name for name, _ in done)
            self.refuse(f"Saved: {saved}. Not saved: {refused[0][0]}. {sentence(str(refused[0][1]))}")
        else:
            self.on_refused(refused[0][1])
        return [name for name, _ in done]

    def on_refused(self, error: ServiceError) -> None:
        """Show why the service refused; a form may first reveal a field the refusal points to."""
        self.refuse(str(error))


def stacked(owner: QWidget, *widgets: QWidget) -> QVBoxLayout:
    """Lay ``widgets`` out one under the other, filling ``owner`` edge to edge."""
    layout = QVBoxLayout(owner)
    layout.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        layout.addWidget(widget)
    return layout


def check_box(text: str, context: str | None = None) -> QCheckBox:
    """A check box named for screen readers by its own words, after the ``context`` they answer
    ("Red flag: Saddle anaesthesia"): what a reader hears includes what the box shows (WCAG 2.5.3)."""
    box = QCheckBox(text)
    shown = text.replace("&", "")
    box.setAccessibleName(f"{context}: {shown}" if context else shown)
    return box



def qdate_to_date(edit: QDateEdit) -> date:
    return edit.date().toPython()


def demo_episode(actor: Actor, wanted: Callable[[EpisodeRecord, patients.PatientRecord], bool],
                 looked_at: int = 200) -> EpisodeRecord:
    """For a screenshot: the first open episode on the to-book list that shows what a form is
    about (``wanted``), else the first one there is."""
    first = None
    seen: set[int] = set()
    for row in worklists.to_book(actor, limit=looked_at).rows:
        if row.episode_id in seen:
            continue
        seen.add(row.episode_id)
        record = episode_records.get_episode(actor, row.episode_id)
        first = first or record
        if wanted(record, patients.get_patient(actor, record.patient_id)):
            return record
    if first is None:
        raise ServiceError("the database has no open episode to show a pathway form for; build a demo first")
    return first
